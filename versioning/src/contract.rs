//! Comparing two contract documents item by item: header, transport, envelope, errors,
//! actions, events and named schemas. Schemas go through [`crate::schema`].

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use frameproof_schema::{
    pointer, ActionSpec, AuthMethod, Contract, ControlFrame, Deprecation, Direction, ErrorCodeType,
    EventSpec, RestRoute, Scope,
};

use crate::model::Change;
use crate::rules::RuleId;
use crate::schema::{Loc, Role, Walker};

/// Every change between two documents, merged (one change per rule and pair of pointers, with
/// all the uses that reach it) and sorted: errors first, then by pointer.
pub fn diff(old: &Contract, new: &Contract) -> Vec<Change> {
    let mut d = Differ {
        old,
        new,
        out: Vec::new(),
        walker: Walker::new(&old.defs, &new.defs),
    };
    d.header();
    d.transport();
    d.envelope();
    d.errors();
    d.actions();
    d.events();
    d.defs();
    let mut all = d.out;
    all.append(&mut d.walker.out);
    merge(all)
}

fn merge(changes: Vec<Change>) -> Vec<Change> {
    let mut merged: BTreeMap<(RuleId, String, String), Change> = BTreeMap::new();
    for c in changes {
        let key = (c.rule, c.old_pointer.clone(), c.new_pointer.clone());
        match merged.get_mut(&key) {
            Some(existing) => {
                existing.breaks = existing.breaks.union(c.breaks);
                for u in c.used_by {
                    if !existing.used_by.contains(&u) {
                        existing.used_by.push(u);
                    }
                }
            }
            None => {
                merged.insert(key, c);
            }
        }
    }
    let mut out: Vec<Change> = merged.into_values().collect();
    for c in &mut out {
        c.used_by.sort();
    }
    out.sort_by(|a, b| {
        (a.severity, &a.old_pointer, &a.new_pointer, a.rule.id()).cmp(&(
            b.severity,
            &b.old_pointer,
            &b.new_pointer,
            b.rule.id(),
        ))
    });
    out
}

struct Differ<'a> {
    old: &'a Contract,
    new: &'a Contract,
    out: Vec<Change>,
    walker: Walker<'a>,
}

fn p(base: &str, segment: &str) -> String {
    pointer::push(base, segment)
}

fn text<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "?".into())
}

/// A path with its parameters as placeholders: `/items/{id}` and `/items/{item_id}` are the
/// same shape.
fn shape(template: &str) -> String {
    let mut out = String::with_capacity(template.len());
    let mut depth = 0usize;
    for ch in template.chars() {
        match ch {
            '{' => {
                if depth == 0 {
                    out.push_str("{}");
                }
                depth += 1;
            }
            '}' if depth > 0 => depth -= 1,
            _ if depth > 0 => {}
            _ => out.push(ch),
        }
    }
    out
}

/// A route's path without the REST base path.
fn relative<'s>(path: &'s str, base: &str) -> &'s str {
    let base = base.trim_end_matches('/');
    if base.is_empty() {
        return path;
    }
    match path.strip_prefix(base) {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => rest,
        _ => path,
    }
}

fn version(v: &str) -> Option<semver::Version> {
    semver::Version::parse(v.trim()).ok()
}

/// Pointers under `at` where two JSON values differ (members present on one side only count).
fn leaf_diff(old: &Value, new: &Value, at: &str, out: &mut Vec<String>) {
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for k in keys {
                let here = p(at, k);
                match (a.get(k), b.get(k)) {
                    (Some(x), Some(y)) => leaf_diff(x, y, &here, out),
                    _ => out.push(here),
                }
            }
        }
        _ if old != new => out.push(at.to_owned()),
        _ => {}
    }
}

impl<'a> Differ<'a> {
    fn push(
        &mut self,
        rule: RuleId,
        old: impl Into<String>,
        new: impl Into<String>,
        message: String,
    ) {
        self.out.push(Change::new(rule, old, new, message));
    }

    fn header(&mut self) {
        let (o, n) = (self.old, self.new);
        if o.name != n.name {
            self.push(
                RuleId::MetadataChanged,
                "/name",
                "/name",
                format!("the contract's name was `{}`, now `{}`", o.name, n.name),
            );
        }
        if o.frameproof != n.frameproof {
            self.push(
                RuleId::MetadataChanged,
                "/frameproof",
                "/frameproof",
                format!(
                    "the document format was {}, now {}",
                    o.frameproof, n.frameproof
                ),
            );
        }
        if o.description != n.description {
            self.push(
                RuleId::DescriptionChanged,
                "/description",
                "/description",
                "the contract's description changed".into(),
            );
        }
    }

    fn transport(&mut self) {
        let (o, n) = (&self.old.transport, &self.new.transport);
        if o.websocket.path != n.websocket.path {
            self.push(
                RuleId::WebsocketPathChanged,
                "/transport/websocket/path",
                "/transport/websocket/path",
                format!(
                    "the WebSocket endpoint moved from `{}` to `{}`",
                    o.websocket.path, n.websocket.path
                ),
            );
        }
        let sp = "/transport/websocket/subprotocols";
        for (i, s) in o.websocket.subprotocols.iter().enumerate() {
            if !n.websocket.subprotocols.contains(s) {
                self.push(
                    RuleId::SubprotocolRemoved,
                    format!("{sp}/{i}"),
                    sp,
                    format!("the subprotocol `{s}` is no longer accepted"),
                );
            }
        }
        for (i, s) in n.websocket.subprotocols.iter().enumerate() {
            if !o.websocket.subprotocols.contains(s) {
                self.push(
                    RuleId::SubprotocolAdded,
                    sp,
                    format!("{sp}/{i}"),
                    format!("the subprotocol `{s}` is accepted"),
                );
            }
        }
        let common = |a: &[String], b: &[String]| -> Vec<String> {
            a.iter().filter(|s| b.contains(s)).cloned().collect()
        };
        if common(&o.websocket.subprotocols, &n.websocket.subprotocols)
            != common(&n.websocket.subprotocols, &o.websocket.subprotocols)
        {
            self.push(
                RuleId::MetadataChanged,
                sp,
                sp,
                "the subprotocols' order of preference changed".into(),
            );
        }
        let mp = "/transport/websocket/max_frame_bytes";
        let limit = |v: Option<u64>| v.map(|b| format!("{b} bytes")).unwrap_or("no limit".into());
        let (ob, nb) = (o.websocket.max_frame_bytes, n.websocket.max_frame_bytes);
        let lowered = match (ob, nb) {
            (None, Some(_)) => Some(true),
            (Some(_), None) => Some(false),
            (Some(a), Some(b)) if a != b => Some(b < a),
            _ => None,
        };
        if let Some(lowered) = lowered {
            let rule = if lowered {
                RuleId::MaxFrameBytesLowered
            } else {
                RuleId::MaxFrameBytesRaised
            };
            self.push(
                rule,
                mp,
                mp,
                format!(
                    "the largest accepted frame was {}, now {}",
                    limit(ob),
                    limit(nb)
                ),
            );
        }
        if o.rest.base_path != n.rest.base_path {
            self.push(
                RuleId::RestBasePathChanged,
                "/transport/rest/base_path",
                "/transport/rest/base_path",
                format!(
                    "the REST base path moved from `{}` to `{}`",
                    o.rest.base_path, n.rest.base_path
                ),
            );
        }
        self.auth();
        for (field, a, b) in [
            (
                "interval_ms",
                o.heartbeat.interval_ms,
                n.heartbeat.interval_ms,
            ),
            ("timeout_ms", o.heartbeat.timeout_ms, n.heartbeat.timeout_ms),
        ] {
            if a != b {
                let at = format!("/transport/heartbeat/{field}");
                self.push(
                    RuleId::TimingChanged,
                    at.clone(),
                    at,
                    format!("the heartbeat's {field} was {a}, now {b}"),
                );
            }
        }
    }

    fn auth(&mut self) {
        let (o, n) = (&self.old.transport.auth, &self.new.transport.auth);
        let base = "/transport/auth";
        let keyed = |methods: &[AuthMethod]| -> Vec<(String, usize)> {
            let mut seen: BTreeMap<&'static str, usize> = BTreeMap::new();
            methods
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    let kind = kind_of(m);
                    let count = seen.entry(kind).or_insert(0);
                    *count += 1;
                    (format!("{kind}#{count}"), i)
                })
                .collect()
        };
        let ok = keyed(&o.methods);
        let nk = keyed(&n.methods);
        let mp = format!("{base}/methods");
        for (key, i) in &ok {
            let Some(om) = o.methods.get(*i) else {
                continue;
            };
            match nk.iter().find(|(k, _)| k == key) {
                None => self.push(
                    RuleId::AuthMethodRemoved,
                    format!("{mp}/{i}"),
                    mp.clone(),
                    format!(
                        "connections can no longer authenticate with {}",
                        method_text(om)
                    ),
                ),
                Some((_, j)) => {
                    let Some(nm) = n.methods.get(*j) else {
                        continue;
                    };
                    let (op, np) = (format!("{mp}/{i}"), format!("{mp}/{j}"));
                    match (om, nm) {
                        (
                            AuthMethod::FirstMessage { timeout_ms: a },
                            AuthMethod::FirstMessage { timeout_ms: b },
                        ) if a != b => {
                            let rule = if b < a {
                                RuleId::AuthSettingChanged
                            } else {
                                RuleId::TimingChanged
                            };
                            self.push(
                                rule,
                                p(&op, "timeout_ms"),
                                p(&np, "timeout_ms"),
                                format!("the first-message auth timeout was {a} ms, now {b} ms"),
                            );
                        }
                        _ if om != nm => self.push(
                            RuleId::AuthSettingChanged,
                            op,
                            np,
                            format!(
                                "authentication was {}, now {}",
                                method_text(om),
                                method_text(nm)
                            ),
                        ),
                        _ => {}
                    }
                }
            }
        }
        for (key, j) in &nk {
            if !ok.iter().any(|(k, _)| k == key) {
                if let Some(nm) = n.methods.get(*j) {
                    self.push(
                        RuleId::AuthMethodAdded,
                        mp.clone(),
                        format!("{mp}/{j}"),
                        format!("connections can authenticate with {}", method_text(nm)),
                    );
                }
            }
        }
        let order = |a: &[(String, usize)], b: &[(String, usize)]| -> Vec<String> {
            a.iter()
                .filter(|(k, _)| b.iter().any(|(x, _)| x == k))
                .map(|(k, _)| k.clone())
                .collect()
        };
        if order(&ok, &nk) != order(&nk, &ok) {
            self.push(
                RuleId::MetadataChanged,
                mp.clone(),
                mp,
                "the auth methods' order of preference changed".into(),
            );
        }
        let settings: [(&str, Option<String>, Option<String>); 4] = [
            (
                "rest_header",
                Some(o.rest_header.clone()),
                Some(n.rest_header.clone()),
            ),
            (
                "expired_event",
                o.expired_event.clone(),
                n.expired_event.clone(),
            ),
            (
                "refresh_action",
                o.refresh_action.clone(),
                n.refresh_action.clone(),
            ),
            (
                "close_code",
                o.close_code.map(|c| c.to_string()),
                n.close_code.map(|c| c.to_string()),
            ),
        ];
        for (field, a, b) in settings {
            if a != b {
                let show = |v: &Option<String>| {
                    v.as_ref()
                        .map(|s| format!("`{s}`"))
                        .unwrap_or_else(|| "none".into())
                };
                self.push(
                    RuleId::AuthSettingChanged,
                    p(base, field),
                    p(base, field),
                    format!("the auth {field} was {}, now {}", show(&a), show(&b)),
                );
            }
        }
    }

    fn envelope(&mut self) {
        let (o, n) = (&self.old.envelope, &self.new.envelope);
        if o.profile != n.profile {
            self.push(
                RuleId::MetadataChanged,
                "/envelope/profile",
                "/envelope/profile",
                format!(
                    "the envelope profile label was `{}`, now `{}`",
                    o.profile, n.profile
                ),
            );
        }
        let mut differing = Vec::new();
        let strip = |v: Value, keys: &[&str]| -> Value {
            match v {
                Value::Object(mut m) => {
                    for k in keys {
                        m.remove(*k);
                    }
                    Value::Object(m)
                }
                other => other,
            }
        };
        let (oreq, nreq) = (
            strip(
                serde_json::to_value(&o.request).unwrap_or(Value::Null),
                &["id_schema"],
            ),
            strip(
                serde_json::to_value(&n.request).unwrap_or(Value::Null),
                &["id_schema"],
            ),
        );
        leaf_diff(&oreq, &nreq, "/envelope/request", &mut differing);
        let (ores, nres) = (
            serde_json::to_value(&o.response).unwrap_or(Value::Null),
            serde_json::to_value(&n.response).unwrap_or(Value::Null),
        );
        leaf_diff(&ores, &nres, "/envelope/response", &mut differing);
        let (oev, nev) = (
            strip(
                serde_json::to_value(&o.event).unwrap_or(Value::Null),
                &["optional"],
            ),
            strip(
                serde_json::to_value(&n.event).unwrap_or(Value::Null),
                &["optional"],
            ),
        );
        leaf_diff(&oev, &nev, "/envelope/event", &mut differing);
        for at in differing {
            let what = frameproof_schema::pointer::segments(&at)
                .ok()
                .and_then(|s| s.get(1..).map(|s| s.join(".")))
                .unwrap_or_else(|| at.clone());
            self.push(
                RuleId::EnvelopeChanged,
                at.clone(),
                at,
                format!("the envelope's `{what}` changed"),
            );
        }
        self.walker.compare_root(
            "envelope request id",
            Role::Request,
            Loc::new(&o.request.id_schema, "/envelope/request/id_schema"),
            Loc::new(&n.request.id_schema, "/envelope/request/id_schema"),
            "request id",
        );
        let op = "/envelope/event/optional";
        let members: BTreeSet<&String> = o
            .event
            .optional
            .keys()
            .chain(n.event.optional.keys())
            .collect();
        for m in members {
            let at = p(op, m);
            match (o.event.optional.get(m), n.event.optional.get(m)) {
                (Some(a), Some(b)) => self.walker.compare_root(
                    &format!("envelope event member `{m}`"),
                    Role::Response,
                    Loc::new(a, at.clone()),
                    Loc::new(b, at),
                    &format!("event member {m}"),
                ),
                (Some(_), None) => self.push(
                    RuleId::EnvelopeChanged,
                    at,
                    op,
                    format!("the optional event member `{m}` was removed"),
                ),
                (None, Some(_)) => self.push(
                    RuleId::EnvelopeChanged,
                    op,
                    at,
                    format!("events may carry a new optional member `{m}`"),
                ),
                (None, None) => {}
            }
        }
        self.control_frames();
    }

    fn control_frames(&mut self) {
        let keyed = |frames: &'a [ControlFrame]| -> Vec<(String, usize, &'a ControlFrame)> {
            let mut seen: BTreeMap<String, usize> = BTreeMap::new();
            frames
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    let kind = f.kind.as_str();
                    let base = format!("{kind} ({})", f.direction.as_str());
                    let count = seen.entry(base.clone()).or_insert(0);
                    *count += 1;
                    let key = if *count == 1 {
                        base
                    } else {
                        format!("{base} #{count}")
                    };
                    (key, i, f)
                })
                .collect()
        };
        let ok = keyed(&self.old.envelope.control);
        let nk = keyed(&self.new.envelope.control);
        let cp = "/envelope/control";
        for (key, i, of) in &ok {
            let op = format!("{cp}/{i}");
            match nk.iter().find(|(k, _, _)| k == key) {
                None => self.push(
                    RuleId::ControlFrameRemoved,
                    op,
                    cp,
                    format!("the control frame `{key}` was removed"),
                ),
                Some((_, j, nf)) => {
                    let np = format!("{cp}/{j}");
                    let strip = |f: &ControlFrame| -> Value {
                        let mut v = serde_json::to_value(f).unwrap_or(Value::Null);
                        if let Value::Object(m) = &mut v {
                            m.remove("schema");
                        }
                        v
                    };
                    let mut differing = Vec::new();
                    leaf_diff(&strip(of), &strip(nf), "", &mut differing);
                    for at in differing {
                        self.push(
                            RuleId::EnvelopeChanged,
                            format!("{op}{at}"),
                            format!("{np}{at}"),
                            format!("the control frame `{key}` changed at `{at}`"),
                        );
                    }
                    let role = match of.direction {
                        Direction::Client => Role::Request,
                        Direction::Server => Role::Response,
                    };
                    self.walker.compare_root(
                        &format!("control frame `{key}`"),
                        role,
                        Loc::new(&of.schema, p(&op, "schema")),
                        Loc::new(&nf.schema, p(&np, "schema")),
                        &format!("{key} frame"),
                    );
                }
            }
        }
        for (key, j, _) in &nk {
            if !ok.iter().any(|(k, _, _)| k == key) {
                self.push(
                    RuleId::ControlFrameAdded,
                    cp,
                    format!("{cp}/{j}"),
                    format!("a new control frame `{key}`"),
                );
            }
        }
    }

    fn numeric_codes(&self) -> bool {
        self.old.envelope.response.error_code_type == ErrorCodeType::Number
            || self.new.envelope.response.error_code_type == ErrorCodeType::Number
    }

    fn errors(&mut self) {
        let (o, n) = (&self.old.errors, &self.new.errors);
        let codes: BTreeSet<&String> = o.keys().chain(n.keys()).collect();
        for code in codes {
            let at = p("/errors", code);
            match (o.get(code), n.get(code)) {
                (Some(_), None) => self.push(
                    RuleId::ErrorRemoved,
                    at,
                    "/errors",
                    format!("the error code `{code}` was removed"),
                ),
                (None, Some(spec)) => {
                    let (rule, message) = if spec.any_action {
                        (
                            RuleId::ErrorAddedAnyAction,
                            format!("the new error code `{code}` may answer any action"),
                        )
                    } else {
                        (
                            RuleId::ErrorAdded,
                            format!("a new error code `{code}` ({})", spec.status),
                        )
                    };
                    self.push(rule, "/errors", at, message);
                }
                (Some(a), Some(b)) => {
                    if a.status != b.status {
                        self.push(
                            RuleId::ErrorStatusChanged,
                            p(&at, "status"),
                            p(&at, "status"),
                            format!("the error `{code}` was HTTP {}, now {}", a.status, b.status),
                        );
                    }
                    if a.rpc_code != b.rpc_code {
                        let rule = if self.numeric_codes() {
                            RuleId::ErrorRpcCodeChanged
                        } else {
                            RuleId::MetadataChanged
                        };
                        let show =
                            |c: Option<i64>| c.map(|c| c.to_string()).unwrap_or("none".into());
                        self.push(
                            rule,
                            p(&at, "rpc_code"),
                            p(&at, "rpc_code"),
                            format!(
                                "the error `{code}`'s numeric code was {}, now {}",
                                show(a.rpc_code),
                                show(b.rpc_code)
                            ),
                        );
                    }
                    if a.any_action != b.any_action {
                        let (rule, message) = if b.any_action {
                            (
                                RuleId::ErrorAnyActionAdded,
                                format!("the error `{code}` may now answer any action"),
                            )
                        } else {
                            (
                                RuleId::ErrorAnyActionRemoved,
                                format!("the error `{code}` now answers only the actions that declare it"),
                            )
                        };
                        self.push(rule, p(&at, "any_action"), p(&at, "any_action"), message);
                    }
                    if a.description != b.description {
                        self.push(
                            RuleId::DescriptionChanged,
                            p(&at, "description"),
                            p(&at, "description"),
                            format!("the error `{code}`'s description changed"),
                        );
                    }
                }
                (None, None) => {}
            }
        }
    }

    fn item_common(
        &mut self,
        what: &str,
        at: &str,
        (od, nd): (&str, &str),
        (osince, nsince): (&str, &str),
        (odep, ndep): (Option<&Deprecation>, Option<&Deprecation>),
    ) {
        if od != nd {
            self.push(
                RuleId::DescriptionChanged,
                p(at, "description"),
                p(at, "description"),
                format!("{what}'s description changed"),
            );
        }
        if osince != nsince {
            let sp = p(at, "since");
            match (version(osince), version(nsince)) {
                (Some(a), Some(b)) if b > a => self.push(
                    RuleId::SinceRaised,
                    sp.clone(),
                    sp,
                    format!("{what} now claims to be new in {b}, not {a}: connections that negotiated an older version may no longer use it"),
                ),
                (Some(a), Some(b)) if b < a => self.push(
                    RuleId::SinceLowered,
                    sp.clone(),
                    sp,
                    format!("{what} now claims to be available since {b}, not {a}"),
                ),
                _ => self.push(
                    RuleId::MetadataChanged,
                    sp.clone(),
                    sp,
                    format!("{what}'s `since` was `{osince}`, now `{nsince}`"),
                ),
            }
        }
        let dp = p(at, "deprecated");
        match (odep, ndep) {
            (None, Some(d)) => {
                let note = if d.note.is_empty() {
                    String::new()
                } else {
                    format!(": {}", d.note)
                };
                self.push(
                    RuleId::Deprecated,
                    at,
                    dp,
                    format!("{what} is now deprecated{note}"),
                );
            }
            (Some(_), None) => self.push(
                RuleId::Undeprecated,
                dp,
                at,
                format!("{what} is no longer deprecated"),
            ),
            (Some(a), Some(b)) if a != b => self.push(
                RuleId::DescriptionChanged,
                dp.clone(),
                dp,
                format!("{what}'s deprecation note changed"),
            ),
            _ => {}
        }
    }

    fn actions(&mut self) {
        let (o, n) = (&self.old.actions, &self.new.actions);
        let names: BTreeSet<&String> = o.keys().chain(n.keys()).collect();
        for name in names {
            let at = p("/actions", name);
            match (o.get(name), n.get(name)) {
                (Some(a), None) => {
                    let (rule, message) = match &a.deprecated {
                        Some(d) => (
                            RuleId::ActionRemovedAfterDeprecation,
                            format!(
                                "the action `{name}` was removed after its deprecation{}",
                                d.since
                                    .as_ref()
                                    .map(|s| format!(" in {s}"))
                                    .unwrap_or_default()
                            ),
                        ),
                        None => (
                            RuleId::ActionRemoved,
                            format!(
                                "the action `{name}` was removed without being deprecated first"
                            ),
                        ),
                    };
                    self.push(rule, at, "/actions", message);
                }
                (None, Some(_)) => self.push(
                    RuleId::ActionAdded,
                    "/actions",
                    at,
                    format!("a new action `{name}`"),
                ),
                (Some(a), Some(b)) => self.action_pair(name, &at, a, b),
                (None, None) => {}
            }
        }
    }

    fn action_pair(&mut self, name: &str, at: &str, a: &'a ActionSpec, b: &'a ActionSpec) {
        let what = format!("the action `{name}`");
        self.item_common(
            &what,
            at,
            (&a.description, &b.description),
            (&a.since, &b.since),
            (a.deprecated.as_ref(), b.deprecated.as_ref()),
        );
        if a.websocket != b.websocket {
            let wp = p(at, "websocket");
            if b.websocket {
                self.push(
                    RuleId::ActionWebsocketAdded,
                    wp.clone(),
                    wp,
                    format!("{what} is now served over the WebSocket too"),
                );
            } else {
                self.push(
                    RuleId::ActionWebsocketRemoved,
                    wp.clone(),
                    wp,
                    format!("{what} is no longer served over the WebSocket"),
                );
            }
        }
        self.route(&what, at, a.rest.as_ref(), b.rest.as_ref());
        self.action_errors(&what, at, &a.errors, &b.errors);
        let (oe, ne): (BTreeSet<&String>, BTreeSet<&String>) =
            (a.emits.iter().collect(), b.emits.iter().collect());
        if oe != ne {
            let list = |s: Vec<&&String>| {
                s.iter()
                    .map(|e| format!("`{e}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let added = list(ne.difference(&oe).collect());
            let removed = list(oe.difference(&ne).collect());
            let mut parts = Vec::new();
            if !added.is_empty() {
                parts.push(format!("now emits {added}"));
            }
            if !removed.is_empty() {
                parts.push(format!("no longer emits {removed}"));
            }
            let ep = p(at, "emits");
            self.push(
                RuleId::ActionEmitsChanged,
                ep.clone(),
                ep,
                format!("{what} {}", parts.join(" and ")),
            );
        }
        self.walker.compare_root(
            &format!("action `{name}` payload"),
            Role::Request,
            Loc::new(&a.payload, p(at, "payload")),
            Loc::new(&b.payload, p(at, "payload")),
            &format!("{name} payload"),
        );
        self.walker.compare_root(
            &format!("action `{name}` response"),
            Role::Response,
            Loc::new(&a.response, p(at, "response")),
            Loc::new(&b.response, p(at, "response")),
            &format!("{name} response"),
        );
    }

    fn route(&mut self, what: &str, at: &str, a: Option<&RestRoute>, b: Option<&RestRoute>) {
        let rp = p(at, "rest");
        match (a, b) {
            (Some(r), None) => self.push(
                RuleId::RestRouteRemoved,
                rp,
                at,
                format!("{what} is no longer served at {} {}", r.method, r.path),
            ),
            (None, Some(r)) => self.push(
                RuleId::RestRouteAdded,
                at,
                rp,
                format!("{what} is now served at {} {}", r.method, r.path),
            ),
            (Some(x), Some(y)) => {
                let ob = &self.old.transport.rest.base_path;
                let nb = &self.new.transport.rest.base_path;
                let moved = shape(relative(&x.path, ob)) != shape(relative(&y.path, nb));
                if x.method != y.method || moved {
                    let field = if x.method != y.method {
                        "method"
                    } else {
                        "path"
                    };
                    self.push(
                        RuleId::RestRouteChanged,
                        p(&rp, field),
                        p(&rp, field),
                        format!(
                            "{what} moved from {} {} to {} {}",
                            x.method, x.path, y.method, y.path
                        ),
                    );
                } else if x.path_params != y.path_params {
                    self.push(
                        RuleId::RestPathParamRenamed,
                        p(&rp, "path"),
                        p(&rp, "path"),
                        format!(
                            "{what}'s path parameters were {}, now {} (same URLs)",
                            text(&x.path_params),
                            text(&y.path_params)
                        ),
                    );
                }
            }
            (None, None) => {}
        }
    }

    fn action_errors(&mut self, what: &str, at: &str, a: &[String], b: &[String]) {
        let ep = p(at, "errors");
        let any_old = |c: &str| self.old.errors.get(c).is_some_and(|e| e.any_action);
        let any_new = |c: &str| self.new.errors.get(c).is_some_and(|e| e.any_action);
        let mut pending = Vec::new();
        for (i, code) in b.iter().enumerate() {
            if !a.contains(code) {
                let (rule, message) = if any_old(code) {
                    (
                        RuleId::MetadataChanged,
                        format!("{what} now lists `{code}`, which could already answer any action"),
                    )
                } else {
                    (
                        RuleId::ActionErrorAdded,
                        format!("{what} may now return the error `{code}`"),
                    )
                };
                pending.push(Change::new(rule, ep.clone(), format!("{ep}/{i}"), message));
            }
        }
        for (i, code) in a.iter().enumerate() {
            if !b.contains(code) {
                let (rule, message) = if any_new(code) {
                    (
                        RuleId::MetadataChanged,
                        format!("{what} no longer lists `{code}`, which still answers any action"),
                    )
                } else {
                    (
                        RuleId::ActionErrorRemoved,
                        format!("{what} no longer returns the error `{code}`"),
                    )
                };
                pending.push(Change::new(rule, format!("{ep}/{i}"), ep.clone(), message));
            }
        }
        self.out.append(&mut pending);
    }

    fn events(&mut self) {
        let (o, n) = (&self.old.events, &self.new.events);
        let names: BTreeSet<&String> = o.keys().chain(n.keys()).collect();
        for name in names {
            let at = p("/events", name);
            match (o.get(name), n.get(name)) {
                (Some(a), None) => {
                    let (rule, message) = match &a.deprecated {
                        Some(_) => (
                            RuleId::EventRemovedAfterDeprecation,
                            format!("the event `{name}` was removed after its deprecation"),
                        ),
                        None => (
                            RuleId::EventRemoved,
                            format!(
                                "the event `{name}` was removed without being deprecated first"
                            ),
                        ),
                    };
                    self.push(rule, at, "/events", message);
                }
                (None, Some(_)) => self.push(
                    RuleId::EventAdded,
                    "/events",
                    at,
                    format!("a new event `{name}`"),
                ),
                (Some(a), Some(b)) => self.event_pair(name, &at, a, b),
                (None, None) => {}
            }
        }
    }

    fn event_pair(&mut self, name: &str, at: &str, a: &'a EventSpec, b: &'a EventSpec) {
        let what = format!("the event `{name}`");
        self.item_common(
            &what,
            at,
            (&a.description, &b.description),
            (&a.since, &b.since),
            (a.deprecated.as_ref(), b.deprecated.as_ref()),
        );
        let sp = p(at, "scope");
        let scope_text = |s: &Scope| match s {
            Scope::Tenant => "the tenant".to_owned(),
            Scope::Connection => "one connection".to_owned(),
            Scope::Topic { pattern } => format!("topic `{pattern}`"),
            Scope::Subscription { id } => format!("a subscription (id at `{id}`)"),
        };
        match (&a.scope, &b.scope) {
            (Scope::Topic { pattern: x }, Scope::Topic { pattern: y }) if x != y => {
                if shape(x) == shape(y) {
                    self.push(
                        RuleId::EventTopicParamRenamed,
                        p(&sp, "pattern"),
                        p(&sp, "pattern"),
                        format!("{what}'s topic pattern `{x}` is now `{y}` (same topics)"),
                    );
                } else {
                    self.push(
                        RuleId::EventScopeChanged,
                        p(&sp, "pattern"),
                        p(&sp, "pattern"),
                        format!(
                            "{what} went to {}, now to {}",
                            scope_text(&a.scope),
                            scope_text(&b.scope)
                        ),
                    );
                }
            }
            (x, y) if x != y => self.push(
                RuleId::EventScopeChanged,
                sp.clone(),
                sp,
                format!("{what} went to {}, now to {}", scope_text(x), scope_text(y)),
            ),
            _ => {}
        }
        self.walker.compare_root(
            &format!("event `{name}` data"),
            Role::Response,
            Loc::new(&a.data, p(at, "data")),
            Loc::new(&b.data, p(at, "data")),
            &format!("{name} data"),
        );
    }

    fn defs(&mut self) {
        let (o, n) = (&self.old.defs, &self.new.defs);
        let mut old_only: BTreeSet<&String> = o.keys().filter(|k| !n.contains_key(*k)).collect();
        let mut new_only: BTreeSet<&String> = n.keys().filter(|k| !o.contains_key(*k)).collect();
        let mut renames: Vec<(String, String)> = Vec::new();
        for (a, b) in &self.walker.def_pairs {
            if old_only.contains(a) && new_only.contains(b) {
                old_only.remove(a);
                new_only.remove(b);
                renames.push((a.clone(), b.clone()));
            }
        }
        // unreferenced definitions that are the same schema under another name
        let candidates: Vec<&String> = old_only.iter().copied().collect();
        for a in candidates {
            let found = new_only
                .iter()
                .copied()
                .find(|b| o.get(a).is_some() && o.get(a) == n.get(*b));
            if let Some(b) = found {
                old_only.remove(a);
                new_only.remove(b);
                renames.push((a.clone(), b.clone()));
            }
        }
        for (a, b) in renames {
            self.push(
                RuleId::DefRenamed,
                p("/$defs", &a),
                p("/$defs", &b),
                format!("the schema `{a}` is now named `{b}`: the wire is the same, generated type names change"),
            );
        }
        for a in old_only {
            self.push(
                RuleId::DefRemoved,
                p("/$defs", a),
                "/$defs",
                format!("the schema `{a}` was removed"),
            );
        }
        for b in new_only {
            self.push(
                RuleId::DefAdded,
                "/$defs",
                p("/$defs", b),
                format!("a new schema `{b}`"),
            );
        }
        for (name, a) in o {
            if let Some(b) = n.get(name) {
                if a != b
                    && !self
                        .walker
                        .def_pairs
                        .contains(&(name.clone(), name.clone()))
                {
                    let at = p("/$defs", name);
                    self.push(
                        RuleId::DefChanged,
                        at.clone(),
                        at,
                        format!("the schema `{name}`, which nothing uses, changed"),
                    );
                }
            }
        }
    }
}

fn kind_of(m: &AuthMethod) -> &'static str {
    match m {
        AuthMethod::Query { .. } => "query",
        AuthMethod::FirstMessage { .. } => "first_message",
        AuthMethod::Ticket { .. } => "ticket",
        AuthMethod::Header { .. } => "header",
    }
}

fn method_text(m: &AuthMethod) -> String {
    match m {
        AuthMethod::Query { param } => format!("a `{param}` query parameter"),
        AuthMethod::FirstMessage { timeout_ms } => {
            format!("a first `auth` message within {timeout_ms} ms")
        }
        AuthMethod::Ticket { action, param } => {
            format!("a ticket from `{action}` in `{param}`")
        }
        AuthMethod::Header { name } => format!("a `{name}` header"),
    }
}

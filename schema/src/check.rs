//! The rules a contract document must follow. The builder runs the same checks, so a document
//! built from Rust types and a document written by hand are held to one standard.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

use frameproof_naming::{
    check_action_name, check_error_code, check_event_name, check_version, Template,
};

use crate::document::{Contract, LintLevel, Scope};
use crate::envelope::ErrorCodeType;
use crate::pointer::{self, push};
use crate::schema_walk::{allows_member, for_each_ref, is_scalar, object_fields, ref_target};

/// The newest document format major version this crate reads.
pub const MAX_SUPPORTED_FORMAT: u64 = 1;

/// One thing wrong with a contract: where (a JSON pointer into the document) and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub pointer: String,
    pub message: String,
}

impl Problem {
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            pointer: pointer.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(f, "{at}: {}", self.message)
    }
}

impl Contract {
    /// Checks the whole document and returns every problem found (empty when it is sound).
    pub fn check(&self) -> Vec<Problem> {
        let mut p = Vec::new();
        self.check_header(&mut p);
        self.check_transport(&mut p);
        self.check_control_members(&mut p);
        self.check_errors(&mut p);
        self.check_actions(&mut p);
        self.check_routes_unique(&mut p);
        self.check_events(&mut p);
        self.check_schemas(&mut p);
        self.check_derived(&mut p);
        self.check_protocol(&mut p);
        if self.lints.naming == LintLevel::Deny {
            self.naming_lint(&mut p);
        }
        p
    }

    /// What breaks a convention the contract keeps as advice (naming, unless the contract
    /// denies or allows it): the document is sound, and these are worth a look.
    pub fn warnings(&self) -> Vec<Problem> {
        let mut p = Vec::new();
        if self.lints.naming == LintLevel::Warn {
            self.naming_lint(&mut p);
        }
        p
    }

    /// frameproof's naming convention: `resource.verb` actions, snake_case error codes.
    fn naming_lint(&self, p: &mut Vec<Problem>) {
        for name in self.actions.keys() {
            if let Err(e) = check_action_name(name) {
                p.push(Problem::new(push("/actions", name), e.to_string()));
            }
        }
        for name in self.events.keys() {
            if let Err(e) = check_event_name(name) {
                p.push(Problem::new(push("/events", name), e.to_string()));
            }
        }
        for code in self.errors.keys() {
            if let Err(e) = check_error_code(code) {
                p.push(Problem::new(push("/errors", code), e.to_string()));
            }
        }
    }

    /// A wire name is any non-empty string without control characters; everything else about
    /// its spelling is the naming lint's.
    fn check_wire_name(at: String, kind: &str, name: &str, p: &mut Vec<Problem>) {
        if name.is_empty() {
            p.push(Problem::new(
                at,
                format!("an {kind} needs a non-empty name"),
            ));
        } else if name.chars().any(char::is_control) {
            p.push(Problem::new(
                at,
                format!("{kind} name {name:?} contains a control character"),
            ));
        }
    }

    fn check_header(&self, p: &mut Vec<Problem>) {
        let major = self
            .frameproof
            .split('.')
            .next()
            .and_then(|m| m.parse::<u64>().ok());
        match major {
            Some(m) if m <= MAX_SUPPORTED_FORMAT => {}
            Some(m) => p.push(Problem::new(
                "/frameproof",
                format!("document format {m} is newer than this frameproof reads ({MAX_SUPPORTED_FORMAT}); upgrade frameproof"),
            )),
            None => p.push(Problem::new(
                "/frameproof",
                format!("`{}` is not a document format version such as `1.0`", self.frameproof),
            )),
        }
        if self.name.trim().is_empty() {
            p.push(Problem::new("/name", "the contract needs a name"));
        }
        if let Err(e) = check_version(&self.version) {
            p.push(Problem::new("/version", e.to_string()));
        }
    }

    fn check_transport(&self, p: &mut Vec<Problem>) {
        let t = &self.transport;
        if !t.websocket.path.starts_with('/') {
            p.push(Problem::new(
                "/transport/websocket/path",
                format!("`{}` must start with `/`", t.websocket.path),
            ));
        }
        // a socket per room (`/rooms/{room_id}/live`) is a template, matched as one
        if let Err(e) = Template::parse(&t.websocket.path) {
            p.push(Problem::new("/transport/websocket/path", e.to_string()));
        }
        if !t.rest.base_path.is_empty() && !t.rest.base_path.starts_with('/') {
            p.push(Problem::new(
                "/transport/rest/base_path",
                format!("`{}` must be empty or start with `/`", t.rest.base_path),
            ));
        }
        if t.heartbeat.interval_ms == 0 || t.heartbeat.timeout_ms == 0 {
            p.push(Problem::new(
                "/transport/heartbeat",
                "interval_ms and timeout_ms must be greater than zero",
            ));
        }
        if let Some(rpc) = &t.rest.rpc_endpoint {
            if !rpc.starts_with('/') {
                p.push(Problem::new(
                    "/transport/rest/rpc_endpoint",
                    format!("`{rpc}` must start with `/`"),
                ));
            }
        }
        if let Some(ev) = &t.auth.expired_event {
            match self.events.get(ev) {
                None => p.push(Problem::new(
                    "/transport/auth/expired_event",
                    format!("`{ev}` is not a registered event"),
                )),
                Some(spec) if spec.scope != Scope::Connection => p.push(Problem::new(
                    "/transport/auth/expired_event",
                    format!("`{ev}` must have the `connection` scope: it concerns one connection"),
                )),
                Some(_) => {}
            }
        }
        if let Some(v) = &t.versioning {
            for (i, m) in v.methods.iter().enumerate() {
                let at = format!("/transport/versioning/methods/{i}");
                match m {
                    crate::VersionMethod::Query { param } if param.is_empty() => {
                        p.push(Problem::new(at, "the query parameter needs a name"))
                    }
                    crate::VersionMethod::Subprotocol { prefix } if prefix.is_empty() => {
                        p.push(Problem::new(at, "the subprotocol needs a prefix"))
                    }
                    crate::VersionMethod::AuthFrame { pointer } => {
                        if let Err(e) = pointer::segments(pointer) {
                            p.push(Problem::new(at, e.to_string()));
                        }
                    }
                    _ => {}
                }
            }
        }
        if let Some(a) = &t.auth.refresh_action {
            if !self.actions.contains_key(a) {
                p.push(Problem::new(
                    "/transport/auth/refresh_action",
                    format!("`{a}` is not a registered action"),
                ));
            }
        }
    }

    /// Transport settings and control frames that name a member of a control frame must agree
    /// with that frame's schema: a member the schema refuses is a frame the server refuses
    /// (a client following the versioning settings would be closed).
    fn check_control_members(&self, p: &mut Vec<Problem>) {
        let control = &self.envelope.control;
        let auth = control.iter().position(|c| {
            c.kind == crate::ControlKind::Auth && c.direction == crate::Direction::Client
        });
        let methods = self
            .transport
            .versioning
            .iter()
            .flat_map(|v| v.methods.iter());
        for (i, m) in methods.enumerate() {
            let crate::VersionMethod::AuthFrame { pointer: member } = m else {
                continue;
            };
            let at = format!("/transport/versioning/methods/{i}/pointer");
            let Some(j) = auth else {
                p.push(Problem::new(
                    at,
                    format!(
                        "the version is read from the auth frame's `{member}`, but the envelope \
                         has no client `auth` control frame (/envelope/control)"
                    ),
                ));
                continue;
            };
            if let Some(refused) = self.control_refuses(j, member) {
                p.push(Problem::new(
                    at,
                    format!(
                        "the version is read from the auth frame's `{member}`, but the auth control \
                         frame's schema (/envelope/control/{j}/schema) does not allow that member \
                         ({refused}): a client that names its version this way is refused; add \
                         it to the schema's properties (`Envelope::allow_control_member`)"
                    ),
                ));
            }
        }
        for (j, c) in control.iter().enumerate() {
            let kind = c.kind.as_str();
            for (field, member) in [("token", &c.token), ("topics", &c.topics)] {
                let Some(member) = member else { continue };
                if let Some(refused) = self.control_refuses(j, member) {
                    p.push(Problem::new(
                        format!("/envelope/control/{j}/{field}"),
                        format!(
                            "the `{kind}` frame's {field} is at `{member}`, but its schema \
                             (/envelope/control/{j}/schema) does not allow that member ({refused})"
                        ),
                    ));
                }
            }
        }
    }

    /// Where control frame `j`'s schema refuses a member at `member` (a pointer), if it does.
    fn control_refuses(&self, j: usize, member: &str) -> Option<String> {
        let c = self.envelope.control.get(j)?;
        // a malformed pointer is reported where it stands
        let segments = pointer::segments(member).ok()?;
        let at = format!("/envelope/control/{j}/schema");
        allows_member(&c.schema, &segments, &self.defs, &at)
            .err()
            .map(|refused| format!("refused at {refused}"))
    }

    fn check_errors(&self, p: &mut Vec<Problem>) {
        let numeric = self.envelope.response.error_code_type == ErrorCodeType::Number;
        let mut rpc: BTreeMap<i64, &str> = BTreeMap::new();
        for (code, spec) in &self.errors {
            let at = push("/errors", code);
            Self::check_wire_name(at.clone(), "error", code, p);
            if !(400..=599).contains(&spec.status) {
                p.push(Problem::new(
                    push(&at, "status"),
                    format!(
                        "HTTP status {} is not an error status (400-599)",
                        spec.status
                    ),
                ));
            }
            match spec.rpc_code {
                Some(n) => {
                    if let Some(other) = rpc.insert(n, code) {
                        p.push(Problem::new(
                            push(&at, "rpc_code"),
                            format!("rpc_code {n} is also used by `{other}`"),
                        ));
                    }
                }
                None if numeric => p.push(Problem::new(
                    push(&at, "rpc_code"),
                    "the envelope sends numeric error codes, so every error needs an rpc_code",
                )),
                None => {}
            }
        }
    }

    fn check_item_versions(
        &self,
        at: &str,
        since: &str,
        deprecated: Option<&crate::Deprecation>,
        p: &mut Vec<Problem>,
    ) {
        match (
            semver::Version::parse(since),
            semver::Version::parse(&self.version),
        ) {
            (Err(_), _) => p.push(Problem::new(
                push(at, "since"),
                format!("`{since}` is not a semantic version like `1.2.0`"),
            )),
            (Ok(s), Ok(v)) if s > v => p.push(Problem::new(
                push(at, "since"),
                format!(
                    "`since` {s} is newer than the contract's version {v}: an item cannot arrive \
                     in a version after the contract that describes it; set its `since` to {v} \
                     or earlier (`since = \"...\"` in its derive, or the builder's \
                     `default_since`), or raise the contract's version to {s}"
                ),
            )),
            _ => {}
        }
        if let Some(since) = deprecated.and_then(|d| d.since.as_deref()) {
            if let Err(e) = check_version(since) {
                p.push(Problem::new(
                    push(&push(at, "deprecated"), "since"),
                    e.to_string(),
                ));
            }
        }
    }

    fn check_actions(&self, p: &mut Vec<Problem>) {
        for (name, spec) in &self.actions {
            let at = push("/actions", name);
            Self::check_wire_name(at.clone(), "action", name, p);
            self.check_item_versions(&at, &spec.since, spec.deprecated.as_ref(), p);
            for (i, code) in spec.errors.iter().enumerate() {
                if !self.errors.contains_key(code) {
                    p.push(Problem::new(
                        format!("{at}/errors/{i}"),
                        format!("`{name}` declares error `{code}`, which is not in the error table; add it with its HTTP status"),
                    ));
                }
            }
            for (i, ev) in spec.emits.iter().enumerate() {
                if !self.events.contains_key(ev) {
                    p.push(Problem::new(
                        format!("{at}/emits/{i}"),
                        format!("`{name}` emits `{ev}`, but no event of that name is registered"),
                    ));
                }
            }
            if !spec.websocket && spec.rest.is_none() {
                p.push(Problem::new(
                    &at,
                    format!("`{name}` is served over neither the WebSocket nor REST"),
                ));
            }
            if let Some(route) = &spec.rest {
                self.check_route(name, &push(&at, "rest"), spec, route, p);
            }
        }
    }

    fn check_route(
        &self,
        name: &str,
        at: &str,
        spec: &crate::ActionSpec,
        route: &crate::RestRoute,
        p: &mut Vec<Problem>,
    ) {
        let base = self.transport.rest.base_path.trim_end_matches('/');
        if !route.path.starts_with(base) || !route.path.starts_with('/') {
            p.push(Problem::new(
                push(at, "path"),
                format!(
                    "`{}` must start with the REST base path `{base}/`",
                    route.path
                ),
            ));
        }
        let template = match Template::parse(&route.path) {
            Ok(t) => t,
            Err(e) => {
                p.push(Problem::new(push(at, "path"), e.to_string()));
                return;
            }
        };
        let params: Vec<&str> = template.params().collect();
        if params
            != route
                .path_params
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
        {
            p.push(Problem::new(
                push(at, "path_params"),
                format!("path_params must list the path's parameters in order: {params:?}"),
            ));
        }
        if route.body != route.method.has_body() {
            p.push(Problem::new(
                push(at, "body"),
                format!(
                    "{} carries the payload {}",
                    route.method,
                    if route.method.has_body() {
                        "in a JSON body"
                    } else {
                        "in the query string"
                    }
                ),
            ));
        }
        let fields = object_fields(&spec.payload, &self.defs);
        let Some(fields) = fields else {
            if !params.is_empty() || !route.body {
                p.push(Problem::new(
                    at,
                    format!(
                        "`{name}`'s payload is not an object with named fields, so it cannot fill \
                         path or query parameters; use a method with a body (POST/PUT/PATCH) and no path parameters"
                    ),
                ));
            }
            return;
        };
        for param in &params {
            match fields.get(*param) {
                None => p.push(Problem::new(
                    push(at, "path"),
                    format!(
                        "path parameter `{{{param}}}` is not a payload field of `{name}` (fields: {})",
                        fields.keys().cloned().collect::<Vec<_>>().join(", ")
                    ),
                )),
                Some(f) if !f.required => p.push(Problem::new(
                    push(at, "path"),
                    format!("path parameter `{{{param}}}` is an optional payload field; path parameters must be required"),
                )),
                Some(f) if !is_scalar(f.schema, &self.defs, false) => p.push(Problem::new(
                    push(at, "path"),
                    format!("path parameter `{{{param}}}` must be a string, number or boolean field"),
                )),
                Some(_) => {}
            }
        }
        for (i, q) in route.query_params.iter().enumerate() {
            match fields.get(q) {
                None => p.push(Problem::new(
                    format!("{at}/query_params/{i}"),
                    format!("query parameter `{q}` is not a payload field of `{name}`"),
                )),
                Some(f) if !is_scalar(f.schema, &self.defs, true) => p.push(Problem::new(
                    format!("{at}/query_params/{i}"),
                    format!(
                        "`{name}` is served with {} but its field `{q}` is an object, which a query string cannot carry; \
                         make it a scalar or serve the action with POST",
                        route.method
                    ),
                )),
                Some(_) => {}
            }
        }
    }

    fn check_routes_unique(&self, p: &mut Vec<Problem>) {
        let mut seen: BTreeMap<(String, String), &str> = BTreeMap::new();
        for (name, spec) in &self.actions {
            let Some(route) = &spec.rest else { continue };
            let Ok(t) = Template::parse(&route.path) else {
                continue;
            };
            let shape: String = t
                .parts()
                .iter()
                .map(|part| match part {
                    frameproof_naming::TemplatePart::Literal(l) => l.as_str(),
                    frameproof_naming::TemplatePart::Param(_) => "{}",
                })
                .collect();
            let key = (route.method.as_str().to_owned(), shape);
            if let Some(other) = seen.insert(key, name) {
                p.push(Problem::new(
                    push(&push("/actions", name), "rest"),
                    format!(
                        "`{name}` and `{other}` are both served at {} {}; give one a different route with `rest(path = ...)`",
                        route.method, route.path
                    ),
                ));
            }
        }
    }

    fn check_events(&self, p: &mut Vec<Problem>) {
        for (name, spec) in &self.events {
            let at = push("/events", name);
            Self::check_wire_name(at.clone(), "event", name, p);
            self.check_item_versions(&at, &spec.since, spec.deprecated.as_ref(), p);
            if let Scope::Topic { pattern } = &spec.scope {
                match Template::parse(pattern) {
                    Err(e) => p.push(Problem::new(push(&at, "scope"), e.to_string())),
                    Ok(t) => {
                        let fields = object_fields(&spec.data, &self.defs);
                        for param in t.params() {
                            let known = fields.as_ref().is_some_and(|f| f.contains_key(param));
                            if !known {
                                p.push(Problem::new(
                                    push(&at, "scope"),
                                    format!("topic parameter `{{{param}}}` of `{pattern}` is not a field of `{name}`'s data"),
                                ));
                            }
                        }
                    }
                }
            }
        }
    }

    /// Every schema in the document, with where it stands.
    fn schemas(&self) -> Vec<(String, &Value)> {
        let mut out: Vec<(String, &Value)> = Vec::new();
        for (n, s) in &self.defs {
            out.push((push("/$defs", n), s));
        }
        for (n, a) in &self.actions {
            let at = push("/actions", n);
            out.push((push(&at, "payload"), &a.payload));
            out.push((push(&at, "response"), &a.response));
        }
        for (n, e) in &self.events {
            out.push((push(&push("/events", n), "data"), &e.data));
        }
        for (i, c) in self.envelope.control.iter().enumerate() {
            out.push((format!("/envelope/control/{i}/schema"), &c.schema));
        }
        out.push((
            "/envelope/request/id_schema".into(),
            &self.envelope.request.id_schema,
        ));
        out.push(("/frames/client".into(), &self.frames.client));
        out.push(("/frames/server".into(), &self.frames.server));
        out
    }

    fn check_schemas(&self, p: &mut Vec<Problem>) {
        let before = p.len();
        for (at, schema) in self.schemas() {
            if let Err(e) = jsonschema::draft202012::meta::validate(schema) {
                let inner = e.instance_path().to_string();
                p.push(Problem::new(
                    format!("{at}{inner}"),
                    format!("not a valid JSON Schema 2020-12: {e}"),
                ));
                continue;
            }
            for_each_ref(schema, &at, &mut |where_, reference| {
                match ref_target(reference) {
                    Some(name) if self.defs.contains_key(&name) => {}
                    Some(name) => p.push(Problem::new(
                        where_,
                        format!("`$ref` to `{name}`, which is not in `$defs`"),
                    )),
                    None if reference == "#" => {}
                    None => p.push(Problem::new(
                        where_,
                        format!("`$ref` `{reference}` is not a local `#/$defs/...` reference; contracts are self-contained"),
                    )),
                }
            });
        }
        // The frame schemas must compile (patterns, formats) as a validator would use them;
        // after a meta-schema failure that would only repeat it.
        if p.len() > before {
            return;
        }
        for (at, direction) in [
            ("/frames/client", crate::Direction::Client),
            ("/frames/server", crate::Direction::Server),
        ] {
            if let Err(e) = jsonschema::draft202012::new(&self.frame_schema(direction)) {
                p.push(Problem::new(
                    at,
                    format!("the frame schema does not compile: {e}"),
                ));
            }
        }
    }

    fn check_derived(&self, p: &mut Vec<Problem>) {
        match crate::frames::derive(
            &self.envelope,
            &self.actions,
            &self.events,
            &self.errors,
            &self.defs,
        ) {
            Err(e) => p.push(Problem::new("/envelope", e)),
            Ok(frames) => {
                if frames != self.frames {
                    p.push(Problem::new(
                        "/frames",
                        "the frame schemas are not those the envelope and the items produce: \
                         the document was edited by hand; regenerate it",
                    ));
                }
            }
        }
        for ptr in self.envelope_pointers() {
            if let Err(e) = pointer::segments(ptr.1) {
                p.push(Problem::new(ptr.0, e.to_string()));
            }
        }
        if !self.fingerprint.is_empty() {
            let computed = self.compute_fingerprint();
            if computed != self.fingerprint {
                p.push(Problem::new(
                    "/fingerprint",
                    format!(
                        "the fingerprint does not match the content (computed {computed}): the document \
                         was changed after it was generated; regenerate it"
                    ),
                ));
            }
        }
    }

    fn envelope_pointers(&self) -> Vec<(&'static str, &str)> {
        let e = &self.envelope;
        let mut v = vec![
            ("/envelope/request/id", e.request.id.as_str()),
            ("/envelope/request/action", e.request.action.as_str()),
            ("/envelope/request/payload", e.request.payload.as_str()),
            ("/envelope/response/id", e.response.id.as_str()),
            ("/envelope/response/data", e.response.data.as_str()),
            ("/envelope/response/error", e.response.error.as_str()),
            ("/envelope/event/name", e.event.name.as_str()),
            ("/envelope/event/data", e.event.data.as_str()),
        ];
        if let Some(t) = &e.event.topic {
            v.push(("/envelope/event/topic", t.as_str()));
        }
        if let Some(t) = &e.event.tenant {
            v.push(("/envelope/event/tenant", t.as_str()));
        }
        v
    }
}

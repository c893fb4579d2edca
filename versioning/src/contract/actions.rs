//! Actions: their schemas, REST routes and the errors they declare.

use super::*;

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

impl<'a> Differ<'a> {
    pub(super) fn actions(&mut self) {
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
}

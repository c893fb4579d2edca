//! Authentication methods (matched by kind, in order) and the auth settings.

use super::*;

/// Where the auth settings stand in the document.
const AUTH: &str = "/transport/auth";

/// Each method keyed `kind#rank` (`query#1`, `header#2`), with its index.
fn keyed(methods: &[AuthMethod]) -> Vec<(String, usize)> {
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

impl<'a> Differ<'a> {
    pub(super) fn auth(&mut self) {
        let (o, n) = (&self.old.transport.auth, &self.new.transport.auth);
        let ok = keyed(&o.methods);
        let nk = keyed(&n.methods);
        self.auth_methods(&o.methods, &n.methods, &ok, &nk);
        self.auth_preference(&ok, &nk);
        self.auth_settings(o, n);
    }

    /// Methods removed, changed or added; a method is matched by its kind and its rank among
    /// the methods of that kind.
    fn auth_methods(
        &mut self,
        old: &[AuthMethod],
        new: &[AuthMethod],
        ok: &[(String, usize)],
        nk: &[(String, usize)],
    ) {
        let mp = format!("{AUTH}/methods");
        for (key, i) in ok {
            let Some(om) = old.get(*i) else {
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
                    let Some(nm) = new.get(*j) else {
                        continue;
                    };
                    self.auth_method_changed(om, nm, format!("{mp}/{i}"), format!("{mp}/{j}"));
                }
            }
        }
        for (key, j) in nk {
            if !ok.iter().any(|(k, _)| k == key) {
                if let Some(nm) = new.get(*j) {
                    self.push(
                        RuleId::AuthMethodAdded,
                        mp.clone(),
                        format!("{mp}/{j}"),
                        format!("connections can authenticate with {}", method_text(nm)),
                    );
                }
            }
        }
    }

    /// One method in both versions. A longer first-message timeout only changes timing; a
    /// shorter one may refuse clients that were in time.
    fn auth_method_changed(&mut self, om: &AuthMethod, nm: &AuthMethod, op: String, np: String) {
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

    /// The order of the methods both versions have (the order is the preference).
    fn auth_preference(&mut self, ok: &[(String, usize)], nk: &[(String, usize)]) {
        let order = |a: &[(String, usize)], b: &[(String, usize)]| -> Vec<String> {
            a.iter()
                .filter(|(k, _)| b.iter().any(|(x, _)| x == k))
                .map(|(k, _)| k.clone())
                .collect()
        };
        if order(ok, nk) != order(nk, ok) {
            let mp = format!("{AUTH}/methods");
            self.push(
                RuleId::MetadataChanged,
                mp.clone(),
                mp,
                "the auth methods' order of preference changed".into(),
            );
        }
    }

    /// The settings beside the methods: REST header, expiry event, refresh action, close code.
    fn auth_settings(&mut self, o: &AuthSettings, n: &AuthSettings) {
        let base = AUTH;
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
}

//! Credentials never reach a recording, a violations file or a report. What counts as one comes
//! from the contract:
//! - query parameters of its `query` and `ticket` auth methods (plus `token`, `access_token`,
//!   `ticket`), matched after percent-decoding their names, as the server decodes them;
//! - the token member of its `auth` control frames;
//! - the members of its credential actions' payloads and responses that are strings without
//!   a `format`, wherever those actions are exchanged: the `refresh_action` (the refresh token
//!   in, the new tokens out) and each `ticket` method's action (the ticket out);
//! - `Authorization` headers and cookies (never recorded at all).
//!
//! Each is replaced by the connection's placeholder (`$credential:c1`), which a replay fills
//! from its own credentials. A frame the strict parser refused cannot be redacted member by
//! member: if it names a credential member it is recorded as a marker, not verbatim.

use std::collections::BTreeSet;

use percent_encoding::percent_decode_str;
use serde_json::Value;

use frameproof_schema::{pointer, resolve_ref, AuthMethod, Contract, ControlKind};
use frameproof_validator::Violation;

/// The placeholder for a connection's credential.
pub(crate) fn placeholder(connection: &str) -> String {
    format!("$credential:{connection}")
}

/// What the contract says a credential looks like.
pub(crate) struct Credentials {
    query_params: Vec<String>,
    /// `(when, token pointer)` of each auth control frame.
    auth_frames: Vec<(Vec<(String, Value)>, String)>,
    /// Member names that hold a credential: auth frames' token members and the credential
    /// actions' string members.
    members: BTreeSet<String>,
    /// The actions whose bodies carry credentials: the refresh action and ticket actions.
    credential_actions: Vec<String>,
    /// Their REST routes: method and path template.
    credential_routes: Vec<(String, frameproof_schema::Template)>,
    quoted: regex::Regex,
    /// A credential member's string value in raw text: `"token" : "<secret>"`.
    member_values: Option<regex::Regex>,
}

impl Credentials {
    pub(crate) fn of(contract: &Contract) -> Credentials {
        let mut query_params: Vec<String> = contract
            .transport
            .auth
            .methods
            .iter()
            .filter_map(|m| match m {
                AuthMethod::Query { param } | AuthMethod::Ticket { param, .. } => {
                    Some(param.clone())
                }
                _ => None,
            })
            .collect();
        for common in ["token", "access_token", "ticket"] {
            if !query_params.iter().any(|n| n == common) {
                query_params.push(common.to_owned());
            }
        }
        let mut members = BTreeSet::new();
        let mut auth_frames = Vec::new();
        for control in &contract.envelope.control {
            if control.kind != ControlKind::Auth {
                continue;
            }
            if let Some(token) = &control.token {
                if let Some(last) = pointer::segments(token)
                    .ok()
                    .and_then(|s| s.last().cloned())
                {
                    members.insert(last);
                }
                let when = control
                    .when
                    .iter()
                    .map(|(p, v)| (p.clone(), v.clone()))
                    .collect();
                auth_frames.push((when, token.clone()));
            }
        }
        let auth = &contract.transport.auth;
        let tickets = auth.methods.iter().filter_map(|m| match m {
            AuthMethod::Ticket { action, .. } => Some(action.clone()),
            _ => None,
        });
        let credential_actions: Vec<String> = auth
            .refresh_action
            .clone()
            .into_iter()
            .chain(tickets)
            .collect();
        let mut credential_routes = Vec::new();
        for spec in credential_actions
            .iter()
            .filter_map(|a| contract.actions.get(a))
        {
            for schema in [&spec.payload, &spec.response] {
                string_members(schema, contract, &mut members);
            }
            credential_routes.extend(spec.rest.as_ref().and_then(|r| {
                let template = frameproof_schema::Template::parse(&r.path).ok()?;
                Some((r.method.as_str().to_owned(), template))
            }));
        }
        let member_values = (!members.is_empty())
            .then(|| {
                let names: Vec<String> = members.iter().map(|m| regex::escape(m)).collect();
                regex::Regex::new(&format!(
                    r#""(?:{})"\s*:\s*"((?:[^"\\]|\\.)*)""#,
                    names.join("|")
                ))
                .ok()
            })
            .flatten();
        Credentials {
            member_values,
            query_params,
            auth_frames,
            members,
            credential_actions,
            credential_routes,
            quoted: regex::Regex::new(r#""(?:[^"\\]|\\.)*""#).expect("a fixed, valid pattern"),
        }
    }

    /// Whether `action`'s bodies hold credentials (the refresh action, a ticket action).
    pub(crate) fn is_credential_action(&self, action: &str) -> bool {
        self.credential_actions.iter().any(|a| a == action)
    }

    /// Whether a REST request is a credential action's (its bodies hold credentials).
    pub(crate) fn is_credential_route(&self, method: &str, path: &str) -> bool {
        self.credential_routes
            .iter()
            .any(|(m, t)| m.eq_ignore_ascii_case(method) && t.matches(path).is_some())
    }

    /// Redacts credential parameters in a query string (names compared percent-decoded);
    /// returns the new query and whether one was found.
    pub(crate) fn redact_query(&self, query: &str, connection: &str) -> (String, bool) {
        let mut found = false;
        let parts: Vec<String> = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, _) = p.split_once('=').unwrap_or((p, ""));
                let plus_decoded = k.replace('+', " ");
                let name = percent_decode_str(&plus_decoded).decode_utf8_lossy();
                if self.query_params.iter().any(|n| *n == name) {
                    found = true;
                    format!("{k}={}", placeholder(connection))
                } else {
                    p.to_owned()
                }
            })
            .collect();
        (parts.join("&"), found)
    }

    /// Redacts the token of an auth control frame; returns the secrets it replaced.
    pub(crate) fn redact_auth_frame(&self, frame: &mut Value, connection: &str) -> Vec<String> {
        for (when, token) in &self.auth_frames {
            let matches = when.iter().all(|(p, v)| {
                pointer::segments(p)
                    .ok()
                    .and_then(|s| pointer::get(frame, &s).cloned())
                    .as_ref()
                    == Some(v)
            });
            if !matches {
                continue;
            }
            if let Some(slot) = frame.pointer_mut(token) {
                let secret = std::mem::replace(slot, Value::String(placeholder(connection)));
                return secret_texts(secret);
            }
        }
        Vec::new()
    }

    /// Redacts every credential member anywhere in `value` (the refresh action's bodies);
    /// returns the secrets it replaced.
    pub(crate) fn redact_members(&self, value: &mut Value, connection: &str) -> Vec<String> {
        let mut secrets = Vec::new();
        self.redact_members_into(value, connection, &mut secrets);
        secrets
    }

    fn redact_members_into(&self, value: &mut Value, connection: &str, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (name, member) in map.iter_mut() {
                    if self.members.contains(name) && !member.is_null() {
                        let secret =
                            std::mem::replace(member, Value::String(placeholder(connection)));
                        out.extend(secret_texts(secret));
                    } else {
                        self.redact_members_into(member, connection, out);
                    }
                }
            }
            Value::Array(items) => items
                .iter_mut()
                .for_each(|v| self.redact_members_into(v, connection, out)),
            _ => {}
        }
    }

    /// Whether a frame's raw text names a credential member (`"token"`): such a frame cannot
    /// be recorded verbatim when it could not be parsed member by member.
    pub(crate) fn names_a_credential(&self, text: &str) -> bool {
        self.members
            .iter()
            .any(|m| text.contains(&format!("\"{m}\"")))
    }

    /// Every string that follows a credential member's name in raw text (all of them when a
    /// key is named twice).
    pub(crate) fn quoted_after_members(&self, text: &str) -> Vec<String> {
        let Some(re) = &self.member_values else {
            return Vec::new();
        };
        re.captures_iter(text)
            .filter_map(|c| c.get(1).map(|m| m.as_str().to_owned()))
            .collect()
    }

    /// What is recorded instead of a refused frame that names a credential member.
    pub(crate) fn refused_marker(&self, text: &str, why: &str) -> String {
        format!(
            "$redacted: a {} byte frame the parser refused ({why}) that names a credential member",
            text.len()
        )
    }

    /// Makes a violation about a credential-bearing frame safe to write: no excerpt, no quoted
    /// value in its message, and none of the known secrets anywhere.
    pub(crate) fn scrub(&self, v: &mut Violation, secrets: &[String]) {
        v.excerpt = None;
        let mut message = self
            .quoted
            .replace_all(&v.message, "\"[redacted]\"")
            .into_owned();
        for s in secrets.iter().filter(|s| s.len() >= 4) {
            message = message.replace(s.as_str(), "[redacted]");
        }
        v.message = message;
    }
}

/// The texts a credential value held (a string, or the strings inside it).
fn secret_texts(value: Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s],
        Value::Null | Value::Bool(_) => Vec::new(),
        Value::Number(n) => vec![n.to_string()],
        other => vec![other.to_string()],
    }
}

/// The names of string members without a `format` in an object schema (through `$ref`).
fn string_members(schema: &Value, contract: &Contract, out: &mut BTreeSet<String>) {
    let schema = resolve_ref(schema, &contract.defs);
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    for (name, prop) in props {
        let prop = resolve_ref(prop, &contract.defs);
        let is_string = match prop.get("type") {
            Some(Value::String(t)) => t == "string",
            Some(Value::Array(ts)) => ts.iter().any(|t| t == "string"),
            _ => false,
        };
        if is_string && prop.get("format").is_none() {
            out.insert(name.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credentials() -> Credentials {
        Credentials::of(&timetracker_like())
    }

    fn timetracker_like() -> Contract {
        frameproof_schema::Contract::builder("x", "1.0.0")
            .build()
            .expect("sound")
    }

    #[test]
    fn query_tokens_are_replaced_whatever_their_spelling() {
        let c = credentials();
        for (query, expect) in [
            ("a=1&token=secret&b=2", "a=1&token=$credential:c1&b=2"),
            ("%74oken=secret", "%74oken=$credential:c1"),
            ("access%5Ftoken=secret", "access%5Ftoken=$credential:c1"),
            ("access_token=secret&x", "access_token=$credential:c1&x"),
        ] {
            let (q, found) = c.redact_query(query, "c1");
            assert!(found, "{query}");
            assert_eq!(q, expect);
            assert!(!q.contains("secret"));
        }
        let (q, found) = c.redact_query("tokens=1&v=1.0.0", "c1");
        assert!(!found);
        assert_eq!(q, "tokens=1&v=1.0.0");
    }

    #[test]
    fn auth_frames_are_redacted() {
        let c = credentials();
        let mut frame = serde_json::json!({"type": "auth", "token": "secret"});
        assert_eq!(c.redact_auth_frame(&mut frame, "c2"), vec!["secret"]);
        assert_eq!(frame["token"], "$credential:c2");
        let mut other = serde_json::json!({"type": "ping"});
        assert!(c.redact_auth_frame(&mut other, "c2").is_empty());
    }

    #[test]
    fn violations_lose_their_values() {
        let c = credentials();
        let mut v = Violation::error(
            frameproof_validator::Rule::ControlSchema,
            "/token",
            "\"s3cr3t-token\" is not of type \"integer\" near s3cr3t-token",
        );
        v.excerpt = Some("{\"token\":\"s3cr3t-token\"}".into());
        c.scrub(&mut v, &["s3cr3t-token".into()]);
        assert_eq!(v.excerpt, None);
        assert!(!v.message.contains("s3cr3t"), "{}", v.message);
    }
}

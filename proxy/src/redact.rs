//! Credentials never reach a recording or a report: tokens in the query string, `auth` control
//! frames, `Authorization` headers and cookies are replaced by a named placeholder
//! (`$credential:c1`) that a replay fills from its own credentials.

use serde_json::Value;

use frameproof_schema::{pointer, Contract, ControlKind};

/// The placeholder for a connection's credential.
pub fn placeholder(connection: &str) -> String {
    format!("$credential:{connection}")
}

/// Query parameters that carry credentials under the contract's auth methods, plus the usual names.
pub fn credential_params(contract: &Contract) -> Vec<String> {
    let mut names: Vec<String> = contract
        .transport
        .auth
        .methods
        .iter()
        .filter_map(|m| match m {
            frameproof_schema::AuthMethod::Query { param }
            | frameproof_schema::AuthMethod::Ticket { param, .. } => Some(param.clone()),
            _ => None,
        })
        .collect();
    for common in ["token", "access_token", "ticket"] {
        if !names.iter().any(|n| n == common) {
            names.push(common.to_owned());
        }
    }
    names
}

/// Redacts credential parameters in a query string; returns the new query and whether one was found.
pub fn redact_query(query: &str, params: &[String], connection: &str) -> (String, bool) {
    let mut found = false;
    let parts: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, _) = p.split_once('=').unwrap_or((p, ""));
            if params.iter().any(|n| n == k) {
                found = true;
                format!("{k}={}", placeholder(connection))
            } else {
                p.to_owned()
            }
        })
        .collect();
    (parts.join("&"), found)
}

/// Redacts the token of an `auth` control frame (where the envelope says it is).
pub fn redact_frame(contract: &Contract, frame: &mut Value, connection: &str) -> bool {
    for control in &contract.envelope.control {
        if control.kind != ControlKind::Auth {
            continue;
        }
        let matches = control.when.iter().all(|(p, v)| {
            pointer::segments(p)
                .ok()
                .and_then(|s| pointer::get(frame, &s).cloned())
                .as_ref()
                == Some(v)
        });
        if !matches {
            continue;
        }
        if let Some(token_ptr) = &control.token {
            if let Some(slot) = frame.pointer_mut(token_ptr) {
                *slot = Value::String(placeholder(connection));
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_tokens_are_replaced() {
        let (q, found) = redact_query("a=1&token=secret&b=2", &["token".into()], "c1");
        assert!(found);
        assert_eq!(q, "a=1&token=$credential:c1&b=2");
    }

    #[test]
    fn auth_frames_are_redacted() {
        let contract = frameproof_schema::Contract::builder("x", "1.0.0")
            .build()
            .expect("sound");
        let mut frame = serde_json::json!({"type": "auth", "token": "secret"});
        assert!(redact_frame(&contract, &mut frame, "c2"));
        assert_eq!(frame["token"], "$credential:c2");
        let mut other = serde_json::json!({"type": "ping"});
        assert!(!redact_frame(&contract, &mut other, "c2"));
    }
}

//! Transport settings: where the socket and the REST twin live, how a connection
//! authenticates, and the heartbeat.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transport {
    pub websocket: WebSocketSettings,
    pub rest: RestSettings,
    pub auth: AuthSettings,
    pub heartbeat: Heartbeat,
    /// How a client says which contract version it speaks (absent: it does not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versioning: Option<Versioning>,
}

/// Version negotiation: the ways a client names the contract version it was built against,
/// in order of precedence. Validators flag actions and events newer than that version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Versioning {
    pub methods: Vec<VersionMethod>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum VersionMethod {
    /// A query parameter of the WebSocket handshake (`?v=1.2.0`).
    Query { param: String },
    /// A subprotocol `<prefix><version>` (`trcr.v1.2.0`).
    Subprotocol { prefix: String },
    /// A member of the `auth` control frame.
    AuthFrame { pointer: String },
}

impl Versioning {
    /// The version a handshake names, if any: `query` is the raw query string, `subprotocol` the
    /// negotiated (or first requested) one. Partial versions (`1`, `1.2`) are completed with zeros.
    pub fn from_handshake(&self, query: &str, subprotocol: Option<&str>) -> Option<String> {
        self.methods.iter().find_map(|m| match m {
            VersionMethod::Query { param } => query.split('&').find_map(|pair| {
                let (k, v) = pair.split_once('=')?;
                (k == param).then(|| complete(v)).flatten()
            }),
            VersionMethod::Subprotocol { prefix } => subprotocol
                .and_then(|p| {
                    p.split(',')
                        .find_map(|one| one.trim().strip_prefix(prefix.as_str()))
                })
                .and_then(complete),
            VersionMethod::AuthFrame { .. } => None,
        })
    }

    /// The version an `auth` control frame names, if the contract says it may.
    pub fn from_auth_frame(&self, frame: &serde_json::Value) -> Option<String> {
        self.methods.iter().find_map(|m| match m {
            VersionMethod::AuthFrame { pointer } => frame
                .pointer(pointer)
                .and_then(|v| v.as_str())
                .and_then(complete),
            _ => None,
        })
    }
}

fn complete(v: &str) -> Option<String> {
    let v = v.trim().trim_start_matches('v');
    let full = match v.matches('.').count() {
        0 => format!("{v}.0.0"),
        1 => format!("{v}.0"),
        _ => v.to_owned(),
    };
    semver::Version::parse(&full).ok().map(|p| p.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_from_handshakes_and_frames() {
        let v = Versioning {
            methods: vec![
                VersionMethod::Query { param: "v".into() },
                VersionMethod::Subprotocol {
                    prefix: "trcr.v".into(),
                },
                VersionMethod::AuthFrame {
                    pointer: "/version".into(),
                },
            ],
        };
        assert_eq!(
            v.from_handshake("token=x&v=1.1", None).as_deref(),
            Some("1.1.0")
        );
        assert_eq!(
            v.from_handshake("token=x", Some("chat, trcr.v2"))
                .as_deref(),
            Some("2.0.0")
        );
        assert_eq!(v.from_handshake("v=soon", None), None);
        assert_eq!(
            v.from_auth_frame(&serde_json::json!({"type": "auth", "version": "1.0.0"}))
                .as_deref(),
            Some("1.0.0")
        );
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebSocketSettings {
    /// The WebSocket endpoint's path, e.g. `/ws`.
    pub path: String,
    /// Subprotocols the server accepts (`Sec-WebSocket-Protocol`), preferred first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subprotocols: Vec<String>,
    /// The largest text frame the server accepts, in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_frame_bytes: Option<u64>,
}

impl Default for WebSocketSettings {
    fn default() -> Self {
        WebSocketSettings {
            path: "/ws".into(),
            subprotocols: Vec::new(),
            max_frame_bytes: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestSettings {
    /// Prefix of every REST route, e.g. `/api`.
    pub base_path: String,
    /// One RPC endpoint as the HTTP fallback: a request frame POSTed to this path is answered
    /// with its response frame (JSON-RPC over HTTP, MCP's HTTP transport). Actions may have
    /// REST routes as well.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rpc_endpoint: Option<String>,
    /// A header the RPC endpoint hands out and expects back on a client's later exchanges
    /// (MCP's `Mcp-Session-Id`): what holds the exchanges of one client together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rpc_session_header: Option<String>,
}

impl Default for RestSettings {
    fn default() -> Self {
        RestSettings {
            base_path: "/api".into(),
            rpc_endpoint: None,
            rpc_session_header: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    /// Accepted ways to authenticate a WebSocket connection, in order of preference; empty:
    /// connections do not authenticate.
    pub methods: Vec<AuthMethod>,
    /// How REST calls carry the token.
    #[serde(default = "bearer")]
    pub rest_header: String,
    /// The event the server sends when the connection's token expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expired_event: Option<String>,
    /// The action (usually called over REST) that issues a fresh token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_action: Option<String>,
    /// The WebSocket close code the server uses when authentication fails after the handshake.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close_code: Option<u16>,
}

fn bearer() -> String {
    "Authorization: Bearer".into()
}

impl Default for AuthSettings {
    fn default() -> Self {
        AuthSettings {
            methods: vec![AuthMethod::Query {
                param: "token".into(),
            }],
            rest_header: bearer(),
            expired_event: None,
            refresh_action: None,
            close_code: None,
        }
    }
}

/// One way a WebSocket connection authenticates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum AuthMethod {
    /// A token in the handshake's query string (`?token=...`).
    Query { param: String },
    /// An `auth` control frame as the first message; the server waits this long for it.
    FirstMessage { timeout_ms: u64 },
    /// A short-lived ticket obtained from an action (over REST), passed in the query string.
    Ticket { action: String, param: String },
    /// A header on the handshake request (non-browser clients).
    Header { name: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Heartbeat {
    /// The server pings this often.
    pub interval_ms: u64,
    /// A connection that does not answer within this long is closed.
    pub timeout_ms: u64,
}

impl Default for Heartbeat {
    fn default() -> Self {
        Heartbeat {
            interval_ms: 30_000,
            timeout_ms: 10_000,
        }
    }
}

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
}

impl Default for RestSettings {
    fn default() -> Self {
        RestSettings {
            base_path: "/api".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    /// Accepted ways to authenticate a WebSocket connection, in order of preference.
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

//! Bridging one WebSocket connection: the upstream handshake first (so a refusal reaches the
//! client as the same HTTP status), then one loop that moves each frame across, validating it
//! in the connection's session. Ping, pong and close pass through with their payloads and
//! codes; binary frames are forwarded and reported, never dropped.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::extract::ws::{
    CloseFrame as AxumClose, Message as AxumMessage, WebSocket, WebSocketUpgrade,
};
use axum::extract::{FromRequestParts, Request};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame as TungClose;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message as TungMessage;

use frameproof_schema::Direction;
use frameproof_validator::{FrameKind, Severity, Violation};

use crate::redact::{credential_params, redact_frame, redact_query};
use crate::Shared;

/// Bytes read from a socket at a time. tungstenite zero-fills its read buffer up to this size on
/// every read (128 KiB by default): on the frame sizes of real-time APIs that memset is most of
/// a small frame's cost, so the proxy reads in 8 KiB steps (larger frames take more reads).
const READ_BUFFER: usize = 8 * 1024;

/// Rules whose failure `--enforce` stops at the proxy: the frame itself is wrong.
const ENFORCED: &[&str] = &[
    "frame.json",
    "frame.utf8",
    "frame.too_large",
    "frame.too_deep",
    "frame.duplicate_key",
    "frame.envelope",
    "frame.unknown_action",
    "frame.rest_only",
    "payload.schema",
    "control.schema",
];

pub async fn upgrade(shared: Arc<Shared>, req: Request) -> Response {
    let (mut parts, _body) = req.into_parts();
    let contract = shared.validator.contract();
    if parts.uri.path() != contract.transport.websocket.path {
        return (StatusCode::NOT_FOUND, "not the contract's WebSocket path").into_response();
    }
    let ws = match WebSocketUpgrade::from_request_parts(&mut parts, &()).await {
        Ok(ws) => ws,
        Err(rejection) => return rejection.into_response(),
    };
    let conn = format!(
        "c{}",
        shared.next_connection.fetch_add(1, Ordering::Relaxed)
    );
    let query = parts.uri.query().unwrap_or("");
    let ws_base = shared
        .config
        .upstream
        .replacen("http://", "ws://", 1)
        .replacen("https://", "wss://", 1);
    let url = if query.is_empty() {
        format!("{ws_base}{}", parts.uri.path())
    } else {
        format!("{ws_base}{}?{query}", parts.uri.path())
    };
    let mut request = match url.as_str().into_client_request() {
        Ok(r) => r,
        Err(e) => {
            return (StatusCode::BAD_GATEWAY, format!("bad upstream URL: {e}")).into_response()
        }
    };
    for name in [
        header::SEC_WEBSOCKET_PROTOCOL,
        header::AUTHORIZATION,
        header::COOKIE,
        header::ORIGIN,
    ] {
        if let Some(v) = parts.headers.get(&name) {
            request.headers_mut().insert(name, v.clone());
        }
    }
    let (upstream, response) = match tokio_tungstenite::connect_async_with_config(
        request,
        Some(WebSocketConfig::default().read_buffer_size(READ_BUFFER)),
        true,
    )
    .await
    {
        Ok(x) => x,
        Err(tokio_tungstenite::tungstenite::Error::Http(refused)) => {
            // the server refused the handshake: the client sees the same answer
            let status =
                StatusCode::from_u16(refused.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
            let body = refused.body().clone().unwrap_or_default();
            return (status, body).into_response();
        }
        Err(e) => {
            return (
                StatusCode::BAD_GATEWAY,
                format!("the upstream WebSocket at {ws_base} could not be reached: {e}"),
            )
                .into_response()
        }
    };
    let mut ws = ws;
    if let Some(chosen) = response.headers().get(header::SEC_WEBSOCKET_PROTOCOL) {
        ws.set_selected_protocol(chosen.clone());
    }
    let params = credential_params(contract);
    let (_, redacted) = redact_query(query, &params, &conn);
    // the contract version the client speaks, where the contract says how it is named
    let subprotocol = response
        .headers()
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .or_else(|| parts.headers.get(header::SEC_WEBSOCKET_PROTOCOL))
        .and_then(|v| v.to_str().ok());
    let version = contract
        .transport
        .versioning
        .as_ref()
        .and_then(|v| v.from_handshake(query, subprotocol));
    let has_header_credential = parts.headers.contains_key(header::AUTHORIZATION);
    if let Some(r) = &shared.recorder {
        if let Ok(mut r) = r.lock() {
            r.connection(&conn, redacted || has_header_credential, version.clone());
        }
    }
    ws.read_buffer_size(READ_BUFFER)
        .on_upgrade(move |client| bridge(shared, client, upstream, conn, version))
}

type Upstream =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

fn to_upstream(m: AxumMessage) -> TungMessage {
    match m {
        AxumMessage::Text(t) => TungMessage::text(t.as_str()),
        AxumMessage::Binary(b) => TungMessage::binary(b),
        AxumMessage::Ping(b) => TungMessage::Ping(b),
        AxumMessage::Pong(b) => TungMessage::Pong(b),
        AxumMessage::Close(c) => TungMessage::Close(c.map(|c| TungClose {
            code: CloseCode::from(c.code),
            reason: c.reason.as_str().into(),
        })),
    }
}

fn to_client(m: TungMessage) -> Option<AxumMessage> {
    Some(match m {
        TungMessage::Text(t) => AxumMessage::Text(t.as_str().into()),
        TungMessage::Binary(b) => AxumMessage::Binary(b),
        TungMessage::Ping(b) => AxumMessage::Ping(b),
        TungMessage::Pong(b) => AxumMessage::Pong(b),
        TungMessage::Close(c) => AxumMessage::Close(c.map(|c| AxumClose {
            code: c.code.into(),
            reason: c.reason.as_str().into(),
        })),
        TungMessage::Frame(_) => return None,
    })
}

struct Bridge {
    shared: Arc<Shared>,
    conn: String,
    session: frameproof_validator::Session,
}

impl Bridge {
    fn report(&self, violations: &[Violation]) {
        for v in violations {
            let mut v = v.clone();
            v.location.file = "live".into();
            self.shared.report(&v);
        }
    }

    fn record_text(&self, dir: Direction, text: &str, parsed: Option<Value>) {
        let Some(r) = &self.shared.recorder else {
            return;
        };
        let contract = self.shared.validator.contract();
        let parsed = parsed.map(|mut v| {
            if dir == Direction::Client {
                redact_frame(contract, &mut v, &self.conn);
            }
            v
        });
        if let Ok(mut r) = r.lock() {
            r.text(&self.conn, dir, text, parsed);
        }
    }

    fn record_binary(&self, dir: Direction, bytes: &[u8]) {
        if let Some(r) = &self.shared.recorder {
            if let Ok(mut r) = r.lock() {
                r.binary(&self.conn, dir, bytes);
            }
        }
    }

    fn record_close(&self, code: u16, reason: &str) {
        if let Some(r) = &self.shared.recorder {
            if let Ok(mut r) = r.lock() {
                r.close(&self.conn, code, reason);
            }
        }
    }

    /// Checks a text frame; returns the error frame to answer with instead of forwarding,
    /// when enforcing and the frame is invalid.
    fn text(&mut self, dir: Direction, text: &str) -> Option<Value> {
        // the frame's owned value and kind are built only when recording or enforcing need them
        if self.shared.recorder.is_none() && !self.shared.config.enforce {
            let found = self.session.observe(dir, text.as_bytes());
            self.report(&found);
            return None;
        }
        let check = self.session.observe_detailed(dir, text.as_bytes());
        self.report(&check.violations);
        self.record_text(dir, text, check.value.clone());
        let reject = self.shared.config.enforce
            && dir == Direction::Client
            && check
                .violations
                .iter()
                .any(|v| v.severity == Severity::Error && ENFORCED.contains(&v.rule));
        if !reject {
            return None;
        }
        let id = match &check.kind {
            FrameKind::Request { id, .. } => id.clone(),
            _ => Value::Null,
        };
        let first = check.violations.iter().find(|v| ENFORCED.contains(&v.rule));
        let message = first
            .map(|v| {
                format!(
                    "rejected by frameproof proxy: {} at {}",
                    v.message,
                    if v.pointer.is_empty() {
                        "/"
                    } else {
                        &v.pointer
                    }
                )
            })
            .unwrap_or_else(|| "rejected by frameproof proxy".into());
        let frame = self.shared.validator.error_frame(
            id,
            "validation_failed",
            &message,
            Some(crate::validation_details(&check.violations)),
        );
        // the session sees the proxy's answer as the server's
        let text = frame.to_string();
        let found = self.session.observe(Direction::Server, text.as_bytes());
        self.report(&found);
        self.record_text(Direction::Server, &text, Some(frame.clone()));
        Some(frame)
    }
}

async fn bridge(
    shared: Arc<Shared>,
    client: WebSocket,
    upstream: Upstream,
    conn: String,
    version: Option<String>,
) {
    let mut session = shared
        .validator
        .session()
        .with_location("live", conn.clone());
    if let Some(v) = &version {
        session = session.with_version(v);
    }
    let mut b = Bridge {
        shared,
        conn,
        session,
    };
    let (mut up_tx, mut up_rx) = upstream.split();
    let (mut cl_tx, mut cl_rx) = client.split();
    loop {
        tokio::select! {
            from_client = cl_rx.next() => {
                let Some(Ok(msg)) = from_client else {
                    // the client went away without a close frame
                    let _ = up_tx.send(TungMessage::Close(Some(TungClose { code: CloseCode::Away, reason: "client went away".into() }))).await;
                    b.record_close(1001, "client went away");
                    break;
                };
                match &msg {
                    AxumMessage::Text(t) => {
                        if let Some(answer) = b.text(Direction::Client, t.as_str()) {
                            if cl_tx.send(AxumMessage::Text(answer.to_string().into())).await.is_err() {
                                break;
                            }
                            continue;
                        }
                    }
                    AxumMessage::Binary(bytes) => {
                        let found = b.session.observe_binary(Direction::Client, bytes);
                        b.report(&found);
                        b.record_binary(Direction::Client, bytes);
                    }
                    AxumMessage::Close(c) => {
                        let (code, reason) = c.as_ref().map(|c| (c.code, c.reason.to_string())).unwrap_or((1005, String::new()));
                        b.record_close(code, &reason);
                    }
                    _ => {}
                }
                let closing = matches!(msg, AxumMessage::Close(_));
                if up_tx.send(to_upstream(msg)).await.is_err() || closing {
                    break;
                }
            }
            from_upstream = up_rx.next() => {
                let msg = match from_upstream {
                    Some(Ok(m)) => m,
                    Some(Err(e)) => {
                        // surface the upstream failure to the client as a close
                        let reason = format!("upstream failed: {e}");
                        let reason: String = reason.chars().take(120).collect();
                        let _ = cl_tx.send(AxumMessage::Close(Some(AxumClose { code: 1014, reason: reason.clone().into() }))).await;
                        b.record_close(1014, &reason);
                        break;
                    }
                    None => {
                        let _ = cl_tx.send(AxumMessage::Close(Some(AxumClose { code: 1014, reason: "upstream closed".into() }))).await;
                        b.record_close(1014, "upstream closed");
                        break;
                    }
                };
                match &msg {
                    TungMessage::Text(t) => {
                        b.text(Direction::Server, t.as_str());
                    }
                    TungMessage::Binary(bytes) => {
                        let found = b.session.observe_binary(Direction::Server, bytes);
                        b.report(&found);
                        b.record_binary(Direction::Server, bytes);
                    }
                    TungMessage::Close(c) => {
                        let (code, reason) = c.as_ref().map(|c| (u16::from(c.code), c.reason.to_string())).unwrap_or((1005, String::new()));
                        b.record_close(code, &reason);
                    }
                    _ => {}
                }
                let closing = matches!(msg, TungMessage::Close(_));
                if let Some(m) = to_client(msg) {
                    if cl_tx.send(m).await.is_err() || closing {
                        break;
                    }
                }
            }
        }
    }
    let Bridge {
        shared, session, ..
    } = b;
    for mut v in session.finish() {
        v.location.file = "live".into();
        shared.report(&v);
    }
}

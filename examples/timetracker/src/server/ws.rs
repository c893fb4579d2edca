//! The WebSocket transport: handshake authentication, one reader and one writer task per
//! connection, heartbeats, token expiry and control frames. Requests go to the service layer.
//!
//! Each connection has a bounded outbound queue; everything the server sends (responses,
//! events, control replies) goes through it with `try_send`, and a full queue closes the
//! connection with 4503 (see [`super::hub`]). WebSocket pings from the heartbeat travel on a
//! separate small channel so they never wait behind data.

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use axum::body::Bytes;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use frameproof::{Contract, ControlKind, Direction};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use crate::CLOSE_UNAUTHORIZED;

use super::auth::{TokenCheck, User};
use super::clock;
use super::error::ApiError;
use super::faults::Fault;
use super::hub::{CloseReason, Closer, Outbox, CLOSE_GOING_AWAY, CLOSE_HEARTBEAT_TIMEOUT};
use super::service::Origin;
use super::AppState;

/// `GET /ws[?token=...]`: a valid token authenticates the connection; an invalid one refuses
/// the handshake with 401; no token leaves the first frame to authenticate.
pub(crate) async fn upgrade(
    State(state): State<Arc<AppState>>,
    Query(query): Query<HashMap<String, String>>,
    ws: WebSocketUpgrade,
) -> Response {
    // the token travels where the contract's query auth method says
    let param = state
        .service
        .contract()
        .transport
        .auth
        .methods
        .iter()
        .find_map(|m| match m {
            frameproof::AuthMethod::Query { param } => Some(param.as_str()),
            _ => None,
        });
    let session = match param.and_then(|p| query.get(p)) {
        None => None,
        Some(token) => match state.service.directory().check(token).into_result() {
            Ok((user, expires_at)) => Some((user, expires_at)),
            Err(e) => {
                let body = Json(state.service.contract().rest_error_body(
                    e.code,
                    &e.message,
                    e.details.clone(),
                ));
                return (StatusCode::UNAUTHORIZED, body).into_response();
            }
        },
    };
    let max = state.max_frame_bytes;
    ws.max_message_size(max)
        .max_frame_size(max)
        .on_upgrade(move |socket| run(state, socket, session))
}

enum Auth {
    /// No token yet: the first frame must be an `auth` frame.
    Pending,
    Active {
        user: User,
        expires_at: SystemTime,
        deadline: Instant,
    },
    /// The token expired; `TokenExpired` was sent.
    Expired { user: User },
}

fn deadline_of(expires_at: SystemTime) -> Instant {
    let left = expires_at
        .duration_since(SystemTime::now())
        .unwrap_or(Duration::ZERO);
    Instant::now() + left
}

/// Counts the connection as open for as long as it lives.
struct OpenGuard(Arc<AppState>);

impl Drop for OpenGuard {
    fn drop(&mut self) {
        self.0.open_connections.fetch_sub(1, Ordering::SeqCst);
    }
}

struct Connection {
    state: Arc<AppState>,
    id: u64,
    outbox: Outbox,
    closer: Closer,
    pings: mpsc::Sender<Bytes>,
    auth: Auth,
    registered: bool,
    in_flight: Arc<Mutex<HashSet<String>>>,
}

async fn run(state: Arc<AppState>, socket: WebSocket, session: Option<(User, SystemTime)>) {
    state.open_connections.fetch_add(1, Ordering::SeqCst);
    let _open = OpenGuard(state.clone());
    let id = state.next_connection.fetch_add(1, Ordering::SeqCst);
    let closer = Closer::new();
    let (out_tx, out_rx) = mpsc::channel(state.config.outbound_queue);
    let (ping_tx, ping_rx) = mpsc::channel(4);
    let (sink, stream) = socket.split();
    let writer = tokio::spawn(write_loop(sink, out_rx, ping_rx, closer.subscribe()));
    let mut conn = Connection {
        state: state.clone(),
        id,
        outbox: Outbox::new(out_tx, closer.clone()),
        closer: closer.clone(),
        pings: ping_tx,
        auth: Auth::Pending,
        registered: false,
        in_flight: Arc::new(Mutex::new(HashSet::new())),
    };
    if let Some((user, expires_at)) = session {
        conn.activate(user, expires_at);
    }
    let mut stream = stream;
    conn.read_loop(&mut stream).await;
    state.service.hub().unregister(id);
    drop(conn);
    let server_code = closer.subscribe().borrow().as_ref().map(|r| r.code);
    if server_code.is_some_and(|code| code != CLOSE_GOING_AWAY) {
        // the server closes: keep reading (and ignoring) until the client answers the close
        // frame, so that its late frames (say, pongs) do not meet a closed socket and reset it
        let mut shutdown = state.shutdown.clone();
        tokio::select! {
            _ = drain(&mut stream, Duration::from_secs(1)) => {}
            _ = shutdown.wait_for(|stop| *stop) => {}
        }
    }
    // a normal close when the client left; no-op when the server already chose a code
    closer.close(1000, "bye");
    let mut writer = writer;
    if tokio::time::timeout(Duration::from_secs(2), &mut writer)
        .await
        .is_err()
    {
        writer.abort();
    }
}

async fn write_loop(
    mut sink: SplitSink<WebSocket, Message>,
    mut out: mpsc::Receiver<Utf8Bytes>,
    mut pings: mpsc::Receiver<Bytes>,
    mut close: watch::Receiver<Option<CloseReason>>,
) {
    loop {
        let msg = tokio::select! {
            biased;
            _ = close.changed() => break,
            Some(p) = pings.recv() => Message::Ping(p),
            frame = out.recv() => match frame {
                Some(f) => Message::Text(f),
                None => break,
            },
        };
        // a client that stopped reading can block this send forever; a close request wins
        tokio::select! {
            biased;
            _ = close.changed() => break,
            sent = sink.send(msg) => if sent.is_err() { return },
        }
    }
    let reason = close.borrow().clone();
    if let Some(r) = reason {
        let frame = CloseFrame {
            code: r.code,
            reason: Utf8Bytes::from(r.reason),
        };
        let _ = tokio::time::timeout(
            Duration::from_millis(500),
            sink.send(Message::Close(Some(frame))),
        )
        .await;
    }
    let _ = tokio::time::timeout(Duration::from_millis(500), sink.close()).await;
}

/// Reads and drops frames until the client's close frame, the end of the stream or `within`.
async fn drain(stream: &mut SplitStream<WebSocket>, within: Duration) {
    let deadline = Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, stream.next()).await {
            Ok(Some(Ok(Message::Close(_)))) | Ok(Some(Err(_))) | Ok(None) | Err(_) => return,
            Ok(Some(Ok(_))) => {}
        }
    }
}

async fn sleep_until_some(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

/// The request id of a frame when it is a valid id (a string of 1 to 128 characters).
fn valid_id(contract: &Contract, frame: &Value) -> Option<String> {
    contract
        .request_id(frame)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty() && s.chars().count() <= 128)
        .map(str::to_owned)
}

fn error_frame(contract: &Contract, id: Option<&str>, e: &ApiError) -> Value {
    let id = id.map_or(Value::Null, |i| Value::String(i.to_owned()));
    contract.error_frame(id, e.code, &e.message, e.details.clone())
}

/// A control reply of `kind`, echoing the client frame's id if it had one.
fn control_reply(
    contract: &Contract,
    kind: ControlKind,
    frame: &Value,
    topics: Option<&[String]>,
) -> Value {
    contract
        .control_reply(&kind, frame, topics)
        .unwrap_or(Value::Null)
}

impl Connection {
    fn close(&self, code: u16, reason: &str) -> ControlFlow<()> {
        self.closer.close(code, reason);
        ControlFlow::Break(())
    }

    fn user(&self) -> Option<&User> {
        match &self.auth {
            Auth::Pending => None,
            Auth::Active { user, .. } | Auth::Expired { user } => Some(user),
        }
    }

    fn activate(&mut self, user: User, expires_at: SystemTime) {
        let hub = self.state.service.hub();
        if self.registered {
            hub.set_active(self.id, true);
        } else {
            hub.register(self.id, &user.org_id, self.outbox.clone());
            self.registered = true;
        }
        self.auth = Auth::Active {
            deadline: deadline_of(expires_at),
            user,
            expires_at,
        };
    }

    /// The token ran out: tell the client once and hold events and requests until it re-auths.
    fn expire(&mut self) {
        let auth = std::mem::replace(&mut self.auth, Auth::Pending);
        self.auth = match auth {
            Auth::Active {
                user, expires_at, ..
            } => {
                self.state.service.hub().set_active(self.id, false);
                let contract = self.state.service.contract();
                let name = contract
                    .transport
                    .auth
                    .expired_event
                    .as_deref()
                    .unwrap_or("TokenExpired");
                let data = json!({ "expired_at": clock::rfc3339(expires_at) });
                self.outbox
                    .push_json(&contract.event_frame(name, data, None, None));
                Auth::Expired { user }
            }
            other => other,
        };
    }

    fn error(&self, id: Option<&str>, e: &ApiError) {
        self.outbox
            .push_json(&error_frame(self.state.service.contract(), id, e));
    }

    async fn read_loop(&mut self, stream: &mut SplitStream<WebSocket>) {
        let cfg = self.state.config.clone();
        let mut closing = self.closer.subscribe();
        let mut shutdown = self.state.shutdown.clone();
        let start = Instant::now();
        let mut heartbeat =
            tokio::time::interval_at(start + cfg.heartbeat_interval, cfg.heartbeat_interval);
        heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut pong_deadline: Option<Instant> = None;
        let auth_deadline = start + cfg.auth_timeout;
        loop {
            let pending = matches!(self.auth, Auth::Pending);
            let expiry = match &self.auth {
                Auth::Active { deadline, .. } => Some(*deadline),
                _ => None,
            };
            tokio::select! {
                _ = closing.changed() => return,
                _ = shutdown.wait_for(|stop| *stop) => {
                    self.closer.close(CLOSE_GOING_AWAY, "the server is shutting down");
                    return;
                }
                msg = stream.next() => match msg {
                    Some(Ok(msg)) => {
                        if let Message::Pong(_) = msg {
                            pong_deadline = None;
                        }
                        if self.on_message(msg).is_break() {
                            return;
                        }
                    }
                    // the client went away or broke the protocol
                    Some(Err(_)) | None => return,
                },
                _ = heartbeat.tick() => {
                    if pong_deadline.is_none() {
                        pong_deadline = Some(Instant::now() + cfg.heartbeat_timeout);
                    }
                    let _ = self.pings.try_send(Bytes::from_static(b"hb"));
                }
                _ = sleep_until_some(pong_deadline) => {
                    self.closer.close(CLOSE_HEARTBEAT_TIMEOUT, "no pong within the heartbeat timeout");
                    return;
                }
                _ = tokio::time::sleep_until(auth_deadline), if pending => {
                    let reason = format!(
                        "no auth frame within {} ms",
                        cfg.auth_timeout.as_millis()
                    );
                    self.closer.close(CLOSE_UNAUTHORIZED, &reason);
                    return;
                }
                _ = sleep_until_some(expiry) => self.expire(),
            }
        }
    }

    fn on_message(&mut self, msg: Message) -> ControlFlow<()> {
        match msg {
            Message::Text(text) => self.on_text(text.as_str()),
            Message::Binary(_) => {
                if matches!(self.auth, Auth::Pending) {
                    return self.close(CLOSE_UNAUTHORIZED, "authenticate first with an auth frame");
                }
                self.error(
                    None,
                    &ApiError::bad_request(
                        "binary frames are not supported; send JSON as text frames",
                    ),
                );
                ControlFlow::Continue(())
            }
            // answered by the WebSocket layer / handled by the heartbeat
            Message::Ping(_) | Message::Pong(_) => ControlFlow::Continue(()),
            Message::Close(_) => ControlFlow::Break(()),
        }
    }

    fn on_text(&mut self, text: &str) -> ControlFlow<()> {
        let parsed: Result<Value, _> = serde_json::from_str(text);
        if matches!(self.auth, Auth::Pending) {
            return self.first_frame(parsed.ok());
        }
        let frame = match parsed {
            Ok(v) => v,
            Err(e) => {
                self.error(
                    None,
                    &ApiError::bad_request(format!("the frame is not valid JSON: {e}")),
                );
                return ControlFlow::Continue(());
            }
        };
        if !frame.is_object() {
            self.error(
                None,
                &ApiError::bad_request("a frame must be a JSON object"),
            );
            return ControlFlow::Continue(());
        }
        let contract = self.state.service.contract();
        if contract.control_of(Direction::Client, &frame).is_some() {
            return self.on_control(&frame);
        }
        if contract.request_action(&frame).is_some() {
            self.on_request(frame);
            return ControlFlow::Continue(());
        }
        self.error(
            valid_id(contract, &frame).as_deref(),
            &ApiError::bad_request(
                "a frame needs `action` (a request) or `type` (a control frame)",
            ),
        );
        ControlFlow::Continue(())
    }

    /// The first frame of a connection opened without a token.
    fn first_frame(&mut self, frame: Option<Value>) -> ControlFlow<()> {
        let Some(frame) = frame else {
            return self.close(CLOSE_UNAUTHORIZED, "the first frame must be an auth frame");
        };
        let contract = self.state.service.contract();
        let auth = contract
            .control_of(Direction::Client, &frame)
            .filter(|c| c.kind == ControlKind::Auth);
        let is_auth = auth.is_some()
            && matches!(
                self.state.service.validate_control("auth", &frame),
                Some(Ok(()))
            );
        if !is_auth {
            return self.close(
                CLOSE_UNAUTHORIZED,
                "authenticate first: send {\"type\":\"auth\",\"token\":...}",
            );
        }
        let token = auth
            .and_then(|c| contract.control_token(c, &frame))
            .unwrap_or_default()
            .to_owned();
        match self.state.service.directory().check(&token) {
            TokenCheck::Valid { user, expires_at } => {
                self.activate(user, expires_at);
                let reply = control_reply(
                    self.state.service.contract(),
                    ControlKind::Authenticated,
                    &frame,
                    None,
                );
                self.outbox.push_json(&reply);
                ControlFlow::Continue(())
            }
            TokenCheck::Expired { .. } => self.close(CLOSE_UNAUTHORIZED, "the token has expired"),
            TokenCheck::Unknown => self.close(CLOSE_UNAUTHORIZED, "the token is not valid"),
        }
    }

    fn on_control(&mut self, frame: &Value) -> ControlFlow<()> {
        let contract = self.state.service.contract().clone();
        let id = valid_id(&contract, frame);
        let id = id.as_deref();
        let Some(control) = contract.control_of(Direction::Client, frame) else {
            self.error(
                id,
                &ApiError::bad_request("not a control frame of the contract"),
            );
            return ControlFlow::Continue(());
        };
        let kind = control.kind.as_str();
        match self.state.service.validate_control(kind, frame) {
            None => {
                self.error(
                    id,
                    &ApiError::bad_request(format!(
                        "`{kind}` is not a client control frame; use ping, subscribe, unsubscribe or auth"
                    )),
                );
                return ControlFlow::Continue(());
            }
            Some(Err(e)) => {
                self.error(id, &e);
                return ControlFlow::Continue(());
            }
            Some(Ok(())) => {}
        }
        let topics: Vec<String> = contract
            .control_topics(control, frame)
            .into_iter()
            .map(str::to_owned)
            .collect();
        match kind {
            "ping" => {
                if !self.state.service.has_fault(Fault::NoPong) {
                    self.outbox.push_json(&control_reply(
                        &contract,
                        ControlKind::Pong,
                        frame,
                        None,
                    ));
                }
            }
            "subscribe" | "unsubscribe" => {
                let user = match &self.auth {
                    Auth::Active { user, .. } => user.clone(),
                    _ => {
                        self.error(id, &expired_error());
                        return ControlFlow::Continue(());
                    }
                };
                let hub = self.state.service.hub();
                if kind == "subscribe" {
                    for (i, topic) in topics.iter().enumerate() {
                        if let Err(e) = self.state.service.authorize_topic(&user, topic, i) {
                            self.error(id, &e);
                            return ControlFlow::Continue(());
                        }
                    }
                    hub.subscribe(self.id, &topics);
                    self.outbox.push_json(&control_reply(
                        &contract,
                        ControlKind::Subscribed,
                        frame,
                        Some(&topics),
                    ));
                } else {
                    hub.unsubscribe(self.id, &topics);
                    self.outbox.push_json(&control_reply(
                        &contract,
                        ControlKind::Unsubscribed,
                        frame,
                        Some(&topics),
                    ));
                }
            }
            "auth" => return self.reauth(frame),
            other => self.error(
                id,
                &ApiError::bad_request(format!("`{other}` frames are not handled by this server")),
            ),
        }
        ControlFlow::Continue(())
    }

    /// An `auth` frame on an authenticated connection: a fresh token of the same user.
    fn reauth(&mut self, frame: &Value) -> ControlFlow<()> {
        let contract = self.state.service.contract();
        let token = contract
            .control_of(Direction::Client, frame)
            .and_then(|c| contract.control_token(c, frame))
            .unwrap_or_default()
            .to_owned();
        let current = self.user().map(|u| u.id.clone());
        match self.state.service.directory().check(&token) {
            TokenCheck::Valid { user, expires_at } if Some(&user.id) == current.as_ref() => {
                self.activate(user, expires_at);
                let reply = control_reply(
                    self.state.service.contract(),
                    ControlKind::Authenticated,
                    frame,
                    None,
                );
                self.outbox.push_json(&reply);
                ControlFlow::Continue(())
            }
            TokenCheck::Valid { .. } => {
                self.close(CLOSE_UNAUTHORIZED, "the token belongs to another user")
            }
            TokenCheck::Expired { .. } => self.close(CLOSE_UNAUTHORIZED, "the token has expired"),
            TokenCheck::Unknown => self.close(CLOSE_UNAUTHORIZED, "the token is not valid"),
        }
    }

    fn on_request(&mut self, frame: Value) {
        let contract = self.state.service.contract();
        let Some(id) = valid_id(contract, &frame) else {
            self.error(
                None,
                &ApiError::bad_request("a request needs an `id`: a string of 1 to 128 characters"),
            );
            return;
        };
        let Some(action) = contract.request_action(&frame).map(str::to_owned) else {
            self.error(
                Some(&id),
                &ApiError::bad_request("`action` must be a string"),
            );
            return;
        };
        let Some(payload) = contract.request_payload(&frame).cloned() else {
            self.error(
                Some(&id),
                &ApiError::bad_request(
                    "a request needs a `payload` (use {} when the action takes nothing)",
                ),
            );
            return;
        };
        let user = match &self.auth {
            Auth::Active { user, .. } => user.clone(),
            _ => {
                self.error(Some(&id), &expired_error());
                return;
            }
        };
        {
            let mut in_flight = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
            if !in_flight.insert(id.clone()) {
                drop(in_flight);
                self.error(
                    Some(&id),
                    &ApiError::invalid(
                        "/id",
                        format!("request id `{id}` is already in flight; use a new id per request"),
                    ),
                );
                return;
            }
        }
        let state = self.state.clone();
        let outbox = self.outbox.clone();
        let in_flight = self.in_flight.clone();
        tokio::spawn(async move {
            let result = state
                .service
                .dispatch(Some(&user), &action, payload, Origin::WebSocket)
                .await;
            let frame = match result {
                Ok(data) => {
                    let reply_id = if state.service.has_fault(Fault::ResponseId) {
                        format!("{id}-x")
                    } else {
                        id.clone()
                    };
                    state
                        .service
                        .contract()
                        .ok_frame(Value::String(reply_id), data)
                }
                Err(e) => error_frame(state.service.contract(), Some(&id), &e),
            };
            outbox.push_json(&frame);
            in_flight
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&id);
        });
    }
}

fn expired_error() -> ApiError {
    ApiError::token_expired(
        "the connection's access token has expired: refresh it over REST (auth.refresh) and send {\"type\":\"auth\",\"token\":...}",
    )
}

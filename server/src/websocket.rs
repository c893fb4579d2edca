//! The socket: authentication as the contract says (query, header, ticket, first message, or
//! none), control frames answered (ping, subscribe, unsubscribe, auth), requests run
//! concurrently and answered through the connection's bounded outbound queue, the heartbeat
//! (WebSocket pings; no pong within the contract's time-out closes the connection).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::sync::watch;
use tokio::time::Instant;

use frameproof_schema::{AuthMethod, ControlKind, Direction};

use crate::ctx::Principal;
use crate::dispatch::{self, Caller, Checked};
use crate::events::{Closing, Outlet, Registered};
use crate::hooks::Transport;
use crate::service::Shared;

/// The close code of a failed authentication, when the contract names none.
const DEFAULT_AUTH_CLOSE: u16 = 1008;
/// How long a closing socket is read after its close frame went out.
const CLOSING_DRAIN: Duration = Duration::from_secs(1);

/// How a connection authenticates, decided at the handshake.
enum Handshake {
    Anonymous,
    Authenticated(Principal),
    /// The first frame must be the contract's auth frame, within this long.
    FirstMessage(Duration),
}

pub(crate) async fn upgrade(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<HashMap<String, String>>,
    RawQuery(raw_query): RawQuery,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if !shared.backplane_is_up() {
        return refuse(
            &shared,
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "the event backplane is unavailable",
        );
    }
    let handshake = match handshake(&shared, &query, &headers).await {
        Ok(h) => h,
        Err(response) => return response,
    };
    let max = shared
        .contract
        .transport
        .websocket
        .max_frame_bytes
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(16 * 1024 * 1024);
    // the contract version the client names (query parameter or subprotocol)
    let offered = headers
        .get(axum::http::header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|v| v.to_str().ok());
    let version = shared
        .contract
        .transport
        .versioning
        .as_ref()
        .and_then(|v| v.from_handshake(raw_query.as_deref().unwrap_or(""), offered))
        .and_then(|v| semver::Version::parse(&v).ok());
    let protocols = shared.contract.transport.websocket.subprotocols.clone();
    // the connection receives events from the moment its handshake is answered: registered
    // (with its tenant) before the 101 goes out, not when the socket task first runs, or an
    // event emitted right after the client's handshake completes could miss it
    let registration = Registration::new(&shared, &handshake, version.clone());
    ws.max_message_size(max)
        .protocols(protocols)
        .on_upgrade(move |socket| run(shared, socket, handshake, version, registration))
}

/// A connection registered with the hub before its socket runs; removed again if the upgrade
/// never completes (the socket task then never takes it).
struct Registration {
    shared: Arc<Shared>,
    registered: Option<Registered>,
}

impl Registration {
    fn new(shared: &Arc<Shared>, handshake: &Handshake, version: Option<semver::Version>) -> Self {
        let registered = shared.hub.register(shared.settings.outbound_queue);
        shared.hub.set_version(registered.id, version);
        if let Handshake::Authenticated(p) = handshake {
            shared.hub.set_tenant(registered.id, p.tenant.clone());
        }
        Registration {
            shared: shared.clone(),
            registered: Some(registered),
        }
    }

    fn take(mut self) -> Option<Registered> {
        self.registered.take()
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        if let Some(r) = &self.registered {
            self.shared.hub.remove(r.id);
        }
    }
}

fn refuse(shared: &Shared, status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(shared.contract.rest_error_body(code, message, None)),
    )
        .into_response()
}

/// The credential the handshake carries, where the contract's auth methods say.
async fn handshake(
    shared: &Shared,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
) -> Result<Handshake, Response> {
    let methods = &shared.contract.transport.auth.methods;
    let Some(authenticate) = &shared.authenticate else {
        return Ok(Handshake::Anonymous);
    };
    if methods.is_empty() {
        return Ok(Handshake::Anonymous);
    }
    let mut first_message = None;
    for m in methods {
        let token = match m {
            AuthMethod::Ticket { param, .. } => match query.get(param) {
                Some(ticket) => return redeem_ticket(shared, ticket).await,
                None => None,
            },
            AuthMethod::Query { param } => query.get(param).cloned(),
            AuthMethod::Header { name } => headers
                .get(name.as_str())
                .and_then(|v| v.to_str().ok())
                .map(|v| v.trim_start_matches("Bearer ").to_owned()),
            AuthMethod::FirstMessage { timeout_ms } => {
                let within = shared
                    .settings
                    .auth_timeout
                    .unwrap_or(Duration::from_millis(*timeout_ms));
                first_message = Some(within);
                None
            }
        };
        if let Some(token) = token {
            return match authenticate(token).await {
                Ok(p) => Ok(Handshake::Authenticated(p)),
                Err(e) => Err(refuse(
                    shared,
                    StatusCode::UNAUTHORIZED,
                    &e.code,
                    &e.message,
                )),
            };
        }
    }
    first_message.map(Handshake::FirstMessage).ok_or_else(|| {
        refuse(
            shared,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "no credential",
        )
    })
}

/// A ticket opens the socket for the principal it was issued to, once: an unknown, used or
/// expired ticket is refused (401), a store that cannot answer is `unavailable` (503).
async fn redeem_ticket(shared: &Shared, ticket: &str) -> Result<Handshake, Response> {
    match crate::tickets::redeem(&shared.tickets, ticket).await {
        Ok(Some(principal)) => Ok(Handshake::Authenticated(principal)),
        Ok(None) => Err(refuse(
            shared,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "the ticket is unknown, already used or expired",
        )),
        Err(e) => Err(refuse(
            shared,
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            &e.to_string(),
        )),
    }
}

struct Connection {
    shared: Arc<Shared>,
    id: u64,
    /// The contract version the client speaks: newer actions are refused, newer events held.
    version: Option<semver::Version>,
    /// When the principal's credential expires.
    expires: Option<Instant>,
    /// It has expired: requests are answered `token_expired` until an `auth` frame.
    expired: bool,
    /// Where this connection's own answers go (its queue, without the hub's lock).
    outlet: Outlet,
    principal: Option<Arc<Principal>>,
    /// Waiting for the first-message auth frame until this instant.
    auth_deadline: Option<Instant>,
    /// Ids of this connection's requests still running (`refuse_duplicate_ids`).
    in_flight: Arc<std::sync::Mutex<HashSet<String>>>,
}

async fn run(
    shared: Arc<Shared>,
    socket: WebSocket,
    handshake: Handshake,
    version: Option<semver::Version>,
    registration: Registration,
) {
    let Some(Registered {
        id,
        outlet,
        outbox,
        mut close,
    }) = registration.take()
    else {
        return;
    };
    let mut conn = Connection {
        shared: shared.clone(),
        id,
        version,
        expires: None,
        expired: false,
        outlet: outlet.clone(),
        principal: None,
        auth_deadline: None,
        in_flight: Arc::default(),
    };
    match handshake {
        Handshake::Anonymous => {}
        Handshake::Authenticated(p) => conn.become_(p),
        Handshake::FirstMessage(within) => conn.auth_deadline = Some(Instant::now() + within),
    }
    let heartbeat = &shared.contract.transport.heartbeat;
    let (ping_interval, pong_within) = shared.settings.heartbeat.unwrap_or((
        Duration::from_millis(heartbeat.interval_ms),
        Duration::from_millis(heartbeat.timeout_ms),
    ));
    let ping_interval = ping_interval.max(Duration::from_millis(1));
    let pong_within = pong_within.max(Duration::from_millis(1));
    let heartbeat_close = shared.settings.heartbeat_close;
    // the writer has its own task: a client that stops reading blocks writes, and must not
    // stop this side from reading (its requests, its pongs, its close)
    let (sink, mut stream) = socket.split();
    let (pings, ping_rx) = tokio::sync::mpsc::channel(4);
    let mut writer = tokio::spawn(write_loop(
        sink,
        outbox,
        ping_rx,
        close.clone(),
        pong_within,
    ));
    let mut ping_every = tokio::time::interval(ping_interval);
    ping_every.tick().await;
    let mut awaiting_pong: Option<Instant> = None;
    let ending: Option<(u16, String)> = loop {
        let auth_wait = conn.auth_deadline;
        let expiry = conn.expires.filter(|_| !conn.expired);
        tokio::select! {
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    if let Err(close) = conn.on_text(text.as_str()).await {
                        break Some(close);
                    }
                }
                Some(Ok(Message::Binary(_))) => {
                    if conn.auth_deadline.is_some() {
                        break Some((conn.auth_close(), "authenticate first: send the auth frame".into()));
                    }
                    let e = crate::error::Error::new("bad_request", "binary frames are not part of this contract");
                    let frame = dispatch::error_frame(&shared, Value::Null, &e);
                    conn.send(frame, None);
                }
                Some(Ok(Message::Pong(_))) => awaiting_pong = None,
                // the client closes first: its close is answered with its own code
                Some(Ok(Message::Close(frame))) => {
                    let code = frame.map_or(1000, |f| f.code);
                    break Some((code, String::new()));
                }
                None | Some(Err(_)) => break None,
                Some(Ok(Message::Ping(_))) => {}
            },
            changed = close.changed() => {
                if changed.is_err() { break None; }
                if let Some(c) = close.borrow().clone() { break Some(c); }
            }
            // the writer gave up: the socket is gone, or stopped reading
            _ = &mut writer => {
                shared.hub.remove(id);
                return;
            }
            _ = ping_every.tick() => {
                if awaiting_pong.is_some_and(|since| since.elapsed() > pong_within) {
                    break Some((heartbeat_close, "no pong within the heartbeat time-out".into()));
                }
                if awaiting_pong.is_none() {
                    awaiting_pong = Some(Instant::now());
                }
                let _ = pings.try_send(());
            }
            _ = sleep_until(auth_wait) => {
                break Some((conn.auth_close(), "no auth frame in time".into()));
            }
            _ = sleep_until(expiry) => conn.expire(),
        }
    };
    shared.hub.remove(id);
    let Some((code, reason)) = ending else {
        writer.abort();
        return;
    };
    outlet.close(code, reason);
    // the writer sends what was queued and the close frame (each within its bound)
    let sent = tokio::time::timeout(pong_within + CLOSING_DRAIN * 2, &mut writer).await;
    if matches!(sent, Ok(Ok(true))) {
        drain(&mut stream).await;
    } else {
        writer.abort();
    }
}

type Sink = futures_util::stream::SplitSink<WebSocket, Message>;

/// The connection's writer: queued frames and pings out, until the connection must close;
/// then what is still queued (unless the close is that the client stopped reading) and the
/// close frame. `true`: the close frame went out.
async fn write_loop(
    mut sink: Sink,
    mut outbox: tokio::sync::mpsc::Receiver<String>,
    mut pings: tokio::sync::mpsc::Receiver<()>,
    mut close: watch::Receiver<Closing>,
    limit: Duration,
) -> bool {
    loop {
        let message = tokio::select! {
            biased;
            _ = close.changed() => break,
            Some(()) = pings.recv() => Message::Ping(Vec::new().into()),
            frame = outbox.recv() => match frame {
                Some(f) => Message::Text(f.into()),
                None => break,
            },
        };
        // a client that stopped reading cannot hold a write past the time-out, nor a close
        let sent = tokio::select! {
            biased;
            _ = close.changed() => break,
            sent = tokio::time::timeout(limit, sink.send(message)) => sent,
        };
        if !matches!(sent, Ok(Ok(()))) {
            return false;
        }
    }
    let Some((code, reason)) = close.borrow().clone() else {
        return false;
    };
    let until = Instant::now() + CLOSING_DRAIN;
    while let Ok(frame) = outbox.try_recv() {
        let sent = tokio::time::timeout_at(until, sink.send(Message::Text(frame.into()))).await;
        if !matches!(sent, Ok(Ok(()))) {
            break;
        }
    }
    let frame = CloseFrame {
        code,
        reason: reason.into(),
    };
    let sent = tokio::time::timeout(CLOSING_DRAIN, sink.send(Message::Close(Some(frame)))).await;
    matches!(sent, Ok(Ok(())))
}

/// Reads (and drops) what the client still sends until its close frame, for a while: a
/// socket dropped with unread data is reset, and a reset can destroy the close frame (and
/// the frames before it) still waiting in the client's receive buffer.
async fn drain(stream: &mut futures_util::stream::SplitStream<WebSocket>) {
    let until = Instant::now() + CLOSING_DRAIN;
    while let Ok(Some(Ok(message))) = tokio::time::timeout_at(until, stream.next()).await {
        if let Message::Close(_) = message {
            return;
        }
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

impl Connection {
    fn become_(&mut self, principal: Principal) {
        self.shared
            .hub
            .set_tenant(self.id, principal.tenant.clone());
        self.shared.hub.set_active(self.id, true);
        self.expires = principal.expires_at.map(|at| {
            let left = at
                .duration_since(std::time::SystemTime::now())
                .unwrap_or(Duration::ZERO);
            Instant::now() + left
        });
        self.expired = false;
        self.principal = Some(Arc::new(principal));
        self.auth_deadline = None;
    }

    /// The credential ran out: the contract's expired event, once; events held and requests
    /// answered `token_expired` until an `auth` frame brings a fresh credential.
    fn expire(&mut self) {
        self.expired = true;
        self.shared.hub.set_active(self.id, false);
        let contract = &self.shared.contract;
        if let (Some(event), Some(p)) = (&contract.transport.auth.expired_event, &self.principal) {
            let data = (self.shared.expired_data)(p);
            self.send(contract.event_frame(event, data, None, None), None);
        }
    }

    /// Why a request cannot run on this connection now, if it cannot.
    fn refuse(&self, frame: &Value) -> Option<crate::error::Error> {
        let contract = &self.shared.contract;
        if self.expired {
            let code = if contract.errors.contains_key("token_expired") {
                "token_expired"
            } else {
                "unauthorized"
            };
            return Some(crate::error::Error::new(
                code,
                "the connection's credential has expired: send a fresh one in an auth frame",
            ));
        }
        // only a connection that named its version pays for the comparison
        let v = self.version.as_ref()?;
        let action = contract.request_action(frame)?;
        let since = contract
            .actions
            .get(action)
            .and_then(|a| semver::Version::parse(&a.since).ok())?;
        (since > *v).then(|| {
            crate::error::Error::new(
                "unknown_action",
                format!("`{action}` arrived in {since}, newer than the connection's version {v}"),
            )
        })
    }

    fn auth_close(&self) -> u16 {
        self.shared
            .contract
            .transport
            .auth
            .close_code
            .unwrap_or(DEFAULT_AUTH_CLOSE)
    }

    fn caller(&self) -> Caller {
        Caller {
            principal: self.principal.clone(),
            connection: Some(self.id),
        }
    }

    /// Queues a frame, through the outgoing hook (`action`: the one a response answers).
    fn send(&self, mut frame: Value, action: Option<&str>) {
        if self.shared.outgoing_ws(action, &mut frame) {
            self.outlet.send(frame.to_string());
        }
    }

    /// The refusal of a request whose id is still running on this connection, if it is; else
    /// the id is recorded as running.
    fn claim_id(&self, id: &Value) -> Option<crate::error::Error> {
        let key = id.to_string();
        let mut running = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        if running.insert(key) {
            return None;
        }
        let pointer = self.shared.contract.request_id_pointer();
        let message = format!("request id {id} is already in flight; use a new id per request");
        Some(
            crate::error::Error::new("validation_failed", message.clone()).with_details(
                serde_json::json!({ "errors": [{ "pointer": pointer, "message": message }] }),
            ),
        )
    }

    /// One text frame; `Err` closes the connection with that code and reason.
    async fn on_text(&mut self, text: &str) -> Result<(), (u16, String)> {
        let checked = dispatch::check(&self.shared, Transport::WebSocket, text);
        if self.auth_deadline.is_some() {
            return self.first_frame(checked).await;
        }
        match checked {
            Checked::Refused(answer) => {
                if let Some(a) = answer {
                    self.send(a, None);
                }
            }
            Checked::Control(frame) => self.on_control(&frame).await?,
            Checked::Request(frame) => {
                let contract = &self.shared.contract;
                let action = contract.request_action(&frame).map(str::to_owned);
                let id = contract.request_id(&frame).cloned();
                let refused = self.refuse(&frame).or_else(|| match &id {
                    Some(id) if self.shared.settings.refuse_duplicate_ids => self.claim_id(id),
                    _ => None,
                });
                if let Some(e) = refused {
                    // a notification gets no answer, even refused
                    if let Some(id) = id {
                        let frame = dispatch::error_frame(&self.shared, id, &e);
                        self.send(frame, action.as_deref());
                    }
                    return Ok(());
                }
                let shared = self.shared.clone();
                let caller = self.caller();
                let outlet = self.outlet.clone();
                let in_flight = self.in_flight.clone();
                let mut answering = Box::pin(async move {
                    if let Some(mut answer) =
                        dispatch::answer_request(&shared, &caller, frame).await
                    {
                        if shared.outgoing_ws(action.as_deref(), &mut answer) {
                            outlet.send(answer.to_string());
                        }
                    }
                    if let (Some(id), true) = (id, shared.settings.refuse_duplicate_ids) {
                        in_flight
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .remove(&id.to_string());
                    }
                });
                // a handler that answers at once is answered here; one that waits runs on
                // its own task, so it never holds up the connection
                if futures_util::FutureExt::now_or_never(answering.as_mut()).is_none() {
                    tokio::spawn(answering);
                }
            }
            Checked::Batch(items) => {
                let shared = self.shared.clone();
                let caller = self.caller();
                let outlet = self.outlet.clone();
                // the batch was checked once already: its items are answered, not re-read
                tokio::spawn(async move {
                    if let Some(answer) = dispatch::answer_batch(&shared, &caller, items).await {
                        outlet.send(answer.to_string());
                    }
                });
            }
        }
        Ok(())
    }

    /// The first frame of a connection that authenticates by its first message.
    async fn first_frame(&mut self, checked: Checked) -> Result<(), (u16, String)> {
        let Checked::Control(frame) = checked else {
            return Err((
                self.auth_close(),
                "authenticate first: send the auth frame".into(),
            ));
        };
        let contract = &self.shared.contract;
        let is_auth = contract
            .control_of(Direction::Client, &frame)
            .is_some_and(|c| c.kind == ControlKind::Auth);
        if !is_auth {
            return Err((
                self.auth_close(),
                "authenticate first: send the auth frame".into(),
            ));
        }
        self.reauthenticate(&frame).await
    }

    async fn reauthenticate(&mut self, frame: &Value) -> Result<(), (u16, String)> {
        let shared = self.shared.clone();
        let contract = &shared.contract;
        let token = contract
            .control_of(Direction::Client, frame)
            .and_then(|c| contract.control_token(c, frame))
            .unwrap_or_default()
            .to_owned();
        let principal = match &shared.authenticate {
            Some(authenticate) => authenticate(token).await.ok(),
            None => None,
        };
        let Some(principal) = principal else {
            return Err((self.auth_close(), "the credential was refused".into()));
        };
        if let Some(current) = &self.principal {
            if current.id != principal.id {
                return Err((
                    self.auth_close(),
                    "the credential belongs to another principal".into(),
                ));
            }
        }
        self.become_(principal);
        // the auth frame may name the contract version the client speaks
        let named = contract
            .transport
            .versioning
            .as_ref()
            .and_then(|v| v.from_auth_frame(frame))
            .and_then(|v| semver::Version::parse(&v).ok());
        if named.is_some() {
            shared.hub.set_version(self.id, named.clone());
            self.version = named;
        }
        if let Some(reply) = contract.control_reply(&ControlKind::Authenticated, frame, None) {
            self.send(reply, None);
        }
        Ok(())
    }

    async fn on_control(&mut self, frame: &Value) -> Result<(), (u16, String)> {
        let shared = self.shared.clone();
        let contract = &shared.contract;
        let Some(control) = contract.control_of(Direction::Client, frame) else {
            return Ok(());
        };
        let topics: Vec<String> = contract
            .control_topics(control, frame)
            .into_iter()
            .map(str::to_owned)
            .collect();
        let id = || contract.request_id(frame).cloned().unwrap_or(Value::Null);
        if self.expired
            && matches!(
                control.kind,
                ControlKind::Subscribe | ControlKind::Unsubscribe
            )
        {
            // events are held while the credential is expired: no subscription changes either
            if let Some(e) = self.refuse(frame) {
                self.send(dispatch::error_frame(&shared, id(), &e), None);
                return Ok(());
            }
        }
        match &control.kind {
            ControlKind::Ping => {
                if let Some(reply) = contract.control_reply(&ControlKind::Pong, frame, None) {
                    self.send(reply, None);
                }
            }
            ControlKind::Subscribe => {
                if let Some(e) = topics
                    .iter()
                    .find_map(|t| (shared.authorize)(self.principal.as_deref(), t).err())
                {
                    self.send(dispatch::error_frame(&shared, id(), &e), None);
                    return Ok(());
                }
                shared.hub.subscribe(self.id, &topics);
                if let Some(reply) =
                    contract.control_reply(&ControlKind::Subscribed, frame, Some(&topics))
                {
                    self.send(reply, None);
                }
            }
            ControlKind::Unsubscribe => {
                shared.hub.unsubscribe(self.id, &topics);
                if let Some(reply) =
                    contract.control_reply(&ControlKind::Unsubscribed, frame, Some(&topics))
                {
                    self.send(reply, None);
                }
            }
            ControlKind::Auth => self.reauthenticate(frame).await?,
            // the protocol's own control frames: answered by their declared reply, if any
            _ => {
                if let Some(reply) = control.reply.clone() {
                    if let Some(r) = contract.control_reply(&reply, frame, None) {
                        self.send(r, None);
                    }
                }
            }
        }
        Ok(())
    }
}

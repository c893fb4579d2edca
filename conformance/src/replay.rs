//! The replay engine. Records are taken in order. A client frame is sent once every frame the
//! recording shows arriving before it has arrived (the barrier), so a frame that depends on an
//! answer waits for it. Recorded server frames become expectations of their connection:
//! responses are matched by id (their order among themselves is free), events per connection in
//! order of their name (an event may arrive before the response to the request that caused
//! it), control frames in order. A live frame no expectation claims by the end is a failure.
//!
//! Over REST, the acting connection's requests are sent as REST calls through the mapping and
//! the answer is compared with the recorded WebSocket response through the error-code ↔ status
//! table; every other connection stays on the WebSocket and must still receive the same events.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::sync::mpsc;

use frameproof_schema::transcript::{
    ConnectionInfo, Payload, Record, TranscriptHeader, TranscriptReader,
};
use frameproof_schema::{pointer, AuthMethod, Contract, ControlKind, Direction};
use frameproof_validator::{FrameKind, Validator};

use crate::compare::{Bindings, Difference, Shape};
use crate::credentials::Credentials;
use crate::live::{Incoming, LiveConn};
use crate::report::{StepResult, TranscriptReport};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    WebSocket,
    Rest,
}

impl Transport {
    pub fn name(self) -> &'static str {
        match self {
            Transport::WebSocket => "websocket",
            Transport::Rest => "rest",
        }
    }
}

/// Where the server under test is.
#[derive(Debug, Clone)]
pub struct Target {
    /// The WebSocket URL, path included (`ws://127.0.0.1:8080/ws`).
    pub ws_url: String,
    /// The HTTP origin (`http://127.0.0.1:8080`); REST paths come from the contract.
    pub http_url: String,
}

#[derive(Debug, Clone)]
pub struct ReplayOptions {
    /// How long to wait for a frame the recording says arrives.
    pub timeout: Duration,
    /// How long to keep listening at the end for frames nobody expects.
    pub grace: Duration,
    /// The shortest window an `expect_none` record waits (a longer recorded `within_ms` is
    /// kept): a frame that must not arrive and arrives later than the window escapes.
    pub quiet: Duration,
    /// The connection whose requests go over REST in a REST run (default: the header's `actor`,
    /// else the first connection that sends a request).
    pub actor: Option<String>,
    pub credentials: Credentials,
    /// Every network call (a WebSocket handshake, a REST request and its answer) ends within
    /// this; one that does not fails its step instead of hanging the run.
    pub network_timeout: Duration,
    /// More instances of the same service: the transcript's connections are spread over the
    /// target and these, in turn (the first connection to the target, the second to the first
    /// of these, ...), so an event caused on one instance must reach clients on another.
    pub instances: Vec<Target>,
}

impl Default for ReplayOptions {
    fn default() -> Self {
        ReplayOptions {
            timeout: Duration::from_secs(3),
            grace: Duration::from_millis(150),
            quiet: Duration::ZERO,
            actor: None,
            credentials: Credentials::new(),
            network_timeout: Duration::from_secs(10),
            instances: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Key {
    Response(String),
    Event(String),
    Control(ControlKind),
    Other,
}

struct Expectation {
    line: u64,
    frame: Value,
    key: Key,
    matched: bool,
}

#[derive(Default)]
struct ConnState {
    live: Option<LiveConn>,
    expected: Vec<Expectation>,
    unclaimed: Vec<Value>,
    token: Option<String>,
    /// Recorded request id → action, for naming steps.
    actions: HashMap<String, String>,
    /// Answers of requests sent over REST, by recorded id: (action, status, body).
    rest_answers: HashMap<String, (String, u16, Value)>,
    /// The server closed this connection (code and reason; `None` without a close frame), not
    /// yet held against the recording.
    server_closed: Option<Option<(u16, String)>>,
    /// Binary frames the server sent, not yet reported (their sizes).
    binary: Vec<usize>,
    /// Every live frame is checked against the contract in this connection's session, as well
    /// as compared with the recording (a matcher never switches the contract off).
    session: Option<frameproof_validator::Session>,
    /// The replay closed this connection (the server's answer to that close is no news).
    closed_by_us: bool,
}

struct Engine<'a> {
    contract: &'a Contract,
    validator: Validator,
    target: &'a Target,
    options: &'a ReplayOptions,
    transport: Transport,
    actor: Option<String>,
    header: TranscriptHeader,
    conns: HashMap<String, ConnState>,
    order: Vec<String>,
    bindings: Bindings,
    steps: Vec<StepResult>,
    waiting: Duration,
    tx: mpsc::Sender<(String, Incoming)>,
    rx: mpsc::Receiver<(String, Incoming)>,
    http: reqwest::Client,
    /// The session the RPC endpoint handed out in this run (`transport.rest.rpc_session_header`).
    rpc_session: Option<String>,
}

fn id_key(v: &Value) -> String {
    v.to_string()
}

/// The action a recorded response answers, by its id (recorded ids → actions).
fn answered_by<'a>(
    contract: &'a Contract,
    actions: &'a HashMap<String, String>,
) -> impl Fn(&Value) -> Option<String> + 'a {
    move |frame| {
        let id = contract.response_id(frame)?;
        actions.get(&id_key(id)).cloned()
    }
}

fn describe(key: &Key, actions: &HashMap<String, String>) -> String {
    match key {
        Key::Response(id) => match actions.get(id) {
            Some(a) => format!("response {id} (`{a}`)"),
            None => format!("response {id}"),
        },
        Key::Event(n) => format!("event `{n}`"),
        Key::Control(k) => format!("control frame `{k:?}`").to_lowercase(),
        Key::Other => "frame".into(),
    }
}

/// Replays one transcript over one transport and reports every step.
pub async fn replay(
    contract: &Contract,
    name: &str,
    text: &str,
    target: &Target,
    transport: Transport,
    options: &ReplayOptions,
) -> TranscriptReport {
    let started = Instant::now();
    let fail = |reason: String| TranscriptReport {
        transcript: name.to_owned(),
        transport: transport.name().to_owned(),
        steps: vec![StepResult::fail(None, "", "read the transcript", reason)],
        duration: started.elapsed(),
        waiting: Duration::ZERO,
        server_stderr: None,
    };
    let (header, mut reader) = match TranscriptReader::open(text.as_bytes(), 64 * 1024 * 1024) {
        Ok(x) => x,
        Err(e) => return fail(e.to_string()),
    };
    let validator = match Validator::new(contract) {
        Ok(v) => v,
        Err(e) => return fail(format!("the contract cannot be used: {e}")),
    };
    // error messages are prose for people, not contract: any message matches by default
    let mut matchers = header.matchers.clone();
    let r = &contract.envelope.response;
    for ptr in [
        format!("{}{}", r.error, r.error_message),
        contract.rest_error_message_pointer(),
    ] {
        matchers.push(frameproof_schema::transcript::Matcher {
            pointer: Some(ptr),
            format: Some("any".into()),
            regex: None,
        });
    }
    let bindings = match Bindings::new(&matchers) {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    let actor = options.actor.clone().or_else(|| {
        header
            .connections
            .iter()
            .find(|c| c.role == "actor")
            .map(|c| c.id.clone())
    });
    let (tx, rx) = mpsc::channel(65_536);
    let mut engine = Engine {
        contract,
        validator,
        target,
        options,
        transport,
        actor,
        header,
        conns: HashMap::new(),
        order: Vec::new(),
        bindings,
        steps: Vec::new(),
        waiting: Duration::ZERO,
        tx,
        rx,
        http: crate::live::http_client(options.network_timeout),
        rpc_session: None,
    };
    // every connection of the recording was open while it was recorded: open them all first,
    // so an observer that only receives (or must not receive) is listening from the start
    let conns: Vec<String> = engine
        .header
        .connections
        .iter()
        .map(|c| c.id.clone())
        .collect();
    for c in conns {
        engine.ensure_open(&c, 1).await;
    }
    while let Some(next) = reader.next_record() {
        match next {
            Ok((line, record)) => engine.record(line, record).await,
            Err(e) => engine.steps.push(StepResult::fail(
                Some(e.line),
                "",
                "read a record",
                e.message,
            )),
        }
    }
    engine.finish().await;
    TranscriptReport {
        transcript: name.to_owned(),
        transport: transport.name().to_owned(),
        steps: engine.steps,
        duration: started.elapsed(),
        waiting: engine.waiting,
        server_stderr: None,
    }
}

impl Engine<'_> {
    /// The instance a connection talks to: connections in the order they first appear, spread
    /// over the target and the other instances in turn.
    fn target_of(&self, conn: &str) -> &Target {
        let n = 1 + self.options.instances.len();
        let index = self.order.iter().position(|c| c == conn).unwrap_or(0) % n;
        match index {
            0 => self.target,
            i => &self.options.instances[i - 1],
        }
    }

    fn info(&self, conn: &str) -> Option<&ConnectionInfo> {
        self.header.connection(conn)
    }

    fn state(&mut self, conn: &str) -> &mut ConnState {
        if !self.conns.contains_key(conn) {
            self.order.push(conn.to_owned());
        }
        self.conns.entry(conn.to_owned()).or_default()
    }

    /// The connection's token (resolved from the header's placeholder).
    fn token_of(&self, conn: &str) -> Result<Option<String>, String> {
        if let Some(t) = self.conns.get(conn).and_then(|c| c.token.clone()) {
            return Ok(Some(t));
        }
        match self
            .info(conn)
            .and_then(|i| i.credentials.get("token"))
            .and_then(Value::as_str)
        {
            Some(placeholder) => self.options.credentials.resolve(placeholder).map(Some),
            None => Ok(None),
        }
    }

    async fn ensure_open(&mut self, conn: &str, line: u64) -> bool {
        self.report_server_close(conn, Some(line));
        if self.conns.get(conn).is_some_and(|c| c.live.is_some()) {
            return true;
        }
        self.state(conn).closed_by_us = false;
        let token = match self.token_of(conn) {
            Ok(t) => t,
            Err(e) => {
                self.steps
                    .push(StepResult::fail(Some(line), conn, "open the connection", e));
                return false;
            }
        };
        let methods = &self.contract.transport.auth.methods;
        let query = methods.iter().find_map(|m| match m {
            AuthMethod::Query { param } => Some(param.clone()),
            _ => None,
        });
        let mut params: Vec<String> = Vec::new();
        if let (Some(t), Some(param)) = (&token, &query) {
            params.push(format!("{param}={t}"));
        }
        // a connection recorded at an older contract version says so again
        let version = self.info(conn).and_then(|i| i.version.clone());
        if let (Some(v), Some(versioning)) = (version, &self.contract.transport.versioning) {
            for m in &versioning.methods {
                if let frameproof_schema::VersionMethod::Query { param } = m {
                    params.push(format!("{param}={v}"));
                }
            }
        }
        let ws_url = self.target_of(conn).ws_url.clone();
        let url = if params.is_empty() {
            ws_url
        } else {
            format!("{ws_url}?{}", params.join("&"))
        };
        let started = Instant::now();
        let within = self.options.network_timeout;
        let result = LiveConn::connect(&url, conn.to_owned(), self.tx.clone(), within).await;
        self.waiting += started.elapsed();
        match result {
            Ok(mut live) => {
                if let (Some(t), None) = (&token, &query) {
                    // first-message authentication
                    if let Some(frame) = self.auth_frame(t) {
                        let _ = live.send_text(frame.to_string()).await;
                    }
                }
                let state = self.state(conn);
                state.live = Some(live);
                state.token = token;
                true
            }
            Err(e) => {
                self.steps
                    .push(StepResult::fail(Some(line), conn, "open the connection", e));
                false
            }
        }
    }

    fn auth_frame(&self, token: &str) -> Option<Value> {
        let control = self
            .contract
            .envelope
            .control
            .iter()
            .find(|c| c.kind == ControlKind::Auth)?;
        let mut frame = json!({});
        for (p, v) in &control.when {
            set(&mut frame, p, v.clone());
        }
        set(
            &mut frame,
            control.token.as_deref()?,
            Value::String(token.to_owned()),
        );
        Some(frame)
    }

    async fn record(&mut self, line: u64, record: Record) {
        let payload = match record.payload() {
            Ok(p) => p,
            Err(e) => {
                self.steps.push(StepResult::fail(
                    Some(line),
                    &record.conn,
                    "read a record",
                    e,
                ));
                return;
            }
        };
        let conn = record.conn.clone();
        match payload {
            Payload::Message {
                dir: Direction::Client,
                bytes,
                binary,
            } => {
                self.barrier().await;
                if self.is_rpc(&conn) {
                    // an exchange with the RPC endpoint travels as one again
                    match serde_json::from_slice::<Value>(&bytes) {
                        Ok(recorded) => {
                            if let Some(frame) = self.prepare_client_frame(line, &conn, recorded) {
                                self.rpc_send(line, &conn, &frame).await;
                            }
                        }
                        Err(e) => self.steps.push(StepResult::fail(
                            Some(line),
                            &conn,
                            "read a request frame",
                            e.to_string(),
                        )),
                    }
                    return;
                }
                if !self.ensure_open(&conn, line).await {
                    return;
                }
                if binary {
                    if let Some(live) = self.conns.get_mut(&conn).and_then(|c| c.live.as_mut()) {
                        let _ = live.send_binary(bytes.into_owned()).await;
                    }
                    return;
                }
                match serde_json::from_slice::<Value>(&bytes) {
                    Ok(frame) => self.client_frame(line, &conn, frame).await,
                    Err(_) => {
                        let text = String::from_utf8_lossy(&bytes).into_owned();
                        if let Some(live) = self.conns.get_mut(&conn).and_then(|c| c.live.as_mut())
                        {
                            if let Err(e) = live.send_text(text).await {
                                self.steps.push(StepResult::fail(
                                    Some(line),
                                    &conn,
                                    "send a frame",
                                    e,
                                ));
                            }
                        }
                    }
                }
            }
            Payload::Message {
                dir: Direction::Server,
                bytes,
                ..
            } => {
                let frame = serde_json::from_slice::<Value>(&bytes).unwrap_or_else(|_| {
                    Value::String(String::from_utf8_lossy(&bytes).into_owned())
                });
                self.expect(line, &conn, frame);
            }
            Payload::Close(recorded) => {
                self.barrier().await;
                let recorded = recorded.code;
                if let Some(close) = self.state(&conn).server_closed.take() {
                    if close.as_ref().map(|c| c.0) != Some(recorded) {
                        let step = StepResult::fail(
                            Some(line),
                            &conn,
                            "the connection closes",
                            format!(
                                "{}; the recording closes with {recorded}",
                                describe_close(&close)
                            ),
                        );
                        self.steps.push(step);
                    }
                } else if let Some(mut live) = self.conns.get_mut(&conn).and_then(|c| c.live.take())
                {
                    self.state(&conn).closed_by_us = true;
                    live.close().await;
                }
            }
            Payload::Rest(ex) => {
                self.barrier().await;
                let ex = ex.clone();
                self.rest_record(line, &conn, &ex).await;
            }
            Payload::Connection(info) => self.header.declare(&conn, info),
            Payload::ExpectNone(e) => {
                self.barrier().await;
                let within = Duration::from_millis(e.within_ms).max(self.options.quiet);
                let event = e.event.clone();
                self.expect_none(line, &conn, event.as_deref(), within)
                    .await;
            }
        }
    }

    fn key_of(&self, direction: Direction, frame: &Value) -> Key {
        match self
            .validator
            .check_frame(direction, frame.to_string().as_bytes())
            .kind
        {
            FrameKind::Ok { id } | FrameKind::Error { id, .. } => Key::Response(id_key(&id)),
            FrameKind::Event { name, .. } => Key::Event(name),
            FrameKind::Control { kind, .. } => Key::Control(kind),
            _ => Key::Other,
        }
    }

    /// A recorded client frame made live: values the server generated bound to this run's,
    /// credentials resolved.
    fn prepare_client_frame(&mut self, line: u64, conn: &str, recorded: Value) -> Option<Value> {
        self.bindings.client_sent(&recorded);
        let mut frame = recorded;
        self.bindings.substitute(&mut frame);
        if let Err(e) = self.options.credentials.resolve_value(&mut frame) {
            self.steps
                .push(StepResult::fail(Some(line), conn, "resolve credentials", e));
            return None;
        }
        Some(frame)
    }

    /// Whether a connection of the recording is an exchange with the RPC endpoint.
    fn is_rpc(&self, conn: &str) -> bool {
        self.info(conn)
            .and_then(|i| i.transport.as_deref())
            .is_some_and(|t| t == frameproof_schema::transcript::RPC_TRANSPORT)
    }

    /// POSTs a frame to the contract's RPC endpoint; the frames of the answer arrive on the
    /// connection as if the server had sent them over the socket, and are compared so.
    async fn rpc_send(&mut self, line: u64, conn: &str, frame: &Value) {
        let Some(endpoint) = self.contract.transport.rest.rpc_endpoint.clone() else {
            self.steps.push(StepResult::fail(
                Some(line),
                conn,
                "send over the RPC endpoint",
                "the contract has no RPC endpoint (transport.rest.rpc_endpoint)",
            ));
            return;
        };
        let text = frame.to_string();
        let _ = self
            .session(conn)
            .observe(Direction::Client, text.as_bytes());
        let url = format!(
            "{}{endpoint}",
            self.target_of(conn).http_url.trim_end_matches('/')
        );
        let mut req = self
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            // MCP's HTTP transport answers either way and refuses a client that takes only one
            .header(
                reqwest::header::ACCEPT,
                "application/json, text/event-stream",
            )
            .body(text);
        if let Ok(Some(t)) = self.token_of(conn) {
            req = req.bearer_auth(t);
        }
        let session_header = self.contract.transport.rest.rpc_session_header.clone();
        if let (Some(name), Some(value)) = (&session_header, &self.rpc_session) {
            req = req.header(name.as_str(), value.as_str());
        }
        let started = Instant::now();
        let answer = match req.send().await {
            Ok(r) => {
                // the session the endpoint hands out holds this run's later exchanges together
                let handed = session_header
                    .as_deref()
                    .and_then(|name| r.headers().get(name))
                    .and_then(|v| v.to_str().ok());
                if let Some(value) = handed {
                    self.rpc_session = Some(value.to_owned());
                }
                let content_type = r
                    .headers()
                    .get(reqwest::header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                r.text().await.map(|body| (content_type, body))
            }
            Err(e) => Err(e),
        };
        self.waiting += started.elapsed();
        match answer {
            Ok((content_type, body)) => {
                for raw in frameproof_validator::rpc::answer_frames(content_type.as_deref(), &body)
                {
                    let value = serde_json::from_str(&raw).unwrap_or(Value::String(raw.clone()));
                    self.take(conn.to_owned(), Incoming::Frame(value, raw));
                }
            }
            Err(e) => self.steps.push(StepResult::fail(
                Some(line),
                conn,
                "send over the RPC endpoint",
                format!("the RPC call failed: {e}"),
            )),
        }
    }

    async fn client_frame(&mut self, line: u64, conn: &str, recorded: Value) {
        let Some(frame) = self.prepare_client_frame(line, conn, recorded) else {
            return;
        };
        let kind = self
            .validator
            .check_frame(Direction::Client, frame.to_string().as_bytes())
            .kind;
        if let FrameKind::Control {
            kind: ControlKind::Auth,
            ..
        } = kind
        {
            // later REST calls of this connection use the new token
            let token = self
                .contract
                .envelope
                .control
                .iter()
                .find(|c| c.kind == ControlKind::Auth)
                .and_then(|c| c.token.as_deref())
                .and_then(|p| frame.pointer(p))
                .and_then(Value::as_str)
                .map(str::to_owned);
            if let Some(t) = token {
                self.state(conn).token = Some(t);
            }
        }
        // a batch's items are named by their ids too (their answers' schemas are the actions')
        let items: Vec<(String, String)> = self
            .contract
            .batch_items(&frame)
            .into_iter()
            .flatten()
            .filter_map(|item| {
                let id = self.contract.request_id(item)?;
                let action = self.contract.request_action(item)?;
                Some((id_key(id), action.to_owned()))
            })
            .collect();
        self.state(conn).actions.extend(items);
        // over HTTP, what has no REST route of its own goes to the RPC endpoint (a batch, an
        // action served only there)
        let rpc_fallback = self.transport == Transport::Rest
            && self.contract.transport.rest.rpc_endpoint.is_some()
            && self.actor.as_deref().is_none_or(|a| a == conn)
            && match &kind {
                FrameKind::Batch(_) => true,
                FrameKind::Request { action, .. } => self
                    .contract
                    .actions
                    .get(action)
                    .is_some_and(|a| a.rest.is_none()),
                _ => false,
            };
        if rpc_fallback {
            if self.actor.is_none() {
                self.actor = Some(conn.to_owned());
            }
            self.rpc_send(line, conn, &frame).await;
            return;
        }
        if let FrameKind::Request { id, action } = &kind {
            let recorded_id = id_key(id);
            self.state(conn)
                .actions
                .insert(recorded_id.clone(), action.clone());
            if self.actor.is_none() {
                self.actor = Some(conn.to_owned());
            }
            let over_rest = self.transport == Transport::Rest
                && self.actor.as_deref() == Some(conn)
                && self
                    .contract
                    .actions
                    .get(action)
                    .is_some_and(|a| a.rest.is_some());
            if over_rest {
                let payload = self
                    .contract
                    .request_payload(&frame)
                    .cloned()
                    .unwrap_or(Value::Null);
                self.rest_request(line, conn, recorded_id, action, &payload)
                    .await;
                return;
            }
        }
        let text = frame.to_string();
        // the connection's session sees what was sent, so answers are checked against the
        // schema of the action they answer
        let _ = self
            .session(conn)
            .observe(Direction::Client, text.as_bytes());
        if let Some(live) = self.conns.get_mut(conn).and_then(|c| c.live.as_mut()) {
            if let Err(e) = live.send_text(text).await {
                self.steps
                    .push(StepResult::fail(Some(line), conn, "send a frame", e));
            }
        }
    }

    async fn call(
        &mut self,
        conn: &str,
        method: &str,
        path: &str,
        query: &[(String, String)],
        body: Option<&Value>,
        token: Option<&str>,
    ) -> Result<(u16, Value), String> {
        let base = self.target_of(conn).http_url.clone();
        let url = format!("{}{}", base.trim_end_matches('/'), path);
        let method = reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
        let mut req = self.http.request(method, url).query(query);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let started = Instant::now();
        let result = req.send().await;
        let out = match result {
            Err(e) => Err(format!("the REST call failed: {e}")),
            Ok(r) => {
                let status = r.status().as_u16();
                let text = r.text().await.unwrap_or_default();
                Ok((
                    status,
                    serde_json::from_str(&text).unwrap_or(Value::String(text)),
                ))
            }
        };
        self.waiting += started.elapsed();
        out
    }

    async fn rest_request(
        &mut self,
        line: u64,
        conn: &str,
        recorded_id: String,
        action: &str,
        payload: &Value,
    ) {
        let request = match self.contract.rest_request(action, payload) {
            Ok(r) => r,
            Err(e) => {
                self.steps.push(StepResult::fail(
                    Some(line),
                    conn,
                    format!("`{action}` over REST"),
                    e,
                ));
                return;
            }
        };
        let token = match self.token_of(conn) {
            Ok(t) => t,
            Err(e) => {
                self.steps
                    .push(StepResult::fail(Some(line), conn, "resolve credentials", e));
                return;
            }
        };
        match self
            .call(
                conn,
                request.method.as_str(),
                &request.path,
                &request.query,
                request.body.as_ref(),
                token.as_deref(),
            )
            .await
        {
            Ok((status, body)) => {
                self.state(conn)
                    .rest_answers
                    .insert(recorded_id, (action.to_owned(), status, body));
            }
            Err(e) => self.steps.push(StepResult::fail(
                Some(line),
                conn,
                format!("`{action}` over REST"),
                e,
            )),
        }
    }

    fn expect(&mut self, line: u64, conn: &str, frame: Value) {
        let key = self.key_of(Direction::Server, &frame);
        if let Key::Response(id) = &key {
            let answer = self
                .conns
                .get_mut(conn)
                .and_then(|c| c.rest_answers.remove(id));
            if let Some((action, status, body)) = answer {
                self.compare_rest_answer(line, conn, &action, &frame, status, &body);
                return;
            }
        }
        self.state(conn).expected.push(Expectation {
            line,
            frame,
            key,
            matched: false,
        });
        // a frame may have arrived before its record was read
        let unclaimed = std::mem::take(&mut self.state(conn).unclaimed);
        for f in unclaimed {
            if !self.claim(conn, &f) {
                self.state(conn).unclaimed.push(f);
            }
        }
    }

    /// A REST answer against the recorded WebSocket response, through the status table.
    fn compare_rest_answer(
        &mut self,
        line: u64,
        conn: &str,
        action: &str,
        recorded: &Value,
        status: u16,
        body: &Value,
    ) {
        let step = format!("`{action}` over REST");
        let recorded_ok = match self
            .validator
            .check_frame(Direction::Server, recorded.to_string().as_bytes())
            .kind
        {
            FrameKind::Error { code, .. } => Err(code),
            _ => Ok(()),
        };
        match recorded_ok {
            Ok(()) => {
                if !(200..300).contains(&status) {
                    let mut s = StepResult::fail(
                        Some(line),
                        conn,
                        step,
                        format!("the WebSocket answered ok; REST answered {status}"),
                    );
                    if let crate::Outcome::Fail {
                        expected, actual, ..
                    } = &mut s.outcome
                    {
                        *expected = self.contract.response_data(recorded).cloned();
                        *actual = Some(body.clone());
                    }
                    self.steps.push(s);
                    return;
                }
                // matchers are written in frame coordinates (`/data/duration_seconds`): the REST
                // answer goes where the frame holds its data, so they mean the same over both
                // transports
                let live = self.contract.with_response_data(recorded, body.clone());
                let shape = Shape::of(self.contract, recorded, &|_| Some(action.to_owned()));
                let diffs = self.bindings.compare(recorded, &live, &shape);
                self.steps.push(if diffs.is_empty() {
                    StepResult::pass(Some(line), conn, step)
                } else {
                    StepResult::mismatch(Some(line), conn, step, recorded, &live, &diffs)
                });
            }
            Err(code) => {
                let code = code.unwrap_or_default();
                let want = self
                    .contract
                    .errors
                    .get(&code)
                    .map(|e| e.status)
                    .unwrap_or(0);
                let got_code = self
                    .contract
                    .rest_error(body)
                    .map(|e| e.label())
                    .unwrap_or_default();
                if status == want && got_code == code {
                    // the whole error, not only its code: the REST error object goes where the
                    // frame holds its error, and is compared as the frame's would be
                    let error = body
                        .get(frameproof_schema::wire::REST_ERROR_MEMBER)
                        .cloned()
                        .unwrap_or(Value::Null);
                    let live = self.contract.with_error_object(recorded, error);
                    let diffs = self.bindings.compare(recorded, &live, &Shape::unknown());
                    self.steps.push(if diffs.is_empty() {
                        StepResult::pass(Some(line), conn, step)
                    } else {
                        StepResult::mismatch(Some(line), conn, step, recorded, &live, &diffs)
                    });
                } else {
                    self.steps.push(StepResult::fail(
                        Some(line),
                        conn,
                        step,
                        format!(
                            "the WebSocket answered error `{code}` (HTTP {want} by the contract); REST answered {status} with code `{got_code}`"
                        ),
                    ));
                }
            }
        }
    }

    /// Matches a live frame to the first expectation that claims it; records the step.
    fn claim(&mut self, conn: &str, live: &Value) -> bool {
        let key = self.key_of(Direction::Server, live);
        let Some(state) = self.conns.get_mut(conn) else {
            return false;
        };
        let found = state
            .expected
            .iter_mut()
            .find(|e| !e.matched && e.key == key);
        let Some(exp) = found else { return false };
        exp.matched = true;
        let (line, recorded) = (exp.line, exp.frame.clone());
        let step = describe(&key, &state.actions);
        let mut recorded = recorded;
        let _ = self.options.credentials.resolve_value(&mut recorded);
        let answers = answered_by(self.contract, &state.actions);
        let shape = Shape::of(self.contract, &recorded, &answers);
        let diffs = self.bindings.compare(&recorded, live, &shape);
        self.steps.push(if diffs.is_empty() {
            StepResult::pass(Some(line), conn, step)
        } else {
            StepResult::mismatch(Some(line), conn, step, &recorded, live, &diffs)
        });
        true
    }

    /// The frame that arrived on `conn`, unclaimed, closest to an expected one that did not:
    /// of the same kind and name if any (the same event, a response, the same control frame),
    /// then with the fewest differences. Named, with its differences from the recording.
    fn closest(
        &self,
        conn: &str,
        expected: &Value,
        key: &Key,
    ) -> Option<(String, Value, Vec<Difference>)> {
        const LOOK_AT: usize = 64;
        let state = self.conns.get(conn)?;
        let mut recorded = expected.clone();
        let _ = self.options.credentials.resolve_value(&mut recorded);
        let answers = answered_by(self.contract, &state.actions);
        let shape = Shape::of(self.contract, &recorded, &answers);
        state
            .unclaimed
            .iter()
            .rev()
            .take(LOOK_AT)
            .map(|live| {
                let live_key = self.key_of(Direction::Server, live);
                let kind_differs = std::mem::discriminant(&live_key) != std::mem::discriminant(key);
                let name_differs = live_key != *key;
                let diffs = self.bindings.differences(&recorded, live, &shape);
                (
                    (kind_differs, name_differs, diffs.len()),
                    live,
                    live_key,
                    diffs,
                )
            })
            .min_by_key(|(rank, ..)| *rank)
            .map(|(_, live, live_key, diffs)| {
                (describe(&live_key, &state.actions), live.clone(), diffs)
            })
    }

    /// What a frame nobody expected is, for its report.
    fn unexpected(&self, conn: &str, frame: &Value) -> String {
        let key = self.key_of(Direction::Server, frame);
        let sent = self
            .conns
            .get(conn)
            .is_some_and(|c| matches!(&key, Key::Response(id) if c.actions.contains_key(id)));
        match &key {
            Key::Response(id) if !sent => {
                format!("the server sent a response under id {id}, which the client never sent")
            }
            _ => format!(
                "the server sent {} that the recording does not have",
                describe(&key, &HashMap::new())
            ),
        }
    }

    fn outstanding(&self) -> bool {
        self.conns
            .values()
            .any(|c| c.expected.iter().any(|e| !e.matched))
    }

    fn take(&mut self, conn: String, item: Incoming) {
        match item {
            Incoming::Frame(f, raw) => {
                self.check_live(&conn, &f, &raw);
                if !self.claim(&conn, &f) {
                    self.state(&conn).unclaimed.push(f);
                }
            }
            Incoming::Closed(close) => {
                // what should have arrived and did not is reported at the next barrier; the
                // close itself when the recording closes (or goes on without closing)
                let state = self.state(&conn);
                state.live = None;
                if !state.closed_by_us {
                    state.server_closed = Some(close);
                }
            }
            Incoming::Binary(n) => self.state(&conn).binary.push(n),
        }
    }

    /// Waits until every expectation so far is met, or the timeout; unmet ones fail.
    async fn barrier(&mut self) {
        let deadline = Instant::now() + self.options.timeout;
        let started = Instant::now();
        while self.outstanding() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            match tokio::time::timeout(left, self.rx.recv()).await {
                Ok(Some((conn, item))) => self.take(conn, item),
                _ => break,
            }
        }
        self.waiting += started.elapsed();
        let reason = format!(
            "did not arrive within {:.1} s",
            self.options.timeout.as_secs_f64()
        );
        let mut failures = Vec::new();
        let names: Vec<String> = self.conns.keys().cloned().collect();
        for name in names {
            let missing: Vec<(u64, Value, Key)> = self.conns[&name]
                .expected
                .iter()
                .filter(|e| !e.matched)
                .map(|e| (e.line, e.frame.clone(), e.key.clone()))
                .collect();
            for (line, frame, key) in missing {
                let closest = self.closest(&name, &frame, &key);
                let state = &self.conns[&name];
                let step = describe(&key, &state.actions);
                let closest = closest
                    .as_ref()
                    .map(|(label, live, diffs)| (label.clone(), live, diffs.as_slice()));
                failures.push(StepResult::missing(
                    Some(line),
                    &name,
                    step,
                    reason.clone(),
                    &frame,
                    closest,
                ));
            }
            self.state(&name).expected.clear();
        }
        failures.sort_by_key(|s| s.line);
        self.steps.extend(failures);
    }

    async fn rest_record(
        &mut self,
        line: u64,
        conn: &str,
        ex: &frameproof_schema::transcript::RestExchange,
    ) {
        let path = self.bindings.substitute_str(&ex.path);
        let query: Vec<(String, String)> = ex
            .query
            .iter()
            .map(|(k, v)| (k.clone(), self.bindings.substitute_str(v)))
            .collect();
        let mut body = ex.body.clone();
        if let Some(b) = &body {
            self.bindings.client_sent(b);
        }
        if let Some(b) = body.as_mut() {
            self.bindings.substitute(b);
            if let Err(e) = self.options.credentials.resolve_value(b) {
                self.steps
                    .push(StepResult::fail(Some(line), conn, "resolve credentials", e));
                return;
            }
        }
        let token = self.token_of(conn).ok().flatten();
        let step = format!("REST {} {}", ex.method, ex.path);
        match self
            .call(
                conn,
                &ex.method,
                &path,
                &query,
                body.as_ref(),
                token.as_deref(),
            )
            .await
        {
            Err(e) => self.steps.push(StepResult::fail(Some(line), conn, step, e)),
            Ok((status, live)) => {
                if status != ex.status {
                    let mut s = StepResult::fail(
                        Some(line),
                        conn,
                        step,
                        format!("recorded HTTP {}, live {status}", ex.status),
                    );
                    if let crate::Outcome::Fail {
                        expected, actual, ..
                    } = &mut s.outcome
                    {
                        *expected = ex.response.clone();
                        *actual = Some(live);
                    }
                    self.steps.push(s);
                    return;
                }
                let mut recorded = ex.response.clone().unwrap_or(Value::Null);
                let _ = self.options.credentials.resolve_value(&mut recorded);
                let shape = Shape::of_rest_answer(self.contract, &ex.method, &ex.path);
                let diffs = self.bindings.compare(&recorded, &live, &shape);
                self.steps.push(if diffs.is_empty() {
                    StepResult::pass(Some(line), conn, step)
                } else {
                    StepResult::mismatch(Some(line), conn, step, &recorded, &live, &diffs)
                });
            }
        }
    }

    async fn expect_none(&mut self, line: u64, conn: &str, event: Option<&str>, within: Duration) {
        let deadline = Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            match tokio::time::timeout(left, self.rx.recv()).await {
                Ok(Some((c, item))) => self.take(c, item),
                _ => break,
            }
        }
        let contract = self.contract;
        let state = self.state(conn);
        let offending = state.unclaimed.iter().position(|f| match event {
            Some(name) => contract.event_name(f) == Some(name),
            None => true,
        });
        let step = match event {
            Some(n) => format!("no `{n}` within {} ms", within.as_millis()),
            None => format!("no frame within {} ms", within.as_millis()),
        };
        match offending {
            None => self.steps.push(StepResult::pass(Some(line), conn, step)),
            Some(i) => {
                let frame = state.unclaimed.remove(i);
                let mut s =
                    StepResult::fail(Some(line), conn, step, "a frame arrived that must not");
                if let crate::Outcome::Fail { actual, .. } = &mut s.outcome {
                    *actual = Some(frame);
                }
                self.steps.push(s);
            }
        }
    }

    fn session(&mut self, conn: &str) -> &mut frameproof_validator::Session {
        let validator = self.validator.clone();
        let rpc = self.is_rpc(conn);
        let state = self.state(conn);
        state.session.get_or_insert_with(|| {
            let s = if rpc {
                validator.rpc_session()
            } else {
                validator.session()
            };
            s.with_location("live", conn.to_owned())
        })
    }

    /// A live server frame that breaks the contract fails a step naming the rule, whatever the
    /// recording's matchers allow. Session bookkeeping rules are left to the comparison.
    fn check_live(&mut self, conn: &str, frame: &Value, raw: &str) {
        // the text as it arrived: a key named twice is seen, as `validate` sees it
        let found = self
            .session(conn)
            .observe(Direction::Server, raw.as_bytes());
        for v in found {
            if v.severity != frameproof_validator::Severity::Error
                || v.rule.id().starts_with("session.")
            {
                continue;
            }
            let at = if v.pointer.is_empty() {
                "/"
            } else {
                &v.pointer
            };
            let mut step = StepResult::fail(
                None,
                conn,
                "a live frame keeps the contract",
                format!("[{}] at {at}: {}", v.rule, v.message),
            );
            if let crate::Outcome::Fail { actual, .. } = &mut step.outcome {
                *actual = Some(frame.clone());
            }
            self.steps.push(step);
        }
    }

    /// A close the recording does not have fails a step that names its code and reason;
    /// binary frames are reported, never dropped.
    fn report_server_close(&mut self, conn: &str, line: Option<u64>) {
        let state = self.state(conn);
        let binary = std::mem::take(&mut state.binary);
        let close = state.server_closed.take();
        for n in binary {
            self.steps.push(StepResult::fail(
                line,
                conn,
                "unexpected frame",
                format!("the server sent a binary frame of {n} bytes; the recording has none"),
            ));
        }
        if let Some(close) = close {
            self.steps.push(StepResult::fail(
                line,
                conn,
                "the connection stays open",
                format!(
                    "{}; the recording goes on without a close",
                    describe_close(&close)
                ),
            ));
        }
    }

    async fn finish(&mut self) {
        self.barrier().await;
        let deadline = Instant::now() + self.options.grace;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            match tokio::time::timeout(left, self.rx.recv()).await {
                Ok(Some((c, item))) => self.take(c, item),
                _ => break,
            }
        }
        for name in self.order.clone() {
            self.report_server_close(&name, None);
            let Some(state) = self.conns.get_mut(&name) else {
                continue;
            };
            let unclaimed = std::mem::take(&mut state.unclaimed);
            for f in unclaimed {
                let why = self.unexpected(&name, &f);
                let mut s = StepResult::fail(None, &name, "unexpected frame", why);
                if let crate::Outcome::Fail { actual, .. } = &mut s.outcome {
                    *actual = Some(f);
                }
                self.steps.push(s);
            }
            let live = self.conns.get_mut(&name).and_then(|c| c.live.take());
            if let Some(mut live) = live {
                live.close().await;
            }
        }
    }
}

/// Sets a value at a JSON pointer, creating objects on the way.
fn set(root: &mut Value, ptr: &str, value: Value) {
    let Ok(segs) = pointer::segments(ptr) else {
        return;
    };
    let mut cur = root;
    for (i, seg) in segs.iter().enumerate() {
        if !cur.is_object() {
            *cur = json!({});
        }
        let Value::Object(map) = cur else { return };
        if i + 1 == segs.len() {
            map.insert(seg.clone(), value);
            return;
        }
        cur = map.entry(seg.clone()).or_insert_with(|| json!({}));
    }
}

/// How the server ended a connection, for a step's message.
fn describe_close(close: &Option<(u16, String)>) -> String {
    match close {
        Some((code, reason)) if reason.is_empty() => {
            format!("the server closed the connection with {code}")
        }
        Some((code, reason)) => format!("the server closed the connection with {code} `{reason}`"),
        None => "the server's connection ended without a close frame".into(),
    }
}

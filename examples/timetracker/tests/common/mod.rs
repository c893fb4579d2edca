//! Test clients for the reference server: a WebSocket client that records every frame and
//! keeps unconsumed frames for later, and a REST client that derives each call from the
//! contract's REST mapping.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::time::Duration;

use frameproof::Contract;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use timetracker::server::{start, RunningServer, ServerConfig};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long a test waits for a frame it expects.
pub const WAIT: Duration = Duration::from_secs(5);

pub async fn server() -> RunningServer {
    server_with(ServerConfig::default()).await
}

pub async fn server_with(config: ServerConfig) -> RunningServer {
    start(ServerConfig { port: 0, ..config })
        .await
        .expect("the server starts")
}

pub fn token(server: &RunningServer, user: &str) -> String {
    server
        .user(user)
        .expect("a seeded user")
        .access_token
        .clone()
}

pub fn refresh_token(server: &RunningServer, user: &str) -> String {
    server
        .user(user)
        .expect("a seeded user")
        .refresh_token
        .clone()
}

/// How a connection ended, as the client saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// A close frame with this code.
    Close(u16),
    /// The stream ended or failed without a close frame.
    Dropped,
    /// Nothing within the wait.
    StillOpen,
}

pub struct Client {
    ws: Ws,
    /// Every frame this client sent, as JSON (text frames that were not JSON are left out).
    pub sent: Vec<Value>,
    /// Every text frame this client received, as JSON.
    pub received: Vec<Value>,
    /// Frames received but not yet taken by a helper.
    pending: VecDeque<Value>,
    next_id: u64,
    pub ended: Option<Ended>,
}

impl Client {
    pub async fn connect(url: &str) -> Client {
        let (ws, _) = tokio_tungstenite::connect_async(url)
            .await
            .unwrap_or_else(|e| panic!("connect to {url}: {e}"));
        Client::from_stream(ws)
    }

    pub fn from_stream(ws: Ws) -> Client {
        Client {
            ws,
            sent: Vec::new(),
            received: Vec::new(),
            pending: VecDeque::new(),
            next_id: 0,
            ended: None,
        }
    }

    /// Connects over a socket with a tiny receive buffer, so that a client that stops reading
    /// fills the server's side quickly.
    pub async fn connect_small_buffer(url: &str, addr: std::net::SocketAddr) -> Client {
        let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
        socket
            .set_recv_buffer_size(4096)
            .expect("a receive buffer size");
        let stream = socket.connect(addr).await.expect("a TCP connection");
        let (ws, _) = tokio_tungstenite::client_async(url, MaybeTlsStream::Plain(stream))
            .await
            .unwrap_or_else(|e| panic!("handshake with {url}: {e}"));
        Client::from_stream(ws)
    }

    /// Connects with `?token=` of a seeded user.
    pub async fn user(server: &RunningServer, user: &str) -> Client {
        Client::connect(&format!(
            "{}?token={}",
            server.ws_url(),
            token(server, user)
        ))
        .await
    }

    pub async fn send(&mut self, frame: Value) {
        self.sent.push(frame.clone());
        self.ws
            .send(Message::text(frame.to_string()))
            .await
            .expect("send a frame");
    }

    pub async fn send_text(&mut self, text: &str) {
        if let Ok(v) = serde_json::from_str::<Value>(text) {
            self.sent.push(v);
        }
        self.ws
            .send(Message::text(text.to_owned()))
            .await
            .expect("send a text frame");
    }

    pub async fn send_message(&mut self, msg: Message) {
        self.ws.send(msg).await.expect("send a message");
    }

    /// Reads the socket for the next text frame (pings and pongs are skipped).
    async fn read(&mut self, within: Duration) -> Option<Value> {
        if self.ended.is_some() {
            return None;
        }
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let next = tokio::time::timeout_at(deadline, self.ws.next()).await;
            match next {
                Err(_) => return None,
                Ok(Some(Ok(Message::Text(t)))) => {
                    let v: Value = serde_json::from_str(t.as_str()).unwrap_or_else(|e| {
                        panic!("the server sent a non-JSON text frame ({e}): {t}")
                    });
                    self.received.push(v.clone());
                    return Some(v);
                }
                Ok(Some(Ok(Message::Close(frame)))) => {
                    self.ended = Some(Ended::Close(
                        frame.map(|f| u16::from(f.code)).unwrap_or(1005),
                    ));
                    return None;
                }
                Ok(Some(Ok(Message::Binary(_)))) => panic!("the server sent a binary frame"),
                Ok(Some(Ok(_))) => continue,
                Ok(Some(Err(_))) | Ok(None) => {
                    self.ended = Some(Ended::Dropped);
                    return None;
                }
            }
        }
    }

    /// The next frame, pending ones first.
    pub async fn next_frame(&mut self) -> Value {
        if let Some(v) = self.pending.pop_front() {
            return v;
        }
        self.read(WAIT).await.expect("a frame from the server")
    }

    /// Reads until a frame matches, keeping the others pending; `None` after `within`.
    pub async fn find(&mut self, within: Duration, pred: impl Fn(&Value) -> bool) -> Option<Value> {
        if let Some(pos) = self.pending.iter().position(&pred) {
            return self.pending.remove(pos);
        }
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let v = self.read(left).await?;
            if pred(&v) {
                return Some(v);
            }
            self.pending.push_back(v);
        }
    }

    pub fn fresh_id(&mut self) -> String {
        self.next_id += 1;
        format!("r{}", self.next_id)
    }

    /// Sends a request and returns its response frame (events meanwhile stay pending).
    pub async fn request(&mut self, action: &str, payload: Value) -> Value {
        let id = self.fresh_id();
        self.send(json!({ "id": id, "action": action, "payload": payload }))
            .await;
        self.response(&id).await
    }

    /// The response frame with this id.
    pub async fn response(&mut self, id: &str) -> Value {
        self.find(WAIT, |v| {
            v.get("id").and_then(Value::as_str) == Some(id) && v.get("status").is_some()
        })
        .await
        .unwrap_or_else(|| panic!("no response to request {id}"))
    }

    /// The data of an ok response (panics on an error response).
    pub async fn ok(&mut self, action: &str, payload: Value) -> Value {
        let frame = self.request(action, payload).await;
        assert_eq!(frame["status"], "ok", "{action} failed: {frame}");
        frame["data"].clone()
    }

    /// The error code of an error response (panics on an ok response).
    pub async fn err(&mut self, action: &str, payload: Value) -> String {
        let frame = self.request(action, payload).await;
        assert_eq!(frame["status"], "error", "{action} should fail: {frame}");
        frame["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Sends a control frame and returns the reply of `reply_type` or an error frame.
    pub async fn control(&mut self, mut frame: Value, reply_type: &str) -> Value {
        let id = self.fresh_id();
        frame["id"] = json!(id);
        self.send(frame).await;
        let reply_type = reply_type.to_owned();
        self.find(WAIT, move |v| {
            v.get("id").and_then(Value::as_str) == Some(id.as_str())
                && (v.get("type").and_then(Value::as_str) == Some(reply_type.as_str())
                    || v.get("status").is_some())
        })
        .await
        .expect("a reply to the control frame")
    }

    pub async fn subscribe(&mut self, topics: &[&str]) -> Value {
        self.control(
            json!({ "type": "subscribe", "topics": topics }),
            "subscribed",
        )
        .await
    }

    pub async fn unsubscribe(&mut self, topics: &[&str]) -> Value {
        self.control(
            json!({ "type": "unsubscribe", "topics": topics }),
            "unsubscribed",
        )
        .await
    }

    /// Waits for a pong to an application ping: every frame queued for this connection before
    /// it has then arrived, so pending events can be checked for absence without sleeping.
    pub async fn sync(&mut self) {
        let reply = self.control(json!({ "type": "ping" }), "pong").await;
        assert_eq!(reply["type"], "pong", "sync: {reply}");
    }

    /// The next event named `name`, pending ones first.
    pub async fn event(&mut self, name: &str) -> Value {
        self.find(WAIT, |v| {
            v.get("event").and_then(Value::as_str) == Some(name)
        })
        .await
        .unwrap_or_else(|| panic!("no {name} event arrived"))
    }

    /// Takes a pending event named `name` without reading the socket (call [`Client::sync`] first).
    pub fn take_event(&mut self, name: &str) -> Option<Value> {
        let pos = self
            .pending
            .iter()
            .position(|v| v.get("event").and_then(Value::as_str) == Some(name))?;
        self.pending.remove(pos)
    }

    /// Drops every pending frame.
    pub fn clear(&mut self) {
        self.pending.clear();
    }

    /// Reads until the connection ends (or `within` passes).
    pub async fn ended(&mut self, within: Duration) -> Ended {
        let deadline = tokio::time::Instant::now() + within;
        while self.ended.is_none() {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                return Ended::StillOpen;
            }
            if let Some(v) = self.read(left).await {
                self.pending.push_back(v);
            }
        }
        self.ended.clone().unwrap_or(Ended::StillOpen)
    }
}

/// A REST client that maps an action and its payload to the contract's route.
pub struct Rest {
    http: reqwest::Client,
    origin: String,
    contract: &'static Contract,
}

/// The contract, built once per test binary.
pub fn contract() -> &'static Contract {
    static CONTRACT: std::sync::OnceLock<Contract> = std::sync::OnceLock::new();
    CONTRACT.get_or_init(timetracker::contract)
}

pub struct Reply {
    pub status: u16,
    pub body: Value,
}

impl Reply {
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or_default()
    }
}

impl Rest {
    pub fn new(server: &RunningServer) -> Rest {
        Rest {
            http: reqwest::Client::new(),
            origin: server.http_url(),
            contract: contract(),
        }
    }

    /// Calls `action` with `payload` the way the contract maps it to REST
    /// (`Contract::rest_request`, the mapping every other crate uses).
    pub async fn call(&self, token: Option<&str>, action: &str, payload: Value) -> Reply {
        let request = self
            .contract
            .rest_request(action, &payload)
            .unwrap_or_else(|e| panic!("{action} over REST: {e}"));
        let method =
            reqwest::Method::from_bytes(request.method.as_str().as_bytes()).expect("a method");
        let url = format!("{}{}", self.origin, request.path);
        let mut req = self.http.request(method, url).query(&request.query);
        if let Some(body) = &request.body {
            req = req.json(body);
        }
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        Rest::reply(req).await
    }

    /// A raw request: method, path (from the server root), token, body.
    pub async fn raw(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
    ) -> Reply {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
        let mut req = self
            .http
            .request(method, format!("{}{}", self.origin, path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req
                .header("content-type", "application/json")
                .body(b.to_owned());
        }
        Rest::reply(req).await
    }

    async fn reply(req: reqwest::RequestBuilder) -> Reply {
        let resp = req.send().await.expect("an HTTP response");
        let status = resp.status().as_u16();
        let text = resp.text().await.expect("a body");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Reply { status, body }
    }

    /// The data of a 200 reply (panics otherwise).
    pub async fn ok(&self, token: &str, action: &str, payload: Value) -> Value {
        let r = self.call(Some(token), action, payload).await;
        assert_eq!(r.status, 200, "{action} over REST failed: {}", r.body);
        r.body
    }
}

/// A compiled draft 2020-12 validator (remote references off: the crate has no resolver
/// features enabled).
pub fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(schema)
        .expect("the schema compiles")
}

/// The validation errors of an instance, as text.
pub fn problems(v: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path().as_str()))
        .collect()
}

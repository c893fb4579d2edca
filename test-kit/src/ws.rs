//! A WebSocket test client: connects with a time-out, sends JSON, text or raw messages, and
//! reads text frames as JSON within one deadline (pings are answered by tungstenite while it
//! reads, and skipped). Frames a wait passes over stay pending, so a later wait still finds
//! them. Every frame sent and received is logged (for validating the conversation).
//!
//! No read panics: a closed socket, a time-out or a dropped stream come back as [`Ended`] or
//! `None`. The helpers that do panic say so (`connect`, the `send*` family, `next_frame`,
//! `wait_for`, `response`, `request`, `ok`, `err`, `control`, `event`): they are `expect`s for tests.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::Duration;

use frameproof_validator::Direction;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// The client side of a WebSocket over TCP.
pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long a wait lasts unless told otherwise (connecting, a frame, an answer).
pub const WAIT: Duration = Duration::from_secs(5);

/// How a connection ended (or did not), as the client saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// A close frame with this code (1005 when it carried none).
    Close(u16),
    /// The stream ended or failed without a close frame.
    Dropped,
    /// Nothing within the wait: the connection is still open.
    StillOpen,
}

impl Ended {
    /// The close code a close frame carried (`None`: no close frame, or one without a code).
    pub fn code(&self) -> Option<u16> {
        match self {
            Ended::Close(1005) | Ended::Dropped | Ended::StillOpen => None,
            Ended::Close(code) => Some(*code),
        }
    }
}

/// Why a connection was not opened.
#[derive(Debug)]
pub enum ConnectError {
    /// The server answered the handshake with this HTTP status.
    Refused(u16),
    /// No handshake within the wait.
    TimedOut,
    /// Anything else (no listener, a broken handshake), as text.
    Failed(String),
}

impl ConnectError {
    /// The HTTP status of a refused handshake.
    pub fn status(&self) -> Option<u16> {
        match self {
            ConnectError::Refused(status) => Some(*status),
            _ => None,
        }
    }
}

impl std::fmt::Display for ConnectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConnectError::Refused(status) => write!(f, "handshake refused with {status}"),
            ConnectError::TimedOut => write!(f, "no handshake within the wait"),
            ConnectError::Failed(e) => f.write_str(e),
        }
    }
}

impl From<tungstenite::Error> for ConnectError {
    fn from(e: tungstenite::Error) -> Self {
        match e {
            tungstenite::Error::Http(response) => ConnectError::Refused(response.status().as_u16()),
            other => ConnectError::Failed(other.to_string()),
        }
    }
}

/// A WebSocket test client (see the module's documentation).
pub struct Client {
    ws: Ws,
    /// Every text frame sent and received, in order (unless [`Client::without_log`]).
    pub log: Vec<(Direction, String)>,
    logging: bool,
    /// Frames read but not yet taken by a wait.
    pending: VecDeque<Value>,
    next_id: u64,
    /// How the connection ended, once the client has seen it end.
    pub ended: Option<Ended>,
    /// The reason the close frame gave, if any.
    pub close_reason: Option<String>,
    /// How long a wait lasts when none is given ([`WAIT`] by default).
    pub wait: Duration,
}

impl Client {
    /// Opens `url` within [`WAIT`]; the handshake's failure or status otherwise.
    pub async fn try_connect(
        request: impl IntoClientRequest + Unpin,
    ) -> Result<Client, ConnectError> {
        match tokio::time::timeout(WAIT, tokio_tungstenite::connect_async(request)).await {
            Err(_) => Err(ConnectError::TimedOut),
            Ok(Err(e)) => Err(e.into()),
            Ok(Ok((ws, _))) => Ok(Client::from_stream(ws)),
        }
    }

    /// Opens `url` within [`WAIT`] (panics otherwise).
    pub async fn connect(url: &str) -> Client {
        Client::try_connect(url)
            .await
            .unwrap_or_else(|e| panic!("connect to {url}: {e}"))
    }

    /// Opens a handshake request (headers of its own) within [`WAIT`] (panics otherwise).
    pub async fn connect_request(request: impl IntoClientRequest + Unpin) -> Client {
        Client::try_connect(request)
            .await
            .unwrap_or_else(|e| panic!("connect: {e}"))
    }

    /// Connects over a socket with a tiny receive buffer, so that a client that stops reading
    /// fills the server's side quickly (panics on failure).
    pub async fn connect_small_buffer(url: &str, addr: SocketAddr) -> Client {
        let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
        socket
            .set_recv_buffer_size(4096)
            .expect("a receive buffer size");
        let stream = tokio::time::timeout(WAIT, socket.connect(addr))
            .await
            .unwrap_or_else(|_| panic!("no TCP connection to {addr} within {WAIT:?}"))
            .expect("a TCP connection");
        let handshake = tokio_tungstenite::client_async(url, MaybeTlsStream::Plain(stream));
        let (ws, _) = tokio::time::timeout(WAIT, handshake)
            .await
            .unwrap_or_else(|_| panic!("no handshake with {url} within {WAIT:?}"))
            .unwrap_or_else(|e| panic!("handshake with {url}: {e}"));
        Client::from_stream(ws)
    }

    /// Wraps a stream whose handshake is already done; frames are logged, no events pending, ids
    /// start at 0 and waits last [`WAIT`].
    pub fn from_stream(ws: Ws) -> Client {
        Client {
            ws,
            log: Vec::new(),
            logging: true,
            pending: VecDeque::new(),
            next_id: 0,
            ended: None,
            close_reason: None,
            wait: WAIT,
        }
    }

    /// Keeps no log (a client that sends or reads megabytes).
    pub fn without_log(mut self) -> Client {
        self.logging = false;
        self
    }

    /// The socket itself, for what the client has no helper for.
    pub fn stream(&mut self) -> &mut Ws {
        &mut self.ws
    }

    fn record(&mut self, direction: Direction, text: &str) {
        if self.logging {
            self.log.push((direction, text.to_owned()));
        }
    }

    /// Every JSON frame sent, in order (from the log).
    pub fn sent(&self) -> Vec<Value> {
        self.logged(Direction::Client)
    }

    /// Every JSON frame received, in order (from the log).
    pub fn received(&self) -> Vec<Value> {
        self.logged(Direction::Server)
    }

    fn logged(&self, direction: Direction) -> Vec<Value> {
        self.log
            .iter()
            .filter(|(d, _)| *d == direction)
            .filter_map(|(_, text)| serde_json::from_str(text).ok())
            .collect()
    }

    // ------------------------------------------------------------------ sending

    /// Sends any message (a text one is logged); the socket's error if it is closed.
    pub async fn try_send_message(&mut self, message: Message) -> Result<(), tungstenite::Error> {
        if let Message::Text(text) = &message {
            let text = text.as_str().to_owned();
            self.record(Direction::Client, &text);
        }
        self.ws.send(message).await
    }

    /// Sends any message (panics if the socket is closed).
    pub async fn send_message(&mut self, message: Message) {
        self.try_send_message(message)
            .await
            .expect("send a message");
    }

    /// Sends a text frame as it is (panics if the socket is closed).
    pub async fn send_text(&mut self, text: &str) {
        self.send_message(Message::text(text.to_owned())).await;
    }

    /// Sends a JSON frame (panics if the socket is closed).
    pub async fn send(&mut self, frame: Value) {
        self.send_text(&frame.to_string()).await;
    }

    /// Sends a close frame (no answer awaited; a closed socket is not an error here).
    pub async fn close(&mut self) {
        let _ = self.ws.close(None).await;
    }

    // ------------------------------------------------------------------ reading

    /// The next message of any kind from the socket, within `within` (`None`: nothing came,
    /// or the stream ended). Text is logged, a close is noted; nothing is kept pending.
    pub async fn next_message(&mut self, within: Duration) -> Option<Message> {
        if self.ended.is_some() {
            return None;
        }
        match tokio::time::timeout(within, self.ws.next()).await {
            Err(_) => None,
            Ok(Some(Ok(message))) => {
                match &message {
                    Message::Text(text) => {
                        let text = text.as_str().to_owned();
                        self.record(Direction::Server, &text);
                    }
                    Message::Close(frame) => self.note_close(frame.as_ref()),
                    _ => {}
                }
                Some(message)
            }
            Ok(Some(Err(_)) | None) => {
                self.ended = Some(Ended::Dropped);
                None
            }
        }
    }

    fn note_close(&mut self, frame: Option<&tungstenite::protocol::CloseFrame>) {
        self.ended = Some(Ended::Close(
            frame.map(|f| u16::from(f.code)).unwrap_or(1005),
        ));
        self.close_reason = frame.map(|f| f.reason.as_str().to_owned());
    }

    /// Reads the socket (not the pending frames) for the next text frame before `deadline`:
    /// JSON (a text frame that is not JSON comes as a JSON string); other messages skipped.
    async fn read_until(&mut self, deadline: Instant) -> Result<Value, Ended> {
        loop {
            if let Some(ended) = &self.ended {
                return Err(ended.clone());
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.next_message(left).await {
                Some(Message::Text(text)) => {
                    return Ok(serde_json::from_str(text.as_str())
                        .unwrap_or_else(|_| Value::String(text.as_str().to_owned())));
                }
                Some(_) => continue,
                None => return Err(self.ended.clone().unwrap_or(Ended::StillOpen)),
            }
        }
    }

    /// The next text frame, pending ones first, within `within`.
    pub async fn next_within(&mut self, within: Duration) -> Result<Value, Ended> {
        if let Some(v) = self.pending.pop_front() {
            return Ok(v);
        }
        self.read_until(Instant::now() + within).await
    }

    /// The next text frame, pending ones first, within the client's wait.
    pub async fn next(&mut self) -> Result<Value, Ended> {
        self.next_within(self.wait).await
    }

    /// The next frame (panics when none comes).
    pub async fn next_frame(&mut self) -> Value {
        self.next()
            .await
            .unwrap_or_else(|ended| panic!("a frame from the server ({ended:?})"))
    }

    /// The first frame matching `want` within `within`, pending ones first; the frames it passes
    /// over stay pending. `None` when none came (or the connection ended).
    pub async fn find(&mut self, within: Duration, want: impl Fn(&Value) -> bool) -> Option<Value> {
        if let Some(pos) = self.pending.iter().position(&want) {
            return self.pending.remove(pos);
        }
        let deadline = Instant::now() + within;
        loop {
            let v = self.read_until(deadline).await.ok()?;
            if want(&v) {
                return Some(v);
            }
            self.pending.push_back(v);
        }
    }

    /// [`Client::find`] within the client's wait.
    pub async fn until(&mut self, want: impl Fn(&Value) -> bool) -> Option<Value> {
        self.find(self.wait, want).await
    }

    /// [`Client::until`], for a frame that must come (panics when none does).
    pub async fn wait_for(&mut self, want: impl Fn(&Value) -> bool) -> Value {
        let wait = self.wait;
        self.until(want)
            .await
            .unwrap_or_else(|| panic!("no such frame within {wait:?} ({:?})", self.ended))
    }

    /// Whether no text frame and no ending come within `within` (what does come stays pending).
    pub async fn silent_for(&mut self, within: Duration) -> bool {
        if !self.pending.is_empty() {
            return false;
        }
        match self.read_until(Instant::now() + within).await {
            Ok(v) => {
                self.pending.push_back(v);
                false
            }
            Err(Ended::StillOpen) => true,
            Err(_) => false,
        }
    }

    /// Reads until the connection ends, or `within` passes (frames meanwhile stay pending).
    pub async fn ended(&mut self, within: Duration) -> Ended {
        let deadline = Instant::now() + within;
        loop {
            match self.read_until(deadline).await {
                Ok(v) => self.pending.push_back(v),
                Err(ended) => return ended,
            }
        }
    }

    /// The code of the close frame that ends the connection within `within` (`None`: it ended
    /// without one, or is still open).
    pub async fn close_code(&mut self, within: Duration) -> Option<u16> {
        self.ended(within).await.code()
    }

    /// Takes a pending frame matching `want` without reading the socket.
    pub fn take(&mut self, want: impl Fn(&Value) -> bool) -> Option<Value> {
        let pos = self.pending.iter().position(want)?;
        self.pending.remove(pos)
    }

    /// Drops every pending frame.
    pub fn clear(&mut self) {
        self.pending.clear();
    }

    // ------------------------------------------------------------------ the frameproof envelope

    /// A request id not used by this client before (`r1`, `r2`, …).
    pub fn fresh_id(&mut self) -> String {
        self.next_id += 1;
        format!("r{}", self.next_id)
    }

    /// Sends `{"id", "action", "payload"}`.
    pub async fn send_request(&mut self, id: &str, action: &str, payload: Value) {
        self.send(json!({ "id": id, "action": action, "payload": payload }))
            .await;
    }

    /// The response frame (one with a `status`) to request `id`, within the client's wait.
    pub async fn answer(&mut self, id: &str) -> Option<Value> {
        self.until(|v| v.get("id").and_then(Value::as_str) == Some(id) && v.get("status").is_some())
            .await
    }

    /// The response frame to request `id` (panics when none comes).
    pub async fn response(&mut self, id: &str) -> Value {
        self.answer(id)
            .await
            .unwrap_or_else(|| panic!("no response to request {id}"))
    }

    /// Sends a request with the id `id` and returns its response (panics when none comes).
    pub async fn request_as(&mut self, id: &str, action: &str, payload: Value) -> Value {
        self.send_request(id, action, payload).await;
        self.response(id).await
    }

    /// Sends a request with a fresh id and returns its response frame; events meanwhile stay
    /// pending (panics when none comes).
    pub async fn request(&mut self, action: &str, payload: Value) -> Value {
        let id = self.fresh_id();
        self.request_as(&id, action, payload).await
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

    /// Sends a control frame with a fresh id and returns the reply of `reply_type` or an error
    /// frame (panics when none comes).
    pub async fn control(&mut self, mut frame: Value, reply_type: &str) -> Value {
        let id = self.fresh_id();
        frame["id"] = json!(id);
        self.send(frame).await;
        self.until(|v| {
            v.get("id").and_then(Value::as_str) == Some(id.as_str())
                && (v.get("type").and_then(Value::as_str) == Some(reply_type)
                    || v.get("status").is_some())
        })
        .await
        .expect("a reply to the control frame")
    }

    /// Sends `subscribe` for `topics` and returns the `subscribed` reply or an error frame
    /// (panics when none comes).
    pub async fn subscribe(&mut self, topics: &[&str]) -> Value {
        self.control(
            json!({ "type": "subscribe", "topics": topics }),
            "subscribed",
        )
        .await
    }

    /// Sends `unsubscribe` for `topics` and returns the `unsubscribed` reply or an error frame
    /// (panics when none comes).
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

    /// The next event named `name`, pending ones first (panics when none comes).
    pub async fn event(&mut self, name: &str) -> Value {
        self.until(|v| v.get("event").and_then(Value::as_str) == Some(name))
            .await
            .unwrap_or_else(|| panic!("no {name} event arrived"))
    }

    /// Takes a pending event named `name` without reading the socket (call [`Client::sync`]
    /// first).
    pub fn take_event(&mut self, name: &str) -> Option<Value> {
        self.take(|v| v.get("event").and_then(Value::as_str) == Some(name))
    }
}

/// A WebSocket front on a free loopback port, in front of `upstream` (`ws://host:port`): each
/// client's socket is accepted, a socket to the upstream opened at the same path and query,
/// and the two handed to `relay` (which passes frames on, changed or not). Returns the
/// front's `ws://host:port`.
pub async fn front<F, Fut>(upstream: String, relay: F) -> String
where
    F: Fn(WebSocketStream<TcpStream>, Ws) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (upstream, relay) = (upstream.clone(), relay.clone());
            tokio::spawn(async move {
                let mut uri = String::new();
                // the handshake callback's signature (its large error type) is tungstenite's
                #[allow(clippy::result_large_err)]
                let callback = |req: &Request, resp: Response| {
                    uri = req.uri().to_string();
                    Ok(resp)
                };
                let Ok(client) = tokio_tungstenite::accept_hdr_async(tcp, callback).await else {
                    return;
                };
                let connect = tokio_tungstenite::connect_async(format!("{upstream}{uri}"));
                let Ok(Ok((server, _))) = tokio::time::timeout(WAIT, connect).await else {
                    return;
                };
                relay(client, server).await;
            });
        }
    });
    format!("ws://{addr}")
}

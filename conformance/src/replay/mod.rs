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

mod client;
mod connections;
mod expectations;
mod rest;
mod rpc;
mod waiting;

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
use crate::error::fail;
use crate::live::{Incoming, LiveConn};
use crate::report::{StepResult, TranscriptReport};
use crate::Error;

use connections::{describe_close, ConnState, Role};
use expectations::{describe, Expectation, Key};

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
        Err(e) => return fail(e.chain()),
    };
    let http = match crate::live::http_client(options.network_timeout) {
        Ok(http) => http,
        Err(e) => return fail(e.chain()),
    };
    let actor = options.actor.clone().or_else(|| {
        header
            .connections
            .iter()
            .find(|c| Role::of(c) == Role::Actor)
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
        http,
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
    async fn record(&mut self, line: u64, record: Record) {
        let payload = match record.payload() {
            Ok(p) => p,
            Err(e) => {
                self.steps.push(StepResult::fail(
                    Some(line),
                    &record.conn,
                    "read a record",
                    e.to_string(),
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
            } => self.client_message(line, &conn, &bytes, binary).await,
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
}

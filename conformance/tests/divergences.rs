//! Divergences a server can have that none of the reference server's `--fault`s makes: a
//! man-in-the-middle between the replay and a sound reference server changes what the server
//! sends over the WebSocket, one divergence at a time, and the replay must fail naming it. The
//! table in `docs/conformance.md` ("Divergences caught") lists the same cases.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;

use frameproof_conformance::{replay, report, Credentials, ReplayOptions, Target, Transport};
use frameproof_schema::Contract;

/// What the man-in-the-middle does to the server's frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Divergence {
    /// `"billable": true` becomes `"billable": "true"`.
    BooleanAsString,
    /// Every event is sent twice.
    EventTwice,
    /// A response's `data.id` becomes a number.
    IdRetyped,
    /// Date-times lose their offset (`…T17:00:00.123Z` → `…T17:00:00.123`).
    TimestampWithoutOffset,
    /// After each ok response, another one under an id nobody sent.
    SpuriousResponse,
    /// The connection that sends requests gets no events.
    ActorLeftOut,
    /// Connections that send no requests get no events.
    PeerLeftOut,
    /// The fourth frame of a connection is replaced by a 1011 close.
    CloseAfterThreeFrames,
    /// Responses are held back 2 s (the replay waits 1 s).
    Delayed,
    /// `TimeEntryStarted` is sent as `TimerStarted`.
    EventRenamed,
    /// `unknown_action` errors become ok answers.
    UnknownActionAnsweredOk,
}

struct Case {
    divergence: Divergence,
    transcript: &'static str,
    /// Words the report must contain.
    says: &'static str,
}

const CASES: &[Case] = &[
    Case {
        divergence: Divergence::BooleanAsString,
        transcript: "01-timers.jsonl",
        says: "[response.schema] at /data/billable",
    },
    Case {
        divergence: Divergence::EventTwice,
        transcript: "01-timers.jsonl",
        says: "unexpected frame: the server sent event `TimeEntryStarted` that the recording does not have",
    },
    Case {
        divergence: Divergence::IdRetyped,
        transcript: "02-projects.jsonl",
        says: "[response.schema] at /data/id",
    },
    Case {
        divergence: Divergence::TimestampWithoutOffset,
        transcript: "01-timers.jsonl",
        says: "/data/started_at: recorded",
    },
    Case {
        divergence: Divergence::SpuriousResponse,
        transcript: "02-projects.jsonl",
        says: "the server sent a response under id \"zz-nobody-sent-this\", which the client never sent",
    },
    Case {
        divergence: Divergence::ActorLeftOut,
        transcript: "01-timers.jsonl",
        says: "usr_alice: event `TimeEntryStarted`: did not arrive",
    },
    Case {
        divergence: Divergence::PeerLeftOut,
        transcript: "01-timers.jsonl",
        says: "usr_bob: event `TimeEntryStarted`: did not arrive",
    },
    Case {
        divergence: Divergence::CloseAfterThreeFrames,
        transcript: "02-projects.jsonl",
        says: "closed the connection with 1011 `mitm`",
    },
    Case {
        divergence: Divergence::Delayed,
        transcript: "02-projects.jsonl",
        says: "did not arrive within 1.0 s",
    },
    Case {
        divergence: Divergence::EventRenamed,
        transcript: "01-timers.jsonl",
        says: "the closest frame that arrived: event `TimerStarted`",
    },
    Case {
        divergence: Divergence::UnknownActionAnsweredOk,
        transcript: "08-protocol-errors.jsonl",
        says: "/error: recorded",
    },
];

/// What the man-in-the-middle knows of one connection.
#[derive(Default)]
struct ConnState {
    /// The client sent a request on it.
    acting: AtomicBool,
    /// Frames the server sent on it.
    sent: AtomicUsize,
}

/// The frames (or a close) the client gets instead of `frame`.
fn diverge(
    contract: &Contract,
    divergence: Divergence,
    conn: &ConnState,
    mut frame: Value,
) -> Vec<Message> {
    let text = |v: &Value| Message::text(v.to_string());
    let is_event = contract.event_name(&frame).is_some();
    let is_ok = contract.response_id(&frame).is_some() && contract.frame_error(&frame).is_none();
    let n = conn.sent.fetch_add(1, Ordering::SeqCst) + 1;
    match divergence {
        Divergence::BooleanAsString => {
            if let Some(b) = frame.pointer_mut("/data/billable") {
                *b = json!(b.to_string());
            }
            vec![text(&frame)]
        }
        Divergence::EventTwice if is_event => vec![text(&frame), text(&frame)],
        Divergence::IdRetyped if is_ok => {
            if let Some(id) = frame.pointer_mut("/data/id").filter(|v| v.is_string()) {
                *id = json!(7);
            }
            vec![text(&frame)]
        }
        Divergence::TimestampWithoutOffset => {
            let t = frame.to_string().replace("Z\"", "\"");
            vec![Message::text(t)]
        }
        Divergence::SpuriousResponse if is_ok => {
            let spurious = contract.ok_frame(json!("zz-nobody-sent-this"), json!({}));
            vec![text(&frame), text(&spurious)]
        }
        Divergence::ActorLeftOut if is_event && conn.acting.load(Ordering::SeqCst) => vec![],
        Divergence::PeerLeftOut if is_event && !conn.acting.load(Ordering::SeqCst) => vec![],
        Divergence::CloseAfterThreeFrames if n == 4 => vec![Message::Close(Some(CloseFrame {
            code: CloseCode::Error,
            reason: "mitm".into(),
        }))],
        Divergence::EventRenamed if contract.event_name(&frame) == Some("TimeEntryStarted") => {
            let t = frame
                .to_string()
                .replace("\"TimeEntryStarted\"", "\"TimerStarted\"");
            vec![Message::text(t)]
        }
        Divergence::UnknownActionAnsweredOk
            if contract.frame_error(&frame).map(|e| e.label()).as_deref()
                == Some("unknown_action") =>
        {
            let id = contract.response_id(&frame).cloned().unwrap_or(Value::Null);
            vec![text(&contract.ok_frame(id, json!({})))]
        }
        _ => vec![text(&frame)],
    }
}

/// A WebSocket man-in-the-middle in front of `upstream` (`ws://host:port`): client frames go
/// through unchanged, server frames through [`diverge`]. Returns its `ws://host:port`.
async fn man_in_the_middle(upstream: String, divergence: Divergence) -> String {
    let contract = Arc::new(timetracker::contract());
    frameproof_test_kit::ws::front(upstream, move |client, server| {
        relay(client, server, contract.clone(), divergence)
    })
    .await
}

async fn relay<C, S>(client: C, server: S, contract: Arc<Contract>, divergence: Divergence)
where
    C: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>>
        + futures_util::Sink<Message>
        + Unpin
        + Send
        + 'static,
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>>
        + futures_util::Sink<Message>
        + Unpin
        + Send
        + 'static,
{
    let (mut to_client, mut from_client) = client.split();
    let (mut to_server, mut from_server) = server.split();
    let state = Arc::new(ConnState::default());
    let acting = state.clone();
    let upward = tokio::spawn(async move {
        while let Some(Ok(m)) = from_client.next().await {
            if m.is_text() {
                acting.acting.store(true, Ordering::SeqCst);
            }
            if to_server.send(m).await.is_err() {
                return;
            }
        }
    });
    while let Some(Ok(m)) = from_server.next().await {
        let out = match m {
            Message::Text(t) => match serde_json::from_str::<Value>(t.as_str()) {
                Ok(frame) => diverge(&contract, divergence, &state, frame),
                Err(_) => vec![Message::Text(t)],
            },
            other => vec![other],
        };
        for m in out {
            if divergence == Divergence::Delayed {
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
            let closing = matches!(m, Message::Close(_));
            if to_client.send(m).await.is_err() || closing {
                upward.abort();
                return;
            }
        }
    }
    upward.abort();
}

fn credentials() -> Credentials {
    let mut c = Credentials::new();
    for u in ["usr_alice", "usr_bob", "usr_carol"] {
        c.insert(u, format!("at_fixed_{u}"));
        c.insert(format!("{u}:refresh"), format!("rt_fixed_{u}"));
    }
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_divergence_is_caught_and_named() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/timetracker/transcripts");
    let contract = timetracker::contract();
    let mut missed = Vec::new();
    for case in CASES {
        let server = timetracker::server::start(timetracker::server::ServerConfig {
            port: 0,
            fixed_credentials: true,
            ..timetracker::server::ServerConfig::default()
        })
        .await
        .expect("server");
        let origin = server.ws_url();
        let upstream = origin
            .strip_suffix("/ws")
            .expect("the server's socket is at /ws")
            .to_owned();
        let front = man_in_the_middle(upstream, case.divergence).await;
        let target = Target {
            ws_url: format!("{front}/ws"),
            http_url: server.http_url(),
        };
        let options = ReplayOptions {
            timeout: Duration::from_secs(1),
            credentials: credentials(),
            ..ReplayOptions::default()
        };
        let text = std::fs::read_to_string(dir.join(case.transcript)).expect("transcript");
        let r = replay(
            &contract,
            case.transcript,
            &text,
            &target,
            Transport::WebSocket,
            &options,
        )
        .await;
        server.shutdown().await;
        let human = report::human(std::slice::from_ref(&r));
        if r.passed() || !human.contains(case.says) {
            missed.push(format!(
                "{:?}: the report should say `{}`:\n{human}",
                case.divergence, case.says
            ));
        }
    }
    assert!(missed.is_empty(), "{}", missed.join("\n\n"));
}

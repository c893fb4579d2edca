//! The proxy as an operator runs it: credentials in every form the contract declares never
//! reach an output, every buffer has the contract's bound, `--enforce` cannot be bypassed,
//! every network wait ends, and every ending has its close code. Each test reproduces a
//! behaviour of the proxy before these guarantees (noted on the test).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::Message;

use frameproof_proxy::{start, ProxyConfig, RunningProxy};
use frameproof_test_kit::ws::{Client, ConnectError};
use frameproof_validator::report::json_line;
use frameproof_validator::Violation;
use timetracker::server::{RunningServer, ServerConfig};

struct Setup {
    server: RunningServer,
    proxy: RunningProxy,
    live: Arc<Mutex<Vec<Violation>>>,
    dir: PathBuf,
}

async fn server() -> RunningServer {
    timetracker::server::start(ServerConfig {
        port: 0,
        ..ServerConfig::default()
    })
    .await
    .expect("server")
}

fn config_for(
    upstream: String,
    name: &str,
    tune: impl FnOnce(&mut ProxyConfig),
) -> (ProxyConfig, Arc<Mutex<Vec<Violation>>>, PathBuf) {
    let live = Arc::new(Mutex::new(Vec::new()));
    let sink = live.clone();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("operator")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let mut config = ProxyConfig::new(SocketAddr::from(([127, 0, 0, 1], 0)), upstream);
    config.record = Some(dir.clone());
    config.on_violation = Arc::new(move |v| sink.lock().expect("lock").push(v.clone()));
    tune(&mut config);
    (config, live, dir)
}

async fn setup(name: &str, tune: impl FnOnce(&mut ProxyConfig)) -> Setup {
    let server = server().await;
    let (config, live, dir) = config_for(server.http_url(), name, tune);
    let proxy = start(&timetracker::contract(), config)
        .await
        .expect("proxy");
    Setup {
        server,
        proxy,
        live,
        dir,
    }
}

impl Setup {
    fn user(&self, user: &str) -> &timetracker::server::SeededUser {
        self.server.user(user).expect("seeded")
    }

    async fn connect(&self, query: &str) -> Client {
        Client::connect(&format!("ws://{}/ws{query}", self.proxy.addr)).await
    }

    /// Shuts everything down; returns the recording's text and every violation as the
    /// `--violations` file would hold it.
    async fn finish(self) -> (String, String) {
        let recording = self
            .proxy
            .shutdown()
            .await
            .expect("shutdown")
            .expect("a recording");
        self.server.shutdown().await;
        let text = std::fs::read_to_string(&recording.path).expect("read recording");
        let violations: Vec<String> = self
            .live
            .lock()
            .expect("lock")
            .iter()
            .map(|v| format!("{}\n{}", json_line(v), v.message))
            .collect();
        let _ = std::fs::remove_dir_all(&self.dir);
        (text, violations.join("\n"))
    }
}

async fn get_json(http: &reqwest::Client, url: &str, token: &str) -> Value {
    http.get(url)
        .bearer_auth(token)
        .send()
        .await
        .expect("rest")
        .json()
        .await
        .expect("a JSON answer")
}

// ------------------------------------------------------------------ credentials

/// Before: the refresh action's tokens, percent-encoded query names, refused auth frames,
/// and the excerpts of violations on credential frames were all written in clear, and a
/// connection authenticated by an auth frame had no placeholder.
#[tokio::test]
async fn no_credential_reaches_the_recording_or_the_reports() {
    let s = setup("credentials", |_| {}).await;
    let alice = s.user("usr_alice").clone();
    let bob = s.user("usr_bob").clone();
    let carol = s.user("usr_carol").clone();
    let mut secrets = vec![alice.access_token.clone(), bob.access_token.clone()];
    secrets.push(carol.access_token.clone());
    secrets.push(alice.refresh_token.clone());

    // percent-encoded query names, as the server decodes them
    for query in [
        format!("?%74oken={}", alice.access_token),
        format!("?access%5Ftoken={}", bob.access_token),
    ] {
        let mut ws = s.connect(&query).await;
        ws.send(json!({"id": "q1", "action": "projects.list", "payload": {}}))
            .await;
        let _ = ws.until(|v| v["id"] == "q1").await;
        ws.close().await;
    }

    // an auth frame, one that breaks its schema, one with the token twice, one that is not JSON
    let mut ws = s.connect("").await;
    let t = &carol.access_token;
    ws.try_send_message(Message::text(format!(
        r#"{{"type":"auth","token":"{t}","extra":1}}"#
    )))
    .await
    .expect("send");
    ws.try_send_message(Message::text(format!(
        r#"{{"type":"auth","token":"x-{t}","token":"{t}"}}"#
    )))
    .await
    .expect("send");
    ws.try_send_message(Message::text(format!(r#"{{"type":"auth","token":"{t}""#)))
        .await
        .expect("send");
    drop(ws);
    let mut ws = s.connect("").await;
    ws.send(json!({"type": "auth", "token": t})).await;
    ws.send(json!({"id": "a1", "action": "projects.list", "payload": {}}))
        .await;
    assert!(ws.until(|v| v["id"] == "a1").await.is_some());
    ws.close().await;

    // credentials in headers: an Authorization header and a cookie on the handshake and on REST
    let mut request =
        tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(format!(
            "ws://{}/ws",
            s.proxy.addr
        ))
        .expect("a request");
    let bearer = format!("Bearer {}", bob.access_token);
    request
        .headers_mut()
        .insert("authorization", bearer.parse().expect("header"));
    let cookie = format!("session={}", bob.refresh_token);
    request
        .headers_mut()
        .insert("cookie", cookie.parse().expect("header"));
    secrets.push(bob.refresh_token.clone());
    if let Ok(mut ws) = Client::try_connect(request).await {
        ws.close().await;
    }
    let http = reqwest::Client::new();
    let _ = http
        .get(format!("http://{}/api/projects", s.proxy.addr))
        .bearer_auth(&bob.access_token)
        .header("cookie", format!("session={}", bob.refresh_token))
        .send()
        .await
        .expect("rest");

    // the refresh action over REST: a broken request, then a real one whose answer holds new tokens
    let refresh = format!("http://{}/api/auth/refresh", s.proxy.addr);
    let _ = http
        .post(&refresh)
        .json(&json!({"refresh_token": alice.refresh_token, "extra": 1}))
        .send()
        .await
        .expect("rest");
    let fresh: Value = http
        .post(&refresh)
        .json(&json!({"refresh_token": alice.refresh_token}))
        .send()
        .await
        .expect("rest")
        .json()
        .await
        .expect("token pair");
    for member in ["access_token", "refresh_token"] {
        let token = fresh[member].as_str().expect("a new token").to_owned();
        secrets.push(token);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (recording, reports) = s.finish().await;
    for secret in &secrets {
        assert!(
            !recording.contains(secret.as_str()),
            "a credential is in the recording:\n{recording}"
        );
        assert!(
            !reports.contains(secret.as_str()),
            "a credential is in a report:\n{reports}"
        );
    }
    assert!(reports.contains("control.schema"), "{reports}");
    assert!(
        reports.contains("frame.duplicate_key") || reports.contains("frame.json"),
        "{reports}"
    );
    assert!(recording.contains("\"%74oken=$credential:") || recording.contains("credential"));
    // the connection that authenticated by frame is declared with its placeholder
    let declared = recording.lines().any(|l| {
        let v: Value = serde_json::from_str(l).unwrap_or(Value::Null);
        v["connection"]["credentials"]["token"]
            .as_str()
            .is_some_and(|p| {
                p.starts_with("$credential:") && v["conn"] != "c1" && v["conn"] != "c2"
            })
    });
    assert!(declared, "{recording}");
}

// ------------------------------------------------------------------ limits

/// Before: the contract's `max_frame_bytes` (1 MiB) was ignored; 16 MiB frames and 64 MiB
/// fragmented messages were taken whole, and the connection was dropped without a close code.
#[tokio::test]
async fn messages_over_the_contract_limit_are_closed_with_1009() {
    let s = setup("limit", |_| {}).await;
    let token = s.user("usr_alice").access_token.clone();
    let big = "x".repeat(1_200_000);
    let mut ws = s.connect(&format!("?token={token}")).await;
    ws.try_send_message(Message::text(big.clone()))
        .await
        .expect("send");
    assert_eq!(ws.close_code(Duration::from_secs(5)).await, Some(1009));

    // the same size in fragments, none of them over the limit alone
    let mut ws = s.connect(&format!("?token={token}")).await;
    let chunk = bytes::Bytes::from(vec![b'x'; 400_000]);
    for (i, opcode) in [Data::Text, Data::Continue, Data::Continue]
        .into_iter()
        .enumerate()
    {
        let frame = Frame::message(chunk.clone(), OpCode::Data(opcode), i == 2);
        if ws.try_send_message(Message::Frame(frame)).await.is_err() {
            break;
        }
    }
    assert_eq!(ws.close_code(Duration::from_secs(5)).await, Some(1009));

    // others are still served
    let mut ws = s.connect(&format!("?token={token}")).await;
    ws.send(json!({"id": "ok", "action": "projects.list", "payload": {}}))
        .await;
    assert!(ws.until(|v| v["id"] == "ok").await.is_some());
    let (recording, _) = s.finish().await;
    assert!(recording.contains("\"code\":1009"), "the close is recorded");
}

// ------------------------------------------------------------------ enforce

/// Before: REST was not enforced (an invalid PATCH reached the server), binary frames were
/// forwarded, refusals answered `"id": null`, and a refused ping was later reported unanswered.
#[tokio::test]
async fn enforce_cannot_be_bypassed() {
    let s = setup("enforce", |c| c.enforce = true).await;
    let token = s.user("usr_alice").access_token.clone();
    let http = reqwest::Client::new();
    let base = format!("http://{}/api", s.proxy.addr);
    let tasks = get_json(&http, &format!("{base}/tasks"), &token).await;
    let task = tasks[0].clone();
    let id = task["id"].as_str().expect("a task id").to_owned();
    let r = http
        .patch(format!("{base}/tasks/{id}"))
        .bearer_auth(&token)
        .json(&json!({"status": "doing"}))
        .send()
        .await
        .expect("rest");
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.expect("error body");
    assert_eq!(body["error"]["code"], "validation_failed");
    let after = get_json(&http, &format!("{base}/tasks"), &token).await;
    assert_eq!(
        after[0]["status"], task["status"],
        "the server never saw the PATCH"
    );

    let mut ws = s.connect(&format!("?token={token}")).await;
    // refusals keep the request's id wherever it can be read
    for (frame, id) in [
        (
            r#"{"id":"u1","action":"no.such_action","payload":{}}"#.to_owned(),
            "u1",
        ),
        (
            r#"{"id":"u2","action":"projects.list","payload":{},"payload":{}}"#.to_owned(),
            "u2",
        ),
        (
            r#"{"id":"u3","action":"tasks.update","payload":{"id":"t","status":"doing"}}"#
                .to_owned(),
            "u3",
        ),
    ] {
        ws.try_send_message(Message::text(frame))
            .await
            .expect("send");
        let answer = ws
            .until(|v| v["error"]["code"] == "validation_failed")
            .await
            .expect("a refusal");
        assert_eq!(answer["id"], id, "{answer}");
    }
    ws.try_send_message(Message::binary(vec![1u8, 2, 3]))
        .await
        .expect("send");
    let refused = ws
        .until(|v| v["error"]["code"] == "validation_failed")
        .await;
    assert!(
        refused.is_some(),
        "a binary frame is refused, not forwarded"
    );
    ws.send(json!({"type": "ping", "extra": true})).await;
    assert!(ws
        .until(|v| v["error"]["code"] == "validation_failed")
        .await
        .is_some());
    ws.send(json!({"id": "fine", "action": "projects.list", "payload": {}}))
        .await;
    assert!(ws
        .until(|v| v["id"] == "fine" && v["status"] == "ok")
        .await
        .is_some());
    ws.close().await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (_, reports) = s.finish().await;
    assert!(!reports.contains("session.unanswered_ping"), "{reports}");
    assert!(!reports.contains("session.unanswered\""), "{reports}");
}

// ------------------------------------------------------------------ time-outs

/// Before: there was no header time-out, so slow clients held their connections for ever.
#[tokio::test]
async fn slow_clients_are_dropped_and_real_ones_served() {
    let s = setup("slowloris", |c| {
        c.timeouts.header_read = Duration::from_millis(300);
        c.limits.max_connections = 64;
    })
    .await;
    let mut slow = Vec::new();
    for _ in 0..200 {
        let mut tcp = tokio::net::TcpStream::connect(s.proxy.addr)
            .await
            .expect("tcp");
        tcp.write_all(b"GET /api/projects HTTP/1.1\r\nHost: x\r\n")
            .await
            .expect("write");
        slow.push(tcp);
    }
    let started = Instant::now();
    let token = s.user("usr_alice").access_token.clone();
    let probe = reqwest::Client::new()
        .get(format!("http://{}/api/projects", s.proxy.addr))
        .bearer_auth(&token)
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .expect("a real client is served");
    assert_eq!(probe.status(), 200);
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
    // the first slow connections were closed by the proxy
    let mut buf = [0u8; 64];
    let read = tokio::time::timeout(Duration::from_secs(3), slow[0].read(&mut buf)).await;
    assert!(
        matches!(read, Ok(Ok(_)) | Ok(Err(_))),
        "a slow client is still held"
    );
    drop(slow);
    let _ = s.finish().await;
}

/// An upstream that accepts connections and then says nothing (a stopped process).
async fn black_hole() -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((tcp, _)) = listener.accept().await {
            held.push(tcp);
        }
    });
    (addr, task)
}

/// An upstream that completes the WebSocket handshake and then never sends a frame.
async fn silent_websocket() -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let task = tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            tokio::spawn(async move {
                if let Ok(mut ws) = tokio_tungstenite::accept_async(tcp).await {
                    // read (so closes are answered) but never send anything of its own
                    while let Some(Ok(_)) = ws.next().await {}
                }
            });
        }
    });
    (addr, task)
}

/// Before: a stopped upstream hung handshakes and requests until it resumed.
#[tokio::test]
async fn a_stopped_upstream_is_answered_in_time() {
    let (addr, hole) = black_hole().await;
    let (config, _, dir) = config_for(format!("http://{addr}"), "stopped", |c| {
        c.timeouts.upstream_connect = Duration::from_millis(300);
        c.timeouts.upstream_response = Duration::from_millis(300);
    });
    let proxy = start(&timetracker::contract(), config)
        .await
        .expect("proxy");
    let started = Instant::now();
    match Client::try_connect(format!("ws://{}/ws", proxy.addr)).await {
        Err(ConnectError::Refused(status)) => assert_eq!(status, 503),
        other => panic!("expected 503, got {:?}", other.map(|_| ())),
    }
    let r = reqwest::Client::new()
        .get(format!("http://{}/api/projects", proxy.addr))
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .expect("the proxy answers");
    assert_eq!(r.status(), 503);
    let body: Value = r.json().await.expect("error body");
    assert_eq!(body["error"]["code"], "unavailable");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    let _ = proxy.shutdown().await;
    hole.abort();
    let _ = std::fs::remove_dir_all(dir);

    // a socket whose upstream stops answering is closed with 1011; an idle one with 1001
    let (addr, silent) = silent_websocket().await;
    let (config, _, dir) = config_for(format!("http://{addr}"), "silent", |c| {
        c.timeouts.upstream_response = Duration::from_millis(300);
        c.timeouts.idle = Duration::from_millis(800);
    });
    let proxy = start(&timetracker::contract(), config)
        .await
        .expect("proxy");
    let url = format!("ws://{}/ws", proxy.addr);
    let mut ws = Client::connect(&url).await;
    ws.send(json!({"id": "w1", "action": "projects.list", "payload": {}}))
        .await;
    assert_eq!(ws.close_code(Duration::from_secs(3)).await, Some(1011));
    let mut ws = Client::connect(&url).await;
    assert_eq!(ws.close_code(Duration::from_secs(3)).await, Some(1001));
    let _ = proxy.shutdown().await;
    silent.abort();
    let _ = std::fs::remove_dir_all(dir);
}

// ------------------------------------------------------------------ WebSocket semantics

/// Before: a client's close was never answered (1006), protocol errors dropped TCP without a
/// close frame, a client's ping got two pongs, and shutdown reset every socket.
#[tokio::test]
async fn every_ending_has_its_close_code() {
    let s = setup("closes", |_| {}).await;
    let q = format!("?token={}", s.user("usr_alice").access_token);

    let mut ws = s.connect(&q).await;
    ws.try_send_message(Message::Ping(bytes::Bytes::from_static(b"p1")))
        .await
        .expect("ping");
    let mut pongs = 0;
    while let Some(m) = ws.next_message(Duration::from_millis(500)).await {
        if matches!(m, Message::Pong(_)) {
            pongs += 1;
        }
    }
    assert_eq!(pongs, 1, "one pong per ping");
    ws.try_send_message(Message::Close(None))
        .await
        .expect("close");
    let answered = tokio::time::timeout(Duration::from_secs(3), ws.stream().next()).await;
    assert!(
        matches!(answered, Ok(Some(Ok(Message::Close(_))))),
        "the close is answered: {answered:?}"
    );

    let mut ws = s.connect(&q).await;
    let invalid = Frame::message(vec![0xffu8, 0xfe, 0xfd], OpCode::Data(Data::Text), true);
    ws.try_send_message(Message::Frame(invalid))
        .await
        .expect("send");
    assert_eq!(ws.close_code(Duration::from_secs(3)).await, Some(1007));

    let mut ws = s.connect(&q).await;
    let reserved = Frame::message(vec![1u8], OpCode::Data(Data::Reserved(3)), true);
    ws.try_send_message(Message::Frame(reserved))
        .await
        .expect("send");
    assert_eq!(ws.close_code(Duration::from_secs(3)).await, Some(1002));

    let mut ws = s.connect(&q).await;
    ws.send(json!({"id": "s1", "action": "projects.list", "payload": {}}))
        .await;
    assert!(ws.until(|v| v["id"] == "s1").await.is_some());
    let watcher = tokio::spawn(async move { ws.close_code(Duration::from_secs(5)).await });
    let (recording, _) = s.finish().await;
    assert_eq!(watcher.await.expect("joined"), Some(1001));
    for code in ["1007", "1002", "1001"] {
        assert!(
            recording.contains(&format!("\"code\":{code}")),
            "{code} recorded"
        );
    }
}

/// Before: the proxy answered 413 with `bad_request` (400 in the contract) and 502 with
/// `unavailable` (503 in the contract).
#[tokio::test]
async fn the_proxys_own_answers_follow_the_contract() {
    let s = setup("answers", |c| c.limits.max_body_bytes = 1024).await;
    let contract = timetracker::contract();
    let r = reqwest::Client::new()
        .post(format!("http://{}/api/projects", s.proxy.addr))
        .bearer_auth(&s.user("usr_alice").access_token)
        .body(format!("{{\"name\":\"{}\"}}", "n".repeat(4096)))
        .header("content-type", "application/json")
        .send()
        .await
        .expect("rest");
    let status = r.status().as_u16();
    let body: Value = r.json().await.expect("error body");
    let code = body["error"]["code"].as_str().expect("a code");
    assert_eq!(contract.errors[code].status, status, "{body}");
    let _ = s.finish().await;
}

/// Before: a client that stopped reading held its connection (and the proxy's buffers for it)
/// for ever. Now a message it does not take within the send time-out closes it with 1008.
#[tokio::test]
async fn a_client_that_stops_reading_is_closed() {
    let s = setup("stalled", |c| c.timeouts.send = Duration::from_millis(300)).await;
    let q = format!("?token={}", s.user("usr_alice").access_token);
    let mut ws = s.connect(&q).await;
    let text = "s".repeat(100_000);
    // ~12 MB of answers, more than the sockets' buffers on both sides hold; never read
    for i in 0..120 {
        let frame = json!({"id": format!("big{i}"), "action": "chat.send",
            "payload": {"room": "stall", "body": {"kind": "text", "text": text}}});
        if ws
            .try_send_message(Message::text(frame.to_string()))
            .await
            .is_err()
        {
            break;
        }
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    drop(ws);
    let (recording, _) = s.finish().await;
    assert!(
        recording.contains("\"code\":1008"),
        "the stalled client's close is recorded"
    );
    assert!(recording.contains("did not read"), "the reason says why");
}

/// Before: the socket path was compared by string equality, so a contract whose path is a
/// template (`/rooms/{room}/live`) could not be proxied at all.
#[tokio::test]
async fn a_templated_socket_path_is_bridged() {
    let (addr, silent) = silent_websocket().await;
    let mut contract = timetracker::contract();
    contract.transport.websocket.path = "/rooms/{room}/live".into();
    let (config, _, dir) = config_for(format!("http://{addr}"), "templated", |_| {});
    let proxy = start(&contract, config).await.expect("proxy");
    let ok = Client::try_connect(format!("ws://{}/rooms/r1/live", proxy.addr)).await;
    assert!(ok.is_ok(), "{:?}", ok.err());
    match Client::try_connect(format!("ws://{}/rooms/r1/other", proxy.addr)).await {
        Err(ConnectError::Refused(status)) => assert_eq!(status, 404),
        other => panic!("expected 404, got {:?}", other.map(|_| ())),
    }
    let _ = proxy.shutdown().await;
    silent.abort();
    let _ = std::fs::remove_dir_all(dir);
}

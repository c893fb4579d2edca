//! The proxy between real clients and the reference server: clean traffic validates clean and
//! is recorded without credentials; each fault that shows on the wire is reported live and
//! again by validating the recording.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

use frameproof_proxy::{start, ProxyConfig, RunningProxy};
use frameproof_test_kit::ws::{Client, ConnectError};
use frameproof_validator::{capture, Validator, Violation};
use timetracker::server::{Fault, RunningServer, ServerConfig};

struct Setup {
    server: RunningServer,
    proxy: RunningProxy,
    live: Arc<Mutex<Vec<Violation>>>,
    dir: PathBuf,
}

async fn setup(name: &str, faults: Vec<Fault>) -> Setup {
    let server = timetracker::server::start(ServerConfig {
        port: 0,
        faults,
        ..ServerConfig::default()
    })
    .await
    .expect("server");
    let live = Arc::new(Mutex::new(Vec::new()));
    let sink = live.clone();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("proxy")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let mut config = ProxyConfig::new(SocketAddr::from(([127, 0, 0, 1], 0)), server.http_url());
    config.record = Some(dir.clone());
    config.on_violation = Arc::new(move |v| sink.lock().expect("lock").push(v.clone()));
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

fn token(s: &Setup, user: &str) -> String {
    s.server.user(user).expect("seeded").access_token.clone()
}

async fn connect(s: &Setup, user: &str) -> Client {
    Client::connect(&format!(
        "ws://{}/ws?token={}",
        s.proxy.addr,
        token(s, user)
    ))
    .await
}

/// Sends a request; its answer (an id that starts with the request's: a fault may change it).
async fn request(ws: &mut Client, id: &str, action: &str, payload: Value) -> Value {
    ws.send_request(id, action, payload).await;
    ws.until(|v| v["id"].as_str().is_some_and(|x| x.starts_with(id)))
        .await
        .expect("an answer")
}

/// A session exercising requests, events, topics, errors, pings and REST.
async fn traffic(s: &Setup) {
    let mut alice = connect(s, "usr_alice").await;
    let mut bob = connect(s, "usr_bob").await;
    let mut carol = connect(s, "usr_carol").await;
    let projects = request(&mut alice, "r1", "projects.list", json!({})).await;
    let project = projects["data"][0]["id"]
        .as_str()
        .unwrap_or("proj_1")
        .to_owned();
    let tasks = request(
        &mut alice,
        "r2",
        "tasks.list",
        json!({"project_id": project}),
    )
    .await;
    let task = tasks["data"][0]["id"]
        .as_str()
        .unwrap_or("task_1")
        .to_owned();
    bob.send(json!({"type": "subscribe", "topics": [format!("task:{task}")]}))
        .await;
    bob.until(|v| v["type"] == "subscribed")
        .await
        .expect("subscribed");
    request(
        &mut alice,
        "r3",
        "time_entries.start",
        json!({"project_id": project, "description": "proxy test", "billable": true}),
    )
    .await;
    request(
        &mut alice,
        "r4",
        "tasks.update",
        json!({"id": task, "status": "done"}),
    )
    .await;
    bob.until(|v| v["event"] == "TaskUpdated")
        .await
        .expect("topic event through the proxy");
    request(&mut alice, "r5", "time_entries.stop", json!({})).await;
    request(
        &mut alice,
        "r6",
        "tasks.delete",
        json!({"id": "task_missing"}),
    )
    .await;
    alice.send(json!({"type": "ping"})).await;
    alice.until(|v| v["type"] == "pong").await;
    // carol acts in her own org, so her connection sees a tenant of its own
    let hers = request(&mut carol, "c1", "projects.list", json!({})).await;
    let her_project = hers["data"][0]["id"]
        .as_str()
        .unwrap_or("proj_4")
        .to_owned();
    request(
        &mut carol,
        "c2",
        "time_entries.start",
        json!({"project_id": her_project, "description": "globex", "billable": false}),
    )
    .await;
    carol.until(|v| v["event"] == "TimeEntryStarted").await;
    // REST through the proxy
    let http = reqwest::Client::new();
    let base = format!("http://{}/api", s.proxy.addr);
    let r = http
        .get(format!("{base}/projects"))
        .bearer_auth(token(s, "usr_alice"))
        .send()
        .await
        .expect("rest");
    assert_eq!(r.status(), 200);
    let r = http
        .get(format!("{base}/projects/proj_nope"))
        .bearer_auth(token(s, "usr_alice"))
        .send()
        .await
        .expect("rest");
    assert!(r.status().is_client_error());
    tokio::time::sleep(Duration::from_millis(200)).await;
    for ws in [&mut alice, &mut bob, &mut carol] {
        ws.close().await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
}

fn rules(vs: &[Violation]) -> Vec<&'static str> {
    let mut r: Vec<&'static str> = vs.iter().map(|v| v.rule.id()).collect();
    r.sort_unstable();
    r.dedup();
    r
}

async fn finish(s: Setup) -> (Vec<Violation>, Vec<Violation>, String) {
    let recording = s
        .proxy
        .shutdown()
        .await
        .expect("shutdown")
        .expect("a recording");
    s.server.shutdown().await;
    let live = s.live.lock().expect("lock").clone();
    let text = std::fs::read_to_string(&recording.path).expect("read recording");
    let validator = Validator::new(&timetracker::contract()).expect("compiles");
    let mut offline = Vec::new();
    capture::validate_transcript(&validator, text.as_bytes(), "recording", &mut |v| {
        offline.push(v)
    })
    .expect("readable");
    let _ = std::fs::remove_dir_all(&s.dir);
    (live, offline, text)
}

#[tokio::test]
async fn clean_traffic_validates_clean_and_is_recorded_without_secrets() {
    let s = setup("clean", vec![]).await;
    let secrets: Vec<String> = ["usr_alice", "usr_bob", "usr_carol"]
        .iter()
        .map(|u| token(&s, u))
        .collect();
    traffic(&s).await;
    let (live, offline, text) = finish(s).await;
    assert!(live.is_empty(), "{live:#?}");
    assert!(offline.is_empty(), "{offline:#?}");
    for secret in secrets {
        assert!(!text.contains(&secret), "a token leaked into the recording");
    }
    assert!(
        text.contains("$credential:c1"),
        "{}",
        &text[..text.len().min(400)]
    );
    assert!(text.lines().count() > 30, "{text}");
    assert!(text.contains("\"rest\""));
}

#[tokio::test]
async fn faults_on_the_wire_are_reported_live_and_in_the_recording() {
    let cases = [
        (Fault::ResponseShape, "response.schema"),
        (Fault::ResponseId, "session.unknown_response_id"),
        (Fault::UndeclaredError, "error.undeclared"),
        (Fault::RestStatus, "rest.status"),
        (Fault::CrossOrgLeak, "session.cross_tenant"),
        (Fault::NoPong, "session.unanswered_ping"),
        (Fault::RestErrorShape, "rest.error"),
    ];
    for (fault, rule) in cases {
        let s = setup(&format!("{fault:?}"), vec![fault]).await;
        traffic(&s).await;
        let (live, offline, _) = finish(s).await;
        assert!(
            rules(&live).contains(&rule),
            "{fault:?}: live {:?}",
            rules(&live)
        );
        assert!(
            rules(&offline).contains(&rule),
            "{fault:?}: recording {:?}",
            rules(&offline)
        );
    }
}

#[tokio::test]
async fn enforce_answers_invalid_frames_itself() {
    let server = timetracker::server::start(ServerConfig {
        port: 0,
        ..ServerConfig::default()
    })
    .await
    .expect("server");
    let mut config = ProxyConfig::new(SocketAddr::from(([127, 0, 0, 1], 0)), server.http_url());
    config.enforce = true;
    let proxy = start(&timetracker::contract(), config)
        .await
        .expect("proxy");
    let url = format!(
        "ws://{}/ws?token={}",
        proxy.addr,
        server.user("usr_alice").expect("alice").access_token
    );
    let mut ws = Client::connect(&url).await;
    ws.send(json!({"id": "bad1", "action": "tasks.update", "payload": {"id": "task_1", "status": "doing"}})).await;
    let answer = ws.until(|v| v["id"] == "bad1").await.expect("answer");
    assert_eq!(answer["status"], "error");
    assert_eq!(answer["error"]["code"], "validation_failed");
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("rejected by frameproof proxy"),
        "{answer}"
    );
    // a valid frame still reaches the server
    let ok = request(&mut ws, "good1", "projects.list", json!({})).await;
    assert_eq!(ok["status"], "ok");
    let _ = proxy.shutdown().await;
    server.shutdown().await;
}

#[tokio::test]
async fn handshake_refusals_and_a_dead_upstream_reach_the_client() {
    let server = timetracker::server::start(ServerConfig {
        port: 0,
        ..ServerConfig::default()
    })
    .await
    .expect("server");
    let proxy = start(
        &timetracker::contract(),
        ProxyConfig::new(SocketAddr::from(([127, 0, 0, 1], 0)), server.http_url()),
    )
    .await
    .expect("proxy");
    let bad = format!("ws://{}/ws?token=not-a-token", proxy.addr);
    match Client::try_connect(bad).await {
        Err(ConnectError::Refused(status)) => assert_eq!(status, 401),
        other => panic!("expected a 401 refusal, got {:?}", other.map(|_| ())),
    }
    let addr = proxy.addr;
    server.shutdown().await;
    let r = reqwest::get(format!("http://{addr}/api/projects"))
        .await
        .expect("the proxy answers");
    // the contract maps `unavailable` to 503: the proxy answers as the contract says
    assert_eq!(r.status(), 503);
    let body: Value = r.json().await.expect("a JSON error body");
    assert_eq!(body["error"]["code"], "unavailable");
    let _ = proxy.shutdown().await;
}

#[tokio::test]
async fn a_client_of_an_older_version_is_held_to_it() {
    let s = setup("version", vec![]).await;
    let url = format!(
        "ws://{}/ws?token={}&v=1.0",
        s.proxy.addr,
        token(&s, "usr_alice")
    );
    let mut ws = Client::connect(&url).await;
    request(&mut ws, "v1", "projects.list", json!({})).await;
    request(
        &mut ws,
        "v2",
        "projects.create",
        json!({"name": "Versioned", "hourly_rate": {"amount_cents": 1, "currency": "EUR"}}),
    )
    .await;
    ws.close().await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (live, offline, text) = finish(s).await;
    assert!(
        text.contains("\"version\":\"1.0.0\""),
        "the recording keeps the negotiated version"
    );
    for found in [&live, &offline] {
        let items: Vec<&str> = found
            .iter()
            .filter(|v| v.rule == "session.version")
            .filter_map(|v| v.item.as_deref())
            .collect();
        assert!(items.contains(&"projects.create"), "{found:#?}");
        assert!(!items.contains(&"projects.list"), "{found:#?}");
    }
}

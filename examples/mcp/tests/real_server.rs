//! A real MCP server no one here wrote: the reference server `@modelcontextprotocol/server-everything`
//! (npm, built on the official TypeScript SDK, pinned by `realservers/mcp/package-lock.json` and
//! installed by `scripts/test.sh`), over its streamable HTTP transport, started with its own
//! CLI (it answers every POST with a server-sent event stream). A session recorded through the
//! proxy, whose RPC endpoint is `/mcp`, validates against the MCP contract with no violation; a
//! tampered copy is rejected with a message naming what changed; conformance replays the
//! recording against a fresh server.

mod common;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use common::{everything_server, WAIT};

use serde_json::{json, Value};

use frameproof_conformance::{replay, ReplayOptions, Target, Transport};
use frameproof_proxy::{start, ProxyConfig};
use frameproof_validator::{capture, Validator, Violation};

/// One MCP session over HTTP: what a client does first and most.
struct Client {
    http: reqwest::Client,
    url: String,
    session: Option<String>,
}

impl Client {
    async fn post(&mut self, frame: Value) -> (u16, String) {
        let mut req = self
            .http
            .post(&self.url)
            .header("accept", "application/json, text/event-stream")
            .header("content-type", "application/json")
            .body(frame.to_string());
        if let Some(s) = &self.session {
            req = req
                .header("mcp-session-id", s)
                .header("mcp-protocol-version", "2025-11-25");
        }
        let r = req.send().await.expect("POST");
        if let Some(s) = r
            .headers()
            .get("mcp-session-id")
            .and_then(|v| v.to_str().ok())
        {
            self.session = Some(s.to_owned());
        }
        let status = r.status().as_u16();
        (status, r.text().await.expect("a body"))
    }
}

async fn record_session(dir: &Path) -> PathBuf {
    let server = everything_server();
    let upstream = format!("http://127.0.0.1:{}", server.port);
    let mut config = ProxyConfig::new(SocketAddr::from(([127, 0, 0, 1], 0)), upstream);
    config.record = Some(dir.to_path_buf());
    let proxy = start(&mcp_example::contract(), config)
        .await
        .expect("the proxy starts");
    let mut client = Client {
        http: reqwest::Client::builder()
            .timeout(WAIT)
            .build()
            .expect("client"),
        url: format!("http://{}/mcp", proxy.addr),
        session: None,
    };
    let (status, body) = client
        .post(
            json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {},
            "clientInfo": {"name": "frameproof-tests", "version": "0.1.0"}}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(client.session.is_some(), "no session id handed out");
    let (status, _) = client
        .post(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
        .await;
    assert_eq!(status, 202);
    for (id, method, params) in [
        (2, "tools/list", json!({})),
        (
            3,
            "tools/call",
            json!({"name": "echo", "arguments": {"message": "hello frameproof"}}),
        ),
        (
            4,
            "tools/call",
            json!({"name": "get-sum", "arguments": {"a": 2, "b": 3}}),
        ),
        (5, "resources/list", json!({})),
        (
            6,
            "resources/read",
            json!({"uri": "demo://resource/static/document/architecture.md"}),
        ),
        (7, "prompts/list", json!({})),
        (8, "resources/templates/list", json!({})),
    ] {
        let (status, body) = client
            .post(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
        assert_eq!(status, 200, "{method}: {body}");
    }
    let (status, _) = client
        .post(json!({"jsonrpc": "2.0", "id": "p-9", "method": "ping"}))
        .await;
    assert_eq!(status, 200);
    // a long-running tool reports progress on the same stream before its result
    let (status, body) = client
        .post(
            json!({"jsonrpc": "2.0", "id": 10, "method": "tools/call", "params": {
            "name": "trigger-long-running-operation", "arguments": {"duration": 1, "steps": 2},
            "_meta": {"progressToken": "tok-1"}}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("notifications/progress"), "{body}");
    let recording = proxy
        .shutdown()
        .await
        .expect("shutdown")
        .expect("a recording");
    drop(server);
    recording.path
}

fn validate(path: &Path) -> (capture::Stats, Vec<Violation>) {
    let validator = Validator::new(&mcp_example::contract()).expect("compiles");
    frameproof_test_kit::validate_recording(&validator, path)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_with_the_reference_server_validates_and_a_tampered_copy_does_not() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("mcp-everything");
    let _ = std::fs::remove_dir_all(&dir);
    let path = record_session(&dir).await;
    let text = std::fs::read_to_string(&path).expect("read");
    let (stats, found) = validate(&path);
    eprintln!(
        "MCP reference server: {} frame(s) in {} exchange(s) recorded, {} violation(s)",
        stats.frames,
        stats.connections,
        found.len()
    );
    assert!(
        found.is_empty(),
        "false positives on a real server's traffic: {found:#?}"
    );
    assert_eq!(stats.connections, 11, "{text}");
    assert!(text.contains("notifications/progress"), "{text}");

    // tampered: a tool without its name, a result without its content
    let tampered: String = text
        .lines()
        .map(|l| {
            let Ok(mut v) = serde_json::from_str::<Value>(l) else {
                return l.to_owned();
            };
            let Some(frame) = v.get_mut("frame") else {
                return l.to_owned();
            };
            if let Some(tools) = frame
                .pointer_mut("/result/tools")
                .and_then(Value::as_array_mut)
            {
                if let Some(first) = tools.first_mut().and_then(Value::as_object_mut) {
                    first.remove("name");
                }
            }
            if frame["id"] == json!(3) {
                if let Some(result) = frame.get_mut("result").and_then(Value::as_object_mut) {
                    result.remove("content");
                }
            }
            v.to_string()
        })
        .collect::<Vec<_>>()
        .join("\n");
    let copy = dir.join("tampered.jsonl");
    std::fs::write(&copy, tampered).expect("write");
    let (_, found) = validate(&copy);
    let said: Vec<String> = found
        .iter()
        .map(|v| {
            format!(
                "{} {} {} {}",
                v.rule,
                v.item.clone().unwrap_or_default(),
                v.pointer,
                v.message
            )
        })
        .collect();
    eprintln!("tampered copy: {said:#?}");
    assert!(
        said.iter().any(
            |s| s.starts_with("response.schema tools/list /result/tools/0") && s.contains("name")
        ),
        "{said:#?}"
    );
    assert!(
        said.iter()
            .any(|s| s.starts_with("response.schema tools/call /result") && s.contains("content")),
        "{said:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conformance_replays_the_recording_against_a_fresh_server() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("mcp-everything-replay");
    let _ = std::fs::remove_dir_all(&dir);
    let path = record_session(&dir).await;
    let text = std::fs::read_to_string(&path).expect("read");
    let server = everything_server();
    let target = Target {
        ws_url: format!("ws://127.0.0.1:{}/mcp", server.port),
        http_url: format!("http://127.0.0.1:{}", server.port),
    };
    let report = replay(
        &mcp_example::contract(),
        "mcp-everything",
        &text,
        &target,
        Transport::Rest,
        &ReplayOptions::default(),
    )
    .await;
    let failures: Vec<String> = report.failures().map(|f| format!("{f:?}")).collect();
    eprintln!(
        "replay over the RPC endpoint: {} step(s), {} failed",
        report.steps.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(report.steps.len() >= 11, "{:?}", report.steps);
    // a recording whose echo says something else is one the server no longer meets
    let edited = text.replace("Echo: hello frameproof", "Echo: goodbye");
    assert_ne!(edited, text);
    let report = replay(
        &mcp_example::contract(),
        "mcp-everything-edited",
        &edited,
        &target,
        Transport::Rest,
        &ReplayOptions::default(),
    )
    .await;
    drop(server);
    let failures: Vec<String> = report.failures().map(|f| format!("{f:?}")).collect();
    assert_eq!(failures.len(), 1, "{failures:#?}");
    assert!(failures[0].contains("goodbye"), "{failures:#?}");
}

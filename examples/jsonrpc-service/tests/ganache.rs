//! A real JSON-RPC server no one here wrote: ganache (npm, pinned by
//! `realservers/jsonrpc/package-lock.json`, installed by `scripts/test.sh`), which serves
//! JSON-RPC 2.0 over WebSocket and HTTP on one port. Traffic recorded through the proxy over
//! both transports validates against the `eth_node` contract with no violation; a tampered
//! copy of the recording is rejected with a message naming what changed.

mod common;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use common::{ganache, WAIT};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use frameproof_conformance::{replay, ReplayOptions, Target, Transport};
use frameproof_proxy::{start, ProxyConfig};
use frameproof_validator::{capture, Validator, Violation};

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn send(ws: &mut Ws, frame: Value) {
    ws.send(Message::text(frame.to_string()))
        .await
        .expect("send");
}

/// Reads frames until one answers `id`; returns it and the notifications seen meanwhile.
async fn answer(ws: &mut Ws, id: &Value) -> (Value, Vec<Value>) {
    let mut seen = Vec::new();
    loop {
        let next = tokio::time::timeout(WAIT, ws.next())
            .await
            .expect("in time");
        let Some(Ok(Message::Text(text))) = next else {
            panic!("the socket ended: {next:?}");
        };
        let frame: Value = serde_json::from_str(text.as_str()).expect("JSON");
        if frame.get("id") == Some(id) || frame.as_array().is_some() {
            return (frame, seen);
        }
        seen.push(frame);
    }
}

async fn record_session(dir: &Path) -> PathBuf {
    let server = ganache();
    let upstream = format!("http://127.0.0.1:{}", server.port);
    let mut config = ProxyConfig::new(SocketAddr::from(([127, 0, 0, 1], 0)), upstream);
    config.record = Some(dir.to_path_buf());
    let proxy = start(&jsonrpc_service::eth_node::contract(), config)
        .await
        .expect("the proxy starts");
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{}/", proxy.addr))
        .await
        .expect("the socket opens through the proxy");
    send(
        &mut ws,
        json!({"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []}),
    )
    .await;
    assert_eq!(answer(&mut ws, &json!(1)).await.0["result"], "0x539");
    send(
        &mut ws,
        json!({"jsonrpc": "2.0", "id": "s1", "method": "eth_subscribe", "params": ["newHeads"]}),
    )
    .await;
    let (subscribed, _) = answer(&mut ws, &json!("s1")).await;
    let sub = subscribed["result"].clone();
    let mut notices: Vec<Value> = Vec::new();
    for i in 0..3 {
        let id = json!(format!("m{i}"));
        send(
            &mut ws,
            json!({"jsonrpc": "2.0", "id": id, "method": "evm_mine", "params": []}),
        )
        .await;
        notices.extend(answer(&mut ws, &id).await.1);
    }
    send(
        &mut ws,
        json!([
            {"jsonrpc": "2.0", "id": 10, "method": "eth_blockNumber", "params": []},
            {"jsonrpc": "2.0", "id": 11, "method": "net_version", "params": []},
            {"jsonrpc": "2.0", "id": 12, "method": "eth_getBalance",
             "params": ["0x90f8bf6a479f320ead074411a4b0e7944ea8c9c1", "latest"]}
        ]),
    )
    .await;
    let (batch, more) = answer(&mut ws, &json!(null)).await;
    notices.extend(more);
    assert_eq!(batch.as_array().map(Vec::len), Some(3), "{batch}");
    send(
        &mut ws,
        json!({"jsonrpc": "2.0", "id": 20, "method": "eth_unsubscribe", "params": [sub]}),
    )
    .await;
    let (ended, more) = answer(&mut ws, &json!(20)).await;
    notices.extend(more);
    assert_eq!(ended["result"], true);
    ws.close(None).await.expect("close");

    // the same node over HTTP: one call, one batch
    let http = reqwest::Client::builder()
        .timeout(WAIT)
        .build()
        .expect("client");
    let url = format!("http://{}/", proxy.addr);
    let one: Value = http
        .post(&url)
        .json(&json!({"jsonrpc": "2.0", "id": 30, "method": "eth_blockNumber", "params": []}))
        .send()
        .await
        .expect("POST")
        .json()
        .await
        .expect("JSON");
    assert!(
        one["result"].as_str().is_some_and(|r| r.starts_with("0x")),
        "{one}"
    );
    let batch: Value = http
        .post(&url)
        .json(&json!([
            {"jsonrpc": "2.0", "id": 31, "method": "eth_chainId", "params": []},
            {"jsonrpc": "2.0", "id": "32", "method": "net_version", "params": []}
        ]))
        .send()
        .await
        .expect("POST")
        .json()
        .await
        .expect("JSON");
    assert_eq!(batch.as_array().map(Vec::len), Some(2), "{batch}");
    let recording = proxy
        .shutdown()
        .await
        .expect("shutdown")
        .expect("a recording");
    drop(server);
    recording.path
}

fn validate(path: &Path) -> (capture::Stats, Vec<Violation>) {
    let validator = Validator::new(&jsonrpc_service::eth_node::contract()).expect("compiles");
    frameproof_test_kit::validate_recording(&validator, path)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ganache_traffic_through_the_proxy_validates_and_a_tampered_copy_does_not() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("ganache");
    let _ = std::fs::remove_dir_all(&dir);
    let path = record_session(&dir).await;
    let (stats, found) = validate(&path);
    let text = std::fs::read_to_string(&path).expect("read");
    eprintln!(
        "ganache: {} frame(s) on {} connection(s) recorded, {} violation(s)",
        stats.frames,
        stats.connections,
        found.len()
    );
    assert!(
        found.is_empty(),
        "false positives on a real server's traffic: {found:#?}"
    );
    // one WebSocket connection and two exchanges with the RPC endpoint
    assert_eq!(stats.connections, 3, "{text}");
    assert!(stats.frames >= 14, "{} frames:\n{text}", stats.frames);
    assert!(
        text.contains("eth_subscription"),
        "no subscription notice was recorded:\n{text}"
    );

    // tampered: a notice for a subscription never handed out, and a result of the wrong type
    let tampered: String = text
        .lines()
        .map(|l| {
            if l.contains("eth_subscription") {
                let v: Value = serde_json::from_str(l).expect("a record");
                let mut v = v;
                v["frame"]["params"]["subscription"] = json!("0xdead");
                v.to_string()
            } else {
                l.replace("\"result\":\"0x539\"", "\"result\":1337")
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let copy = dir.join("tampered.jsonl");
    std::fs::write(&copy, tampered).expect("write");
    let (_, found) = validate(&copy);
    let said: Vec<String> = found
        .iter()
        .map(|v| format!("{} {} {}", v.rule, v.pointer, v.message))
        .collect();
    eprintln!("tampered copy: {said:#?}");
    assert!(
        said.iter()
            .any(|s| s.starts_with("session.unknown_subscription") && s.contains("0xdead")),
        "{said:#?}"
    );
    assert!(
        said.iter()
            .any(|s| s.starts_with("response.schema /result")),
        "{said:#?}"
    );
}

/// Replays a recording against a fresh node over one transport; the failures, as text.
async fn replay_on_fresh_node(name: &str, text: &str, transport: Transport) -> Vec<String> {
    let server = ganache();
    let target = Target {
        ws_url: format!("ws://127.0.0.1:{}/", server.port),
        http_url: format!("http://127.0.0.1:{}", server.port),
    };
    let contract = jsonrpc_service::eth_node::contract();
    let report = replay(
        &contract,
        name,
        text,
        &target,
        transport,
        &ReplayOptions::default(),
    )
    .await;
    drop(server);
    eprintln!(
        "replay of {name} over {}: {} step(s), {} failed",
        transport.name(),
        report.steps.len(),
        report.failures().count()
    );
    report.failures().map(|f| format!("{f:?}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recording_replays_over_the_socket_and_over_the_rpc_endpoint() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("ganache-replay");
    let _ = std::fs::remove_dir_all(&dir);
    let path = record_session(&dir).await;
    let text = std::fs::read_to_string(&path).expect("read");
    // over the socket, as recorded: the same answers, the same notices
    let failures = replay_on_fresh_node("ganache", &text, Transport::WebSocket).await;
    assert!(failures.is_empty(), "{failures:#?}");
    // over HTTP, the socket's calls go to the RPC endpoint: the node answers them alike, but it
    // does not serve subscriptions there (EIP-1474 -32004), and conformance says so
    let failures = replay_on_fresh_node("ganache", &text, Transport::Rest).await;
    // every difference is the subscription's: eth_subscribe refused (-32004), its three notices
    // missing, and eth_unsubscribe answering `false` for a subscription that never was
    let about_subscription = |f: &String| {
        f.contains("-32004") || f.contains("event `eth_subscription`") || f.contains("response 20")
    };
    assert_eq!(failures.len(), 5, "{failures:#?}");
    assert!(failures.iter().all(about_subscription), "{failures:#?}");
}

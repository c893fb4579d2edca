//! Replays a 10,000-step transcript against the in-process reference server and reports how
//! much of the time is frameproof's own overhead versus waiting for the server.
//! `cargo run --release -p frameproof-conformance --example replay-bench -- [STEPS]`

use std::time::{Duration, Instant};

use serde_json::json;

use frameproof_conformance::{replay, Credentials, ReplayOptions, Target, Transport};
use timetracker::server::ServerConfig;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let steps: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let mut lines = vec![json!({
        "frameproof_transcript": "1.0",
        "contract": {"name": "trcr", "version": "1.2.0"},
        "connections": [{"id": "alice", "role": "actor", "org": "org_acme", "credentials": {"token": "$credential:alice"}}]
    })
    .to_string()];
    // half requests, half responses: projects.get answers are deterministic
    for i in 0..steps / 2 {
        let id = format!("r{i}");
        lines.push(json!({"conn": "alice", "dir": "client", "frame": {"id": id, "action": "projects.get", "payload": {"id": "proj_missing"}}}).to_string());
        lines.push(json!({"conn": "alice", "dir": "server", "frame": {"id": id, "status": "error", "error": {"code": "not_found", "message": "no project proj_missing"}}}).to_string());
    }
    let text = lines.join("\n") + "\n";
    let server = timetracker::server::start(ServerConfig {
        port: 0,
        fixed_credentials: true,
        ..ServerConfig::default()
    })
    .await
    .expect("server");
    let mut credentials = Credentials::new();
    credentials.insert("alice", "at_fixed_usr_alice");
    let options = ReplayOptions {
        credentials,
        grace: Duration::from_millis(50),
        ..ReplayOptions::default()
    };
    let target = Target {
        ws_url: server.ws_url(),
        http_url: server.http_url(),
    };
    let contract = timetracker::contract();
    for transport in [Transport::WebSocket, Transport::Rest] {
        let started = Instant::now();
        let report = replay(&contract, "bench", &text, &target, transport, &options).await;
        let total = started.elapsed();
        let own = total.saturating_sub(report.waiting);
        if !report.passed() {
            let human = frameproof_conformance::report::human(std::slice::from_ref(&report));
            eprintln!("{}", human.lines().take(8).collect::<Vec<_>>().join("\n"));
        }
        println!(
            "{}: {} steps, passed {}, total {:.2} s, waiting for the server {:.2} s, frameproof's own {:.2} s ({:.1} µs per step)",
            transport.name(),
            steps,
            report.passed(),
            total.as_secs_f64(),
            report.waiting.as_secs_f64(),
            own.as_secs_f64(),
            own.as_secs_f64() * 1e6 / steps as f64
        );
    }
    server.shutdown().await;
}

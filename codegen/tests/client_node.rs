//! The generated client against the reference server, in Node: `tests/node/client.test.mjs`
//! (`node:test`) runs the compiled client over the WebSocket, with the WebSocket blocked (REST
//! fallback), through a TCP proxy that drops connections (reconnect, re-subscribe), against a
//! server with short-lived tokens (TokenExpired → REST refresh → `auth` on the same socket), and
//! in `--bigint` mode (int64 values exact over both transports).

mod common;

use std::time::Duration;

use frameproof_codegen::Int64Mode;
use timetracker::server::{start, RunningServer, ServerConfig};

fn env_of(prefix: &str, server: &RunningServer) -> Vec<(String, String)> {
    let mut env = vec![
        (format!("{prefix}HTTP_URL"), server.http_url()),
        (format!("{prefix}WS_URL"), server.ws_url()),
    ];
    for user in server.users() {
        let name = user.user_id.trim_start_matches("usr_").to_ascii_uppercase();
        env.push((format!("{prefix}{name}_TOKEN"), user.access_token.clone()));
        env.push((
            format!("{prefix}{name}_REFRESH"),
            user.refresh_token.clone(),
        ));
    }
    env
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_client_against_the_reference_server() {
    common::ensure_node();
    let root = common::fresh_dir("client-node");
    let plain = root.join("gen");
    let bigint = root.join("gen-bigint");
    {
        let (plain, bigint) = (plain.clone(), bigint.clone());
        tokio::task::spawn_blocking(move || {
            common::compile_client(&plain, Int64Mode::Number);
            common::compile_client(&bigint, Int64Mode::BigInt);
        })
        .await
        .unwrap_or_else(|e| panic!("compiling the client: {e}"));
    }

    let server = start(ServerConfig {
        port: 0,
        // fast server pings: the client must answer them (WebSocket level) to stay connected
        heartbeat_interval: Duration::from_millis(200),
        heartbeat_timeout: Duration::from_millis(1000),
        ..ServerConfig::default()
    })
    .await
    .unwrap_or_else(|e| panic!("start the reference server: {e}"));
    let short = start(ServerConfig {
        port: 0,
        token_ttl: Duration::from_secs(3),
        ..ServerConfig::default()
    })
    .await
    .unwrap_or_else(|e| panic!("start the short-token server: {e}"));

    let mut env = env_of("FP_", &server);
    env.extend(env_of("FP_SHORT_", &short));
    env.push(("FP_GEN".into(), plain.join("out").display().to_string()));
    env.push((
        "FP_GEN_BIGINT".into(),
        bigint.join("out").display().to_string(),
    ));

    let out = tokio::task::spawn_blocking(move || {
        let env: Vec<(&str, String)> = env.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        let mut cmd = std::process::Command::new("node");
        cmd.args([
            "--test",
            "--test-reporter=spec",
            "--test-concurrency=1",
            "--test-timeout=60000",
        ])
        .arg(common::node_dir().join("client.test.mjs"))
        .current_dir(common::node_dir());
        for (k, v) in env {
            cmd.env(k, v);
        }
        common::run(&mut cmd, "node --test client.test.mjs")
    })
    .await
    .unwrap_or_else(|e| panic!("running node: {e}"));
    let report = String::from_utf8_lossy(&out.stdout);
    println!("{report}");
    assert!(
        report.contains("ℹ fail 0"),
        "node:test reported failures:\n{report}"
    );
    assert!(
        report.contains("ℹ pass 12"),
        "node:test did not run the 12 client tests:\n{report}"
    );

    server.shutdown().await;
    short.shutdown().await;
}

//! The generated client in a real browser: headless Chromium (Debian's `chromium`, driven by
//! `playwright-core`) loads a page served by a tiny same-origin Node server that proxies `/api`
//! and `/ws` to the reference server (started here, in process). The page uses the compiled
//! client with the browser's own WebSocket and fetch: an action over the WebSocket, the
//! broadcast seen by another connection, a topic event after `subscribe`, a typed error, and
//! the REST fallback when its socket URL refuses.

mod common;

use frameproof_codegen::Int64Mode;
use timetracker::server::{start, ServerConfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_client_in_headless_chromium() {
    let chromium = common::chromium();
    common::ensure_node();
    let dir = common::fresh_dir("browser-client");
    {
        let dir = dir.clone();
        tokio::task::spawn_blocking(move || common::compile_client(&dir, Int64Mode::Number))
            .await
            .unwrap_or_else(|e| panic!("compiling the client: {e}"));
    }
    let server = start(ServerConfig {
        port: 0,
        ..ServerConfig::default()
    })
    .await
    .unwrap_or_else(|e| panic!("start the reference server: {e}"));
    let token = |id: &str| {
        server
            .user(id)
            .map(|u| u.access_token.clone())
            .unwrap_or_else(|| panic!("no seeded {id}"))
    };
    let env = vec![
        ("FP_HTTP_URL", server.http_url()),
        ("FP_ALICE_TOKEN", token("usr_alice")),
        ("FP_BOB_TOKEN", token("usr_bob")),
        ("FP_GEN", dir.join("out").display().to_string()),
        ("FP_CHROMIUM", chromium.display().to_string()),
    ];
    let out =
        tokio::task::spawn_blocking(move || common::node_script("browser-client.mjs", &[], &env))
            .await
            .unwrap_or_else(|e| panic!("running node: {e}"));
    let report = String::from_utf8_lossy(&out.stdout);
    println!("{report}");
    assert!(report.contains("\"failures\": []"), "{report}");
    server.shutdown().await;
}

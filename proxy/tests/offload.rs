//! Validation that takes long runs off the threads that forward other connections. In a file
//! of its own, so no other test competes for the 2 cores while it measures.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio_tungstenite::tungstenite::Message;

use frameproof_proxy::{start, ProxyConfig};
use frameproof_test_kit::ws::Client;
use timetracker::server::ServerConfig;

/// The round trip of one WebSocket ping.
async fn pong(ws: &mut Client) -> Duration {
    let t = Instant::now();
    ws.try_send_message(Message::Ping(bytes::Bytes::from_static(b"light")))
        .await
        .expect("ping");
    while let Some(m) = ws.next_message(Duration::from_secs(10)).await {
        if matches!(m, Message::Pong(_)) {
            break;
        }
    }
    t.elapsed()
}

/// Before: a frame that is expensive to validate was checked on the runtime threads, and every
/// other connection waited for it (two 10.9 MB frames delayed another client by 10 s). Here the
/// proxy gets one runtime thread; the server runs on a runtime of its own.
#[test]
fn an_expensive_frame_does_not_hold_up_other_connections() {
    use std::sync::mpsc;
    // the server, on its own threads
    let (server_tx, server_rx) = mpsc::channel();
    let (stop_server, server_stopped) = tokio::sync::oneshot::channel::<()>();
    let server_thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        rt.block_on(async move {
            let s = timetracker::server::start(ServerConfig {
                port: 0,
                ..ServerConfig::default()
            })
            .await
            .expect("server");
            let token = s.user("usr_alice").expect("seeded").access_token.clone();
            server_tx.send((s.http_url(), token)).expect("send");
            let _ = server_stopped.await;
            s.shutdown().await;
        });
    });
    let (upstream, token) = server_rx.recv().expect("server started");
    // the proxy, on one runtime thread
    let (proxy_tx, proxy_rx) = mpsc::channel();
    let (stop_proxy, proxy_stopped) = tokio::sync::oneshot::channel::<()>();
    let proxy_thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let mut config = ProxyConfig::new(SocketAddr::from(([127, 0, 0, 1], 0)), upstream);
            config.on_violation = Arc::new(|_| {});
            let proxy = start(&timetracker::contract(), config)
                .await
                .expect("proxy");
            proxy_tx.send(proxy.addr).expect("send");
            let _ = proxy_stopped.await;
            let _ = proxy.shutdown().await;
        });
    });
    let addr = proxy_rx.recv().expect("proxy started");

    // a chat message with 60,000 members the schema does not allow: slow to check
    let mut members = String::new();
    for i in 0..60_000 {
        members.push_str(&format!(",\"k{i}\":{i}"));
    }
    let heavy = format!(
        r#"{{"id":"heavy","action":"chat.send","payload":{{"room":"r","body":{{"kind":"text","text":"x"}}{members}}}}}"#
    );
    assert!(heavy.len() < 1_000_000, "within the contract's limit");
    let validator =
        frameproof_validator::Validator::new(&timetracker::contract()).expect("compiles");
    let started = Instant::now();
    let found = validator
        .session()
        .observe(frameproof_validator::Direction::Client, heavy.as_bytes());
    let check_time = started.elapsed();
    assert!(!found.is_empty(), "the frame breaks the contract");

    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let worst = rt.block_on(async {
        let url = format!("ws://{addr}/ws?token={token}");
        // the heavy frames (33 MB) are not kept in a log
        let mut heavy_ws = Client::connect(&url).await.without_log();
        let mut light = Client::connect(&url).await;
        // WebSocket pings are answered by the proxy's own leg: their round trip is how long the
        // proxy's one runtime thread takes to get to this connection (the server, busy with
        // the heavy frames too, plays no part in it)
        pong(&mut light).await;
        for _ in 0..3 {
            heavy_ws
                .try_send_message(Message::text(heavy.clone()))
                .await
                .expect("send");
        }
        let mut worst = Duration::ZERO;
        let until_done = Instant::now() + check_time * 3;
        while Instant::now() < until_done {
            worst = worst.max(pong(&mut light).await);
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        worst
    });
    let _ = stop_proxy.send(());
    let _ = stop_server.send(());
    let _ = proxy_thread.join();
    let _ = server_thread.join();
    assert!(
        check_time > Duration::from_millis(100),
        "the frame must be expensive to check for this test to mean anything ({check_time:?})"
    );
    assert!(
        worst < check_time / 2,
        "another connection waited {worst:?} while a frame that takes {check_time:?} to check was checked"
    );
}

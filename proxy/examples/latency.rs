//! The proxy's added latency on loopback: round trips of an application ping → pong, direct to
//! the reference server and through the proxy, interleaved so both see the same machine load.
//! `cargo run --release -p frameproof-proxy --example latency -- [ROUND_TRIPS]`

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

use frameproof_proxy::{start, ProxyConfig};
use timetracker::server::ServerConfig;

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn round_trip(ws: &mut Ws) -> Duration {
    let start = Instant::now();
    let _ = ws.send(Message::text(r#"{"type":"ping"}"#)).await;
    while let Some(Ok(m)) = ws.next().await {
        if let Message::Text(t) = m {
            if t.as_str().contains("pong") {
                break;
            }
        }
    }
    start.elapsed()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
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
    let token = server.users()[0].access_token.clone();
    let (mut direct, _) =
        tokio_tungstenite::connect_async(format!("{}?token={token}", server.ws_url()))
            .await
            .expect("direct");
    let (mut proxied, _) =
        tokio_tungstenite::connect_async(format!("ws://{}/ws?token={token}", proxy.addr))
            .await
            .expect("proxied");
    for _ in 0..500 {
        round_trip(&mut direct).await;
        round_trip(&mut proxied).await;
    }
    let mut d = Vec::with_capacity(n);
    let mut p = Vec::with_capacity(n);
    for _ in 0..n {
        d.push(round_trip(&mut direct).await);
        p.push(round_trip(&mut proxied).await);
    }
    d.sort();
    p.sort();
    let us = |x: Duration| x.as_secs_f64() * 1e6;
    println!("round trips: {n} each, interleaved");
    for (name, q) in [("p50", 0.5), ("p90", 0.9), ("p99", 0.99)] {
        let (a, b) = (percentile(&d, q), percentile(&p, q));
        println!(
            "{name}: direct {:.1} µs, through the proxy {:.1} µs, added {:.1} µs",
            us(a),
            us(b),
            us(b) - us(a)
        );
    }
    let _ = proxy.shutdown().await;
    server.shutdown().await;
}

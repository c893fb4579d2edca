//! Load for `scripts/bench-proxy.sh`: many WebSocket clients against one URL (the reference
//! server directly, or the proxy in front of it), each bounded in count and time.
//!
//! ```text
//! load saturate URL CLIENTS SECONDS       closed loop: each client sends the next request
//!                                         when the last is answered; prints requests/s, p50, p99
//! load paced URL CLIENTS SECONDS RATE     open loop at RATE requests/s in all (below saturation)
//! load large URL CLIENTS BYTES HOLD_SECS  each client sends one chat message of BYTES (answered
//!                                         with its echo, as large), then all stay idle HOLD_SECS
//! ```
//! URL carries the token (`ws://127.0.0.1:9000/ws?token=at_fixed_usr_alice`).

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(url: &str) -> Option<Ws> {
    for _ in 0..50 {
        if let Ok(Ok((ws, _))) = tokio::time::timeout(
            Duration::from_secs(10),
            tokio_tungstenite::connect_async(url),
        )
        .await
        {
            return Some(ws);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}

/// Sends one request and waits (at most 10 s) for the answer with its id.
async fn request(ws: &mut Ws, id: &str, action: &str, payload: Value) -> Option<Duration> {
    let started = Instant::now();
    let frame = json!({"id": id, "action": action, "payload": payload}).to_string();
    ws.send(Message::text(frame)).await.ok()?;
    let deadline = started + Duration::from_secs(10);
    loop {
        let left = deadline.checked_duration_since(Instant::now())?;
        match tokio::time::timeout(left, ws.next()).await.ok()?? {
            Ok(Message::Text(t)) if t.as_str().contains(&format!("\"id\":\"{id}\"")) => {
                return Some(started.elapsed())
            }
            Ok(Message::Close(_)) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn report(label: &str, mut latencies: Vec<Duration>, elapsed: Duration, failed: usize) {
    latencies.sort_unstable();
    let n = latencies.len();
    println!(
        "{label}: {n} requests in {:.2} s = {:.0} requests/s, p50 {:.0} us, p99 {:.0} us, {failed} failed",
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64(),
        percentile(&latencies, 0.50).as_secs_f64() * 1e6,
        percentile(&latencies, 0.99).as_secs_f64() * 1e6,
    );
}

async fn open_all(url: &str, clients: usize) -> Vec<Ws> {
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let url = url.to_owned();
        tasks.push(tokio::spawn(async move { connect(&url).await }));
    }
    let mut out = Vec::new();
    for t in tasks {
        if let Ok(Some(ws)) = t.await {
            out.push(ws);
        }
    }
    out
}

/// Runs every client's loop until `until`; each returns its latencies and failures.
async fn drive<F, Fut>(sockets: Vec<Ws>, until: Instant, each: F) -> (Vec<Duration>, usize)
where
    F: Fn(usize, Ws, Instant) -> Fut,
    Fut: std::future::Future<Output = (Vec<Duration>, usize)> + Send + 'static,
{
    let tasks: Vec<_> = sockets
        .into_iter()
        .enumerate()
        .map(|(n, ws)| tokio::spawn(each(n, ws, until)))
        .collect();
    let mut all = Vec::new();
    let mut failed = 0;
    for t in tasks {
        if let Ok((l, f)) = t.await {
            all.extend(l);
            failed += f;
        }
    }
    (all, failed)
}

async fn saturate(url: &str, clients: usize, seconds: u64) {
    let sockets = open_all(url, clients).await;
    let opened = sockets.len();
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let (latencies, failed) = drive(sockets, until, |n, mut ws, until| async move {
        let (mut out, mut failed) = (Vec::new(), 0);
        let mut i = 0u64;
        while Instant::now() < until {
            i += 1;
            match request(&mut ws, &format!("s{n}-{i}"), "projects.list", json!({})).await {
                Some(d) => out.push(d),
                None => {
                    failed += 1;
                    break;
                }
            }
        }
        let _ = ws.close(None).await;
        (out, failed)
    })
    .await;
    report(
        &format!("saturate {opened} clients"),
        latencies,
        started.elapsed(),
        failed,
    );
}

async fn paced(url: &str, clients: usize, seconds: u64, rate: f64) {
    let sockets = open_all(url, clients).await;
    let opened = sockets.len().max(1);
    let interval = Duration::from_secs_f64(opened as f64 / rate.max(1.0));
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let (latencies, failed) = drive(sockets, until, move |n, mut ws, until| async move {
        let (mut out, mut failed) = (Vec::new(), 0);
        // spread the clients' first requests over one interval
        let offset = interval.mul_f64(n as f64 / opened as f64);
        tokio::time::sleep(offset).await;
        let mut tick = tokio::time::interval(interval);
        let mut i = 0u64;
        while Instant::now() < until {
            tick.tick().await;
            i += 1;
            match request(&mut ws, &format!("p{n}-{i}"), "projects.list", json!({})).await {
                Some(d) => out.push(d),
                None => failed += 1,
            }
        }
        let _ = ws.close(None).await;
        (out, failed)
    })
    .await;
    report(
        &format!("paced {opened} clients at {rate:.0}/s"),
        latencies,
        started.elapsed(),
        failed,
    );
}

async fn large(url: &str, clients: usize, bytes: usize, hold: u64) {
    let mut sockets = open_all(url, clients).await;
    let body = "m".repeat(bytes);
    let mut answered = 0;
    for (n, ws) in sockets.iter_mut().enumerate() {
        let payload =
            json!({"room": format!("bench-{}", n % 50), "body": {"kind": "text", "text": body}});
        if request(ws, &format!("l{n}"), "chat.send", payload)
            .await
            .is_some()
        {
            answered += 1;
        }
    }
    println!("large: {} clients connected, {answered} sent {bytes} bytes and got their echo; idle for {hold} s", sockets.len());
    tokio::time::sleep(Duration::from_secs(hold)).await;
    for ws in &mut sockets {
        let _ = ws.close(None).await;
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
    let num = |i: usize, default: u64| arg(i).parse().unwrap_or(default);
    match arg(0).as_str() {
        "saturate" => saturate(&arg(1), num(2, 500) as usize, num(3, 10)).await,
        "paced" => {
            paced(
                &arg(1),
                num(2, 500) as usize,
                num(3, 10),
                num(4, 2000) as f64,
            )
            .await
        }
        "large" => {
            large(
                &arg(1),
                num(2, 1000) as usize,
                num(3, 1_000_000) as usize,
                num(4, 10),
            )
            .await
        }
        _ => eprintln!("usage: load saturate|paced|large URL ... (see the file's header)"),
    }
}

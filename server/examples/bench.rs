//! The load of `scripts/bench-server.sh`: the servers compared, and the clients that measure.
//!
//! ```text
//! bench frameproof PORT [REDIS_URL]   frameproof-server: `calc.add` and `calc.tick` (emits the
//!                                     tenant event `Tick`), in-process or over Redis
//! bench plain PORT                    a minimal hand-written axum WebSocket handler doing the
//!                                     same `calc.add` work (no contract, no validation)
//! bench load URL CLIENTS SECONDS      closed loop: each client sends the next `calc.add` when
//!                                     the last is answered; prints requests/s, p50, p99
//! bench broadcast EMIT_URL LISTEN_URL CLIENTS ROUNDS
//!                                     CLIENTS listeners of one tenant; each round one `calc.tick`
//!                                     on EMIT_URL; prints p50/p99 delivery latency
//! ```

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::extract::ws::{Message as AxumMessage, WebSocket, WebSocketUpgrade};
use axum::routing::get;
use frameproof::{Action, Contract, Event};
use frameproof_server::{Ctx, Principal, RedisBackplane, Service};
use futures_util::{SinkExt, StreamExt};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

/// Add two numbers.
#[derive(Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "calc.add", response = i64)]
pub struct Add {
    pub a: i64,
    pub b: i64,
}

/// Emit a tick to the caller's tenant.
#[derive(Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "calc.tick", response = (), emits(Tick))]
pub struct TickAll {
    pub at: u64,
}

/// A tick, stamped by its sender (microseconds since the epoch).
#[derive(Serialize, Deserialize, JsonSchema, Event)]
#[event(name = "Tick", scope = "tenant")]
pub struct Tick {
    pub at: u64,
}

fn contract() -> Contract {
    Contract::builder("bench", "1.0.0")
        .action::<Add>()
        .action::<TickAll>()
        .event::<Tick>()
        .build()
        .expect("sound")
}

fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(0)
}

async fn listen(port: u16, router: axum::Router) {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("bind");
    println!("listening on {port}");
    let _ = axum::serve(listener, router).await;
}

async fn frameproof(port: u16, redis: Option<String>) {
    let mut builder = Service::builder(contract())
        .handle(|_ctx: Ctx, req: Add| async move { Ok(req.a + req.b) })
        .handle(|ctx: Ctx, req: TickAll| async move { ctx.emit(&Tick { at: req.at }).await })
        .authenticate(
            |_token: String| async move { Some(Principal::new("bench").in_tenant("org")) },
        );
    if let Some(url) = redis {
        builder = builder.backplane(Arc::new(RedisBackplane::new(&url, "bench").expect("URL")));
    }
    let service = builder.build().expect("starts");
    listen(port, service.router()).await;
}

/// The same `calc.add` on a bare axum socket: parse, add, answer.
async fn plain_socket(mut socket: WebSocket) {
    while let Some(Ok(message)) = socket.next().await {
        let AxumMessage::Text(text) = message else {
            continue;
        };
        let Ok(frame) = serde_json::from_str::<Value>(text.as_str()) else {
            continue;
        };
        let a = frame["payload"]["a"].as_i64().unwrap_or(0);
        let b = frame["payload"]["b"].as_i64().unwrap_or(0);
        let answer = json!({"id": frame["id"], "status": "ok", "data": a + b});
        if socket
            .send(AxumMessage::Text(answer.to_string().into()))
            .await
            .is_err()
        {
            break;
        }
    }
}

async fn plain(port: u16) {
    let router = axum::Router::new().route(
        "/ws",
        get(|ws: WebSocketUpgrade| async move { ws.on_upgrade(plain_socket) }),
    );
    listen(port, router).await;
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(url: &str) -> Ws {
    for _ in 0..100 {
        if let Ok(Ok((ws, _))) = tokio::time::timeout(
            Duration::from_secs(5),
            tokio_tungstenite::connect_async(url),
        )
        .await
        {
            return ws;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("cannot connect to {url}");
}

/// The next text frame within 10 s.
async fn next_text(ws: &mut Ws) -> Option<String> {
    loop {
        match tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .ok()??
        {
            Ok(Message::Text(t)) => return Some(t.as_str().to_owned()),
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

async fn load(url: String, clients: usize, seconds: u64) {
    let until = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for c in 0..clients {
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let mut ws = connect(&url).await;
            let mut latencies = Vec::new();
            let mut n = 0u64;
            while Instant::now() < until {
                n += 1;
                let id = format!("c{c}-{n}");
                let frame = json!({"id": id, "action": "calc.add", "payload": {"a": n, "b": c}});
                let started = Instant::now();
                if ws.send(Message::text(frame.to_string())).await.is_err() {
                    break;
                }
                match next_text(&mut ws).await {
                    Some(t) if t.contains(&id) => latencies.push(started.elapsed()),
                    _ => break,
                }
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap_or_default());
    }
    all.sort();
    println!(
        "{{\"requests\": {}, \"requests_per_s\": {:.0}, \"p50_us\": {}, \"p99_us\": {}}}",
        all.len(),
        all.len() as f64 / seconds as f64,
        percentile(&all, 0.5).as_micros(),
        percentile(&all, 0.99).as_micros()
    );
}

async fn broadcast(emit_url: String, listen_url: String, clients: usize, rounds: usize) {
    let mut listeners = Vec::new();
    for _ in 0..clients {
        listeners.push(connect(&listen_url).await);
    }
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<u64>();
    for mut ws in listeners {
        let tx = tx.clone();
        tokio::spawn(async move {
            for _ in 0..rounds {
                let Some(text) = next_text(&mut ws).await else {
                    break;
                };
                let at = serde_json::from_str::<Value>(&text)
                    .ok()
                    .and_then(|f| f["data"]["at"].as_u64());
                if let Some(at) = at {
                    let _ = tx.send(now_us().saturating_sub(at));
                }
            }
        });
    }
    drop(tx);
    let mut emitter = connect(&emit_url).await;
    for r in 0..rounds {
        let frame =
            json!({"id": format!("t{r}"), "action": "calc.tick", "payload": {"at": now_us()}});
        let _ = emitter.send(Message::text(frame.to_string())).await;
        // the next round once this one has been delivered (or 2 s)
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let mut all = Vec::new();
    while let Ok(Some(us)) = tokio::time::timeout(Duration::from_secs(3), rx.recv()).await {
        all.push(Duration::from_micros(us));
    }
    all.sort();
    println!(
        "{{\"deliveries\": {}, \"expected\": {}, \"p50_us\": {}, \"p99_us\": {}}}",
        all.len(),
        clients * rounds,
        percentile(&all, 0.5).as_micros(),
        percentile(&all, 0.99).as_micros()
    );
}

/// Where a request's time goes, frame by frame, on one core: the contract check alone, and a
/// plain parse (what the hand-written handler does).
fn micro() {
    let validator = frameproof_validator::Validator::new(&contract()).expect("compiles");
    let frame = br#"{"id":"c1-1","action":"calc.add","payload":{"a":1,"b":2}}"#;
    let n = 200_000;
    let started = Instant::now();
    for _ in 0..n {
        std::hint::black_box(validator.check_frame(frameproof::Direction::Client, frame));
    }
    let check = started.elapsed() / n;
    let started = Instant::now();
    for _ in 0..n {
        std::hint::black_box(serde_json::from_slice::<Value>(frame).ok());
    }
    let parse = started.elapsed() / n;
    println!(
        "{{\"check_frame_ns\": {}, \"serde_parse_ns\": {}}}",
        check.as_nanos(),
        parse.as_nanos()
    );
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
    let num = |i: usize| arg(i).parse::<u64>().unwrap_or(0);
    match arg(0).as_str() {
        "frameproof" => frameproof(num(1) as u16, args.get(2).cloned()).await,
        "plain" => plain(num(1) as u16).await,
        "load" => load(arg(1), num(2) as usize, num(3)).await,
        "broadcast" => broadcast(arg(1), arg(2), num(3) as usize, num(4) as usize).await,
        "micro" => micro(),
        _ => eprintln!("usage: see the file's documentation"),
    }
}

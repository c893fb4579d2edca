//! A scripted session against the reference server (or a proxy in front of it), for the
//! quickstart: three users on two orgs, requests over the WebSocket, a topic subscription,
//! broadcasts, an error, a ping, and REST calls.
//! `demo-client WS_URL REST_URL ALICE_TOKEN BOB_TOKEN CAROL_TOKEN`

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn until(ws: &mut Ws, want: impl Fn(&Value) -> bool) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
    loop {
        let next = tokio::time::timeout_at(deadline, ws.next())
            .await
            .ok()??
            .ok()?;
        if let Message::Text(t) = next {
            if let Ok(v) = serde_json::from_str::<Value>(t.as_str()) {
                if want(&v) {
                    return Some(v);
                }
            }
        }
    }
}

async fn request(ws: &mut Ws, id: &str, action: &str, payload: Value) -> Value {
    let _ = ws
        .send(Message::text(
            json!({"id": id, "action": action, "payload": payload}).to_string(),
        ))
        .await;
    let answer = until(ws, |v| v["id"] == id).await.unwrap_or(Value::Null);
    println!(
        "  {action:<20} → {}",
        answer["status"].as_str().unwrap_or("no answer")
    );
    answer
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [ws_url, rest_url, alice, bob, carol] = args.as_slice() else {
        eprintln!("usage: demo-client WS_URL REST_URL ALICE_TOKEN BOB_TOKEN CAROL_TOKEN");
        std::process::exit(2);
    };
    let connect = |token: &String| {
        let url = format!("{ws_url}?token={token}");
        async move {
            tokio_tungstenite::connect_async(url)
                .await
                .map(|(ws, _)| ws)
        }
    };
    let (Ok(mut a), Ok(mut b), Ok(mut c)) = (
        connect(alice).await,
        connect(bob).await,
        connect(carol).await,
    ) else {
        eprintln!("demo-client: cannot connect to {ws_url}");
        std::process::exit(1);
    };
    println!("WebSocket, as alice (org_acme):");
    let projects = request(&mut a, "r1", "projects.list", json!({})).await;
    let project = projects["data"][0]["id"]
        .as_str()
        .unwrap_or("proj_1")
        .to_owned();
    let tasks = request(&mut a, "r2", "tasks.list", json!({"project_id": project})).await;
    let task = tasks["data"][0]["id"]
        .as_str()
        .unwrap_or("task_1")
        .to_owned();
    let _ = b
        .send(Message::text(
            json!({"type": "subscribe", "topics": [format!("task:{task}")]}).to_string(),
        ))
        .await;
    let _ = until(&mut b, |v| v["type"] == "subscribed").await;
    request(
        &mut a,
        "r3",
        "time_entries.start",
        json!({"project_id": project, "description": "quickstart", "billable": true}),
    )
    .await;
    let started = until(&mut b, |v| v["event"] == "TimeEntryStarted").await;
    println!(
        "  bob (same org) received TimeEntryStarted: {}",
        started.is_some()
    );
    request(
        &mut a,
        "r4",
        "tasks.update",
        json!({"id": task, "status": "done"}),
    )
    .await;
    let updated = until(&mut b, |v| v["event"] == "TaskUpdated").await;
    println!(
        "  bob (subscribed to task:{task}) received TaskUpdated: {}",
        updated.is_some()
    );
    request(&mut a, "r5", "time_entries.stop", json!({})).await;
    request(&mut a, "r6", "projects.get", json!({"id": "proj_missing"})).await;
    let _ = a.send(Message::text(r#"{"type":"ping"}"#)).await;
    println!(
        "  ping → pong: {}",
        until(&mut a, |v| v["type"] == "pong").await.is_some()
    );
    let leaked = until(&mut c, |v| v["event"].is_string()).await;
    println!(
        "  carol (org_globex) received none of org_acme's events: {}",
        leaked.is_none()
    );
    println!("REST, as alice:");
    let http = reqwest::Client::new();
    for (method, path) in [
        ("GET", "/projects"),
        ("GET", "/tasks?status=done"),
        ("GET", "/projects/proj_missing"),
    ] {
        let req = match method {
            "GET" => http.get(format!("{rest_url}{path}")),
            _ => http.post(format!("{rest_url}{path}")),
        };
        match req.bearer_auth(alice).send().await {
            Ok(r) => println!("  {method} {path:<22} → {}", r.status()),
            Err(e) => println!("  {method} {path:<22} → {e}"),
        }
    }
    for ws in [&mut a, &mut b, &mut c] {
        let _ = ws.close(None).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
}

//! Two instances of one service sharing a real Redis (Debian's `redis-server`, started here on
//! a free port): an event caused on one reaches the other's clients; when Redis dies, clients
//! are told (their sockets close with 1012, a request that emits gets `unavailable`), never
//! silently left without events; when it comes back, events flow again.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{free_port, notes_service, redis_server, serve, Client, Store};
use frameproof_server::{RedisBackplane, Service};
use serde_json::json;

async fn instance(store: Store, url: &str) -> (Service, std::net::SocketAddr) {
    let backplane = RedisBackplane::with_timeout(url, "notes-events", Duration::from_millis(500))
        .expect("a Redis URL");
    let service = notes_service(store)
        .backplane(Arc::new(backplane))
        .build()
        .expect("starts");
    let addr = serve(service.router()).await;
    ready(&service, true).await;
    (service, addr)
}

async fn ready(service: &Service, up: bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while service.events_ready() != up {
        assert!(
            Instant::now() < deadline,
            "the backplane did not become {}",
            if up { "ready" } else { "lost" }
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_cross_instances_through_redis_and_a_lost_redis_is_never_silent() {
    let port = free_port();
    let redis = redis_server(port);
    let url = format!("redis://127.0.0.1:{port}/");
    let store = Store::default();
    let (a, addr_a) = instance(store.clone(), &url).await;
    let (b, addr_b) = instance(store, &url).await;

    let mut alice = Client::connect(&format!("ws://{addr_a}/ws?token=t-alice")).await;
    let mut bob = Client::connect(&format!("ws://{addr_b}/ws?token=t-bob")).await;
    let mut carol = Client::connect(&format!("ws://{addr_b}/ws?token=t-carol")).await;
    alice
        .send(json!({"id": "a1", "action": "notes.create", "payload": {"text": "across"}}))
        .await;
    let event = bob
        .next()
        .await
        .expect("bob, on the other instance, hears it");
    assert_eq!(event["event"], "NoteCreated");
    assert_eq!(event["data"]["note"]["text"], "across");
    assert!(
        carol.silent_for(Duration::from_millis(300)).await,
        "carol is in another org"
    );
    // topics too: bob subscribes on B, alice edits on A
    bob.send(json!({"id": "s1", "type": "subscribe", "topics": ["note:n1"]}))
        .await;
    assert_eq!(bob.next().await.expect("ack")["type"], "subscribed");
    alice
        .send(json!({"id": "a2", "action": "notes.edit", "payload": {"id": "n1", "text": "again"}}))
        .await;
    let edited = bob.next().await.expect("the edit crosses");
    assert_eq!(edited["event"], "NoteEdited");
    let found = common::violations(b.contract(), &bob.log);
    assert!(found.is_empty(), "{found:#?}");

    // Redis dies: sockets on both instances are closed with 1012, new ones are refused, and a
    // request that must emit is answered `unavailable`
    drop(redis);
    assert_eq!(bob.next().await.err(), Some(Some(1012)), "bob is told");
    ready(&a, false).await;
    let http = reqwest::Client::new();
    let r = http
        .post(format!("http://{addr_a}/api/notes"))
        .bearer_auth("t-alice")
        .json(&json!({"text": "while Redis is down"}))
        .send()
        .await
        .expect("POST");
    assert_eq!(r.status(), 503);
    let body: serde_json::Value = r.json().await.expect("JSON");
    assert_eq!(body["error"]["code"], "unavailable");
    let refused =
        frameproof_test_kit::ws::Client::try_connect(format!("ws://{addr_b}/ws?token=t-bob")).await;
    assert!(refused.is_err(), "a socket opened without events");

    // Redis is back: both instances recover and events flow again
    let _redis = redis_server(port);
    ready(&a, true).await;
    ready(&b, true).await;
    let mut alice = Client::connect(&format!("ws://{addr_a}/ws?token=t-alice")).await;
    let mut bob = Client::connect(&format!("ws://{addr_b}/ws?token=t-bob")).await;
    alice
        .send(json!({"id": "a3", "action": "notes.create", "payload": {"text": "after"}}))
        .await;
    let event = bob.next().await.expect("events flow again");
    assert_eq!(event["data"]["note"]["text"], "after");
}

//! Conformance spreads a transcript's connections over several instances (`--ws`/`--rest`
//! given more than once): with a shared Redis backplane, alice's note on one instance reaches
//! bob on the other and the replay passes; with no backplane (each instance alone), the replay
//! fails and names the event that never arrived.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{free_port, notes_service, redis_server, serve, Store};
use frameproof_conformance::{replay, Credentials, ReplayOptions, Target, Transport};
use frameproof_server::{Backplane, InProcess, RedisBackplane, Service};

const TRANSCRIPT: &str = r#"{"frameproof_transcript":"1.0","contract":{"name":"notes","version":"1.0.0"},"description":"alice writes a note on one instance; bob, of her org, hears it on the other","connections":[{"id":"alice","role":"actor","org":"org_1","credentials":{"token":"$credential:alice"}},{"id":"bob","role":"observer","org":"org_1","credentials":{"token":"$credential:bob"}}]}
{"conn":"bob","dir":"client","frame":{"id":"b0","type":"ping"}}
{"conn":"bob","dir":"server","frame":{"id":"b0","type":"pong"}}
{"conn":"alice","dir":"client","frame":{"id":"a1","action":"notes.create","payload":{"text":"hello"}}}
{"conn":"alice","dir":"server","frame":{"id":"a1","status":"ok","data":{"id":"n1","text":"hello","author":"alice"}}}
{"conn":"alice","dir":"server","frame":{"event":"NoteCreated","org_id":"org_1","data":{"note":{"id":"n1","text":"hello","author":"alice"}}}}
{"conn":"bob","dir":"server","frame":{"event":"NoteCreated","org_id":"org_1","data":{"note":{"id":"n1","text":"hello","author":"alice"}}}}
"#;

async fn instance(backplane: Arc<dyn Backplane>, store: Store) -> (Service, Target) {
    let service = notes_service(store)
        .backplane(backplane)
        .build()
        .expect("starts");
    let addr = serve(service.router()).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while !service.events_ready() {
        assert!(Instant::now() < deadline, "the backplane did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let target = Target {
        ws_url: format!("ws://{addr}/ws"),
        http_url: format!("http://{addr}"),
    };
    (service, target)
}

async fn run(first: Target, second: Target) -> Vec<String> {
    let mut credentials = Credentials::new();
    credentials.insert("alice", "t-alice");
    credentials.insert("bob", "t-bob");
    let options = ReplayOptions {
        credentials,
        instances: vec![second],
        ..ReplayOptions::default()
    };
    let report = replay(
        &common::contract(),
        "two-instances",
        TRANSCRIPT,
        &first,
        Transport::WebSocket,
        &options,
    )
    .await;
    report.failures().map(|f| format!("{f:?}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broadcast_must_cross_instances() {
    let port = free_port();
    let _redis = redis_server(port);
    let url = format!("redis://127.0.0.1:{port}/");
    let redis = |url: &str| -> Arc<dyn Backplane> {
        Arc::new(RedisBackplane::new(url, "notes-instances").expect("a URL"))
    };
    let store = Store::default();
    let (_a, first) = instance(redis(&url), store.clone()).await;
    let (_b, second) = instance(redis(&url), store).await;
    let failures = run(first, second).await;
    assert!(failures.is_empty(), "{failures:#?}");

    // the `no-backplane` fault: each instance keeps its events to itself
    let store = Store::default();
    let (_a, first) = instance(Arc::new(InProcess::new()), store.clone()).await;
    let (_b, second) = instance(Arc::new(InProcess::new()), store).await;
    let failures = run(first, second).await;
    assert_eq!(failures.len(), 1, "{failures:#?}");
    assert!(
        failures[0].contains("bob")
            && failures[0].contains("NoteCreated")
            && failures[0].contains("did not arrive"),
        "{failures:#?}"
    );
}

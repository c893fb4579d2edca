//! A contract served by frameproof-server over the WebSocket and REST: typed handlers answer
//! in the contract's envelope, invalid frames never reach a handler, events go where their
//! scope says, and everything the server sends validates against the contract.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::{contract, notes_service, serve, violations, Client, GetNote, Store};
use frameproof_server::{Ctx, Error, Service, StartupError};
use serde_json::json;

#[tokio::test]
async fn a_service_must_serve_the_whole_contract_and_nothing_else() {
    let partial = Service::builder(contract())
        .handle(|_ctx: Ctx, req: GetNote| async move {
            Err::<common::Note, _>(Error::not_found(req.id))
        })
        .build();
    match partial {
        Err(StartupError::Unhandled(missing)) => {
            assert_eq!(missing, vec!["notes.create", "notes.edit"]);
        }
        other => panic!("{:?}", other.err()),
    }
    let mut smaller = contract();
    smaller.actions.remove("notes.get");
    let extra = Service::builder(smaller)
        .handle(|_ctx: Ctx, req: GetNote| async move {
            Err::<common::Note, _>(Error::not_found(req.id))
        })
        .build();
    assert!(matches!(extra, Err(StartupError::NotInContract(names)) if names == ["notes.get"]));
}

#[tokio::test]
async fn requests_over_the_socket_are_answered_in_the_envelope() {
    let store = Store::default();
    let service = notes_service(store).build().expect("starts");
    let addr = serve(service.router()).await;
    let mut alice = Client::connect(&format!("ws://{addr}/ws?token=t-alice")).await;
    alice
        .send(json!({"id": "r1", "action": "notes.create", "payload": {"text": "hello"}}))
        .await;
    let mut got = Vec::new();
    for _ in 0..2 {
        got.push(alice.next().await.expect("a frame"));
    }
    let answer = got.iter().find(|f| f["id"] == "r1").expect("the answer");
    assert_eq!(answer["status"], "ok");
    assert_eq!(answer["data"]["author"], "alice");
    // her own org's event reaches her too
    assert!(got.iter().any(|f| f["event"] == "NoteCreated"), "{got:?}");
    alice
        .send(json!({"id": "r2", "action": "notes.get", "payload": {"id": "nope"}}))
        .await;
    let missing = alice.next().await.expect("an answer");
    assert_eq!(missing["status"], "error");
    assert_eq!(missing["error"]["code"], "not_found");
    alice
        .send(json!({"id": "r3", "action": "notes.fly", "payload": {}}))
        .await;
    assert_eq!(
        alice.next().await.expect("an answer")["error"]["code"],
        "unknown_action"
    );
    alice.send(json!({"id": "p1", "type": "ping"})).await;
    assert_eq!(
        alice.next().await.expect("a pong"),
        json!({"type": "pong", "id": "p1"})
    );
    let found = violations(service.contract(), &alice.log);
    // the unknown action is the client's mistake, reported as such; nothing the server said is
    let server_side: Vec<&String> = found
        .iter()
        .filter(|v| !v.starts_with("frame.unknown_action"))
        .collect();
    assert!(server_side.is_empty(), "{found:#?}");
}

#[tokio::test]
async fn an_invalid_payload_never_reaches_the_handler() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let reported = Arc::new(AtomicUsize::new(0));
    let seen = reported.clone();
    let service = Service::builder(contract())
        .handle(move |_ctx: Ctx, req: common::CreateNote| {
            counted.fetch_add(1, Ordering::Relaxed);
            async move {
                Ok(common::Note {
                    id: "n1".into(),
                    text: req.text,
                    author: String::new(),
                })
            }
        })
        .handle(|_ctx: Ctx, req: GetNote| async move {
            Err::<common::Note, _>(Error::not_found(req.id))
        })
        .handle(|_ctx: Ctx, req: common::EditNote| async move {
            Err::<common::Note, _>(Error::not_found(req.id))
        })
        .on_violation(move |_| {
            seen.fetch_add(1, Ordering::Relaxed);
        })
        .build()
        .expect("starts");
    let addr = serve(service.router()).await;
    let mut c = Client::connect(&format!("ws://{addr}/ws")).await;
    c.send(json!({"id": "r1", "action": "notes.create", "payload": {"text": ""}}))
        .await;
    let refused = c.next().await.expect("an answer");
    assert_eq!(refused["id"], "r1");
    assert_eq!(refused["error"]["code"], "validation_failed");
    assert_eq!(
        refused["error"]["details"]["errors"][0]["pointer"],
        "/payload/text"
    );
    assert_eq!(calls.load(Ordering::Relaxed), 0);
    assert_eq!(reported.load(Ordering::Relaxed), 1);
    // over REST too
    let http = reqwest::Client::new();
    let r = http
        .post(format!("http://{addr}/api/notes"))
        .json(&json!({"text": ""}))
        .send()
        .await
        .expect("POST");
    assert_eq!(r.status(), 422);
    let body: serde_json::Value = r.json().await.expect("JSON");
    assert_eq!(body["error"]["code"], "validation_failed");
    assert_eq!(calls.load(Ordering::Relaxed), 0);
}

#[tokio::test]
async fn the_rest_twin_maps_routes_statuses_and_methods() {
    let service = notes_service(Store::default()).build().expect("starts");
    let addr = serve(service.router()).await;
    let http = reqwest::Client::new();
    let created: serde_json::Value = http
        .post(format!("http://{addr}/api/notes"))
        .bearer_auth("t-bob")
        .json(&json!({"text": "over REST"}))
        .send()
        .await
        .expect("POST")
        .json()
        .await
        .expect("JSON");
    assert_eq!(created["author"], "bob");
    let id = created["id"].as_str().expect("an id");
    let got = http
        .get(format!("http://{addr}/api/notes/{id}"))
        .send()
        .await
        .expect("GET");
    assert_eq!(got.status(), 200);
    let missing = http
        .get(format!("http://{addr}/api/notes/nope"))
        .send()
        .await
        .expect("GET");
    assert_eq!(missing.status(), 404);
    let body: serde_json::Value = missing.json().await.expect("JSON");
    assert_eq!(body["error"]["code"], "not_found");
    let wrong = http
        .delete(format!("http://{addr}/api/notes/{id}"))
        .send()
        .await
        .expect("DELETE");
    assert_eq!(wrong.status(), 405);
    let allow = wrong
        .headers()
        .get("allow")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(allow.contains("GET"), "{allow}");
    let refused = http
        .post(format!("http://{addr}/api/notes"))
        .bearer_auth("t-nobody")
        .json(&json!({"text": "x"}))
        .send()
        .await
        .expect("POST");
    assert_eq!(refused.status(), 401);
}

#[tokio::test]
async fn events_reach_the_tenant_and_the_topics_subscribers_only() {
    let service = notes_service(Store::default()).build().expect("starts");
    let addr = serve(service.router()).await;
    let mut alice = Client::connect(&format!("ws://{addr}/ws?token=t-alice")).await;
    let mut bob = Client::connect(&format!("ws://{addr}/ws?token=t-bob")).await;
    let mut carol = Client::connect(&format!("ws://{addr}/ws?token=t-carol")).await;
    alice
        .send(json!({"id": "a1", "action": "notes.create", "payload": {"text": "for org_1"}}))
        .await;
    let event = bob.next().await.expect("bob hears it");
    assert_eq!(event["event"], "NoteCreated");
    assert_eq!(event["org_id"], "org_1");
    assert!(
        carol.silent_for(Duration::from_millis(300)).await,
        "carol is in org_2"
    );
    bob.send(json!({"id": "s1", "type": "subscribe", "topics": ["note:n1"]}))
        .await;
    assert_eq!(
        bob.next().await.expect("an ack"),
        json!({"type": "subscribed", "id": "s1", "topics": ["note:n1"]})
    );
    alice
        .send(
            json!({"id": "a2", "action": "notes.edit", "payload": {"id": "n1", "text": "edited"}}),
        )
        .await;
    let edited = bob.next().await.expect("bob hears the edit");
    assert_eq!(edited["event"], "NoteEdited");
    assert_eq!(edited["topic"], "note:n1");
    assert!(carol.silent_for(Duration::from_millis(300)).await);
    for c in [&bob, &carol] {
        let found = violations(service.contract(), &c.log);
        assert!(found.is_empty(), "{found:#?}");
    }
}

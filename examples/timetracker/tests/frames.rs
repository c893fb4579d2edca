//! Every frame the server sends during a busy session validates against the contract's server
//! frame schema, and every (well-formed) frame the clients send against the client frame schema,
//! using the jsonschema crate (draft 2020-12).

mod common;

use std::time::Duration;

use common::*;
use frameproof::Direction;
use serde_json::{json, Value};
use timetracker::server::ServerConfig;
use tokio_tungstenite::tungstenite::Message;

async fn busy_session(server: &timetracker::server::RunningServer) -> (Vec<Client>, Client) {
    let rest = Rest::new(server);
    let alice_token = token(server, "usr_alice");
    let mut alice = Client::user(server, "usr_alice").await;
    let mut bob = Client::user(server, "usr_bob").await;
    let mut carol = Client::user(server, "usr_carol").await;
    let mut late = Client::connect(&server.ws_url()).await;
    late.send(json!({ "type": "auth", "token": token(server, "usr_bob"), "id": 1 }))
        .await;
    assert_eq!(late.next_frame().await["type"], "authenticated");

    alice
        .subscribe(&["task:task_1", "chat:general", "user:usr_alice"])
        .await;
    bob.subscribe(&["user:usr_bob", "task:task_2", "task:task_1", "chat:general"])
        .await;
    carol.subscribe(&["chat:general", "task:task_4"]).await;
    // refused subscriptions answer with error frames
    carol.subscribe(&["task:task_1"]).await;
    carol.subscribe(&["user:usr_alice"]).await;

    let eur = json!({ "amount_cents": 10_000, "currency": "EUR" });
    alice
        .ok("projects.list", json!({ "include_archived": true }))
        .await;
    alice.ok("projects.get", json!({ "id": "proj_2" })).await;
    alice.err("projects.get", json!({ "id": "proj_4" })).await;
    let project = alice
        .ok(
            "projects.create",
            json!({ "name": "Busy", "hourly_rate": eur }),
        )
        .await;
    alice
        .err(
            "projects.create",
            json!({ "name": "Busy", "hourly_rate": eur }),
        )
        .await;
    alice
        .ok(
            "time_entries.start",
            json!({ "project_id": project["id"], "description": "busy", "billable": true }),
        )
        .await;
    alice
        .err(
            "time_entries.start",
            json!({ "project_id": project["id"], "description": "again" }),
        )
        .await;
    alice.ok("time_entries.stop", json!({})).await;
    alice.err("time_entries.stop", json!({})).await;
    alice.ok("time_entries.list", json!({ "limit": 1 })).await;
    alice
        .err("time_entries.list", json!({ "cursor": "bogus" }))
        .await;
    let task = alice
        .ok("tasks.create", json!({ "project_id": "proj_1", "title": "Busy task", "assignee_id": "usr_bob", "labels": ["a"] }))
        .await;
    bob.subscribe(&[&format!("task:{}", task["id"].as_str().unwrap_or_default())])
        .await;
    alice
        .ok(
            "tasks.update",
            json!({ "id": task["id"], "status": "in_progress", "description": "now" }),
        )
        .await;
    alice
        .ok(
            "tasks.update",
            json!({ "id": "task_1", "assignee_id": "usr_bob" }),
        )
        .await;
    alice
        .ok("tasks.list", json!({ "status": "in_progress" }))
        .await;
    alice.ok("tasks.delete", json!({ "id": task["id"] })).await;
    alice.err("tasks.delete", json!({ "id": task["id"] })).await;
    alice
        .ok(
            "chat.send",
            json!({ "room": "general", "body": { "kind": "text", "text": "hi" } }),
        )
        .await;
    alice
        .ok("chat.send", json!({ "room": "general", "body": { "kind": "mention", "user_id": "usr_bob", "text": "you" } }))
        .await;
    bob.err(
        "chat.send",
        json!({ "room": "admin-x", "body": { "kind": "text", "text": "no" } }),
    )
    .await;
    carol
        .ok("chat.send", json!({ "room": "general", "body": { "kind": "attachment", "url": "https://x.invalid/f", "name": "f", "size_bytes": 1 } }))
        .await;
    alice
        .ok("chat.history", json!({ "room": "general", "limit": 10 }))
        .await;
    alice
        .ok(
            "invoices.create",
            json!({ "project_id": "proj_1", "from": "2025-01-01", "to": "2025-01-31" }),
        )
        .await;
    alice
        .err(
            "invoices.create",
            json!({ "project_id": "proj_1", "from": "2025-01-01", "to": "2025-01-31" }),
        )
        .await;
    bob.err(
        "invoices.create",
        json!({ "project_id": "proj_1", "from": "2025-01-01", "to": "2025-01-31" }),
    )
    .await;
    let notes = bob.ok("notifications.list", json!({})).await;
    let first = notes[0]["id"].clone();
    bob.ok("notifications.mark_read", json!({ "ids": [first] }))
        .await;
    bob.err("notifications.mark_read", json!({ "ids": ["ntf_404"] }))
        .await;

    // REST mutations broadcast to the sockets too
    rest.ok(
        &alice_token,
        "time_entries.start",
        json!({ "project_id": "proj_1", "description": "rest" }),
    )
    .await;
    rest.ok(&alice_token, "time_entries.stop", json!({})).await;
    rest.ok(
        &alice_token,
        "tasks.update",
        json!({ "id": "task_2", "title": "Over REST" }),
    )
    .await;

    alice.send(json!({ "type": "ping", "id": "p1" })).await;
    alice.send(json!({ "type": "ping" })).await;
    alice.unsubscribe(&["chat:general"]).await;
    for c in [&mut alice, &mut bob, &mut carol, &mut late] {
        c.sync().await;
    }

    // bad input, from a client whose own frames are not expected to be valid
    let mut bad = Client::user(server, "usr_alice").await;
    bad.send_text("{oops").await;
    bad.send_message(Message::binary(vec![0u8])).await;
    bad.send(json!({ "action": "projects.list", "payload": {} }))
        .await;
    bad.send(json!({ "id": "", "action": "projects.list", "payload": {} }))
        .await;
    bad.send(json!({ "id": "x".repeat(200), "action": "projects.list", "payload": {} }))
        .await;
    bad.send(json!({ "id": "np", "action": "projects.list" }))
        .await;
    bad.send(json!({ "id": "v", "action": "tasks.create", "payload": { "project_id": "proj_1", "title": "" } }))
        .await;
    bad.send(json!({ "type": "subscribe", "topics": [] })).await;
    // a topic no event is published on: the contract says so (`topics_from_events`)
    bad.send(json!({ "type": "subscribe", "topics": ["nope:1"] }))
        .await;
    bad.send(json!({ "type": "subscribe", "topics": ["chat:x"], "extra": true }))
        .await;
    bad.send(json!({ "type": "pong" })).await;
    bad.send(json!({ "type": 5 })).await;
    bad.send(json!([1, 2, 3])).await;
    bad.send(json!({ "hello": "world" })).await;
    bad.err("auth.refresh", json!({ "refresh_token": "rt_x" }))
        .await;
    bad.err("no.such_action", json!({})).await;
    bad.sync().await;

    (vec![alice, bob, carol, late], bad)
}

async fn expiry_session() -> Client {
    let server = server_with(ServerConfig {
        token_ttl: Duration::from_millis(300),
        ..ServerConfig::default()
    })
    .await;
    let mut c = Client::user(&server, "usr_carol").await;
    c.event("TokenExpired").await;
    c.err("projects.list", json!({})).await;
    let pair = Rest::new(&server)
        .call(
            None,
            "auth.refresh",
            json!({ "refresh_token": refresh_token(&server, "usr_carol") }),
        )
        .await;
    let fresh = pair.body["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let reply = c
        .control(json!({ "type": "auth", "token": fresh }), "authenticated")
        .await;
    assert_eq!(reply["type"], "authenticated");
    c.ok("projects.list", json!({})).await;
    server.shutdown().await;
    c
}

#[tokio::test]
async fn every_frame_validates_against_the_contract() {
    let server = server().await;
    let (clients, bad) = busy_session(&server).await;
    let expired = expiry_session().await;

    let server_frames = validator(&contract().frame_schema(Direction::Server));
    let client_frames = validator(&contract().frame_schema(Direction::Client));

    let mut received = 0;
    let mut kinds = std::collections::BTreeSet::new();
    for c in clients.iter().chain([&bad, &expired]) {
        for frame in &c.received() {
            let p = problems(&server_frames, frame);
            assert!(
                p.is_empty(),
                "a server frame breaks the contract: {frame}\n{p:#?}"
            );
            received += 1;
            let kind = frame
                .get("event")
                .or_else(|| frame.get("type"))
                .or_else(|| frame.get("status"))
                .and_then(Value::as_str)
                .unwrap_or("?");
            kinds.insert(kind.to_owned());
        }
    }
    let mut sent = 0;
    for c in clients.iter().chain([&expired]) {
        for frame in &c.sent() {
            let p = problems(&client_frames, frame);
            assert!(
                p.is_empty(),
                "a client frame breaks the contract: {frame}\n{p:#?}"
            );
            sent += 1;
        }
    }
    // the invalid frames really are invalid, so the check above means something
    let invalid = bad
        .sent()
        .iter()
        .filter(|f| !problems(&client_frames, f).is_empty())
        .count();
    assert!(
        invalid >= 10,
        "only {invalid} of the bad frames are invalid"
    );

    for kind in [
        "ok",
        "error",
        "pong",
        "subscribed",
        "unsubscribed",
        "authenticated",
        "TimeEntryStarted",
        "TimeEntryStopped",
        "ProjectCreated",
        "TaskCreated",
        "TaskUpdated",
        "TaskDeleted",
        "ChatMessage",
        "InvoiceCreated",
        "NotificationCreated",
        "TokenExpired",
    ] {
        assert!(
            kinds.contains(kind),
            "the session produced no `{kind}` frame: {kinds:?}"
        );
    }
    assert!(
        received > 80 && sent > 40,
        "received {received}, sent {sent}"
    );
    server.shutdown().await;
}

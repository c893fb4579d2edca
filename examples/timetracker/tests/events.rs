//! Broadcasts and topics: tenant events reach every connection of the acting user's org (the
//! acting connection included) and no other org, whichever transport made the change; topic
//! events reach the subscribers of the topic in that org; subscriptions are authorized.

mod common;

use common::*;
use serde_json::json;

#[tokio::test]
async fn tenant_events_reach_the_org_and_only_the_org_from_both_transports() {
    let server = server().await;
    let rest = Rest::new(&server);
    let alice_token = token(&server, "usr_alice");
    let mut alice = Client::user(&server, "usr_alice").await;
    let mut bob = Client::user(&server, "usr_bob").await;
    let mut carol = Client::user(&server, "usr_carol").await;

    // over the WebSocket
    let entry = alice
        .ok(
            "time_entries.start",
            json!({ "project_id": "proj_1", "description": "Deploy" }),
        )
        .await;
    for client in [&mut alice, &mut bob] {
        let ev = client.event("TimeEntryStarted").await;
        assert_eq!(ev["org_id"], "org_acme");
        assert_eq!(ev["data"]["entry_id"], entry["id"]);
        assert_eq!(ev["data"]["user_id"], "usr_alice");
        assert_eq!(ev["data"]["started_at"], entry["started_at"]);
    }
    carol.sync().await;
    assert!(
        carol.take_event("TimeEntryStarted").is_none(),
        "another org saw the event"
    );

    // over REST, broadcast exactly the same way
    let stopped = rest.ok(&alice_token, "time_entries.stop", json!({})).await;
    for client in [&mut alice, &mut bob] {
        let ev = client.event("TimeEntryStopped").await;
        assert_eq!(ev["org_id"], "org_acme");
        assert_eq!(ev["data"]["entry_id"], stopped["id"]);
        assert_eq!(ev["data"]["duration_seconds"], stopped["duration_seconds"]);
    }
    let project = rest
        .ok(
            &alice_token,
            "projects.create",
            json!({ "name": "Intranet", "hourly_rate": { "amount_cents": 8000, "currency": "EUR" } }),
        )
        .await;
    let ev = bob.event("ProjectCreated").await;
    assert_eq!(ev["data"]["project"], project);
    let task = alice
        .ok(
            "tasks.create",
            json!({ "project_id": project["id"], "title": "Sitemap" }),
        )
        .await;
    let ev = bob.event("TaskCreated").await;
    assert_eq!(ev["data"]["task"], task);
    let invoice = alice
        .ok(
            "invoices.create",
            json!({ "project_id": "proj_1", "from": "2025-01-01", "to": "2025-01-31" }),
        )
        .await;
    let ev = bob.event("InvoiceCreated").await;
    assert_eq!(ev["data"]["number"], invoice["number"]);
    assert_eq!(ev["data"]["total"], invoice["total"]);
    assert!(alice.event("InvoiceCreated").await["org_id"] == "org_acme");

    carol.sync().await;
    for name in [
        "TimeEntryStopped",
        "ProjectCreated",
        "TaskCreated",
        "InvoiceCreated",
    ] {
        assert!(
            carol.take_event(name).is_none(),
            "{name} leaked to another org"
        );
    }

    // carol's org gets its own events, and acme does not
    carol
        .ok(
            "time_entries.start",
            json!({ "project_id": "proj_4", "description": "Robots" }),
        )
        .await;
    assert_eq!(
        carol.event("TimeEntryStarted").await["org_id"],
        "org_globex"
    );
    bob.sync().await;
    assert!(bob.take_event("TimeEntryStarted").is_none());
    server.shutdown().await;
}

#[tokio::test]
async fn topic_events_reach_subscribers_and_stop_after_unsubscribe() {
    let server = server().await;
    let rest = Rest::new(&server);
    let mut alice = Client::user(&server, "usr_alice").await;
    let mut bob = Client::user(&server, "usr_bob").await;
    let mut carol = Client::user(&server, "usr_carol").await;

    let ack = bob.subscribe(&["task:task_1", "chat:general"]).await;
    assert_eq!(
        ack,
        json!({ "type": "subscribed", "id": ack["id"], "topics": ["task:task_1", "chat:general"] })
    );
    let ack = carol.subscribe(&["chat:general"]).await;
    assert_eq!(ack["type"], "subscribed");

    // authorization of topics
    let e = carol.subscribe(&["task:task_1"]).await;
    assert_eq!(e["error"]["code"], "not_found", "another org's task: {e}");
    let e = carol.subscribe(&["user:usr_bob"]).await;
    assert_eq!(e["error"]["code"], "forbidden", "{e}");
    let e = carol.subscribe(&["weather:berlin"]).await;
    assert_eq!(e["error"]["code"], "validation_failed", "{e}");
    let e = bob.subscribe(&["chat:admin-ops"]).await;
    assert_eq!(e["error"]["code"], "forbidden", "{e}");
    let e = bob.subscribe(&["task:task_99"]).await;
    assert_eq!(e["error"]["code"], "not_found", "{e}");

    // TaskUpdated on task:task_1 (made over REST)
    let task = rest
        .ok(
            &token(&server, "usr_alice"),
            "tasks.update",
            json!({ "id": "task_1", "status": "done" }),
        )
        .await;
    let ev = bob.event("TaskUpdated").await;
    assert_eq!(ev["topic"], "task:task_1");
    assert_eq!(ev["data"]["task_id"], "task_1");
    assert_eq!(ev["data"]["changed"], json!(["status"]));
    assert_eq!(ev["data"]["task"], task);
    assert!(ev.get("org_id").is_none());
    alice.sync().await;
    assert!(
        alice.take_event("TaskUpdated").is_none(),
        "alice did not subscribe"
    );

    // chat is per org even for the same room name
    alice
        .ok(
            "chat.send",
            json!({ "room": "general", "body": { "kind": "text", "text": "hi all" } }),
        )
        .await;
    let ev = bob.event("ChatMessage").await;
    assert_eq!(ev["topic"], "chat:general");
    assert_eq!(ev["data"]["message"]["body"]["text"], "hi all");
    carol.sync().await;
    assert!(
        carol.take_event("ChatMessage").is_none(),
        "globex saw acme's chat"
    );
    carol
        .ok(
            "chat.send",
            json!({ "room": "general", "body": { "kind": "text", "text": "globex here" } }),
        )
        .await;
    assert_eq!(carol.event("ChatMessage").await["data"]["room"], "general");
    bob.sync().await;
    assert!(
        bob.take_event("ChatMessage").is_none(),
        "acme saw globex's chat"
    );

    // unsubscribe
    let ack = bob.unsubscribe(&["task:task_1"]).await;
    assert_eq!(ack["type"], "unsubscribed");
    assert_eq!(ack["topics"], json!(["task:task_1"]));
    alice
        .ok(
            "tasks.update",
            json!({ "id": "task_1", "title": "Renamed" }),
        )
        .await;
    bob.sync().await;
    assert!(
        bob.take_event("TaskUpdated").is_none(),
        "an unsubscribed topic still delivered"
    );

    // TaskDeleted on the task's topic
    bob.subscribe(&["task:task_2"]).await;
    alice.ok("tasks.delete", json!({ "id": "task_2" })).await;
    let ev = bob.event("TaskDeleted").await;
    assert_eq!(
        ev,
        json!({ "event": "TaskDeleted", "topic": "task:task_2", "data": { "task_id": "task_2" } })
    );
    server.shutdown().await;
}

#[tokio::test]
async fn assignments_and_mentions_notify_the_user() {
    let server = server().await;
    let mut alice = Client::user(&server, "usr_alice").await;
    let mut bob = Client::user(&server, "usr_bob").await;
    assert_eq!(bob.subscribe(&["user:usr_bob"]).await["type"], "subscribed");

    alice
        .ok(
            "tasks.update",
            json!({ "id": "task_3", "assignee_id": "usr_bob" }),
        )
        .await;
    let ev = bob.event("NotificationCreated").await;
    assert_eq!(ev["topic"], "user:usr_bob");
    assert_eq!(ev["data"]["user_id"], "usr_bob");
    assert_eq!(ev["data"]["notification"]["kind"], "task_assigned");
    assert_eq!(ev["data"]["notification"]["read"], false);

    // the same assignee again changes nothing and notifies nobody
    let same = alice
        .ok(
            "tasks.update",
            json!({ "id": "task_3", "assignee_id": "usr_bob" }),
        )
        .await;
    assert_eq!(same["assignee_id"], "usr_bob");
    bob.sync().await;
    assert!(bob.take_event("NotificationCreated").is_none());

    alice
        .ok(
            "chat.send",
            json!({ "room": "design", "body": { "kind": "mention", "user_id": "usr_bob", "text": "thoughts?" } }),
        )
        .await;
    let ev = bob.event("NotificationCreated").await;
    assert_eq!(ev["data"]["notification"]["kind"], "mention");
    let id = ev["data"]["notification"]["id"].clone();

    let listed = bob
        .ok("notifications.list", json!({ "unread_only": true }))
        .await;
    assert_eq!(listed[0]["id"], id, "newest first");
    let marked = bob
        .ok("notifications.mark_read", json!({ "ids": [id] }))
        .await;
    assert_eq!(marked, json!({ "updated": 1 }));

    // alice's own topic only
    alice.sync().await;
    assert!(alice.take_event("NotificationCreated").is_none());
    server.shutdown().await;
}

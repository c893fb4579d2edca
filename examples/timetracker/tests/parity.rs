//! Every action over both transports gives the same result: one script runs over the
//! WebSocket against one fresh server and over REST against another, and the outcomes (ok data
//! with generated timestamps masked, or error codes) must be equal step by step. Each ok result
//! is also checked against the action's response schema, and each REST status against the
//! contract's error table.

mod common;

use std::collections::HashMap;

use common::*;
use serde_json::{json, Value};
use timetracker::server::RunningServer;

/// (user, action, payload, expected: "ok" or an error code)
fn script() -> Vec<(&'static str, &'static str, Value, &'static str)> {
    let a = "usr_alice";
    let b = "usr_bob";
    let c = "usr_carol";
    let eur = |cents: i64| json!({ "amount_cents": cents, "currency": "EUR" });
    let text = |t: &str| json!({ "kind": "text", "text": t });
    vec![
        (a, "projects.list", json!({}), "ok"),
        (
            a,
            "projects.list",
            json!({ "include_archived": true }),
            "ok",
        ),
        (a, "projects.get", json!({ "id": "proj_1" }), "ok"),
        (a, "projects.get", json!({ "id": "proj_4" }), "not_found"),
        (
            a,
            "projects.create",
            json!({ "name": "Data platform", "client": "Acme Labs", "hourly_rate": eur(15_000) }),
            "ok",
        ),
        (
            a,
            "projects.create",
            json!({ "name": "data platform", "hourly_rate": eur(1) }),
            "conflict",
        ),
        (
            a,
            "projects.create",
            json!({ "name": "", "hourly_rate": eur(1) }),
            "validation_failed",
        ),
        (
            a,
            "projects.create",
            json!({ "name": "X", "hourly_rate": { "amount_cents": 1, "currency": "JPY" } }),
            "validation_failed",
        ),
        (
            a,
            "time_entries.start",
            json!({ "project_id": "proj_5", "description": "Kick-off", "billable": true }),
            "ok",
        ),
        (
            a,
            "time_entries.start",
            json!({ "project_id": "proj_5", "description": "Again" }),
            "conflict",
        ),
        (
            a,
            "time_entries.start",
            json!({ "project_id": "proj_4", "description": "Not mine" }),
            "not_found",
        ),
        (
            b,
            "time_entries.start",
            json!({ "project_id": "proj_3", "description": "Archived" }),
            "conflict",
        ),
        (a, "time_entries.stop", json!({}), "ok"),
        (a, "time_entries.stop", json!({}), "not_found"),
        (a, "time_entries.list", json!({ "limit": 2 }), "ok"),
        (
            a,
            "time_entries.list",
            json!({ "limit": 2, "cursor": "te_2" }),
            "ok",
        ),
        (
            a,
            "time_entries.list",
            json!({ "project_id": "proj_1" }),
            "ok",
        ),
        (
            a,
            "time_entries.list",
            json!({ "cursor": "garbage" }),
            "validation_failed",
        ),
        (
            a,
            "time_entries.list",
            json!({ "limit": 0 }),
            "validation_failed",
        ),
        (a, "tasks.list", json!({}), "ok"),
        (a, "tasks.list", json!({ "status": "todo" }), "ok"),
        (
            a,
            "tasks.list",
            json!({ "project_id": "proj_1", "status": "in_progress" }),
            "ok",
        ),
        (
            a,
            "tasks.list",
            json!({ "status": "someday" }),
            "validation_failed",
        ),
        (
            a,
            "tasks.create",
            json!({ "project_id": "proj_5", "title": "Write the spec", "assignee_id": "usr_bob", "estimate_minutes": 120, "labels": ["docs"] }),
            "ok",
        ),
        (
            a,
            "tasks.create",
            json!({ "project_id": "proj_4", "title": "Not mine" }),
            "not_found",
        ),
        (
            a,
            "tasks.create",
            json!({ "project_id": "proj_1", "title": "Carol?", "assignee_id": "usr_carol" }),
            "not_found",
        ),
        (
            a,
            "tasks.create",
            json!({ "project_id": "proj_1", "title": "" }),
            "validation_failed",
        ),
        (
            a,
            "tasks.update",
            json!({ "id": "task_5", "status": "in_progress", "title": "Write the spec, v2" }),
            "ok",
        ),
        (
            a,
            "tasks.update",
            json!({ "id": "task_4", "title": "Not mine" }),
            "not_found",
        ),
        (
            a,
            "tasks.update",
            json!({ "id": "task_3", "status": "cancelled" }),
            "ok",
        ),
        (
            a,
            "tasks.update",
            json!({ "id": "task_3", "title": "Offline mode, v2" }),
            "conflict",
        ),
        (
            a,
            "tasks.update",
            json!({ "id": "task_3", "status": "todo", "assignee_id": "usr_bob" }),
            "ok",
        ),
        (a, "tasks.delete", json!({ "id": "task_5" }), "ok"),
        (a, "tasks.delete", json!({ "id": "task_5" }), "not_found"),
        (a, "tasks.delete", json!({ "id": "task_4" }), "not_found"),
        (
            a,
            "chat.send",
            json!({ "room": "general", "body": text("hello") }),
            "ok",
        ),
        (
            a,
            "chat.send",
            json!({ "room": "general", "body": { "kind": "mention", "user_id": "usr_bob", "text": "see the spec" } }),
            "ok",
        ),
        (
            a,
            "chat.send",
            json!({ "room": "general", "body": { "kind": "mention", "user_id": "usr_carol", "text": "hi" } }),
            "validation_failed",
        ),
        (
            a,
            "chat.send",
            json!({ "room": "general", "body": { "kind": "attachment", "url": "https://files.invalid/a.pdf", "name": "a.pdf", "size_bytes": 1024 } }),
            "ok",
        ),
        (
            b,
            "chat.send",
            json!({ "room": "admin-ops", "body": text("let me in") }),
            "forbidden",
        ),
        (
            a,
            "chat.send",
            json!({ "room": "admin-ops", "body": text("admins only") }),
            "ok",
        ),
        (
            a,
            "chat.send",
            json!({ "room": "general", "body": { "kind": "shout" } }),
            "validation_failed",
        ),
        (a, "chat.history", json!({ "room": "general" }), "ok"),
        (
            a,
            "chat.history",
            json!({ "room": "general", "limit": 2 }),
            "ok",
        ),
        (
            b,
            "chat.history",
            json!({ "room": "admin-ops" }),
            "forbidden",
        ),
        (c, "chat.history", json!({ "room": "general" }), "ok"),
        (
            a,
            "invoices.create",
            json!({ "project_id": "proj_1", "from": "2025-01-01", "to": "2025-01-31" }),
            "ok",
        ),
        (
            a,
            "invoices.create",
            json!({ "project_id": "proj_1", "from": "2025-01-01", "to": "2025-01-31" }),
            "nothing_to_invoice",
        ),
        (
            b,
            "invoices.create",
            json!({ "project_id": "proj_2", "from": "2025-01-01", "to": "2025-01-31" }),
            "forbidden",
        ),
        (
            a,
            "invoices.create",
            json!({ "project_id": "proj_4", "from": "2025-01-01", "to": "2025-01-31" }),
            "not_found",
        ),
        (
            a,
            "invoices.create",
            json!({ "project_id": "proj_2", "from": "2025-02-01", "to": "2025-01-01" }),
            "validation_failed",
        ),
        (
            a,
            "invoices.create",
            json!({ "project_id": "proj_2", "from": "yesterday", "to": "2025-01-01" }),
            "validation_failed",
        ),
        (
            c,
            "invoices.create",
            json!({ "project_id": "proj_4", "from": "2025-01-01", "to": "2025-01-31", "due_days": 14 }),
            "ok",
        ),
        (b, "notifications.list", json!({}), "ok"),
        (
            b,
            "notifications.list",
            json!({ "unread_only": true }),
            "ok",
        ),
        (
            b,
            "notifications.mark_read",
            json!({ "ids": ["ntf_1", "ntf_2"] }),
            "ok",
        ),
        (
            b,
            "notifications.mark_read",
            json!({ "ids": ["ntf_1"] }),
            "ok",
        ),
        (
            b,
            "notifications.mark_read",
            json!({ "ids": ["ntf_999"] }),
            "not_found",
        ),
        (
            a,
            "notifications.mark_read",
            json!({ "ids": ["ntf_3"] }),
            "not_found",
        ),
        (
            b,
            "notifications.mark_read",
            json!({ "ids": [] }),
            "validation_failed",
        ),
        (
            b,
            "notifications.list",
            json!({ "unread_only": true }),
            "ok",
        ),
        (c, "tasks.list", json!({}), "ok"),
        (c, "time_entries.list", json!({}), "ok"),
        (
            c,
            "projects.list",
            json!({ "include_archived": true }),
            "ok",
        ),
    ]
}

const GENERATED: [&str; 8] = [
    "started_at",
    "stopped_at",
    "created_at",
    "updated_at",
    "sent_at",
    "issued_at",
    "due_date",
    "duration_seconds",
];

/// Masks what depends on the clock.
fn normalize(v: &Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = if GENERATED.contains(&k.as_str()) && !v.is_null() {
                        json!("<generated>")
                    } else {
                        normalize(v)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(normalize).collect()),
        other => other.clone(),
    }
}

#[derive(Debug, PartialEq)]
enum Outcome {
    Ok(Value),
    Error(String),
}

impl Outcome {
    fn label(&self) -> &str {
        match self {
            Outcome::Ok(_) => "ok",
            Outcome::Error(code) => code,
        }
    }
}

async fn over_websocket(server: &RunningServer) -> Vec<(Outcome, Value)> {
    let mut clients: HashMap<&str, Client> = HashMap::new();
    let mut out = Vec::new();
    for (user, action, payload, _) in script() {
        if !clients.contains_key(user) {
            clients.insert(user, Client::user(server, user).await);
        }
        let client = clients.get_mut(user).expect("connected above");
        let frame = client.request(action, payload).await;
        client.clear();
        let outcome = match frame["status"].as_str() {
            Some("ok") => Outcome::Ok(frame["data"].clone()),
            _ => Outcome::Error(frame["error"]["code"].as_str().unwrap_or("?").to_owned()),
        };
        out.push((outcome, frame["data"].clone()));
    }
    out
}

async fn over_rest(server: &RunningServer) -> Vec<(Outcome, Value)> {
    let rest = Rest::new(server);
    let contract = contract();
    let mut out = Vec::new();
    for (user, action, payload, _) in script() {
        let reply = rest.call(Some(&token(server, user)), action, payload).await;
        let outcome = if reply.status == 200 {
            Outcome::Ok(reply.body.clone())
        } else {
            let code = reply.code().to_owned();
            let expected = contract.errors.get(&code).map(|e| e.status);
            assert_eq!(
                Some(reply.status),
                expected,
                "REST status of {action} → {code}"
            );
            assert!(reply.body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()));
            Outcome::Error(code)
        };
        out.push((outcome, reply.body));
    }
    out
}

#[tokio::test]
async fn every_action_gives_the_same_result_over_both_transports() {
    let ws_server = server().await;
    let rest_server = server().await;
    let ws = over_websocket(&ws_server).await;
    let rest = over_rest(&rest_server).await;
    let contract = contract();
    let script = script();

    let mut covered: Vec<&str> = Vec::new();
    for (i, ((user, action, payload, expected), ((ws_outcome, _), (rest_outcome, _)))) in
        script.iter().zip(ws.iter().zip(rest.iter())).enumerate()
    {
        let step = format!("step {i}: {user} {action} {payload}");
        assert_eq!(
            ws_outcome.label(),
            *expected,
            "{step} over the WebSocket: {ws_outcome:?}"
        );
        assert_eq!(
            rest_outcome.label(),
            *expected,
            "{step} over REST: {rest_outcome:?}"
        );
        match (ws_outcome, rest_outcome) {
            (Outcome::Ok(a), Outcome::Ok(b)) => {
                assert_eq!(
                    normalize(a),
                    normalize(b),
                    "{step}: the transports disagree"
                );
                let schema = contract.standalone(&contract.actions[*action].response);
                let v = validator(&schema);
                assert_eq!(
                    problems(&v, a),
                    Vec::<String>::new(),
                    "{step}: response schema"
                );
                assert_eq!(
                    problems(&v, b),
                    Vec::<String>::new(),
                    "{step}: response schema"
                );
            }
            (a, b) => assert_eq!(a, b, "{step}"),
        }
        if !covered.contains(action) {
            covered.push(action);
        }
    }

    // every WebSocket action of the contract is in the script
    for (name, spec) in &contract.actions {
        if spec.websocket {
            assert!(covered.contains(&name.as_str()), "{name} is not exercised");
        }
    }

    // spot checks that the script did what it claims
    let data = |i: usize| match &ws[i].0 {
        Outcome::Ok(v) => v.clone(),
        Outcome::Error(_) => Value::Null,
    };
    let find = |action: &str, payload: Value| {
        script
            .iter()
            .position(|(_, a, p, _)| *a == action && *p == payload)
            .expect("a scripted step")
    };
    assert_eq!(
        data(find("projects.list", json!({})))
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    let page = data(find("time_entries.list", json!({ "limit": 2 })));
    assert_eq!(page["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(page["next_cursor"], "te_2");
    let last = data(find(
        "time_entries.list",
        json!({ "limit": 2, "cursor": "te_2" }),
    ));
    assert_eq!(last["items"][0]["id"], "te_1");
    assert_eq!(last["next_cursor"], Value::Null);
    let invoice = data(find(
        "invoices.create",
        json!({ "project_id": "proj_1", "from": "2025-01-01", "to": "2025-01-31" }),
    ));
    // 150 + 45 billable minutes at 95.00 EUR an hour
    assert_eq!(
        invoice["total"],
        json!({ "amount_cents": 30_875, "currency": "EUR" })
    );
    assert_eq!(invoice["lines"].as_array().map(Vec::len), Some(2));
    // seeded ntf_1, ntf_2 (task_5 assigned), ntf_3 (task_3 assigned), ntf_4 (mention); 1 and 2 read
    let unread = data(script.len() - 4);
    let ids: Vec<&str> = unread
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n["id"].as_str())
        .collect();
    assert_eq!(ids, ["ntf_4", "ntf_3"], "{unread}");
    let history = data(find(
        "chat.history",
        json!({ "room": "general", "limit": 2 }),
    ));
    assert_eq!(history[1]["body"]["kind"], "attachment");
    let carol_step = script
        .iter()
        .position(|(u, a, _, _)| *u == "usr_carol" && *a == "chat.history")
        .expect("carol reads the chat");
    let carol_history = data(carol_step);
    assert_eq!(carol_history, json!([]), "chat rooms are per org");

    ws_server.shutdown().await;
    rest_server.shutdown().await;
}

#[tokio::test]
async fn auth_refresh_is_rest_only() {
    let server = server().await;
    let rest = Rest::new(&server);
    let refresh = refresh_token(&server, "usr_alice");
    let pair = rest
        .call(None, "auth.refresh", json!({ "refresh_token": refresh }))
        .await;
    assert_eq!(pair.status, 200, "{}", pair.body);
    assert_eq!(pair.body["refresh_token"], refresh.as_str());
    let fresh = pair.body["access_token"]
        .as_str()
        .expect("a token")
        .to_owned();
    let projects = rest.ok(&fresh, "projects.list", json!({})).await;
    assert_eq!(projects.as_array().map(Vec::len), Some(2));

    let bad = rest
        .call(None, "auth.refresh", json!({ "refresh_token": "rt_nope" }))
        .await;
    assert_eq!((bad.status, bad.code()), (401, "unauthorized"));

    let mut ws = Client::user(&server, "usr_alice").await;
    let code = ws
        .err("auth.refresh", json!({ "refresh_token": refresh }))
        .await;
    assert_eq!(code, "unknown_action");
    server.shutdown().await;
}

#[tokio::test]
async fn rest_answers_bad_requests_with_the_contract_statuses() {
    let server = server().await;
    let rest = Rest::new(&server);
    let alice = token(&server, "usr_alice");
    let expect = |r: &Reply, status: u16, code: &str| {
        assert_eq!((r.status, r.code()), (status, code), "{}", r.body);
        assert!(r.body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    };

    expect(
        &rest.raw("GET", "/api/nowhere", Some(&alice), None).await,
        404,
        "unknown_action",
    );
    expect(
        &rest.raw("PUT", "/api/projects", Some(&alice), None).await,
        404,
        "unknown_action",
    );
    expect(
        &rest.raw("GET", "/api/projects", None, None).await,
        401,
        "unauthorized",
    );
    expect(
        &rest
            .raw("GET", "/api/projects", Some("at_forged"), None)
            .await,
        401,
        "unauthorized",
    );
    expect(
        &rest
            .raw("POST", "/api/projects", Some(&alice), Some("{nope"))
            .await,
        400,
        "bad_request",
    );
    expect(
        &rest
            .raw("POST", "/api/projects", Some(&alice), Some("[1]"))
            .await,
        400,
        "bad_request",
    );
    expect(
        &rest
            .raw("GET", "/api/time-entries?limit=abc", Some(&alice), None)
            .await,
        422,
        "validation_failed",
    );
    expect(
        &rest
            .raw("GET", "/api/time-entries?limit=500", Some(&alice), None)
            .await,
        422,
        "validation_failed",
    );
    expect(
        &rest
            .raw("GET", "/api/projects?colour=red", Some(&alice), None)
            .await,
        422,
        "validation_failed",
    );
    expect(
        &rest
            .raw(
                "PATCH",
                "/api/tasks/task_1",
                Some(&alice),
                Some(r#"{"id": "task_2", "title": "x"}"#),
            )
            .await,
        422,
        "validation_failed",
    );
    expect(
        &rest
            .raw("DELETE", "/api/tasks/task_4", Some(&alice), None)
            .await,
        404,
        "not_found",
    );

    // query values are typed by the payload schema; path parameters are decoded
    let page = rest
        .raw("GET", "/api/time-entries?limit=1", Some(&alice), None)
        .await;
    assert_eq!(page.status, 200);
    assert_eq!(page.body["items"].as_array().map(Vec::len), Some(1));
    let all = rest
        .raw(
            "GET",
            "/api/projects?include_archived=true",
            Some(&alice),
            None,
        )
        .await;
    assert_eq!(all.body.as_array().map(Vec::len), Some(3));
    let sent = rest
        .ok(
            &alice,
            "chat.send",
            json!({ "room": "team room", "body": { "kind": "text", "text": "hi" } }),
        )
        .await;
    assert_eq!(sent["room"], "team room");
    let history = rest
        .raw(
            "GET",
            "/api/chat/team%20room/history?limit=5",
            Some(&alice),
            None,
        )
        .await;
    assert_eq!(history.body[0]["id"], sent["id"], "{}", history.body);
    // an empty body is an empty payload
    let stop = rest
        .raw("POST", "/api/time-entries/stop", Some(&alice), None)
        .await;
    expect(&stop, 404, "not_found");
    server.shutdown().await;
}

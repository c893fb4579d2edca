//! Every `--fault` makes one observable divergence. Each check below observes one behaviour;
//! it must see the contract's behaviour on a clean server and the divergence on a server with
//! that fault (so each assertion fails without the fault).

mod common;

use std::time::Duration;

use common::*;
use serde_json::{json, Value};
use timetracker::server::{Fault, RunningServer, ServerConfig};

async fn with_fault(fault: Option<Fault>) -> RunningServer {
    server_with(ServerConfig {
        faults: fault.into_iter().collect(),
        ..ServerConfig::default()
    })
    .await
}

/// Runs `observe` on a clean server and on one with `fault`; it returns whether it saw the
/// divergence.
async fn assert_fault<F, Fut>(fault: Fault, observe: F)
where
    F: Fn(RunningServer) -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    assert!(
        !observe(with_fault(None).await).await,
        "{fault}: a clean server diverges"
    );
    assert!(
        observe(with_fault(Some(fault)).await).await,
        "{fault}: the divergence was not observed"
    );
}

/// `projects.get` of a project that does not exist, over REST.
async fn missing_project(server: &RunningServer) -> Reply {
    Rest::new(server)
        .call(
            Some(&token(server, "usr_alice")),
            "projects.get",
            json!({ "id": "proj_99" }),
        )
        .await
}

#[tokio::test]
async fn rest_status() {
    assert_fault(Fault::RestStatus, |server| async move {
        let r = missing_project(&server).await;
        assert_eq!(r.code(), "not_found");
        r.status == 400
    })
    .await;
}

async fn broadcast_seen(server: &RunningServer, over_rest: bool) -> bool {
    let mut bob = Client::user(server, "usr_bob").await;
    let payload = json!({ "project_id": "proj_1", "description": "watch me" });
    if over_rest {
        Rest::new(server)
            .ok(&token(server, "usr_alice"), "time_entries.start", payload)
            .await;
    } else {
        Client::user(server, "usr_alice")
            .await
            .ok("time_entries.start", payload)
            .await;
    }
    bob.sync().await;
    let seen = bob.take_event("TimeEntryStarted").is_some();
    // leave no timer running for the next observation
    Rest::new(server)
        .ok(&token(server, "usr_alice"), "time_entries.stop", json!({}))
        .await;
    seen
}

#[tokio::test]
async fn rest_no_broadcast() {
    assert_fault(Fault::RestNoBroadcast, |server| async move {
        let seen_ws = broadcast_seen(&server, false).await;
        assert!(seen_ws, "WebSocket mutations still broadcast");
        !broadcast_seen(&server, true).await
    })
    .await;
}

#[tokio::test]
async fn ws_missing_broadcast() {
    assert_fault(Fault::WsMissingBroadcast, |server| async move {
        !broadcast_seen(&server, false).await
    })
    .await;
}

#[tokio::test]
async fn cross_org_leak() {
    assert_fault(Fault::CrossOrgLeak, |server| async move {
        let mut carol = Client::user(&server, "usr_carol").await;
        let mut alice = Client::user(&server, "usr_alice").await;
        alice
            .ok("projects.create", json!({ "name": "Secret", "hourly_rate": { "amount_cents": 1, "currency": "EUR" } }))
            .await;
        carol.sync().await;
        carol.take_event("ProjectCreated").is_some()
    })
    .await;
}

#[tokio::test]
async fn late_cross_org_leak() {
    assert_fault(Fault::LateCrossOrgLeak, |server| async move {
        let mut carol = Client::user(&server, "usr_carol").await;
        let mut alice = Client::user(&server, "usr_alice").await;
        alice
            .ok("projects.create", json!({ "name": "Secret", "hourly_rate": { "amount_cents": 1, "currency": "EUR" } }))
            .await;
        carol.sync().await;
        // nothing at once: the leak comes past a short quiet window
        assert!(carol.take_event("ProjectCreated").is_none());
        tokio::time::sleep(std::time::Duration::from_millis(1800)).await;
        carol.sync().await;
        carol.take_event("ProjectCreated").is_some()
    })
    .await;
}

#[tokio::test]
async fn event_shape() {
    assert_fault(Fault::EventShape, |server| async move {
        let mut alice = Client::user(&server, "usr_alice").await;
        alice
            .ok("projects.create", json!({ "name": "Shaped", "hourly_rate": { "amount_cents": 1, "currency": "EUR" } }))
            .await;
        let ev = alice.event("ProjectCreated").await;
        ev["data"]["project"].get("created_at").is_none()
    })
    .await;
}

#[tokio::test]
async fn response_id() {
    assert_fault(Fault::ResponseId, |server| async move {
        let mut alice = Client::user(&server, "usr_alice").await;
        alice
            .send(json!({ "id": "rid-1", "action": "projects.list", "payload": {} }))
            .await;
        let frame = alice
            .find(WAIT, |v| v.get("status").is_some())
            .await
            .expect("a response");
        assert_eq!(frame["status"], "ok");
        frame["id"] != "rid-1"
    })
    .await;
}

#[tokio::test]
async fn response_shape() {
    assert_fault(Fault::ResponseShape, |server| async move {
        let renamed = |v: &Value| v.get("start_time").is_some() && v.get("started_at").is_none();
        let mut alice = Client::user(&server, "usr_alice").await;
        let started = alice
            .ok(
                "time_entries.start",
                json!({ "project_id": "proj_1", "description": "shape" }),
            )
            .await;
        let stopped = Rest::new(&server)
            .ok(&token(&server, "usr_alice"), "time_entries.stop", json!({}))
            .await;
        assert_eq!(
            renamed(&started),
            renamed(&stopped),
            "both transports behave alike"
        );
        renamed(&started)
    })
    .await;
}

#[tokio::test]
async fn rest_route() {
    assert_fault(Fault::RestRoute, |server| async move {
        let rest = Rest::new(&server);
        let alice = token(&server, "usr_alice");
        let r = rest
            .raw(
                "PATCH",
                "/api/tasks/task_1",
                Some(&alice),
                Some(r#"{"title": "Routed"}"#),
            )
            .await;
        if r.status == 200 {
            return false;
        }
        assert_eq!((r.status, r.code()), (404, "unknown_action"));
        let moved = rest
            .raw(
                "PATCH",
                "/api/task/task_1",
                Some(&alice),
                Some(r#"{"title": "Routed"}"#),
            )
            .await;
        assert_eq!(moved.status, 200, "{}", moved.body);
        true
    })
    .await;
}

#[tokio::test]
async fn no_pong() {
    assert_fault(Fault::NoPong, |server| async move {
        let mut alice = Client::user(&server, "usr_alice").await;
        alice.send(json!({ "type": "ping", "id": "p" })).await;
        let pong = alice
            .find(Duration::from_millis(400), |v| v["type"] == "pong")
            .await;
        // the connection still serves requests
        assert!(alice.ok("projects.list", json!({})).await.is_array());
        pong.is_none()
    })
    .await;
}

#[tokio::test]
async fn undeclared_error() {
    assert_fault(Fault::UndeclaredError, |server| async move {
        let mut alice = Client::user(&server, "usr_alice").await;
        let code = alice.err("tasks.delete", json!({ "id": "task_99" })).await;
        let declared = &contract().actions["tasks.delete"].errors;
        if code == "not_found" {
            assert!(declared.contains(&code));
            return false;
        }
        assert_eq!(code, "conflict");
        !declared.contains(&code)
    })
    .await;
}

#[tokio::test]
async fn rest_error_shape() {
    assert_fault(Fault::RestErrorShape, |server| async move {
        let r = missing_project(&server).await;
        assert_eq!((r.status, r.code()), (404, "not_found"));
        r.body["error"].get("message").is_none()
    })
    .await;
}

#[test]
fn every_fault_has_a_test_here() {
    let source = include_str!("faults.rs");
    for fault in Fault::ALL {
        let test = format!("async fn {}()", fault.name().replace('-', "_"));
        assert!(source.contains(&test), "no test for the `{fault}` fault");
    }
}

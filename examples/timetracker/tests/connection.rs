//! Connection management: heartbeats, application ping/pong, bad input, handshake and
//! first-message authentication, in-flight ids, slow consumers and token expiry.

mod common;

use std::time::Duration;

use common::*;
use serde_json::{json, Value};
use timetracker::server::{ServerConfig, CLOSE_HEARTBEAT_TIMEOUT, CLOSE_SLOW_CONSUMER};
use timetracker::CLOSE_UNAUTHORIZED;
use tokio_tungstenite::tungstenite::Message;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[tokio::test]
async fn a_client_that_never_answers_pings_is_closed_with_4408() {
    let server = server_with(ServerConfig {
        heartbeat_interval: ms(100),
        heartbeat_timeout: ms(200),
        ..ServerConfig::default()
    })
    .await;
    // tungstenite answers pings only while it reads, so a client that does not read is silent
    let mut silent = Client::user(&server, "usr_alice").await;
    let mut healthy = Client::user(&server, "usr_bob").await;
    let until = tokio::time::Instant::now() + ms(700);
    while tokio::time::Instant::now() < until {
        healthy.sync().await;
        tokio::time::sleep(ms(40)).await;
    }
    assert_eq!(
        silent.ended(WAIT).await,
        Ended::Close(CLOSE_HEARTBEAT_TIMEOUT)
    );
    healthy.sync().await;
    let projects = healthy.ok("projects.list", json!({})).await;
    assert!(
        projects.is_array(),
        "a client that answers pings stays connected"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn application_pings_get_pongs_echoing_the_id() {
    let server = server().await;
    let mut c = Client::user(&server, "usr_alice").await;
    c.send(json!({ "type": "ping", "id": "p-1" })).await;
    assert_eq!(c.next_frame().await, json!({ "type": "pong", "id": "p-1" }));
    c.send(json!({ "type": "ping" })).await;
    assert_eq!(c.next_frame().await, json!({ "type": "pong" }));
    c.send(json!({ "type": "ping", "id": 7 })).await;
    assert_eq!(c.next_frame().await, json!({ "type": "pong", "id": 7 }));
    server.shutdown().await;
}

fn error_with_null_id(v: &Value) -> bool {
    v["status"] == "error" && v["id"].is_null()
}

#[tokio::test]
async fn bad_input_gets_an_error_and_the_connection_stays_open() {
    let server = server().await;
    let mut c = Client::user(&server, "usr_alice").await;

    c.send_text("{\"id\": \"x\", \"action\": ").await;
    let e = c
        .find(WAIT, error_with_null_id)
        .await
        .expect("an error for malformed JSON");
    assert_eq!(e["error"]["code"], "bad_request");
    // said once, with serde's reason (was "the frame is not valid JSON: not valid JSON: EOF …")
    let message = e["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("the frame is not valid JSON: EOF while parsing"),
        "{message}"
    );

    c.send_message(Message::binary(vec![1u8, 2, 3])).await;
    let e = c
        .find(WAIT, error_with_null_id)
        .await
        .expect("an error for a binary frame");
    assert_eq!(e["error"]["code"], "bad_request");

    c.send(json!({ "action": "projects.list", "payload": {} }))
        .await;
    let e = c
        .find(WAIT, error_with_null_id)
        .await
        .expect("an error for a missing id");
    assert_eq!(e["error"]["code"], "bad_request");

    c.send(json!({ "id": "np", "action": "projects.list" }))
        .await;
    let e = c.response("np").await;
    assert_eq!(e["error"]["code"], "bad_request", "a missing payload: {e}");

    let e = c.request("time_entries.teleport", json!({})).await;
    assert_eq!(e["error"]["code"], "unknown_action");
    assert!(e["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("teleport")));

    let e = c
        .request(
            "tasks.create",
            json!({ "project_id": "proj_1", "title": "" }),
        )
        .await;
    assert_eq!(e["error"]["code"], "validation_failed");
    assert_eq!(
        e["error"]["details"]["errors"][0]["pointer"], "/title",
        "{e}"
    );

    let e = c
        .request("tasks.create", json!({ "project_id": "proj_1" }))
        .await;
    assert_eq!(
        e["error"]["details"]["errors"][0]["pointer"], "/title",
        "a missing member: {e}"
    );

    let e = c
        .request(
            "projects.list",
            json!({ "include_archived": "yes", "colour": "red" }),
        )
        .await;
    assert_eq!(e["error"]["code"], "validation_failed");
    let errors = e["error"]["details"]["errors"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(errors.len(), 2, "both problems are reported: {e}");

    let e = c.subscribe(&[]).await;
    assert_eq!(
        e["error"]["code"], "validation_failed",
        "an empty topic list: {e}"
    );
    c.send(json!({ "type": "dance" })).await;
    let e = c
        .find(WAIT, error_with_null_id)
        .await
        .expect("an error for an unknown control frame");
    assert_eq!(e["error"]["code"], "bad_request");

    // still open and working
    c.sync().await;
    assert!(c.ok("projects.list", json!({})).await.is_array());
    server.shutdown().await;
}

#[tokio::test]
async fn a_request_id_reused_while_in_flight_is_refused() {
    let server = server_with(ServerConfig {
        latency: ms(300),
        ..ServerConfig::default()
    })
    .await;
    let mut c = Client::user(&server, "usr_alice").await;
    let req = json!({ "id": "dup", "action": "projects.list", "payload": {} });
    c.send(req.clone()).await;
    c.send(req.clone()).await;
    let first = c.next_frame().await;
    assert_eq!(first["id"], "dup");
    assert_eq!(first["error"]["code"], "validation_failed", "{first}");
    assert!(first["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("in flight")));
    let second = c.next_frame().await;
    assert_eq!(
        (second["id"].clone(), second["status"].clone()),
        (json!("dup"), json!("ok"))
    );
    // once answered, the id may be used again
    c.send(req).await;
    assert_eq!(c.next_frame().await["status"], "ok");
    server.shutdown().await;
}

#[tokio::test]
async fn a_bad_token_is_refused_at_the_handshake_with_401() {
    let server = server().await;
    for url in [
        format!("{}?token=at_bogus", server.ws_url()),
        format!("{}?token=", server.ws_url()),
    ] {
        match Client::try_connect(url.as_str()).await {
            Err(ConnectError::Refused(status)) => assert_eq!(status, 401),
            Err(e) => panic!("expected an HTTP 401, got {e}"),
            Ok(_) => panic!("the handshake with a bad token was accepted"),
        }
    }
    server.shutdown().await;
}

#[tokio::test]
async fn an_auth_frame_may_name_the_contract_version() {
    // `transport.versioning` reads the version from the auth frame's `/version`: a client that
    // follows the contract sends it there, and is let in
    let server = server_with(ServerConfig {
        auth_timeout: ms(300),
        ..ServerConfig::default()
    })
    .await;
    let frame = json!({ "type": "auth", "id": "a1", "token": token(&server, "usr_alice"), "version": "1.1.0" });
    let contract = timetracker::contract();
    let versioning = contract.transport.versioning.as_ref().expect("versioning");
    assert_eq!(versioning.from_auth_frame(&frame).as_deref(), Some("1.1.0"));
    let mut client = Client::connect(&server.ws_url()).await;
    client.send(frame).await;
    assert_eq!(
        client.next_frame().await,
        json!({ "type": "authenticated", "id": "a1" })
    );
    assert!(client.ok("tasks.list", json!({})).await.is_array());
    // the member is a version string, nothing else
    let mut odd = Client::connect(&server.ws_url()).await;
    odd.send(json!({ "type": "auth", "token": token(&server, "usr_alice"), "version": 2 }))
        .await;
    assert_eq!(odd.ended(WAIT).await, Ended::Close(CLOSE_UNAUTHORIZED));
    server.shutdown().await;
}

#[tokio::test]
async fn first_message_authentication() {
    let server = server_with(ServerConfig {
        auth_timeout: ms(300),
        ..ServerConfig::default()
    })
    .await;
    let url = server.ws_url();

    let mut ok = Client::connect(&url).await;
    ok.send(json!({ "type": "auth", "id": "a1", "token": token(&server, "usr_alice") }))
        .await;
    assert_eq!(
        ok.next_frame().await,
        json!({ "type": "authenticated", "id": "a1" })
    );
    assert!(ok.ok("tasks.list", json!({})).await.is_array());

    let mut request_first = Client::connect(&url).await;
    request_first
        .send(json!({ "id": "r", "action": "projects.list", "payload": {} }))
        .await;
    assert_eq!(
        request_first.ended(WAIT).await,
        Ended::Close(CLOSE_UNAUTHORIZED)
    );

    let mut bad_token = Client::connect(&url).await;
    bad_token
        .send(json!({ "type": "auth", "token": "at_bogus" }))
        .await;
    assert_eq!(
        bad_token.ended(WAIT).await,
        Ended::Close(CLOSE_UNAUTHORIZED)
    );

    let mut garbage = Client::connect(&url).await;
    garbage.send_text("hello").await;
    assert_eq!(garbage.ended(WAIT).await, Ended::Close(CLOSE_UNAUTHORIZED));

    let mut quiet = Client::connect(&url).await;
    let started = tokio::time::Instant::now();
    assert_eq!(quiet.ended(WAIT).await, Ended::Close(CLOSE_UNAUTHORIZED));
    assert!(
        started.elapsed() >= ms(250),
        "closed before the auth timeout"
    );

    // the authenticated one is unaffected
    ok.sync().await;
    server.shutdown().await;
}

#[tokio::test]
async fn a_slow_consumer_is_disconnected_while_others_are_served() {
    let server = server_with(ServerConfig {
        outbound_queue: 8,
        ..ServerConfig::default()
    })
    .await;
    let rest = Rest::new(&server);
    let alice = token(&server, "usr_alice");
    let url = format!("{}?token={alice}", server.ws_url());
    let mut slow = Client::connect_small_buffer(&url, server.addr).await;
    let mut fast = Client::user(&server, "usr_bob").await;
    assert_eq!(slow.subscribe(&["chat:flood"]).await["type"], "subscribed");
    assert_eq!(fast.subscribe(&["chat:flood"]).await["type"], "subscribed");
    assert_eq!(server.authenticated_count(), 2);

    // `slow` never reads again; big messages fill the socket buffers, then its queue
    let text = "x".repeat(128 * 1024);
    let mut sent = 0;
    while server.authenticated_count() == 2 && sent < 400 {
        let body = json!({ "room": "flood", "body": { "kind": "text", "text": text } });
        rest.ok(&alice, "chat.send", body).await;
        sent += 1;
        let ev = fast.event("ChatMessage").await;
        assert_eq!(ev["topic"], "chat:flood");
        fast.clear();
    }
    assert_eq!(
        server.authenticated_count(),
        1,
        "the slow consumer was not disconnected after {sent} messages"
    );
    assert!(sent > 8, "disconnected before its queue could fill");
    // the others keep being served
    fast.sync().await;
    assert!(fast.ok("projects.list", json!({})).await.is_array());
    let ended = slow.ended(WAIT).await;
    assert!(
        matches!(ended, Ended::Close(CLOSE_SLOW_CONSUMER) | Ended::Dropped),
        "the slow consumer's connection: {ended:?}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn an_expired_token_is_refreshed_on_the_same_socket() {
    let server = server_with(ServerConfig {
        token_ttl: ms(600),
        ..ServerConfig::default()
    })
    .await;
    let rest = Rest::new(&server);
    let old = token(&server, "usr_alice");
    let mut c = Client::user(&server, "usr_alice").await;
    assert!(c.ok("projects.list", json!({})).await.is_array());

    let ev = c.event("TokenExpired").await;
    assert_eq!(
        ev.as_object().map(|o| o.len()),
        Some(2),
        "no org_id or topic: {ev}"
    );
    assert!(ev["data"]["expired_at"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z')));

    assert_eq!(c.err("projects.list", json!({})).await, "token_expired");
    let e = c.subscribe(&["chat:general"]).await;
    assert_eq!(e["error"]["code"], "token_expired");
    let r = rest.call(Some(&old), "projects.list", json!({})).await;
    assert_eq!((r.status, r.code()), (401, "token_expired"));
    let r = rest.call(None, "projects.list", json!({})).await;
    assert_eq!((r.status, r.code()), (401, "unauthorized"));
    match Client::try_connect(format!("{}?token={old}", server.ws_url())).await {
        Err(ConnectError::Refused(status)) => assert_eq!(status, 401),
        other => panic!("an expired token at the handshake: {:?}", other.map(|_| ())),
    }

    let pair = rest
        .call(
            None,
            "auth.refresh",
            json!({ "refresh_token": refresh_token(&server, "usr_alice") }),
        )
        .await;
    assert_eq!(pair.status, 200);
    let fresh = pair.body["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let reply = c
        .control(json!({ "type": "auth", "token": fresh }), "authenticated")
        .await;
    assert_eq!(reply["type"], "authenticated", "{reply}");
    assert!(
        c.ok("projects.list", json!({})).await.is_array(),
        "requests work again"
    );
    let expired_events = c
        .received()
        .iter()
        .filter(|f| f["event"] == "TokenExpired")
        .count();
    assert_eq!(expired_events, 1, "TokenExpired is sent once");

    // a token of another user on this socket closes it
    let carol = rest
        .call(
            None,
            "auth.refresh",
            json!({ "refresh_token": refresh_token(&server, "usr_carol") }),
        )
        .await;
    let carol = carol.body["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    c.send(json!({ "type": "auth", "token": carol })).await;
    assert_eq!(c.ended(WAIT).await, Ended::Close(CLOSE_UNAUTHORIZED));
    server.shutdown().await;
}

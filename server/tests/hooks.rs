//! The application's hooks and the settings a ported server needs: the outgoing hook (frames
//! changed and held back, REST statuses changed, events changed once), the refusal hook,
//! errors chosen by the auth and topic hooks, `Ctx::transport`, `mirror_to_tenant`, and the
//! settings `heartbeat`/`heartbeat_close`, `auth_timeout`, `refuse_duplicate_ids`,
//! `topics_per_tenant`, `require_credential`, plus `close_all` and
//! `authenticated_connections`.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{notes_service, principal_of, serve, Client, CreateNote, GetNote, Note, NoteCreated};
use frameproof::AuthMethod;
use frameproof_server::{Ctx, Error, Service, Settings, Transport};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

fn store() -> common::Store {
    Arc::default()
}

async fn rest(
    method: reqwest::Method,
    url: String,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = reqwest::Client::new().request(method, url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await.expect("an answer");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_outgoing_hook_changes_frames_statuses_and_events_and_holds_frames_back() {
    let service = notes_service(store())
        .on_outgoing(|out| {
            if out.transport == Transport::WebSocket && out.frame["status"] == "ok" {
                out.frame["id"] = json!("changed");
            }
            if out.frame["type"] == "pong" {
                out.send = false;
            }
            if out.event == Some("NoteCreated") {
                out.frame["data"]["note"]["text"] = json!("seen by the hook");
            }
            if out.transport == Transport::Http && out.status == Some(404) {
                out.status = Some(400);
            }
        })
        .build()
        .expect("builds");
    let addr = serve(service.router()).await;
    let mut alice = Client::connect(&format!("ws://{addr}/ws?token=t-alice")).await;
    alice
        .send(json!({"id": "r1", "action": "notes.create", "payload": {"text": "hi"}}))
        .await;
    let mut frames = [
        alice.next().await.expect("a frame"),
        alice.next().await.expect("a frame"),
    ];
    frames.sort_by_key(|f| f.get("event").is_some());
    assert_eq!(frames[0]["id"], "changed");
    assert_eq!(frames[1]["data"]["note"]["text"], "seen by the hook");
    alice.send(json!({"type": "ping", "id": "p"})).await;
    assert!(
        alice.silent_for(Duration::from_millis(300)).await,
        "the pong was held back"
    );
    let (status, body) = rest(
        reqwest::Method::GET,
        format!("http://{addr}/api/notes/nope"),
        Some("t-alice"),
        None,
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("not_found"))
    );
}

#[tokio::test]
async fn the_refusal_hook_answers_refused_requests_its_own_way() {
    let service = notes_service(store())
        .on_refusal(|r| {
            let rules: Vec<&str> = r.violations.iter().map(|v| v.rule.id()).collect();
            // one path only: the others keep the default answer
            if r.violations
                .iter()
                .any(|v| v.message.starts_with("PUT /api/notes is"))
            {
                return Some(Error::new("not_found", "no such route"));
            }
            // the payload as the handler would have had it, with the hook's own words
            let text = r.payload.and_then(|p| p.get("text")).cloned();
            (r.action == Some("notes.create")).then(|| {
                Error::new(
                    "bad_request",
                    format!("{:?} over {:?}: {text:?}", rules, r.transport),
                )
            })
        })
        .build()
        .expect("builds");
    let addr = serve(service.router()).await;
    let mut alice = Client::connect(&format!("ws://{addr}/ws?token=t-alice")).await;
    alice
        .send(json!({"id": "r1", "action": "notes.create", "payload": {"text": ""}}))
        .await;
    let answer = alice.next().await.expect("an answer");
    assert_eq!(answer["error"]["code"], "bad_request", "{answer}");
    assert!(answer["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("payload.schema") && m.contains("WebSocket")));
    let (status, body) = rest(
        reqwest::Method::POST,
        format!("http://{addr}/api/notes"),
        Some("t-alice"),
        Some(json!({"text": ""})),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("bad_request"))
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("Http") && m.contains("Some(String(\"\"))")),
        "{body}"
    );
    let (status, body) = rest(
        reqwest::Method::PUT,
        format!("http://{addr}/api/notes"),
        Some("t-alice"),
        None,
    )
    .await;
    assert_eq!(
        (status, body["error"]["message"].as_str()),
        (404, Some("no such route"))
    );
    // without the hook's answer, the default: a known path at another method is 405
    let (status, _) = rest(
        reqwest::Method::PUT,
        format!("http://{addr}/api/notes/n1"),
        Some("t-alice"),
        None,
    )
    .await;
    assert_eq!(status, 405);
}

#[tokio::test]
async fn the_auth_and_topic_hooks_choose_their_errors() {
    let service = notes_service(store())
        .authenticate_with(|token: String| async move {
            principal_of(&token).ok_or_else(|| Error::new("forbidden", "this token is banned"))
        })
        .authorize_topic_with(|_, topic| {
            Err(Error::not_found(format!(
                "`{topic}` is nothing that exists"
            )))
        })
        .build()
        .expect("builds");
    let addr = serve(service.router()).await;
    let (status, body) = rest(
        reqwest::Method::GET,
        format!("http://{addr}/api/notes/n1"),
        Some("t-nobody"),
        None,
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("forbidden"))
    );
    let mut alice = Client::connect(&format!("ws://{addr}/ws?token=t-alice")).await;
    alice
        .send(json!({"id": "s1", "type": "subscribe", "topics": ["note:n9"]}))
        .await;
    let answer = alice.next().await.expect("an answer");
    assert_eq!(
        (answer["id"].as_str(), answer["error"]["code"].as_str()),
        (Some("s1"), Some("not_found"))
    );
}

#[tokio::test]
async fn handlers_know_the_transport_and_may_mirror_a_tenant_event() {
    let seen: Arc<Mutex<Vec<Transport>>> = Arc::default();
    let log = seen.clone();
    let service = notes_service(store())
        .handle(move |ctx: Ctx, req: CreateNote| {
            let log = log.clone();
            async move {
                log.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(ctx.transport());
                let note = Note {
                    id: "n1".into(),
                    text: req.text,
                    author: "alice".into(),
                };
                ctx.emit(&NoteCreated { note: note.clone() }).await?;
                ctx.mirror_to_tenant("org_2", &NoteCreated { note: note.clone() })
                    .await?;
                Ok(note)
            }
        })
        .build()
        .expect("builds");
    let addr = serve(service.router()).await;
    let mut carol = Client::connect(&format!("ws://{addr}/ws?token=t-carol")).await;
    let mut alice = Client::connect(&format!("ws://{addr}/ws?token=t-alice")).await;
    alice
        .send(json!({"id": "r1", "action": "notes.create", "payload": {"text": "hi"}}))
        .await;
    let event = carol.next().await.expect("the mirrored event");
    assert_eq!(
        (event["event"].as_str(), event["org_id"].as_str()),
        (Some("NoteCreated"), Some("org_1"))
    );
    rest(
        reqwest::Method::POST,
        format!("http://{addr}/api/notes"),
        Some("t-alice"),
        Some(json!({"text": "x"})),
    )
    .await;
    let seen = seen.lock().unwrap_or_else(|e| e.into_inner()).clone();
    assert_eq!(seen, [Transport::WebSocket, Transport::Http]);
}

#[tokio::test]
async fn settings_for_topics_per_tenant_duplicates_and_credentials() {
    let service = notes_service(store())
        .handle(|_ctx: Ctx, req: GetNote| async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            Err::<Note, _>(Error::not_found(format!("no note `{}`", req.id)))
        })
        .settings(Settings {
            topics_per_tenant: true,
            refuse_duplicate_ids: true,
            require_credential: true,
            ..Settings::default()
        })
        .build()
        .expect("builds");
    let addr = serve(service.router()).await;
    let mut alice = Client::connect(&format!("ws://{addr}/ws?token=t-alice")).await;
    let mut carol = Client::connect(&format!("ws://{addr}/ws?token=t-carol")).await;
    // carol's org has a note:n1 topic of its own: alice's edit is not carol's business
    for c in [&mut alice, &mut carol] {
        c.send(json!({"id": "s", "type": "subscribe", "topics": ["note:n1"]}))
            .await;
        assert_eq!(c.next().await.expect("subscribed")["type"], "subscribed");
    }
    alice
        .send(json!({"id": "c", "action": "notes.create", "payload": {"text": "a"}}))
        .await;
    alice
        .send(json!({"id": "e", "action": "notes.edit", "payload": {"id": "n1", "text": "b"}}))
        .await;
    let mut got = Vec::new();
    // two answers, NoteCreated, NoteEdited
    for _ in 0..4 {
        got.push(alice.next().await.expect("a frame"));
    }
    assert!(got.iter().any(|f| f["event"] == "NoteEdited"), "{got:?}");
    assert!(
        carol.silent_for(Duration::from_millis(300)).await,
        "another tenant's topic event"
    );
    // the same id twice while the first runs
    let get = json!({"id": "dup", "action": "notes.get", "payload": {"id": "n1"}});
    alice.send(get.clone()).await;
    alice.send(get).await;
    let first = alice.next().await.expect("the refusal");
    assert_eq!(
        (first["id"].as_str(), first["error"]["code"].as_str()),
        (Some("dup"), Some("validation_failed"))
    );
    let second = alice.next().await.expect("the answer");
    assert_eq!(second["error"]["code"], "not_found");
    // no credential: 401 before the (invalid) payload is read
    let (status, body) = rest(
        reqwest::Method::POST,
        format!("http://{addr}/api/notes"),
        None,
        Some(json!({"text": ""})),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("unauthorized"))
    );
}

#[tokio::test]
async fn heartbeat_auth_timeout_and_close_all_follow_the_settings() {
    let mut contract = common::contract();
    contract.transport.auth.methods = vec![
        AuthMethod::Query {
            param: "token".into(),
        },
        AuthMethod::FirstMessage { timeout_ms: 60_000 },
    ];
    let service = Service::builder(contract)
        .handle(|_ctx: Ctx, _req: CreateNote| async { Err::<Note, _>(Error::internal("unused")) })
        .handle(|_ctx: Ctx, _req: GetNote| async { Err::<Note, _>(Error::internal("unused")) })
        .handle(|_ctx: Ctx, _req: common::EditNote| async {
            Err::<Note, _>(Error::internal("unused"))
        })
        .authenticate(|token: String| async move { principal_of(&token) })
        .settings(Settings {
            heartbeat: Some((Duration::from_millis(100), Duration::from_millis(200))),
            heartbeat_close: 4408,
            auth_timeout: Some(Duration::from_millis(200)),
            ..Settings::default()
        })
        .build()
        .expect("builds");
    let addr = serve(service.router()).await;
    // tungstenite answers pings only while it reads: a client that does not read is silent
    let mut silent = Client::connect(&format!("ws://{addr}/ws?token=t-alice")).await;
    let mut quiet = Client::connect(&format!("ws://{addr}/ws")).await;
    let mut reader = Client::connect(&format!("ws://{addr}/ws?token=t-bob")).await;
    let started = tokio::time::Instant::now();
    // the reader reads (and so answers pings) while the others are closed
    let until = started + Duration::from_millis(700);
    while tokio::time::Instant::now() < until {
        let _ = reader.silent_for(Duration::from_millis(50)).await;
    }
    assert_eq!(
        quiet.next().await,
        Err(Some(1008)),
        "no auth frame within 200 ms"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(
        service.authenticated_connections(),
        1,
        "the silent one is gone"
    );
    assert_eq!(silent.next().await, Err(Some(4408)));
    service.close_all(1001, "going away");
    assert_eq!(reader.next().await, Err(Some(1001)));
    let _ = reader.try_send_message(Message::Close(None)).await;
}

//! A credential that runs out on an open socket (the contract's expired event, requests
//! answered `token_expired`, events held, a fresh `auth` frame resumes), and version
//! negotiation (a connection of an older version is refused newer actions and not sent newer
//! events).

mod common;

use std::time::{Duration, SystemTime};

use common::{serve, Client};
use frameproof::{Action, Contract, Event, VersionMethod, Versioning};
use frameproof_server::{Ctx, Principal, Service};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Say something to the org.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "room.say", response = (), emits(Said))]
pub struct Say {
    pub text: String,
}

/// Pin something for the org (arrived in 1.1.0).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "room.pin", response = (), emits(Pinned), since = "1.1.0")]
pub struct Pin {
    pub text: String,
}

/// Somebody said something.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Event)]
#[event(name = "Said", scope = "tenant")]
pub struct Said {
    pub text: String,
}

/// Somebody pinned something (arrived in 1.1.0).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Event)]
#[event(name = "Pinned", scope = "tenant", since = "1.1.0")]
pub struct Pinned {
    pub text: String,
}

/// The connection's credential ran out.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Event)]
#[event(name = "TokenExpired", scope = "connection")]
pub struct TokenExpired {
    pub user: String,
}

fn contract() -> Contract {
    Contract::builder("room", "1.1.0")
        .configure_transport(|t| {
            t.auth.expired_event = Some("TokenExpired".into());
            t.versioning = Some(Versioning {
                methods: vec![VersionMethod::Query { param: "v".into() }],
            });
        })
        .action::<Say>()
        .action::<Pin>()
        .event::<Said>()
        .event::<Pinned>()
        .event::<TokenExpired>()
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn service() -> Service {
    Service::builder(contract())
        .handle(|ctx: Ctx, req: Say| async move { ctx.emit(&Said { text: req.text }).await })
        .handle(|ctx: Ctx, req: Pin| async move { ctx.emit(&Pinned { text: req.text }).await })
        .authenticate(|token: String| async move {
            let short = SystemTime::now() + Duration::from_millis(300);
            match token.as_str() {
                "t-short" => Some(Principal::new("sam").in_tenant("org").expiring_at(short)),
                "t-fresh" => Some(Principal::new("sam").in_tenant("org")),
                "t-ann" => Some(Principal::new("ann").in_tenant("org")),
                _ => None,
            }
        })
        .expired_event_data(|p: &Principal| json!({"user": p.id}))
        .build()
        .expect("starts")
}

#[tokio::test]
async fn an_expired_credential_is_renewed_on_the_same_socket() {
    let service = service();
    let addr = serve(service.router()).await;
    let mut sam = Client::connect(&format!("ws://{addr}/ws?token=t-short")).await;
    let mut ann = Client::connect(&format!("ws://{addr}/ws?token=t-ann")).await;
    let notice = sam.next().await.expect("the expired event");
    assert_eq!(
        notice,
        json!({"event": "TokenExpired", "data": {"user": "sam"}})
    );
    sam.send(json!({"id": "r1", "action": "room.say", "payload": {"text": "hi"}}))
        .await;
    let refused = sam.next().await.expect("an answer");
    assert_eq!(refused["error"]["code"], "token_expired", "{refused}");
    // events are held while expired
    ann.send(json!({"id": "a1", "action": "room.say", "payload": {"text": "anyone?"}}))
        .await;
    assert!(sam.silent_for(Duration::from_millis(300)).await);
    sam.send(json!({"type": "auth", "id": "au1", "token": "t-fresh"}))
        .await;
    assert_eq!(
        sam.next().await.expect("ack"),
        json!({"type": "authenticated", "id": "au1"})
    );
    sam.send(json!({"id": "r2", "action": "room.say", "payload": {"text": "back"}}))
        .await;
    let mut got = vec![
        sam.next().await.expect("a frame"),
        sam.next().await.expect("a frame"),
    ];
    got.sort_by_key(|f| f.to_string());
    assert!(
        got.iter().any(|f| f["id"] == "r2" && f["status"] == "ok"),
        "{got:?}"
    );
    assert!(got.iter().any(|f| f["event"] == "Said"), "{got:?}");
    let found = common::violations(service.contract(), &sam.log);
    assert!(found.is_empty(), "{found:#?}");
}

#[tokio::test]
async fn a_connection_of_an_older_version_is_held_to_it() {
    let service = service();
    let addr = serve(service.router()).await;
    let mut old = Client::connect(&format!("ws://{addr}/ws?token=t-fresh&v=1.0")).await;
    let mut new = Client::connect(&format!("ws://{addr}/ws?token=t-ann&v=1.1.0")).await;
    old.send(json!({"id": "o1", "action": "room.pin", "payload": {"text": "x"}}))
        .await;
    let refused = old.next().await.expect("an answer");
    assert_eq!(refused["error"]["code"], "unknown_action");
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("1.1.0"),
        "{refused}"
    );
    new.send(json!({"id": "n1", "action": "room.pin", "payload": {"text": "pinned"}}))
        .await;
    let mut got = vec![
        new.next().await.expect("a frame"),
        new.next().await.expect("a frame"),
    ];
    got.sort_by_key(|f| f.to_string());
    assert!(got.iter().any(|f| f["event"] == "Pinned"), "{got:?}");
    // the 1.0 connection is not sent the 1.1.0 event
    assert!(old.silent_for(Duration::from_millis(300)).await);
}

//! The contract's `ticket` auth method, served: a client trades its long-lived credential for
//! a ticket over REST (the ticket action's handler calls `Ctx::issue_ticket`) and opens the
//! socket with `?ticket=`. A ticket opens one socket, once, before it expires — on any
//! instance sharing the Redis backplane — and neither store keeps it in clear.

mod common;

use std::io::{Read, Write};
use std::sync::Arc;
use std::time::Duration;

use common::{free_port, notes_handlers, redis_server, serve, Client, Store};
use frameproof::{Action, AuthMethod, Contract};
use frameproof_server::{Ctx, RedisBackplane, Service, ServiceBuilder, Settings};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Trade the caller's credential for a one-time ticket that opens the socket.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "auth.ticket", response = IssuedTicket)]
pub struct GetTicket {}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct IssuedTicket {
    pub ticket: String,
    /// Seconds it stays valid.
    pub expires_in: u64,
}

fn contract() -> Contract {
    let notes = common::contract();
    let mut builder = Contract::builder("notes", "1.0.0")
        .action::<common::CreateNote>()
        .action::<common::GetNote>()
        .action::<common::EditNote>()
        .action::<GetTicket>()
        .event::<common::NoteCreated>()
        .event::<common::NoteEdited>();
    builder = builder.configure_transport(|t| {
        t.auth.methods = vec![AuthMethod::Ticket {
            action: "auth.ticket".into(),
            param: "ticket".into(),
        }];
    });
    let built = builder.build().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(built.actions.len(), notes.actions.len() + 1);
    built
}

fn ticket_service(store: Store, settings: Settings) -> ServiceBuilder {
    notes_handlers(Service::builder(contract()), store)
        .settings(settings)
        .handle(|ctx: Ctx, _: GetTicket| async move {
            let ticket = ctx.issue_ticket().await?;
            let left = ticket
                .expires_at
                .duration_since(std::time::SystemTime::now())
                .unwrap_or_default();
            Ok(IssuedTicket {
                ticket: ticket.value,
                expires_in: left.as_secs(),
            })
        })
}

async fn ticket_for(addr: std::net::SocketAddr, token: &str) -> String {
    let route = contract().actions["auth.ticket"]
        .rest
        .clone()
        .expect("a REST route");
    let response = reqwest::Client::new()
        .request(
            route.method.as_str().parse().expect("method"),
            format!("http://{addr}{}", route.path),
        )
        .bearer_auth(token)
        .json(&json!({}))
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .expect("the ticket action answers");
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("JSON");
    body["ticket"].as_str().expect("a ticket").to_owned()
}

/// The next frame that is not an event (a caller's own tenant event may come first).
async fn answer_to(client: &mut Client) -> Value {
    loop {
        let frame = client.next().await.expect("answered");
        if frame.get("event").is_none() {
            return frame;
        }
    }
}

/// The handshake's status for a socket URL (101 when it opens).
async fn handshake_status(url: &str) -> u16 {
    match frameproof_test_kit::ws::Client::try_connect(url).await {
        Ok(_) => 101,
        Err(e) => e.status().unwrap_or_else(|| panic!("{e}")),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ticket_opens_one_socket_once_for_its_principal() {
    let service = ticket_service(Store::default(), Settings::default())
        .build()
        .expect("starts");
    let addr = serve(service.router()).await;

    let ticket = ticket_for(addr, "t-alice").await;
    let mut alice = Client::connect(&format!("ws://{addr}/ws?ticket={ticket}")).await;
    let bob_ticket = ticket_for(addr, "t-bob").await;
    let mut bob = Client::connect(&format!("ws://{addr}/ws?ticket={bob_ticket}")).await;
    // the socket is alice's: her tenant's events reach bob, her name is on the note
    alice
        .send(json!({"id": "a1", "action": "notes.create", "payload": {"text": "hi"}}))
        .await;
    let answer = answer_to(&mut alice).await;
    assert_eq!(answer["data"]["author"], "alice", "{answer}");
    let event = bob.next().await.expect("bob hears it");
    assert_eq!(event["event"], "NoteCreated");

    // used once; an unknown ticket and the long-lived credential are not tickets
    for refused in [ticket.as_str(), "0123456789abcdef", "t-alice"] {
        let status = handshake_status(&format!("ws://{addr}/ws?ticket={refused}")).await;
        assert_eq!(status, 401, "{refused}");
    }
    // no ticket without a credential
    let r = reqwest::Client::new()
        .post(format!("http://{addr}/api/auth/ticket"))
        .json(&json!({}))
        .send()
        .await
        .expect("POST");
    assert_eq!(r.status(), 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_ticket_opens_nothing() {
    let settings = Settings {
        ticket_ttl: Duration::from_millis(200),
        ..Settings::default()
    };
    let service = ticket_service(Store::default(), settings)
        .build()
        .expect("starts");
    let addr = serve(service.router()).await;
    let ticket = ticket_for(addr, "t-alice").await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let status = handshake_status(&format!("ws://{addr}/ws?ticket={ticket}")).await;
    assert_eq!(status, 401);
}

/// `KEYS *` and every value, read from Redis over its own protocol.
fn redis_dump(port: u16) -> String {
    let mut conn = std::net::TcpStream::connect(("127.0.0.1", port)).expect("redis");
    conn.set_read_timeout(Some(Duration::from_secs(2)))
        .expect("time-out");
    conn.write_all(b"*2\r\n$4\r\nKEYS\r\n$1\r\n*\r\n")
        .expect("KEYS");
    let mut buf = vec![0u8; 64 * 1024];
    let n = conn.read(&mut buf).expect("answer");
    let keys = String::from_utf8_lossy(&buf[..n]).into_owned();
    let mut dump = keys.clone();
    for key in keys.lines().filter(|l| l.contains(":ticket:")) {
        let get = format!("*2\r\n$3\r\nGET\r\n${}\r\n{key}\r\n", key.len());
        conn.write_all(get.as_bytes()).expect("GET");
        let n = conn.read(&mut buf).expect("answer");
        dump.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    dump
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ticket_from_one_instance_opens_a_socket_on_another_once() {
    let port = free_port();
    let _redis = redis_server(port);
    let url = format!("redis://127.0.0.1:{port}/");
    let instance = || async {
        let backplane = RedisBackplane::with_timeout(&url, "notes", Duration::from_millis(500))
            .expect("a Redis URL");
        let service = ticket_service(Store::default(), Settings::default())
            .backplane(Arc::new(backplane))
            .build()
            .expect("starts");
        let addr = serve(service.router()).await;
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while !service.events_ready() {
            assert!(std::time::Instant::now() < deadline, "Redis feed not up");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        (service, addr)
    };
    let (_a, addr_a) = instance().await;
    let (_b, addr_b) = instance().await;

    let ticket = ticket_for(addr_a, "t-carol").await;
    let dump = redis_dump(port);
    assert!(
        dump.contains(":ticket:"),
        "the ticket is kept in Redis: {dump}"
    );
    assert!(
        !dump.contains(&ticket),
        "Redis holds the ticket in clear: {dump}"
    );

    let mut carol = Client::connect(&format!("ws://{addr_b}/ws?ticket={ticket}")).await;
    carol
        .send(json!({"id": "c1", "action": "notes.create", "payload": {"text": "on b"}}))
        .await;
    let answer = answer_to(&mut carol).await;
    assert_eq!(answer["data"]["author"], "carol", "{answer}");
    // used on B: refused on A and on B
    for addr in [addr_a, addr_b] {
        let status = handshake_status(&format!("ws://{addr}/ws?ticket={ticket}")).await;
        assert_eq!(status, 401);
    }
}

//! A ticket is a credential: the proxy in front of a service with the contract's `ticket`
//! auth method (frameproof-server, `Ctx::issue_ticket`) records neither the ticket the ticket
//! action hands out nor the one in the socket's query, and the socket it opens still works.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use frameproof::{Action, AuthMethod, Contract};
use frameproof_proxy::{start, ProxyConfig};
use frameproof_server::{Ctx, Error, Principal, Service};
use frameproof_test_kit::ws::Client;
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
}

/// Who the socket belongs to.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "whoami", response = String, rest = false)]
pub struct WhoAmI {}

fn contract() -> Contract {
    Contract::builder("tickets", "1.0.0")
        .action::<GetTicket>()
        .action::<WhoAmI>()
        .configure_transport(|t| {
            t.auth.methods = vec![AuthMethod::Ticket {
                action: "auth.ticket".into(),
                param: "ticket".into(),
            }];
        })
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

async fn upstream() -> SocketAddr {
    let service = Service::builder(contract())
        .handle(|ctx: Ctx, _: GetTicket| async move {
            let ticket = ctx.issue_ticket().await?;
            Ok(IssuedTicket {
                ticket: ticket.value,
            })
        })
        .handle(|ctx: Ctx, _: WhoAmI| async move {
            ctx.principal()
                .map(|p| p.id.clone())
                .ok_or_else(|| Error::new("unauthorized", "nobody"))
        })
        .authenticate(|token: String| async move {
            (token == "long-lived-secret").then(|| Principal::new("alice"))
        })
        .build()
        .expect("starts");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, service.router()).await;
    });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tickets_never_reach_the_recording() {
    let upstream = upstream().await;
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("proxy-tickets");
    let _ = std::fs::remove_dir_all(&dir);
    let mut config = ProxyConfig::new(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        format!("http://{upstream}"),
    );
    config.record = Some(dir.clone());
    config.on_violation = Arc::new(|v| panic!("no violation expected: {v:?}"));
    let proxy = start(&contract(), config).await.expect("proxy");

    let answer: Value = reqwest::Client::new()
        .post(format!("http://{}/api/auth/ticket", proxy.addr))
        .bearer_auth("long-lived-secret")
        .json(&json!({}))
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .expect("the ticket action answers through the proxy")
        .json()
        .await
        .expect("JSON");
    let ticket = answer["ticket"].as_str().expect("a ticket").to_owned();

    let url = format!("ws://{}/ws?ticket={ticket}", proxy.addr);
    let mut ws = Client::connect(&url).await;
    let ask = json!({"id": "w1", "action": "whoami", "payload": {}});
    ws.send(ask).await;
    let reply = ws.next_frame().await;
    assert_eq!(reply["data"], "alice", "{reply}");
    drop(ws);

    let recording = proxy
        .shutdown()
        .await
        .expect("shutdown")
        .expect("a recording");
    let text = std::fs::read_to_string(&recording.path).expect("read");
    assert!(
        text.contains("auth.ticket") || text.contains("/api/auth/ticket"),
        "{text}"
    );
    assert!(text.contains("whoami"), "the socket was recorded: {text}");
    assert!(
        !text.contains(&ticket),
        "the ticket is in the recording: {text}"
    );
    assert!(!text.contains("long-lived-secret"), "{text}");
    let _ = std::fs::remove_dir_all(dir);
}

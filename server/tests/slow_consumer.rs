//! A client that stops reading cannot hold the server: its bounded outbound queue fills and it
//! is closed as a slow consumer, while a client that reads receives every event.

mod common;

use std::time::{Duration, Instant};

use common::{serve, Client};
use frameproof::{Action, Contract, Event};
use frameproof_server::{Ctx, Principal, Service, Settings};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Shout a large text to the org.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "room.shout", response = (), emits(Shouted))]
pub struct Shout {
    pub times: u32,
}

/// A large text.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Event)]
#[event(name = "Shouted", scope = "tenant")]
pub struct Shouted {
    pub text: String,
}

fn contract() -> Contract {
    Contract::builder("room", "1.0.0")
        .configure_transport(|t| {
            t.heartbeat.interval_ms = 200;
            t.heartbeat.timeout_ms = 500;
        })
        .action::<Shout>()
        .event::<Shouted>()
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_is_closed_and_the_others_are_served() {
    let service = Service::builder(contract())
        .handle(|ctx: Ctx, req: Shout| async move {
            let text = "x".repeat(64 * 1024);
            for i in 0..req.times {
                ctx.emit(&Shouted { text: text.clone() }).await?;
                // paced: a client that reads keeps up with its 16-frame queue
                if i % 4 == 3 {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
            }
            Ok(())
        })
        .authenticate(|token: String| async move { Some(Principal::new(token).in_tenant("org")) })
        .settings(Settings {
            outbound_queue: 16,
            ..Settings::default()
        })
        .build()
        .expect("starts");
    let addr = serve(service.router()).await;
    // connects, then never reads again
    let _stalled = Client::connect(&format!("ws://{addr}/ws?token=stalled")).await;
    let mut shouter = Client::connect(&format!("ws://{addr}/ws?token=shouter")).await;
    assert_eq!(service.connections(), 2);
    // 400 × 64 KiB = 25 MiB of events for the stalled client's 16-frame queue
    shouter
        .send(json!({"id": "s1", "action": "room.shout", "payload": {"times": 400}}))
        .await;
    let deadline = Instant::now() + Duration::from_secs(15);
    // the shouter reads: its own 400 events and its answer
    let mut events = 0;
    let mut answered = false;
    while Instant::now() < deadline && (events < 400 || !answered) {
        match shouter.next().await {
            Ok(frame) if frame["event"] == "Shouted" => events += 1,
            Ok(frame) if frame["id"] == "s1" => answered = true,
            Ok(_) => {}
            Err(close) => panic!("the reading client was closed ({close:?}) after {events} events"),
        }
    }
    assert_eq!(events, 400, "the reading client lost events");
    assert!(answered, "the shouter is answered");
    while service.connections() > 1 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(service.connections(), 1, "the stalled client is still held");
}

//! The server accepts what its contract accepts. Before: `{"by": 5.0}` is an integer to JSON
//! Schema (so the contract, the validator and every outside validator accept it) and serde
//! refused it ("invalid type: floating point"); `4294967296` for a `u32` was valid by the
//! contract (no upper bound) and refused by serde. Now the contract carries the type's range and
//! the server reads integral numbers as integers, over both transports.

mod common;

use common::{serve, Client};
use frameproof::{Action, Contract};
use frameproof_server::{Ctx, Principal, Service};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Add to the counter.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "counter.add", response = u32)]
pub struct Add {
    pub by: u32,
}

fn contract() -> Contract {
    Contract::builder("numbers", "1.0.0")
        .action::<Add>()
        .build()
        .expect("a sound contract")
}

#[tokio::test]
async fn integers_written_as_floats_and_the_range_edge() {
    let schema = &contract().defs["Add"]["properties"]["by"];
    assert_eq!(schema["maximum"], json!(4294967295u64), "{schema}");
    assert!(schema.get("format").is_none(), "{schema}");

    let service = Service::builder(contract())
        .handle(|_ctx: Ctx, req: Add| async move { Ok(req.by) })
        .authenticate(|_token: String| async move { Some(Principal::new("ada")) })
        .build()
        .expect("a complete service");
    let addr = serve(service.router()).await;
    let mut ws = Client::connect(&format!("ws://{addr}/ws?token=t")).await;
    for (id, by, expect) in [
        (
            "a",
            json!(5.0),
            json!({"id": "a", "status": "ok", "data": 5}),
        ),
        (
            "b",
            json!(4294967295u64),
            json!({"id": "b", "status": "ok", "data": 4294967295u64}),
        ),
    ] {
        ws.send(json!({"id": id, "action": "counter.add", "payload": {"by": by}}))
            .await;
        assert_eq!(ws.next().await.expect("an answer"), expect);
    }
    ws.send(json!({"id": "c", "action": "counter.add", "payload": {"by": 4294967296u64}}))
        .await;
    let refused = ws.next().await.expect("an answer");
    assert_eq!(refused["error"]["code"], "validation_failed", "{refused}");

    let http = reqwest::Client::new();
    let answer = http
        .post(format!("http://{addr}/api/counter/add"))
        .bearer_auth("t")
        .header("content-type", "application/json")
        .body(r#"{"by": 7.0}"#)
        .send()
        .await
        .expect("REST answers");
    assert_eq!(answer.status(), 200);
    assert_eq!(
        answer.json::<serde_json::Value>().await.expect("json"),
        json!(7)
    );
}

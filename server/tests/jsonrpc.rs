//! The JSON-RPC 2.0 specification's example service (examples/jsonrpc-service, `calculator`)
//! served by frameproof-server: the same handlers answer over the WebSocket and the RPC
//! endpoint, in JSON-RPC's envelope (numeric codes, batches, notifications without answers),
//! and every frame validates against the contract.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::{serve, violations, Client};
use frameproof_server::{Ctx, Error, Service};
use jsonrpc_service::calculator::{self, GetData, NotifyHello, NotifySum, Subtract, Sum, Update};
use serde_json::{json, Value};

fn service(notified: Arc<AtomicUsize>) -> Service {
    let (n1, n2, n3) = (notified.clone(), notified.clone(), notified);
    Service::builder(calculator::contract())
        .handle(|_ctx: Ctx, req: Subtract| async move {
            Ok(match req {
                Subtract::Positional(a, b) => a - b,
                Subtract::Named {
                    minuend,
                    subtrahend,
                } => minuend - subtrahend,
            })
        })
        .handle(|_ctx: Ctx, req: Sum| async move {
            if req.0.len() > 100 {
                return Err(Error::validation_failed("at most 100 numbers"));
            }
            Ok(req.0.iter().sum())
        })
        .handle(|_ctx: Ctx, _req: GetData| async move { Ok(("hello".to_owned(), 5)) })
        .handle(move |_ctx: Ctx, _req: Update| {
            n1.fetch_add(1, Ordering::Relaxed);
            async move { Ok(()) }
        })
        .handle(move |_ctx: Ctx, _req: NotifyHello| {
            n2.fetch_add(1, Ordering::Relaxed);
            async move { Ok(()) }
        })
        .handle(move |_ctx: Ctx, _req: NotifySum| {
            n3.fetch_add(1, Ordering::Relaxed);
            async move { Ok(()) }
        })
        .build()
        .expect("starts")
}

#[tokio::test]
async fn the_specs_service_over_the_socket() {
    let notified = Arc::new(AtomicUsize::new(0));
    let service = service(notified.clone());
    let addr = serve(service.router()).await;
    let mut c = Client::connect(&format!("ws://{addr}/")).await;
    c.send(json!({"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": 1}))
        .await;
    assert_eq!(
        c.next().await.expect("answer"),
        json!({"jsonrpc": "2.0", "id": 1, "result": 19})
    );
    c.send(json!({"jsonrpc": "2.0", "method": "subtract", "params": {"subtrahend": 23, "minuend": 42}, "id": 3})).await;
    assert_eq!(c.next().await.expect("answer")["result"], 19);
    c.send(json!({"jsonrpc": "2.0", "method": "update", "params": [1, 2, 3, 4, 5]}))
        .await;
    c.send(json!({"jsonrpc": "2.0", "method": "foobar", "id": "1"}))
        .await;
    let missing = c.next().await.expect("answer");
    assert_eq!(missing["error"]["code"], -32601, "{missing}");
    assert_eq!(missing["id"], "1");
    c.send(json!([
        {"jsonrpc": "2.0", "method": "sum", "params": [1, 2, 4], "id": "1"},
        {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},
        {"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": "2"},
        {"foo": "boo"},
        {"jsonrpc": "2.0", "method": "get_data", "id": "9"}
    ]))
    .await;
    let batch = c.next().await.expect("the batch's answer");
    let answers = batch.as_array().expect("an array");
    assert_eq!(answers.len(), 4, "{batch}");
    assert_eq!(
        answers[0],
        json!({"jsonrpc": "2.0", "id": "1", "result": 7})
    );
    assert_eq!(answers[1]["result"], 19);
    assert_eq!(answers[2]["error"]["code"], -32602, "{batch}");
    assert_eq!(answers[2]["id"], Value::Null);
    assert_eq!(answers[3]["result"], json!(["hello", 5]));
    assert!(
        c.silent_for(Duration::from_millis(200)).await,
        "notifications get no answer"
    );
    assert_eq!(notified.load(Ordering::Relaxed), 2);
    // what the server sent validates; the client's own mistakes (foobar, {"foo": "boo"}) are
    // the only violations
    let found = violations(service.contract(), &c.log);
    assert!(
        found
            .iter()
            .all(|v| v.starts_with("frame.unknown_action") || v.starts_with("frame.envelope /3")),
        "{found:#?}"
    );
}

#[tokio::test]
async fn the_same_handlers_over_the_rpc_endpoint() {
    let notified = Arc::new(AtomicUsize::new(0));
    let service = service(notified.clone());
    let addr = serve(service.router()).await;
    let http = reqwest::Client::new();
    let post = |body: Value| {
        let http = http.clone();
        async move {
            let r = http
                .post(format!("http://{addr}/"))
                .json(&body)
                .send()
                .await
                .expect("POST");
            let status = r.status().as_u16();
            let text = r.text().await.expect("body");
            (status, text)
        }
    };
    let (status, text) =
        post(json!({"jsonrpc": "2.0", "method": "sum", "params": [1, 2], "id": 7})).await;
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_str::<Value>(&text).ok(),
        Some(json!({"jsonrpc": "2.0", "id": 7, "result": 3}))
    );
    let (status, text) =
        post(json!({"jsonrpc": "2.0", "method": "notify_sum", "params": [1]})).await;
    assert_eq!((status, text.as_str()), (202, ""));
    let (status, text) = post(json!([
        {"jsonrpc": "2.0", "method": "get_data", "id": "a"},
        {"jsonrpc": "2.0", "method": "sum", "params": "no", "id": "b"}
    ]))
    .await;
    assert_eq!(status, 200);
    let answers: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(answers[0]["result"], json!(["hello", 5]));
    assert_eq!(answers[1]["error"]["code"], -32602);
    assert_eq!(notified.load(Ordering::Relaxed), 1);
    // the exchanges as the validator reads them from the RPC endpoint
    let validator = frameproof_validator::Validator::new(service.contract()).expect("compiles");
    let found = validator.check_rpc_exchange(
        &json!({"jsonrpc": "2.0", "method": "sum", "params": [1, 2], "id": 7}).to_string(),
        200,
        Some("application/json"),
        &json!({"jsonrpc": "2.0", "id": 7, "result": 3}).to_string(),
    );
    assert!(found.is_empty(), "{found:?}");
}

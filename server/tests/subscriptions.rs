//! Subscriptions handed out by a result (examples/jsonrpc-service, `eth_node`):
//! `eth_subscribe` answers with an id, `eth_subscription` notifications go to the connection
//! that holds it and nobody else, `eth_unsubscribe` ends it; what the server sends validates.

mod common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::{serve, violations, Client};
use frameproof_server::{Ctx, Service};
use jsonrpc_service::eth_node::{
    self, BlockNumber, ChainId, GetBalance, Hex, Mine, NetVersion, Subscribe, SubscriptionNotice,
    Unsubscribe,
};
use serde_json::json;

fn node() -> Service {
    let next = Arc::new(AtomicU64::new(1));
    let blocks = Arc::new(AtomicU64::new(0));
    let mined = blocks.clone();
    Service::builder(eth_node::contract())
        .handle(|_ctx: Ctx, _req: ChainId| async move { Ok(Hex("0x539".into())) })
        .handle(|_ctx: Ctx, _req: NetVersion| async move {
            Ok(jsonrpc_service::eth_node::NetworkId("1337".to_owned()))
        })
        .handle(move |_ctx: Ctx, _req: BlockNumber| {
            let n = blocks.load(Ordering::Relaxed);
            async move { Ok(Hex(format!("{n:#x}"))) }
        })
        .handle(|_ctx: Ctx, _req: GetBalance| async move { Ok(Hex("0x0".into())) })
        .handle(move |_ctx: Ctx, _req: Subscribe| {
            let id = next.fetch_add(1, Ordering::Relaxed);
            async move { Ok(Hex(format!("{id:#x}"))) }
        })
        .handle(|_ctx: Ctx, _req: Unsubscribe| async move { Ok(true) })
        .handle(move |ctx: Ctx, _req: Mine| {
            let n = mined.fetch_add(1, Ordering::Relaxed) + 1;
            async move {
                // every subscription this test opened hears of the block
                for sub in ["0x1", "0x2"] {
                    ctx.emit(&SubscriptionNotice {
                        subscription: Hex(sub.into()),
                        result: json!({"number": format!("{n:#x}")}),
                    })
                    .await?;
                }
                Ok(Hex("0x0".into()))
            }
        })
        .build()
        .expect("starts")
}

#[tokio::test]
async fn notices_go_to_the_holder_of_the_subscription_until_it_ends() {
    let service = node();
    let addr = serve(service.router()).await;
    let mut alice = Client::connect(&format!("ws://{addr}/")).await;
    let mut bob = Client::connect(&format!("ws://{addr}/")).await;
    alice
        .send(json!({"jsonrpc": "2.0", "id": 1, "method": "eth_subscribe", "params": ["newHeads"]}))
        .await;
    assert_eq!(alice.next().await.expect("answer")["result"], "0x1");
    bob.send(json!({"jsonrpc": "2.0", "id": "m", "method": "evm_mine", "params": []}))
        .await;
    assert_eq!(bob.next().await.expect("answer")["result"], "0x0");
    let notice = alice.next().await.expect("alice hears the block");
    assert_eq!(notice["method"], "eth_subscription");
    assert_eq!(notice["params"]["subscription"], "0x1");
    // bob holds no subscription: no notice, not even for 0x2, which nobody was handed
    assert!(bob.silent_for(Duration::from_millis(200)).await);
    alice
        .send(json!({"jsonrpc": "2.0", "id": 2, "method": "eth_unsubscribe", "params": ["0x1"]}))
        .await;
    assert_eq!(alice.next().await.expect("answer")["result"], true);
    bob.send(json!({"jsonrpc": "2.0", "id": "m2", "method": "evm_mine", "params": []}))
        .await;
    assert_eq!(bob.next().await.expect("answer")["result"], "0x0");
    assert!(
        alice.silent_for(Duration::from_millis(200)).await,
        "the subscription ended"
    );
    for c in [&alice, &bob] {
        let found = violations(service.contract(), &c.log);
        assert!(found.is_empty(), "{found:#?}");
    }
}

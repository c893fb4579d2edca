//! Subscriptions handed out by a result: `eth_subscribe` answers with an id, `eth_subscription`
//! notifications carry it, `eth_unsubscribe` ends it. Frames as ganache sends them.

use frameproof::Direction;
use frameproof_validator::Validator;
use serde_json::{json, Value};

fn notice(id: &str, number: &str) -> Value {
    json!({"jsonrpc": "2.0", "method": "eth_subscription", "params": {
        "subscription": id,
        "result": {"number": number, "hash": "0xab", "parentHash": "0xcd", "timestamp": "0x65920080",
                   "miner": "0x0000000000000000000000000000000000000000"}
    }})
}

fn run(frames: &[(Direction, Value)]) -> Vec<(usize, String)> {
    let validator = Validator::new(&jsonrpc_service::eth_node::contract()).expect("compiles");
    let mut session = validator.session();
    let mut out = Vec::new();
    for (i, (d, f)) in frames.iter().enumerate() {
        for v in session.observe(*d, f.to_string().as_bytes()) {
            out.push((i, format!("{} {}", v.rule, v.message)));
        }
    }
    for v in session.finish() {
        out.push((frames.len(), format!("{} {}", v.rule, v.message)));
    }
    out
}

#[test]
fn contract_json_is_in_step_with_the_types() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("eth-node.contract.json");
    frameproof::assert_contract_file(&jsonrpc_service::eth_node::contract(), path);
}

#[test]
fn notifications_follow_the_subscriptions_a_result_hands_out() {
    use Direction::{Client, Server};
    let found = run(&[
        (
            Client,
            json!({"jsonrpc": "2.0", "id": "s1", "method": "eth_subscribe", "params": ["newHeads"]}),
        ),
        (
            Server,
            json!({"id": "s1", "jsonrpc": "2.0", "result": "0x1"}),
        ),
        (Server, notice("0x1", "0x1")),
        // never handed out
        (Server, notice("0x2", "0x2")),
        (
            Client,
            json!({"jsonrpc": "2.0", "id": 5, "method": "eth_unsubscribe", "params": ["0x1"]}),
        ),
        // still in flight while the unsubscribe is: allowed
        (Server, notice("0x1", "0x3")),
        (Server, json!({"id": 5, "jsonrpc": "2.0", "result": true})),
        // ended
        (Server, notice("0x1", "0x4")),
    ]);
    let rules: Vec<(usize, &str)> = found
        .iter()
        .map(|(i, m)| (*i, m.split(' ').next().unwrap_or_default()))
        .collect();
    assert_eq!(
        rules,
        vec![
            (3, "session.unknown_subscription"),
            (7, "session.unknown_subscription")
        ],
        "{found:?}"
    );
    assert!(found[0].1.contains("\"0x2\""), "{}", found[0].1);
}

#[test]
fn a_subscription_result_without_an_id_and_a_notice_without_one_are_named() {
    use Direction::{Client, Server};
    let found = run(&[
        (
            Client,
            json!({"jsonrpc": "2.0", "id": 1, "method": "eth_subscribe", "params": ["newHeads"]}),
        ),
        (Server, json!({"id": 1, "jsonrpc": "2.0", "result": null})),
        (
            Server,
            json!({"jsonrpc": "2.0", "method": "eth_subscription", "params": {"result": {}}}),
        ),
    ]);
    let rules: Vec<&str> = found
        .iter()
        .map(|(_, m)| m.split(' ').next().unwrap_or_default())
        .collect();
    assert!(rules.contains(&"response.schema"), "{found:?}");
    assert!(rules.contains(&"event.schema"), "{found:?}");
    assert!(rules.contains(&"event.scope"), "{found:?}");
}

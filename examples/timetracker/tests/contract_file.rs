//! `contract.json` is checked in; this test fails when it falls behind the Rust types.
//! Rewrite it with `FRAMEPROOF_BLESS=1 cargo test -p timetracker --test contract_file`.

#[test]
fn contract_json_is_in_step_with_the_types() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("contract.json");
    frameproof::assert_contract_file(&timetracker::contract(), path);
}

/// Rules the server enforces are stated in the contract, so a client (and any validator) knows
/// them before the server refuses. Before: a blank project name and an empty chat room were valid
/// by the contract and refused by the server.
#[test]
fn the_servers_rules_are_stated_in_the_contract() {
    use serde_json::{json, Value};
    let contract = timetracker::contract();
    let valid = |action: &str, payload: Value| {
        let mut schema = contract.actions[action].payload.clone();
        schema["$defs"] = json!(contract.defs);
        jsonschema::validator_for(&schema)
            .expect("the payload schema compiles")
            .is_valid(&payload)
    };
    let rate = json!({"amount_cents": 100, "currency": "EUR"});
    assert!(!valid("chat.history", json!({"room": ""})));
    assert!(valid("chat.history", json!({"room": "general"})));
    assert!(!valid(
        "chat.send",
        json!({"room": "", "body": {"kind": "text", "text": "hi"}})
    ));
    assert!(valid(
        "chat.send",
        json!({"room": "general", "body": {"kind": "text", "text": "hi"}})
    ));
    assert!(!valid(
        "projects.create",
        json!({"name": "   ", "hourly_rate": rate})
    ));
    assert!(valid(
        "projects.create",
        json!({"name": "Atlas", "hourly_rate": rate})
    ));
}

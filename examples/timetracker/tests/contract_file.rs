//! `contract.json` is checked in; this test fails when it falls behind the Rust types.
//! Rewrite it with `FRAMEPROOF_BLESS=1 cargo test -p timetracker --test contract_file`.

#[test]
fn contract_json_is_in_step_with_the_types() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("contract.json");
    frameproof::assert_contract_file(&timetracker::contract(), path);
}

/// Rules the server enforces are stated in the contract, so a client (and any validator) knows
/// them before the server refuses. Before: a blank project name or task title, an empty chat
/// room, a negative hourly rate and a topic of an unknown prefix were valid by the contract and
/// refused by the server.
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
    let negative = json!({"amount_cents": -1, "currency": "EUR"});
    assert!(!valid(
        "projects.create",
        json!({"name": "Atlas", "hourly_rate": negative})
    ));
    assert!(!valid(
        "tasks.create",
        json!({"project_id": "proj_1", "title": "  "})
    ));
    assert!(valid(
        "tasks.create",
        json!({"project_id": "proj_1", "title": "Ship"})
    ));
    assert!(!valid(
        "tasks.update",
        json!({"id": "task_1", "title": " "})
    ));
    // topics: only those an event is published on (`task:{id}`, `user:{id}`, `chat:{room}`)
    let subscribe = contract
        .envelope
        .control
        .iter()
        .find(|c| c.kind == frameproof::ControlKind::Subscribe)
        .expect("a subscribe frame");
    let topics_valid = |topics: Value| {
        jsonschema::validator_for(&subscribe.schema)
            .expect("the subscribe schema compiles")
            .is_valid(&json!({"type": "subscribe", "topics": topics}))
    };
    assert!(topics_valid(json!([
        "task:task_1",
        "chat:general",
        "user:usr_alice"
    ])));
    for unknown in ["tsk:task_1", "chat:", "project:proj_1", "task"] {
        assert!(!topics_valid(json!([unknown])), "{unknown}");
    }
}

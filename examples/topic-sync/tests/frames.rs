//! Frames from the field note's checklist validate against this contract; broken ones do not.

use frameproof::Direction;
use serde_json::json;

#[test]
fn contract_json_is_in_step_with_the_types() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("contract.json");
    frameproof::assert_contract_file(&topic_sync::contract(), path);
}

fn validators() -> (jsonschema::Validator, jsonschema::Validator) {
    let c = topic_sync::contract();
    let build = |d| {
        jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&c.frame_schema(d))
            .expect("compiles")
    };
    (build(Direction::Client), build(Direction::Server))
}

#[test]
fn the_notes_frames_validate() {
    let (client, server) = validators();
    for frame in [
        json!({"type": "subscribe", "topics": ["gift-list:123", "user:456"]}),
        json!({"type": "unsubscribe", "topics": ["gift-list:123"]}),
        json!({"type": "ping"}),
    ] {
        assert!(client.is_valid(&frame), "{frame}");
    }
    for frame in [
        json!({"type": "pong"}),
        json!({"topic": "gift-list:family-123", "event": "UPDATED", "trace_id": "4bf92f35",
               "data": {"entity_id": "family-123", "payload": {"name": "Bike"}, "user_id": "u1",
                        "timestamp": "2026-03-05T14:30:00Z"}}),
        json!({"topic": "gift-list:family-123", "event": "STATUS_CHANGED",
               "data": {"entity_id": "family-123", "payload": null, "timestamp": "2026-03-05T14:30:00Z"}}),
    ] {
        let errors: Vec<String> = server.iter_errors(&frame).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{frame}: {errors:?}");
    }
}

#[test]
fn broken_frames_are_rejected() {
    let (client, server) = validators();
    for frame in [
        json!({"type": "subscribe", "topics": []}),
        json!({"type": "subscribe", "topic": "gift-list:1"}),
        json!({"type": "auth", "token": "t"}),
    ] {
        assert!(!client.is_valid(&frame), "{frame}");
    }
    for frame in [
        // unknown event kind
        json!({"topic": "gift-list:1", "event": "MOVED", "data": {"entity_id": "1", "payload": 1, "timestamp": "2026-03-05T14:30:00Z"}}),
        // no topic
        json!({"event": "ADDED", "data": {"entity_id": "1", "payload": 1, "timestamp": "2026-03-05T14:30:00Z"}}),
        // a topic of another resource
        json!({"topic": "user:1", "event": "ADDED", "data": {"entity_id": "1", "payload": 1, "timestamp": "2026-03-05T14:30:00Z"}}),
        // timestamp is not a date-time
        json!({"topic": "gift-list:1", "event": "ADDED", "data": {"entity_id": "1", "payload": 1, "timestamp": "yesterday"}}),
        // trace_id of the wrong type
        json!({"topic": "gift-list:1", "event": "ADDED", "trace_id": 5, "data": {"entity_id": "1", "payload": 1, "timestamp": "2026-03-05T14:30:00Z"}}),
    ] {
        assert!(!server.is_valid(&frame), "{frame}");
    }
}

//! Frames as the field note's chat sends them validate against this contract's frame schema;
//! broken ones do not. The checked-in contract.json stays in step with the types.

use frameproof::Direction;
use serde_json::json;

#[test]
fn contract_json_is_in_step_with_the_types() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("contract.json");
    frameproof::assert_contract_file(&chat_rest_events::contract(), path);
}

#[test]
fn the_notes_frames_validate() {
    let contract = chat_rest_events::contract();
    let server = jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&contract.frame_schema(Direction::Server))
        .expect("compiles");
    let good = [
        json!({"type": "NEW_MESSAGE", "message": {"id": "m1", "roomId": "r1", "authorId": "u1",
               "text": "hello", "sentAt": "2026-03-05T14:30:00Z"}}),
        json!({"type": "USER_TYPING", "userId": "u2"}),
        json!({"type": "USER_ONLINE", "userId": "u2", "isOnline": false}),
    ];
    for frame in good {
        let errors: Vec<String> = server.iter_errors(&frame).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{frame}: {errors:?}");
    }
    let bad = [
        json!({"type": "NEW_MESSAGE", "message": {"id": "m1"}}),
        json!({"type": "USER_TYPING"}),
        json!({"type": "USER_TYPING", "userId": 7}),
        json!({"type": "USER_LEFT", "userId": "u2"}),
        json!({"message": {"id": "m1"}}),
    ];
    for frame in bad {
        assert!(!server.is_valid(&frame), "accepted: {frame}");
    }
    // the socket carries nothing from the client
    let client =
        jsonschema::draft202012::new(&contract.frame_schema(Direction::Client)).expect("compiles");
    assert!(!client.is_valid(&json!({"type": "ping"})));
}

#[test]
fn state_is_served_over_rest_with_status_codes() {
    let contract = chat_rest_events::contract();
    let history = &contract.actions["rooms.history"];
    assert!(!history.websocket);
    let route = history.rest.as_ref().expect("REST");
    assert_eq!(route.path, "/api/rooms/{roomId}/history");
    assert_eq!(route.query_params, ["since"]);
    assert_eq!(contract.errors["not_found"].status, 404);
    assert_eq!(contract.errors["unauthorized"].status, 401);
}

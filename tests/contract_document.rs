//! The reference contract's document: every schema is valid JSON Schema 2020-12 (checked
//! against the official meta-schema), the frame schemas accept real frames and reject broken
//! ones, and the document round-trips through JSON unchanged.

use frameproof::{Contract, Direction};
use serde_json::{json, Value};

fn contract() -> Contract {
    timetracker::contract()
}

fn every_schema(c: &Contract) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for (n, s) in &c.defs {
        out.push((format!("$defs/{n}"), s.clone()));
    }
    for (n, a) in &c.actions {
        out.push((format!("{n} payload"), a.payload.clone()));
        out.push((format!("{n} response"), a.response.clone()));
    }
    for (n, e) in &c.events {
        out.push((format!("{n} data"), e.data.clone()));
    }
    out.push(("client frame".into(), c.frame_schema(Direction::Client)));
    out.push(("server frame".into(), c.frame_schema(Direction::Server)));
    out
}

#[test]
fn the_contract_is_large_enough_to_mean_something() {
    let c = contract();
    assert!(c.actions.len() >= 12, "{} actions", c.actions.len());
    assert!(c.events.len() >= 8, "{} events", c.events.len());
}

#[test]
fn every_schema_is_valid_against_the_2020_12_meta_schema() {
    let c = contract();
    let schemas = every_schema(&c);
    assert!(schemas.len() > 60);
    for (name, schema) in schemas {
        if let Err(e) = jsonschema::draft202012::meta::validate(&schema) {
            panic!("{name} is not a valid 2020-12 schema: {e}");
        }
    }
}

#[test]
fn the_meta_schema_check_is_not_vacuous() {
    for broken in [
        json!({"type": "strin"}),
        json!({"required": "id"}),
        json!({"minLength": -1}),
    ] {
        assert!(
            jsonschema::draft202012::meta::validate(&broken).is_err(),
            "{broken}"
        );
    }
}

fn validator(direction: Direction) -> jsonschema::Validator {
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&contract().frame_schema(direction))
        .expect("frame schema compiles")
}

/// Frames as the field note's time tracker sends them (000_*.txt), in our profile.
fn real_client_frames() -> Vec<Value> {
    vec![
        json!({"id": "req_abc123", "action": "time_entries.start",
               "payload": {"project_id": "proj_xyz", "description": "API integration", "billable": true}}),
        json!({"id": "req_2", "action": "time_entries.stop", "payload": {}}),
        json!({"id": "req_3", "action": "projects.list", "payload": {}}),
        json!({"id": "req_4", "action": "tasks.update", "payload": {"id": "task_1", "status": "in_progress"}}),
        json!({"id": "req_5", "action": "chat.send",
               "payload": {"room": "general", "body": {"kind": "mention", "user_id": "usr_2", "text": "hi"}}}),
        json!({"id": "req_6", "action": "invoices.create",
               "payload": {"project_id": "proj_1", "from": "2026-03-01", "to": "2026-03-31"}}),
        json!({"type": "ping"}),
        json!({"type": "subscribe", "topics": ["task:task_1", "chat:general"]}),
        json!({"type": "auth", "token": "tok_new"}),
    ]
}

fn real_server_frames() -> Vec<Value> {
    vec![
        json!({"id": "req_abc123", "status": "ok", "data": {
            "id": "te_789", "user_id": "usr_123", "project_id": "proj_xyz", "description": "API integration",
            "billable": true, "started_at": "2026-03-05T14:30:00Z", "stopped_at": null, "duration_seconds": null}}),
        json!({"event": "TimeEntryStarted", "org_id": "org_456", "data": {
            "user_id": "usr_123", "entry_id": "te_789", "project_id": "proj_xyz", "started_at": "2026-03-05T14:30:00Z"}}),
        json!({"id": "req_9", "status": "error", "error": {"code": "not_found", "message": "no project proj_zzz"}}),
        json!({"id": null, "status": "error", "error": {"code": "bad_request", "message": "not JSON", "details": {"line": 1}}}),
        json!({"event": "TaskDeleted", "topic": "task:task_1", "data": {"task_id": "task_1"}}),
        json!({"event": "TokenExpired", "data": {"expired_at": "2026-03-05T15:30:00Z"}}),
        json!({"type": "pong"}),
        json!({"type": "subscribed", "topics": ["task:task_1"]}),
    ]
}

#[test]
fn frame_schemas_accept_real_frames() {
    let client = validator(Direction::Client);
    for frame in real_client_frames() {
        let errors: Vec<String> = client.iter_errors(&frame).map(|e| e.to_string()).collect();
        assert!(
            errors.is_empty(),
            "client frame rejected: {frame}\n{errors:?}"
        );
    }
    let server = validator(Direction::Server);
    for frame in real_server_frames() {
        let errors: Vec<String> = server.iter_errors(&frame).map(|e| e.to_string()).collect();
        assert!(
            errors.is_empty(),
            "server frame rejected: {frame}\n{errors:?}"
        );
    }
}

#[test]
fn frame_schemas_reject_broken_frames() {
    let client = validator(Direction::Client);
    let broken_client = [
        // unknown action
        json!({"id": "1", "action": "time_entries.pause", "payload": {}}),
        // payload misses a required field
        json!({"id": "1", "action": "time_entries.start", "payload": {"project_id": "p"}}),
        // wrong type
        json!({"id": "1", "action": "time_entries.start", "payload": {"project_id": 7, "description": "x"}}),
        // unknown payload field (deny_unknown_fields)
        json!({"id": "1", "action": "projects.get", "payload": {"id": "p", "extra": 1}}),
        // bad enum value
        json!({"id": "1", "action": "tasks.update", "payload": {"id": "t", "status": "doing"}}),
        // tagged enum with the wrong tag
        json!({"id": "1", "action": "chat.send", "payload": {"room": "r", "body": {"kind": "gif", "url": "u"}}}),
        // missing id
        json!({"action": "projects.list", "payload": {}}),
        // a REST-only action over the socket
        json!({"id": "1", "action": "auth.refresh", "payload": {"refresh_token": "r"}}),
        // subscribe without topics
        json!({"type": "subscribe"}),
        // not an object at all
        json!([1, 2]),
    ];
    for frame in broken_client {
        assert!(!client.is_valid(&frame), "client frame accepted: {frame}");
    }
    let server = validator(Direction::Server);
    let broken_server = [
        json!({"id": "1", "status": "ok"}),
        json!({"id": "1", "status": "error", "error": {"code": "teapot", "message": "x"}}),
        json!({"id": "1", "status": "error", "error": {"message": "x"}}),
        json!({"event": "TimeEntryStarted", "data": {"user_id": "u", "entry_id": "e", "project_id": "p", "started_at": "2026-03-05T14:30:00Z"}}),
        json!({"event": "TaskDeleted", "topic": "chat:general", "data": {"task_id": "t"}}),
        json!({"event": "TaskDeleted", "topic": "task:1", "data": {}}),
        json!({"event": "NoSuchEvent", "data": {}}),
        // a stateless check cannot know which action this answers, but no response is a number
        json!({"id": "1", "status": "ok", "data": 42}),
        json!({"type": "pong", "extra": true}),
    ];
    for frame in broken_server {
        assert!(!server.is_valid(&frame), "server frame accepted: {frame}");
    }
}

#[test]
fn the_document_round_trips_through_json() {
    let c = contract();
    let text = c.to_json_pretty();
    let back = Contract::from_json_str(&text, "roundtrip").expect("parses");
    assert_eq!(back, c);
    assert_eq!(back.to_json_pretty(), text);
    assert!(back.check().is_empty(), "{:?}", back.check());
    assert_eq!(back.compute_fingerprint(), c.fingerprint);
}

#[test]
fn the_rest_mapping_is_stored_resolved() {
    let c = contract();
    let route = |name: &str| {
        let r = c.actions[name].rest.as_ref().expect("served over REST");
        format!(
            "{} {} path={:?} query={:?} body={}",
            r.method, r.path, r.path_params, r.query_params, r.body
        )
    };
    assert_eq!(
        route("time_entries.start"),
        "POST /api/time-entries/start path=[] query=[] body=true"
    );
    assert_eq!(
        route("projects.list"),
        "GET /api/projects path=[] query=[\"include_archived\"] body=false"
    );
    assert_eq!(
        route("projects.get"),
        "GET /api/projects/{id} path=[\"id\"] query=[] body=false"
    );
    assert_eq!(
        route("tasks.create"),
        "POST /api/tasks path=[] query=[] body=true"
    );
    assert_eq!(
        route("tasks.update"),
        "PATCH /api/tasks/{id} path=[\"id\"] query=[] body=true"
    );
    assert_eq!(
        route("tasks.delete"),
        "DELETE /api/tasks/{id} path=[\"id\"] query=[] body=false"
    );
    assert_eq!(
        route("chat.history"),
        "GET /api/chat/{room}/history path=[\"room\"] query=[\"limit\"] body=false"
    );
    assert_eq!(
        route("notifications.mark_read"),
        "POST /api/notifications/mark-read path=[] query=[] body=true"
    );
    assert!(c.actions["auth.refresh"].rest.is_some() && !c.actions["auth.refresh"].websocket);
    let (name, _, params) = c
        .action_for_route(frameproof::HttpMethod::Patch, "/api/tasks/task_9")
        .expect("matches");
    assert_eq!(name, "tasks.update");
    assert_eq!(params["id"], "task_9");
}

#[test]
fn a_type_used_in_both_views_is_defined_once_when_the_views_agree() {
    let c = contract();
    // Money is in CreateProject (request) and Project (response); both views agree.
    assert!(c.defs.contains_key("Money"));
    assert!(!c.defs.contains_key("MoneyInput"));
    // An Option field is optional in the request view and required-but-nullable in responses.
    let task = &c.defs["Task"];
    let required: Vec<&str> = task["required"]
        .as_array()
        .expect("required")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(required.contains(&"description"), "{task}");
    let update = &c.defs["UpdateTask"];
    let required: Vec<&str> = update["required"]
        .as_array()
        .expect("required")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(required, ["id"]);
}

#[test]
fn a_payload_that_cannot_travel_over_rest_says_why() {
    use frameproof::RestError;
    let c = contract();
    let e = c
        .rest_request("tasks.update", &json!({"status": "done"}))
        .unwrap_err();
    assert!(
        matches!(&e, RestError::MissingPathParam { param, .. } if param == "id"),
        "{e:?}"
    );
    assert!(e
        .to_string()
        .starts_with("the payload has no `id` for the path `"));
    assert_eq!(
        c.rest_request("no.such", &json!({})),
        Err(RestError::NoAction("no.such".into()))
    );
}

#[test]
fn payloads_map_to_rest_requests_and_back() {
    let c = contract();
    let cases = [
        ("tasks.update", json!({"id": "task 1/2", "status": "done"})),
        ("projects.list", json!({"include_archived": true})),
        (
            "time_entries.list",
            json!({"project_id": "p1", "limit": 20}),
        ),
        ("chat.history", json!({"room": "general", "limit": 5})),
        ("tasks.delete", json!({"id": "task_1"})),
        (
            "time_entries.start",
            json!({"project_id": "p", "description": "d", "billable": false}),
        ),
    ];
    for (action, payload) in cases {
        let req = c.rest_request(action, &payload).expect("maps");
        let (found, _, params) = c
            .action_for_route(req.method, &req.path)
            .expect("route resolves");
        assert_eq!(found, action, "{req:?}");
        let back = c
            .rest_payload(action, &params, &req.query, req.body.as_ref())
            .expect("rebuilds");
        assert_eq!(back, payload, "{action}: {req:?}");
    }
    // a value of the wrong type stays a string, so the schema check reports it
    let params = Default::default();
    let p = c
        .rest_payload(
            "time_entries.list",
            &params,
            &[("limit".into(), "many".into())],
            None,
        )
        .expect("builds");
    assert_eq!(p, json!({"limit": "many"}));
    // the path and the body must agree
    let params = [("id".to_owned(), "a".to_owned())].into_iter().collect();
    assert!(c
        .rest_payload("tasks.update", &params, &[], Some(&json!({"id": "b"})))
        .is_err());
}

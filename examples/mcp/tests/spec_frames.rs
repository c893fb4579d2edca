//! The MCP specification's own frames (revision 2025-11-25, `tests/spec/mcp.jsonl`, see
//! `tests/spec/NOTES.md`) against the contract: each frame on its own, then each example as the
//! conversation it belongs to (after the initialize handshake, with the request or answer the
//! spec leaves out written here and marked as made up); broken copies of the spec's frames are
//! rejected with the rule and the member named.

use std::collections::BTreeMap;

use frameproof::Direction::{self, Client, Server};
use frameproof_validator::Validator;
use serde_json::{json, Value};

struct SpecFrame {
    direction: Direction,
    frame: Value,
}

/// The spec's frames by line (1-based).
fn spec_frames() -> BTreeMap<usize, SpecFrame> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/spec/mcp.jsonl");
    let text = std::fs::read_to_string(path).expect("the spec's frames");
    text.lines()
        .enumerate()
        .map(|(i, l)| {
            let record: Value = serde_json::from_str(l).expect("a JSON line");
            let direction = match record["direction"].as_str() {
                Some("server") => Server,
                _ => Client,
            };
            let frame = record["frame"].clone();
            (i + 1, SpecFrame { direction, frame })
        })
        .collect()
}

fn validator() -> Validator {
    Validator::new(&mcp_example::contract()).expect("compiles")
}

fn found(violations: &[frameproof_validator::Violation]) -> Vec<String> {
    violations
        .iter()
        .map(|v| format!("{} {}", v.rule, v.pointer))
        .collect()
}

#[test]
fn contract_json_is_in_step_with_the_types() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("contract.json");
    frameproof::assert_contract_file(&mcp_example::contract(), path);
}

#[test]
fn the_contract_has_no_problems_and_no_warnings() {
    let c = mcp_example::contract();
    assert!(c.check().is_empty(), "{:?}", c.check());
    assert!(c.warnings().is_empty(), "{:?}", c.warnings());
}

/// Every frame of the file, each on its own. Alone, a result does not say which request it
/// answers, so it passes when it matches any action's result; that says little (`ping`'s
/// empty result is an open object every result matches): the conversations below check each
/// result against the request it answers.
#[test]
fn every_spec_frame_alone() {
    let validator = validator();
    let frames = spec_frames();
    assert_eq!(frames.len(), 35);
    let verdicts: BTreeMap<usize, Vec<String>> = frames
        .iter()
        .map(|(line, f)| {
            let check =
                validator.check_frame_stateless(f.direction, f.frame.to_string().as_bytes());
            (*line, found(&check.violations))
        })
        .collect();
    let mut expected: BTreeMap<usize, Vec<String>> = (1..=35).map(|l| (l, Vec::new())).collect();
    // `some_method` is the progress page's placeholder for "any request", not an MCP method
    // (NOTES.md: valid as a generic JSONRPCRequest, in neither ClientRequest nor ServerRequest)
    expected.insert(32, vec!["frame.unknown_action /method".to_owned()]);
    assert_eq!(verdicts, expected);
}

/// One step of a conversation: a frame of the spec file, or one written here where the spec's
/// example leaves it out (the request a lone result answers, the result of a request it shows
/// alone).
enum Step {
    Spec(usize),
    Made(Direction, Value),
}

use Step::{Made, Spec};

/// The lifecycle page's handshake: initialize, its result, notifications/initialized.
const HANDSHAKE: [usize; 3] = [1, 2, 3];

/// The spec's examples as conversations. Each runs in its own session, after the handshake
/// unless it is about the handshake itself.
fn exchanges() -> Vec<(&'static str, bool, Vec<Step>)> {
    let result = |id: Value, result: Value| {
        Made(
            Server,
            json!({"jsonrpc": "2.0", "id": id, "result": result}),
        )
    };
    let request = |id: i64, method: &str, params: Value| {
        Made(
            Client,
            json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}),
        )
    };
    vec![
        (
            "lifecycle: initialization",
            false,
            vec![Spec(1), Spec(2), Spec(3)],
        ),
        // the server refuses the protocol version the client asked for
        ("lifecycle: error", false, vec![Spec(1), Spec(4)]),
        // ping needs no handshake
        ("ping", false, vec![Spec(5), Spec(6)]),
        (
            "tools: list, call, list changed",
            true,
            vec![Spec(7), Spec(8), Spec(9), Spec(10), Spec(11)],
        ),
        (
            "tools: output schema",
            true,
            vec![
                request(
                    5,
                    "tools/call",
                    json!({"name": "get_weather_data", "arguments": {"location": "Paris"}}),
                ),
                Spec(12),
            ],
        ),
        (
            "tools: error handling",
            true,
            vec![
                request(
                    3,
                    "tools/call",
                    json!({"name": "invalid_tool_name", "arguments": {}}),
                ),
                Spec(13),
                request(
                    4,
                    "tools/call",
                    json!({"name": "book_flight", "arguments": {"date": "2024-01-01"}}),
                ),
                Spec(14),
            ],
        ),
        (
            "resources: list, read, templates, list changed, subscribe, updated",
            true,
            vec![
                Spec(15),
                Spec(16),
                Spec(17),
                Spec(18),
                Spec(19),
                Spec(20),
                Spec(21),
                Spec(22),
                result(json!(4), json!({})),
                Spec(23),
            ],
        ),
        (
            "resources: error handling",
            true,
            vec![
                request(
                    5,
                    "resources/read",
                    json!({"uri": "file:///nonexistent.txt"}),
                ),
                Spec(24),
            ],
        ),
        (
            "prompts: list, get, list changed",
            true,
            vec![Spec(25), Spec(26), Spec(27), Spec(28), Spec(29)],
        ),
        (
            "logging",
            true,
            vec![Spec(30), result(json!(1), json!({})), Spec(31)],
        ),
        (
            "progress",
            true,
            vec![Spec(32), Spec(33), result(json!(1), json!({}))],
        ),
        ("cancellation", true, vec![Spec(34)]),
        (
            "pagination",
            true,
            vec![Spec(35), result(json!("124"), json!({"resources": []}))],
        ),
    ]
}

#[test]
fn the_specs_examples_as_conversations() {
    let validator = validator();
    let frames = spec_frames();
    // (conversation, step) → what was found there
    let mut verdicts: BTreeMap<(&str, String), Vec<String>> = BTreeMap::new();
    let mut seen = std::collections::BTreeSet::new();
    for (name, after_handshake, steps) in exchanges() {
        let mut session = validator.session();
        let handshake = HANDSHAKE.iter().map(|l| Spec(*l));
        let all: Vec<Step> = if after_handshake {
            handshake.chain(steps).collect()
        } else {
            steps
        };
        for (i, step) in all.iter().enumerate() {
            let (label, direction, frame) = match step {
                Spec(line) => {
                    seen.insert(*line);
                    let f = &frames[line];
                    (format!("line {line}"), f.direction, f.frame.clone())
                }
                Made(direction, frame) => {
                    (format!("step {i} (made up)"), *direction, frame.clone())
                }
            };
            let v = session.observe(direction, frame.to_string().as_bytes());
            verdicts.insert((name, label), found(&v));
        }
        verdicts.insert((name, "finish".to_owned()), found(&session.finish()));
    }
    assert_eq!(
        seen,
        (1..=35).collect(),
        "every spec frame is in a conversation"
    );
    let wrong: Vec<String> = verdicts
        .iter()
        .filter(|((name, label), v)| {
            let expected: &[&str] = match (*name, label.as_str()) {
                // the placeholder method (see every_spec_frame_alone); its progress notification
                // and the result made up for it are fine
                ("progress", "line 32") => &["frame.unknown_action /method"],
                _ => &[],
            };
            v.as_slice() != expected
        })
        .map(|((name, label), v)| format!("{name}, {label}: {v:?}"))
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The handshake frames of the spec, for the conversations below.
fn handshake() -> Vec<(Direction, Value)> {
    let frames = spec_frames();
    HANDSHAKE
        .iter()
        .map(|l| (frames[l].direction, frames[l].frame.clone()))
        .collect()
}

/// `(index of the frame, "rule pointer")` for each violation; `finish` is `frames.len()`.
fn conversation(frames: &[(Direction, Value)]) -> Vec<(usize, String)> {
    let validator = validator();
    let mut session = validator.session();
    let mut out = Vec::new();
    for (i, (d, f)) in frames.iter().enumerate() {
        for v in session.observe(*d, f.to_string().as_bytes()) {
            out.push((i, format!("{} {}", v.rule, v.pointer)));
        }
    }
    for v in session.finish() {
        out.push((frames.len(), format!("{} {}", v.rule, v.pointer)));
    }
    out
}

fn alone(direction: Direction, frame: &Value) -> Vec<(String, String)> {
    validator()
        .check_frame(direction, frame.to_string().as_bytes())
        .violations
        .iter()
        .map(|v| (format!("{} {}", v.rule, v.pointer), v.message.clone()))
        .collect()
}

#[test]
fn broken_copies_of_the_specs_frames_are_rejected() {
    let frames = spec_frames();
    let spec = |line: usize| frames[&line].frame.clone();
    let mut cases: Vec<(Direction, Value, &str, &str)> = Vec::new();
    // tools/call: the tool's name as a number
    let mut f = spec(9);
    f["params"]["name"] = json!(42);
    cases.push((Client, f, "payload.schema /params/name", "string"));
    // tools/call without the tool's name
    let mut f = spec(9);
    f["params"].as_object_mut().unwrap().remove("name");
    cases.push((
        Client,
        f,
        "payload.schema /params",
        "\"name\" is a required property",
    ));
    // tools/call without params at all: `name` is required, so params is too
    let mut f = spec(9);
    f.as_object_mut().unwrap().remove("params");
    cases.push((Client, f, "frame.envelope /params", "cannot be empty"));
    // resources/read of a URI that is not a URI
    let mut f = spec(17);
    f["params"]["uri"] = json!("main.rs");
    cases.push((Client, f, "payload.schema /params/uri", "uri"));
    // logging/setLevel with a level syslog does not have
    let mut f = spec(30);
    f["params"]["level"] = json!("verbose");
    cases.push((Client, f, "payload.schema /params/level", "verbose"));
    // a cursor is a string, never null (optional members are left out)
    let mut f = spec(7);
    f["params"]["cursor"] = Value::Null;
    cases.push((Client, f, "payload.schema /params/cursor", "string"));
    // a method MCP does not have
    let mut f = spec(9);
    f["method"] = json!("tools/delete");
    cases.push((Client, f, "frame.unknown_action /method", "tools/delete"));
    // a notification with an id
    let mut f = spec(3);
    f["id"] = json!(2);
    cases.push((Client, f, "frame.notification /id", "notification"));
    // a request id is a string or an integer, never null
    let mut f = spec(5);
    f["id"] = Value::Null;
    cases.push((Client, f, "frame.envelope /id", "bad correlation id"));
    // JSON-RPC 1.0
    let mut f = spec(5);
    f["jsonrpc"] = json!("1.0");
    cases.push((Client, f, "frame.envelope ", "fixed envelope member"));
    // no batches since 2025-06-18
    cases.push((
        Client,
        json!([spec(7), spec(25)]),
        "frame.envelope /method",
        "neither a request",
    ));
    // notifications/progress: progress is a number
    let mut f = spec(33);
    f["params"]["progress"] = json!("50%");
    cases.push((Server, f, "event.schema /params/progress", "number"));
    // notifications/progress without its token
    let mut f = spec(33);
    f["params"].as_object_mut().unwrap().remove("progressToken");
    cases.push((
        Server,
        f,
        "event.schema /params",
        "\"progressToken\" is a required property",
    ));
    // notifications/message without params: level and data are required
    cases.push((
        Server,
        json!({"jsonrpc": "2.0", "method": "notifications/message"}),
        "frame.envelope /params",
        "no data",
    ));
    // notifications/resources/updated without a uri
    let mut f = spec(23);
    f["params"] = json!({});
    cases.push((
        Server,
        f,
        "event.schema /params",
        "\"uri\" is a required property",
    ));
    // a server notification MCP does not have
    let mut f = spec(11);
    f["method"] = json!("notifications/tools/changed");
    cases.push((
        Server,
        f,
        "frame.unknown_event /method",
        "notifications/tools/changed",
    ));
    // an error code MCP does not have
    let mut f = spec(13);
    f["error"]["code"] = json!(-32099);
    cases.push((Server, f, "error.unknown_code /error/code", "-32099"));
    // an error without its message
    let mut f = spec(24);
    f["error"].as_object_mut().unwrap().remove("message");
    cases.push((Server, f, "error.shape /error/message", "message"));
    for (direction, frame, want, says) in cases {
        let got = alone(direction, &frame);
        assert!(
            got.iter()
                .any(|(at, message)| at == want && message.contains(says)),
            "{frame}: expected `{want}` saying `{says}`, found {got:?}"
        );
    }
}

#[test]
fn nothing_but_initialize_and_ping_before_the_initialize_result() {
    let frames = spec_frames();
    let spec = |line: usize| (frames[&line].direction, frames[&line].frame.clone());
    // tools/list first: out of order (and still answered)
    assert_eq!(
        conversation(&[spec(7), spec(8)]),
        vec![(0, "session.order ".to_owned())]
    );
    // ping, then the handshake, then tools/list: in order
    let mut frames_in_order = vec![spec(5), spec(6)];
    frames_in_order.extend(handshake());
    frames_in_order.extend([spec(7), spec(8)]);
    assert_eq!(conversation(&frames_in_order), vec![]);
    // notifications/initialized before the server answered initialize
    assert_eq!(
        conversation(&[spec(1), spec(3), spec(2)]),
        vec![(1, "session.order ".to_owned())]
    );
    // a request sent while initialize is in flight
    assert_eq!(
        conversation(&[spec(1), spec(17), spec(2)]),
        vec![
            (1, "session.order ".to_owned()),
            (3, "session.unanswered ".to_owned())
        ]
    );
    // the rule is named in the violation
    let validator = validator();
    let mut session = validator.session();
    let v = session.observe(Client, frames[&9].frame.to_string().as_bytes());
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].rule, "session.order");
    assert_eq!(v[0].item.as_deref(), Some("tools/call"));
    assert!(v[0].message.contains("`initialize`"), "{}", v[0].message);
}

#[test]
fn a_result_is_checked_against_the_request_it_answers() {
    let frames = spec_frames();
    let spec = |line: usize| (frames[&line].direction, frames[&line].frame.clone());
    let mut script = handshake();
    // tools/call (id 2) answered with the tools/list result
    let mut answer = frames[&8].frame.clone();
    answer["id"] = json!(2);
    script.extend([spec(9), (Server, answer)]);
    assert_eq!(
        conversation(&script),
        vec![(4, "response.schema /result".to_owned())]
    );
    // a content block of a type MCP does not have
    let mut script = handshake();
    let mut answer = frames[&10].frame.clone();
    answer["result"]["content"][0]["type"] = json!("video");
    script.extend([spec(9), (Server, answer)]);
    assert_eq!(
        conversation(&script),
        vec![(4, "response.schema /result/content/0/type".to_owned())]
    );
    // an image block without its data
    let mut script = handshake();
    let mut answer = frames[&10].frame.clone();
    answer["result"]["content"][0] = json!({"type": "image", "mimeType": "image/png"});
    script.extend([spec(9), (Server, answer)]);
    assert_eq!(
        conversation(&script),
        vec![(4, "response.schema /result/content/0".to_owned())]
    );
    // resources/read answered with contents that are neither text nor blob
    let mut script = handshake();
    let mut answer = frames[&18].frame.clone();
    answer["result"]["contents"][0]
        .as_object_mut()
        .unwrap()
        .remove("text");
    script.extend([spec(17), (Server, answer)]);
    assert_eq!(
        conversation(&script),
        vec![(4, "response.schema /result/contents/0".to_owned())]
    );
    // a result for a request never sent
    let mut script = handshake();
    script.push(spec(10));
    assert_eq!(
        conversation(&script),
        vec![(3, "session.unknown_response_id ".to_owned())]
    );
}

#[test]
fn resource_not_found_answers_resources_read_only() {
    let frames = spec_frames();
    let spec = |line: usize| (frames[&line].direction, frames[&line].frame.clone());
    let mut not_found = frames[&24].frame.clone();
    not_found["id"] = json!(2);
    // resources/read may answer -32002
    let mut script = handshake();
    script.extend([spec(17), (Server, not_found.clone())]);
    assert_eq!(conversation(&script), vec![]);
    // tools/call may not (it has no resources)
    let mut script = handshake();
    script.extend([spec(9), (Server, not_found)]);
    assert_eq!(
        conversation(&script),
        vec![(4, "error.undeclared ".to_owned())]
    );
    // -32602 (invalid params) may answer anything
    let mut script = handshake();
    let mut invalid = frames[&13].frame.clone();
    invalid["id"] = json!(2);
    script.extend([spec(27), (Server, invalid)]);
    assert_eq!(conversation(&script), vec![]);
}

#[test]
fn list_requests_and_list_changed_notifications_may_leave_params_out() {
    for frame in [
        json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}),
        json!({"jsonrpc": "2.0", "id": 1, "method": "prompts/list", "params": {}}),
        json!({"jsonrpc": "2.0", "id": 1, "method": "ping", "params": {"_meta": {"progressToken": 7}}}),
        json!({"jsonrpc": "2.0", "method": "notifications/roots/list_changed"}),
        json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {}}),
    ] {
        assert_eq!(alone(Client, &frame), vec![], "{frame}");
    }
    for frame in [
        json!({"jsonrpc": "2.0", "method": "notifications/prompts/list_changed", "params": {"_meta": {"x": 1}}}),
        json!({"jsonrpc": "2.0", "method": "notifications/resources/list_changed"}),
    ] {
        assert_eq!(alone(Server, &frame), vec![], "{frame}");
    }
}

#[test]
fn mcp_objects_are_open() {
    // members this revision does not know are allowed everywhere
    let frames = spec_frames();
    let mut script = handshake();
    let mut call = frames[&9].frame.clone();
    call["params"]["x-extension"] = json!({"a": 1});
    let mut answer = frames[&10].frame.clone();
    answer["result"]["content"][0]["x-extension"] = json!(true);
    answer["result"]["x-extension"] = json!([1]);
    script.extend([(Client, call), (Server, answer)]);
    assert_eq!(conversation(&script), vec![]);
}

/// What MCP says that the wire model first could not: the error id rule is now
/// `envelope.response.unread_error_id`; the rest fail today and are kept ignored with the
/// reason, to be turned on when the library can express it.
mod library_gaps {
    use super::*;

    /// MCP's error response leaves `id` out when the request's id could not be read
    /// (JSONRPCErrorResponse: `id` optional, never null). The validator takes a server frame
    /// for a response only when it has an id (`validator/src/frame.rs`,
    /// `Validator::check_server`: `is_response` looks up the response id; `check_error` then
    /// asks for it again: "use null when the request could not be read"), and the frame schema
    /// requires it (`schema/src/frames.rs`, `server_frames`: the error branch places the id as
    /// required, `anyOf [id, null]`).
    #[test]
    fn an_error_without_id_is_valid() {
        let frame = json!({"jsonrpc": "2.0", "error": {"code": -32700, "message": "Parse error"}});
        assert_eq!(alone(Server, &frame), vec![]);
    }

    /// The other half: MCP's error id is never null, where JSON-RPC 2.0 sends null. Same place
    /// (`schema/src/frames.rs`, `server_frames`, `{"anyOf": [id_schema, {"type": "null"}]}`).
    #[test]
    fn an_error_with_a_null_id_is_refused() {
        let frame = json!({"jsonrpc": "2.0", "error": {"code": -32700, "message": "Parse error"}, "id": null});
        assert_ne!(alone(Server, &frame), vec![]);
    }

    /// `notifications/cancelled` must carry `params` (CancelledNotification requires it), but
    /// every member of its params is optional, so `{}` is valid. Whether `params` may be left
    /// out is decided per action by whether the payload schema accepts `{}`
    /// (`Contract::payload_may_be_omitted`, `schema_walk::accepts_empty`), with no way to say
    /// "required, though it may be empty".
    #[test]
    #[ignore = "notifications/cancelled without params is accepted; MCP requires params"]
    fn cancelled_needs_params() {
        let frame = json!({"jsonrpc": "2.0", "method": "notifications/cancelled"});
        assert_ne!(alone(Client, &frame), vec![]);
    }

    /// Requests go both ways in MCP: the server may `ping` the client, ask it for its roots,
    /// for a sampling or for an elicitation, and the client answers. A contract's actions are
    /// the client's requests only (`schema/src/frames.rs`: the server's frames are responses,
    /// events and control frames), so a server's request is no frame of the contract.
    #[test]
    #[ignore = "a server's ping is refused (frame.envelope); MCP lets either side ping"]
    fn the_server_may_ping() {
        let frame = json!({"jsonrpc": "2.0", "id": "s1", "method": "ping"});
        assert_eq!(alone(Server, &frame), vec![]);
    }
}

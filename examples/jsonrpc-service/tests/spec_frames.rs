//! The JSON-RPC 2.0 specification's own examples (§ 7, `tests/spec/jsonrpc-2.0.jsonl`) against
//! the calculator contract: the frames the specification calls valid pass, the ones it shows as
//! invalid requests are reported where they are wrong; broken copies of valid frames are
//! rejected with a message that names the member.

use std::collections::BTreeMap;

use frameproof::Direction;
use frameproof_validator::Validator;
use serde_json::{json, Value};

struct SpecFrame {
    line: usize,
    source: String,
    direction: Direction,
    frame: Value,
}

fn spec_frames() -> Vec<SpecFrame> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/spec/jsonrpc-2.0.jsonl");
    let text = std::fs::read_to_string(path).expect("the spec's frames");
    text.lines()
        .enumerate()
        .filter_map(|(line, l)| {
            let record: Value = serde_json::from_str(l).expect("a JSON line");
            let frame = record["frame"].clone();
            // the specification's invalid JSON is not a frame at all
            (!frame.is_null()).then(|| SpecFrame {
                line,
                source: record["source"].as_str().unwrap_or_default().to_owned(),
                direction: match record["direction"].as_str() {
                    Some("server") => Direction::Server,
                    _ => Direction::Client,
                },
                frame,
            })
        })
        .collect()
}

/// Each example of the specification in its own session, in the order it shows the frames:
/// line → the pointers of the violations found there (session violations at the end of an
/// example are filed under its last line).
fn verdicts() -> BTreeMap<usize, Vec<String>> {
    let validator = Validator::new(&jsonrpc_service::calculator::contract()).expect("compiles");
    let mut out: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let frames = spec_frames();
    let mut groups: Vec<Vec<&SpecFrame>> = Vec::new();
    for f in &frames {
        match groups.last_mut() {
            Some(g) if g[0].source == f.source => g.push(f),
            _ => groups.push(vec![f]),
        }
    }
    for group in groups {
        let mut session = validator.session();
        let mut last = 0;
        for f in group {
            let found = session.observe(f.direction, f.frame.to_string().as_bytes());
            out.entry(f.line)
                .or_default()
                .extend(found.iter().map(|v| format!("{} {}", v.rule, v.pointer)));
            last = f.line;
        }
        for v in session.finish() {
            out.entry(last)
                .or_default()
                .push(format!("{} {}", v.rule, v.pointer));
        }
    }
    out
}

#[test]
fn contract_json_is_in_step_with_the_types() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("calculator.contract.json");
    frameproof::assert_contract_file(&jsonrpc_service::calculator::contract(), path);
}

#[test]
fn the_contract_has_no_problems_and_no_warnings() {
    let c = jsonrpc_service::calculator::contract();
    assert!(c.check().is_empty(), "{:?}", c.check());
    assert!(c.warnings().is_empty(), "{:?}", c.warnings());
}

#[test]
fn the_specifications_examples_get_the_specifications_verdicts() {
    let verdicts = verdicts();
    // what the specification itself shows as wrong requests, and where
    let expected: BTreeMap<usize, Vec<&str>> = [
        // a notification of a method the service does not have
        (9, vec!["frame.unknown_action /method"]),
        // a call of a method the service does not have (answered -32601)
        (10, vec!["frame.unknown_action /method"]),
        // `"method": 1`: not a request at all
        (14, vec!["frame.envelope /method"]),
        (18, vec!["frame.batch "]),
        (20, vec!["frame.envelope /0/method"]),
        (
            22,
            vec![
                "frame.envelope /0/method",
                "frame.envelope /1/method",
                "frame.envelope /2/method",
            ],
        ),
        // the batch's `{"foo": "boo"}` and its call of the unknown `foo.get`
        (
            24,
            vec!["frame.envelope /3/method", "frame.unknown_action /4/method"],
        ),
    ]
    .into_iter()
    .collect();
    let mut wrong = Vec::new();
    for (line, found) in &verdicts {
        let want = expected.get(line).cloned().unwrap_or_default();
        if *found != want {
            wrong.push(format!("line {line}: found {found:?}, expected {want:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // every example was checked: 25 frames on 28 lines (three are not JSON or not a frame)
    assert_eq!(verdicts.len(), 25);
}

fn check(direction: Direction, frame: Value) -> Vec<String> {
    let validator = Validator::new(&jsonrpc_service::calculator::contract()).expect("compiles");
    validator
        .check_frame(direction, frame.to_string().as_bytes())
        .violations
        .iter()
        .map(|v| format!("{} {}: {}", v.rule, v.pointer, v.message))
        .collect()
}

#[test]
fn broken_copies_of_the_specifications_frames_are_rejected() {
    let cases = [
        (
            Direction::Client,
            json!({"jsonrpc": "2.0", "method": "subtract", "params": ["42", 23], "id": 1}),
            "payload.schema /params",
        ),
        (
            Direction::Client,
            json!({"jsonrpc": "1.0", "method": "subtract", "params": [42, 23], "id": 1}),
            "frame.envelope",
        ),
        (
            Direction::Client,
            json!({"jsonrpc": "2.0", "method": "update", "params": [1, 2], "id": 7}),
            "frame.notification /id",
        ),
        (
            Direction::Client,
            json!({"jsonrpc": "2.0", "method": "sum", "id": 8}),
            "frame.envelope /params",
        ),
        (
            Direction::Server,
            json!({"jsonrpc": "2.0", "error": {"code": -32099, "message": "?"}, "id": 1}),
            "error.unknown_code /error/code",
        ),
        (
            Direction::Server,
            json!({"jsonrpc": "2.0", "error": {"code": -32601}, "id": 1}),
            "error.shape /error/message",
        ),
    ];
    for (direction, frame, want) in cases {
        let found = check(direction, frame.clone());
        assert!(
            found.iter().any(|f| f.starts_with(want)),
            "{frame}: expected `{want}`, found {found:?}"
        );
    }
    // get_data may leave its params out; sum may not (above)
    assert!(check(
        Direction::Client,
        json!({"jsonrpc": "2.0", "method": "get_data", "id": "9"})
    )
    .is_empty());
}

#[test]
fn a_result_is_checked_against_the_action_it_answers() {
    let validator = Validator::new(&jsonrpc_service::calculator::contract()).expect("compiles");
    let mut session = validator.session();
    let request = json!([
        {"jsonrpc": "2.0", "method": "get_data", "id": "9"},
        {"jsonrpc": "2.0", "method": "sum", "params": [1, 2], "id": "10"}
    ]);
    assert!(session
        .observe(Direction::Client, request.to_string().as_bytes())
        .is_empty());
    // get_data answers ["hello", 5]; here its result is sum's integer, and sum's is a string
    let answer = json!([
        {"jsonrpc": "2.0", "result": 3, "id": "9"},
        {"jsonrpc": "2.0", "result": "3", "id": "10"}
    ]);
    let found: Vec<String> = session
        .observe(Direction::Server, answer.to_string().as_bytes())
        .iter()
        .map(|v| {
            format!(
                "{} {} {}",
                v.rule,
                v.pointer,
                v.item.clone().unwrap_or_default()
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            "response.schema /0/result get_data",
            "response.schema /1/result sum"
        ]
    );
    assert!(session.finish().is_empty());
}

//! The wire model's correlation and batches on the validator: composite keys for protocols
//! that multiplex sessions over one socket (ids reused per session), and batch frames checked
//! item by item when nothing pairs them (stateless).

use frameproof_validator::{Direction, FrameKind, Validator};
use serde_json::json;

/// The reference contract, its requests and responses keyed by `/sessionId` + `/id` (as the
/// Chrome DevTools Protocol multiplexes targets over one browser socket).
fn multiplexed() -> Validator {
    let mut c = timetracker::contract();
    c.envelope.request.session = Some("/sessionId".into());
    c.envelope.response.session = Some("/sessionId".into());
    Validator::new(&c).expect("compiles")
}

fn request(session: &str, id: &str) -> Vec<u8> {
    json!({"sessionId": session, "id": id, "action": "projects.list", "payload": {}})
        .to_string()
        .into_bytes()
}

fn response(session: &str, id: &str) -> Vec<u8> {
    json!({"sessionId": session, "id": id, "status": "ok", "data": []})
        .to_string()
        .into_bytes()
}

#[test]
fn one_id_in_two_sessions_is_two_requests() {
    let v = multiplexed();
    let mut s = v.session();
    assert!(s.observe(Direction::Client, &request("A", "1")).is_empty());
    // the same id in another session is another request, not a duplicate
    assert!(s.observe(Direction::Client, &request("B", "1")).is_empty());
    assert_eq!(s.outstanding(), 2);
    // and the same id again in the same session is one
    let dup = s.observe(Direction::Client, &request("A", "1"));
    assert_eq!(dup.len(), 1);
    assert_eq!(dup[0].rule, "session.duplicate_id");
    assert!(
        dup[0].message.contains("in session \"A\""),
        "{}",
        dup[0].message
    );
    let answered = s.observe(Direction::Server, &response("B", "1"));
    assert!(answered.is_empty(), "{answered:?}");
    let stray = s.observe(Direction::Server, &response("C", "1"));
    assert_eq!(stray.len(), 1);
    assert_eq!(stray[0].rule, "session.unknown_response_id");
    assert!(
        stray[0].message.contains("in session \"C\""),
        "{}",
        stray[0].message
    );
    let left = s.finish();
    assert_eq!(left.len(), 1);
    assert!(
        left[0].message.contains("\"1\" in session \"A\""),
        "{}",
        left[0].message
    );
}

#[test]
fn without_a_session_member_the_id_alone_is_the_key() {
    let v = Validator::new(&timetracker::contract()).expect("compiles");
    let mut s = v.session();
    assert!(s.observe(Direction::Client, &request("A", "1")).is_empty());
    let dup = s.observe(Direction::Client, &request("B", "1"));
    assert_eq!(dup.len(), 1, "{dup:?}");
    assert_eq!(dup[0].rule, "session.duplicate_id");
}

#[test]
fn a_batch_checked_alone_is_classified_item_by_item() {
    let c = jsonrpc_service::calculator::contract();
    let v = Validator::new(&c).expect("compiles");
    let batch = json!([
        {"jsonrpc": "2.0", "method": "sum", "params": [1, 2], "id": 1},
        {"jsonrpc": "2.0", "method": "update", "params": [3]},
        {"jsonrpc": "2.0", "method": "sum", "params": "no", "id": 2}
    ]);
    let check = v.check_frame(Direction::Client, batch.to_string().as_bytes());
    let FrameKind::Batch(kinds) = &check.kind else {
        panic!("not a batch: {:?}", check.kind);
    };
    assert_eq!(kinds.len(), 3);
    let pointers: Vec<&str> = check
        .violations
        .iter()
        .map(|v| v.pointer.as_str())
        .collect();
    assert_eq!(pointers, vec!["/2/params"], "{:?}", check.violations);
}

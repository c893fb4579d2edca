//! Discord's gateway documentation (`tests/spec/discord-gateway.jsonl`, see
//! `tests/spec/NOTES.md`) against the contract: each frame on its own, then the frames as the
//! connections they belong to; a scripted session; broken frames and broken orders rejected
//! with the rule and the member named.

use std::collections::{BTreeMap, BTreeSet};

use frameproof::Direction::{self, Client, Server};
use frameproof_validator::Validator;
use serde_json::{json, Value};

struct SpecFrame {
    direction: Direction,
    frame: Value,
}

/// The documentation's frames by line (1-based).
fn spec_frames() -> BTreeMap<usize, SpecFrame> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/spec/discord-gateway.jsonl"
    );
    let text = std::fs::read_to_string(path).expect("the documentation's frames");
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

fn spec(line: usize) -> (Direction, Value) {
    let frames = spec_frames();
    let f = &frames[&line];
    (f.direction, f.frame.clone())
}

fn validator() -> Validator {
    Validator::new(&opcode_gateway::contract()).expect("compiles")
}

#[test]
fn contract_json_is_in_step_with_the_types() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("contract.json");
    frameproof::assert_contract_file(&opcode_gateway::contract(), path);
}

#[test]
fn the_contract_has_no_problems_and_no_warnings() {
    let c = opcode_gateway::contract();
    assert!(c.check().is_empty(), "{:?}", c.check());
    assert!(c.warnings().is_empty(), "{:?}", c.warnings());
}

/// `"rule pointer"` for each violation of a frame checked on its own.
fn alone(direction: Direction, frame: &Value) -> Vec<String> {
    validator()
        .check_frame(direction, frame.to_string().as_bytes())
        .violations
        .iter()
        .map(|v| format!("{} {}", v.rule, v.pointer))
        .collect()
}

#[test]
fn every_documented_frame_alone() {
    let frames = spec_frames();
    assert_eq!(frames.len(), 20);
    let verdicts: BTreeMap<usize, Vec<String>> = frames
        .iter()
        .map(|(line, f)| (*line, alone(f.direction, &f.frame)))
        .collect();
    let mut expected: BTreeMap<usize, Vec<String>> = (1..=20).map(|l| (l, Vec::new())).collect();
    // the payload-structure example's placeholder `t: "GATEWAY_EVENT_NAME"`: no such event
    // (NOTES.md: "a contract with a closed set of event names should reject it")
    expected.insert(20, vec!["frame.unknown_event /t".to_owned()]);
    assert_eq!(verdicts, expected);
}

/// `(index of the frame, "rule pointer")` for each violation of a connection; the session's
/// end is `frames.len()`.
fn connection(frames: &[(Direction, Value)]) -> Vec<(usize, String)> {
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

/// The documented frames as the connections they belong to, each line in at least one.
#[test]
fn the_documented_frames_as_connections() {
    // (what it is, its lines, the violations expected: index in the connection, "rule pointer")
    type Connection = (&'static str, Vec<usize>, Vec<(usize, &'static str)>);
    let connections: Vec<Connection> = vec![
        (
            "a new session: Hello, heartbeats from the start, Identify, READY, the guilds, a \
             message, then every send event",
            vec![1, 2, 3, 4, 6, 7, 8, 9, 3, 10, 11, 12, 13, 14],
            vec![],
        ),
        ("Identify with every option", vec![1, 5, 6], vec![]),
        ("a resume (gateway.mdx)", vec![1, 16, 18], vec![]),
        ("a resume (gateway-events.mdx)", vec![1, 17, 18], vec![]),
        ("Reconnect in place of Hello", vec![15], vec![]),
        ("Identify refused", vec![1, 4, 19], vec![]),
        (
            "the generic dispatch after READY",
            vec![1, 4, 6, 20],
            vec![(3, "frame.unknown_event /t")],
        ),
    ];
    let mut seen = BTreeSet::new();
    for (name, lines, expected) in connections {
        seen.extend(lines.iter().copied());
        let frames: Vec<(Direction, Value)> = lines.iter().map(|l| spec(*l)).collect();
        let found = connection(&frames);
        let expected: Vec<(usize, String)> = expected
            .into_iter()
            .map(|(i, v)| (i, v.to_owned()))
            .collect();
        assert_eq!(found, expected, "{name}");
    }
    assert_eq!(
        seen,
        (1..=20).collect(),
        "every documented frame is in a connection"
    );
}

#[test]
fn a_scripted_session_hello_heartbeat_identify_ready_message() {
    let script = [
        (
            Server,
            json!({"op": 10, "d": {"heartbeat_interval": 41250}}),
        ),
        (Client, json!({"op": 1, "d": null})),
        (Server, json!({"op": 11})),
        (
            Client,
            json!({"op": 2, "d": {"token": "t0ken", "intents": 513,
                   "properties": {"os": "linux", "browser": "frameproof", "device": "frameproof"}}}),
        ),
        (
            Server,
            json!({"op": 0, "s": 1, "t": "READY", "d": {
                "v": 10,
                "user": {"id": "80351110224678912", "username": "Nelly", "discriminator": "1337", "avatar": null},
                "guilds": [{"id": "41771983423143937", "unavailable": true}],
                "session_id": "abc", "resume_gateway_url": "wss://gateway.discord.gg/",
                "application": {"id": "172150183260323840", "flags": 0}}}),
        ),
        (
            Server,
            json!({"op": 0, "s": 2, "t": "MESSAGE_CREATE", "d": {
                "id": "334385199974967042", "channel_id": "290926798999357250",
                "guild_id": "41771983423143937",
                "author": {"id": "53908099506183680", "username": "Mason", "discriminator": "9999", "avatar": null},
                "content": "hello", "timestamp": "2017-07-11T17:27:07.299000+00:00",
                "edited_timestamp": null, "tts": false, "mention_everyone": false,
                "mentions": [], "mention_roles": [], "attachments": [], "embeds": [],
                "pinned": false, "type": 0}}),
        ),
        // the heartbeat carries the last sequence number; its ACK has explicit nulls, as real
        // traffic sends them
        (Client, json!({"op": 1, "d": 2})),
        (Server, json!({"op": 11, "d": null, "s": null, "t": null})),
    ];
    assert_eq!(connection(&script), vec![]);
}

#[test]
fn broken_orders_are_rejected() {
    // a dispatch before Hello
    assert_eq!(
        connection(&[spec(6), spec(1)]),
        vec![(0, "session.order ".to_owned())]
    );
    // Presence Update before Identify (4003 "not authenticated")
    assert_eq!(
        connection(&[spec(1), spec(10), spec(4), spec(6)]),
        vec![(1, "session.order ".to_owned())]
    );
    // ... and after READY it is fine; so are heartbeats before Identify
    assert_eq!(
        connection(&[spec(1), spec(2), spec(3), spec(4), spec(6), spec(10)]),
        vec![]
    );
    // a Heartbeat ACK with no Heartbeat waiting for it
    assert_eq!(
        connection(&[spec(1), spec(3)]),
        vec![(1, "session.unexpected_reply ".to_owned())]
    );
    // a Heartbeat never ACKed: the connection is a zombie
    assert_eq!(
        connection(&[spec(1), spec(2)]),
        vec![(2, "session.unanswered_control ".to_owned())]
    );
    // two Heartbeats, one ACK
    assert_eq!(
        connection(&[spec(1), spec(2), spec(9), spec(3)]),
        vec![(4, "session.unanswered_control ".to_owned())]
    );
    // the server asking for a heartbeat (op 1) is not itself answered by an ACK
    assert_eq!(
        connection(&[spec(1), (Server, json!({"op": 1})), spec(2), spec(3)]),
        vec![]
    );
    // the violations name the rule's frames
    let validator = validator();
    let mut session = validator.session();
    let v = session.observe(Server, spec(6).1.to_string().as_bytes());
    assert_eq!(v[0].item.as_deref(), Some("READY"));
    assert!(
        v[0].message.contains("`hello`, `reconnect`"),
        "{}",
        v[0].message
    );
    let mut session = validator.session();
    let v = session.observe(Client, spec(10).1.to_string().as_bytes());
    assert_eq!(v[0].item.as_deref(), Some("presence_update"));
    assert!(
        v[0].message.contains("`READY`, `RESUMED`") && v[0].message.contains("`identify`"),
        "{}",
        v[0].message
    );
}

#[test]
fn broken_frames_are_rejected() {
    let frames = spec_frames();
    let doc = |line: usize| frames[&line].frame.clone();
    let mut cases: Vec<(Direction, Value, &str, &str)> = Vec::new();
    // Identify without its token
    let mut f = doc(4);
    f["d"].as_object_mut().unwrap().remove("token");
    cases.push((
        Client,
        f,
        "control.schema /d",
        "\"token\" is a required property",
    ));
    // Identify with a large_threshold past 250
    let mut f = doc(5);
    f["d"]["large_threshold"] = json!(300);
    cases.push((Client, f, "control.schema /d/large_threshold", "300"));
    // Identify with a shard that is not a pair
    let mut f = doc(5);
    f["d"]["shard"] = json!([0]);
    cases.push((Client, f, "control.schema /d/shard", "[0]"));
    // a presence with a status Discord does not have
    let mut f = doc(10);
    f["d"]["status"] = json!("away");
    cases.push((Client, f, "control.schema /d/status", "away"));
    // since may be null, but not left out
    let mut f = doc(10);
    f["d"].as_object_mut().unwrap().remove("since");
    cases.push((
        Client,
        f,
        "control.schema /d",
        "\"since\" is a required property",
    ));
    // Request Guild Members with neither a query nor user ids
    let mut f = doc(11);
    f["d"] = json!({"guild_id": "41771983444115456"});
    cases.push((Client, f, "control.schema /d", "required property"));
    // a snowflake is a decimal string
    let mut f = doc(12);
    f["d"]["guild_id"] = json!(41771983423143937_u64);
    cases.push((Client, f, "control.schema /d/guild_id", "string"));
    // a Heartbeat's d may be null, but not left out
    cases.push((
        Client,
        json!({"op": 1}),
        "control.schema ",
        "\"d\" is a required property",
    ));
    // a sequence number on a control frame
    cases.push((
        Server,
        json!({"op": 11, "s": 5}),
        "control.schema /s",
        "null",
    ));
    // Hello without its interval
    cases.push((
        Server,
        json!({"op": 10, "d": {}}),
        "control.schema /d",
        "\"heartbeat_interval\" is a required property",
    ));
    // Invalid Session's d is a boolean
    cases.push((
        Server,
        json!({"op": 9, "d": "no"}),
        "control.schema /d",
        "boolean",
    ));
    // a dispatch the contract does not have
    let mut f = doc(7);
    f["t"] = json!("GUILD_DELETE");
    cases.push((Server, f, "frame.unknown_event /t", "GUILD_DELETE"));
    // MESSAGE_CREATE without its author
    let mut f = doc(8);
    f["d"].as_object_mut().unwrap().remove("author");
    cases.push((
        Server,
        f,
        "event.schema /d",
        "\"author\" is a required property",
    ));
    // a dispatch whose sequence number is not an integer
    let mut f = doc(7);
    f["s"] = json!("2");
    cases.push((Server, f, "frame.envelope /s", "integer"));
    // READY without d
    let mut f = doc(6);
    f.as_object_mut().unwrap().remove("d");
    cases.push((Server, f, "frame.envelope /d", "no data"));
    // an opcode the table does not have (5): neither an event nor a control frame
    cases.push((
        Client,
        json!({"op": 5, "d": {}}),
        "frame.envelope",
        "control frame",
    ));
    for (direction, frame, want, says) in cases {
        let got: Vec<(String, String)> = validator()
            .check_frame(direction, frame.to_string().as_bytes())
            .violations
            .iter()
            .map(|v| (format!("{} {}", v.rule, v.pointer), v.message.clone()))
            .collect();
        assert!(
            got.iter()
                .any(|(at, message)| at.starts_with(want) && message.contains(says)),
            "{frame}: expected `{want}` saying `{says}`, found {got:?}"
        );
    }
}

/// Where the library cannot yet say what the documentation says; each fails today and is
/// kept ignored with the reason.
mod library_gaps {
    use super::*;

    /// "A second Identify closes the connection with 4005": an ordering rule says what may
    /// come before a frame (`OrderRule::First`, `OrderRule::Before`, `schema/src/envelope.rs`),
    /// not that a frame comes at most once.
    #[test]
    #[ignore = "a second Identify is accepted; the gateway closes the connection (4005)"]
    fn identify_once() {
        assert_ne!(connection(&[spec(1), spec(4), spec(6), spec(4)]), vec![]);
    }
}

//! Captures on disk: a clean transcript, a transcript broken in every way a session can be,
//! and the same HAR written the way Chrome and Playwright write it.

use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;

use frameproof_schema::{Contract, Template};
use frameproof_validator::capture::{
    validate_har, validate_har_with, validate_lines, validate_transcript, HarOptions,
};
use frameproof_validator::{Direction, Severity, Validator, Violation};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn validator() -> Validator {
    Validator::new(&timetracker::contract()).expect("compiles")
}

fn transcript(name: &str) -> Vec<Violation> {
    let mut found = Vec::new();
    let file = File::open(fixture(name)).expect("fixture");
    validate_transcript(&validator(), BufReader::new(file), name, &mut |v| {
        found.push(v)
    })
    .expect("readable");
    found
}

#[test]
fn a_clean_transcript_has_no_violations() {
    let found = transcript("clean.jsonl");
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn every_session_rule_fires_on_the_broken_transcript() {
    let found = transcript("broken.jsonl");
    let at = |rule: &str| -> Vec<(Option<u64>, String)> {
        found
            .iter()
            .filter(|v| v.rule == rule)
            .map(|v| (v.location.line, v.location.connection.clone()))
            .collect()
    };
    let alice = |line: u64| vec![(Some(line), "alice".to_owned())];
    assert_eq!(at("payload.schema"), alice(2));
    assert_eq!(at("response.schema"), alice(3));
    assert_eq!(at("frame.unknown_action"), alice(4));
    assert_eq!(at("session.duplicate_id"), alice(7));
    assert_eq!(at("error.undeclared"), alice(8));
    assert_eq!(at("session.unknown_response_id"), alice(9));
    assert_eq!(at("session.unsubscribed_topic"), alice(10));
    assert_eq!(
        at("session.cross_tenant"),
        vec![(Some(11), "carol".to_owned())]
    );
    assert_eq!(at("session.version"), alice(12));
    assert_eq!(at("frame.duplicate_key"), alice(13));
    assert_eq!(at("frame.binary"), alice(14));
    assert_eq!(at("rest.unknown_route"), alice(15));
    assert_eq!(at("rest.status"), alice(16));
    assert_eq!(at("capture.record").len(), 1);
    assert_eq!(at("session.unanswered").len(), 1);
    let payload = found
        .iter()
        .find(|v| v.rule == "payload.schema")
        .expect("found");
    assert_eq!(payload.pointer, "/payload/status");
    assert_eq!(payload.keyword.as_deref(), Some("enum"));
    assert_eq!(payload.item.as_deref(), Some("tasks.update"));
    assert_eq!(payload.excerpt.as_deref(), Some("\"doing\""));
    assert_eq!(payload.location.frame, Some(0));
    assert_eq!(payload.direction, Some(Direction::Client));
    assert_eq!(found.len(), 15, "{found:#?}");
}

fn har(name: &str) -> Vec<(String, Option<u64>, Option<u64>, String)> {
    let mut found = Vec::new();
    let file = File::open(fixture(name)).expect("fixture");
    let stats = validate_har(&validator(), file, name, &mut |v| found.push(v)).expect("readable");
    assert_eq!(stats.connections, 1);
    assert_eq!(stats.rest_exchanges, 2, "the page itself is not the API's");
    assert_eq!(stats.frames, 5);
    found
        .into_iter()
        .map(|v| {
            (
                v.rule.id().to_owned(),
                v.location.har_entry,
                v.location.frame,
                v.pointer,
            )
        })
        .collect()
}

#[test]
fn chrome_and_playwright_hars_read_the_same() {
    let chrome = har("chrome.har");
    let playwright = har("playwright.har");
    assert_eq!(chrome, playwright);
    assert_eq!(
        chrome,
        vec![
            (
                "payload.schema".to_owned(),
                Some(3),
                Some(2),
                "/payload".to_owned()
            ),
            ("frame.binary".to_owned(), Some(3), Some(4), String::new()),
        ]
    );
}

/// A HAR of WebSocket entries, each a URL and its messages (`send`/`receive`, text).
fn socket_har(sockets: &[(&str, &[(&str, &str)])]) -> String {
    let entries: Vec<serde_json::Value> = sockets
        .iter()
        .map(|(url, messages)| {
            let messages: Vec<serde_json::Value> = messages
                .iter()
                .map(|(kind, data)| {
                    serde_json::json!({"type": kind, "time": 1_763_913_600.5, "opcode": 1, "data": data})
                })
                .collect();
            serde_json::json!({
                "request": {"method": "GET", "url": url, "headers": [], "queryString": []},
                "response": {"status": 101, "headers": [], "content": {}},
                "_resourceType": "websocket",
                "_webSocketMessages": messages,
            })
        })
        .collect();
    serde_json::json!({"log": {"version": "1.2", "creator": {"name": "test"}, "entries": entries}})
        .to_string()
}

fn rules(found: &[Violation]) -> Vec<(&str, Severity, Option<u64>)> {
    found
        .iter()
        .map(|v| (v.rule.id(), v.severity, v.location.har_entry))
        .collect()
}

/// A binary message's data is base64; one that is not is named (it was read as no bytes and
/// went on as an empty binary frame).
#[test]
fn a_binary_message_that_is_not_base64_is_named() {
    let har = socket_har(&[("ws://localhost:8080/ws?token=t", &[])]);
    let mut har: serde_json::Value = serde_json::from_str(&har).expect("JSON");
    har["log"]["entries"][0]["_webSocketMessages"] = serde_json::json!([
        {"type": "send", "time": 1.0, "opcode": 2, "data": "AAEC"},
        {"type": "send", "time": 2.0, "opcode": 2, "data": "%%% not base64"},
    ]);
    let mut found = Vec::new();
    validate_har(
        &validator(),
        har.to_string().as_bytes(),
        "bin.har",
        &mut |x| found.push(x),
    )
    .expect("read");
    let ids: Vec<&str> = found.iter().map(|v| v.rule.id()).collect();
    assert_eq!(ids, ["frame.binary", "capture.record"], "{found:#?}");
    assert!(
        found[1].message.contains("not base64"),
        "{}",
        found[1].message
    );
    assert!(found[0].message.contains("3 bytes"), "{}", found[0].message);
}

#[test]
fn a_templated_socket_path_matches_its_entries() {
    // the chat's socket is one per room: `/rooms/{roomId}/live`
    let contract = Contract::load(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../examples/chat-rest-events/contract.json"),
    )
    .expect("the chat contract");
    let v = Validator::new(&contract).expect("compiles");
    let har = socket_har(&[(
        "wss://chat.example/rooms/r1/live",
        &[
            (
                "receive",
                r#"{"type":"NEW_MESSAGE","message":{"id":"m1","roomId":"r1","authorId":"u1","text":"hello","sentAt":"2026-03-05T14:30:00Z"}}"#,
            ),
            ("receive", r#"{"type":"USER_TYPING"}"#),
        ],
    )]);
    let mut found = Vec::new();
    let stats = validate_har(&v, har.as_bytes(), "chat.har", &mut |x| found.push(x)).expect("read");
    assert_eq!((stats.connections, stats.frames), (1, 2), "{found:#?}");
    assert_eq!(rules(&found), [("event.schema", Severity::Error, Some(0))]);
}

#[test]
fn sockets_elsewhere_are_named_and_a_har_of_only_those_fails() {
    let v = validator();
    let devtools =
        "ws://127.0.0.1:9222/devtools/browser/5f0e2c1a-8d8b-4c54-9a2f-0c8a3b1d9e77?token=secret";
    let ping: &[(&str, &str)] = &[
        ("send", r#"{"type":"ping"}"#),
        ("receive", r#"{"type":"pong"}"#),
    ];
    let har = socket_har(&[(devtools, ping)]);
    let mut found = Vec::new();
    let stats =
        validate_har(&v, har.as_bytes(), "devtools.har", &mut |x| found.push(x)).expect("read");
    assert_eq!(stats.frames, 0);
    assert_eq!(
        rules(&found),
        [
            ("capture.ws_skipped", Severity::Warning, Some(0)),
            ("capture.ws_unmatched", Severity::Error, None)
        ]
    );
    assert_eq!(
        found[0].message,
        "WebSocket entry 0 at `/devtools/browser/5f0e2c1a-8d8b-4c54-9a2f-0c8a3b1d9e77` is not the \
         socket at `/ws`; its messages were not checked (name the socket's path with --ws-path)"
    );
    assert!(
        !found.iter().any(|x| x.message.contains("secret")),
        "the query is not repeated"
    );
    // named by a template, the same socket is checked
    let options = HarOptions {
        ws_path: Some(Template::parse("/devtools/browser/{id}").expect("template")),
    };
    let mut found = Vec::new();
    let stats = validate_har_with(&v, har.as_bytes(), "devtools.har", &options, &mut |x| {
        found.push(x)
    })
    .expect("read");
    assert_eq!((stats.connections, stats.frames), (1, 2));
    assert!(found.is_empty(), "{found:#?}");
    // beside the contract's own socket, another one is only named
    let har = socket_har(&[(devtools, ping), ("ws://127.0.0.1:8080/ws", ping)]);
    let mut found = Vec::new();
    let stats = validate_har(&v, har.as_bytes(), "both.har", &mut |x| found.push(x)).expect("read");
    assert_eq!((stats.connections, stats.frames), (1, 2));
    assert_eq!(
        rules(&found),
        [("capture.ws_skipped", Severity::Warning, Some(0))]
    );
}

#[test]
fn unreadable_captures_are_errors_not_panics() {
    let v = validator();
    let mut sink = |_: Violation| {};
    assert!(validate_transcript(&v, &b""[..], "empty", &mut sink).is_err());
    assert!(validate_transcript(&v, &b"{\"not\": \"a header\"}\n"[..], "bad", &mut sink).is_err());
    assert!(validate_har(&v, &b"{\"log\": "[..], "truncated", &mut sink).is_err());
    assert!(validate_har(&v, &b"\xff\xfe"[..], "binary", &mut sink).is_err());
}

#[test]
fn piped_frames_are_checked_line_by_line() {
    let input = b"{\"type\":\"subscribe\",\"topics\":[\"chat:a\"]}\nnot json\n\n{\"type\":\"subscribe\",\"topics\":[]}\n";
    let mut found = Vec::new();
    let stats = validate_lines(
        &validator(),
        &input[..],
        "<stdin>",
        Some(Direction::Client),
        &mut |v| found.push(v),
    )
    .expect("ok");
    assert_eq!(stats.frames, 3);
    let rules: Vec<(&str, Option<u64>)> = found
        .iter()
        .map(|v| (v.rule.id(), v.location.line))
        .collect();
    assert_eq!(
        rules,
        [("frame.json", Some(2)), ("control.schema", Some(4))]
    );
}

/// Server frames of the clean transcript: a time entry, a task, an error and an event.
const SERVER_FRAMES: &str = concat!(
    r#"{"id":"r1","status":"ok","data":{"id":"te_1","user_id":"usr_alice","project_id":"proj_1","description":"API integration","billable":true,"started_at":"2026-03-05T14:30:00Z","stopped_at":null,"duration_seconds":null}}"#,
    "\n",
    r#"{"id":"r2","status":"ok","data":{"id":"task_1","project_id":"proj_1","title":"Design","description":null,"status":"in_progress","assignee_id":null,"estimate_minutes":null,"labels":[],"updated_at":"2026-03-05T14:31:00Z"}}"#,
    "\n",
    r#"{"id":"r3","status":"error","error":{"code":"not_found","message":"no such task"}}"#,
    "\n",
    r#"{"event":"TimeEntryStarted","org_id":"org_acme","data":{"user_id":"usr_alice","entry_id":"te_1","project_id":"proj_1","started_at":"2026-03-05T14:30:00Z"}}"#,
    "\n",
);

#[test]
fn frames_of_one_direction_are_checked_statelessly() {
    let v = validator();
    let mut found = Vec::new();
    let stats = validate_lines(
        &v,
        SERVER_FRAMES.as_bytes(),
        "<stdin>",
        Some(Direction::Server),
        &mut |x| found.push(x),
    )
    .expect("ok");
    // each response matches some action's response schema; no request is missing
    assert!(found.is_empty(), "{found:#?}");
    assert_eq!((stats.frames, stats.stateless_frames), (4, 4));
    // a task with a numeric id matches no response schema (not even `tasks.delete`'s
    // `{"id": string}`, which any object with a string id matches): the closest is named
    let broken = SERVER_FRAMES.replace(r#""id":"task_1""#, r#""id":7"#);
    let mut found = Vec::new();
    validate_lines(
        &v,
        broken.as_bytes(),
        "<stdin>",
        Some(Direction::Server),
        &mut |x| found.push(x),
    )
    .expect("ok");
    assert_eq!(found.len(), 1, "{found:#?}");
    let r = &found[0];
    assert_eq!(r.rule, "response.schema");
    assert_eq!(r.location.line, Some(2));
    assert_eq!(r.location.frame, Some(1));
    assert_eq!(r.pointer, "/data/id");
    assert_eq!(r.direction, Some(Direction::Server));
    // one error for a task's schema and for `Deleted`: of equals, the first by name
    assert_eq!(r.item.as_deref(), Some("tasks.create"));
    assert_eq!(
        r.message,
        "matches no action's response schema (checked statelessly); closest is `tasks.create`: \
         7 is not of type \"string\""
    );
    // client frames alone: a request is not "unanswered"
    let mut found = Vec::new();
    validate_lines(
        &v,
        &br#"{"id":"1","action":"projects.get","payload":{"id":"p"}}"#[..],
        "<stdin>",
        Some(Direction::Client),
        &mut |x| found.push(x),
    )
    .expect("ok");
    assert!(found.is_empty(), "{found:#?}");
    // records of both directions are still a session: a response to nothing is reported
    let record = r#"{"conn":"c","dir":"server","frame":{"id":"r9","status":"ok","data":[]}}"#;
    let mut found = Vec::new();
    let stats = validate_lines(&v, record.as_bytes(), "<stdin>", None, &mut |x| {
        found.push(x)
    })
    .expect("ok");
    assert_eq!(stats.stateless_frames, 0);
    assert_eq!(found[0].rule, "session.unknown_response_id");
}

#[test]
fn hostile_frames_never_panic() {
    let v = validator();
    let mut s = v.session();
    let deep = "[".repeat(100_000);
    let huge = format!(
        "{{\"id\":\"1\",\"action\":\"chat.send\",\"payload\":{{\"room\":\"{}\"}}}}",
        "x".repeat(20 * 1024 * 1024)
    );
    let cases: Vec<Vec<u8>> = vec![
        deep.into_bytes(),
        huge.into_bytes(),
        b"\xff\xfe\xfd".to_vec(),
        b"{\"id\":\"1\",\"action\":\"projects.get\",\"payload\":{\"id\":1e999}}".to_vec(),
        b"{\"id\":\"1\",\"id\":\"2\"}".to_vec(),
        b"".to_vec(),
        b"null".to_vec(),
        b"\"just a string\"".to_vec(),
    ];
    for bytes in cases {
        let client = s.observe(Direction::Client, &bytes);
        let server = s.observe(Direction::Server, &bytes);
        assert!(
            !client.is_empty() && !server.is_empty(),
            "{:?}",
            String::from_utf8_lossy(&bytes[..bytes.len().min(40)])
        );
    }
}

#[test]
fn the_recorded_reference_transcripts_validate() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/timetracker/transcripts");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("dir")
        .chain(std::fs::read_dir(dir.join("short-ttl")).expect("dir"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    assert!(files.len() >= 9);
    for file in files {
        let mut found = Vec::new();
        let text = std::fs::read_to_string(&file).expect("read");
        validate_transcript(&validator(), text.as_bytes(), "t", &mut |v| found.push(v))
            .expect("readable");
        let rules: Vec<&str> = found.iter().map(|v| v.rule.id()).collect();
        if file.ends_with("08-protocol-errors.jsonl") {
            // the transcript's own deliberate client mistakes, and nothing from the server
            assert_eq!(
                rules,
                [
                    "frame.json",
                    "frame.unknown_action",
                    // an empty title: shorter than 1 character, and blank (`\S`)
                    "payload.schema",
                    "payload.schema",
                    "payload.schema",
                    "payload.schema"
                ],
                "{found:#?}"
            );
            assert!(found.iter().all(|v| v.direction == Some(Direction::Client)));
        } else {
            assert!(found.is_empty(), "{}: {found:#?}", file.display());
        }
    }
}

#[test]
fn recorded_frames_are_checked_as_recorded() {
    // a frame in a transcript is validated from its recorded text, not from a value parsed and
    // written back: a key named twice (which a parsed value would silently collapse) is caught,
    // and so is the place of the mistake in the original text
    let text = concat!(
        r#"{"frameproof_transcript":"1.0","contract":{"name":"trcr","version":"1.2.0"},"connections":[{"id":"c1","org":"org_acme"}]}"#,
        "\n",
        r#"{"conn":"c1","dir":"client","t":1,"frame":{"id":"r1","action":"projects.get","payload":{"id":"proj_1"},"payload":{"id":7}}}"#,
        "\n",
        r#"{"conn":"c1","dir":"client","t":2,"frame":{"type":"ping"}}"#,
        "\n",
    );
    let mut found = Vec::new();
    validate_transcript(&validator(), text.as_bytes(), "dup", &mut |v| found.push(v))
        .expect("readable");
    let rules: Vec<_> = found
        .iter()
        .map(|v| (v.rule.id(), v.location.line))
        .collect();
    assert!(
        rules.contains(&("frame.duplicate_key", Some(2))),
        "{rules:?}"
    );
}

#[test]
fn violation_messages_stay_small_whatever_the_frame() {
    // a payload of 100,000 unknown members: the schema's error names every one of them, the
    // violation keeps the first kilobyte and says how much it left out
    let mut payload = String::from("{\"id\":\"p1\"");
    for i in 0..100_000 {
        payload.push_str(&format!(",\"member_number_{i}\":{i}"));
    }
    payload.push('}');
    let frame = format!("{{\"id\":\"1\",\"action\":\"projects.get\",\"payload\":{payload}}}");
    let found = validator()
        .session()
        .observe(Direction::Client, frame.as_bytes());
    assert!(!found.is_empty());
    for v in &found {
        assert!(
            v.message.len() <= 1024,
            "{}: {} bytes",
            v.rule,
            v.message.len()
        );
        assert!(
            v.excerpt.as_ref().is_none_or(|e| e.len() <= 512),
            "{:?}",
            v.excerpt
        );
    }
    let schema = found
        .iter()
        .find(|v| v.rule == "payload.schema")
        .expect("payload.schema");
    assert!(
        schema.message.contains(" more bytes)"),
        "{}",
        schema.message
    );
}

#[test]
fn open_connections_are_bounded_and_the_dropped_ones_named() {
    use frameproof_validator::Limits;
    let limits = Limits {
        max_sessions: 3,
        ..Limits::default()
    };
    let v = Validator::with_limits(&timetracker::contract(), limits).expect("compiles");
    let mut text = String::from(concat!(
        r#"{"frameproof_transcript":"1.0","contract":{"name":"trcr","version":"1.2.0"},"connections":[]}"#,
        "\n"
    ));
    let request = |conn: &str, id: u32| {
        format!(
            "{{\"conn\":\"{conn}\",\"dir\":\"client\",\"frame\":{{\"id\":\"{id}\",\"action\":\"projects.get\",\"payload\":{{\"id\":\"p\"}}}}}}\n"
        )
    };
    // c1, c2, c3 open; c1 speaks again (c2 is now the least recently active); c4 and c5 open
    for (conn, id) in [
        ("c1", 1),
        ("c2", 2),
        ("c3", 3),
        ("c1", 4),
        ("c4", 5),
        ("c5", 6),
    ] {
        text.push_str(&request(conn, id));
    }
    let mut found = Vec::new();
    let stats =
        validate_transcript(&v, text.as_bytes(), "many", &mut |v| found.push(v)).expect("readable");
    assert_eq!(stats.frames, 6);
    let dropped: Vec<(&str, Option<u64>, &str)> = found
        .iter()
        .filter(|v| v.rule == "capture.sessions_dropped")
        .map(|v| {
            (
                v.location.connection.as_str(),
                v.location.line,
                v.message.as_str(),
            )
        })
        .collect();
    assert_eq!(dropped.len(), 2, "{found:#?}");
    assert_eq!((dropped[0].0, dropped[0].1), ("c2", Some(6)));
    assert_eq!((dropped[1].0, dropped[1].1), ("c3", Some(7)));
    assert!(
        dropped[0].2.contains("1 request(s) in flight"),
        "{}",
        dropped[0].2
    );
    assert!(found
        .iter()
        .filter(|v| v.rule == "capture.sessions_dropped")
        .all(|v| v.severity == frameproof_validator::Severity::Warning));
    // only the three still tracked are finished: their requests are the unanswered ones
    let mut unanswered: Vec<&str> = found
        .iter()
        .filter(|v| v.rule == "session.unanswered")
        .map(|v| v.location.connection.as_str())
        .collect();
    unanswered.sort_unstable();
    assert_eq!(unanswered, ["c1", "c1", "c4", "c5"]);
}

#[test]
fn a_truncated_har_names_where_and_keeps_its_counts() {
    let text = std::fs::read_to_string(fixture("chrome.har")).expect("fixture");
    // cut in the middle of the third WebSocket message
    let cut = text
        .match_indices("\"type\": \"send\"")
        .nth(1)
        .map(|(i, _)| i)
        .expect("a second send");
    let mut found = Vec::new();
    let err = validate_har(&validator(), &text.as_bytes()[..cut], "cut.har", &mut |v| {
        found.push(v)
    })
    .expect_err("truncated");
    assert_eq!(
        err.to_string(),
        format!("cut.har: HAR truncated at byte {cut} after entry 2")
    );
    let stats = err.stats();
    assert_eq!(stats.rest_exchanges, 2);
    assert_eq!(
        stats.frames, 2,
        "the messages read before the cut were checked"
    );
    assert_eq!(stats.connections, 1);
    // the bad payload of the fourth message, after the cut, was never read
    assert!(
        found.iter().all(|v| v.rule != "payload.schema"),
        "{found:#?}"
    );
}

#[test]
fn a_bom_is_skipped_and_compressed_captures_are_named() {
    let v = validator();
    let har = std::fs::read(fixture("chrome.har")).expect("fixture");
    let with_bom = [b"\xef\xbb\xbf".as_slice(), &har].concat();
    let mut found = Vec::new();
    let stats = validate_har(&v, &with_bom[..], "bom.har", &mut |x| found.push(x)).expect("read");
    assert_eq!((stats.frames, found.len()), (5, 2));
    let jsonl = std::fs::read(fixture("clean.jsonl")).expect("fixture");
    let with_bom = [b"\xef\xbb\xbf".as_slice(), &jsonl].concat();
    let mut found = Vec::new();
    let stats =
        validate_transcript(&v, &with_bom[..], "bom.jsonl", &mut |x| found.push(x)).expect("read");
    assert_eq!((stats.frames, found.len()), (13, 0));
    let gzip = b"\x1f\x8b\x08\x08\xa5\x3c\x2b\x69\x00\x03clean.jsonl\x00\xad\x58";
    let mut sink = |_: Violation| {};
    for err in [
        validate_har(&v, &gzip[..], "c.har.gz", &mut sink).expect_err("gzip"),
        validate_transcript(&v, &gzip[..], "c.jsonl.gz", &mut sink).expect_err("gzip"),
        validate_lines(&v, &gzip[..], "<stdin>", None, &mut sink).expect_err("gzip"),
    ] {
        assert!(
            err.to_string()
                .contains("gzip-compressed: decompress first"),
            "{err}"
        );
    }
}

#[test]
fn duplicate_keys_in_rest_bodies_are_reported() {
    let v = validator();
    // the library call, on raw bodies
    let check = v.check_rest_raw(
        "POST",
        "/api/projects",
        &[],
        Some(r#"{"name": "Website", "name": "Intranet"}"#),
        400,
        Some(r#"{"error": {"code": "not_found", "message": "a", "message": "b"}}"#),
    );
    let rules: Vec<(&str, Option<&str>)> = check
        .violations
        .iter()
        .map(|x| (x.rule.id(), x.item.as_deref()))
        .collect();
    assert_eq!(
        rules[..2],
        [
            ("rest.duplicate_key", Some("projects.create")),
            ("rest.duplicate_key", Some("projects.create"))
        ],
        "{check:#?}"
    );
    assert!(check.violations[0]
        .message
        .contains("request body names a key twice: duplicate key `name`"));
    assert!(check.violations[1].message.contains("response body"));
    // in a HAR, whose bodies are raw text
    let har = r#"{"log": {"entries": [{"request": {"method": "POST", "url": "http://h/api/projects",
        "postData": {"mimeType": "application/json", "text": "{\"name\": \"a\", \"name\": \"b\"}"}},
        "response": {"status": 201, "content": {"text": "{\"id\": \"p\", \"id\": \"q\"}"}}}]}}"#;
    let mut found = Vec::new();
    validate_har(&v, har.as_bytes(), "dup.har", &mut |x| found.push(x)).expect("readable");
    let dups = found
        .iter()
        .filter(|x| x.rule == "rest.duplicate_key")
        .count();
    assert_eq!(dups, 2, "{found:#?}");
    // in a transcript, whose bodies are JSON values: read from the record's text
    let text = concat!(
        r#"{"frameproof_transcript":"1.0","contract":{"name":"trcr","version":"1.2.0"},"connections":[]}"#,
        "\n",
        r#"{"conn":"c","rest":{"method":"POST","path":"/api/projects","body":{"name":"a","name":"b"},"status":404,"response":{"error":{"code":"not_found","message":"x"}}}}"#,
        "\n",
    );
    let mut found = Vec::new();
    validate_transcript(&v, text.as_bytes(), "dup.jsonl", &mut |x| found.push(x)).expect("read");
    let dups: Vec<(&str, Option<u64>)> = found
        .iter()
        .filter(|x| x.rule == "rest.duplicate_key")
        .map(|x| (x.rule.id(), x.location.line))
        .collect();
    assert_eq!(dups, [("rest.duplicate_key", Some(2))], "{found:#?}");
}

//! `frameproof validate`: exit codes, and every output format snapshotted on the broken fixture.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn run(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_frameproof"))
        .current_dir(root())
        .arg("validate")
        .args(["--contract", "examples/timetracker/contract.json"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run frameproof");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write");
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const BROKEN: &str = "validator/tests/fixtures/broken.jsonl";

#[test]
fn clean_captures_exit_zero() {
    let (code, out, err) = run(&["validator/tests/fixtures/clean.jsonl"], None);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("0 error(s), 0 warning(s) in 13 frame(s)"),
        "{out}"
    );
}

#[test]
fn violations_exit_one_in_every_format() {
    for format in ["human", "json", "junit", "github", "sarif"] {
        let (code, out, err) = run(&[BROKEN, "--format", format], None);
        assert_eq!(code, 1, "{format}: {out}{err}");
        insta::assert_snapshot!(format!("broken_{format}"), out);
    }
}

#[test]
fn json_lines_are_one_violation_each() {
    let (_, out, _) = run(&[BROKEN, "--format", "json"], None);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(lines.len(), 15);
    for l in &lines {
        for key in ["rule", "severity", "pointer", "message"] {
            assert!(l.get(key).is_some(), "{l}");
        }
    }
}

#[test]
fn sarif_is_well_formed() {
    let (_, out, _) = run(&[BROKEN, "--format", "sarif"], None);
    let doc: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(doc["version"], "2.1.0");
    assert_eq!(doc["runs"][0]["results"].as_array().map(Vec::len), Some(15));
}

#[test]
fn warnings_fail_only_when_denied() {
    // a copy of the reference contract in which projects.list is deprecated
    let mut contract: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("examples/timetracker/contract.json")).expect("read"),
    )
    .expect("json");
    contract["actions"]["projects.list"]["deprecated"] =
        serde_json::json!({"note": "use projects.search"});
    contract["fingerprint"] = serde_json::json!("");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("validate_cli");
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("deprecated.json");
    std::fs::write(&path, contract.to_string()).expect("write");
    // a request and its answer, piped as transcript records
    let records = concat!(
        "{\"conn\":\"c\",\"dir\":\"client\",\"frame\":{\"id\":\"1\",\"action\":\"projects.list\",\"payload\":{}}}\n",
        "{\"conn\":\"c\",\"dir\":\"server\",\"frame\":{\"id\":\"1\",\"status\":\"ok\",\"data\":[]}}\n",
    );
    for (deny, expected) in [(false, 0), (true, 1)] {
        let mut args = vec![
            "validate".to_owned(),
            "--contract".into(),
            path.display().to_string(),
            "-".into(),
        ];
        if deny {
            args.push("--deny-warnings".into());
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_frameproof"))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("run");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(records.as_bytes())
            .expect("write");
        let out = child.wait_with_output().expect("wait");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("[deprecated]") && text.contains("0 error(s), 1 warning(s)"),
            "{text}"
        );
        assert_eq!(out.status.code(), Some(expected), "deny={deny}: {text}");
    }
}

#[test]
fn piped_transcript_records_and_raw_frames() {
    let (code, out, _) = run(
        &["-", "--direction", "client"],
        Some("{\"type\":\"subscribe\",\"topics\":[\"task:1\"]}\n"),
    );
    assert_eq!(code, 0, "{out}");
    let (code, out, _) = run(&["-"], Some("{\"type\":\"ping\"}\n"));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("pass --direction to pipe raw frames"), "{out}");
}

#[test]
fn a_whole_transcript_piped_on_stdin_is_read_as_a_transcript() {
    // `cat recording.jsonl | frameproof validate -`: the header line says what follows
    for (fixture, code, summary) in [
        (
            "validator/tests/fixtures/clean.jsonl",
            0,
            "0 error(s), 0 warning(s) in 13 frame(s), 2 connection(s)",
        ),
        (BROKEN, 1, "15 error(s), 0 warning(s) in 13 frame(s)"),
    ] {
        let text = std::fs::read_to_string(root().join(fixture)).expect("fixture");
        let (got, out, err) = run(&["-"], Some(&text));
        assert_eq!(got, code, "{fixture}: {out}{err}");
        assert!(out.contains(summary), "{fixture}: {out}");
    }
    // as from a file, each connection is its own session, named by the records
    let text = std::fs::read_to_string(root().join(BROKEN)).expect("fixture");
    let (_, piped, _) = run(&["-", "--format", "json"], Some(&text));
    let (_, file, _) = run(&[BROKEN, "--format", "json"], None);
    assert_eq!(
        piped.replace("\"file\":\"<stdin>\"", "\"file\":\"F\""),
        file.replace(&format!("\"file\":\"{BROKEN}\""), "\"file\":\"F\"")
    );
    // a header this tool cannot read is unusable input, not a bad record
    let (code, _, err) = run(
        &["-"],
        Some("{\"frameproof_transcript\":\"9.0\",\"contract\":{\"name\":\"trcr\",\"version\":\"1.2.0\"}}\n"),
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("<stdin>: line 1: transcript format 9.0 is not supported"),
        "{err}"
    );
}

#[test]
fn frames_of_one_direction_are_checked_statelessly() {
    // a task and an error, piped from the server side alone: nothing to pair them with
    let frames = concat!(
        r#"{"id":"r2","status":"ok","data":{"id":"task_1","project_id":"proj_1","title":"Design","description":null,"status":"in_progress","assignee_id":null,"estimate_minutes":null,"labels":[],"updated_at":"2026-03-05T14:31:00Z"}}"#,
        "\n",
        r#"{"id":"r3","status":"error","error":{"code":"not_found","message":"no such task"}}"#,
        "\n",
    );
    let (code, out, err) = run(&["--direction", "server", "-"], Some(frames));
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains("session.unknown_response_id"), "{out}");
    assert!(
        out.contains("2 frame(s) of one direction checked statelessly"),
        "{out}"
    );
    // a response that fits no action: reported, with the closest
    let bad = frames.replace(r#""id":"task_1""#, r#""id":7"#);
    let (code, out, err) = run(
        &["--direction", "server", "--format", "json", "-"],
        Some(&bad),
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("\"rule\":\"response.schema\""), "{out}");
    assert!(out.contains("closest is `"), "{out}");
    assert!(err.contains("checked statelessly"), "{err}");
}

#[test]
fn a_har_whose_sockets_are_all_elsewhere_fails_unless_named() {
    let message = |kind: &str, data: &str| serde_json::json!({"type": kind, "time": 1_763_913_600.5, "opcode": 1, "data": data});
    let har = serde_json::json!({"log": {"version": "1.2", "creator": {"name": "test"}, "entries": [{
        "request": {"method": "GET", "url": "ws://127.0.0.1:9222/devtools/browser/5f0e2c1a-8d8b", "headers": [], "queryString": []},
        "response": {"status": 101, "headers": [], "content": {}},
        "_webSocketMessages": [message("send", r#"{"type":"ping"}"#), message("receive", r#"{"type":"pong"}"#)],
    }]}});
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("validate_cli");
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("devtools.har");
    std::fs::write(&path, har.to_string()).expect("write");
    let file = path.display().to_string();
    let file = file.as_str();
    // a green run that checked nothing is not possible
    let (code, out, err) = run(&[file], None);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("[capture.ws_skipped]"), "{out}");
    assert!(out.contains("`/devtools/browser/5f0e2c1a-8d8b`"), "{out}");
    assert!(out.contains("[capture.ws_unmatched]"), "{out}");
    assert!(out.contains("in 0 frame(s)"), "{out}");
    // named, the socket is checked
    let (code, out, err) = run(&[file, "--ws-path", "/devtools/browser/{id}"], None);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("0 error(s), 0 warning(s) in 2 frame(s), 1 connection(s)"),
        "{out}"
    );
    let (code, _, err) = run(&[file, "--ws-path", "/devtools/{id"], None);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--ws-path"), "{err}");
}

#[test]
fn unusable_inputs_exit_two() {
    let (code, _, err) = run(&["no/such/file.jsonl"], None);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot open"), "{err}");
    let (code, _, err) = run(&["README.md"], None);
    assert_eq!(code, 2, "{err}");
    let out = Command::new(env!("CARGO_BIN_EXE_frameproof"))
        .current_dir(root())
        .args(["validate", "--contract", "README.md", BROKEN])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn binary_input_ends_with_a_clear_error() {
    // the tool stops at the first NUL byte: no more than fits in a pipe, or the write fails
    let zeros = "\0".repeat(4096);
    let (code, _, err) = run(&["-", "--direction", "client"], Some(&zeros));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("<stdin>: line 1, byte 0: a NUL byte: this is not a text capture"),
        "{err}"
    );
    let (code, out, err) = run(
        &[
            "--max-sessions",
            "1",
            "validator/tests/fixtures/clean.jsonl",
        ],
        None,
    );
    // alice and bob take turns: each turn gives the other up (and its responses then answer
    // nothing this session knows)
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("[capture.sessions_dropped]"), "{out}");
}

/// The published SARIF 2.1.0 schema the reports crate keeps as test data.
fn sarif_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("reports/tests/data/sarif-schema-2.1.0.json"))
        .expect("the SARIF schema");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("json");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

#[test]
fn sarif_is_valid_against_the_published_schema() {
    let (_, out, _) = run(&[BROKEN, "--format", "sarif"], None);
    let doc: serde_json::Value = serde_json::from_str(&out).expect("json");
    let errors: Vec<String> = sarif_validator()
        .iter_errors(&doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // every rule a result cites is described, with the validator's own sentence
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    for result in doc["runs"][0]["results"].as_array().expect("results") {
        let index = result["ruleIndex"].as_u64().expect("a rule index") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let rule = frameproof_validator::Rule::from_id(result["ruleId"].as_str().unwrap_or(""))
            .expect("a rule of the validator");
        assert_eq!(rules[index]["shortDescription"]["text"], rule.description());
    }
}

#[test]
fn junit_is_read_back_by_an_xml_parser() {
    let (_, out, _) = run(&[BROKEN, "--format", "junit"], None);
    let doc = roxmltree::Document::parse(&out).expect("well-formed XML");
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .expect("a test suite");
    assert_eq!(suite.attribute("name"), Some(BROKEN));
    let failures: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .collect();
    assert_eq!(failures.len(), 15);
    let version = failures
        .iter()
        .find(|f| f.attribute("type") == Some("session.version"))
        .expect("the session.version failure");
    assert_eq!(
        version.attribute("message"),
        Some("`invoices.create` arrived in 1.1.0, newer than the connection's version 1.0.0")
    );
}

//! `frameproof contract check` on real files: the reference contract, and copies broken in each
//! way the foundation issue lists. Diagnostics are snapshotted.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

fn reference() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/timetracker/contract.json")
}

fn reference_value() -> Value {
    let text = std::fs::read_to_string(reference()).expect("the reference contract is checked in");
    serde_json::from_str(&text).expect("valid JSON")
}

fn write(name: &str, text: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("contract_check");
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

/// Runs the binary; returns (exit code, stdout + stderr with the temp dir replaced).
fn check(path: &Path, extra: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_frameproof"))
        .args(["contract", "check"])
        .arg(path)
        .args(extra)
        .output()
        .expect("run frameproof");
    let dir = path
        .parent()
        .map(|d| d.display().to_string())
        .unwrap_or_default();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
    .replace(&dir, "<dir>");
    (out.status.code().unwrap_or(-1), text)
}

/// A broken copy: the fingerprint is cleared so only the intended problem shows.
fn broken(name: &str, edit: impl FnOnce(&mut Value)) -> PathBuf {
    let mut v = reference_value();
    v["fingerprint"] = json!("");
    edit(&mut v);
    write(name, &serde_json::to_string_pretty(&v).expect("json"))
}

#[test]
fn the_reference_contract_is_sound() {
    let (code, out) = check(&reference(), &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("is sound (16 actions, 10 events"), "{out}");
}

#[test]
fn two_actions_on_one_rest_route() {
    let path = broken("route_clash.json", |v| {
        v["actions"]["tasks.update"]["rest"]["method"] = json!("DELETE");
        v["actions"]["tasks.update"]["rest"]["body"] = json!(false);
    });
    let (code, out) = check(&path, &[]);
    assert_eq!(code, 1, "{out}");
    insta::assert_snapshot!("route_clash", out);
}

#[test]
fn an_event_emitted_but_not_registered() {
    let path = broken("unregistered_event.json", |v| {
        v["actions"]["tasks.update"]["emits"] = json!(["TaskUpdated", "TaskArchived"]);
    });
    let (code, out) = check(&path, &[]);
    assert_eq!(code, 1, "{out}");
    insta::assert_snapshot!("unregistered_event", out);
}

#[test]
fn a_transport_setting_that_a_control_schema_refuses() {
    // versioning reads a member of the auth frame that its schema does not list, and the auth
    // frame's token is said to be where its schema allows nothing
    let path = broken("control_member_refused.json", |v| {
        v["transport"]["versioning"]["methods"][1]["pointer"] = json!("/client_version");
        let auth = v["envelope"]["control"]
            .as_array()
            .and_then(|c| c.iter().position(|f| f["kind"] == "auth"))
            .expect("an auth control frame");
        v["envelope"]["control"][auth]["token"] = json!("/credentials/token");
    });
    let (code, out) = check(&path, &[]);
    assert_eq!(code, 1, "{out}");
    insta::assert_snapshot!("control_member_refused", out);
}

#[test]
fn two_actions_with_one_name() {
    // JSON objects cannot hold one key twice without ambiguity; serde_json would keep the last
    // silently. The document is refused with the line of the second definition.
    let text = std::fs::read_to_string(reference()).expect("read");
    let anchor = "\"actions\": {";
    let start = text.find(anchor).expect("actions") + anchor.len();
    let dup =
        "\n    \"tasks.delete\": {\"since\": \"1.0.0\", \"payload\": true, \"response\": true},";
    let text = format!("{}{}{}", &text[..start], dup, &text[start..]);
    let path = write("duplicate_action.json", &text);
    let (code, out) = check(&path, &[]);
    assert_eq!(code, 2, "{out}");
    insta::assert_snapshot!("duplicate_action", out);
}

#[test]
fn invalid_json_is_unusable_input() {
    let path = write("truncated.json", "{\"frameproof\": \"1.0\", \"name\": ");
    let (code, out) = check(&path, &[]);
    assert_eq!(code, 2, "{out}");
    insta::assert_snapshot!("truncated", out);
}

#[test]
fn a_missing_file_is_unusable_input() {
    let (code, out) = check(Path::new("/nonexistent/contract.json"), &[]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("cannot read the file"), "{out}");
}

#[test]
fn a_hand_edit_is_caught_by_the_fingerprint() {
    let mut v = reference_value();
    v["description"] = json!("edited by hand");
    let path = write(
        "edited.json",
        &serde_json::to_string_pretty(&v).expect("json"),
    );
    let (code, out) = check(&path, &["--format", "json"]);
    assert_eq!(code, 1, "{out}");
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("json lines"))
        .collect();
    assert_eq!(lines.len(), 1, "{out}");
    assert_eq!(lines[0]["pointer"], "/fingerprint");
}

#[test]
fn bad_schemas_and_names_are_reported_where_they_stand() {
    let path = broken("bad_items.json", |v| {
        v["$defs"]["Task"]["properties"]["status"] = json!({"type": "strin"});
        v["actions"]["tasks.update"]["since"] = json!("one");
        v["errors"]["teapot"] = json!({"status": 200});
        v["events"]["TaskUpdated"]["scope"] = json!({"kind": "topic", "pattern": "task:{taskid}"});
    });
    let (code, out) = check(&path, &["--format", "json"]);
    assert_eq!(code, 1, "{out}");
    let pointers: Vec<String> = out
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).expect("json")["pointer"]
                .as_str()
                .unwrap_or("")
                .to_owned()
        })
        .collect();
    for expected in [
        "/$defs/Task/properties/status/type",
        "/actions/tasks.update/since",
        "/events/TaskUpdated/scope",
    ] {
        assert!(
            pointers.iter().any(|p| p == expected),
            "{expected} not in {pointers:?}"
        );
    }
    assert!(out.contains("teapot"), "{out}");
}

/// Every example's contract file, as its derives built it (no post-processing), passes the
/// command a user runs on it: the JSON-RPC services, MCP, the op-coded gateway, the chat and
/// topic protocols and the reference server.
#[test]
fn every_examples_contract_passes_the_check() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut checked = Vec::new();
    for entry in std::fs::read_dir(&examples).expect("examples dir") {
        let dir = entry.expect("entry").path();
        for file in std::fs::read_dir(&dir).expect("example dir") {
            let path = file.expect("entry").path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if !name.ends_with("contract.json") {
                continue;
            }
            let (code, text) = check(&path, &[]);
            assert_eq!(code, 0, "{}: {text}", path.display());
            checked.push(name.to_owned());
        }
    }
    assert!(checked.len() >= 7, "only {checked:?}");
}

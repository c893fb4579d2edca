//! `frameproof diff` and `frameproof changelog` through the binary: the reference contract at
//! its version N and hand-made N+1 copies with one change each (a break of old clients, a break
//! of old servers' traffic only, a compatible addition), with too small and right version
//! bumps; policies, ignore files, output formats, unusable input, and `--base` against git.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn reference() -> PathBuf {
    workspace().join("examples/timetracker/contract.json")
}

fn reference_value() -> Value {
    let text = std::fs::read_to_string(reference()).expect("the reference contract is checked in");
    serde_json::from_str(&text).expect("valid JSON")
}

fn tmp() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("diff_cli");
    std::fs::create_dir_all(&dir).expect("tmp dir");
    dir
}

fn write(name: &str, text: &str) -> PathBuf {
    let path = tmp().join(name);
    std::fs::write(&path, text).expect("write");
    path
}

/// A copy of the reference contract at `version`, edited; the fingerprint is cleared.
fn copy(name: &str, version: &str, edit: impl FnOnce(&mut Value)) -> PathBuf {
    let mut v = reference_value();
    v["fingerprint"] = json!("");
    v["version"] = json!(version);
    edit(&mut v);
    write(name, &serde_json::to_string_pretty(&v).expect("json"))
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn frameproof(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_frameproof"))
        .args(args)
        .current_dir(workspace())
        .output()
        .expect("run frameproof");
    let dir = tmp().display().to_string();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).replace(&dir, "<dir>"),
        stderr: String::from_utf8_lossy(&out.stderr).replace(&dir, "<dir>"),
    }
}

fn diff(new: &Path, extra: &[&str]) -> Run {
    // relative to the workspace, where the binary runs: the same text on every machine
    let mut args = vec![
        "diff",
        "examples/timetracker/contract.json",
        new.to_str().expect("utf-8 path"),
    ];
    args.extend_from_slice(extra);
    frameproof(&args)
}

/// Breaks old clients: `Task.labels`, a required response field, is removed.
fn without_labels(v: &mut Value) {
    if let Some(props) = v["$defs"]["Task"]["properties"].as_object_mut() {
        props.remove("labels");
    }
    if let Some(required) = v["$defs"]["Task"]["required"].as_array_mut() {
        required.retain(|r| r != "labels");
    }
}

/// Breaks only old servers' traffic: a notification kind old servers still send is gone.
fn without_invoice_paid(v: &mut Value) {
    v["$defs"]["NotificationKind"]["enum"] = json!(["task_assigned", "mention"]);
}

/// Compatible: a new optional payload field.
fn with_tags(v: &mut Value) {
    v["$defs"]["StartTimer"]["properties"]["tags"] =
        json!({ "type": "array", "items": { "type": "string" } });
}

fn json_report(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).expect("--format json prints JSON")
}

#[test]
fn the_committed_contract_against_head_has_no_changes() {
    let run = frameproof(&[
        "diff",
        "--base",
        "HEAD",
        "examples/timetracker/contract.json",
        "--check",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("no changes"), "{}", run.stdout);
    assert!(run
        .stdout
        .starts_with("HEAD:examples/timetracker/contract.json → "));
}

#[test]
fn a_break_of_old_clients_needs_a_major_bump() {
    let minor = copy("clients-1.3.0.json", "1.3.0", without_labels);
    let run = diff(&minor, &["--check"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("1.2.0 → 1.3.0 is too small a bump: needs major for response-field-removed"),
        "{}",
        run.stderr
    );
    insta::assert_snapshot!("clients_break_human", run.stdout);

    let major = copy("clients-2.0.0.json", "2.0.0", without_labels);
    let run = diff(&major, &["--check"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);

    let report = json_report(&diff(&minor, &["--format", "json"]));
    let change = &report["changes"][0];
    assert_eq!(change["rule"], "response-field-removed");
    assert_eq!(
        change["breaks"],
        json!({ "clients": true, "servers": false, "codegen": true })
    );
    assert_eq!(change["old_pointer"], "/$defs/Task/properties/labels");
    assert_eq!(change["new_pointer"], "/$defs/Task/properties");

    // a policy that leaves old clients and codegen out accepts the minor bump
    let run = diff(&minor, &["--check", "--breaking", "servers"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

#[test]
fn a_break_of_old_servers_traffic_only_needs_a_major_bump_too() {
    let minor = copy("servers-1.3.0.json", "1.3.0", without_invoice_paid);
    let run = diff(&minor, &["--check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let report = json_report(&run);
    let changes = report["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert_eq!(changes[0]["rule"], "response-enum-value-removed");
    assert_eq!(changes[0]["breaks"]["clients"], false);
    assert_eq!(changes[0]["breaks"]["servers"], true);
    assert_eq!(report["version"]["required"], "major");

    let major = copy("servers-2.0.0.json", "2.0.0", without_invoice_paid);
    assert_eq!(diff(&major, &["--check"]).code, 0);

    // a team that always deploys servers first and ships no generated code
    let run = diff(&minor, &["--check", "--breaking", "clients"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

#[test]
fn a_compatible_addition_needs_a_minor_bump() {
    let patch = copy("compatible-1.2.1.json", "1.2.1", with_tags);
    let run = diff(&patch, &["--check"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("needs minor for request-field-added"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("breaks nothing; needs minor"),
        "{}",
        run.stdout
    );

    let minor = copy("compatible-1.3.0.json", "1.3.0", with_tags);
    let run = diff(&minor, &["--check"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("0 breaking"), "{}", run.stdout);

    // without --check the verdict is informative only
    assert_eq!(diff(&patch, &[]).code, 0);
}

#[test]
fn an_ignore_file_accepts_a_reviewed_change_with_its_reason() {
    let minor = copy("accepted-1.3.0.json", "1.3.0", without_labels);
    let ignore = write(
        "accept.toml",
        r#"
[[accept]]
rule = "response-field-removed"
pointer = "/$defs/Task/properties/labels"
reason = "no client ever shipped a labels UI"

[[accept]]
rule = "action-removed"
pointer = "/actions/tasks.archive"
reason = "stale on purpose"
"#,
    );
    let run = diff(
        &minor,
        &["--check", "--ignore", ignore.to_str().expect("path")],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("accepted: no client ever shipped a labels UI"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("matched no change"), "{}", run.stdout);

    let json = write(
        "accept.json",
        r#"{ "accept": [ { "rule": "response-field-removed", "pointer": "/$defs/Task/properties/labels", "reason": "reviewed" } ] }"#,
    );
    assert_eq!(
        diff(
            &minor,
            &["--check", "--ignore", json.to_str().expect("path")]
        )
        .code,
        0
    );

    let no_reason = write(
        "no-reason.toml",
        "[[accept]]\nrule = \"response-field-removed\"\npointer = \"/$defs/Task/properties/labels\"\nreason = \" \"\n",
    );
    let run = diff(
        &minor,
        &["--check", "--ignore", no_reason.to_str().expect("path")],
    );
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("a reason is mandatory"),
        "{}",
        run.stderr
    );

    let unknown = write(
        "unknown.toml",
        "[[accept]]\nrule = \"field-gone\"\npointer = \"/x\"\nreason = \"r\"\n",
    );
    let run = diff(&minor, &["--ignore", unknown.to_str().expect("path")]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no rule has this id"), "{}", run.stderr);
}

#[test]
fn github_and_junit_formats() {
    let minor = copy("formats-1.3.0.json", "1.3.0", without_labels);
    let run = diff(&minor, &["--format", "github"]);
    assert_eq!(run.code, 0);
    let first = run.stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("::error file=<dir>/formats-1.3.0.json,line="),
        "{}",
        run.stdout
    );
    assert!(
        first.contains(",title=frameproof response-field-removed::`Task.labels` was removed"),
        "{first}"
    );
    assert!(
        run.stdout
            .contains("::error file=<dir>/formats-1.3.0.json,title=frameproof version bump::"),
        "{}",
        run.stdout
    );

    let run = diff(&minor, &["--format", "junit"]);
    assert!(run.stdout.starts_with("<?xml"), "{}", run.stdout);
    assert!(
        run.stdout.contains(
            r#"<testsuite name="trcr 1.2.0 → 1.3.0" tests="2" failures="2" skipped="0">"#
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains(r#"<failure type="response-field-removed""#),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains(r#"<failure type="version-bump" message="needs a major bump, got minor">"#),
        "{}",
        run.stdout
    );
}

#[test]
fn changelog_groups_by_severity() {
    let new = copy("changelog-2.0.0.json", "2.0.0", |v| {
        without_labels(v);
        without_invoice_paid(v);
        with_tags(v);
    });
    let old = reference();
    let run = frameproof(&[
        "changelog",
        old.to_str().expect("path"),
        new.to_str().expect("path"),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = &run.stdout;
    let breaking = text.find("## Breaking changes").expect("breaking section");
    let review = text.find("## Changes to review").expect("review section");
    let compatible = text
        .find("## Compatible changes")
        .expect("compatible section");
    assert!(breaking < review && review < compatible, "{text}");
    assert!(text.starts_with("# trcr 2.0.0\n"), "{text}");
    assert!(text.contains("`response-field-removed`"), "{text}");
    assert!(text.contains("`response-enum-value-removed`"), "{text}");
    assert!(text.contains("`request-field-added`"), "{text}");

    let out = tmp().join("CHANGELOG.md");
    let run = frameproof(&[
        "changelog",
        old.to_str().expect("path"),
        new.to_str().expect("path"),
        "--output",
        out.to_str().expect("path"),
    ]);
    assert_eq!(run.code, 0);
    assert_eq!(std::fs::read_to_string(&out).expect("written"), *text);
}

#[test]
fn unusable_input_exits_2() {
    let missing = tmp().join("missing.json");
    let run = diff(&missing, &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot read the file"),
        "{}",
        run.stderr
    );

    let broken = write("broken.json", "{ \"frameproof\": ");
    let run = diff(&broken, &["--check"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("not valid JSON"), "{}", run.stderr);

    let not_semver = copy("not-semver.json", "v2", with_tags);
    let run = diff(&not_semver, &["--check"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("`v2` is not a semantic version"),
        "{}",
        run.stderr
    );

    let run = frameproof(&["diff", reference().to_str().expect("path")]);
    assert_eq!(run.code, 2);

    let run = frameproof(&[
        "diff",
        "--base",
        "no-such-ref-anywhere",
        "examples/timetracker/contract.json",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("the git ref `no-such-ref-anywhere` does not exist"),
        "{}",
        run.stderr
    );

    // a file outside any repository
    let outside = std::env::temp_dir().join(format!("frameproof-diff-{}.json", std::process::id()));
    std::fs::write(&outside, "{}").expect("write");
    let run = frameproof(&["diff", "--base", "HEAD", outside.to_str().expect("path")]);
    let _ = std::fs::remove_file(&outside);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
}

#[test]
fn sarif_format_is_valid_against_the_published_schema() {
    let minor = copy("sarif-1.3.0.json", "1.3.0", without_labels);
    let run = diff(&minor, &["--format", "sarif"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // the harness writes the temporary directory as `<dir>`; put a path back
    let doc: Value = serde_json::from_str(&run.stdout.replace("<dir>", "/tmp/dir")).expect("json");
    let text =
        std::fs::read_to_string(workspace().join("reports/tests/data/sarif-schema-2.1.0.json"))
            .expect("the SARIF schema");
    let schema: Value = serde_json::from_str(&text).expect("json");
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{}", run.stdout);
    let results = doc["runs"][0]["results"].as_array().expect("results");
    let removed = results
        .iter()
        .find(|r| r["ruleId"] == "response-field-removed")
        .expect("the removed field");
    assert_eq!(removed["level"], "error");
    assert_eq!(
        removed["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "/tmp/dir/sarif-1.3.0.json"
    );
    assert!(
        removed["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64() > Some(0),
        "{removed:#}"
    );
    assert!(
        results.iter().any(|r| r["ruleId"] == "version-bump"),
        "{}",
        run.stdout
    );
}

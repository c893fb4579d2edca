//! `frameproof export asyncapi` and `frameproof docs` through the binary: the AsyncAPI version
//! flag (3.1.0 by default, 3.0.0 on request, refused for the other formats), and the HTML
//! reference with examples from the reference contract's recorded transcripts, or a clear error
//! (exit 2) for a directory that is not there.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn reference() -> String {
    workspace()
        .join("examples/timetracker/contract.json")
        .display()
        .to_string()
}

/// A fresh directory for one test.
fn tmp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("codegen_cli")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("tmp dir");
    dir
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
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn asyncapi_version(extra: &[&str]) -> String {
    let contract = reference();
    let mut args = vec!["export", "asyncapi", "--contract", &contract];
    args.extend_from_slice(extra);
    let run = frameproof(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: Value = serde_json::from_str(&run.stdout).expect("the export is JSON");
    doc["asyncapi"].as_str().unwrap_or_default().to_owned()
}

#[test]
fn asyncapi_is_3_1_unless_3_0_is_asked_for() {
    assert_eq!(asyncapi_version(&[]), "3.1.0");
    assert_eq!(asyncapi_version(&["--asyncapi-version", "3.1"]), "3.1.0");
    assert_eq!(asyncapi_version(&["--asyncapi-version", "3.0"]), "3.0.0");

    // a version the export does not write is a usage error (clap's exit code 2)
    let contract = reference();
    let run = frameproof(&[
        "export",
        "asyncapi",
        "--contract",
        &contract,
        "--asyncapi-version",
        "2.6",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("3.0") && run.stderr.contains("3.1"),
        "{}",
        run.stderr
    );

    // the flag belongs to the AsyncAPI export only
    let run = frameproof(&[
        "export",
        "openapi",
        "--contract",
        &contract,
        "--asyncapi-version",
        "3.0",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr
            .contains("error: --asyncapi-version applies to `export asyncapi` only"),
        "{}",
        run.stderr
    );
}

/// Values only the transcripts hold: a project named in the first recorded `projects.list`
/// response (`01-timers.jsonl`) and the name of the first project created (`02-projects.jsonl`).
const RECORDED: [&str; 2] = ["Website relaunch", "Conformance"];

#[test]
fn docs_take_examples_from_recorded_transcripts() {
    let contract = reference();
    let transcripts = workspace()
        .join("examples/timetracker/transcripts")
        .display()
        .to_string();

    let plain = tmp("docs-plain");
    let run = frameproof(&[
        "docs",
        "--contract",
        &contract,
        "--out",
        &plain.display().to_string(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = std::fs::read_to_string(plain.join("index.html")).expect("index.html");
    for value in RECORDED {
        assert!(!page.contains(value), "`{value}` without --examples");
    }

    let recorded = tmp("docs-recorded");
    let run = frameproof(&[
        "docs",
        "--contract",
        &contract,
        "--out",
        &recorded.display().to_string(),
        "--examples",
        &transcripts,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("examples from {transcripts}: ")),
        "{}",
        run.stderr
    );
    let page = std::fs::read_to_string(recorded.join("index.html")).expect("index.html");
    for value in RECORDED {
        assert!(page.contains(value), "`{value}` missing with --examples");
    }
}

#[test]
fn docs_with_a_missing_examples_directory_is_a_clear_error() {
    let contract = reference();
    let out = tmp("docs-missing");
    let missing = out.join("no-such-transcripts").display().to_string();
    let run = frameproof(&[
        "docs",
        "--contract",
        &contract,
        "--out",
        &out.display().to_string(),
        "--examples",
        &missing,
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("error: cannot read {missing}: ")),
        "{}",
        run.stderr
    );
    assert!(
        !out.join("index.html").exists(),
        "a page was written without its examples"
    );
}

//! A reader that stops early (`frameproof ... | head -1`) ends no command with a panic: the
//! first line arrives, the pipe is closed, and the command finishes quietly with its usual code.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs the binary, reads its first line of output, closes the pipe; returns (exit code,
/// first line, stderr).
fn first_line_then_close(args: &[&str], stdin: Option<&Path>) -> (Option<i32>, String, String) {
    let stdin = match stdin {
        Some(path) => Stdio::from(std::fs::File::open(path).expect("input")),
        None => Stdio::null(),
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_frameproof"))
        .current_dir(root())
        .args(args)
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run frameproof");
    let mut first = String::new();
    {
        let mut out = BufReader::new(child.stdout.take().expect("stdout"));
        out.read_line(&mut first).expect("a first line");
        // dropped here: the read end closes while the command still has output to write
    }
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("stderr");
    let status = child.wait().expect("wait");
    (status.code(), first, err)
}

/// Raw client frames that are all wrong: far more than a pipe holds of violations.
fn many_bad_frames() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("closed_stdout");
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("bad-frames.jsonl");
    let text: String = (0..5_000)
        .map(|i| format!("{{\"type\":\"nope\",\"n\":{i}}}\n"))
        .collect();
    std::fs::write(&path, text).expect("write");
    path
}

fn assert_quiet(what: &str, (code, first, err): (Option<i32>, String, String), expected: i32) {
    assert!(!first.is_empty(), "{what}: no output at all; {err}");
    assert!(
        !err.contains("panicked") && !err.contains("failed printing"),
        "{what}: {err}"
    );
    assert_ne!(code, Some(101), "{what}: {err}");
    assert_eq!(code, Some(expected), "{what}: {err}");
}

#[test]
fn validate_ends_quietly_when_its_reader_stops() {
    let input = many_bad_frames();
    let contract = "examples/timetracker/contract.json";
    for format in ["json", "human", "github"] {
        let args = [
            "validate",
            "--contract",
            contract,
            "--direction",
            "client",
            "--format",
            format,
            "-",
        ];
        // the frames are wrong: the usual code, 1, whoever reads the report
        assert_quiet(format, first_line_then_close(&args, Some(&input)), 1);
    }
}

#[test]
fn contract_check_ends_quietly_when_its_reader_stops() {
    // a copy of the reference contract with 300 error codes of a non-error status: far more
    // diagnostics than a pipe holds
    let text = std::fs::read_to_string(root().join("examples/timetracker/contract.json"))
        .expect("the reference contract");
    let mut contract: serde_json::Value = serde_json::from_str(&text).expect("json");
    for i in 0..300 {
        contract["errors"][format!("teapot_{i}")] =
            serde_json::json!({"status": 200, "description": "not an error"});
    }
    contract["fingerprint"] = serde_json::json!("");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("closed_stdout");
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("many-problems.json");
    std::fs::write(
        &path,
        serde_json::to_string_pretty(&contract).expect("json"),
    )
    .expect("write");
    let path = path.display().to_string();
    for format in ["human", "json"] {
        let args = ["contract", "check", &path, "--format", format];
        // the contract has problems: the usual code, 1
        assert_quiet(format, first_line_then_close(&args, None), 1);
    }
}

#[test]
fn long_documents_end_quietly_when_their_reader_stops() {
    let contract = "examples/timetracker/contract.json";
    for args in [
        vec!["export", "openapi", "--contract", contract],
        vec![
            "contract",
            "frame-schema",
            "--direction",
            "server",
            contract,
        ],
    ] {
        assert_quiet(&args.join(" "), first_line_then_close(&args, None), 0);
    }
}

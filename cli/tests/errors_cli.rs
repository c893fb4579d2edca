//! Errors are printed once, by `main`, as `error: <message>: <cause>…`, and exit 2.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn frameproof(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_frameproof"))
        .current_dir(root())
        .args(args)
        .output()
        .expect("run frameproof");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The one `error:` line of `stderr`.
fn error_line(stderr: &str) -> &str {
    let lines: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(lines.len(), 1, "one error line, printed once: {stderr}");
    lines[0]
}

#[test]
fn an_unreadable_contract_names_the_path_and_the_os_reason() {
    let (code, stdout, stderr) = frameproof(&["validate", "--contract", "missing.json", "x"]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    let line = error_line(&stderr);
    assert!(
        line.starts_with("error: missing.json: cannot read the file: "),
        "{line}"
    );
    let os = std::fs::read("missing.json")
        .expect_err("missing")
        .to_string();
    // the OS reason once, though the message quotes it and it is also the source
    assert!(line.ends_with(&os), "{line}");
    assert_eq!(line.matches(&os).count(), 1, "{line}");
}

#[test]
fn a_cause_the_message_does_not_quote_is_added_to_the_line() {
    // the CLI's own context ("cannot create …") and the io error under it
    let (code, stdout, stderr) = frameproof(&[
        "export",
        "jsonschema",
        "--contract",
        "examples/timetracker/contract.json",
        "--out",
        "/dev/null/sub/schema.json",
    ]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    let line = error_line(&stderr);
    assert!(
        line.starts_with("error: cannot create /dev/null/sub: "),
        "{line}"
    );
    assert!(
        line.len() > "error: cannot create /dev/null/sub: ".len(),
        "{line}"
    );
}

#[test]
fn an_unreachable_server_prints_the_chain_down_to_the_refusal() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let ws = format!("ws://127.0.0.1:{port}/ws");
    let rest = format!("http://127.0.0.1:{port}");
    let (code, stdout, stderr) = frameproof(&[
        "fuzz",
        "--contract",
        "examples/timetracker/contract.json",
        "--ws",
        &ws,
        "--rest",
        &rest,
        "--token",
        "t",
        "--cases",
        "1",
    ]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    let line = error_line(&stderr);
    assert!(
        line.starts_with(&format!(
            "error: cannot reach the server: cannot connect to {ws}"
        )),
        "{line}"
    );
    assert!(line.contains("Connection refused"), "{line}");
}

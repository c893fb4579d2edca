//! `frameproof conformance` reports each run as it ends. Before, the report (and any file) was
//! written only at the very end: a run interrupted by a CI time-out lost every result, also
//! those of the transcripts that had finished.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn an_interrupted_run_keeps_the_runs_that_ended() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let server = runtime
        .block_on(timetracker::server::start(
            timetracker::server::ServerConfig {
                port: 0,
                fixed_credentials: true,
                ..timetracker::server::ServerConfig::default()
            },
        ))
        .expect("server");
    let dir =
        std::env::temp_dir().join(format!("frameproof-conformance-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let json_file = dir.join("report.jsonl");
    let junit_file = dir.join("report.xml");
    let transcripts = root().join("examples/timetracker/transcripts");
    // the second transcript has an `expect_none`; a long quiet window keeps it running
    let mut cli = Command::new(env!("CARGO_BIN_EXE_frameproof"))
        .arg("conformance")
        .arg("--contract")
        .arg(root().join("examples/timetracker/contract.json"))
        .args(["--ws", &server.ws_url(), "--rest", &server.http_url()])
        .arg("--credentials")
        .arg(transcripts.join("credentials.json"))
        .args(["--transport", "ws", "--quiet-ms", "20000"])
        .arg("--json-file")
        .arg(&json_file)
        .arg("--junit-file")
        .arg(&junit_file)
        .arg(transcripts.join("02-projects.jsonl"))
        .arg(transcripts.join("01-timers.jsonl"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("frameproof runs");
    let deadline = Instant::now() + Duration::from_secs(30);
    let first = loop {
        if let Ok(text) = std::fs::read_to_string(&json_file) {
            break text;
        }
        assert!(Instant::now() < deadline, "no report file after 30 s");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        cli.try_wait().expect("status").is_none(),
        "the second transcript should still be running"
    );
    cli.kill().expect("kill");
    let output = cli.wait_with_output().expect("output");
    runtime.block_on(server.shutdown());

    let lines: Vec<serde_json::Value> = first
        .lines()
        .map(|l| serde_json::from_str(l).expect("a whole JSON line"))
        .collect();
    assert_eq!(lines.len(), 1, "{first}");
    assert!(lines[0]["transcript"]
        .as_str()
        .is_some_and(|t| t.ends_with("02-projects.jsonl")));
    let junit = std::fs::read_to_string(&junit_file).expect("the JUnit file");
    assert!(junit.contains("02-projects.jsonl (websocket)"), "{junit}");
    assert!(junit.trim_end().ends_with("</testsuites>"), "{junit}");
    let _ = std::fs::remove_dir_all(&dir);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("PASS") && stdout.contains("02-projects.jsonl over websocket"),
        "the console shows the finished run: {stdout}"
    );
}

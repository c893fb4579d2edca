//! The `timetracker` binary: prints where it listens and who can log in, serves, rejects
//! unknown faults with the list of valid ones, and stops cleanly on Ctrl-C (SIGINT).

mod common;

use std::process::Stdio;
use std::time::Duration;

use common::*;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};

const BIN: &str = env!("CARGO_BIN_EXE_timetracker");

#[tokio::test]
async fn an_unknown_fault_is_a_clear_error() {
    let out = tokio::process::Command::new(BIN)
        .args(["--port", "0", "--fault", "bogus"])
        .output()
        .await
        .expect("the binary runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown fault `bogus`"), "{err}");
    for name in [
        "rest-status",
        "cross-org-leak",
        "no-pong",
        "undeclared-error",
    ] {
        assert!(err.contains(name), "{name} is not listed: {err}");
    }
}

#[tokio::test]
async fn starts_prints_serves_and_stops_on_ctrl_c() {
    let mut child = tokio::process::Command::new(BIN)
        .args(["--port", "0", "--fault", "rest-status"])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut printed = Vec::new();
    let read = async {
        while let Ok(Some(line)) = lines.next_line().await {
            let done = line.starts_with("Press Ctrl-C");
            printed.push(line);
            if done {
                break;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .expect("the banner within 10 s");
    let field = |prefix: &str| {
        printed
            .iter()
            .find_map(|l| l.strip_prefix(prefix).map(|r| r.trim().to_owned()))
            .unwrap_or_else(|| panic!("no `{prefix}` line in {printed:#?}"))
    };
    let ws = field("WebSocket:");
    let rest = field("REST:");
    assert!(
        ws.starts_with("ws://127.0.0.1:") && ws.ends_with("/ws"),
        "{ws}"
    );
    assert!(
        rest.starts_with("http://127.0.0.1:") && rest.ends_with("/api"),
        "{rest}"
    );
    assert_eq!(field("Faults:"), "rest-status");
    let alice = printed
        .iter()
        .find(|l| l.trim_start().starts_with("usr_alice"))
        .expect("alice is listed");
    assert!(alice.contains("org_acme"));
    for user in ["usr_bob", "usr_carol"] {
        assert!(printed.iter().any(|l| l.contains(user)), "{user} is listed");
    }
    let token = alice
        .split_whitespace()
        .skip_while(|w| *w != "access")
        .nth(1)
        .expect("an access token")
        .to_owned();

    let mut client = Client::connect(&format!("{ws}?token={token}")).await;
    assert!(client.ok("projects.list", json!({})).await.is_array());
    let resp = reqwest::Client::new()
        .get(format!("{rest}/projects/proj_99"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("a REST reply");
    assert_eq!(resp.status().as_u16(), 400, "the rest-status fault is on");

    let pid = child.id().expect("a pid").to_string();
    let killed = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("the server stops within 10 s")
        .expect("an exit status");
    assert!(status.success(), "{status}");
    assert_eq!(
        client.ended(WAIT).await,
        Ended::Close(1001),
        "clients are told it is going away"
    );
}

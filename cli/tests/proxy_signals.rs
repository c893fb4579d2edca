//! A recording proxy under load, stopped the ways operators stop it: SIGKILL (nothing can be
//! done), SIGTERM (`docker stop`, systemd, CI time-outs) and SIGINT (Ctrl-C). Before, the
//! transcript's header was written only on Ctrl-C: after KILL or TERM there was no recording at
//! all, and INT under traffic recorded fewer responses than clients had received.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio_tungstenite::tungstenite::Message;

use frameproof_validator::{capture, Validator};

const CLIENTS: usize = 8;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[derive(Default)]
struct Seen {
    /// Ids of the responses clients received.
    responses: BTreeSet<String>,
    /// Close codes clients were sent.
    closes: Vec<u16>,
}

/// One client sending requests one after another until its socket ends.
async fn client(url: String, n: usize, seen: Arc<Mutex<Seen>>) {
    let Ok((mut ws, _)) = tokio_tungstenite::connect_async(url).await else {
        return;
    };
    for i in 0.. {
        let id = format!("k{n}-{i}");
        let frame = json!({"id": id, "action": "projects.list", "payload": {}});
        if ws.send(Message::text(frame.to_string())).await.is_err() {
            return;
        }
        loop {
            match tokio::time::timeout(Duration::from_secs(5), ws.next()).await {
                Ok(Some(Ok(Message::Text(t)))) => {
                    let v: Value = serde_json::from_str(t.as_str()).unwrap_or(Value::Null);
                    if let Some(got) = v["id"].as_str() {
                        seen.lock().expect("lock").responses.insert(got.to_owned());
                        if got == id {
                            break;
                        }
                    }
                }
                Ok(Some(Ok(Message::Close(c)))) => {
                    let code = c.map_or(1005, |c| u16::from(c.code));
                    seen.lock().expect("lock").closes.push(code);
                    return;
                }
                Ok(Some(Ok(_))) => {}
                _ => return,
            }
        }
    }
}

async fn stop_under_load(signal: &str) {
    let server = timetracker::server::start(timetracker::server::ServerConfig {
        port: 0,
        ..Default::default()
    })
    .await
    .expect("server");
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("signals")
        .join(signal);
    let _ = std::fs::remove_dir_all(&dir);
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_frameproof"))
        .current_dir(root())
        .args(["proxy", "--contract", "examples/timetracker/contract.json"])
        .args(["--listen", "127.0.0.1:0", "--upstream", &server.http_url()])
        .arg("--record")
        .arg(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("run frameproof proxy");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let banner = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .expect("the proxy starts")
        .expect("read")
        .expect("a banner");
    let addr = banner
        .split("ws://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("the proxy's address")
        .to_owned();
    let token = server
        .user("usr_alice")
        .expect("seeded")
        .access_token
        .clone();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|n| {
            let url = format!("ws://{addr}/ws?token={token}");
            tokio::spawn(client(url, n, seen.clone()))
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(800)).await;
    let pid = child.id().expect("running").to_string();
    let killed = std::process::Command::new("kill")
        .args([format!("-{signal}"), pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(20), child.wait())
        .await
        .expect("the proxy stops")
        .expect("wait");
    for c in clients {
        let _ = tokio::time::timeout(Duration::from_secs(10), c).await;
    }
    server.shutdown().await;

    let path = dir.join("recording-1.jsonl");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{signal}: no recording at {}: {e}", path.display()));
    let validator = Validator::new(&timetracker::contract()).expect("compiles");
    let mut found = Vec::new();
    capture::validate_transcript(&validator, text.as_bytes(), "recording", &mut |v| {
        found.push(v)
    })
    .unwrap_or_else(|e| panic!("{signal}: the recording is unreadable: {e}"));
    // requests in flight when the proxy stopped are unanswered; nothing else may be wrong
    let wrong: Vec<_> = found
        .iter()
        .filter(|v| v.rule != "session.unanswered")
        .collect();
    assert!(wrong.is_empty(), "{signal}: {wrong:#?}");
    let recorded: BTreeSet<String> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|r| r["dir"] == "server")
        .filter_map(|r| r["frame"]["id"].as_str().map(str::to_owned))
        .collect();
    let seen = seen.lock().expect("lock");
    assert!(
        seen.responses.len() > CLIENTS * 5,
        "{signal}: load ran ({} responses)",
        seen.responses.len()
    );
    if signal == "KILL" {
        // killed: whatever was flushed before is there, as whole lines
        let kept = seen.responses.intersection(&recorded).count();
        assert!(
            kept * 10 >= seen.responses.len() * 9,
            "{signal}: {kept} of {} responses recorded",
            seen.responses.len()
        );
        return;
    }
    assert!(
        status.code().is_some(),
        "{signal}: the proxy exits by itself, not by the signal: {status:?}"
    );
    let missing: Vec<_> = seen.responses.difference(&recorded).collect();
    assert!(
        missing.is_empty(),
        "{signal}: delivered but not recorded: {missing:?}"
    );
    assert!(
        !seen.closes.is_empty() && seen.closes.iter().all(|c| *c == 1001),
        "{signal}: clients are closed with 1001: {:?}",
        seen.closes
    );
    assert!(
        text.contains("\"code\":1001"),
        "{signal}: the closes are recorded"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recording_survives_kill_term_and_int() {
    for signal in ["KILL", "TERM", "INT"] {
        stop_under_load(signal).await;
    }
}

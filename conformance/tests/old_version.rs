//! Backward compatibility, the check teams care about most: transcripts of clients built
//! against the previous contract version (1.0.0: the reference contract without what 1.1.0
//! added) replay against the current server when `frameproof diff` says the change breaks no
//! client; and the validator, told the connection's version, flags what is newer than it.

use std::path::Path;

use serde_json::Value;

use frameproof_conformance::{replay, Credentials, ReplayOptions, Target, Transport};
use frameproof_schema::Contract;
use frameproof_validator::capture::validate_transcript;
use frameproof_validator::Validator;
use timetracker::server::ServerConfig;

/// The reference contract as it was at 1.0.0: everything introduced later removed.
fn previous() -> Contract {
    let mut c = timetracker::contract();
    let newer = |since: &str| {
        semver::Version::parse(since)
            .map(|v| v > semver::Version::new(1, 0, 0))
            .unwrap_or(false)
    };
    c.actions.retain(|_, a| !newer(&a.since));
    c.events.retain(|_, e| !newer(&e.since));
    c.version = "1.0.0".into();
    c.fingerprint = c.compute_fingerprint();
    c
}

/// A bundled transcript, as a client built against `version` recorded it.
fn at_version(name: &str, version: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/timetracker/transcripts")
        .join(name);
    let text = std::fs::read_to_string(path).expect("transcript");
    let mut lines = text.lines();
    let mut header: Value = serde_json::from_str(lines.next().expect("header")).expect("json");
    header["contract"]["version"] = Value::String(version.into());
    if let Some(conns) = header["connections"].as_array_mut() {
        for c in conns {
            c["version"] = Value::String(version.into());
        }
    }
    std::iter::once(header.to_string())
        .chain(lines.map(str::to_owned))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

const OLD_CLIENT_TRANSCRIPTS: [&str; 6] = [
    "01-timers.jsonl",
    "03-tasks-and-topics.jsonl",
    "04-chat.jsonl",
    "06-notifications.jsonl",
    "07-tenant-isolation.jsonl",
    "08-protocol-errors.jsonl",
];

#[test]
fn the_diff_from_the_previous_version_breaks_no_client() {
    let changes = frameproof_versioning::diff(&previous(), &timetracker::contract());
    assert!(!changes.is_empty());
    let breaking: Vec<String> = changes
        .iter()
        .filter(|c| c.breaks.clients)
        .map(|c| format!("{} {}", c.rule.id(), c.message))
        .collect();
    assert!(breaking.is_empty(), "{breaking:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn old_clients_transcripts_pass_against_the_current_server() {
    let mut credentials = Credentials::new();
    for u in ["usr_alice", "usr_bob", "usr_carol"] {
        credentials.insert(u, format!("at_fixed_{u}"));
    }
    let options = ReplayOptions {
        credentials,
        ..ReplayOptions::default()
    };
    let current = timetracker::contract();
    for name in OLD_CLIENT_TRANSCRIPTS {
        let text = at_version(name, "1.0.0");
        for transport in [Transport::WebSocket, Transport::Rest] {
            let server = timetracker::server::start(ServerConfig {
                port: 0,
                fixed_credentials: true,
                ..ServerConfig::default()
            })
            .await
            .expect("server");
            let target = Target {
                ws_url: server.ws_url(),
                http_url: server.http_url(),
            };
            let r = replay(&current, name, &text, &target, transport, &options).await;
            server.shutdown().await;
            assert!(
                r.passed(),
                "{}",
                frameproof_conformance::report::human(&[r])
            );
        }
    }
}

#[test]
fn the_validator_flags_what_is_newer_than_the_connections_version() {
    let validator = Validator::new(&timetracker::contract()).expect("compiles");
    let versions = |text: &str| -> Vec<String> {
        let mut found = Vec::new();
        validate_transcript(&validator, text.as_bytes(), "t", &mut |v| found.push(v))
            .expect("readable");
        found
            .into_iter()
            .filter(|v| v.rule == "session.version")
            .filter_map(|v| v.item)
            .collect()
    };
    for name in OLD_CLIENT_TRANSCRIPTS {
        assert!(versions(&at_version(name, "1.0.0")).is_empty(), "{name}");
    }
    // 02 creates a project and receives ProjectCreated, both new in 1.1.0
    let flagged = versions(&at_version("02-projects.jsonl", "1.0.0"));
    assert!(
        flagged.iter().any(|i| i == "projects.create"),
        "{flagged:?}"
    );
    assert!(flagged.iter().any(|i| i == "ProjectCreated"), "{flagged:?}");
    assert!(versions(&at_version("02-projects.jsonl", "1.1.0")).is_empty());
}

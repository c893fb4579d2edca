//! `frameproof fuzz`'s raw-text probes against the reference server: as it is (it reads frames
//! as the contract does, so every probe agrees), and behind a front that reads client frames
//! the way a plain JSON parser does — a key named twice keeps its last value — which the
//! probes catch and name.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;

use frameproof_conformance::fuzz::{self, Mutation, RawProbe};
use frameproof_conformance::Target;
use timetracker::server::{RunningServer, ServerConfig};

async fn reference() -> RunningServer {
    timetracker::server::start(ServerConfig {
        port: 0,
        fixed_credentials: true,
        token_ttl: Duration::from_secs(900),
        ..ServerConfig::default()
    })
    .await
    .expect("server")
}

/// A front at `ws://…` that passes client frames on re-written by `serde_json` (a key named
/// twice becomes one, the last), and server frames unchanged.
async fn plain_parser_front(upstream: String) -> String {
    frameproof_test_kit::ws::front(upstream, |client, server| async move {
        let (mut to_client, mut from_client) = client.split();
        let (mut to_server, mut from_server) = server.split();
        tokio::spawn(async move {
            while let Some(Ok(m)) = from_server.next().await {
                if to_client.send(m).await.is_err() {
                    return;
                }
            }
        });
        while let Some(Ok(m)) = from_client.next().await {
            let m = match m {
                Message::Text(t) => match serde_json::from_str::<Value>(t.as_str()) {
                    Ok(v) => Message::text(v.to_string()),
                    Err(_) => Message::Text(t),
                },
                other => other,
            };
            if to_server.send(m).await.is_err() {
                return;
            }
        }
    })
    .await
}

fn fuzz_raw_only(target: &Target) -> fuzz::FuzzReport {
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                fuzz::run(
                    &timetracker::contract(),
                    target,
                    "at_fixed_usr_alice",
                    20261130,
                    0,
                )
            })
            .join()
            .expect("fuzz thread")
    })
    .expect("runs")
}

#[test]
fn raw_probes_agree_with_the_reference_server_and_catch_a_plain_parser() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let server = rt.block_on(reference());
    let direct = Target {
        ws_url: server.ws_url(),
        http_url: server.http_url(),
    };
    let report = fuzz_raw_only(&direct);
    eprintln!(
        "reference server: {} raw probes, none disagree",
        report.raw_probes
    );
    assert!(report.failure.is_none(), "{:?}", report.failure);
    // every action's members, each probe that applies to them
    assert!(report.raw_probes >= 40, "only {} probes", report.raw_probes);

    let fronted = Target {
        ws_url: format!(
            "{}/ws",
            rt.block_on(plain_parser_front(
                server.ws_url().trim_end_matches("/ws").to_owned()
            ))
        ),
        http_url: server.http_url(),
    };
    let report = fuzz_raw_only(&fronted);
    let (case, why) = report.failure.expect("a key named twice goes through");
    eprintln!("behind a plain parser: {why}");
    assert_eq!(
        case.mutation,
        Mutation::Raw(RawProbe::DuplicateKey),
        "{why}"
    );
    assert!(
        why.contains("a key named twice at `")
            && why
                .contains("the contract refuses it (frame.duplicate_key), the server accepted it"),
        "{why}"
    );
    rt.block_on(server.shutdown());
}

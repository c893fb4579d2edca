//! The bundled transcripts against the reference server: every one passes over both
//! transports on a sound server, the generated checks pass, and each fault the server can
//! inject makes conformance fail with a report that names the divergence (the table in
//! `docs/conformance.md`).

use std::path::{Path, PathBuf};
use std::time::Duration;

use frameproof_conformance::checks::{self, CheckOptions, CheckUsers};
use frameproof_conformance::{
    replay, Credentials, Outcome, ReplayOptions, Target, TranscriptReport, Transport,
};
use timetracker::server::{Fault, RunningServer, ServerConfig};

fn transcripts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/timetracker/transcripts")
}

fn credentials() -> Credentials {
    let mut c = Credentials::new();
    for u in ["usr_alice", "usr_bob", "usr_carol"] {
        c.insert(u, format!("at_fixed_{u}"));
        c.insert(format!("{u}:refresh"), format!("rt_fixed_{u}"));
    }
    c
}

async fn server(faults: Vec<Fault>, ttl: Duration) -> RunningServer {
    timetracker::server::start(ServerConfig {
        port: 0,
        fixed_credentials: true,
        token_ttl: ttl,
        faults,
        ..ServerConfig::default()
    })
    .await
    .expect("server")
}

fn target(s: &RunningServer) -> Target {
    Target {
        ws_url: s.ws_url(),
        http_url: s.http_url(),
    }
}

async fn run(
    file: &Path,
    transport: Transport,
    faults: Vec<Fault>,
    timeout: Duration,
) -> TranscriptReport {
    let options = ReplayOptions {
        timeout,
        ..ReplayOptions::default()
    };
    run_with(file, transport, faults, options).await
}

async fn run_with(
    file: &Path,
    transport: Transport,
    faults: Vec<Fault>,
    options: ReplayOptions,
) -> TranscriptReport {
    let ttl = if file.to_string_lossy().contains("short-ttl") {
        Duration::from_secs(2)
    } else {
        Duration::from_secs(900)
    };
    let s = server(faults, ttl).await;
    let text = std::fs::read_to_string(file).expect("transcript");
    let options = ReplayOptions {
        credentials: credentials(),
        ..options
    };
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let report = replay(
        &timetracker::contract(),
        &name,
        &text,
        &target(&s),
        transport,
        &options,
    )
    .await;
    s.shutdown().await;
    report
}

fn all_transcripts() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in [transcripts(), transcripts().join("short-ttl")] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
            .collect();
        files.sort();
        out.extend(files);
    }
    out
}

/// Before: matchers were applied to WebSocket frames but not to REST answers (compared relative
/// to `/data`), so a correct server slow enough for `duration_seconds` to tick failed over REST
/// only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_server_passes_over_both_transports() {
    let file = transcripts().join("01-timers.jsonl");
    let text = std::fs::read_to_string(&file).expect("transcript");
    let options = ReplayOptions {
        timeout: Duration::from_secs(5),
        credentials: credentials(),
        ..ReplayOptions::default()
    };
    for transport in [Transport::WebSocket, Transport::Rest] {
        let s = timetracker::server::start(ServerConfig {
            port: 0,
            fixed_credentials: true,
            latency: Duration::from_millis(600),
            ..ServerConfig::default()
        })
        .await
        .expect("server");
        let r = replay(
            &timetracker::contract(),
            "01-timers.jsonl",
            &text,
            &target(&s),
            transport,
            &options,
        )
        .await;
        s.shutdown().await;
        assert!(
            r.passed(),
            "{}",
            frameproof_conformance::report::human(&[r])
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_transcript_passes_over_both_transports() {
    let files = all_transcripts();
    assert!(files.len() >= 8, "{files:?}");
    for file in files {
        for transport in [Transport::WebSocket, Transport::Rest] {
            let r = run(&file, transport, vec![], Duration::from_secs(3)).await;
            assert!(
                r.passed(),
                "{}",
                frameproof_conformance::report::human(&[r])
            );
            assert!(
                r.steps.len() >= 4,
                "{}: only {} steps",
                r.transcript,
                r.steps.len()
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_checks_pass_and_catch_a_leak() {
    // before: the isolation check listened 300 ms, and a leak delivered 1.5 s late escaped
    for (faults, expect_pass) in [
        (vec![], true),
        (vec![Fault::CrossOrgLeak], false),
        (vec![Fault::LateCrossOrgLeak], false),
    ] {
        let s = server(faults, Duration::from_secs(900)).await;
        let users = CheckUsers {
            a: "at_fixed_usr_alice".into(),
            a2: Some("at_fixed_usr_bob".into()),
            b: Some("at_fixed_usr_carol".into()),
            expiry: None,
        };
        let options = CheckOptions {
            timeout: Duration::from_secs(2),
            ..CheckOptions::default()
        };
        let r = checks::run(&timetracker::contract(), &target(&s), &users, &options).await;
        s.shutdown().await;
        assert_eq!(
            r.passed(),
            expect_pass,
            "{}",
            frameproof_conformance::report::human(std::slice::from_ref(&r))
        );
        if !expect_pass {
            assert!(r.failures().any(|f| f.step.contains("tenant isolation")));
        }
    }
}

fn reasons(r: &TranscriptReport) -> String {
    r.failures()
        .map(|f| match &f.outcome {
            Outcome::Fail { reason, diff, .. } => {
                format!("{}: {reason} {}", f.step, diff.join(" "))
            }
            Outcome::Pass => String::new(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// fault → (transcript, transport, words the report must contain): the table of
/// docs/conformance.md.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_fault_is_caught_and_named() {
    let t = |name: &str| transcripts().join(name);
    let cases: Vec<(Fault, PathBuf, Transport, &str)> = vec![
        (
            Fault::RestStatus,
            t("02-projects.jsonl"),
            Transport::Rest,
            "REST answered 400 with code `not_found`",
        ),
        (
            Fault::RestErrorShape,
            t("02-projects.jsonl"),
            Transport::Rest,
            "/error/message",
        ),
        (
            Fault::RestNoBroadcast,
            t("01-timers.jsonl"),
            Transport::Rest,
            "event `TimeEntryStarted`: did not arrive",
        ),
        (
            Fault::WsMissingBroadcast,
            t("01-timers.jsonl"),
            Transport::WebSocket,
            "event `TimeEntryStarted`: did not arrive",
        ),
        (
            Fault::CrossOrgLeak,
            t("01-timers.jsonl"),
            Transport::WebSocket,
            "a frame arrived that must not",
        ),
        (
            Fault::ResponseId,
            t("02-projects.jsonl"),
            Transport::WebSocket,
            // before: "did not arrive", with the first unclaimed frame cut at 80 characters
            "did not arrive within 0.8 s the closest frame that arrived: response \"p1-x\"   /id: recorded \"p1\", live \"p1-x\"",
        ),
        (
            Fault::ResponseShape,
            t("01-timers.jsonl"),
            Transport::WebSocket,
            "/data/started_at",
        ),
        (
            Fault::EventShape,
            t("02-projects.jsonl"),
            Transport::WebSocket,
            "[event.schema] at /data/project: \"created_at\" is a required property",
        ),
        (
            Fault::RestRoute,
            t("03-tasks-and-topics.jsonl"),
            Transport::Rest,
            "`tasks.update` over REST: the WebSocket answered ok; REST answered 404",
        ),
        (
            Fault::NoPong,
            t("08-protocol-errors.jsonl"),
            Transport::WebSocket,
            "control frame `pong`: did not arrive",
        ),
        (
            Fault::UndeclaredError,
            t("03-tasks-and-topics.jsonl"),
            Transport::WebSocket,
            "\"conflict\"",
        ),
    ];
    for (fault, file, transport, words) in cases {
        let r = run(&file, transport, vec![fault], Duration::from_millis(800)).await;
        assert!(!r.passed(), "{fault:?} went unnoticed in {}", r.transcript);
        let why = reasons(&r);
        assert!(
            why.contains(words),
            "{fault:?}: the report does not say `{words}`:\n{why}"
        );
    }
}

/// Before: with answers coming back under other ids, the isolation check said "no action with
/// a tenant event succeeded … cannot check isolation", blaming the payloads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checks_say_when_answers_come_back_under_ids_never_sent() {
    let s = server(vec![Fault::ResponseId], Duration::from_secs(900)).await;
    let users = CheckUsers {
        a: "at_fixed_usr_alice".into(),
        a2: Some("at_fixed_usr_bob".into()),
        b: Some("at_fixed_usr_carol".into()),
        expiry: None,
    };
    let options = CheckOptions {
        timeout: Duration::from_millis(500),
        ..CheckOptions::default()
    };
    let r = checks::run(&timetracker::contract(), &target(&s), &users, &options).await;
    s.shutdown().await;
    let why = reasons(&r);
    assert!(
        why.contains("tenant isolation: no events of another tenant: answers came back under ids the client never sent (\"chk-iso-"),
        "{why}"
    );
    assert!(!why.contains("cannot check isolation"), "{why}");
}

/// Before: `expect_none` waited only the recorded 300 ms, with no way to wait longer, so a
/// cross-tenant leak delivered 1.5 s late escaped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_leak_is_caught_by_a_longer_quiet_window() {
    let options = ReplayOptions {
        quiet: Duration::from_secs(2),
        ..ReplayOptions::default()
    };
    let file = transcripts().join("01-timers.jsonl");
    let r = run_with(
        &file,
        Transport::WebSocket,
        vec![Fault::LateCrossOrgLeak],
        options,
    )
    .await;
    assert!(!r.passed(), "a leak 1.5 s late went unnoticed");
    let why = reasons(&r);
    assert!(why.contains("a frame arrived that must not"), "{why}");
}

#[test]
fn fuzzing_passes_on_a_sound_server_and_finds_a_broken_response() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    // before: events were never looked at, so `event-shape` passed
    for (faults, expect_pass) in [
        (vec![], true),
        (vec![Fault::ResponseShape], false),
        (vec![Fault::EventShape], false),
    ] {
        let s = rt.block_on(server(faults.clone(), Duration::from_secs(900)));
        let t = target(&s);
        let report = std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    frameproof_conformance::fuzz::run(
                        &timetracker::contract(),
                        &t,
                        "at_fixed_usr_alice",
                        20251123,
                        192,
                    )
                })
                .join()
                .expect("fuzz thread")
        })
        .expect("runs");
        rt.block_on(s.shutdown());
        match (&report.failure, expect_pass) {
            (None, true) => {}
            (Some((case, why)), false) if faults == [Fault::EventShape] => {
                assert!(
                    why.contains("event `ProjectCreated` breaks the contract"),
                    "{case:?}: {why}"
                );
            }
            (Some((case, why)), false) => {
                assert!(case.action.starts_with("time_entries."), "{case:?}: {why}");
                assert!(
                    why.contains("response.schema") || why.contains("rest.response"),
                    "{why}"
                );
            }
            (other, _) => panic!("expected pass={expect_pass}, got {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_expiry_check_passes_with_short_lived_tokens() {
    let s = server(vec![], Duration::from_secs(1)).await;
    let users = CheckUsers {
        a: "at_fixed_usr_alice".into(),
        a2: None,
        b: None,
        expiry: Some(("rt_fixed_usr_alice".into(), Duration::from_secs(4))),
    };
    let options = CheckOptions {
        timeout: Duration::from_secs(2),
        ..CheckOptions::default()
    };
    let r = checks::run(&timetracker::contract(), &target(&s), &users, &options).await;
    s.shutdown().await;
    let step = r
        .steps
        .iter()
        .find(|s| s.step.contains("expired token"))
        .expect("the expiry check ran");
    assert!(
        step.passed(),
        "{}",
        frameproof_conformance::report::human(std::slice::from_ref(&r))
    );
}

/// Before: REST calls and WebSocket handshakes had no time-out, so a server that accepts
/// connections and never answers (a stopped process) hung the run and lost every result.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_never_answers_fails_the_run_instead_of_hanging_it() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let hole = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((tcp, _)) = listener.accept().await {
            held.push(tcp);
        }
    });
    let target = Target {
        ws_url: format!("ws://{addr}/ws"),
        http_url: format!("http://{addr}"),
    };
    let text = std::fs::read_to_string(transcripts().join("01-timers.jsonl")).expect("transcript");
    let options = ReplayOptions {
        timeout: Duration::from_millis(300),
        credentials: credentials(),
        network_timeout: Duration::from_millis(300),
        ..ReplayOptions::default()
    };
    let contract = timetracker::contract();
    for transport in [Transport::WebSocket, Transport::Rest] {
        let run = replay(
            &contract,
            "01-timers.jsonl",
            &text,
            &target,
            transport,
            &options,
        );
        let report = tokio::time::timeout(Duration::from_secs(60), run)
            .await
            .expect("the run ends");
        assert!(!report.passed());
        let text = frameproof_conformance::report::human(&[report]);
        assert!(
            text.contains("300 ms")
                || text.contains("timed out")
                || text.contains("did not arrive"),
            "{text}"
        );
    }
    hole.abort();
}

/// Before: a server's close was never reported and replay reconnected silently, so a run could
/// pass although the socket was closed with 1011 mid-run. Now the close fails a step that names
/// its code and reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_close_is_reported_with_its_code() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
    use tokio_tungstenite::tungstenite::protocol::CloseFrame;
    use tokio_tungstenite::tungstenite::Message;
    // a server that reads one frame, then closes with 1011
    let text = replay_against(|mut ws: RawWs| async move {
        let _ = ws.next().await;
        let close = CloseFrame {
            code: CloseCode::Error,
            reason: "boom".into(),
        };
        let _ = ws.send(Message::Close(Some(close))).await;
        while let Some(Ok(_)) = ws.next().await {}
    })
    .await;
    assert!(
        text.contains("closed the connection with 1011 `boom`"),
        "{text}"
    );
}

/// Before: live frames were only compared with the recording, and an `any` matcher switched the
/// comparison off, so a response that broke its schema passed. Now every live frame is checked
/// against the contract as well.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_frames_are_checked_against_the_contract_whatever_the_matchers() {
    let original =
        std::fs::read_to_string(transcripts().join("01-timers.jsonl")).expect("transcript");
    let (header, records) = original.split_once('\n').expect("a header line");
    let mut header: serde_json::Value = serde_json::from_str(header).expect("header");
    let matchers = header["matchers"].as_array_mut().expect("matchers");
    matchers.push(serde_json::json!({"pointer": "/data", "format": "any"}));
    let text = format!("{header}\n{records}");
    let s = server(vec![Fault::ResponseShape], Duration::from_secs(900)).await;
    let text = timers_over_websocket(&text, &target(&s), Duration::from_secs(3)).await;
    s.shutdown().await;
    assert!(text.contains("[response.schema]"), "{text}");
}

/// Before: live frames were parsed into values (last key wins) before any check, so a response
/// naming a key twice passed replay while `validate` rejected the same bytes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_frame_with_a_key_named_twice_is_caught() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    // a server that answers every request with its id and `status` named twice
    let text = replay_against(|mut ws: RawWs| async move {
        while let Some(Ok(Message::Text(t))) = ws.next().await {
            let frame: serde_json::Value = serde_json::from_str(t.as_str()).unwrap_or_default();
            let id = frame["id"].to_string();
            let answer = format!(r#"{{"id":{id},"status":"error","status":"ok","data":[]}}"#);
            if ws.send(Message::text(answer)).await.is_err() {
                return;
            }
        }
    })
    .await;
    assert!(text.contains("[frame.duplicate_key]"), "{text}");
}

/// Before: fuzzing an unreachable server exited 1 with a bogus "smallest failing case"; a
/// network failure is not a property failure, and the run is unusable (exit 2).
#[test]
fn fuzzing_an_unreachable_server_is_an_error_not_a_finding() {
    // nothing listens on a port of a listener that was just closed
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let target = Target {
        ws_url: format!("ws://127.0.0.1:{port}/ws"),
        http_url: format!("http://127.0.0.1:{port}"),
    };
    let started = std::time::Instant::now();
    let result = frameproof_conformance::fuzz::run(&timetracker::contract(), &target, "t", 1, 16);
    let Err(err) = result else {
        panic!("an error, not a report");
    };
    assert!(
        matches!(err, frameproof_conformance::Error::Unreachable(_)),
        "{err:?}"
    );
    assert!(err.to_string().contains("cannot reach the server"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(15));
}

type RawWs = tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>;

/// Replays 01-timers over the WebSocket against a server this test writes (`serve` gets each
/// accepted socket) and returns the human report.
async fn replay_against<F, Fut>(serve: F) -> String
where
    F: Fn(RawWs) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let serve = std::sync::Arc::new(serve);
    let server = tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let serve = serve.clone();
            tokio::spawn(async move {
                if let Ok(ws) = tokio_tungstenite::accept_async(tcp).await {
                    serve(ws).await;
                }
            });
        }
    });
    let target = Target {
        ws_url: format!("ws://{addr}/ws"),
        http_url: format!("http://{addr}"),
    };
    let text = std::fs::read_to_string(transcripts().join("01-timers.jsonl")).expect("transcript");
    let report = timers_over_websocket(&text, &target, Duration::from_millis(300)).await;
    server.abort();
    report
}

/// Replays a version of 01-timers over the WebSocket; the human report.
async fn timers_over_websocket(text: &str, target: &Target, timeout: Duration) -> String {
    let options = ReplayOptions {
        timeout,
        credentials: credentials(),
        ..ReplayOptions::default()
    };
    let contract = timetracker::contract();
    let report = replay(
        &contract,
        "01-timers.jsonl",
        text,
        target,
        Transport::WebSocket,
        &options,
    )
    .await;
    frameproof_conformance::report::human(&[report])
}

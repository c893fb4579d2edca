//! The crate's errors keep what went wrong underneath them as their `source()`.

use std::error::Error as _;
use std::time::Duration;

use frameproof_conformance::server::ServerProcess;
use frameproof_conformance::{Credentials, Error, Target};
use tokio_tungstenite::tungstenite;

/// A port nothing listens on (bound, then let go).
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

#[test]
fn connecting_to_a_closed_port_keeps_the_io_error() {
    let port = closed_port();
    let target = Target {
        ws_url: format!("ws://127.0.0.1:{port}/ws"),
        http_url: format!("http://127.0.0.1:{port}"),
    };
    let err = frameproof_conformance::fuzz::run(&timetracker::contract(), &target, "t", 1, 1)
        .expect_err("nothing listens");
    // the run could not reach the server ...
    let Error::Unreachable(inner) = &err else {
        panic!("not Unreachable: {err:?}");
    };
    // ... because connecting failed, with the WebSocket library's error as the source ...
    let Error::Connect { url, .. } = inner.as_ref() else {
        panic!("not Connect: {inner:?}");
    };
    assert!(url.contains(&port.to_string()), "{url}");
    let ws = inner
        .source()
        .and_then(|s| s.downcast_ref::<tungstenite::Error>())
        .expect("the tungstenite error is the source");
    // ... whose own source is the operating system's refusal
    let io = ws
        .source()
        .and_then(|s| s.downcast_ref::<std::io::Error>())
        .expect("the io error under it");
    assert_eq!(io.kind(), std::io::ErrorKind::ConnectionRefused);
    // the message reads as before, and the chain does not repeat what the message quotes
    assert!(
        err.to_string().starts_with(&format!(
            "cannot reach the server: cannot connect to ws://127.0.0.1:{port}/ws"
        )),
        "{err}"
    );
    assert_eq!(err.chain(), err.to_string());
}

#[test]
fn a_bad_credentials_file_keeps_the_json_error() {
    let err = Credentials::from_json("[1, 2]").expect_err("not an object");
    assert!(matches!(err, Error::CredentialsFile(_)), "{err:?}");
    assert!(err
        .to_string()
        .starts_with("credentials must be a JSON object of strings: "));
    assert!(err.source().is_some_and(|s| s.is::<serde_json::Error>()));
}

#[test]
fn a_missing_credential_is_named() {
    let err = Credentials::new()
        .resolve("$credential:usr_bob")
        .expect_err("none given");
    assert!(matches!(&err, Error::MissingCredential { name } if name == "usr_bob"));
    assert_eq!(
        err.to_string(),
        "no credential `usr_bob`: pass --credential usr_bob=SECRET"
    );
}

#[test]
fn a_server_that_exits_is_reported_with_its_status_and_stderr() {
    let addr = format!("127.0.0.1:{}", closed_port())
        .parse()
        .expect("addr");
    let err = ServerProcess::start(
        "sh -c 'echo broken >&2; exit 3'",
        addr,
        Duration::from_secs(10),
    )
    .err()
    .expect("it exits");
    let Error::ServerExited { status, stderr, .. } = &err else {
        panic!("not ServerExited: {err:?}");
    };
    assert_eq!(status.code(), Some(3));
    assert_eq!(stderr.trim(), "broken");
}

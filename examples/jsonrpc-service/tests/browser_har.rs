//! A HAR file produced by a real browser — Debian's headless Chromium, driven over the DevTools
//! protocol (`validator/tests/browser/capture-har.mjs`, scenario `jsonrpc`) — talking to ganache:
//! calls and a batch POSTed to the node's one HTTP endpoint, then a subscription over its
//! socket. The validator reads the POSTs as exchanges with the contract's RPC endpoint and the
//! socket as a session: 0 violations; a tampered copy is rejected.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use frameproof_validator::capture::validate_har;
use frameproof_validator::Validator;

#[test]
fn a_browsers_har_of_a_json_rpc_node_validates_and_a_tampered_copy_does_not() {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "this test drives Debian's chromium ({chromium}); install it with `apt-get install -y chromium` (scripts/test.sh does)"
    );
    let browser = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../validator/tests/browser");
    assert!(
        browser.join("node_modules/playwright-core").exists(),
        "playwright-core is missing: run scripts/test.sh (npm ci in validator/tests/browser)"
    );
    let node = common::ganache();
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("ganache-chromium.har");
    let run = Command::new("node")
        .arg(browser.join("capture-har.mjs"))
        .args([
            format!("http://127.0.0.1:{}", node.port),
            "-".to_owned(),
            out.display().to_string(),
        ])
        .env("SCENARIO", "jsonrpc")
        .output()
        .expect("node");
    drop(node);
    assert!(
        run.status.success(),
        "the browser capture failed:\n{}\n{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    let validator = Validator::new(&jsonrpc_service::eth_node::contract()).expect("compiles");
    let check = |text: &str| {
        let mut found = Vec::new();
        let stats = validate_har(&validator, text.as_bytes(), "chromium.har", &mut |v| {
            found.push(v)
        })
        .expect("a readable HAR");
        (stats, found)
    };
    let text = std::fs::read_to_string(&out).expect("the HAR");
    let (stats, found) = check(&text);
    eprintln!(
        "chromium HAR: {} RPC exchange(s), {} socket(s), {} frame(s), {} violation(s)",
        stats.rest_exchanges,
        stats.connections,
        stats.frames,
        found.len()
    );
    assert!(found.is_empty(), "false positives: {found:#?}");
    assert!(stats.rest_exchanges >= 2, "{stats:?}");
    assert_eq!(stats.connections, 1, "{stats:?}");
    assert!(text.contains("eth_subscription"), "no notice captured");

    // tampered: the chain id as a number, a notice for a subscription never handed out
    let tampered = text
        .replace("\\\"result\\\":\\\"0x539\\\"", "\\\"result\\\":1337")
        .replace(
            "\\\"subscription\\\":\\\"0x1\\\"",
            "\\\"subscription\\\":\\\"0x99\\\"",
        );
    assert_ne!(tampered, text);
    let (_, found) = check(&tampered);
    let rules: Vec<&str> = found.iter().map(|v| v.rule.id()).collect();
    assert!(rules.contains(&"response.schema"), "{found:#?}");
    assert!(
        rules.contains(&"session.unknown_subscription"),
        "{found:#?}"
    );
}

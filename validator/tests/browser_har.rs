//! A HAR file produced by a real browser — Debian's headless Chromium talking to the reference
//! server, captured over the DevTools protocol — validates; a tampered copy is rejected.

use std::path::{Path, PathBuf};
use std::process::Command;

use frameproof_validator::capture::validate_har;
use frameproof_validator::Validator;
use timetracker::server::ServerConfig;

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

fn npm_ci(dir: &Path) {
    if dir.join("node_modules/playwright-core").exists() {
        return;
    }
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(dir)
        .status()
        .expect("npm must be installed (Node 20+)");
    assert!(status.success(), "npm ci failed in {}", dir.display());
}

#[test]
fn a_real_browsers_har_validates_and_a_tampered_copy_does_not() {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "this test drives Debian's chromium ({chromium}); install it with `apt-get install -y chromium` (.ci/run does)"
    );
    npm_ci(&browser_dir());
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let server = rt
        .block_on(timetracker::server::start(ServerConfig {
            port: 0,
            ..ServerConfig::default()
        }))
        .expect("server");
    let token = server.users()[0].access_token.clone();
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("chromium.har");
    let run = Command::new("node")
        .arg(browser_dir().join("capture-har.mjs"))
        .args([server.http_url(), token.clone(), out.display().to_string()])
        .output()
        .expect("node");
    rt.block_on(server.shutdown());
    assert!(
        run.status.success(),
        "the browser capture failed:\n{}\n{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    let text = std::fs::read_to_string(&out).expect("the HAR");
    assert!(
        !text.contains("\"_webSocketMessages\": []"),
        "the browser's WebSocket frames were captured"
    );
    let contract = timetracker::contract();
    let validator = Validator::new(&contract).expect("compiles");
    let mut found = Vec::new();
    let stats = validate_har(&validator, text.as_bytes(), "chromium.har", &mut |v| {
        found.push(v)
    })
    .expect("readable");
    assert!(stats.frames >= 10, "{stats:?}");
    assert!(stats.rest_exchanges >= 4, "{stats:?}");
    assert!(found.is_empty(), "{found:#?}");
    // tamper: a response field renamed in one received frame
    let tampered = text.replacen("\\\"started_at\\\"", "\\\"startedAt\\\"", 1);
    assert_ne!(
        tampered, text,
        "the capture holds a time entry to tamper with"
    );
    let mut found = Vec::new();
    validate_har(&validator, tampered.as_bytes(), "tampered.har", &mut |v| {
        found.push(v)
    })
    .expect("readable");
    assert!(
        found
            .iter()
            .any(|v| v.rule == "response.schema" || v.rule == "event.schema"),
        "{found:#?}"
    );
    let _ = token;
}

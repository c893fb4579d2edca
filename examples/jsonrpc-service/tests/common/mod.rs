//! ganache, started from its pinned npm install for a test.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

pub(crate) use frameproof_test_kit::Server as Ganache;

pub(crate) const WAIT: Duration = Duration::from_secs(20);

/// Starts ganache from the pinned install; waits (bounded) until it accepts connections.
pub(crate) fn ganache() -> Ganache {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../realservers/jsonrpc");
    let bin = root.join("node_modules/ganache/dist/node/cli.js");
    frameproof_test_kit::require(
        &bin,
        "run scripts/test.sh (it runs `npm ci` in realservers/jsonrpc)",
    );
    let port = frameproof_test_kit::free_port();
    let mut command = Command::new("node");
    command
        .arg(&bin)
        .args([
            "--server.host",
            "127.0.0.1",
            "--server.port",
            &port.to_string(),
        ])
        .args(["--wallet.deterministic", "--chain.chainId", "1337"])
        // a fixed clock: a fresh node mines the same blocks, so a replay meets the recording
        .args([
            "--chain.time",
            "2024-01-01T00:00:00Z",
            "--miner.timestampIncrement",
            "12",
        ])
        .arg("--logging.quiet");
    frameproof_test_kit::start_server("ganache", command, port, WAIT)
}

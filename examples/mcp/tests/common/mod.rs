//! The MCP reference server, started from its pinned npm install for a test.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

pub(crate) const WAIT: Duration = Duration::from_secs(20);

pub(crate) use frameproof_test_kit::Server;

pub(crate) fn everything_server() -> Server {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../realservers/mcp");
    let bin = root.join("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    frameproof_test_kit::require(
        &bin,
        "run scripts/test.sh (it runs `npm ci` in realservers/mcp)",
    );
    let port = frameproof_test_kit::free_port();
    let mut command = Command::new("node");
    command
        .arg(&bin)
        .arg("streamableHttp")
        .env("PORT", port.to_string());
    frameproof_test_kit::start_server("the MCP reference server", command, port, WAIT)
}

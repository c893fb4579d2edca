//! ganache, started from its pinned npm install for a test.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const WAIT: Duration = Duration::from_secs(20);

pub struct Ganache {
    child: Child,
    pub port: u16,
}

impl Drop for Ganache {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Starts ganache from the pinned install; waits (bounded) until it accepts connections.
pub fn ganache() -> Ganache {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../realservers/jsonrpc");
    let bin = root.join("node_modules/ganache/dist/node/cli.js");
    assert!(
        bin.exists(),
        "ganache is not installed at {}: run scripts/test.sh (it runs `npm ci` in realservers/jsonrpc)",
        bin.display()
    );
    let port = free_port();
    let child = Command::new("node")
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
        .arg("--logging.quiet")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("node runs ganache");
    let server = Ganache { child, port };
    let deadline = Instant::now() + WAIT;
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "ganache did not listen within {WAIT:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    server
}

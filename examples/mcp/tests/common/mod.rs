//! The MCP reference server, started from its pinned npm install for a test.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const WAIT: Duration = Duration::from_secs(20);

pub struct Server {
    child: Child,
    pub port: u16,
}

impl Drop for Server {
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

pub fn everything_server() -> Server {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../realservers/mcp");
    let bin = root.join("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    assert!(
        bin.exists(),
        "the MCP reference server is not installed at {}: run scripts/test.sh (it runs `npm ci` in realservers/mcp)",
        bin.display()
    );
    let port = free_port();
    let child = Command::new("node")
        .arg(&bin)
        .arg("streamableHttp")
        .env("PORT", port.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("node runs the server");
    let server = Server { child, port };
    let deadline = Instant::now() + WAIT;
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "the MCP server did not listen within {WAIT:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    server
}

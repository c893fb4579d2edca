//! Test support shared by frameproof's tests: a real server started as a child process on a
//! free loopback port (killed when the test drops it), a recording validated in one call, and
//! a WebSocket test client ([`ws::Client`]).

#![warn(missing_docs)]

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use frameproof_validator::{capture, Validator, Violation};

pub mod ws;

/// A free loopback port (bound, then released for the server to take).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A server running as a child process; killed (and reaped) when dropped.
pub struct Server {
    child: Child,
    /// The loopback port the server listens on (the one given to [`start_server`]).
    pub port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `command` (quiet), and waits until it accepts connections on `port`, at most
/// `within`; panics naming `what` otherwise.
pub fn start_server(what: &str, mut command: Command, port: u16, within: Duration) -> Server {
    let child = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{what} does not start: {e}"));
    let server = Server { child, port };
    let deadline = Instant::now() + within;
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "{what} did not listen within {within:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    server
}

/// Panics with how to install a missing tool unless `path` exists.
pub fn require(path: &Path, how: &str) {
    assert!(path.exists(), "{} is missing: {how}", path.display());
}

/// Validates a recording (a transcript file): what it held, and every violation.
pub fn validate_recording(validator: &Validator, path: &Path) -> (capture::Stats, Vec<Violation>) {
    let mut found = Vec::new();
    let file = std::fs::File::open(path).expect("the recording");
    let stats = capture::validate_transcript(
        validator,
        std::io::BufReader::new(file),
        &path.display().to_string(),
        &mut |v| found.push(v),
    )
    .expect("a readable recording");
    (stats, found)
}

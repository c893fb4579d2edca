//! A fresh server per transcript (`--server-cmd`): started through the shell, waited for until
//! it accepts connections, its stderr kept for the report, stopped afterwards. Transcripts never
//! depend on the order they run in.

use std::io::Read;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::Error;

pub struct ServerProcess {
    child: Child,
}

/// The `host:port` of a URL such as `ws://127.0.0.1:8080/ws`.
pub fn address_of(url: &str) -> Option<SocketAddr> {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let authority = rest.split('/').next()?;
    authority.to_socket_addrs().ok()?.next()
}

impl ServerProcess {
    /// Starts `command` with `sh -c` and waits (up to `wait`) until `addr` accepts connections.
    pub fn start(command: &str, addr: SocketAddr, wait: Duration) -> Result<ServerProcess, Error> {
        let child = Command::new("sh")
            .arg("-c")
            .arg(format!("exec {command}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|source| Error::ServerSpawn {
                command: command.to_owned(),
                source,
            })?;
        let mut server = ServerProcess { child };
        let deadline = Instant::now() + wait;
        loop {
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return Ok(server);
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                let stderr = server.stop();
                return Err(Error::ServerExited {
                    command: command.to_owned(),
                    status,
                    stderr,
                });
            }
            if Instant::now() >= deadline {
                let stderr = server.stop();
                return Err(Error::ServerTimedOut {
                    command: command.to_owned(),
                    addr,
                    after: wait,
                    stderr,
                });
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops the server and returns what it wrote to stderr.
    pub fn stop(&mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut out = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            let _ = e.read_to_string(&mut out);
        }
        out
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

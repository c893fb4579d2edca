//! The one error type of the crate: what failed, with the error underneath it kept as its
//! `source()`. Each message reads as it did when these were strings (reports and tests quote
//! them); a message that already quotes its cause still exposes it as `source()`, so a printer
//! that walks the chain should skip a cause whose text the message already ends with.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitStatus;
use std::time::Duration;

use tokio_tungstenite::tungstenite;

/// Why a conformance run, a check or a fuzz run could not go on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The TCP connection or the WebSocket handshake failed.
    #[error("cannot connect to {url}: {source}")]
    Connect {
        url: String,
        #[source]
        source: tungstenite::Error,
    },
    /// The server answered the handshake with an HTTP status instead of switching protocols.
    #[error("the handshake was refused with HTTP {status}")]
    HandshakeRefused {
        url: String,
        status: tungstenite::http::StatusCode,
    },
    /// No handshake within `after`.
    #[error("cannot connect to {url}: no handshake within {} ms", after.as_millis())]
    HandshakeTimedOut { url: String, after: Duration },
    /// A frame could not be sent on an open connection.
    #[error("cannot send: {0}")]
    Send(#[source] tungstenite::Error),
    /// A `--credential` argument that is not `NAME=SECRET`.
    #[error("`{pair}` is not NAME=SECRET")]
    CredentialPair { pair: String },
    /// A credentials file that is not a JSON object of strings.
    #[error("credentials must be a JSON object of strings: {0}")]
    CredentialsFile(#[source] serde_json::Error),
    /// A placeholder names a credential nobody passed.
    #[error("no credential `{name}`: pass --credential {name}=SECRET")]
    MissingCredential { name: String },
    /// A transcript (or a directory of them) that cannot be read.
    #[error("{}: {source}", path.display())]
    ReadTranscript {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// `--server-cmd` could not be started.
    #[error("cannot start `{command}`: {source}")]
    ServerSpawn {
        command: String,
        #[source]
        source: std::io::Error,
    },
    /// The server process ended before it accepted connections (its stderr follows).
    #[error("`{command}` exited ({status}) before accepting connections: {stderr}")]
    ServerExited {
        command: String,
        status: ExitStatus,
        stderr: String,
    },
    /// The server process did not accept connections in time (its stderr follows).
    #[error("`{command}` did not accept connections on {addr} within {after:?}: {stderr}")]
    ServerTimedOut {
        command: String,
        addr: SocketAddr,
        after: Duration,
        stderr: String,
    },
    /// The target URL names no host and port to wait on.
    #[error("cannot tell the host and port of {url}")]
    NoAddress { url: String },
    /// The async runtime could not be built.
    #[error("cannot start the runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// The HTTP client could not be built (TLS backend, system configuration).
    #[error("cannot build the HTTP client: {0}")]
    HttpClient(#[source] reqwest::Error),
    /// An HTTP request failed (connecting, sending, reading the answer, or its time-out).
    #[error("{0}")]
    Http(#[source] reqwest::Error),
    /// A REST call of a fuzz case failed on the network.
    #[error("the REST call failed: {0}")]
    RestCall(#[source] reqwest::Error),
    /// The server could not be reached before the first fuzz case.
    #[error("cannot reach the server: {0}")]
    Unreachable(#[source] Box<Error>),
    /// The network failed under a fuzz run: the remaining cases say nothing about the server.
    #[error("the network failed under the run: {0}")]
    NetworkFailed(#[source] Box<Error>),
    /// The contract has no WebSocket action to fuzz.
    #[error("the contract has no WebSocket actions to fuzz")]
    NothingToFuzz,
    /// An action's payload that cannot become a REST request through the mapping.
    #[error("{0}")]
    Rest(#[source] frameproof_schema::RestError),
    /// The contract cannot be turned into a validator.
    #[error("{0}")]
    Contract(#[source] frameproof_validator::CompileError),
    /// A matcher of a transcript whose pointer is not a JSON pointer.
    #[error("{0}")]
    MatcherPointer(#[source] frameproof_schema::pointer::PointerError),
    /// A matcher of a transcript whose regex does not compile.
    #[error("matcher regex `{regex}`: {source}")]
    MatcherRegex {
        regex: String,
        #[source]
        source: regex::Error,
    },
    /// The server did something a check or a fuzz case does not accept; the message is the
    /// whole story (what was sent, what came back).
    #[error("{0}")]
    Failed(String),
}

impl Error {
    /// The error and every cause behind it that its message does not already quote:
    /// `cannot connect to ws://…: IO error: Connection refused (os error 111)`.
    pub fn chain(&self) -> String {
        chain(self)
    }
}

/// `e` and its causes joined by `: `, skipping a cause whose text the line already ends with.
pub fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !text.is_empty() && !out.ends_with(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = cause.source();
    }
    out
}

/// A check's or a fuzz case's failure: `fail!("answered `{code}`")`.
macro_rules! fail {
    ($($arg:tt)*) => { $crate::Error::Failed(format!($($arg)*)) };
}
pub(crate) use fail;

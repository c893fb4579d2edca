//! What an operator sets: where the proxy listens and forwards, what it records and enforces,
//! and every limit and time-out, each with a default that is safe in front of production
//! traffic (`docs/proxy.md` lists them).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use frameproof_validator::Violation;

/// Called with every violation, as it is found (credentials already redacted).
pub type ViolationSink = Arc<dyn Fn(&Violation) + Send + Sync>;

/// How one proxy runs; [`ProxyConfig::new`] gives the defaults, every field can then be set.
#[derive(Clone)]
#[non_exhaustive]
pub struct ProxyConfig {
    /// Where the proxy accepts frontends; port 0 lets the OS choose (see `RunningProxy::addr`).
    pub listen: SocketAddr,
    /// `http://host:port` of the server.
    pub upstream: String,
    /// Write a transcript of everything into this directory, as it happens.
    pub record: Option<PathBuf>,
    /// Answer invalid client frames and REST requests with `validation_failed` instead of
    /// forwarding them.
    pub enforce: bool,
    /// Bounds on every buffer the proxy keeps ([`Limits::default`] unless set).
    pub limits: Limits,
    /// How long the proxy waits on each side ([`Timeouts::default`] unless set).
    pub timeouts: Timeouts,
    /// Called with every violation as it is found; the default ignores them.
    pub on_violation: ViolationSink,
}

impl ProxyConfig {
    /// Listens on `listen` and forwards to `upstream` (a trailing `/` is dropped); records nothing,
    /// enforces nothing, default limits and time-outs, violations ignored.
    pub fn new(listen: SocketAddr, upstream: impl Into<String>) -> ProxyConfig {
        ProxyConfig {
            listen,
            upstream: upstream.into().trim_end_matches('/').to_owned(),
            record: None,
            enforce: false,
            limits: Limits::default(),
            timeouts: Timeouts::default(),
            on_violation: Arc::new(|_| {}),
        }
    }
}

/// Every buffer the proxy keeps has one of these bounds.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Limits {
    /// Largest WebSocket message, whole or assembled from fragments, in either direction.
    /// `None`: the contract's `transport.websocket.max_frame_bytes`, else 16 MiB. A client
    /// over it is closed with 1009; an upstream over it is closed with 1009 and its client
    /// with 1011.
    pub max_message_bytes: Option<usize>,
    /// Largest REST body, request or response (413 for a request over it).
    pub max_body_bytes: usize,
    /// Connections open at once (HTTP and WebSocket); further ones wait in the listen backlog.
    pub max_connections: usize,
    /// Records waiting for the recording's writer; past it, forwarding waits for the disk.
    pub max_queued_records: usize,
    /// Frames larger than this are validated on a blocking thread, off the threads that
    /// forward other connections.
    pub offload_bytes: usize,
    /// Messages larger than this are sent on as fragments of this size, so no socket's send
    /// buffer grows to a whole large message (and stays that size).
    pub fragment_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_message_bytes: None,
            max_body_bytes: 16 * 1024 * 1024,
            max_connections: 10_000,
            max_queued_records: 65_536,
            offload_bytes: 64 * 1024,
            fragment_bytes: 16 * 1024,
        }
    }
}

/// Every network wait the proxy makes ends.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Timeouts {
    /// A client must send a request's headers within this (slow clients are dropped).
    pub header_read: Duration,
    /// A WebSocket with no message in either direction for this long is closed with 1001.
    pub idle: Duration,
    /// Connecting to the upstream and completing its WebSocket handshake.
    pub upstream_connect: Duration,
    /// A REST answer, or any WebSocket frame from the upstream while a client request is
    /// outstanding; past it the REST client gets `unavailable`, the WebSocket client a 1011.
    pub upstream_response: Duration,
    /// A peer must take each message within this; one that stopped reading is closed (1008).
    pub send: Duration,
    /// How long one side has to answer a close frame.
    pub close: Duration,
    /// On shutdown, how long open exchanges get to finish before they are cut.
    pub drain: Duration,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            header_read: Duration::from_secs(10),
            idle: Duration::from_secs(300),
            upstream_connect: Duration::from_secs(5),
            upstream_response: Duration::from_secs(30),
            send: Duration::from_secs(30),
            close: Duration::from_secs(2),
            drain: Duration::from_secs(5),
        }
    }
}

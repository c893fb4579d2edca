//! `frameproof proxy`: sits between a frontend and a server, forwards WebSocket connections and
//! REST requests transparently, validates every frame in both directions with the validator's
//! session checks, and can record what it saw as a transcript the conformance suite replays.
//! What it guarantees — what is recorded and when, what is redacted, every limit, time-out and
//! close code — is in `docs/proxy.md`.
//!
//! Files: `config` (limits and time-outs), `server` (accepting connections), `websocket`
//! (bridging one socket, frame by frame), `http` (forwarding REST), `layer` (the REST checks
//! as a tower layer, also inside your own axum server), `answers` (what the proxy answers on
//! the contract's behalf), `recorder` (transcripts, written as they happen), `redact` (what
//! counts as a credential).

#![warn(missing_docs)]

mod answers;
mod config;
mod http;
mod layer;
mod recorder;
mod redact;
mod server;
mod websocket;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, Response};
use tokio::sync::watch;
use tokio_util::task::TaskTracker;
use tower::util::BoxCloneSyncService;
use tower::Layer;

use frameproof_schema::Contract;
use frameproof_validator::{CompileError, Validator, Violation};

pub use config::{Limits, ProxyConfig, Timeouts, ViolationSink};
pub use layer::{ContractLayer, ContractService};
pub use recorder::Recording;

/// Why the proxy could not start, or could not finish its recording.
#[derive(Debug, thiserror::Error)]
pub enum ProxyError {
    /// The contract does not compile into a validator (a schema or a rule in it is invalid).
    #[error("the contract cannot be used")]
    Contract(#[source] CompileError),
    /// The HTTP client that forwards REST requests to the upstream could not be built.
    #[error("cannot build the HTTP client for the upstream")]
    Client(#[source] reqwest::Error),
    /// Binding the listen address failed (in use, or not permitted).
    #[error("cannot listen on {0}")]
    Listen(SocketAddr, #[source] std::io::Error),
    /// Creating, writing or finishing the recording failed; the I/O error says why.
    #[error("cannot write the recording")]
    Record(#[source] std::io::Error),
}

type RestService = ContractService<BoxCloneSyncService<Request<Body>, Response<Body>, Infallible>>;

pub(crate) struct Shared {
    pub config: ProxyConfig,
    pub validator: Validator,
    pub recorder: Option<Arc<recorder::Recorder>>,
    pub credentials: Arc<redact::Credentials>,
    pub rest: RestService,
    /// The largest WebSocket message either side may send.
    pub max_message_bytes: usize,
    pub next_connection: AtomicU64,
    /// Every connection and bridge, so shutdown can wait for them.
    pub tracker: TaskTracker,
    /// Turns true when the proxy shuts down.
    pub stop: watch::Receiver<bool>,
}

impl Shared {
    pub(crate) fn report(&self, v: &Violation) {
        (self.config.on_violation)(v);
    }
}

/// Resolves when the proxy starts shutting down (the guard `wait_for` returns is not `Send`,
/// so it must not live in a `select!`).
pub(crate) async fn stopping(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

/// A running proxy.
pub struct RunningProxy {
    /// The address the proxy actually listens on (the port the OS chose when `listen` gave 0).
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

/// Starts the proxy on `config.listen`. With `config.record`, the recording file exists (with
/// its header) before this returns.
pub async fn start(contract: &Contract, config: ProxyConfig) -> Result<RunningProxy, ProxyError> {
    let validator = Validator::new(contract).map_err(ProxyError::Contract)?;
    let recorder = match &config.record {
        Some(dir) => Some(Arc::new(
            recorder::Recorder::create(dir, contract, config.limits.max_queued_records)
                .map_err(ProxyError::Record)?,
        )),
        None => None,
    };
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| ProxyError::Listen(config.listen, e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| ProxyError::Listen(config.listen, e))?;
    let credentials = Arc::new(redact::Credentials::of(contract));
    let rest = rest_service(&config, &validator, &recorder, &credentials)?;
    let max_message_bytes = config.limits.max_message_bytes.unwrap_or_else(|| {
        contract
            .transport
            .websocket
            .max_frame_bytes
            .map_or(16 * 1024 * 1024, |n| {
                usize::try_from(n).unwrap_or(usize::MAX)
            })
    });
    let (stop, stopped) = watch::channel(false);
    let shared = Arc::new(Shared {
        config,
        validator,
        recorder,
        credentials,
        rest,
        max_message_bytes,
        next_connection: AtomicU64::new(1),
        tracker: TaskTracker::new(),
        stop: stopped,
    });
    let task = tokio::spawn(server::serve(listener, shared.clone()));
    Ok(RunningProxy {
        addr,
        shared,
        stop,
        task,
    })
}

/// The REST path: the forwarder behind the contract layer, whose reports are made safe first.
fn rest_service(
    config: &ProxyConfig,
    validator: &Validator,
    recorder: &Option<Arc<recorder::Recorder>>,
    credentials: &Arc<redact::Credentials>,
) -> Result<RestService, ProxyError> {
    let forwarder = Arc::new(http::Forwarder {
        upstream: config.upstream.clone(),
        http: http::Forwarder::client(&config.timeouts).map_err(ProxyError::Client)?,
        validator: validator.clone(),
        limits: config.limits.clone(),
        timeouts: config.timeouts.clone(),
        recorder: recorder.clone(),
        credentials: credentials.clone(),
        exchanges: std::sync::atomic::AtomicU64::new(1),
    });
    let inner = BoxCloneSyncService::new(tower::service_fn(move |req: Request<Body>| {
        forwarder.clone().call(req)
    }));
    let sink = config.on_violation.clone();
    let safe = credentials.clone();
    let layer = ContractLayer::new(validator.clone())
        .enforce(config.enforce)
        .max_body_bytes(config.limits.max_body_bytes)
        .on_violation(move |v| {
            if v.item
                .as_deref()
                .is_some_and(|i| safe.is_credential_action(i))
            {
                let mut v = v.clone();
                safe.scrub(&mut v, &[]);
                sink(&v);
            } else {
                sink(v);
            }
        });
    Ok(layer.layer(inner))
}

impl RunningProxy {
    /// Shuts down gracefully: stops accepting, closes every WebSocket with 1001 to both sides
    /// (recording the closes), lets REST exchanges in flight finish (up to the drain
    /// time-out), then completes the recording.
    pub async fn shutdown(self) -> Result<Option<Recording>, ProxyError> {
        let _ = self.stop.send(true);
        let drain = self.shared.config.timeouts.drain;
        let _ = tokio::time::timeout(drain, self.task).await;
        self.shared.tracker.close();
        let _ = tokio::time::timeout(drain, self.shared.tracker.wait()).await;
        let Some(recorder) = self.shared.recorder.clone() else {
            return Ok(None);
        };
        tokio::task::spawn_blocking(move || recorder.finish())
            .await
            .map_err(|e| ProxyError::Record(std::io::Error::other(e.to_string())))?
            .map(Some)
            .map_err(ProxyError::Record)
    }

    /// Where this proxy records, if it does.
    pub fn recording_path(&self) -> Option<&std::path::Path> {
        self.shared.recorder.as_ref().map(|r| r.path())
    }
}

//! `frameproof proxy`: sits between a frontend and a server, forwards WebSocket connections and
//! REST requests transparently, validates every frame in both directions with the validator's
//! session checks, and can record what it saw as a transcript the conformance suite replays.
//!
//! Files: `websocket` (bridging one socket, frame by frame), `http` (forwarding REST),
//! `recorder` (transcripts, with credentials redacted), `redact` (what counts as a credential),
//! `layer` (the same REST checks as a tower layer inside your own axum server).

mod http;
mod layer;
mod recorder;
mod redact;
mod websocket;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};

use axum::Router;
use tokio::sync::watch;

use frameproof_schema::Contract;
use frameproof_validator::{Validator, Violation};

pub use layer::{ContractLayer, ContractService};
pub use recorder::Recording;

/// The `details` of a `validation_failed` answer the proxy or the layer sends on the contract's
/// behalf: `{"errors": [{pointer, rule, message}]}`, the shape the reference server uses.
pub(crate) fn validation_details(violations: &[Violation]) -> serde_json::Value {
    let errors: Vec<serde_json::Value> = violations
        .iter()
        .map(|v| serde_json::json!({"pointer": v.pointer, "rule": v.rule, "message": v.message}))
        .collect();
    serde_json::json!({ "errors": errors })
}

/// Called with every violation, as it is found.
pub type ViolationSink = Arc<dyn Fn(&Violation) + Send + Sync>;

#[derive(Clone)]
pub struct ProxyConfig {
    pub listen: SocketAddr,
    /// `http://host:port` of the server.
    pub upstream: String,
    /// Write a transcript of everything into this directory when the proxy stops.
    pub record: Option<PathBuf>,
    /// Answer invalid client frames with `validation_failed` instead of forwarding them.
    pub enforce: bool,
    /// Largest REST body forwarded, in bytes.
    pub max_body_bytes: usize,
    pub on_violation: ViolationSink,
}

impl ProxyConfig {
    pub fn new(listen: SocketAddr, upstream: impl Into<String>) -> ProxyConfig {
        ProxyConfig {
            listen,
            upstream: upstream.into().trim_end_matches('/').to_owned(),
            record: None,
            enforce: false,
            max_body_bytes: 16 * 1024 * 1024,
            on_violation: Arc::new(|_| {}),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ProxyError {
    #[error("the contract cannot be used: {0}")]
    Contract(String),
    #[error("cannot listen on {0}: {1}")]
    Listen(SocketAddr, std::io::Error),
    #[error("cannot write the recording: {0}")]
    Record(std::io::Error),
}

pub(crate) struct Shared {
    pub config: ProxyConfig,
    pub validator: Validator,
    pub http: reqwest::Client,
    pub recorder: Option<Mutex<recorder::Recorder>>,
    pub next_connection: AtomicU64,
}

impl Shared {
    pub fn report(&self, v: &Violation) {
        (self.config.on_violation)(v);
    }
}

/// A running proxy.
pub struct RunningProxy {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

/// Starts the proxy on `config.listen`.
pub async fn start(contract: &Contract, config: ProxyConfig) -> Result<RunningProxy, ProxyError> {
    let validator = Validator::new(contract).map_err(|e| ProxyError::Contract(e.to_string()))?;
    let recorder = match &config.record {
        Some(dir) => Some(Mutex::new(
            recorder::Recorder::create(dir, contract).map_err(ProxyError::Record)?,
        )),
        None => None,
    };
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| ProxyError::Listen(config.listen, e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| ProxyError::Listen(config.listen, e))?;
    let shared = Arc::new(Shared {
        config,
        validator,
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ProxyError::Contract(e.to_string()))?,
        recorder,
        next_connection: AtomicU64::new(1),
    });
    let app = Router::new()
        .fallback(http::handle)
        .with_state(shared.clone());
    let (stop, mut stopped) = watch::channel(false);
    let task = tokio::spawn(async move {
        // a proxy adds latency to every frame: small writes go out at once (no Nagle delay)
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.wait_for(|s| *s).await;
            })
            .await;
    });
    Ok(RunningProxy {
        addr,
        shared,
        stop,
        task,
    })
}

impl RunningProxy {
    /// Stops accepting, lets open exchanges finish (briefly), and writes the recording.
    pub async fn shutdown(self) -> Result<Option<Recording>, ProxyError> {
        let _ = self.stop.send(true);
        let _ = tokio::time::timeout(std::time::Duration::from_secs(2), self.task).await;
        match &self.shared.recorder {
            None => Ok(None),
            Some(r) => {
                let mut r = r
                    .lock()
                    .map_err(|_| ProxyError::Record(std::io::Error::other("recorder poisoned")))?;
                r.finish().map(Some).map_err(ProxyError::Record)
            }
        }
    }
}

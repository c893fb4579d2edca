//! `frameproof proxy --contract C --listen ADDR --upstream URL [--record DIR] [--enforce]`

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use clap::Args;

use frameproof::Contract;
use frameproof_proxy::{start, ProxyConfig};
use frameproof_validator::report;

use crate::{CliError, Outcome};

#[derive(Args)]
pub(crate) struct ProxyArgs {
    #[arg(long)]
    contract: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:9000")]
    listen: SocketAddr,
    /// The server, e.g. http://127.0.0.1:8080.
    #[arg(long)]
    upstream: String,
    /// Record all traffic as a transcript in this directory, written as it happens.
    #[arg(long)]
    record: Option<PathBuf>,
    /// Answer invalid client frames and REST requests with `validation_failed` instead of
    /// forwarding them.
    #[arg(long)]
    enforce: bool,
    /// Also write every violation as a JSON line to this file.
    #[arg(long)]
    violations: Option<PathBuf>,
    /// Largest WebSocket message in bytes (default: the contract's max_frame_bytes, else 16 MiB).
    #[arg(long, value_name = "BYTES")]
    max_message_bytes: Option<usize>,
    /// Largest REST body in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 16 * 1024 * 1024)]
    max_body_bytes: usize,
    /// Connections served at once; more wait in the listen backlog.
    #[arg(long, default_value_t = 10_000)]
    max_connections: usize,
    /// Seconds a client has to send its request headers.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    header_timeout: f64,
    /// Seconds a WebSocket may pass with no message either way before it is closed (1001).
    #[arg(long, value_name = "SECS", default_value_t = 300.0)]
    idle_timeout: f64,
    /// Seconds to connect to the upstream and complete its handshake.
    #[arg(long, value_name = "SECS", default_value_t = 5.0)]
    connect_timeout: f64,
    /// Seconds the upstream has to answer a REST request, or to send anything while a
    /// WebSocket request waits.
    #[arg(long, value_name = "SECS", default_value_t = 30.0)]
    response_timeout: f64,
    /// Seconds a peer has to take a message before it is closed as stalled.
    #[arg(long, value_name = "SECS", default_value_t = 30.0)]
    send_timeout: f64,
    /// Seconds open exchanges get to finish when the proxy shuts down.
    #[arg(long, value_name = "SECS", default_value_t = 5.0)]
    drain_timeout: f64,
}

fn seconds(s: f64) -> std::time::Duration {
    std::time::Duration::try_from_secs_f64(s.max(0.0)).unwrap_or(std::time::Duration::MAX)
}

/// Resolves on SIGTERM (what `docker stop`, systemd and CI time-outs send) or SIGINT.
async fn terminated() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

pub(crate) fn run(args: ProxyArgs) -> Result<Outcome, CliError> {
    let contract = Contract::load(&args.contract).map_err(CliError::lib)?;
    let file = match &args.violations {
        Some(p) => {
            Some(Mutex::new(std::fs::File::create(p).map_err(|e| {
                CliError::context(p.display().to_string(), e)
            })?))
        }
        None => None,
    };
    let errors = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let counter = errors.clone();
    let mut config = ProxyConfig::new(args.listen, args.upstream.clone());
    config.record = args.record.clone();
    config.enforce = args.enforce;
    config.limits.max_message_bytes = args.max_message_bytes;
    config.limits.max_body_bytes = args.max_body_bytes;
    config.limits.max_connections = args.max_connections;
    config.timeouts.header_read = seconds(args.header_timeout);
    config.timeouts.idle = seconds(args.idle_timeout);
    config.timeouts.upstream_connect = seconds(args.connect_timeout);
    config.timeouts.upstream_response = seconds(args.response_timeout);
    config.timeouts.send = seconds(args.send_timeout);
    config.timeouts.drain = seconds(args.drain_timeout);
    config.on_violation = Arc::new(move |v| {
        counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let at = if v.pointer.is_empty() {
            "/"
        } else {
            &v.pointer
        };
        let item = v
            .item
            .as_deref()
            .map(|i| format!(" `{i}`"))
            .unwrap_or_default();
        println_err!(
            "× [{}] {}{item} frame {} at {at}: {}",
            v.rule,
            v.location.connection,
            v.location
                .frame
                .map(|f| f.to_string())
                .unwrap_or_else(|| "-".into()),
            v.message
        );
        if let Some(f) = &file {
            if let Ok(mut f) = f.lock() {
                let _ = writeln!(f, "{}", report::json_line(v));
            }
        }
    });
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| CliError::context("cannot start the runtime", e))?;
    runtime.block_on(async move {
        let proxy = start(&contract, config).await.map_err(CliError::lib)?;
        println_out!(
            "frameproof proxy: ws://{0}{1} and http://{0}{2} → {3} (contract {4} {5}); Ctrl-C to stop",
            proxy.addr, contract.transport.websocket.path, contract.transport.rest.base_path, args.upstream, contract.name, contract.version
        );
        if let Some(path) = proxy.recording_path() {
            println_out!("recording to {}", path.display());
        }
        terminated().await;
        match proxy.shutdown().await {
            Ok(Some(rec)) => println_out!("recorded {} records of {} connection(s) to {}", rec.records, rec.connections, rec.path.display()),
            Ok(None) => {}
            Err(e) => return Err(CliError::lib(e)),
        }
        Ok(if errors.load(std::sync::atomic::Ordering::Relaxed) > 0 {
            Outcome::Problems
        } else {
            Outcome::Fine
        })
    })
}

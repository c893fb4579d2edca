//! `frameproof proxy --contract C --listen ADDR --upstream URL [--record DIR] [--enforce]`

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use clap::Args;

use frameproof::Contract;
use frameproof_proxy::{start, ProxyConfig};
use frameproof_validator::report;

use crate::Outcome;

#[derive(Args)]
pub struct ProxyArgs {
    #[arg(long)]
    contract: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:9000")]
    listen: SocketAddr,
    /// The server, e.g. http://127.0.0.1:8080.
    #[arg(long)]
    upstream: String,
    /// Write a transcript of all traffic into this directory when the proxy stops.
    #[arg(long)]
    record: Option<PathBuf>,
    /// Answer invalid client frames with `validation_failed` instead of forwarding them.
    #[arg(long)]
    enforce: bool,
    /// Also write every violation as a JSON line to this file.
    #[arg(long)]
    violations: Option<PathBuf>,
}

pub fn run(args: ProxyArgs) -> Outcome {
    let contract = match Contract::load(&args.contract) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return Outcome::Unusable;
        }
    };
    let file = match &args.violations {
        Some(p) => match std::fs::File::create(p) {
            Ok(f) => Some(Mutex::new(f)),
            Err(e) => {
                eprintln!("error: {}: {e}", p.display());
                return Outcome::Unusable;
            }
        },
        None => None,
    };
    let errors = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let counter = errors.clone();
    let mut config = ProxyConfig::new(args.listen, args.upstream.clone());
    config.record = args.record.clone();
    config.enforce = args.enforce;
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
        eprintln!(
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
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return Outcome::Unusable;
        }
    };
    runtime.block_on(async move {
        let proxy = match start(&contract, config).await {
            Ok(p) => p,
            Err(e) => {
                eprintln!("error: {e}");
                return Outcome::Unusable;
            }
        };
        println!(
            "frameproof proxy: ws://{0}{1} and http://{0}{2} → {3} (contract {4} {5}); Ctrl-C to stop",
            proxy.addr, contract.transport.websocket.path, contract.transport.rest.base_path, args.upstream, contract.name, contract.version
        );
        let _ = tokio::signal::ctrl_c().await;
        match proxy.shutdown().await {
            Ok(Some(rec)) => println!("recorded {} records of {} connection(s) to {}", rec.records, rec.connections, rec.path.display()),
            Ok(None) => {}
            Err(e) => {
                eprintln!("error: {e}");
                return Outcome::Unusable;
            }
        }
        if errors.load(std::sync::atomic::Ordering::Relaxed) > 0 {
            Outcome::Problems
        } else {
            Outcome::Fine
        }
    })
}

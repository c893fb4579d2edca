//! `timetracker`: runs the reference server until Ctrl-C.

use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, FromArgMatches, Parser};
use timetracker::server::{self, Fault, ServerConfig};

/// TRCR reference server: a WebSocket-first time tracker with a REST fallback.
#[derive(Debug, Parser)]
#[command(name = "timetracker", version)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// How often the server pings each connection, in milliseconds.
    #[arg(long, default_value_t = 30_000, value_name = "MS")]
    heartbeat_interval_ms: u64,
    /// How long a ping may go unanswered before the server closes with 4408, in milliseconds.
    #[arg(long, default_value_t = 10_000, value_name = "MS")]
    heartbeat_timeout_ms: u64,
    /// How long access tokens live, in seconds.
    #[arg(long, default_value_t = 900, value_name = "SECS")]
    token_ttl_secs: u64,
    /// How long a connection opened without a token has to send its auth frame, in milliseconds.
    #[arg(long, default_value_t = 5_000, value_name = "MS")]
    auth_timeout_ms: u64,
    /// Frames a connection may have queued before it is closed with 4503.
    #[arg(long, default_value_t = 256, value_name = "FRAMES")]
    outbound_queue: usize,
    /// Simulated processing time per action, in milliseconds.
    #[arg(long, default_value_t = 0, value_name = "MS")]
    latency_ms: u64,
    /// Seed predictable tokens (at_fixed_<user_id>, rt_fixed_<user_id>) for replaying
    /// recorded transcripts; for tests and demos only.
    #[arg(long)]
    fixed_credentials: bool,
    /// Diverge from the contract on purpose (repeatable); see the list below.
    #[arg(long = "fault", value_name = "NAME")]
    faults: Vec<Fault>,
}

fn fault_help() -> String {
    let mut s = String::from("Faults (--fault NAME):\n");
    for f in Fault::ALL {
        s.push_str(&format!("  {:<22}{}\n", f.name(), f.description()));
    }
    s
}

#[tokio::main]
async fn main() -> ExitCode {
    let matches = Args::command().after_help(fault_help()).get_matches();
    let args = match Args::from_arg_matches(&matches) {
        Ok(a) => a,
        Err(e) => e.exit(),
    };
    let config = ServerConfig {
        port: args.port,
        heartbeat_interval: Duration::from_millis(args.heartbeat_interval_ms),
        heartbeat_timeout: Duration::from_millis(args.heartbeat_timeout_ms),
        token_ttl: Duration::from_secs(args.token_ttl_secs),
        auth_timeout: Duration::from_millis(args.auth_timeout_ms),
        outbound_queue: args.outbound_queue,
        latency: Duration::from_millis(args.latency_ms),
        faults: args.faults,
        fixed_credentials: args.fixed_credentials,
        ..ServerConfig::default()
    };
    let running = match server::start(config).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("timetracker: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let contract = timetracker::contract();
    println!(
        "TRCR reference server, contract {} {}",
        contract.name, contract.version
    );
    println!("WebSocket: {}", running.ws_url());
    println!("REST:      {}", running.rest_url());
    println!("Seeded users:");
    for u in running.users() {
        println!(
            "  {:<10} {:<11} {:<7} access {}  refresh {}",
            u.user_id,
            u.org_id,
            u.role.as_str(),
            u.access_token,
            u.refresh_token
        );
    }
    let faults = &running.config().faults;
    if !faults.is_empty() {
        let names: Vec<&str> = faults.iter().map(|f| f.name()).collect();
        println!("Faults:    {}", names.join(", "));
    }
    println!("Press Ctrl-C to stop.");
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("timetracker: cannot wait for Ctrl-C: {e}");
    }
    println!("Shutting down.");
    running.shutdown().await;
    ExitCode::SUCCESS
}

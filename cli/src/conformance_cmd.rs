//! `frameproof conformance --contract C --ws URL --rest URL TRANSCRIPT...`

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, ValueEnum};

use frameproof::Contract;
use frameproof_conformance::checks::{CheckOptions, CheckUsers};
use frameproof_conformance::suite::{self, Suite};
use frameproof_conformance::{
    report, Credentials, ReplayOptions, Target, TranscriptReport, Transport,
};

use crate::{CliError, Outcome};

/// Where `--rerun-failed` remembers the last run's failures.
const LAST_RUN: &str = "target/frameproof/conformance-failed.json";

#[derive(Args)]
pub(crate) struct ConformanceArgs {
    #[arg(long)]
    contract: PathBuf,
    /// The server's WebSocket URL, path included (ws://127.0.0.1:8080/ws). Given more than
    /// once (with as many --rest), the transcript's connections are spread over the instances
    /// in turn: an event caused on one must reach clients on another.
    #[arg(long, required = true)]
    ws: Vec<String>,
    /// The server's HTTP origin (http://127.0.0.1:8080); REST paths come from the contract.
    /// Once per --ws, in the same order.
    #[arg(long, required = true)]
    rest: Vec<String>,
    /// Transcripts (.jsonl) or directories of them.
    transcripts: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = TransportArg::Both)]
    transport: TransportArg,
    /// Start a fresh server with this shell command for each transcript and transport.
    #[arg(long)]
    server_cmd: Option<String>,
    /// NAME=SECRET for a `$credential:NAME` placeholder (repeatable).
    #[arg(long = "credential")]
    credential: Vec<String>,
    /// A JSON file of credential name → secret.
    #[arg(long)]
    credentials: Option<PathBuf>,
    /// Also run the checks generated from the contract (needs --check-user, and for tenant
    /// isolation --check-peer and --check-other-tenant).
    #[arg(long)]
    checks: bool,
    /// Credential name of a user for the generated checks.
    #[arg(long)]
    check_user: Option<String>,
    /// Credential name of a second user of the same tenant.
    #[arg(long)]
    check_peer: Option<String>,
    /// Credential name of a user of another tenant.
    #[arg(long)]
    check_other_tenant: Option<String>,
    /// Credential name of the check user's refresh token: enables the token-expiry check
    /// (against a server with short-lived tokens; see --check-expiry-wait-ms).
    #[arg(long)]
    check_refresh: Option<String>,
    /// How long the token-expiry check waits for the expiry notice.
    #[arg(long, default_value_t = 5000)]
    check_expiry_wait_ms: u64,
    /// Replay only what failed in the last run.
    #[arg(long)]
    rerun_failed: bool,
    /// How long to wait for an expected frame, in milliseconds.
    #[arg(long, default_value_t = 3000)]
    timeout_ms: u64,
    /// How long a WebSocket handshake or a REST call (with its answer) may take, in
    /// milliseconds; one that takes longer fails its step instead of hanging the run.
    #[arg(long, default_value_t = 10_000)]
    network_timeout_ms: u64,
    /// The shortest quiet window, in milliseconds: every `expect_none` of a transcript waits at
    /// least this long for a frame that must not arrive (a longer recorded window is kept).
    #[arg(long, default_value_t = 0)]
    quiet_ms: u64,
    /// How long the isolation check listens on another tenant's connection for a leaked
    /// event, in milliseconds.
    #[arg(long, default_value_t = 2000)]
    isolation_ms: u64,
    /// How long to keep listening after a transcript's last step for frames nobody expects,
    /// in milliseconds.
    #[arg(long, default_value_t = 150)]
    grace_ms: u64,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Also write the report as JSON lines to this file, rewritten as each run ends.
    #[arg(long)]
    json_file: Option<PathBuf>,
    /// Also write the report as JUnit XML to this file, rewritten as each run ends.
    #[arg(long)]
    junit_file: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum TransportArg {
    Ws,
    Rest,
    Both,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
    Junit,
}

pub(crate) fn run(args: ConformanceArgs) -> Result<Outcome, CliError> {
    let contract = Contract::load(&args.contract).map_err(CliError::lib)?;
    let credentials = credentials(&args)?;
    let transcripts = suite::transcript_files(&args.transcripts).map_err(CliError::lib)?;
    let transports: Vec<Transport> = match args.transport {
        TransportArg::Ws => vec![Transport::WebSocket],
        TransportArg::Rest => vec![Transport::Rest],
        TransportArg::Both => vec![Transport::WebSocket, Transport::Rest],
    };
    let (target, instances) = targets(&args)?;
    let options = ReplayOptions {
        timeout: Duration::from_millis(args.timeout_ms),
        credentials: credentials.clone(),
        network_timeout: Duration::from_millis(args.network_timeout_ms),
        quiet: Duration::from_millis(args.quiet_ms),
        grace: Duration::from_millis(args.grace_ms),
        instances,
        ..ReplayOptions::default()
    };
    let checks = check_settings(&args, &credentials, options.timeout)?;
    let suite = Suite {
        contract,
        transcripts,
        transports,
        target,
        options,
        server_cmd: args.server_cmd.clone(),
        checks,
        only: args
            .rerun_failed
            .then(|| suite::load_failed(Path::new(LAST_RUN))),
    };
    // each run is reported as it ends: an interrupted suite has printed (and written) every
    // run that finished
    let mut so_far: Vec<TranscriptReport> = Vec::new();
    let mut file_error = None;
    let result = suite.run(|r| {
        so_far.push(r.clone());
        match args.format {
            Format::Human => print_out!("{}", report::human_run(r)),
            Format::Json => print_out!("{}", report::json(std::slice::from_ref(r))),
            Format::Junit => {}
        }
        if let Err(e) = write_report_files(&args, &so_far) {
            file_error.get_or_insert(e);
        }
    });
    let reports = result.map_err(CliError::lib)?;
    if let Some(e) = file_error {
        return Err(e);
    }
    let _ = suite::save_failed(Path::new(LAST_RUN), &reports);
    match args.format {
        Format::Human => print_out!("{}", report::human_summary(&reports)),
        Format::Json => {}
        Format::Junit => print_out!("{}", report::junit(&reports)),
    }
    Ok(if suite::failed_runs(&reports).is_empty() {
        Outcome::Fine
    } else {
        Outcome::Problems
    })
}

/// The credentials of `--credentials` (a file), then of each `--credential NAME=VALUE`.
fn credentials(args: &ConformanceArgs) -> Result<Credentials, CliError> {
    let mut credentials = match &args.credentials {
        Some(p) => {
            let at = || p.display().to_string();
            let text = std::fs::read_to_string(p).map_err(|e| CliError::context(at(), e))?;
            Credentials::from_json(&text).map_err(|e| CliError::context(at(), e))?
        }
        None => Credentials::new(),
    };
    for pair in &args.credential {
        credentials
            .parse_pair(pair)
            .map_err(|e| CliError::usage(format!("--credential {e}")))?;
    }
    Ok(credentials)
}

/// The server under test (the first `--ws`/`--rest` pair) and its other instances.
fn targets(args: &ConformanceArgs) -> Result<(Target, Vec<Target>), CliError> {
    if args.ws.len() != args.rest.len() {
        return Err(CliError::usage(format!(
            "{} --ws and {} --rest: give one --rest per --ws, in the same order",
            args.ws.len(),
            args.rest.len()
        )));
    }
    let mut instances: Vec<Target> = args
        .ws
        .iter()
        .zip(&args.rest)
        .map(|(ws, rest)| Target {
            ws_url: ws.clone(),
            http_url: rest.clone(),
        })
        .collect();
    let target = instances.remove(0);
    Ok((target, instances))
}

/// With `--checks`: the users the generated checks act as (named credentials) and their
/// waiting windows.
fn check_settings(
    args: &ConformanceArgs,
    credentials: &Credentials,
    timeout: Duration,
) -> Result<Option<(CheckUsers, CheckOptions)>, CliError> {
    if !args.checks {
        return Ok(None);
    }
    let resolve = |n: &Option<String>| {
        n.as_ref()
            .and_then(|n| credentials.resolve(&format!("$credential:{n}")).ok())
    };
    let Some(a) = resolve(&args.check_user) else {
        return Err(CliError::usage(
            "--checks needs --check-user NAME with a credential of that name",
        ));
    };
    let users = CheckUsers {
        a,
        a2: resolve(&args.check_peer),
        b: resolve(&args.check_other_tenant),
        expiry: resolve(&args.check_refresh)
            .map(|r| (r, Duration::from_millis(args.check_expiry_wait_ms))),
    };
    let windows = CheckOptions {
        timeout,
        quiet: Duration::from_millis(args.isolation_ms),
    };
    Ok(Some((users, windows)))
}

/// Rewrites `--json-file` and `--junit-file` with every run so far.
fn write_report_files(
    args: &ConformanceArgs,
    reports: &[TranscriptReport],
) -> Result<(), CliError> {
    for (path, text) in [
        (
            &args.json_file,
            report::json as fn(&[TranscriptReport]) -> String,
        ),
        (&args.junit_file, report::junit),
    ] {
        if let Some(path) = path {
            report::write_file(path, &text(reports))
                .map_err(|e| CliError::context(path.display().to_string(), e))?;
        }
    }
    Ok(())
}

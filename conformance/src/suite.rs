//! A whole conformance run, as `frameproof conformance` does it: every transcript over every
//! transport (a fresh server for each when a command is given), then the generated checks.
//! Each report is handed to the caller as soon as its run ends, so output written from it (the
//! console, JSON lines, a JUnit file) survives a run that is interrupted later.

use std::path::{Path, PathBuf};
use std::time::Duration;

use frameproof_schema::Contract;

use crate::checks::{self, CheckOptions, CheckUsers};
use crate::replay::{replay, ReplayOptions, Target, Transport};
use crate::report::TranscriptReport;
use crate::server::{address_of, ServerProcess};
use crate::Error;

/// How long a server started by `server_cmd` may take to accept connections.
const SERVER_START: Duration = Duration::from_secs(30);

/// One conformance run.
pub struct Suite {
    pub contract: Contract,
    /// Transcript files, run in this order (see [`transcript_files`]).
    pub transcripts: Vec<PathBuf>,
    pub transports: Vec<Transport>,
    pub target: Target,
    pub options: ReplayOptions,
    /// A shell command that starts a fresh server for each transcript and transport (and for
    /// the checks); it must accept connections at the target's WebSocket address.
    pub server_cmd: Option<String>,
    /// The generated checks, run after the transcripts.
    pub checks: Option<(CheckUsers, CheckOptions)>,
    /// Only these runs (transcript, transport name), as [`failed_runs`] lists them; `None`: all.
    pub only: Option<Vec<(String, String)>>,
}

/// Why a suite could not run on (a transcript that cannot be read, a server that does not
/// start): no finding about the server's contract. The crate's [`Error`].
pub type Unusable = Error;

impl Suite {
    /// Runs everything, calling `on_report` as each run ends; returns every report. Blocking:
    /// it drives its own runtime (from async code, call [`replay`] and [`checks::run`]).
    pub fn run(
        &self,
        mut on_report: impl FnMut(&TranscriptReport),
    ) -> Result<Vec<TranscriptReport>, Unusable> {
        let runtime = tokio::runtime::Runtime::new().map_err(Error::Runtime)?;
        let mut reports = Vec::new();
        for file in &self.transcripts {
            let name = file.display().to_string();
            let text = std::fs::read_to_string(file).map_err(|source| Error::ReadTranscript {
                path: file.clone(),
                source,
            })?;
            for transport in &self.transports {
                if !self.selected(&name, *transport) {
                    continue;
                }
                let mut server = self.start_server()?;
                let report = runtime.block_on(replay(
                    &self.contract,
                    &name,
                    &text,
                    &self.target,
                    *transport,
                    &self.options,
                ));
                let report = with_server_stderr(report, server.as_mut());
                on_report(&report);
                reports.push(report);
            }
        }
        if let Some((users, options)) = &self.checks {
            let mut server = self.start_server()?;
            let report =
                runtime.block_on(checks::run(&self.contract, &self.target, users, options));
            let report = with_server_stderr(report, server.as_mut());
            on_report(&report);
            reports.push(report);
        }
        Ok(reports)
    }

    fn selected(&self, transcript: &str, transport: Transport) -> bool {
        self.only.as_ref().is_none_or(|only| {
            only.iter()
                .any(|(t, tr)| t == transcript && tr == transport.name())
        })
    }

    fn start_server(&self) -> Result<Option<ServerProcess>, Unusable> {
        let Some(cmd) = &self.server_cmd else {
            return Ok(None);
        };
        let addr = address_of(&self.target.ws_url).ok_or_else(|| Error::NoAddress {
            url: self.target.ws_url.clone(),
        })?;
        ServerProcess::start(cmd, addr, SERVER_START).map(Some)
    }
}

/// A failed run keeps what the server wrote on stderr, for the report.
fn with_server_stderr(
    mut report: TranscriptReport,
    server: Option<&mut ServerProcess>,
) -> TranscriptReport {
    if let Some(s) = server {
        let stderr = s.stop();
        if !report.passed() {
            report.server_stderr = Some(stderr);
        }
    }
    report
}

/// The transcripts named by files and directories (a directory's `.jsonl` files, by name).
pub fn transcript_files(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, Unusable> {
    let mut out = Vec::new();
    for p in inputs {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|source| Error::ReadTranscript {
                    path: p.clone(),
                    source,
                })?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "jsonl"))
                .collect();
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// The runs that failed (transcript, transport name), for a later [`Suite::only`].
pub fn failed_runs(reports: &[TranscriptReport]) -> Vec<(String, String)> {
    reports
        .iter()
        .filter(|r| !r.passed())
        .map(|r| (r.transcript.clone(), r.transport.clone()))
        .collect()
}

/// Remembers the failed runs in `path` (created with its directory).
pub fn save_failed(path: &Path, reports: &[TranscriptReport]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let text = serde_json::to_string(&failed_runs(reports)).map_err(std::io::Error::other)?;
    std::fs::write(path, text)
}

/// The failed runs [`save_failed`] remembered; none when there is no such file.
pub fn load_failed(path: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

//! `frameproof`: a thin command-line layer over the library. Every command is a library call
//! plus formatting; exit codes are 0 (fine), 1 (problems found), 2 (unusable input).

/// `print!` to standard output, quiet when the reader has gone (see `output`).
macro_rules! print_out {
    ($($arg:tt)*) => { $crate::output::out(format_args!($($arg)*)) };
}

/// `println!` to standard output, quiet when the reader has gone (see `output`).
macro_rules! println_out {
    ($($arg:tt)*) => { $crate::output::out(format_args!("{}\n", format_args!($($arg)*))) };
}

/// `eprint!`, quiet when standard error is a closed pipe (see `output`).
macro_rules! print_err {
    ($($arg:tt)*) => { $crate::output::err(format_args!($($arg)*)) };
}

/// `eprintln!`, quiet when standard error is a closed pipe (see `output`).
macro_rules! println_err {
    ($($arg:tt)*) => { $crate::output::err(format_args!("{}\n", format_args!($($arg)*))) };
}

mod codegen_cmd;
mod conformance_cmd;
mod contract_cmd;
mod diff_cmd;
mod error;
mod fuzz_cmd;
mod locate;
mod output;
mod proxy_cmd;
mod validate_cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub(crate) use error::CliError;

#[derive(Parser)]
#[command(
    name = "frameproof",
    version,
    about = "Turn a WebSocket-first JSON API into a contract you can prove"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Work with contract documents.
    #[command(subcommand)]
    Contract(contract_cmd::ContractCommand),
    /// Validate captures (transcripts, HAR files, piped frames) against a contract.
    Validate(validate_cmd::ValidateArgs),
    /// Forward WebSocket and REST traffic to a server, validating (and optionally recording) every frame.
    Proxy(proxy_cmd::ProxyArgs),
    /// Compare two versions of a contract: every change, what it breaks, and whether the version bump is big enough.
    Diff(diff_cmd::DiffArgs),
    /// Write a Markdown changelog between two versions of a contract, grouped by severity.
    Changelog(diff_cmd::ChangelogArgs),
    /// Replay transcripts against a server over WebSocket and REST, and run generated checks.
    Conformance(conformance_cmd::ConformanceArgs),
    /// Property-based testing of a live server from the contract, over both transports.
    Fuzz(fuzz_cmd::FuzzArgs),
    /// Generate client code from a contract.
    #[command(subcommand)]
    Codegen(codegen_cmd::CodegenCommand),
    /// Export a contract as AsyncAPI 3.0, OpenAPI 3.1 or one JSON Schema bundle.
    Export(codegen_cmd::ExportArgs),
    /// Write a self-contained HTML reference of a contract.
    Docs(codegen_cmd::DocsArgs),
}

/// The exit codes every command uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Fine = 0,
    Problems = 1,
    Unusable = 2,
}

fn main() -> ExitCode {
    let outcome = match try_main() {
        Ok(outcome) => outcome,
        Err(e) => {
            error::print(e);
            Outcome::Unusable
        }
    };
    // output lost to a full disk (not to a reader that stopped early) is unusable output
    let outcome = if output::failed() {
        Outcome::Unusable
    } else {
        outcome
    };
    ExitCode::from(outcome as u8)
}

/// Runs the command: its outcome, or the error that stopped it (which `main` prints).
fn try_main() -> Result<Outcome, CliError> {
    let cli = Cli::parse();
    match cli.command {
        Command::Contract(cmd) => contract_cmd::run(cmd),
        Command::Validate(args) => validate_cmd::run(args),
        Command::Proxy(args) => proxy_cmd::run(args),
        Command::Diff(args) => diff_cmd::run_diff(args),
        Command::Changelog(args) => diff_cmd::run_changelog(args),
        Command::Conformance(args) => conformance_cmd::run(args),
        Command::Fuzz(args) => fuzz_cmd::run(args),
        Command::Codegen(cmd) => codegen_cmd::run_codegen(cmd),
        Command::Export(args) => codegen_cmd::run_export(args),
        Command::Docs(args) => codegen_cmd::run_docs(args),
    }
}

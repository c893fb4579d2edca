//! `frameproof fuzz --contract C --ws URL --rest URL --token TOKEN [--cases N] [--seed N]`

use std::path::PathBuf;

use clap::Args;

use frameproof::Contract;
use frameproof_conformance::{fuzz, Target};

use crate::{CliError, Outcome};

#[derive(Args)]
pub(crate) struct FuzzArgs {
    #[arg(long)]
    contract: PathBuf,
    /// The server's WebSocket URL, path included.
    #[arg(long)]
    ws: String,
    /// The server's HTTP origin.
    #[arg(long)]
    rest: String,
    /// An access token of the user the cases act as.
    #[arg(long)]
    token: String,
    #[arg(long, default_value_t = 256)]
    cases: u32,
    /// Reproduce a run (the seed every run prints).
    #[arg(long)]
    seed: Option<u64>,
}

pub(crate) fn run(args: FuzzArgs) -> Result<Outcome, CliError> {
    let contract = Contract::load(&args.contract).map_err(CliError::lib)?;
    let seed = args.seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1)
    });
    println_out!(
        "frameproof fuzz: {} cases, seed {seed} (reproduce with --seed {seed})",
        args.cases
    );
    let target = Target {
        ws_url: args.ws,
        http_url: args.rest,
    };
    let report =
        fuzz::run(&contract, &target, &args.token, seed, args.cases).map_err(CliError::lib)?;
    Ok(match report.failure {
        None => {
            println_out!(
                "passed: {} cases, every answer within the contract on both transports; \
                 {} raw-text probes (-0, exponents, lone surrogates, keys named twice) \
                 taken or refused as the contract says",
                report.cases,
                report.raw_probes
            );
            Outcome::Fine
        }
        Some((case, why)) => {
            println_out!("FAILED (seed {seed}); smallest failing case:");
            println_out!("  action:   {}", case.action);
            println_out!("  mutation: {:?}", case.mutation);
            println_out!("  payload:  {}", case.payload);
            println_out!("  why:      {why}");
            Outcome::Problems
        }
    })
}

//! `frameproof validate --contract contract.json FILE...`

use std::io::{BufReader, IsTerminal, Read};
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use frameproof::{Contract, Direction, Template};
use frameproof_validator::capture::{self, CaptureError, HarOptions, Stats};
use frameproof_validator::report::{self, Summary};
use frameproof_validator::{Limits, Validator, Violation};

use crate::{CliError, Outcome};

/// Violations kept for the grouped formats (human, junit, sarif); the rest are counted.
const KEEP: usize = 10_000;

#[derive(Args)]
pub(crate) struct ValidateArgs {
    /// The contract document.
    #[arg(long)]
    contract: PathBuf,
    /// Captures: `.jsonl` transcripts, `.har` files, or `-` for frames on standard input.
    #[arg(required = true)]
    files: Vec<String>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Warnings fail the run too.
    #[arg(long)]
    deny_warnings: bool,
    /// For raw frames on standard input: which way they travel (otherwise each line is a transcript record).
    #[arg(long, value_enum)]
    direction: Option<DirectionArg>,
    /// For HAR files: the URL path of the WebSocket entries to check, as a `{param}` template
    /// (`/devtools/browser/{id}`); by default the contract's socket path.
    #[arg(long, value_name = "TEMPLATE")]
    ws_path: Option<String>,
    /// Largest frame accepted, in bytes.
    #[arg(long, default_value_t = Limits::default().max_frame_bytes)]
    max_frame_bytes: usize,
    /// Deepest nesting accepted.
    #[arg(long, default_value_t = Limits::default().max_depth)]
    max_depth: usize,
    /// Connections tracked at once; past it the least recently active is given up (and reported).
    #[arg(long, default_value_t = Limits::default().max_sessions)]
    max_sessions: usize,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
    Junit,
    Github,
    Sarif,
}

#[derive(Clone, Copy, ValueEnum)]
enum DirectionArg {
    Client,
    Server,
}

pub(crate) fn run(args: ValidateArgs) -> Result<Outcome, CliError> {
    let contract = Contract::load(&args.contract).map_err(CliError::lib)?;
    let limits = Limits {
        max_frame_bytes: args.max_frame_bytes,
        max_depth: args.max_depth.min(128),
        max_sessions: args.max_sessions.max(1),
    };
    let validator = Validator::with_limits(&contract, limits).map_err(|e| {
        CliError::context(
            format!("{}: the contract cannot be used", args.contract.display()),
            e,
        )
    })?;
    let ws_path = args
        .ws_path
        .as_deref()
        .map(Template::parse)
        .transpose()
        .map_err(|e| CliError::context("--ws-path", e))?;
    let har = HarOptions { ws_path };
    let mut summary = Summary::default();
    let mut kept: Vec<Violation> = Vec::new();
    let mut unusable = false;
    let streaming = matches!(args.format, Format::Json | Format::Github);
    for file in &args.files {
        let mut sink = |v: Violation| {
            summary.count(&v);
            if streaming {
                let line = match args.format {
                    Format::Json => report::json_line(&v),
                    _ => report::github(&v),
                };
                println_out!("{line}");
            } else if kept.len() < KEEP {
                kept.push(v);
            } else {
                summary.not_shown += 1;
            }
        };
        let stats = match validate_file(&validator, file, args.direction, &har, &mut sink) {
            Ok(stats) => stats,
            Err(e) => {
                // what was read before reading stopped was checked: it counts; the other
                // files are still read, so the error is printed here, not returned
                let stats = e.stats();
                crate::error::print(CliError::lib(e));
                unusable = true;
                stats
            }
        };
        summary.stats += stats;
    }
    match args.format {
        Format::Human => print_out!("{}", report::human(&kept, &summary)),
        Format::Junit => print_out!("{}", report::junit(&kept, &args.files)),
        Format::Sarif => println_out!("{}", report::sarif(&kept)),
        Format::Json | Format::Github => {
            println_err!(
                "{} error(s), {} warning(s) in {} frame(s)",
                summary.errors,
                summary.warnings,
                summary.stats.frames
            );
        }
    }
    if args.format != Format::Human {
        // the human report says it in its summary; the machine formats have no place for it
        if let Some(note) = report::stateless_note(&summary.stats) {
            println_err!("{note}");
        }
    }
    Ok(if unusable {
        Outcome::Unusable
    } else if summary.errors > 0 || (args.deny_warnings && summary.warnings > 0) {
        Outcome::Problems
    } else {
        Outcome::Fine
    })
}

/// Wraps a reader with a progress bar when stderr is a terminal.
fn progress<R: Read + 'static>(input: R, len: Option<u64>) -> Box<dyn Read> {
    if !std::io::stderr().is_terminal() {
        return Box::new(input);
    }
    let bar = match len {
        Some(n) => indicatif::ProgressBar::new(n),
        None => indicatif::ProgressBar::no_length(),
    };
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta}",
    ) {
        bar.set_style(style);
    }
    Box::new(bar.wrap_read(input))
}

fn validate_file(
    validator: &Validator,
    file: &str,
    direction: Option<DirectionArg>,
    har: &HarOptions,
    sink: &mut dyn FnMut(Violation),
) -> Result<Stats, CaptureError> {
    let direction = direction.map(|d| match d {
        DirectionArg::Client => Direction::Client,
        DirectionArg::Server => Direction::Server,
    });
    if file == "-" {
        let stdin = BufReader::new(std::io::stdin());
        return capture::validate_lines(validator, stdin, "<stdin>", direction, sink);
    }
    let opened = std::fs::File::open(file).map_err(|e| CaptureError::Unreadable {
        origin: file.to_owned(),
        message: format!("cannot open: {e}"),
    })?;
    let len = opened.metadata().ok().map(|m| m.len());
    let input = progress(opened, len);
    if file.ends_with(".har") {
        capture::validate_har_with(validator, input, file, har, sink)
    } else {
        capture::validate_transcript(
            validator,
            BufReader::with_capacity(1 << 16, input),
            file,
            sink,
        )
    }
}

//! `frameproof contract check|schema`.

use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};

use frameproof::{Contract, Direction, LoadError, Problem};

use crate::locate::locate;
use crate::{CliError, Outcome};

#[derive(Subcommand)]
pub(crate) enum ContractCommand {
    /// Load a contract document and check it; exit 0 when sound, 1 with problems, 2 when unreadable.
    Check {
        /// The contract document (contract.json).
        file: PathBuf,
        /// How to print the problems.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Print a standalone JSON Schema of one direction's frames, for any 2020-12 validator.
    FrameSchema {
        file: PathBuf,
        #[arg(long, value_enum)]
        direction: DirectionArg,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Format {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum DirectionArg {
    Client,
    Server,
}

pub(crate) fn run(cmd: ContractCommand) -> Result<Outcome, CliError> {
    match cmd {
        ContractCommand::Check { file, format } => check(&file, format),
        ContractCommand::FrameSchema { file, direction } => {
            let (contract, _) = load(&file)?;
            let direction = match direction {
                DirectionArg::Client => Direction::Client,
                DirectionArg::Server => Direction::Server,
            };
            let s = serde_json::to_string_pretty(&contract.frame_schema(direction))
                .map_err(CliError::lib)?;
            println_out!("{s}");
            Ok(Outcome::Fine)
        }
    }
}

/// A problem, shown against the document's text.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
struct ProblemReport {
    message: String,
    src: NamedSource<String>,
    span: Option<(usize, usize)>,
    label: String,
}

impl Diagnostic for ProblemReport {
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.src)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (start, len) = self.span?;
        Some(Box::new(std::iter::once(LabeledSpan::new(
            Some(self.label.clone()),
            start,
            len,
        ))))
    }
}

fn render(diag: &dyn Diagnostic) -> String {
    let mut out = String::new();
    let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor());
    if handler.render_report(&mut out, diag).is_err() {
        out = diag.to_string();
    }
    out
}

fn load(file: &Path) -> Result<(Contract, String), CliError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| CliError::context(format!("{}: cannot read the file", file.display()), e))?;
    match Contract::from_json_str(&text, &file.display().to_string()) {
        Ok(c) => Ok((c, text)),
        Err(err) => {
            let (line, column, label) = match &err {
                LoadError::Syntax { line, column, .. } => (*line, *column, "here"),
                LoadError::Shape { line, column, .. } => (*line, *column, "here"),
                LoadError::Io { .. } => (0, 0, ""),
            };
            let offset = line_col_offset(&text, line, column);
            let report = ProblemReport {
                message: err.to_string(),
                src: NamedSource::new(file.display().to_string(), text),
                span: offset.map(|o| (o, 1)),
                label: label.to_owned(),
            };
            Err(CliError::Located(Box::new(report)))
        }
    }
}

fn line_col_offset(text: &str, line: usize, column: usize) -> Option<usize> {
    if line == 0 {
        return None;
    }
    let start: usize = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum();
    Some((start + column.saturating_sub(1)).min(text.len().saturating_sub(1)))
}

fn check(file: &Path, format: Format) -> Result<Outcome, CliError> {
    let (contract, text) = load(file)?;
    let problems = contract.check();
    // advice (the naming lint): shown, never a failure
    let warnings = contract.warnings();
    match format {
        Format::Json => {
            for p in &problems {
                let line = serde_json::json!({ "file": file.display().to_string(), "pointer": p.pointer, "message": p.message });
                println_out!("{line}");
            }
            for w in &warnings {
                let line = serde_json::json!({ "file": file.display().to_string(), "pointer": w.pointer, "message": w.message, "severity": "warning" });
                println_out!("{line}");
            }
        }
        Format::Human => {
            for p in &problems {
                print_out!("{}", render(&problem_report(file, &text, p)));
            }
            for w in &warnings {
                print_err!(
                    "warning: {w} (lints.naming: `allow` silences it, `deny` makes it a problem)\n"
                );
            }
            if problems.is_empty() {
                println_out!(
                    "{}: contract `{}` {} is sound ({} actions, {} events, {} errors)",
                    file.display(),
                    contract.name,
                    contract.version,
                    contract.actions.len(),
                    contract.events.len(),
                    contract.errors.len()
                );
            } else {
                println_out!("{}: {} problem(s)", file.display(), problems.len());
            }
        }
    }
    Ok(if problems.is_empty() {
        Outcome::Fine
    } else {
        Outcome::Problems
    })
}

fn problem_report(file: &Path, text: &str, p: &Problem) -> ProblemReport {
    ProblemReport {
        message: format!("{}: {}", p.pointer, p.message),
        src: NamedSource::new(file.display().to_string(), text.to_owned()),
        span: locate(text, &p.pointer),
        label: "here".into(),
    }
}

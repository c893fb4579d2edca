//! The CLI's one error type, and the one place errors are printed (`main` → `try_main` → exit
//! code 2). A command returns `Err(CliError)` when it cannot go on; `main` prints it through
//! miette's report handler, set up here: `error: <message>: <cause>: <cause>` on one line, or,
//! for a diagnostic that points into a document (a contract that does not load), miette's
//! graphical report with the document's text around the spot.

use std::error::Error as StdError;
use std::fmt;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, ReportHandler};

type Cause = Box<dyn StdError + Send + Sync + 'static>;

/// Why a command could not run (exit code 2).
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    /// A library's error, as it is (its message and its causes).
    #[error(transparent)]
    Lib(Cause),
    /// What the command was doing, and the error that stopped it (kept as the source):
    /// `--ws-path: template ...`, `out/x.ts: cannot write: No space left on device`.
    #[error("{what}")]
    Context {
        what: String,
        #[source]
        source: Cause,
    },
    /// A message that is the whole story (arguments that do not fit together).
    #[error("{0}")]
    Usage(String),
    /// A diagnostic that points into a document, rendered by miette's graphical handler.
    #[error("{0}")]
    Located(Box<dyn Diagnostic + Send + Sync + 'static>),
}

impl CliError {
    /// A library error, message and causes unchanged.
    pub(crate) fn lib(e: impl StdError + Send + Sync + 'static) -> CliError {
        CliError::Lib(Box::new(e))
    }

    /// `what: <the error>`, the error kept as the source.
    pub(crate) fn context(
        what: impl Into<String>,
        e: impl StdError + Send + Sync + 'static,
    ) -> CliError {
        CliError::Context {
            what: what.into(),
            source: Box::new(e),
        }
    }

    pub(crate) fn usage(message: impl Into<String>) -> CliError {
        CliError::Usage(message.into())
    }
}

impl Diagnostic for CliError {
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        match self {
            CliError::Located(d) => d.source_code(),
            _ => None,
        }
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        match self {
            CliError::Located(d) => d.labels(),
            _ => None,
        }
    }
}

/// An error and every cause behind it, joined by `: `. A cause whose text the line already
/// ends with is skipped: many errors quote their cause in their message and also expose it
/// as `source()` (`cannot read the file: No such file or directory (os error 2)`).
fn chain_from(mut out: String, mut source: Option<&dyn StdError>) -> String {
    while let Some(cause) = source {
        let text = cause.to_string();
        if !text.is_empty() && !out.ends_with(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = cause.source();
    }
    out
}

/// How the CLI prints an error: one `error:` line with the causes, or miette's graphical
/// report (no colour) when the error points into a document.
struct Handler;

impl ReportHandler for Handler {
    fn debug(&self, diagnostic: &dyn Diagnostic, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if diagnostic.source_code().is_some() && diagnostic.labels().is_some() {
            let graphical = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor());
            return graphical.render_report(f, diagnostic);
        }
        writeln!(
            f,
            "error: {}",
            chain_from(diagnostic.to_string(), diagnostic.source())
        )
    }
}

/// Prints `e` (what `main` does with the error of a command; also used for an error that does
/// not stop a command, such as one unreadable capture among several).
pub(crate) fn print(e: CliError) {
    // the hook is set once; a second call (a second error of one run) finds it set
    let _ = miette::set_hook(Box::new(|_| Box::new(Handler)));
    let report = miette::Report::new(e);
    print_err!("{report:?}");
}

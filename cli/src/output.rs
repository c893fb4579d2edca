//! Every byte the CLI prints goes through here (`print_out!`, `println_out!`, `print_err!`,
//! `println_err!`, defined in `main.rs`), so a closed pipe is handled once for every command.
//!
//! `print!` panics when its stream is a pipe whose reader has gone (`frameproof ... | head -1`:
//! "failed printing to stdout", exit 101). C tools are ended by SIGPIPE there; Rust ignores that
//! signal, so the write fails with `BrokenPipe` instead. We do not restore the signal: that
//! needs `unsafe` (forbidden in this workspace), and it would also end `frameproof proxy`,
//! which should keep serving when whoever read its output goes away. Instead the first failed
//! write marks the stream closed and later output to it is dropped: the command finishes its
//! work and exits with its usual code (under `set -o pipefail` that code still says whether a
//! capture passed). A write that fails for another reason (a full disk) is reported once on
//! stderr and makes the command exit 2.

use std::fmt;
use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicBool, Ordering};

struct Stream {
    /// A write failed: nothing more is written.
    closed: AtomicBool,
    /// It failed for another reason than a reader that went away.
    failed: AtomicBool,
}

static STDOUT: Stream = Stream {
    closed: AtomicBool::new(false),
    failed: AtomicBool::new(false),
};
static STDERR: Stream = Stream {
    closed: AtomicBool::new(false),
    failed: AtomicBool::new(false),
};

/// Writes to standard output (what the macros call).
pub(crate) fn out(args: fmt::Arguments<'_>) {
    if let Some(e) = write(&STDOUT, &mut std::io::stdout().lock(), args) {
        err(format_args!(
            "error: cannot write to standard output: {e}\n"
        ));
    }
}

/// Writes to standard error (what the macros call).
pub(crate) fn err(args: fmt::Arguments<'_>) {
    // nowhere left to say that stderr failed: the exit code says it
    let _ = write(&STDERR, &mut std::io::stderr().lock(), args);
}

/// Writes unless the stream is closed; returns an error other than a closed pipe, once.
fn write(stream: &Stream, w: &mut dyn Write, args: fmt::Arguments<'_>) -> Option<std::io::Error> {
    if stream.closed.load(Ordering::Relaxed) {
        return None;
    }
    let e = w.write_fmt(args).err()?;
    stream.closed.store(true, Ordering::Relaxed);
    if e.kind() == ErrorKind::BrokenPipe {
        return None;
    }
    stream.failed.store(true, Ordering::Relaxed);
    Some(e)
}

/// Whether output was lost for another reason than a reader that stopped reading.
pub(crate) fn failed() -> bool {
    STDOUT.failed.load(Ordering::Relaxed) || STDERR.failed.load(Ordering::Relaxed)
}

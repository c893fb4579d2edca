//! Writes what the proxy sees as a transcript (`docs/transcript.md`), so that a proxy killed at
//! any moment leaves a file that validates up to its last line.
//!
//! The file is created with its header before the first connection; every connection is then
//! declared by a `connection` record as it opens, and every record is one whole line. Records go
//! to a writer thread through a bounded queue (when the disk falls behind, forwarding waits
//! rather than memory growing); the thread writes whole lines in batches and flushes whenever
//! the queue is empty, so a record reaches the file within one batch of being seen.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Mutex;
use std::thread::JoinHandle;
use std::time::Instant;

use serde_json::Value;

use frameproof_schema::transcript::{
    Close, ConnectionInfo, ContractRef, Record, RestExchange, TranscriptHeader, TRANSCRIPT_FORMAT,
};
use frameproof_schema::{Contract, Direction};

/// A finished recording.
#[derive(Debug, Clone)]
pub struct Recording {
    /// The transcript file, `recording-<n>.jsonl` in the directory `ProxyConfig::record` named.
    pub path: PathBuf,
    /// Records written after the header (frames, REST exchanges, connection declarations, closes).
    pub records: u64,
    /// Connections declared in the transcript: one per WebSocket connection, one per exchange on
    /// the RPC endpoint.
    pub connections: u64,
}

enum Line {
    Record(String),
    /// Everything sent before this is written and flushed; the writer stops.
    Finish,
}

pub(crate) struct Recorder {
    path: PathBuf,
    queue: SyncSender<Line>,
    writer: Mutex<Option<JoinHandle<std::io::Result<()>>>>,
    started: Instant,
    records: AtomicU64,
    connections: AtomicU64,
}

impl Recorder {
    /// Creates `recording-<n>.jsonl` (the first free `n`) in `dir` and writes its header.
    pub(crate) fn create(
        dir: &Path,
        contract: &Contract,
        queue: usize,
    ) -> std::io::Result<Recorder> {
        std::fs::create_dir_all(dir)?;
        let (path, file) = create_free(dir)?;
        let header = TranscriptHeader {
            frameproof_transcript: TRANSCRIPT_FORMAT.into(),
            contract: ContractRef {
                name: contract.name.clone(),
                version: contract.version.clone(),
            },
            description: "recorded by frameproof proxy".into(),
            connections: Vec::new(),
            matchers: Vec::new(),
        };
        let mut out = BufWriter::new(file);
        serde_json::to_writer(&mut out, &header).map_err(std::io::Error::other)?;
        out.write_all(b"\n")?;
        out.flush()?;
        let (queue, lines) = sync_channel(queue.max(1));
        let writer = std::thread::Builder::new()
            .name("frameproof-recorder".into())
            .spawn(move || write_lines(lines, out))?;
        Ok(Recorder {
            path,
            queue,
            writer: Mutex::new(Some(writer)),
            started: Instant::now(),
            records: AtomicU64::new(0),
            connections: AtomicU64::new(0),
        })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    fn record(&self, conn: &str) -> Record {
        let t = (self.started.elapsed().as_secs_f64() * 1_000_000.0).round() / 1000.0;
        Record {
            conn: conn.to_owned(),
            t,
            dir: None,
            frame: None,
            text: None,
            binary: None,
            close: None,
            rest: None,
            connection: None,
            expect_none: None,
        }
    }

    fn write(&self, record: &Record) {
        let Ok(line) = serde_json::to_string(record) else {
            return;
        };
        // blocks only while the writer is a whole queue behind: back-pressure, not growth
        if self.queue.send(Line::Record(line)).is_ok() {
            self.records.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Declares a connection as it opens (or adds credentials it showed later).
    pub(crate) fn connection(&self, conn: &str, info: ConnectionInfo, new: bool) {
        if new {
            self.connections.fetch_add(1, Ordering::Relaxed);
        }
        let mut r = self.record(conn);
        r.connection = Some(info);
        self.write(&r);
    }

    /// A text frame: as JSON when `parsed` holds it, verbatim otherwise.
    pub(crate) fn text(&self, conn: &str, dir: Direction, text: &str, parsed: Option<Value>) {
        let mut r = self.record(conn);
        r.dir = Some(dir);
        match parsed {
            Some(v) => r.frame = Some(v),
            None => r.text = Some(text.to_owned()),
        }
        self.write(&r);
    }

    pub(crate) fn binary(&self, conn: &str, dir: Direction, bytes: &[u8]) {
        let mut r = self.record(conn);
        r.dir = Some(dir);
        r.binary = Some(frameproof_schema::transcript::encode_binary(bytes));
        self.write(&r);
    }

    pub(crate) fn close(&self, conn: &str, code: u16, reason: &str) {
        let mut r = self.record(conn);
        r.close = Some(Close {
            code,
            reason: reason.to_owned(),
        });
        self.write(&r);
    }

    pub(crate) fn rest(&self, conn: &str, exchange: RestExchange) {
        let mut r = self.record(conn);
        r.rest = Some(exchange);
        self.write(&r);
    }

    /// Writes and flushes everything recorded so far and stops the writer; later records are
    /// dropped. Blocks until the file is complete.
    pub(crate) fn finish(&self) -> std::io::Result<Recording> {
        let writer = self
            .writer
            .lock()
            .map_err(|_| std::io::Error::other("the recorder's lock is poisoned"))?
            .take();
        if let Some(writer) = writer {
            let _ = self.queue.send(Line::Finish);
            writer
                .join()
                .map_err(|_| std::io::Error::other("the recording's writer thread panicked"))??;
        }
        Ok(Recording {
            path: self.path.clone(),
            records: self.records.load(Ordering::Relaxed),
            connections: self.connections.load(Ordering::Relaxed),
        })
    }
}

/// The first `recording-<n>.jsonl` that does not exist yet, created atomically (two proxies
/// recording into one directory never share a file).
fn create_free(dir: &Path) -> std::io::Result<(PathBuf, File)> {
    for n in 1..=100_000u32 {
        let path = dir.join(format!("recording-{n}.jsonl"));
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other(format!(
        "{} already holds 100,000 recordings",
        dir.display()
    )))
}

/// The writer thread: whole lines, in batches, flushed whenever nothing more is waiting.
fn write_lines(lines: Receiver<Line>, mut out: BufWriter<File>) -> std::io::Result<()> {
    let mut batch: Vec<u8> = Vec::with_capacity(64 * 1024);
    while let Ok(first) = lines.recv() {
        let mut next = Some(first);
        let mut finished = false;
        while let Some(line) = next.take() {
            match line {
                Line::Record(text) => {
                    batch.extend_from_slice(text.as_bytes());
                    batch.push(b'\n');
                }
                Line::Finish => {
                    finished = true;
                    break;
                }
            }
            if batch.len() >= 256 * 1024 {
                break;
            }
            next = lines.try_recv().ok();
        }
        // one write per batch of whole lines: a kill leaves no half line behind a whole one
        out.write_all(&batch)?;
        out.flush()?;
        batch.clear();
        if batch.capacity() > 1024 * 1024 {
            batch.shrink_to(64 * 1024);
        }
        if finished {
            break;
        }
    }
    out.get_ref().sync_data()
}

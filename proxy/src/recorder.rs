//! Writes what the proxy sees as a transcript (`docs/transcript.md`). Records stream to a body
//! file as they happen (memory stays flat); when the proxy stops, the header, which lists every
//! connection seen, is written in front of them.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::Value;

use frameproof_schema::transcript::{
    Close, ConnectionInfo, ContractRef, Record, RestExchange, TranscriptHeader, TRANSCRIPT_FORMAT,
};
use frameproof_schema::{Contract, Direction};

/// A finished recording.
#[derive(Debug, Clone)]
pub struct Recording {
    pub path: PathBuf,
    pub records: u64,
    pub connections: usize,
}

pub struct Recorder {
    dir: PathBuf,
    body_path: PathBuf,
    body: BufWriter<File>,
    started: Instant,
    contract: ContractRef,
    connections: Vec<ConnectionInfo>,
    records: u64,
    finished: bool,
}

impl Recorder {
    pub fn create(dir: &Path, contract: &Contract) -> std::io::Result<Recorder> {
        std::fs::create_dir_all(dir)?;
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0);
        let body_path = dir.join(format!(".recording-{stamp}-{}.body", std::process::id()));
        Ok(Recorder {
            dir: dir.to_owned(),
            body: BufWriter::new(File::create(&body_path)?),
            body_path,
            started: Instant::now(),
            contract: ContractRef {
                name: contract.name.clone(),
                version: contract.version.clone(),
            },
            connections: Vec::new(),
            records: 0,
            finished: false,
        })
    }

    fn t(&self) -> f64 {
        (self.started.elapsed().as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0
    }

    fn write(&mut self, record: &Record) {
        if let Ok(line) = serde_json::to_string(record) {
            // a failed write surfaces when the recording is finished (flush)
            let _ = writeln!(self.body, "{line}");
            self.records += 1;
        }
    }

    pub fn connection(&mut self, id: &str, redacted: bool, version: Option<String>) {
        let mut credentials = serde_json::Map::new();
        if redacted {
            credentials.insert(
                "token".into(),
                Value::String(crate::redact::placeholder(id)),
            );
        }
        self.connections.push(ConnectionInfo {
            id: id.to_owned(),
            role: "client".into(),
            org: None,
            user: None,
            credentials,
            version,
        });
    }

    fn empty(&self, conn: &str) -> Record {
        Record {
            conn: conn.to_owned(),
            t: self.t(),
            dir: None,
            frame: None,
            text: None,
            binary: None,
            close: None,
            rest: None,
            expect_none: None,
        }
    }

    /// A text frame: stored as JSON when it is JSON, verbatim otherwise.
    pub fn text(&mut self, conn: &str, dir: Direction, text: &str, parsed: Option<Value>) {
        let mut r = self.empty(conn);
        r.dir = Some(dir);
        match parsed {
            Some(v) => r.frame = Some(v),
            None => r.text = Some(text.to_owned()),
        }
        self.write(&r);
    }

    pub fn binary(&mut self, conn: &str, dir: Direction, bytes: &[u8]) {
        let mut r = self.empty(conn);
        r.dir = Some(dir);
        r.binary = Some(frameproof_schema::base64::encode(bytes));
        self.write(&r);
    }

    pub fn close(&mut self, conn: &str, code: u16, reason: &str) {
        let mut r = self.empty(conn);
        r.close = Some(Close {
            code,
            reason: reason.to_owned(),
        });
        self.write(&r);
    }

    pub fn rest(&mut self, conn: &str, exchange: RestExchange) {
        let mut r = self.empty(conn);
        r.rest = Some(exchange);
        self.write(&r);
    }

    /// Writes `recording-<n>.jsonl`: the header, then the records.
    pub fn finish(&mut self) -> std::io::Result<Recording> {
        self.body.flush()?;
        let mut n = 1;
        let path = loop {
            let p = self.dir.join(format!("recording-{n}.jsonl"));
            if !p.exists() {
                break p;
            }
            n += 1;
        };
        let header = TranscriptHeader {
            frameproof_transcript: TRANSCRIPT_FORMAT.into(),
            contract: self.contract.clone(),
            description: "recorded by frameproof proxy".into(),
            connections: self.connections.clone(),
            matchers: Vec::new(),
        };
        let mut out = BufWriter::new(File::create(&path)?);
        writeln!(
            out,
            "{}",
            serde_json::to_string(&header).map_err(std::io::Error::other)?
        )?;
        let body = BufReader::new(File::open(&self.body_path)?);
        for line in body.lines() {
            writeln!(out, "{}", line?)?;
        }
        out.flush()?;
        if !self.finished {
            let _ = std::fs::remove_file(&self.body_path);
            self.finished = true;
        }
        Ok(Recording {
            path,
            records: self.records,
            connections: self.connections.len(),
        })
    }
}

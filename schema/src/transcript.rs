//! The transcript format (JSONL): what the validator reads, the proxy records and the
//! conformance runner replays. See `docs/transcript.md`.
//!
//! Line 1 is a [`TranscriptHeader`]; every other line is a [`Record`]: a WebSocket frame, a
//! close, a REST exchange, or (for replay) an expectation that a frame must not arrive.

use std::io::BufRead;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::document::Direction;
use crate::lines::{BoundedLines, Line, LinesError};

/// The format version this crate writes.
pub const TRANSCRIPT_FORMAT: &str = "1.0";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TranscriptHeader {
    pub frameproof_transcript: String,
    pub contract: ContractRef,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default)]
    pub connections: Vec<ConnectionInfo>,
    /// Rules for values that legitimately differ between runs (see `docs/transcript.md`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub matchers: Vec<Matcher>,
}

impl TranscriptHeader {
    /// Whether a line is a transcript's header (a JSON object with `frameproof_transcript`)
    /// rather than a record: how a reader of piped lines tells a whole transcript from bare
    /// records. The header may still be unusable ([`TranscriptHeader::from_line`] says why).
    pub fn is_header_line(text: &[u8]) -> bool {
        #[derive(Deserialize)]
        struct Probe {
            frameproof_transcript: Option<serde::de::IgnoredAny>,
        }
        // a struct also reads from an array: only an object is a header
        text.trim_ascii_start().starts_with(b"{")
            && serde_json::from_slice::<Probe>(text)
                .is_ok_and(|p| p.frameproof_transcript.is_some())
    }

    /// Reads a header line and checks it: every connection has an id, the format is 1.x.
    pub fn from_line(text: &[u8]) -> Result<TranscriptHeader, HeaderError> {
        let header =
            serde_json::from_slice::<TranscriptHeader>(text).map_err(HeaderError::NotAHeader)?;
        if let Some(i) = header.connections.iter().position(|c| c.id.is_empty()) {
            return Err(HeaderError::ConnectionWithoutId(i));
        }
        let major = header.frameproof_transcript.split('.').next().unwrap_or("");
        if major != "1" {
            return Err(HeaderError::Unsupported(header.frameproof_transcript));
        }
        Ok(header)
    }

    /// What is known of a connection: the header's entry, extended by `connection` records.
    pub fn connection(&self, id: &str) -> Option<&ConnectionInfo> {
        self.connections.iter().find(|c| c.id == id)
    }

    /// Takes in a `connection` record: a new connection is added, a known one extended (its
    /// credentials merged, its other members replaced where the record has them).
    pub fn declare(&mut self, id: &str, info: &ConnectionInfo) {
        let Some(known) = self.connections.iter_mut().find(|c| c.id == id) else {
            let mut info = info.clone();
            id.clone_into(&mut info.id);
            self.connections.push(info);
            return;
        };
        if !info.role.is_empty() {
            known.role.clone_from(&info.role);
        }
        for (name, value) in &info.credentials {
            known.credentials.insert(name.clone(), value.clone());
        }
        for (mine, theirs) in [
            (&mut known.org, &info.org),
            (&mut known.user, &info.user),
            (&mut known.version, &info.version),
        ] {
            if theirs.is_some() {
                mine.clone_from(theirs);
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContractRef {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectionInfo {
    /// Required in the header; in a `connection` record the record's `conn` names it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// `actor` (sends requests) or `observer` (only receives), informative.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Named placeholders (`{"token": "$credential:alice"}`); recordings never hold secrets.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub credentials: serde_json::Map<String, Value>,
    /// The contract version the client negotiated, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// How the frames travelled: absent for a WebSocket connection; `rpc` for one exchange
    /// with the contract's RPC endpoint (a request POSTed, its answer), which is no connection
    /// and so not held to the ordering rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transport: Option<String>,
}

/// [`ConnectionInfo::transport`] of an exchange with the RPC endpoint.
pub const RPC_TRANSPORT: &str = "rpc";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Matcher {
    /// A JSON pointer into frames (`/data/started_at`); `*` matches any one segment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// `date-time`, `uuid`, `any`, `generated` (a server-generated value correlated across frames).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
}

/// One line after the header. `F` is how a JSON frame is held: a `Value` (the default, for
/// tools that look inside frames), or `Box<RawValue>` for the validator, which wants the frame's
/// text exactly as recorded (a duplicated key or a long integer survives; nothing is parsed
/// twice).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, bound(deserialize = "F: Deserialize<'de>"))]
pub struct Record<F = Value> {
    pub conn: String,
    /// Milliseconds since the transcript started.
    #[serde(default)]
    pub t: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dir: Option<Direction>,
    /// A text frame that is JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame: Option<F>,
    /// A text frame kept verbatim (not JSON, or recorded raw).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// A binary frame, base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close: Option<Close>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rest: Option<RestExchange>,
    /// A connection declared (or its info extended) as it opens, for recorders that cannot
    /// know every connection when they write the header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection: Option<ConnectionInfo>,
    /// Replay only: no frame matching this may arrive on `conn` within the window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect_none: Option<ExpectNone>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Close {
    pub code: u16,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestExchange {
    pub method: String,
    pub path: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub query: Vec<(String, String)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectNone {
    /// Event name that must not arrive; absent: no frame at all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    pub within_ms: u64,
}

/// What a record carries, once its members have been checked for consistency.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload<'r> {
    /// A WebSocket message: its direction and raw bytes (text or decoded binary).
    Message {
        dir: Direction,
        bytes: std::borrow::Cow<'r, [u8]>,
        binary: bool,
    },
    Close(&'r Close),
    Rest(&'r RestExchange),
    /// Declares the record's connection (or adds to what is known of it).
    Connection(&'r ConnectionInfo),
    ExpectNone(&'r ExpectNone),
}

/// A header line that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HeaderError {
    #[error("not a transcript header: {0}")]
    NotAHeader(#[source] serde_json::Error),
    #[error("connections[{0}] has no `id`")]
    ConnectionWithoutId(usize),
    /// The format the header names (not 1.x).
    #[error("transcript format {0} is not supported (this reads 1.x)")]
    Unsupported(String),
}

/// A record that is not one readable thing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecordError {
    #[error(
        "a record holds exactly one of frame, text, binary, close, rest, connection, expect_none"
    )]
    NotExactlyOne,
    #[error("a message record needs `dir` (client or server)")]
    NoDir,
    /// The frame cannot be written back as bytes.
    #[error("{0}")]
    Frame(#[source] serde_json::Error),
    #[error("{0}")]
    Binary(#[source] Base64Error),
    #[error("a connection record for `{conn}` names another id, `{id}`")]
    OtherConnection { conn: String, id: String },
    #[error("empty record")]
    Empty,
}

/// A binary frame's text that is not base64.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not base64: {0}")]
pub struct Base64Error(#[source] pub base64::DecodeError);

/// A recorded JSON frame, as the bytes a socket carried.
pub trait RecordedFrame {
    fn frame_bytes(&self) -> Result<std::borrow::Cow<'_, [u8]>, serde_json::Error>;
}

impl RecordedFrame for Value {
    fn frame_bytes(&self) -> Result<std::borrow::Cow<'_, [u8]>, serde_json::Error> {
        serde_json::to_vec(self).map(std::borrow::Cow::Owned)
    }
}

impl RecordedFrame for Box<serde_json::value::RawValue> {
    fn frame_bytes(&self) -> Result<std::borrow::Cow<'_, [u8]>, serde_json::Error> {
        Ok(std::borrow::Cow::Borrowed(self.get().as_bytes()))
    }
}

impl<F: RecordedFrame> Record<F> {
    /// Which kind of record this is; exactly one of `frame`, `text`, `binary`, `close`, `rest`,
    /// `expect_none` must be present, and messages need `dir`.
    pub fn payload(&self) -> Result<Payload<'_>, RecordError> {
        let present = [
            self.frame.is_some(),
            self.text.is_some(),
            self.binary.is_some(),
            self.close.is_some(),
            self.rest.is_some(),
            self.connection.is_some(),
            self.expect_none.is_some(),
        ]
        .iter()
        .filter(|p| **p)
        .count();
        if present != 1 {
            return Err(RecordError::NotExactlyOne);
        }
        let dir = || self.dir.ok_or(RecordError::NoDir);
        if let Some(f) = &self.frame {
            return Ok(Payload::Message {
                dir: dir()?,
                bytes: f.frame_bytes().map_err(RecordError::Frame)?,
                binary: false,
            });
        }
        if let Some(t) = &self.text {
            return Ok(Payload::Message {
                dir: dir()?,
                bytes: std::borrow::Cow::Borrowed(t.as_bytes()),
                binary: false,
            });
        }
        if let Some(b) = &self.binary {
            return Ok(Payload::Message {
                dir: dir()?,
                bytes: std::borrow::Cow::Owned(decode_binary(b).map_err(RecordError::Binary)?),
                binary: true,
            });
        }
        if let Some(c) = &self.close {
            return Ok(Payload::Close(c));
        }
        if let Some(r) = &self.rest {
            return Ok(Payload::Rest(r));
        }
        if let Some(c) = &self.connection {
            if !c.id.is_empty() && c.id != self.conn {
                return Err(RecordError::OtherConnection {
                    conn: self.conn.clone(),
                    id: c.id.clone(),
                });
            }
            return Ok(Payload::Connection(c));
        }
        match &self.expect_none {
            Some(e) => Ok(Payload::ExpectNone(e)),
            None => Err(RecordError::Empty),
        }
    }
}

/// A problem reading a transcript, with its line number (1-based).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct TranscriptError {
    pub line: u64,
    pub message: String,
    /// Reading stopped here (an I/O error, a NUL byte); otherwise only this line was skipped.
    pub fatal: bool,
}

/// Reads a transcript line by line; memory stays bounded by `max_line` whatever the file's size.
pub struct TranscriptReader<R> {
    lines: BoundedLines<R>,
    max_line: usize,
}

/// What [`TranscriptReader::next_record`] yields: a record or a line that could not be read
/// (which the caller reports and skips).
pub type RecordResult<F = Value> = Result<(u64, Record<F>), TranscriptError>;

fn stopped(e: LinesError) -> TranscriptError {
    TranscriptError {
        line: e.line,
        message: format!("byte {}: {}", e.offset, e.message),
        fatal: true,
    }
}

impl<R: BufRead> TranscriptReader<R> {
    /// Reads the header line. `max_line` bounds the bytes of one line (longer lines are skipped
    /// and reported). A UTF-8 byte order mark before the header is skipped; a compressed or
    /// UTF-16 file is named for what it is.
    pub fn open(input: R, max_line: usize) -> Result<(TranscriptHeader, Self), TranscriptError> {
        let mut lines = BoundedLines::new(input, max_line);
        let fail = |message: String| TranscriptError {
            line: 1,
            message,
            fatal: true,
        };
        let header = match lines.next_line() {
            None => {
                return Err(fail(
                    "the file is empty; a transcript starts with a header line".into(),
                ))
            }
            Some(Err(e)) => return Err(stopped(e)),
            Some(Ok((_, Line::TooLong(n)))) => {
                return Err(fail(format!(
                    "the header line is {n} bytes, over the {max_line} byte limit"
                )))
            }
            Some(Ok((_, Line::Text(text)))) => TranscriptHeader::from_line(text),
        };
        let header = match (header, lines.not_text()) {
            (_, Some(what)) => return Err(fail(format!("the file is {what}"))),
            (Err(e), None) => return Err(fail(e.to_string())),
            (Ok(h), None) => h,
        };
        Ok((header, TranscriptReader { lines, max_line }))
    }

    /// Reads the records after a header that was read from `lines` already (by a reader that
    /// had to look at the first line to know it holds a transcript).
    pub fn after_header(lines: BoundedLines<R>) -> Self {
        let max_line = lines.max();
        TranscriptReader { lines, max_line }
    }

    /// The text of the line of the record last returned (to read a member of it again, raw).
    pub fn line_text(&self) -> &[u8] {
        self.lines.text()
    }

    /// The next record, `None` at the end. Blank lines are skipped.
    pub fn next_record(&mut self) -> Option<RecordResult> {
        self.next_record_as()
    }

    /// [`TranscriptReader::next_record`] with frames held as `F` (`Box<RawValue>`: as recorded).
    pub fn next_record_as<F: serde::de::DeserializeOwned>(&mut self) -> Option<RecordResult<F>> {
        loop {
            match self.lines.next_line()? {
                Err(e) => return Some(Err(stopped(e))),
                Ok((line, Line::TooLong(n))) => {
                    return Some(Err(TranscriptError {
                        line,
                        message: format!(
                            "the line is {n} bytes, over the {} byte limit; skipped",
                            self.max_line
                        ),
                        fatal: false,
                    }))
                }
                Ok((line, Line::Text(text))) => {
                    if text.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    return Some(
                        serde_json::from_slice::<Record<F>>(text)
                            .map(|r| (line, r))
                            .map_err(|e| TranscriptError {
                                line,
                                message: format!("not a transcript record: {e}"),
                                fatal: false,
                            }),
                    );
                }
            }
        }
    }
}

/// How a binary frame is written in a transcript (and a HAR file): standard base64 (RFC 4648).
pub fn encode_binary(bytes: &[u8]) -> String {
    use base64::Engine;
    BASE64.encode(bytes)
}

/// A binary frame's bytes from its base64 text; whitespace and missing padding are tolerated
/// (HAR writers differ), anything else is an error naming why.
pub fn decode_binary(text: &str) -> Result<Vec<u8>, Base64Error> {
    use base64::Engine;
    let clean: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    BASE64.decode(clean).map_err(Base64Error)
}

const BASE64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    base64::engine::GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
);

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = r#"{"frameproof_transcript":"1.0","contract":{"name":"trcr","version":"1.2.0"},"connections":[{"id":"c1","org":"org_acme"}]}"#;

    #[test]
    fn reads_records_and_reports_bad_lines() {
        let text = format!(
            "{HEADER}\n{}\n\n{}\n{}\n{}\n",
            r#"{"conn":"c1","dir":"client","t":1,"frame":{"type":"ping"}}"#,
            r#"{"conn":"c1","dir":"server","t":2,"text":"not json"}"#,
            r#"{"conn":"c1","oops":true}"#,
            "x".repeat(300)
        );
        let (header, mut reader) = TranscriptReader::open(text.as_bytes(), 200).unwrap();
        assert_eq!(header.connections[0].org.as_deref(), Some("org_acme"));
        let (line, r) = reader.next_record().unwrap().unwrap();
        assert_eq!(line, 2);
        assert!(matches!(
            r.payload().unwrap(),
            Payload::Message {
                dir: Direction::Client,
                ..
            }
        ));
        let (line, r) = reader.next_record().unwrap().unwrap();
        assert_eq!(line, 4);
        assert!(
            matches!(r.payload().unwrap(), Payload::Message { bytes, .. } if &*bytes == b"not json")
        );
        let err = reader.next_record().unwrap().unwrap_err();
        assert_eq!(err.line, 5);
        let err = reader.next_record().unwrap().unwrap_err();
        assert_eq!(err.line, 6);
        assert!(
            err.message.contains("over the 200 byte limit"),
            "{}",
            err.message
        );
        assert!(reader.next_record().is_none());
    }

    #[test]
    fn a_header_line_is_told_from_a_record() {
        assert!(TranscriptHeader::is_header_line(HEADER.as_bytes()));
        assert!(TranscriptHeader::is_header_line(
            br#"{"frameproof_transcript":"9.0","contract":{}}"#
        ));
        for not_one in [
            &br#"{"conn":"c1","dir":"client","frame":{"type":"ping"}}"#[..],
            b"[1]",
            b"not json",
            b"",
        ] {
            assert!(!TranscriptHeader::is_header_line(not_one));
        }
        let err = TranscriptHeader::from_line(
            br#"{"frameproof_transcript":"9.0","contract":{"name":"x","version":"1.0.0"}}"#,
        )
        .expect_err("a newer format");
        assert!(
            matches!(&err, HeaderError::Unsupported(v) if v == "9.0"),
            "{err}"
        );
        assert!(err.to_string().contains("not supported"), "{err}");
        let err = TranscriptHeader::from_line(b"{").expect_err("not JSON");
        assert!(
            err.to_string().starts_with("not a transcript header: "),
            "{err}"
        );
        assert!(std::error::Error::source(&err).is_some_and(|s| s.is::<serde_json::Error>()));
    }

    #[test]
    fn a_record_must_hold_one_thing() {
        let r: Record =
            serde_json::from_str(r#"{"conn":"c1","dir":"client","frame":{},"text":"{}"}"#).unwrap();
        assert!(r.payload().is_err());
        let r: Record = serde_json::from_str(r#"{"conn":"c1","frame":{}}"#).unwrap();
        assert!(r.payload().unwrap_err().to_string().contains("dir"));
    }

    #[test]
    fn binary_frames_round_trip_and_bad_text_is_named() {
        assert_eq!(encode_binary(b"hello"), "aGVsbG8=");
        for text in ["aGVsbG8=", "aGVsbG8", "aGVs\nbG8="] {
            assert_eq!(decode_binary(text).as_deref(), Ok(&b"hello"[..]), "{text}");
        }
        let err = decode_binary("a$").expect_err("not base64");
        assert!(err.to_string().starts_with("not base64"), "{err}");
        assert!(std::error::Error::source(&err).is_some_and(|s| s.is::<base64::DecodeError>()));
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(decode_binary(&encode_binary(&bytes)), Ok(bytes));
    }
}

//! Validating captures: transcripts (JSONL), HAR files and frames piped one per line. Each
//! reader streams; violations go to a sink as they are found, so memory stays flat whatever the
//! size of the capture.

use std::io::{BufRead, Read};

use serde_json::value::RawValue;

use frameproof_schema::lines::{BoundedLines, Line};
use frameproof_schema::transcript::{
    Payload, Record, RestExchange, TranscriptHeader, TranscriptReader,
};
use frameproof_schema::{Direction, Template};

use crate::compiled::Validator;
use crate::har::{read_entries_streaming, split_url, HarEntry, HarHandler, HarMessage, HarRequest};
use crate::open_sessions::OpenSessions;
use crate::rest::RestCheck;
use crate::rule::Rule;
use crate::session::Session;
use crate::violation::{shorten, Location, Violation};

/// What was read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// WebSocket frames read, both directions, stateless ones included.
    pub frames: u64,
    /// WebSocket connections read.
    pub connections: u64,
    /// REST exchanges (request and response) read.
    pub rest_exchanges: u64,
    /// Bytes of frames checked.
    pub bytes: u64,
    /// Frames checked one by one with no session (input of one direction only): responses
    /// matched against every action's response schema, no correlation
    /// ([`Validator::check_frame_stateless`]).
    pub stateless_frames: u64,
}

impl std::ops::AddAssign for Stats {
    fn add_assign(&mut self, other: Stats) {
        self.frames += other.frames;
        self.connections += other.connections;
        self.rest_exchanges += other.rest_exchanges;
        self.bytes += other.bytes;
        self.stateless_frames += other.stateless_frames;
    }
}

/// A capture that could not be read at all, or only in part (as opposed to violations found
/// in it).
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// Nothing could be checked: the capture is not a transcript or HAR, or cannot be opened.
    #[error("{origin}: {message}")]
    Unreadable {
        /// The capture: its file name, or `<stdin>`.
        origin: String,
        /// Why it cannot be read.
        message: String,
    },
    /// Reading stopped partway (a truncated HAR, a NUL byte, an I/O error): what came before
    /// was checked, its violations went to the sink, and `stats` counts it.
    #[error("{origin}: {message}")]
    Stopped {
        /// The capture: its file name, or `<stdin>`.
        origin: String,
        /// Why reading stopped, with where when known.
        message: String,
        /// What was read and checked before it stopped.
        stats: Stats,
    },
}

impl CaptureError {
    /// What was checked before reading stopped (nothing for an unreadable capture).
    pub fn stats(&self) -> Stats {
        match self {
            CaptureError::Unreadable { .. } => Stats::default(),
            CaptureError::Stopped { stats, .. } => *stats,
        }
    }
}

fn stopped(origin: &str, message: impl Into<String>, stats: Stats) -> CaptureError {
    CaptureError::Stopped {
        origin: origin.to_owned(),
        message: message.into(),
        stats,
    }
}

/// The longest transcript line read: a frame at the limit, with room for its record's members
/// and for escaping (a `text` record holds the frame as a JSON string).
pub(crate) fn max_record_line(validator: &Validator) -> usize {
    validator
        .limits()
        .max_frame_bytes
        .saturating_mul(2)
        .saturating_add(64 * 1024)
}

fn unreadable(origin: &str, message: impl Into<String>) -> CaptureError {
    CaptureError::Unreadable {
        origin: origin.to_owned(),
        message: message.into(),
    }
}

/// Validates a transcript. Line-level problems (a record that is not JSON) are violations with
/// rule `capture.record`; a missing or unreadable header makes the file unusable.
pub fn validate_transcript<R: BufRead>(
    validator: &Validator,
    input: R,
    origin: &str,
    sink: &mut dyn FnMut(Violation),
) -> Result<Stats, CaptureError> {
    let max_line = max_record_line(validator);
    let (header, reader) =
        TranscriptReader::open(input, max_line).map_err(|e| unreadable(origin, e.to_string()))?;
    check_transcript(validator, header, reader, origin, sink)
}

/// The records of a transcript whose header has been read: a session per connection.
fn check_transcript<R: BufRead>(
    validator: &Validator,
    header: TranscriptHeader,
    mut reader: TranscriptReader<R>,
    origin: &str,
    sink: &mut dyn FnMut(Violation),
) -> Result<Stats, CaptureError> {
    let contract = validator.contract();
    if header.contract.name != contract.name {
        sink(Violation::warning(
            Rule::CaptureContract,
            "",
            format!(
                "the transcript was recorded against `{}`, not `{}`",
                header.contract.name, contract.name
            ),
        ));
    }
    let mut header = header;
    let mut sessions = OpenSessions::new(validator.limits().max_sessions);
    let mut stats = Stats::default();
    // frames as recorded: the session parses them once, duplicate keys and all
    while let Some(next) = reader.next_record_as::<Box<serde_json::value::RawValue>>() {
        let (line, record) = match next {
            Ok(r) => r,
            Err(e) if e.fatal => {
                finish_all(sessions, sink);
                return Err(stopped(origin, e.to_string(), stats));
            }
            Err(e) => {
                let mut v = Violation::error(Rule::CaptureRecord, "", e.message.clone());
                v.location = Location {
                    file: origin.to_owned(),
                    line: Some(e.line),
                    ..Location::default()
                };
                sink(v);
                continue;
            }
        };
        let locate = |mut v: Violation| {
            v.location.file = origin.to_owned();
            v.location.line = Some(line);
            v.location.connection.clone_from(&record.conn);
            v
        };
        let payload = match record.payload() {
            Ok(p) => p,
            Err(e) => {
                sink(locate(Violation::error(
                    Rule::CaptureRecord,
                    "",
                    e.to_string(),
                )));
                continue;
            }
        };
        match payload {
            Payload::Message { dir, bytes, binary } => {
                if sessions.touch(&record.conn).is_none() {
                    stats.connections += 1;
                    let s = session_for(validator, &header, origin, &record.conn);
                    if let Some((name, gone)) = sessions.insert(record.conn.clone(), s) {
                        let mut v = dropped_session(validator, &name, &gone);
                        v.location.file = origin.to_owned();
                        v.location.line = Some(line);
                        sink(v);
                    }
                }
                let Some(session) = sessions.touch(&record.conn) else {
                    continue;
                };
                stats.frames += 1;
                stats.bytes += bytes.len() as u64;
                let found = if binary {
                    session.observe_binary(dir, &bytes)
                } else {
                    session.observe(dir, &bytes)
                };
                for v in found {
                    sink(locate(v));
                }
            }
            Payload::Rest(ex) => {
                stats.rest_exchanges += 1;
                let check = check_rest_record(validator, ex, reader.line_text());
                for mut v in check.violations {
                    v.direction = Some(Direction::Server);
                    sink(locate(v));
                }
            }
            Payload::Close(_) => {
                if let Some(session) = sessions.remove(&record.conn) {
                    for v in session.finish() {
                        sink(locate(v));
                    }
                }
            }
            Payload::Connection(info) => header.declare(&record.conn, info),
            Payload::ExpectNone(_) => {}
        }
    }
    finish_all(sessions, sink);
    Ok(stats)
}

/// A new connection's session, told what the header knows of it: its tenant, the version it
/// negotiated, and whether it is an exchange with the RPC endpoint (held to no ordering).
fn session_for(
    validator: &Validator,
    header: &TranscriptHeader,
    origin: &str,
    conn: &str,
) -> Session {
    let mut s = validator.session().with_location(origin, conn.to_owned());
    if let Some(info) = header.connection(conn) {
        if let Some(org) = &info.org {
            s = s.with_tenant(org.clone());
        }
        if let Some(v) = &info.version {
            s = s.with_version(v);
        }
        if info.transport.as_deref() == Some(frameproof_schema::transcript::RPC_TRANSPORT) {
            s = s.without_ordering();
        }
    }
    s
}

/// A REST record's exchange checked, from the bodies as recorded when the line has them.
fn check_rest_record(validator: &Validator, ex: &RestExchange, line: &[u8]) -> RestCheck {
    // the bodies as recorded (a key named twice survives in the text, not in a
    // value): read again from the line, borrowed
    let raw = serde_json::from_slice::<RawRestRecord<'_>>(line).ok();
    let raw = raw.as_ref().map(|r| &r.rest);
    match raw {
        Some(raw) => validator.check_rest_raw(
            &ex.method,
            &ex.path,
            &ex.query,
            raw.body.map(RawValue::get),
            ex.status,
            raw.response.map(RawValue::get),
        ),
        None => validator.check_rest(ex),
    }
}

/// Finishes the sessions still open at the end of a capture.
fn finish_all(sessions: OpenSessions, sink: &mut dyn FnMut(Violation)) {
    for (_, session) in sessions.into_sorted() {
        for v in session.finish() {
            sink(v);
        }
    }
}

/// A REST record's bodies as raw text.
#[derive(serde::Deserialize)]
struct RawRestRecord<'a> {
    #[serde(borrow)]
    rest: RawRest<'a>,
}

#[derive(serde::Deserialize)]
struct RawRest<'a> {
    #[serde(borrow, default)]
    body: Option<&'a RawValue>,
    #[serde(borrow, default)]
    response: Option<&'a RawValue>,
}

/// The warning for a connection given up to stay within [`Limits::max_sessions`](crate::Limits).
fn dropped_session(validator: &Validator, name: &str, session: &Session) -> Violation {
    let mut v = Violation::warning(
        Rule::CaptureSessionsDropped,
        "",
        format!(
            "more than {} connections are open at once: `{name}`, the least recently active, \
             is no longer tracked ({} request(s) in flight are not checked; its later frames \
             start a new session)",
            validator.limits().max_sessions,
            session.in_flight()
        ),
    );
    v.location.connection = name.to_owned();
    v
}

/// How a HAR file is read.
#[derive(Debug, Clone, Default)]
pub struct HarOptions {
    /// Which WebSocket entries are the contract's socket: a `{param}` template matched against
    /// each entry's URL path (`/devtools/browser/{id}`; a parameter matches one path segment).
    /// `None`: the contract's `transport.websocket.path`, itself read as a template
    /// (`/rooms/{roomId}/live`).
    pub ws_path: Option<Template>,
}

/// Validates a HAR file: REST entries under the contract's base path, WebSocket entries at its
/// socket path (other entries, such as the page and its scripts, are not the API's). Messages
/// are checked one at a time as they are read, in the order the file lists them; one longer
/// than the limit is reported (`frame.too_large`) without being held. A HAR cut short is an
/// error naming the byte and the last entry read; what came before it was checked and counts.
///
/// A WebSocket entry at another path is skipped and named (`capture.ws_skipped`, a warning);
/// a HAR whose WebSocket entries are all skipped checked nothing over the socket, which is an
/// error (`capture.ws_unmatched`). [`validate_har_with`] names the socket's path.
pub fn validate_har<R: Read>(
    validator: &Validator,
    input: R,
    origin: &str,
    sink: &mut dyn FnMut(Violation),
) -> Result<Stats, CaptureError> {
    validate_har_with(validator, input, origin, &HarOptions::default(), sink)
}

/// [`validate_har`], with the socket's path given by `options`.
pub fn validate_har_with<R: Read>(
    validator: &Validator,
    input: R,
    origin: &str,
    options: &HarOptions,
    sink: &mut dyn FnMut(Violation),
) -> Result<Stats, CaptureError> {
    let contract = validator.contract();
    let ws_path = match &options.ws_path {
        Some(t) => t.clone(),
        None => Template::parse(&contract.transport.websocket.path).map_err(|e| {
            unreadable(
                origin,
                format!("the contract's WebSocket path cannot be matched: {e}"),
            )
        })?,
    };
    let mut check = HarCheck {
        validator,
        origin,
        ws_path,
        ws_entries: 0,
        ws_skipped: 0,
        stats: Stats::default(),
        socket: None,
        sink,
    };
    let read = read_entries_streaming(input, max_record_line(validator), &mut check);
    match read {
        Ok(_) => {
            if check.ws_entries > 0 && check.ws_skipped == check.ws_entries {
                // every socket was somewhere else: a run that checked nothing must not pass
                let mut v = Violation::error(
                    Rule::CaptureWsUnmatched,
                    "",
                    format!(
                        "none of the {} WebSocket entries is at the socket's path `{}`: nothing \
                         was checked over the WebSocket; name the socket's path (validate \
                         --ws-path, HarOptions::ws_path)",
                        check.ws_entries, check.ws_path
                    ),
                );
                v.location.file = origin.to_owned();
                (check.sink)(v);
            }
            Ok(check.stats)
        }
        Err(e) => {
            // a connection cut off by the end of the file is still one that was checked
            if let Some(socket) = check.socket.take() {
                check.end_socket(socket, true);
            }
            match e.entries {
                0 if !e.truncated => Err(unreadable(origin, e.message)),
                _ => Err(stopped(origin, e.message, check.stats)),
            }
        }
    }
}

/// The HAR reader's handler: one session per WebSocket entry, fed message by message.
struct HarCheck<'v, 's> {
    validator: &'v Validator,
    origin: &'v str,
    /// Which WebSocket entries are the contract's socket.
    ws_path: Template,
    /// WebSocket entries read, and those of them at another path.
    ws_entries: u64,
    ws_skipped: u64,
    stats: Stats,
    /// The WebSocket entry being read.
    socket: Option<Socket>,
    sink: &'s mut dyn FnMut(Violation),
}

struct Socket {
    index: u64,
    session: Session,
    /// The entry listed its messages before its request: they are checked, and their
    /// violations held until the request says whether this is the contract's socket.
    held: Option<Vec<Violation>>,
    frames: u64,
    bytes: u64,
}

impl HarCheck<'_, '_> {
    fn is_socket(&self, path: &str) -> bool {
        self.ws_path.matches(path).is_some()
    }

    /// A WebSocket entry read whole: counted, and named when it is not the contract's socket.
    fn websocket_entry(&mut self, index: u64, path: &str) -> bool {
        self.ws_entries += 1;
        if self.is_socket(path) {
            return true;
        }
        self.ws_skipped += 1;
        let message = format!(
            "WebSocket entry {index} at `{}` is not the socket at `{}`; its messages were not \
             checked (name the socket's path with --ws-path)",
            shorten(path, 200),
            self.ws_path
        );
        self.emit(
            index,
            Violation::warning(Rule::CaptureWsSkipped, "", message),
        );
        false
    }

    fn emit(&mut self, index: u64, mut v: Violation) {
        v.location.file = self.origin.to_owned();
        v.location.har_entry = Some(index);
        match self.socket.as_mut().and_then(|s| s.held.as_mut()) {
            Some(held) => held.push(v),
            None => (self.sink)(v),
        }
    }

    fn end_socket(&mut self, mut socket: Socket, ours: bool) {
        if !ours {
            return;
        }
        self.stats.connections += 1;
        self.stats.frames += socket.frames;
        self.stats.bytes += socket.bytes;
        let index = socket.index;
        let held = socket.held.take().unwrap_or_default();
        let finished = socket.session.finish();
        for v in held.into_iter().chain(finished) {
            self.emit(index, v);
        }
    }

    fn rest(&mut self, index: u64, entry: &HarEntry, path: &str, query: &[(String, String)]) {
        self.stats.rest_exchanges += 1;
        // the bodies as they travelled: a key named twice is seen
        let body = entry
            .request
            .post_data
            .as_ref()
            .map(|p| p.text.as_str())
            .filter(|t| !t.is_empty());
        let response = entry.response_text();
        let check = self.validator.check_rest_raw(
            &entry.request.method,
            path,
            query,
            body,
            entry.response.status,
            response.as_deref(),
        );
        for mut v in check.violations {
            v.location.connection = format!("rest#{index}");
            self.emit(index, v);
        }
    }
}

impl HarCheck<'_, '_> {
    /// One exchange with the RPC endpoint: the request frame POSTed, the frames it got back.
    fn rpc(&mut self, index: u64, entry: &HarEntry) {
        self.stats.rest_exchanges += 1;
        let request = entry
            .request
            .post_data
            .as_ref()
            .map(|p| p.text.as_str())
            .unwrap_or_default();
        let response = entry.response_text().unwrap_or_default();
        let content_type = entry.response.content.mime_type.as_str();
        let found = self.validator.check_rpc_exchange(
            request,
            entry.response.status,
            (!content_type.is_empty()).then_some(content_type),
            &response,
        );
        self.stats.frames +=
            1 + crate::rpc::answer_frames(Some(content_type), &response).len() as u64;
        for mut v in found {
            v.location.connection = format!("rpc#{index}");
            self.emit(index, v);
        }
    }
}

impl HarHandler for HarCheck<'_, '_> {
    fn wants_messages(&mut self, index: u64, request: Option<&HarRequest>) -> bool {
        if let Some(r) = request {
            if !self.is_socket(&split_url(&r.url).0) {
                return false;
            }
        }
        let session = self
            .validator
            .session()
            .with_location(self.origin, format!("ws#{index}"));
        self.socket = Some(Socket {
            index,
            session,
            held: request.is_none().then(Vec::new),
            frames: 0,
            bytes: 0,
        });
        true
    }

    fn message(&mut self, index: u64, m: HarMessage, over_limit: Option<u64>) {
        let dir = match m.kind.as_str() {
            "send" => Direction::Client,
            "receive" => Direction::Server,
            other => {
                let message = format!("unknown WebSocket message type `{}`", shorten(other, 40));
                self.emit(index, Violation::error(Rule::CaptureRecord, "", message));
                return;
            }
        };
        let Some(socket) = self.socket.as_mut() else {
            return;
        };
        if !matches!(m.opcode, 1 | 2) {
            // control frames (ping, pong, close) carry no contract data
            return;
        }
        socket.frames += 1;
        let found = match (over_limit, m.opcode) {
            (Some(n), _) => {
                socket.bytes += n;
                socket.session.observe_oversized(dir, n)
            }
            (None, 1) => {
                socket.bytes += m.data.len() as u64;
                socket.session.observe(dir, m.data.as_bytes())
            }
            (None, _) => {
                socket.bytes += m.data.len() as u64;
                match frameproof_schema::transcript::decode_binary(&m.data) {
                    Ok(bytes) => socket.session.observe_binary(dir, &bytes),
                    // a binary message whose data cannot be read is named, not taken as empty
                    Err(why) => vec![Violation::error(
                        Rule::CaptureRecord,
                        "",
                        format!("a binary WebSocket message whose data is {why}"),
                    )],
                }
            }
        };
        for v in found {
            self.emit(index, v);
        }
    }

    fn entry(&mut self, index: u64, entry: HarEntry) {
        let (path, query) = split_url(&entry.request.url);
        if let Some(socket) = self.socket.take() {
            // an entry with messages is a WebSocket entry
            let ours = self.websocket_entry(index, &path);
            self.end_socket(socket, ours);
            return;
        }
        if entry.is_websocket() {
            // a socket of ours that exchanged no message is still a connection
            let ours = self.websocket_entry(index, &path);
            self.stats.connections += u64::from(ours);
            return;
        }
        let rpc = self
            .validator
            .contract()
            .transport
            .rest
            .rpc_endpoint
            .as_deref();
        if entry.request.method == "POST" && rpc == Some(path.as_str()) {
            self.rpc(index, &entry);
        } else if self
            .validator
            .contract()
            .is_rest_traffic(&entry.request.method, &path)
        {
            self.rest(index, &entry, &path, &query);
        }
    }
}

/// Validates frames piped one per line: each line is a transcript record, or (with a
/// `direction`) a raw frame. Records form one connection, checked as a session; raw frames of
/// one direction are checked statelessly ([`Validator::check_frame_stateless`]: there is
/// nothing to pair a response with). When the first line (blank lines aside) is a transcript
/// header, the input is a whole transcript (`cat recording.jsonl |`) and is read as
/// [`validate_transcript`] reads a file. A line over the limit (the frame limit for raw
/// frames, as for transcripts for records) is skipped while it is read and reported; a NUL
/// byte ends reading with an error.
pub fn validate_lines<R: BufRead>(
    validator: &Validator,
    input: R,
    origin: &str,
    direction: Option<Direction>,
    sink: &mut dyn FnMut(Violation),
) -> Result<Stats, CaptureError> {
    let mut session = validator.session().with_location(origin, "stdin");
    let mut stats = Stats {
        connections: 1,
        ..Stats::default()
    };
    let max_line = match direction {
        Some(_) => validator.limits().max_frame_bytes,
        None => max_record_line(validator),
    };
    let mut lines = BoundedLines::new(input, max_line);
    let at_line = |mut v: Violation, line: u64| {
        v.location.file = origin.to_owned();
        v.location.line = Some(line);
        v
    };
    let mut first = direction.is_none();
    while let Some(next) = lines.next_line() {
        if first {
            match &next {
                Ok((_, Line::Text(text))) if text.iter().all(u8::is_ascii_whitespace) => {}
                Ok((line_no, Line::Text(text))) if TranscriptHeader::is_header_line(text) => {
                    let header = TranscriptHeader::from_line(text)
                        .map_err(|e| unreadable(origin, format!("line {line_no}: {e}")))?;
                    let reader = TranscriptReader::after_header(lines);
                    return check_transcript(validator, header, reader, origin, sink);
                }
                _ => first = false,
            }
        }
        let (line_no, buf) = match next {
            Ok((line_no, Line::Text(text))) => (line_no, text),
            Ok((line_no, Line::TooLong(n))) => {
                let rule = match direction {
                    Some(_) => Rule::FrameTooLarge,
                    None => Rule::CaptureRecord,
                };
                let message =
                    format!("line {line_no} is {n} bytes, over the {max_line} byte limit; skipped");
                sink(at_line(Violation::error(rule, "", message), line_no));
                continue;
            }
            Err(e) => {
                for v in session.finish() {
                    sink(v);
                }
                return Err(stopped(origin, e.to_string(), stats));
            }
        };
        if buf.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let record;
        let (dir, bytes): (Direction, &[u8]) = match direction {
            Some(d) => (d, buf),
            None => {
                record = serde_json::from_slice::<Record<Box<RawValue>>>(buf)
                    .map_err(|e| e.to_string())
                    .and_then(|r| match r.payload().map_err(|e| e.to_string())? {
                        Payload::Message { dir, bytes, .. } => Ok((dir, bytes.into_owned())),
                        _ => Err("only message records can be piped".to_owned()),
                    });
                match &record {
                    Ok((dir, bytes)) => (*dir, bytes),
                    Err(e) => {
                        let message = format!(
                            "not a transcript record ({e}); pass --direction to pipe raw frames"
                        );
                        sink(at_line(
                            Violation::error(Rule::CaptureRecord, "", message),
                            line_no,
                        ));
                        continue;
                    }
                }
            }
        };
        let frame = stats.frames;
        stats.frames += 1;
        stats.bytes += bytes.len() as u64;
        let found = match direction {
            // one direction: no request to pair a response with, so no session
            Some(_) => {
                stats.stateless_frames += 1;
                let mut found = validator.check_frame_stateless(dir, bytes).violations;
                for v in &mut found {
                    v.location.file = origin.to_owned();
                    v.location.connection = "stdin".to_owned();
                    v.location.frame = Some(frame);
                }
                found
            }
            None => session.observe(dir, bytes),
        };
        for mut v in found {
            v.location.line = Some(line_no);
            sink(v);
        }
    }
    for v in session.finish() {
        sink(v);
    }
    Ok(stats)
}

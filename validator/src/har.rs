//! HAR 1.2, read one entry at a time: REST exchanges, and WebSocket connections with Chrome's
//! `_webSocketMessages`. The file is never held in memory whole, nor is an entry: entries, and
//! the messages of a WebSocket entry one by one, stream to a [`HarHandler`] as serde reads them.
//!
//! Tools disagree on a message's `time`: Chrome and mitmproxy write epoch seconds, Playwright
//! epoch milliseconds. [`HarMessage::time_ms`] reads both.

use std::cell::Cell;
use std::fmt;
use std::io::{BufRead, Read};
use std::rc::Rc;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

/// One entry of a HAR `log.entries`: a REST exchange, or a WebSocket connection with its
/// messages. Fields the file leaves out are empty.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct HarEntry {
    /// The request as the tool recorded it (for a WebSocket, the upgrade request).
    pub request: HarRequest,
    /// The response (for a WebSocket, status 101 when the handshake succeeded).
    pub response: HarResponse,
    /// Chrome's `_webSocketMessages`: `None` for an entry without them; from
    /// [`read_entries_streaming`] `Some(vec![])`, the messages having gone to the handler.
    #[serde(rename = "_webSocketMessages")]
    pub web_socket_messages: Option<Vec<HarMessage>>,
    /// Chrome's `_resourceType` (`websocket`, `xhr`, `fetch`, …), when the tool wrote one.
    #[serde(rename = "_resourceType")]
    pub resource_type: Option<String>,
}

/// A HAR request; only what checking the contract needs is read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct HarRequest {
    /// The HTTP method as written (`GET`).
    pub method: String,
    /// The full URL, scheme and host included; [`split_url`] takes the path and query from it.
    pub url: String,
    /// The query pairs the tool listed (`queryString`); the checks read the query from `url`
    /// instead (see [`split_url`]).
    #[serde(rename = "queryString")]
    pub query_string: Vec<HarPair>,
    /// Request headers in recorded order; names keep the tool's case.
    pub headers: Vec<HarPair>,
    /// The request body (`postData`), `None` when there was none.
    #[serde(rename = "postData")]
    pub post_data: Option<HarPostData>,
}

/// A name/value pair: a header or a query parameter.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct HarPair {
    /// The header or parameter name, as recorded.
    pub name: String,
    /// Its value, as recorded.
    pub value: String,
}

/// A request body as HAR records it (always text).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct HarPostData {
    /// The body's `Content-Type` (`application/json`, possibly with parameters).
    #[serde(rename = "mimeType")]
    pub mime_type: String,
    /// The body as text.
    pub text: String,
}

/// A HAR response; only what checking the contract needs is read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct HarResponse {
    /// The HTTP status; 0 when the tool recorded none (a request that never got an answer).
    pub status: u16,
    /// Response headers in recorded order; names keep the tool's case.
    pub headers: Vec<HarPair>,
    /// The response body.
    pub content: HarContent,
}

/// A response body as HAR records it; see [`HarEntry::response_text`] to read it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct HarContent {
    /// The body's `Content-Type` (`application/json`, possibly with parameters).
    #[serde(rename = "mimeType")]
    pub mime_type: String,
    /// The body, `None` when the tool did not keep it; base64 when `encoding` says so.
    pub text: Option<String>,
    /// `base64` when `text` is base64, else `None` (the text is the body).
    pub encoding: Option<String>,
}

/// One WebSocket message of `_webSocketMessages`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct HarMessage {
    /// `send` (client → server) or `receive`.
    #[serde(rename = "type")]
    pub kind: String,
    /// When it was sent or received, since the epoch, in seconds or milliseconds depending
    /// on the tool: use [`HarMessage::time_ms`].
    pub time: f64,
    /// 1 text, 2 binary (base64 data).
    pub opcode: u8,
    /// The message: text for opcode 1, base64 for opcode 2 (cut short when over the limit).
    pub data: String,
}

impl HarMessage {
    /// Milliseconds since the epoch, whether the tool wrote seconds or milliseconds.
    pub fn time_ms(&self) -> f64 {
        // epoch seconds are ~1.7e9 today; epoch milliseconds ~1.7e12
        if self.time > 1e11 {
            self.time
        } else {
            self.time * 1000.0
        }
    }
}

impl HarEntry {
    /// Whether the entry is a WebSocket connection: it has `_webSocketMessages`, a `ws://` or
    /// `wss://` URL, or a 101 response.
    pub fn is_websocket(&self) -> bool {
        self.web_socket_messages.is_some()
            || self.request.url.starts_with("ws://")
            || self.request.url.starts_with("wss://")
            || self.response.status == 101
    }

    /// The response body as text (decoding base64 content).
    pub fn response_text(&self) -> Option<String> {
        let text = self.response.content.text.as_ref()?;
        if self.response.content.encoding.as_deref() == Some("base64") {
            frameproof_schema::transcript::decode_binary(text)
                .ok()
                .map(|b| String::from_utf8_lossy(&b).into_owned())
        } else {
            Some(text.clone())
        }
    }
}

/// Splits a URL into its path and decoded query pairs (scheme and host are dropped).
pub fn split_url(url: &str) -> (String, Vec<(String, String)>) {
    let after_scheme = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let path_and_query = match after_scheme.find('/') {
        Some(i) if url.contains("://") => &after_scheme[i..],
        Some(_) => after_scheme,
        None => "/",
    };
    let without_fragment = path_and_query.split('#').next().unwrap_or("");
    let (path, query) = without_fragment
        .split_once('?')
        .unwrap_or((without_fragment, ""));
    let pairs = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (form_decode(k), form_decode(v))
        })
        .collect();
    (path.to_owned(), pairs)
}

fn form_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                if let Some(b) = s
                    .get(i + 1..i + 3)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    out.push(b);
                    i += 2;
                } else {
                    out.push(b'%');
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A HAR file that could not be read as one, or not to its end.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct HarError {
    /// What went wrong, with where in the file when known.
    pub message: String,
    /// The file ended in the middle of its JSON (a capture cut short); the entries before
    /// the cut were read.
    pub truncated: bool,
    /// Entries read in full before the error.
    pub entries: u64,
}

/// What [`read_entries_streaming`] hands over while it reads. Messages of a WebSocket entry
/// arrive one at a time as they are read, before the entry itself; the entry follows without
/// them (its `web_socket_messages` is `Some(vec![])` when it had any).
pub trait HarHandler {
    /// Whether the messages of entry `index` are wanted; `request` is `None` when the entry
    /// lists its messages before its request. Unwanted messages are skipped unread.
    fn wants_messages(&mut self, index: u64, request: Option<&HarRequest>) -> bool;
    /// One message. `over_limit` is `Some(bytes)` (its size as written) for a message over the
    /// limit: its `data` was cut while it was read and must not be used.
    fn message(&mut self, index: u64, message: HarMessage, over_limit: Option<u64>);
    /// The entry, once read.
    fn entry(&mut self, index: u64, entry: HarEntry);
}

/// Streams the entries of a HAR file to `on_entry` (with each entry's index), each with its
/// messages.
pub fn read_entries<R: Read>(
    input: R,
    mut on_entry: impl FnMut(u64, HarEntry),
) -> Result<u64, HarError> {
    struct Collect<F> {
        messages: Vec<HarMessage>,
        on_entry: F,
    }
    impl<F: FnMut(u64, HarEntry)> HarHandler for Collect<F> {
        fn wants_messages(&mut self, _: u64, _: Option<&HarRequest>) -> bool {
            true
        }
        fn message(&mut self, _: u64, message: HarMessage, _: Option<u64>) {
            self.messages.push(message);
        }
        fn entry(&mut self, index: u64, mut entry: HarEntry) {
            if entry.web_socket_messages.is_some() {
                entry.web_socket_messages = Some(std::mem::take(&mut self.messages));
            }
            (self.on_entry)(index, entry);
        }
    }
    let mut collect = Collect {
        messages: Vec::new(),
        on_entry: &mut on_entry,
    };
    read_entries_streaming(input, usize::MAX, &mut collect)
}

/// Streams a HAR file: entries one at a time, and the `_webSocketMessages` of an entry one
/// message at a time, each held only while it is handled. A message longer than
/// `max_message_bytes` as written is not held either: its strings are cut while they are read
/// and the handler is told its size. Memory stays flat whatever the size of the file, of an
/// entry or of a message. A UTF-8 byte order mark at the start is skipped; a compressed file
/// is named for what it is; a file cut short is reported with the byte it ends at and the last
/// entry read whole.
pub fn read_entries_streaming<R: Read, H: HarHandler>(
    input: R,
    max_message_bytes: usize,
    handler: &mut H,
) -> Result<u64, HarError> {
    let fail = |message: String, truncated: bool, entries: u64| HarError {
        message,
        truncated,
        entries,
    };
    let mut input = std::io::BufReader::new(input);
    let start = input
        .fill_buf()
        .map_err(|e| fail(format!("cannot read: {e}"), false, 0))?;
    if let Some(what) = frameproof_schema::lines::not_text(start) {
        return Err(fail(format!("the file is {what}"), false, 0));
    }
    if start.starts_with(b"\xef\xbb\xbf") {
        input.consume(3);
    }
    let meter = Rc::new(Meter::default());
    let metered = Metered {
        input,
        meter: meter.clone(),
        lex: Lex::default(),
    };
    let mut de = serde_json::Deserializer::from_reader(metered);
    let mut count = 0u64;
    let mut state = State {
        handler,
        count: &mut count,
        meter: &meter,
        max_message: u64::try_from(max_message_bytes).unwrap_or(u64::MAX),
    };
    let outcome = Root { state: &mut state }
        .deserialize(&mut de)
        .and_then(|()| de.end());
    match outcome {
        Ok(()) => Ok(count),
        Err(e) if e.is_eof() => {
            let after = match count {
                0 => "before its first entry".to_owned(),
                n => format!("after entry {}", n - 1),
            };
            Err(fail(
                format!("HAR truncated at byte {} {after}", meter.pos.get()),
                true,
                count,
            ))
        }
        Err(e) => Err(fail(
            format!("not a readable HAR file: {e} (after {count} entries)"),
            false,
            count,
        )),
    }
}

/// Where reading is, shared by the metered reader and the visitors: bytes read, and the byte
/// past which a message is over its limit.
#[derive(Default)]
struct Meter {
    pos: Cell<u64>,
    /// `0`: no limit in force.
    limit_at: Cell<u64>,
    cut: Cell<bool>,
}

/// The input as serde_json reads it, byte by byte: counted, and with the strings of a message
/// over its limit cut short (at a place where the JSON stays valid: not inside an escape, a
/// surrogate pair or a UTF-8 sequence), so serde_json never buffers more than the limit.
struct Metered<R> {
    input: std::io::BufReader<R>,
    meter: Rc<Meter>,
    lex: Lex,
}

/// Just enough of JSON's lexical structure to know where a string may be cut.
#[derive(Default)]
struct Lex {
    in_string: bool,
    /// 0: none; 1: after `\`; 2 to 5: reading the hex digits of `\u`.
    escape: u8,
    hex: u32,
    /// The last escape was a high surrogate: its low half must follow uncut.
    pending_low: bool,
    skipping: bool,
}

impl Lex {
    /// Takes one byte; whether it goes on to serde_json.
    fn step(&mut self, b: u8, over: bool) -> bool {
        if !self.in_string {
            self.in_string = b == b'"';
            return true;
        }
        if self.skipping {
            match (self.escape, b) {
                (0, b'\\') => self.escape = 1,
                (0, b'"') => {
                    self.in_string = false;
                    self.skipping = false;
                    return true;
                }
                (0, _) => {}
                _ => self.escape = 0,
            }
            return false;
        }
        if over && self.escape == 0 && !self.pending_low && !(0x80..0xc0).contains(&b) && b != b'"'
        {
            self.skipping = true;
            self.escape = u8::from(b == b'\\');
            return false;
        }
        match self.escape {
            0 => match b {
                b'\\' => self.escape = 1,
                b'"' => self.in_string = false,
                _ => self.pending_low = false,
            },
            1 if b == b'u' => {
                self.escape = 2;
                self.hex = 0;
            }
            1 => {
                self.escape = 0;
                self.pending_low = false;
            }
            _ => {
                self.hex = self.hex * 16 + char::from(b).to_digit(16).unwrap_or(0);
                if self.escape == 5 {
                    self.escape = 0;
                    self.pending_low = (0xd800..0xdc00).contains(&self.hex);
                } else {
                    self.escape += 1;
                }
            }
        }
        true
    }
}

impl<R: Read> Read for Metered<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let mut n = 0;
        while n < out.len() {
            let chunk = self.input.fill_buf()?;
            if chunk.is_empty() {
                break;
            }
            let mut used = 0;
            let mut pos = self.meter.pos.get();
            let limit_at = self.meter.limit_at.get();
            for &b in chunk {
                if n == out.len() {
                    break;
                }
                used += 1;
                pos += 1;
                let over = limit_at != 0 && pos > limit_at;
                if self.lex.step(b, over) {
                    out[n] = b;
                    n += 1;
                } else {
                    self.meter.cut.set(true);
                }
            }
            self.meter.pos.set(pos);
            self.input.consume(used);
        }
        Ok(n)
    }
}

struct State<'a, H> {
    handler: &'a mut H,
    count: &'a mut u64,
    meter: &'a Meter,
    max_message: u64,
}

struct Root<'s, 'a, H> {
    state: &'s mut State<'a, H>,
}

impl<'de, H: HarHandler> DeserializeSeed<'de> for Root<'_, '_, H> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, H: HarHandler> Visitor<'de> for Root<'_, '_, H> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a HAR object with a `log`")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut saw_log = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "log" {
                saw_log = true;
                map.next_value_seed(Log {
                    state: &mut *self.state,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        if saw_log {
            Ok(())
        } else {
            Err(de::Error::custom("no `log` member"))
        }
    }
}

struct Log<'s, 'a, H> {
    state: &'s mut State<'a, H>,
}

impl<'de, H: HarHandler> DeserializeSeed<'de> for Log<'_, '_, H> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, H: HarHandler> Visitor<'de> for Log<'_, '_, H> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a HAR `log` object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "entries" {
                map.next_value_seed(Entries {
                    state: &mut *self.state,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

struct Entries<'s, 'a, H> {
    state: &'s mut State<'a, H>,
}

impl<'de, H: HarHandler> DeserializeSeed<'de> for Entries<'_, '_, H> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, H: HarHandler> Visitor<'de> for Entries<'_, '_, H> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of HAR entries")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        loop {
            let index = *self.state.count;
            let seed = EntrySeed {
                state: &mut *self.state,
                index,
            };
            match seq.next_element_seed(seed)? {
                Some(entry) => {
                    self.state.handler.entry(index, entry);
                    *self.state.count += 1;
                }
                None => return Ok(()),
            }
        }
    }
}

/// One entry, its messages handed over as they are read.
struct EntrySeed<'s, 'a, H> {
    state: &'s mut State<'a, H>,
    index: u64,
}

impl<'de, H: HarHandler> DeserializeSeed<'de> for EntrySeed<'_, '_, H> {
    type Value = HarEntry;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<HarEntry, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, H: HarHandler> Visitor<'de> for EntrySeed<'_, '_, H> {
    type Value = HarEntry;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a HAR entry")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<HarEntry, A::Error> {
        let mut entry = HarEntry::default();
        let mut saw_request = false;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "request" => {
                    entry.request = map.next_value()?;
                    saw_request = true;
                }
                "response" => entry.response = map.next_value()?,
                "_resourceType" => entry.resource_type = map.next_value()?,
                "_webSocketMessages" => {
                    let request = saw_request.then_some(&entry.request);
                    let wanted = self.state.handler.wants_messages(self.index, request);
                    map.next_value_seed(Messages {
                        state: &mut *self.state,
                        index: self.index,
                        wanted,
                    })?;
                    entry.web_socket_messages = Some(Vec::new());
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(entry)
    }
}

/// `_webSocketMessages`, one message at a time, each under the message limit.
struct Messages<'s, 'a, H> {
    state: &'s mut State<'a, H>,
    index: u64,
    wanted: bool,
}

impl<'de, H: HarHandler> DeserializeSeed<'de> for Messages<'_, '_, H> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, H: HarHandler> Visitor<'de> for Messages<'_, '_, H> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of WebSocket messages")
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        if !self.wanted {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(());
        }
        let meter = self.state.meter;
        loop {
            let start = meter.pos.get();
            meter.cut.set(false);
            meter
                .limit_at
                .set(start.saturating_add(self.state.max_message).max(1));
            let next = seq.next_element::<HarMessage>();
            meter.limit_at.set(0);
            let Some(message) = next? else {
                return Ok(());
            };
            let over = meter.cut.get().then(|| meter.pos.get() - start);
            self.state.handler.message(self.index, message, over);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_into_path_and_query() {
        let (p, q) = split_url("http://127.0.0.1:8080/api/tasks?project_id=p%201&limit=5#x");
        assert_eq!(p, "/api/tasks");
        assert_eq!(
            q,
            [
                ("project_id".into(), "p 1".into()),
                ("limit".into(), "5".into())
            ]
        );
        assert_eq!(split_url("ws://h/ws").0, "/ws");
    }

    #[test]
    fn times_in_seconds_and_milliseconds_agree() {
        let chrome = HarMessage {
            time: 1_763_913_600.25,
            ..HarMessage::default()
        };
        let playwright = HarMessage {
            time: 1_763_913_600_250.0,
            ..HarMessage::default()
        };
        assert!((chrome.time_ms() - playwright.time_ms()).abs() < 1e-3);
    }

    #[test]
    fn streams_entries_and_reports_garbage() {
        let har = r#"{"log": {"version": "1.2", "creator": {"name": "x"}, "entries": [
            {"request": {"method": "GET", "url": "http://h/api/projects"}, "response": {"status": 200, "content": {"text": "[]"}}},
            {"request": {"method": "GET", "url": "ws://h/ws"}, "response": {"status": 101},
             "_webSocketMessages": [{"type": "send", "time": 1.5, "opcode": 1, "data": "{}"}]}
        ]}}"#;
        let mut seen = Vec::new();
        let n = read_entries(har.as_bytes(), |i, e| seen.push((i, e.is_websocket()))).unwrap();
        assert_eq!(n, 2);
        assert_eq!(seen, [(0, false), (1, true)]);
        assert!(read_entries(&b"{\"log\": {\"entries\": [1]}}"[..], |_, _| {}).is_err());
        assert!(read_entries(&b"[]"[..], |_, _| {}).is_err());
    }

    #[test]
    fn a_message_over_the_limit_is_cut_where_the_json_stays_valid() {
        struct Seen(Vec<(String, Option<u64>)>);
        impl HarHandler for Seen {
            fn wants_messages(&mut self, _: u64, _: Option<&HarRequest>) -> bool {
                true
            }
            fn message(&mut self, _: u64, m: HarMessage, over: Option<u64>) {
                self.0.push((m.data, over));
            }
            fn entry(&mut self, _: u64, _: HarEntry) {}
        }
        let data = r#"a\"b\\c\u00e9\ud83d\ude00dé€😀\n\"z"#;
        let har = format!(
            r#"{{"log": {{"entries": [{{"_webSocketMessages": [{{"type": "send", "data": "{data}"}}, {{"type": "send", "data": "ok"}}]}}]}}}}"#
        );
        let whole: String = serde_json::from_str(&format!("\"{data}\"")).unwrap();
        // wherever the limit falls, the file still reads, and the message says it was cut
        for limit in 1..data.len() + 40 {
            let mut seen = Seen(Vec::new());
            read_entries_streaming(har.as_bytes(), limit, &mut seen)
                .unwrap_or_else(|e| panic!("limit {limit}: {e}"));
            assert_eq!(seen.0.len(), 2, "limit {limit}");
            let (cut, over) = &seen.0[0];
            assert!(whole.starts_with(cut.as_str()), "limit {limit}: {cut:?}");
            assert_eq!(over.is_some(), cut != &whole, "limit {limit}");
            if limit >= 40 {
                assert_eq!(seen.0[1], ("ok".to_owned(), None));
            }
        }
    }
}

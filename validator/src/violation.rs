//! What a check finds: a [`Violation`] says where (source, connection, frame, pointer), what
//! (the rule and the schema keyword), and why, in a sentence a person understands.
//!
//! Whatever a frame holds, a violation stays small: its message is cut at
//! [`MAX_MESSAGE_BYTES`] and its excerpt at [`MAX_EXCERPT_BYTES`] (on a character boundary,
//! with a marker saying how much was left out). A schema error about an object of a million
//! members names them all; the report does not need to.

use serde::Serialize;

use frameproof_schema::Direction;

use crate::rule::Rule;

/// How much a violation matters: errors fail `frameproof validate`, warnings only with
/// `--deny-warnings`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Allowed but suspect (e.g. a deprecated action still in use).
    Warning,
    /// The frame or exchange breaks the contract.
    Error,
}

/// Where a frame came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The capture file, `<stdin>`, or `live` for the proxy.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub file: String,
    /// 1-based line in a JSONL file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// 0-based entry index in a HAR file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub har_entry: Option<u64>,
    /// The connection as the capture names it (a transcript's `conn`), `rest#<n>` or `rpc#<n>`
    /// for the n-th REST or RPC exchange; empty when the violation belongs to none.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub connection: String,
    /// 0-based index of the frame within its connection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frame: Option<u64>,
}

/// One broken rule: which, where, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// A stable rule id, e.g. `payload.schema`, `session.unknown_response_id`.
    pub rule: Rule,
    /// Whether it fails the run ([`Severity`]).
    pub severity: Severity,
    /// Where the frame came from; serialized inline with the violation's other fields.
    #[serde(flatten)]
    pub location: Location,
    /// Which way the frame travelled; `None` when not known (a REST exchange, a capture-level
    /// problem).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    /// The action or event concerned, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// JSON pointer into the frame (or the REST body) of the offending value.
    pub pointer: String,
    /// The JSON Schema keyword that failed, when a schema failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keyword: Option<String>,
    /// At most [`MAX_MESSAGE_BYTES`] (set it with [`Violation::set_message`] to keep that).
    pub message: String,
    /// The offending value, shortened (at most [`MAX_EXCERPT_BYTES`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<String>,
}

impl Violation {
    /// A violation with no location, direction, item, keyword or excerpt; the message is cut at
    /// `MAX_MESSAGE_BYTES`.
    pub fn new(
        rule: Rule,
        severity: Severity,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Violation {
            rule,
            severity,
            location: Location::default(),
            direction: None,
            item: None,
            pointer: pointer.into(),
            keyword: None,
            message: cap(message.into(), MAX_MESSAGE_BYTES),
            excerpt: None,
        }
    }

    /// Replaces the message, cut at [`MAX_MESSAGE_BYTES`].
    pub fn set_message(&mut self, message: impl Into<String>) {
        self.message = cap(message.into(), MAX_MESSAGE_BYTES);
    }

    /// Sets the excerpt from text already shortened for a person, cut at [`MAX_EXCERPT_BYTES`].
    pub fn set_excerpt(&mut self, text: impl Into<String>) {
        self.excerpt = Some(cap(text.into(), MAX_EXCERPT_BYTES));
    }

    /// [`Violation::new`] with [`Severity::Error`].
    pub fn error(rule: Rule, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Violation::new(rule, Severity::Error, pointer, message)
    }

    /// [`Violation::new`] with [`Severity::Warning`].
    pub fn warning(rule: Rule, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Violation::new(rule, Severity::Warning, pointer, message)
    }

    /// Names the action or event the violation is about.
    pub fn with_item(mut self, item: impl Into<String>) -> Self {
        self.item = Some(item.into());
        self
    }

    /// Adds a shortened copy of the offending value (at most `MAX_EXCERPT_BYTES`).
    pub fn with_excerpt(mut self, value: &serde_json::Value) -> Self {
        self.set_excerpt(excerpt(value));
        self
    }

    /// [`Violation::with_excerpt`] for a value written out in place (one on a tape).
    pub(crate) fn with_excerpt_of<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        self.set_excerpt(excerpt_of(value));
        self
    }
}

/// The longest message a violation carries, in bytes, marker included.
pub(crate) const MAX_MESSAGE_BYTES: usize = 1024;
/// The longest excerpt a violation carries, in bytes, marker included.
pub(crate) const MAX_EXCERPT_BYTES: usize = 512;

/// Room kept for the marker `… (N more bytes)`.
const MARKER_ROOM: usize = 32;

/// `text` when it fits in `max` bytes; otherwise its start, cut on a character boundary, and
/// `… (N more bytes)`, `max` bytes at most in all.
pub(crate) fn cap(mut text: String, max: usize) -> String {
    if text.len() <= max {
        return text;
    }
    let mut cut = max.saturating_sub(MARKER_ROOM);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let more = text.len() - cut;
    text.truncate(cut);
    text.push_str(&format!("… ({more} more bytes)"));
    text
}

/// A value as compact JSON, cut to 80 characters. Only the start of the value is written out,
/// so a huge value costs no more than a small one.
pub(crate) fn excerpt(value: &serde_json::Value) -> String {
    excerpt_of(value)
}

/// [`excerpt`] of anything that serializes as JSON (a value on a tape, written out in place).
pub(crate) fn excerpt_of<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Bounded {
        text: Vec::new(),
        max: 80 * 4 + 4,
    };
    // a full buffer stops the writer with an error: what was written is what is wanted
    let _ = serde_json::to_writer(&mut out, value);
    shorten(&String::from_utf8_lossy(&out.text), 80)
}

/// A writer that takes `max` bytes and then refuses more.
struct Bounded {
    text: Vec<u8>,
    max: usize,
}

impl std::io::Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let room = self.max.saturating_sub(self.text.len());
        if room == 0 {
            return Err(std::io::Error::other("excerpt full"));
        }
        let n = room.min(buf.len());
        self.text.extend_from_slice(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub(crate) fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_owned(),
        Some(_) => {
            let cut: String = text.chars().take(max.saturating_sub(1)).collect();
            format!("{cut}…")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_excerpts_are_capped_on_a_char_boundary() {
        let names: Vec<String> = (0..100_000).map(|i| format!("`k{i}é`")).collect();
        let v = Violation::error(Rule::PayloadSchema, "", names.join(", "));
        assert!(v.message.len() <= MAX_MESSAGE_BYTES, "{}", v.message.len());
        assert!(v.message.starts_with("`k0é`, `k1é`"));
        let total: usize = names.iter().map(String::len).sum::<usize>() + 2 * (names.len() - 1);
        let kept = v.message.find('…').expect("a marker");
        assert!(
            v.message
                .ends_with(&format!("… ({} more bytes)", total - kept)),
            "{}",
            &v.message[kept..]
        );
        let mut w = Violation::warning(Rule::Deprecated, "", "short");
        assert_eq!(w.message, "short");
        w.set_message("é".repeat(4000));
        assert!(w.message.len() <= MAX_MESSAGE_BYTES);
        w.set_excerpt("ü".repeat(4000));
        assert!(w
            .excerpt
            .as_deref()
            .is_some_and(|e| e.len() <= MAX_EXCERPT_BYTES));
        // an excerpt of a huge value writes only its start
        let big = serde_json::Value::Array((0..1_000_000).map(serde_json::Value::from).collect());
        let e = excerpt(&big);
        assert_eq!(e.chars().count(), 80);
        assert!(e.starts_with("[0,1,2,3"));
    }
}

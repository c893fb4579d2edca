//! A frame parsed without building owned values: one flat vector of slots whose strings point
//! back into the frame's text. A session keeps one tape and reuses it, so once its buffers have
//! grown, parsing a frame allocates nothing. The tape is validated in place through
//! `jsonschema`'s `Json` trait; an owned `serde_json::Value` is built only on the cold paths
//! (excerpts in violations, the `value` of a public [`FrameCheck`](crate::FrameCheck)).
//!
//! serde_json still does the reading (syntax, UTF-8, escapes, numbers), so the tape sees exactly
//! the values an owned parse would; only where they are kept differs.
//!
//! Files: this one (the slots and the tape), `build` (serde_json's visitor writing the tape,
//! duplicate keys and depth), `node` (a value on the tape: lookups, equality, an owned copy),
//! `json` (the tape as a representation `jsonschema` validates).

mod build;
mod json;
mod node;

use serde::de::DeserializeSeed;
use serde_json::{Number, Value};

use build::Build;
pub(crate) use json::TapeJson;
pub(crate) use node::TapeNode;

/// Where a string's bytes are: in the frame's text, or (when it had escapes, or the document
/// came from a `Value`) in the tape's own buffer.
#[derive(Debug, Clone, Copy)]
struct Text {
    start: u32,
    len: u32,
    decoded: bool,
}

#[derive(Debug, Clone)]
enum Slot {
    Null,
    Bool(bool),
    Number(Number),
    String(Text),
    /// A member name; the member's value follows it.
    Key(Text),
    /// `end` is the index one past the container's last slot.
    Array {
        len: u32,
        end: u32,
    },
    Object {
        len: u32,
        end: u32,
    },
}

/// Reusable storage for parsed frames.
#[derive(Debug, Default)]
pub(crate) struct Tape {
    slots: Vec<Slot>,
    decoded: String,
    /// Scratch: the names of the objects being read, innermost last.
    names: Vec<Text>,
}

/// What a tape keeps after it gives back grown buffers: enough for the frames of a chat.
const KEPT_SLOTS: usize = 256;
const KEPT_DECODED: usize = 1024;
const KEPT_NAMES: usize = 32;

/// A parsed document: the tape and the text its strings point into.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Doc<'a> {
    text: &'a str,
    tape: &'a Tape,
}

/// Why a text could not go on the tape.
#[derive(Debug)]
pub(crate) enum TapeError {
    /// serde_json's own error (syntax, numbers, depth, duplicate keys).
    Json(serde_json::Error),
    /// Offsets are 32-bit: a text over 4 GiB cannot be indexed.
    TooLarge,
}

impl Tape {
    /// Parses `text`, replacing what the tape held. Objects that name a key twice and nesting
    /// deeper than `max_depth` are errors, as in the owned parse.
    pub(crate) fn parse<'a>(
        &'a mut self,
        text: &'a str,
        max_depth: usize,
    ) -> Result<Doc<'a>, TapeError> {
        if u32::try_from(text.len()).is_err() {
            return Err(TapeError::TooLarge);
        }
        self.slots.clear();
        self.decoded.clear();
        self.names.clear();
        let mut de = serde_json::Deserializer::from_str(text);
        let seed = Build {
            tape: self,
            text,
            depth: 0,
            max_depth,
        };
        seed.deserialize(&mut de)
            .and_then(|()| de.end())
            .map_err(TapeError::Json)?;
        Ok(Doc { text, tape: self })
    }

    /// Bytes the tape's buffers hold (their capacity), whatever they now contain.
    pub(crate) fn capacity_bytes(&self) -> usize {
        self.slots.capacity() * std::mem::size_of::<Slot>()
            + self.decoded.capacity()
            + self.names.capacity() * std::mem::size_of::<Text>()
    }

    /// Keeps the buffers while they are small (reused, a frame parses without allocating);
    /// past `max` bytes they are emptied and given back, so a session that once carried a big
    /// frame does not hold its size while it idles.
    pub(crate) fn shrink_past(&mut self, max: usize) {
        if self.capacity_bytes() <= max {
            return;
        }
        self.slots.clear();
        self.decoded.clear();
        self.names.clear();
        self.slots.shrink_to(KEPT_SLOTS);
        self.decoded.shrink_to(KEPT_DECODED);
        self.names.shrink_to(KEPT_NAMES);
    }

    /// Puts an owned value on the tape (for REST bodies, which arrive as values).
    pub(crate) fn load(&mut self, value: &Value) -> Doc<'_> {
        self.slots.clear();
        self.decoded.clear();
        self.push_value(value);
        Doc {
            text: "",
            tape: self,
        }
    }

    fn push_value(&mut self, value: &Value) {
        match value {
            Value::Null => self.slots.push(Slot::Null),
            Value::Bool(b) => self.slots.push(Slot::Bool(*b)),
            Value::Number(n) => self.slots.push(Slot::Number(n.clone())),
            Value::String(s) => {
                let t = self.decode(s);
                self.slots.push(Slot::String(t));
            }
            Value::Array(items) => {
                let at = self.open();
                for item in items {
                    self.push_value(item);
                }
                self.close_array(at, items.len());
            }
            Value::Object(map) => {
                let at = self.open();
                for (k, v) in map {
                    let t = self.decode(k);
                    self.slots.push(Slot::Key(t));
                    self.push_value(v);
                }
                self.close_object(at, map.len());
            }
        }
    }

    fn decode(&mut self, s: &str) -> Text {
        let start = offset(self.decoded.len());
        self.decoded.push_str(s);
        Text {
            start,
            len: offset(s.len()),
            decoded: true,
        }
    }

    fn open(&mut self) -> usize {
        self.slots.push(Slot::Null);
        self.slots.len() - 1
    }

    fn close_array(&mut self, at: usize, len: usize) {
        let end = offset(self.slots.len());
        self.slots[at] = Slot::Array {
            len: offset(len),
            end,
        };
    }

    fn close_object(&mut self, at: usize, len: usize) {
        let end = offset(self.slots.len());
        self.slots[at] = Slot::Object {
            len: offset(len),
            end,
        };
    }
}

/// Slot indices and string offsets fit in 32 bits: texts over 4 GiB are refused before parsing,
/// and a text of n bytes makes at most n slots.
fn offset(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Byte equality inlined for the short strings member names are (`==` calls `memcmp`).
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// The index of the slot after the value at `at` (and everything under it).
fn after(slots: &[Slot], at: usize) -> usize {
    match slots.get(at) {
        Some(Slot::Array { end, .. } | Slot::Object { end, .. }) => *end as usize,
        _ => at + 1,
    }
}

fn str_of<'a>(text: &'a str, decoded: &'a str, t: Text) -> &'a str {
    let (start, end) = (t.start as usize, t.start as usize + t.len as usize);
    let source = if t.decoded { decoded } else { text };
    source.get(start..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(text: &str) -> Result<Value, String> {
        let mut tape = Tape::default();
        match tape.parse(text, 64) {
            Ok(doc) => Ok(doc.root().to_value()),
            Err(TapeError::Json(e)) => Err(e.to_string()),
            Err(TapeError::TooLarge) => Err("too large".into()),
        }
    }

    #[test]
    fn round_trips_like_serde_json() {
        for text in [
            r#"{"a": [1, -2, 3.5, 1e300, 18446744073709551615, -9223372036854775808], "b": {"c": null, "d": true, "e": false}}"#,
            r#"["esc\"aped\n", "\u00e9t\u00e9", "plain", "", {"k\u0041y": "v"}]"#,
            r#"123456789012345678901234567890"#,
            r#"[[[[]]], {}, [{}], {"x": [[], {}]}]"#,
            r#""just a string""#,
        ] {
            let reference: Value = serde_json::from_str(text).unwrap();
            assert_eq!(parse(text).unwrap(), reference, "{text}");
        }
    }

    #[test]
    fn refuses_what_the_strict_parse_refuses() {
        assert!(parse(r#"{"a": 1, "a": 2}"#)
            .unwrap_err()
            .starts_with("duplicate key `a`"));
        // an escaped spelling of the same name is the same name
        assert!(parse(r#"{"a": 1, "\u0061": 2}"#).is_err());
        let many: Vec<String> = (0..40).map(|i| format!("\"k{}\": {i}", i % 39)).collect();
        assert!(parse(&format!("{{{}}}", many.join(","))).is_err());
        let distinct: Vec<String> = (0..40).map(|i| format!("\"k{i}\": {i}")).collect();
        assert!(parse(&format!("{{{}}}", distinct.join(","))).is_ok());
        assert!(parse(&("[".repeat(65) + &"]".repeat(65))).is_err());
        assert!(parse(&("[".repeat(64) + &"]".repeat(64))).is_ok());
        assert!(parse("1e400").is_err());
        assert!(parse("{\"a\": 1} x").is_err());
    }

    #[test]
    fn lookups() {
        let mut tape = Tape::default();
        let doc = tape
            .parse(r#"{"id": "7", "p": {"list": [10, {"x": "y"}]}}"#, 64)
            .unwrap();
        let root = doc.root();
        assert_eq!(root.member("id").and_then(|n| n.str()), Some("7"));
        let segs = [
            "p".to_owned(),
            "list".to_owned(),
            "1".to_owned(),
            "x".to_owned(),
        ];
        assert_eq!(root.get(&segs).and_then(|n| n.str()), Some("y"));
        assert_eq!(
            root.pointer("/p/list/0").map(|n| n.to_value()),
            Some(json!(10))
        );
        assert!(root.pointer("/p/list/2").is_none());
        assert!(root.pointer("/id/x").is_none());
        assert!(root
            .member("p")
            .unwrap()
            .equals(&json!({"list": [10, {"x": "y"}]})));
        assert!(root.pointer("/p/list/0").unwrap().equals(&json!(10.0)));
    }

    #[test]
    fn meets_the_representation_contract() {
        let mut tape = Tape::default();
        let text = jsonschema::json::conformance::document().to_string();
        let doc = tape.parse(&text, 64).unwrap();
        jsonschema::json::conformance::assert_conformance::<TapeJson>(&doc.root());
        let mut loaded = Tape::default();
        let doc = loaded.load(&jsonschema::json::conformance::document());
        jsonschema::json::conformance::assert_conformance::<TapeJson>(&doc.root());
    }
}

//! A frame parsed without building owned values: one flat vector of slots whose strings point
//! back into the frame's text. A session keeps one tape and reuses it, so once its buffers have
//! grown, parsing a frame allocates nothing. The tape is validated in place through
//! `jsonschema`'s `Json` trait; an owned `serde_json::Value` is built only on the cold paths
//! (excerpts in violations, the `value` of a public [`FrameCheck`](crate::FrameCheck)).
//!
//! serde_json still does the reading (syntax, UTF-8, escapes, numbers), so the tape sees exactly
//! the values an owned parse would; only where they are kept differs.

use std::borrow::Cow;
use std::fmt;

use jsonschema::json::{cmp, Array, Json, Node, NodeIdentity, Object};
use jsonschema::types::JsonType;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

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

/// The serde visitor that writes one value (and everything under it) onto the tape.
struct Build<'t, 's> {
    tape: &'t mut Tape,
    text: &'s str,
    depth: usize,
    max_depth: usize,
}

impl<'s> Build<'_, 's> {
    fn child<E: de::Error>(&mut self) -> Result<Build<'_, 's>, E> {
        if self.depth >= self.max_depth {
            return Err(E::custom("nesting over the depth limit"));
        }
        Ok(Build {
            tape: self.tape,
            text: self.text,
            depth: self.depth + 1,
            max_depth: self.max_depth,
        })
    }

    /// A string serde_json handed over: borrowed from the text when it had no escapes.
    fn text(&mut self, s: &str, borrowed: bool) -> Text {
        let start = (s.as_ptr() as usize).wrapping_sub(self.text.as_ptr() as usize);
        if borrowed && start <= self.text.len() && s.len() <= self.text.len() - start {
            return Text {
                start: offset(start),
                len: offset(s.len()),
                decoded: false,
            };
        }
        self.tape.decode(s)
    }

    fn push(&mut self, slot: Slot) {
        self.tape.slots.push(slot);
    }
}

impl<'de> DeserializeSeed<'de> for Build<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Build<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(mut self, v: bool) -> Result<(), E> {
        self.push(Slot::Bool(v));
        Ok(())
    }
    fn visit_i64<E>(mut self, v: i64) -> Result<(), E> {
        self.push(Slot::Number(Number::from(v)));
        Ok(())
    }
    fn visit_u64<E>(mut self, v: u64) -> Result<(), E> {
        self.push(Slot::Number(Number::from(v)));
        Ok(())
    }
    fn visit_f64<E: de::Error>(mut self, v: f64) -> Result<(), E> {
        let n = Number::from_f64(v).ok_or_else(|| E::custom("number out of range"))?;
        self.push(Slot::Number(n));
        Ok(())
    }
    fn visit_borrowed_str<E>(mut self, v: &'de str) -> Result<(), E> {
        let t = self.text(v, true);
        self.push(Slot::String(t));
        Ok(())
    }
    fn visit_str<E>(mut self, v: &str) -> Result<(), E> {
        let t = self.text(v, false);
        self.push(Slot::String(t));
        Ok(())
    }
    fn visit_unit<E>(mut self) -> Result<(), E> {
        self.push(Slot::Null);
        Ok(())
    }
    fn visit_none<E>(mut self) -> Result<(), E> {
        self.push(Slot::Null);
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        let at = self.tape.open();
        let mut len = 0usize;
        loop {
            let child = self.child()?;
            if seq.next_element_seed(child)?.is_none() {
                break;
            }
            len += 1;
        }
        self.tape.close_array(at, len);
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let at = self.tape.open();
        let base = self.tape.names.len();
        let mut len = 0usize;
        let mut seen = Seen::default();
        while let Some((key, bit)) = map.next_key_seed(KeySeed { build: &mut self })? {
            let child = self.child()?;
            map.next_value_seed(child)?;
            if let Some(name) = seen.repeated(self.tape, self.text, key, bit, base, len) {
                return Err(de::Error::custom(format!(
                    "duplicate key `{}`",
                    crate::violation::shorten(&name, 40)
                )));
            }
            len += 1;
        }
        self.tape.names.truncate(base);
        self.tape.close_object(at, len);
        Ok(())
    }
}

/// Writes a member name.
struct KeySeed<'b, 't, 's> {
    build: &'b mut Build<'t, 's>,
}

/// A member name as written: where it is, and its bit in [`Seen`]'s mask.
type Name = (Text, u64);

impl<'de> DeserializeSeed<'de> for KeySeed<'_, '_, '_> {
    type Value = Name;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Name, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_, '_, '_> {
    type Value = Name;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a member name")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Name, E> {
        let t = self.build.text(v, true);
        self.build.push(Slot::Key(t));
        Ok((t, mask_bit(v.as_bytes())))
    }
    fn visit_str<E>(self, v: &str) -> Result<Name, E> {
        let t = self.build.text(v, false);
        self.build.push(Slot::Key(t));
        Ok((t, mask_bit(v.as_bytes())))
    }
}

/// The names of the object being read, to refuse one named twice as soon as it is read. The
/// first names go on the tape's scratch stack behind a 64-bit mask of (length, first byte, last
/// byte), so a name is compared in full only with earlier names that share those; past them, a
/// set of names is kept (allocated only for objects that large).
#[derive(Default)]
struct Seen {
    mask: u64,
    names: Option<std::collections::HashSet<String>>,
}

fn mask_bit(name: &[u8]) -> u64 {
    let first = name.first().copied().unwrap_or(0) as usize;
    let last = name.last().copied().unwrap_or(0) as usize;
    1 << ((name.len() * 7 + first * 3 + last) % 64)
}

/// Byte equality inlined for the short strings member names are (`==` calls `memcmp`).
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

impl Seen {
    const INLINE: usize = 16;

    /// The name `t`, when one of the `before` members read earlier (their names from `base` on
    /// the tape's scratch stack) has it too.
    #[inline]
    #[allow(clippy::too_many_arguments)]
    fn repeated(
        &mut self,
        tape: &mut Tape,
        text: &str,
        t: Text,
        bit: u64,
        base: usize,
        before: usize,
    ) -> Option<String> {
        if before < Self::INLINE && self.mask & bit == 0 {
            // the common case: no earlier name shares the bit
            self.mask |= bit;
            tape.names.push(t);
            return None;
        }
        let name = str_of(text, &tape.decoded, t);
        if before < Self::INLINE {
            let clash = tape.names[base..].iter().any(|b| {
                b.len == t.len && same(str_of(text, &tape.decoded, *b).as_bytes(), name.as_bytes())
            });
            self.mask |= bit;
            tape.names.push(t);
            return clash.then(|| name.to_owned());
        }
        let names = self.names.get_or_insert_with(|| {
            tape.names[base..]
                .iter()
                .map(|b| str_of(text, &tape.decoded, *b).to_owned())
                .collect()
        });
        (!names.insert(name.to_owned())).then(|| name.to_owned())
    }
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

impl<'a> Doc<'a> {
    pub(crate) fn root(self) -> TapeNode<'a> {
        TapeNode { doc: self, at: 0 }
    }
}

/// One value on a tape. Cheap to copy.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TapeNode<'a> {
    doc: Doc<'a>,
    at: u32,
}

impl<'a> TapeNode<'a> {
    fn slot(&self) -> &'a Slot {
        // every node is made at an index of its tape; `Null` keeps this total
        self.doc
            .tape
            .slots
            .get(self.at as usize)
            .unwrap_or(&Slot::Null)
    }

    fn at(&self, at: usize) -> TapeNode<'a> {
        TapeNode {
            doc: self.doc,
            at: offset(at),
        }
    }

    fn text(&self, t: Text) -> &'a str {
        str_of(self.doc.text, &self.doc.tape.decoded, t)
    }

    /// The string, when this is one.
    pub(crate) fn str(&self) -> Option<&'a str> {
        match self.slot() {
            Slot::String(t) => Some(self.text(*t)),
            _ => None,
        }
    }

    pub(crate) fn is_null_value(&self) -> bool {
        matches!(self.slot(), Slot::Null)
    }

    pub(crate) fn is_str(&self) -> bool {
        matches!(self.slot(), Slot::String(_))
    }

    pub(crate) fn i64(&self) -> Option<i64> {
        match self.slot() {
            Slot::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    /// A member of an object.
    pub(crate) fn member(&self, name: &str) -> Option<TapeNode<'a>> {
        let Slot::Object { len, .. } = self.slot() else {
            return None;
        };
        let mut key = self.at as usize + 1;
        for _ in 0..*len {
            let Some(Slot::Key(t)) = self.doc.tape.slots.get(key) else {
                return None;
            };
            if t.len as usize == name.len() && same(self.text(*t).as_bytes(), name.as_bytes()) {
                return Some(self.at(key + 1));
            }
            key = after(&self.doc.tape.slots, key + 1);
        }
        None
    }

    /// The `i`th element of an array.
    fn element(&self, i: usize) -> Option<TapeNode<'a>> {
        let Slot::Array { len, .. } = self.slot() else {
            return None;
        };
        if i >= *len as usize {
            return None;
        }
        let mut at = self.at as usize + 1;
        for _ in 0..i {
            at = after(&self.doc.tape.slots, at);
        }
        Some(self.at(at))
    }

    /// The value at a parsed JSON pointer (as `frameproof_schema::pointer::get` on a `Value`).
    pub(crate) fn get(&self, segments: &[String]) -> Option<TapeNode<'a>> {
        segments
            .iter()
            .try_fold(*self, |node, seg| match node.slot() {
                Slot::Object { .. } => node.member(seg),
                Slot::Array { .. } => seg.parse::<usize>().ok().and_then(|i| node.element(i)),
                _ => None,
            })
    }

    /// The value at a JSON pointer in text form.
    pub(crate) fn pointer(&self, pointer: &str) -> Option<TapeNode<'a>> {
        let segments = frameproof_schema::pointer::segments(pointer).ok()?;
        self.get(&segments)
    }

    /// Whether this value equals `expected` (numbers compare mathematically, as in `const`).
    pub(crate) fn equals(&self, expected: &Value) -> bool {
        match (self.slot(), expected) {
            (Slot::Null, Value::Null) => true,
            (Slot::Bool(a), Value::Bool(b)) => a == b,
            (Slot::Number(a), Value::Number(b)) => cmp::equal_numbers(a, b),
            (Slot::String(t), Value::String(b)) => self.text(*t) == b,
            (Slot::Array { .. }, Value::Array(_)) | (Slot::Object { .. }, Value::Object(_)) => {
                cmp::equal(&self.to_value(), expected)
            }
            _ => false,
        }
    }

    /// An owned copy, for the cold paths.
    pub(crate) fn to_value(self) -> Value {
        match self.slot() {
            Slot::Null | Slot::Key(_) => Value::Null,
            Slot::Bool(b) => Value::Bool(*b),
            Slot::Number(n) => Value::Number(n.clone()),
            Slot::String(t) => Value::String(self.text(*t).to_owned()),
            Slot::Array { .. } => Value::Array(self.items().map(|n| n.to_value()).collect()),
            Slot::Object { .. } => {
                let mut map = Map::new();
                for (k, v) in self.entries() {
                    map.insert(k.to_owned(), v.to_value());
                }
                Value::Object(map)
            }
        }
    }

    pub(crate) fn items(&self) -> Items<'a> {
        let left = match self.slot() {
            Slot::Array { len, .. } => *len as usize,
            _ => 0,
        };
        Items {
            node: *self,
            next: self.at as usize + 1,
            left,
        }
    }

    fn entries(&self) -> Entries<'a> {
        let left = match self.slot() {
            Slot::Object { len, .. } => *len as usize,
            _ => 0,
        };
        Entries {
            node: *self,
            next: self.at as usize + 1,
            left,
        }
    }
}

/// The elements of an array.
#[derive(Clone)]
pub(crate) struct Items<'a> {
    node: TapeNode<'a>,
    next: usize,
    left: usize,
}

impl<'a> Iterator for Items<'a> {
    type Item = TapeNode<'a>;
    fn next(&mut self) -> Option<TapeNode<'a>> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let node = self.node.at(self.next);
        self.next = after(&self.node.doc.tape.slots, self.next);
        Some(node)
    }
}

/// The members of an object: name and value.
#[derive(Clone)]
pub(crate) struct Entries<'a> {
    node: TapeNode<'a>,
    next: usize,
    left: usize,
}

impl<'a> Iterator for Entries<'a> {
    type Item = (&'a str, TapeNode<'a>);
    fn next(&mut self) -> Option<(&'a str, TapeNode<'a>)> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let Some(Slot::Key(t)) = self.node.doc.tape.slots.get(self.next) else {
            self.left = 0;
            return None;
        };
        let name = self.node.text(*t);
        let value = self.node.at(self.next + 1);
        self.next = after(&self.node.doc.tape.slots, self.next + 1);
        Some((name, value))
    }
}

/// The tape as a JSON representation `jsonschema` validates in place.
pub(crate) struct TapeJson;

impl Json for TapeJson {
    type Node<'a> = TapeNode<'a>;
    type PreparedKey = String;
    // a member lookup scans the object's names, like a members pass does
    const KEYS_PER_LOOKUP: usize = 4;
    const ACYCLIC: bool = true;
    type StringBuffer = Tape;

    fn prepare_key(key: &str) -> String {
        key.to_owned()
    }

    fn with_string_node<T>(
        buffer: &mut Tape,
        string: &str,
        f: impl FnOnce(TapeNode<'_>) -> T,
    ) -> T {
        buffer.slots.clear();
        buffer.decoded.clear();
        let t = buffer.decode(string);
        buffer.slots.push(Slot::String(t));
        f(Doc {
            text: "",
            tape: buffer,
        }
        .root())
    }
}

impl<'a> Node<'a, TapeJson> for TapeNode<'a> {
    type Object = TapeNode<'a>;
    type Array = TapeNode<'a>;
    type Number = &'a Number;

    fn as_object(&self) -> Option<TapeNode<'a>> {
        matches!(self.slot(), Slot::Object { .. }).then_some(*self)
    }

    fn as_array(&self) -> Option<TapeNode<'a>> {
        matches!(self.slot(), Slot::Array { .. }).then_some(*self)
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        self.str().map(Cow::Borrowed)
    }

    fn as_number(&self) -> Option<&'a Number> {
        match self.slot() {
            Slot::Number(n) => Some(n),
            _ => None,
        }
    }

    fn as_boolean(&self) -> Option<bool> {
        match self.slot() {
            Slot::Bool(b) => Some(*b),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        self.is_null_value()
    }

    fn json_type(&self) -> JsonType {
        match self.slot() {
            Slot::Null | Slot::Key(_) => JsonType::Null,
            Slot::Bool(_) => JsonType::Boolean,
            Slot::Number(_) => JsonType::Number,
            Slot::String(_) => JsonType::String,
            Slot::Array { .. } => JsonType::Array,
            Slot::Object { .. } => JsonType::Object,
        }
    }

    fn string_length(&self) -> Option<u64> {
        self.str().map(|s| s.chars().count() as u64)
    }

    fn equals_value(&self, expected: &Value) -> bool {
        self.equals(expected)
    }

    fn to_value(&self) -> Cow<'a, Value> {
        Cow::Owned(TapeNode::to_value(*self))
    }

    fn identity(&self) -> Option<NodeIdentity> {
        Some(NodeIdentity::tagged(
            std::ptr::from_ref::<Tape>(self.doc.tape) as usize,
            self.at,
        ))
    }
}

impl<'a> Object<'a, TapeJson> for TapeNode<'a> {
    type Node = TapeNode<'a>;
    type MemberName = &'a str;
    type MembersIter = Entries<'a>;

    fn len(&self) -> usize {
        match self.slot() {
            Slot::Object { len, .. } => *len as usize,
            _ => 0,
        }
    }

    fn get(&self, key: &String) -> Option<TapeNode<'a>> {
        self.member(key)
    }

    fn members(&self) -> Entries<'a> {
        self.entries()
    }
}

impl<'a> Array<'a, TapeJson> for TapeNode<'a> {
    type Node = TapeNode<'a>;
    type ElementsIter = Items<'a>;

    fn len(&self) -> usize {
        match self.slot() {
            Slot::Array { len, .. } => *len as usize,
            _ => 0,
        }
    }

    fn elements(&self) -> Items<'a> {
        self.items()
    }
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

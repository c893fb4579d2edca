//! One value on a tape: member and pointer lookups, equality with a `Value`, an owned copy.

use serde_json::{Map, Value};

use jsonschema::json::cmp;

use super::{after, offset, same, str_of, Doc, Slot, Text};

impl<'a> Doc<'a> {
    pub(crate) fn root(self) -> TapeNode<'a> {
        TapeNode { doc: self, at: 0 }
    }
}

/// One value on a tape. Cheap to copy.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TapeNode<'a> {
    pub(super) doc: Doc<'a>,
    pub(super) at: u32,
}

impl<'a> TapeNode<'a> {
    pub(super) fn slot(&self) -> &'a Slot {
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

    pub(crate) fn is_array(&self) -> bool {
        matches!(self.slot(), Slot::Array { .. })
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

    pub(super) fn entries(&self) -> Entries<'a> {
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

/// Written out in place (for excerpts), without an owned copy.
impl serde::Serialize for TapeNode<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self.slot() {
            Slot::Null | Slot::Key(_) => s.serialize_unit(),
            Slot::Bool(b) => s.serialize_bool(*b),
            Slot::Number(n) => n.serialize(s),
            Slot::String(t) => s.serialize_str(self.text(*t)),
            Slot::Array { len, .. } => {
                let mut seq = s.serialize_seq(Some(*len as usize))?;
                for item in self.items() {
                    seq.serialize_element(&item)?;
                }
                seq.end()
            }
            Slot::Object { len, .. } => {
                let mut map = s.serialize_map(Some(*len as usize))?;
                for (k, v) in self.entries() {
                    map.serialize_entry(k, &v)?;
                }
                map.end()
            }
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

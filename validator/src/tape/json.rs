//! The tape as a JSON representation `jsonschema` validates in place.

use std::borrow::Cow;

use jsonschema::json::{Array, Json, Node, NodeIdentity, Object};
use jsonschema::types::JsonType;
use serde_json::{Number, Value};

use super::node::{Entries, Items, TapeNode};
use super::{Doc, Slot, Tape};

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

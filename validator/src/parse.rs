//! From bytes to a JSON value, safely: size and depth limits first, then a strict parse that
//! reports duplicate keys (which `serde_json::Value` would resolve silently) and invalid UTF-8,
//! never panicking and never holding more than the frame.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::violation::{shorten, Violation};

/// Limits on what one frame may be. Both are settings; frames over them are violations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_frame_bytes: usize,
    /// Nesting depth of arrays and objects (at most 128, serde_json's own bound).
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_frame_bytes: 16 * 1024 * 1024,
            max_depth: 64,
        }
    }
}

/// Parses one text frame. The error is the violation to report.
pub(crate) fn parse_frame(bytes: &[u8], limits: &Limits) -> Result<Value, Box<Violation>> {
    if bytes.len() > limits.max_frame_bytes {
        return Err(Box::new(Violation::error(
            "frame.too_large",
            "",
            format!(
                "the frame is {} bytes, over the {} byte limit",
                bytes.len(),
                limits.max_frame_bytes
            ),
        )));
    }
    // One pass: serde_json checks UTF-8 and syntax, the visitor depth and duplicate keys; the
    // cause of a failure is worked out only for frames that fail.
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let seed = StrictValue {
        depth: 0,
        max: limits.max_depth,
    };
    let value = seed.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    value.map_err(|e| {
        let message = e.to_string();
        if let Some(at) = too_deep(bytes, limits.max_depth) {
            return Box::new(Violation::error(
                "frame.too_deep",
                "",
                format!(
                    "the frame nests deeper than {} levels (at byte {at})",
                    limits.max_depth
                ),
            ));
        }
        if let Err(u) = std::str::from_utf8(bytes) {
            return Box::new(Violation::error(
                "frame.utf8",
                "",
                format!("the frame is not valid UTF-8 (at byte {})", u.valid_up_to()),
            ));
        }
        let (rule, message) = if message.starts_with("duplicate key") {
            ("frame.duplicate_key", message)
        } else {
            ("frame.json", format!("not valid JSON: {message}"))
        };
        let mut v = Violation::error(rule, "", message);
        v.excerpt = Some(shorten(&String::from_utf8_lossy(bytes), 80));
        Box::new(v)
    })
}

/// The byte offset where nesting first exceeds `max`, found without parsing.
fn too_deep(bytes: &[u8], max: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > max {
                    return Some(i);
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Builds a `serde_json::Value`, refusing an object that names one key twice and nesting
/// deeper than the limit.
#[derive(Clone, Copy)]
struct StrictValue {
    depth: usize,
    max: usize,
}

impl StrictValue {
    fn child<E: de::Error>(self) -> Result<StrictValue, E> {
        if self.depth >= self.max {
            return Err(E::custom("nesting over the depth limit"));
        }
        Ok(StrictValue {
            depth: self.depth + 1,
            max: self.max,
        })
    }
}

impl<'de> DeserializeSeed<'de> for StrictValue {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictValue {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("number out of range"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let child = self.child()?;
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(v) = seq.next_element_seed(child)? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let child = self.child()?;
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(child)?;
            if out.insert(key.clone(), value).is_some() {
                return Err(de::Error::custom(format!(
                    "duplicate key `{}`",
                    shorten(&key, 40)
                )));
            }
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(bytes: &[u8]) -> &'static str {
        match parse_frame(bytes, &Limits::default()) {
            Ok(_) => "ok",
            Err(v) => v.rule,
        }
    }

    #[test]
    fn hostile_frames_are_violations() {
        assert_eq!(rule(br#"{"a": 1}"#), "ok");
        assert_eq!(rule(br#"{"a": 1, "a": 2}"#), "frame.duplicate_key");
        assert_eq!(
            rule(br#"{"a": [1, {"b": 1, "b": 2}]}"#),
            "frame.duplicate_key"
        );
        assert_eq!(rule(b"{\"a\": \"\xff\"}"), "frame.utf8");
        assert_eq!(rule(b"{\"a\": 1"), "frame.json");
        assert_eq!(rule(b"1e400"), "frame.json");
        assert_eq!(rule(b"123456789012345678901234567890"), "ok");
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert_eq!(rule(deep.as_bytes()), "frame.too_deep");
        // brackets inside strings do not count
        let s = format!("{{\"a\": \"{}\"}}", "[".repeat(500));
        assert_eq!(rule(s.as_bytes()), "ok");
        let limits = Limits {
            max_frame_bytes: 10,
            max_depth: 64,
        };
        assert_eq!(
            parse_frame(b"[1,2,3,4,5,6,7]", &limits).map_err(|v| v.rule),
            Err("frame.too_large")
        );
    }
}

//! Integer types say their range in the contract. schemars describes a `u32` as
//! `{"type": "integer", "format": "uint32", "minimum": 0}`: the format is not one JSON Schema
//! knows (strict validators such as ajv refuse it) and nothing bounds it above, so `4294967296`
//! would be valid by the contract and refused by the server. This transform replaces the
//! format with the type's whole range (`minimum` and `maximum`, kept where the type's own
//! attributes narrow them) and drops the floating-point formats (`float`, `double`) the same
//! way. Integers wider than JavaScript's exact range are recognised by their bounds
//! ([`is_wider_than_js`]).

use schemars::transform::{transform_subschemas, Transform};
use schemars::Schema;
use serde_json::{json, Value};

/// The range of an integer format schemars writes; `None` for other formats.
fn range_of(format: &str) -> Option<(i128, u128)> {
    Some(match format {
        "int8" => (i8::MIN.into(), i8::MAX as u128),
        "int16" => (i16::MIN.into(), i16::MAX as u128),
        "int32" => (i32::MIN.into(), i32::MAX as u128),
        "int64" | "int" => (i64::MIN.into(), i64::MAX as u128),
        "int128" => (i128::MIN, i128::MAX as u128),
        "uint8" => (0, u8::MAX.into()),
        "uint16" => (0, u16::MAX.into()),
        "uint32" => (0, u32::MAX.into()),
        "uint64" | "uint" => (0, u64::MAX.into()),
        "uint128" => (0, u128::MAX),
        _ => return None,
    })
}

/// A bound as JSON: an integer where it fits in 64 bits, else a float (128-bit types).
fn bound(n: i128) -> Value {
    if let Ok(small) = i64::try_from(n) {
        json!(small)
    } else if let Ok(unsigned) = u64::try_from(n) {
        json!(unsigned)
    } else {
        json!(n as f64)
    }
}

fn upper(n: u128) -> Value {
    match u64::try_from(n) {
        Ok(v) => json!(v),
        Err(_) => json!(n as f64),
    }
}

/// See the module docs.
#[derive(Debug, Clone, Default)]
pub(crate) struct IntegerRanges;

impl Transform for IntegerRanges {
    fn transform(&mut self, schema: &mut Schema) {
        if let Some(obj) = schema.as_object_mut() {
            let format = obj.get("format").and_then(Value::as_str).map(str::to_owned);
            match format.as_deref() {
                Some("float" | "double") => {
                    obj.remove("format");
                }
                Some(f) => {
                    if let Some((min, max)) = range_of(f) {
                        obj.remove("format");
                        let narrower_min = obj
                            .get("minimum")
                            .and_then(Value::as_f64)
                            .is_some_and(|m| m > min as f64);
                        if !narrower_min {
                            obj.insert("minimum".into(), bound(min));
                        }
                        let narrower_max = obj
                            .get("maximum")
                            .and_then(Value::as_f64)
                            .is_some_and(|m| m < max as f64);
                        if !narrower_max {
                            obj.insert("maximum".into(), upper(max));
                        }
                    }
                }
                None => {}
            }
        }
        transform_subschemas(self, schema);
    }
}

/// Whether an integer schema admits values a JavaScript number cannot hold exactly (beyond
/// ±(2^53 − 1)): told by its bounds, or by a 64-bit format a contract may still carry.
pub fn is_wider_than_js(schema: &serde_json::Map<String, Value>) -> bool {
    const SAFE: f64 = 9_007_199_254_740_991.0;
    let beyond =
        |key: &str, out: fn(f64) -> bool| schema.get(key).and_then(Value::as_f64).is_some_and(out);
    let by_format = schema
        .get("format")
        .and_then(Value::as_str)
        .and_then(range_of)
        .is_some_and(|(min, max)| (min as f64) < -SAFE || (max as f64) > SAFE);
    by_format || beyond("maximum", |m| m > SAFE) || beyond("minimum", |m| m < -SAFE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranged(v: Value) -> Value {
        let mut schema = Schema::try_from(v).expect("an object");
        IntegerRanges.transform(&mut schema);
        schema.to_value()
    }

    #[test]
    fn integer_formats_become_ranges() {
        assert_eq!(
            ranged(json!({"type": "integer", "format": "uint32", "minimum": 0})),
            json!({"type": "integer", "minimum": 0, "maximum": 4294967295u64})
        );
        assert_eq!(
            ranged(json!({"type": ["integer", "null"], "format": "int64"})),
            json!({"type": ["integer", "null"], "minimum": i64::MIN, "maximum": i64::MAX})
        );
        // a narrower bound the type's attributes set stays
        assert_eq!(
            ranged(json!({"type": "integer", "format": "uint8", "maximum": 10})),
            json!({"type": "integer", "minimum": 0, "maximum": 10})
        );
        assert_eq!(
            ranged(json!({"type": "number", "format": "double"})),
            json!({"type": "number"})
        );
        // nested, and other formats untouched
        assert_eq!(
            ranged(
                json!({"properties": {"n": {"type": "integer", "format": "uint16"}, "at": {"type": "string", "format": "date-time"}}})
            ),
            json!({"properties": {"n": {"type": "integer", "minimum": 0, "maximum": 65535}, "at": {"type": "string", "format": "date-time"}}})
        );
    }

    #[test]
    fn wide_integers_are_known_by_their_bounds() {
        let wide = |v: Value| is_wider_than_js(v.as_object().expect("an object"));
        assert!(wide(ranged(json!({"type": "integer", "format": "uint64"}))));
        assert!(wide(ranged(json!({"type": "integer", "format": "int64"}))));
        assert!(!wide(ranged(
            json!({"type": "integer", "format": "uint32"})
        )));
        assert!(wide(json!({"type": "integer", "format": "int64"})));
        assert!(!wide(json!({"type": "integer"})));
    }
}

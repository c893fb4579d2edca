//! Example values generated from a schema (the subset schemars emits): for documentation,
//! property tests and fuzzing. The same seed gives the same value.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::schema_walk::resolve;

/// A small deterministic generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    pub fn coin(&mut self) -> bool {
        self.next_u64() & 1 == 1
    }
}

/// Generates a value that the schema accepts. `defs` resolves `#/$defs/...` references;
/// recursion is cut off by depth (optional members are left out, arrays left empty).
pub fn sample(schema: &Value, defs: &BTreeMap<String, Value>, rng: &mut Rng) -> Value {
    gen(schema, defs, rng, 0)
}

const MAX_DEPTH: usize = 12;

fn gen(schema: &Value, defs: &BTreeMap<String, Value>, rng: &mut Rng, depth: usize) -> Value {
    let schema = resolve(schema, defs);
    let Some(obj) = schema.as_object() else {
        return if schema == &Value::Bool(false) {
            Value::Null
        } else {
            json!({})
        };
    };
    if let Some(c) = obj.get("const") {
        return c.clone();
    }
    if let Some(Value::Array(options)) = obj.get("enum") {
        if !options.is_empty() {
            return options[rng.below(options.len() as u64) as usize].clone();
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(branches)) = obj.get(key) {
            if !branches.is_empty() {
                // deep down, prefer a null branch to end recursion
                let pick = if depth > MAX_DEPTH {
                    branches
                        .iter()
                        .position(|b| b.get("type") == Some(&json!("null")))
                        .unwrap_or(0)
                } else {
                    rng.below(branches.len() as u64) as usize
                };
                let mut base = gen(&branches[pick], defs, rng, depth + 1);
                // members beside the union (schemars puts shared properties there)
                if obj.contains_key("properties") {
                    if let (Value::Object(extra), Value::Object(b)) =
                        (object(obj, defs, rng, depth), &mut base)
                    {
                        for (k, v) in extra {
                            b.entry(k).or_insert(v);
                        }
                    }
                }
                return base;
            }
        }
    }
    if let Some(Value::Array(all)) = obj.get("allOf") {
        let mut merged = Map::new();
        for part in all {
            if let Value::Object(m) = gen(part, defs, rng, depth + 1) {
                merged.extend(m);
            }
        }
        if let Value::Object(own) = object(obj, defs, rng, depth) {
            merged.extend(own);
        }
        return Value::Object(merged);
    }
    let types: Vec<&str> = match obj.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ if obj.contains_key("properties") => vec!["object"],
        _ => vec!["string"],
    };
    let non_null: Vec<&str> = types.iter().copied().filter(|t| *t != "null").collect();
    let t = if non_null.is_empty()
        || (types.contains(&"null") && (depth > MAX_DEPTH || rng.below(4) == 0))
    {
        "null"
    } else {
        non_null[rng.below(non_null.len() as u64) as usize]
    };
    match t {
        "null" => Value::Null,
        "boolean" => Value::Bool(rng.coin()),
        "integer" => {
            // a small value inside the declared range (integer types carry their whole range:
            // `i64::MIN..=i64::MAX` would overflow a naive span, and reads badly in an example)
            let bound = |key: &str| {
                let v = obj.get(key)?;
                v.as_i64()
                    .map(i128::from)
                    .or_else(|| v.as_u64().map(i128::from))
                    .or_else(|| v.as_f64().map(|f| f as i128))
            };
            let lo = bound("minimum").unwrap_or(0);
            let hi = bound("maximum").unwrap_or(lo.saturating_add(1000)).max(lo);
            let start = 0i128.clamp(lo, hi);
            let end = hi.min(start.saturating_add(1000));
            let picked = start + i128::from(rng.below((end - start) as u64 + 1));
            i64::try_from(picked)
                .map(Value::from)
                .or_else(|_| u64::try_from(picked).map(Value::from))
                .unwrap_or(Value::Null)
        }
        "number" => {
            let min = obj.get("minimum").and_then(Value::as_f64).unwrap_or(0.0);
            Value::from(min + (rng.below(10_000) as f64) / 100.0)
        }
        "array" => {
            let min = obj.get("minItems").and_then(Value::as_u64).unwrap_or(0);
            let max = obj
                .get("maxItems")
                .and_then(Value::as_u64)
                .unwrap_or(min + 3)
                .min(min + 3);
            let n = if depth > MAX_DEPTH {
                min
            } else {
                min + rng.below(max - min + 1)
            };
            let items = obj.get("items").cloned().unwrap_or(json!({}));
            Value::Array((0..n).map(|_| gen(&items, defs, rng, depth + 1)).collect())
        }
        "object" => object(obj, defs, rng, depth),
        _ => string(obj, rng),
    }
}

fn object(
    obj: &Map<String, Value>,
    defs: &BTreeMap<String, Value>,
    rng: &mut Rng,
    depth: usize,
) -> Value {
    let required: Vec<&str> = obj
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut out = Map::new();
    if let Some(Value::Object(props)) = obj.get("properties") {
        for (name, s) in props {
            if required.contains(&name.as_str()) || (depth < MAX_DEPTH && rng.coin()) {
                out.insert(name.clone(), gen(s, defs, rng, depth + 1));
            }
        }
    }
    if let Some(extra @ Value::Object(_)) = obj.get("additionalProperties") {
        if depth < MAX_DEPTH && out.is_empty() && rng.coin() {
            out.insert(
                format!("key{}", rng.below(100)),
                gen(extra, defs, rng, depth + 1),
            );
        }
    }
    Value::Object(out)
}

fn string(obj: &Map<String, Value>, rng: &mut Rng) -> Value {
    let n = rng.below(1000);
    let s = match obj.get("format").and_then(Value::as_str) {
        Some("date-time") => format!("2026-03-{:02}T{:02}:{:02}:00Z", 1 + n % 28, n % 24, n % 60),
        Some("date") => format!("2026-03-{:02}", 1 + n % 28),
        Some("uuid") => format!("123e4567-e89b-42d3-a456-{:012}", n),
        Some("email") => format!("user{n}@example.com"),
        Some("uri") => format!("https://example.com/{n}"),
        _ => match obj.get("pattern").and_then(Value::as_str) {
            Some(pattern) => crate::pattern_sample::matching(pattern, rng)
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| format!("s{n}")),
            None => format!("s{n}"),
        },
    };
    let min = obj.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = obj
        .get("maxLength")
        .and_then(Value::as_u64)
        .map(|m| m as usize);
    let mut s = s;
    while s.chars().count() < min {
        s.push('x');
    }
    if let Some(max) = max {
        s = s.chars().take(max).collect();
    }
    Value::String(s)
}

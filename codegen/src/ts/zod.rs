//! JSON Schema → zod validators (zod 4 API, 4.3 or newer for `.exactOptional()`), one per def
//! and per action/event alias, each annotated with its TypeScript type so that the compiler
//! proves validators and types agree.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::names::js_string;
use crate::schema_util::ref_name;
use crate::ts::types::{is_wide_integer, literal};
use crate::Int64Mode;

pub(super) struct Zod<'a> {
    /// def name → the validator's name
    pub names: &'a BTreeMap<String, String>,
    pub int64: Int64Mode,
}

fn num(v: &Value) -> Option<String> {
    v.as_f64().map(|_| v.to_string())
}

impl Zod<'_> {
    pub(super) fn expr(&self, schema: &Value) -> String {
        let obj = match schema {
            Value::Bool(true) => return "z.unknown()".into(),
            Value::Bool(false) => return "z.never()".into(),
            Value::Object(o) => o,
            _ => return "z.unknown()".into(),
        };
        if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
            let base = match ref_name(r).and_then(|n| self.names.get(&n)) {
                Some(name) => format!("z.lazy(() => {name})"),
                None => "z.unknown()".into(),
            };
            let mut rest = obj.clone();
            rest.remove("$ref");
            let shaped = [
                "type",
                "properties",
                "enum",
                "const",
                "oneOf",
                "anyOf",
                "allOf",
                "items",
            ]
            .iter()
            .any(|k| rest.contains_key(*k));
            return if shaped {
                format!(
                    "z.intersection({base}, {})",
                    self.expr(&Value::Object(rest))
                )
            } else {
                base
            };
        }
        if let Some(c) = obj.get("const") {
            return self.constant(c);
        }
        if let Some(Value::Array(options)) = obj.get("enum") {
            if !options.is_empty() && options.iter().all(Value::is_string) {
                let items: Vec<String> = options
                    .iter()
                    .filter_map(Value::as_str)
                    .map(js_string)
                    .collect();
                return format!("z.enum([{}])", items.join(", "));
            }
            let members: Vec<String> = options.iter().map(|v| self.constant(v)).collect();
            return union(members);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(branches)) = obj.get(key) {
                let u = union(branches.iter().map(|b| self.expr(b)).collect());
                let mut base = obj.clone();
                base.remove(key);
                if base.contains_key("properties") || base.contains_key("allOf") {
                    return format!("z.intersection({}, {u})", self.expr(&Value::Object(base)));
                }
                return u;
            }
        }
        if let Some(Value::Array(parts)) = obj.get("allOf") {
            let mut members: Vec<String> = parts.iter().map(|p| self.expr(p)).collect();
            let mut own = obj.clone();
            own.remove("allOf");
            if own.contains_key("properties") || own.contains_key("additionalProperties") {
                members.push(self.expr(&Value::Object(own)));
            }
            let mut iter = members.into_iter();
            let first = iter.next().unwrap_or_else(|| "z.unknown()".into());
            return iter.fold(first, |acc, m| format!("z.intersection({acc}, {m})"));
        }
        let types: Vec<String> = match obj.get("type") {
            Some(Value::String(t)) => vec![t.clone()],
            Some(Value::Array(ts)) => ts
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            _ if obj.contains_key("properties") || obj.contains_key("additionalProperties") => {
                vec!["object".into()]
            }
            _ if obj.contains_key("items") || obj.contains_key("prefixItems") => {
                vec!["array".into()]
            }
            _ => return "z.unknown()".into(),
        };
        let nullable = types.iter().any(|t| t == "null");
        let rest: Vec<String> = types
            .iter()
            .filter(|t| *t != "null")
            .map(|t| self.of_type(t, obj))
            .collect();
        match (rest.len(), nullable) {
            (0, true) => "z.null()".into(),
            (0, false) => "z.never()".into(),
            (_, true) => format!("{}.nullable()", union(rest)),
            (_, false) => union(rest),
        }
    }

    fn constant(&self, c: &Value) -> String {
        match c {
            Value::Null => "z.null()".into(),
            Value::String(s) => format!("z.literal({})", js_string(s)),
            Value::Bool(_) | Value::Number(_) => format!("z.literal({c})"),
            other => {
                let text = serde_json::to_string(other).unwrap_or_default();
                format!(
                    "z.custom<{}>((v) => JSON.stringify(v) === {})",
                    literal(other),
                    js_string(&text)
                )
            }
        }
    }

    fn of_type(&self, t: &str, obj: &Map<String, Value>) -> String {
        match t {
            "string" => {
                let mut s = String::from("z.string()");
                if let Some(n) = obj.get("minLength").and_then(num) {
                    s.push_str(&format!(".min({n})"));
                }
                if let Some(n) = obj.get("maxLength").and_then(num) {
                    s.push_str(&format!(".max({n})"));
                }
                if let Some(p) = obj.get("pattern").and_then(Value::as_str) {
                    s.push_str(&format!(".regex(new RegExp({}, \"u\"))", js_string(p)));
                }
                s
            }
            "integer" if is_wide_integer(obj) => {
                // zod's `.int()` stops at 2^53; these go beyond (and lose precision as numbers).
                // A bound JavaScript holds exactly (a `u64`'s 0, a `range(min = 0)`) is kept.
                let min = safe_bound(obj, "minimum");
                let max = safe_bound(obj, "maximum");
                match self.int64 {
                    Int64Mode::Number => {
                        let mut s = String::from("z.number()");
                        min.iter().for_each(|n| s.push_str(&format!(".gte({n})")));
                        max.iter().for_each(|n| s.push_str(&format!(".lte({n})")));
                        s + ".refine(Number.isInteger, \"an integer\")"
                    }
                    Int64Mode::BigInt => {
                        let mut s = String::from("z.bigint()");
                        min.iter().for_each(|n| s.push_str(&format!(".gte({n}n)")));
                        max.iter().for_each(|n| s.push_str(&format!(".lte({n}n)")));
                        s
                    }
                    Int64Mode::String if min.is_some_and(|n| n >= 0) => {
                        "z.string().regex(/^\\d+$/)".into()
                    }
                    Int64Mode::String => "z.string().regex(/^-?\\d+$/)".into(),
                }
            }
            "integer" | "number" => {
                let mut s = String::from(if t == "integer" {
                    "z.number().int()"
                } else {
                    "z.number()"
                });
                if let Some(n) = obj.get("minimum").and_then(num) {
                    s.push_str(&format!(".gte({n})"));
                }
                if let Some(n) = obj.get("maximum").and_then(num) {
                    s.push_str(&format!(".lte({n})"));
                }
                if let Some(n) = obj.get("exclusiveMinimum").and_then(num) {
                    s.push_str(&format!(".gt({n})"));
                }
                if let Some(n) = obj.get("exclusiveMaximum").and_then(num) {
                    s.push_str(&format!(".lt({n})"));
                }
                s
            }
            "boolean" => "z.boolean()".into(),
            "null" => "z.null()".into(),
            "array" => self.array(obj),
            "object" => self.object(obj),
            _ => "z.unknown()".into(),
        }
    }

    fn array(&self, obj: &Map<String, Value>) -> String {
        if let Some(Value::Array(prefix)) = obj.get("prefixItems") {
            let min = obj
                .get("minItems")
                .and_then(Value::as_u64)
                .unwrap_or(prefix.len() as u64);
            let items: Vec<String> = prefix
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let e = self.expr(p);
                    if (i as u64) >= min {
                        // absent, never `undefined`: `[A, B?]` in types.ts (see `object`)
                        format!("{e}.exactOptional()")
                    } else {
                        e
                    }
                })
                .collect();
            let closed = obj.get("items") == Some(&Value::Bool(false))
                || obj.get("maxItems").and_then(Value::as_u64) == Some(prefix.len() as u64);
            let mut s = format!("z.tuple([{}])", items.join(", "));
            if !closed {
                let rest = obj
                    .get("items")
                    .map(|i| self.expr(i))
                    .unwrap_or_else(|| "z.unknown()".into());
                s = format!("z.tuple([{}], {rest})", items.join(", "));
            }
            return s;
        }
        let item = obj
            .get("items")
            .map(|i| self.expr(i))
            .unwrap_or_else(|| "z.unknown()".into());
        let mut s = format!("z.array({item})");
        if let Some(n) = obj.get("minItems").and_then(Value::as_u64) {
            if n > 0 {
                s.push_str(&format!(".min({n})"));
            }
        }
        if let Some(n) = obj.get("maxItems").and_then(Value::as_u64) {
            s.push_str(&format!(".max({n})"));
        }
        s
    }

    fn object(&self, obj: &Map<String, Value>) -> String {
        let required: Vec<&str> = obj
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let additional = obj.get("additionalProperties");
        let mut extra: Vec<String> = Vec::new();
        if let Some(a) = additional {
            if a != &Value::Bool(false) {
                extra.push(self.expr(a));
            }
        }
        if let Some(Value::Object(patterns)) = obj.get("patternProperties") {
            for s in patterns.values() {
                extra.push(self.expr(s));
            }
        }
        let extra = if extra.is_empty() {
            None
        } else {
            Some(union(extra))
        };
        let props = match obj.get("properties").and_then(Value::as_object) {
            Some(p) if !p.is_empty() => p,
            _ => {
                return match extra {
                    Some(e) => format!("z.record(z.string(), {e})"),
                    None if additional == Some(&Value::Bool(false)) => "z.strictObject({})".into(),
                    None => "z.record(z.string(), z.unknown())".into(),
                };
            }
        };
        let mut members = Vec::new();
        for (name, s) in props {
            let mut e = self.expr(s);
            if !required.contains(&name.as_str()) {
                // Not `.optional()`, whose output is `T | undefined`: types.ts says `name?: T`
                // (JSON has no `undefined`; a member is absent or a value), which
                // `exactOptionalPropertyTypes` holds apart from `name?: T | undefined`, so the
                // `z.ZodType<T.X>` annotations would not compile there. `.exactOptional()`
                // (zod 4.3+) infers `name?: T` and refuses an explicit `undefined`.
                e.push_str(".exactOptional()");
            }
            members.push(format!(
                "  {}: {},",
                crate::names::prop_key(name),
                e.replace('\n', "\n  ")
            ));
        }
        let body = format!("{{\n{}\n}}", members.join("\n"));
        match (extra, additional == Some(&Value::Bool(false))) {
            (Some(e), _) => format!("z.object({body}).catchall({e})"),
            (None, true) => format!("z.strictObject({body})"),
            (None, false) => format!("z.object({body})"),
        }
    }
}

fn union(mut members: Vec<String>) -> String {
    members.dedup();
    match members.len() {
        0 => "z.never()".into(),
        1 => members.remove(0),
        _ => format!("z.union([{}])", members.join(", ")),
    }
}

/// A bound of a wide integer that JavaScript numbers hold exactly (|n| ≤ 2^53 − 1).
fn safe_bound(obj: &Map<String, Value>, key: &str) -> Option<i64> {
    const SAFE: i64 = (1 << 53) - 1;
    obj.get(key)
        .and_then(Value::as_i64)
        .filter(|n| (-SAFE..=SAFE).contains(n))
}

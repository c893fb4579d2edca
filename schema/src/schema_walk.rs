//! Small walks over JSON Schemas: following `$ref`s into `$defs`, renaming references, and
//! reading the fields an object schema declares.

use std::collections::BTreeMap;

use serde_json::{json, Value};

pub(crate) const DEFS_PREFIX: &str = "#/$defs/";

/// The def name a local `$ref` points to (`#/$defs/Task` → `Task`), unescaped.
pub fn ref_target(reference: &str) -> Option<String> {
    let name = reference.strip_prefix(DEFS_PREFIX)?;
    if name.contains('/') {
        return None;
    }
    Some(percent_decode(name).replace("~1", "/").replace("~0", "~"))
}

pub(crate) fn ref_to(name: &str) -> String {
    format!(
        "{DEFS_PREFIX}{}",
        name.replace('~', "~0").replace('/', "~1")
    )
}

fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Calls `f` with every `$ref` value in a schema, with the JSON pointer where it stands.
pub(crate) fn for_each_ref(schema: &Value, at: &str, f: &mut dyn FnMut(&str, &str)) {
    match schema {
        Value::Object(map) => {
            for (k, v) in map {
                let here = crate::pointer::push(at, k);
                if k == "$ref" {
                    if let Value::String(r) = v {
                        f(&here, r);
                    }
                } else {
                    for_each_ref(v, &here, f);
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                for_each_ref(v, &format!("{at}/{i}"), f);
            }
        }
        _ => {}
    }
}

/// Rewrites `$ref`s to renamed defs.
pub(crate) fn rename_refs(schema: &mut Value, renames: &BTreeMap<String, String>) {
    match schema {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if k == "$ref" {
                    if let Value::String(r) = v {
                        if let Some(new) = ref_target(r).and_then(|n| renames.get(&n)) {
                            *r = ref_to(new);
                        }
                    }
                } else {
                    rename_refs(v, renames);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rename_refs(v, renames)),
        _ => {}
    }
}

/// Follows `$ref` chains (at most 32 deep, so a cycle cannot hang us).
pub fn resolve<'a>(schema: &'a Value, defs: &'a BTreeMap<String, Value>) -> &'a Value {
    let mut current = schema;
    for _ in 0..32 {
        let Some(target) = current
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(ref_target)
            .and_then(|n| defs.get(&n))
        else {
            return current;
        };
        current = target;
    }
    current
}

/// Whether a schema accepts an empty value (`null` or `{}`), so the member it describes may be
/// left out of a frame (JSON-RPC's omitted `params`, a response without data). Decided on the
/// schema's shape: `true`, a type that allows `null`, an object with no required member, or a
/// union with such a branch.
pub(crate) fn accepts_empty(schema: &Value, defs: &BTreeMap<String, Value>) -> bool {
    accepts_empty_within(schema, defs, 0)
}

fn accepts_empty_within(schema: &Value, defs: &BTreeMap<String, Value>, depth: usize) -> bool {
    if depth > 32 {
        return false;
    }
    let schema = resolve(schema, defs);
    let Some(obj) = schema.as_object() else {
        return schema.as_bool() == Some(true);
    };
    let branch = |key: &str, any: bool| {
        obj.get(key).and_then(Value::as_array).map(|list| {
            let mut ok = list
                .iter()
                .map(|b| accepts_empty_within(b, defs, depth + 1));
            if any {
                ok.any(|b| b)
            } else {
                ok.all(|b| b)
            }
        })
    };
    if let Some(any) = branch("anyOf", true).or_else(|| branch("oneOf", true)) {
        if !any {
            return false;
        }
    }
    if branch("allOf", false) == Some(false) {
        return false;
    }
    let empty = |v: &Value| v.is_null() || v == &json!({});
    if obj.get("const").is_some_and(|c| !empty(c)) {
        return false;
    }
    if let Some(Value::Array(values)) = obj.get("enum") {
        return values.iter().any(empty);
    }
    let types: Vec<&str> = match obj.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if types.contains(&"null") {
        return true;
    }
    if types.is_empty() || types.contains(&"object") {
        let required = obj
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| !r.is_empty());
        let min = obj
            .get("minProperties")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        return !required && min == 0;
    }
    false
}

/// A field of an object schema, as a REST mapping needs to know it.
#[derive(Debug, Clone)]
pub(crate) struct Field<'a> {
    pub required: bool,
    pub schema: &'a Value,
}

/// The fields an object schema declares, through `$ref` and `allOf` (serde's flatten).
/// `None` when the schema is not a plain object (an enum, a union, a scalar).
pub(crate) fn object_fields<'a>(
    schema: &'a Value,
    defs: &'a BTreeMap<String, Value>,
) -> Option<BTreeMap<String, Field<'a>>> {
    let schema = resolve(schema, defs);
    let obj = schema.as_object()?;
    let is_object =
        obj.get("type").and_then(Value::as_str) == Some("object") || obj.contains_key("properties");
    if !is_object || obj.contains_key("oneOf") || obj.contains_key("anyOf") {
        return None;
    }
    let required: Vec<&str> = obj
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut fields = BTreeMap::new();
    if let Some(props) = obj.get("properties").and_then(Value::as_object) {
        for (name, s) in props {
            fields.insert(
                name.clone(),
                Field {
                    required: required.contains(&name.as_str()),
                    schema: s,
                },
            );
        }
    }
    if let Some(all) = obj.get("allOf").and_then(Value::as_array) {
        for part in all {
            fields.extend(object_fields(part, defs)?);
        }
    }
    Some(fields)
}

/// Whether an object schema lets a member sit at `segments` (a pointer's, unescaped): `Err`
/// names the pointer into the schema (relative to it) of what refuses it. Follows `$ref`,
/// `properties`, `additionalProperties` and `allOf` (every part must allow it); anything it
/// cannot judge (`patternProperties`, `anyOf`, `oneOf`, `if`) counts as allowed, so only a
/// certain refusal is reported.
pub(crate) fn allows_member(
    schema: &Value,
    segments: &[String],
    defs: &BTreeMap<String, Value>,
    at: &str,
) -> Result<(), String> {
    let Some((first, rest)) = segments.split_first() else {
        return Ok(());
    };
    let schema = resolve(schema, defs);
    let obj = match schema {
        Value::Bool(false) => return Err(at.to_owned()),
        Value::Object(obj) => obj,
        _ => return Ok(()),
    };
    if let Some(parts) = obj.get("allOf").and_then(Value::as_array) {
        for (i, part) in parts.iter().enumerate() {
            allows_member(part, segments, defs, &format!("{at}/allOf/{i}"))?;
        }
    }
    let undecidable = ["patternProperties", "anyOf", "oneOf", "if"]
        .iter()
        .any(|k| obj.contains_key(*k));
    if let Some(member) = obj.get("properties").and_then(|p| p.get(first.as_str())) {
        let here = crate::pointer::push(&format!("{at}/properties"), first);
        return allows_member(member, rest, defs, &here);
    }
    if undecidable {
        return Ok(());
    }
    match obj.get("additionalProperties") {
        Some(Value::Bool(false)) => Err(format!("{at}/additionalProperties")),
        Some(other) => allows_member(other, rest, defs, &format!("{at}/additionalProperties")),
        // members `allOf` declares are evaluated: only a lone `unevaluatedProperties` is sure
        None if obj.get("unevaluatedProperties") == Some(&Value::Bool(false))
            && !obj.contains_key("allOf") =>
        {
            Err(format!("{at}/unevaluatedProperties"))
        }
        None => Ok(()),
    }
}

/// The JSON types a schema admits, through `$ref`, `anyOf`/`oneOf` and `enum`/`const`.
/// `None` means "anything" (no type constraint found).
pub(crate) fn json_types(schema: &Value, defs: &BTreeMap<String, Value>) -> Option<Vec<String>> {
    let schema = resolve(schema, defs);
    if let Some(t) = schema.get("type") {
        return match t {
            Value::String(s) => Some(vec![s.clone()]),
            Value::Array(a) => Some(
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
            ),
            _ => None,
        };
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(branches) = schema.get(key).and_then(Value::as_array) {
            let mut all = Vec::new();
            for b in branches {
                all.extend(json_types(b, defs)?);
            }
            return Some(all);
        }
    }
    let values: Vec<&Value> = match (schema.get("enum"), schema.get("const")) {
        (Some(Value::Array(vs)), _) => vs.iter().collect(),
        (_, Some(c)) => vec![c],
        _ => return None,
    };
    Some(
        values
            .into_iter()
            .map(|v| match v {
                Value::Null => "null",
                Value::Bool(_) => "boolean",
                Value::Number(n) if n.is_f64() => "number",
                Value::Number(_) => "integer",
                Value::String(_) => "string",
                Value::Array(_) => "array",
                Value::Object(_) => "object",
            })
            .map(str::to_owned)
            .collect(),
    )
}

/// Whether a field can travel as one path segment or query value: a scalar, or (for the
/// query) an array of scalars.
pub(crate) fn is_scalar(schema: &Value, defs: &BTreeMap<String, Value>, allow_array: bool) -> bool {
    match json_types(schema, defs) {
        None => false,
        Some(types) => types.iter().all(|t| match t.as_str() {
            "string" | "integer" | "number" | "boolean" | "null" => true,
            "array" if allow_array => resolve(schema, defs)
                .get("items")
                .is_some_and(|items| is_scalar(items, defs, false)),
            _ => false,
        }),
    }
}

/// The schemas that may describe the value at `path` (JSON pointer segments) inside a value
/// described by `schema`: through `properties`, `additionalProperties`, `items` and
/// `prefixItems`, following `$ref` and every branch of `anyOf` / `oneOf` / `allOf`. Empty when
/// the schema says nothing about that place. Bounded: at most 32 levels of nesting per segment,
/// and at most 64 candidates.
pub fn at_path<'a>(
    schema: &'a Value,
    defs: &'a BTreeMap<String, Value>,
    path: &[String],
) -> Vec<&'a Value> {
    let mut current = Vec::new();
    branches(schema, defs, 0, &mut current);
    for segment in path {
        let mut next = Vec::new();
        for s in &current {
            for child in children(s, segment) {
                branches(child, defs, 0, &mut next);
            }
        }
        current = next;
        if current.is_empty() {
            break;
        }
    }
    current
}

const MAX_CANDIDATES: usize = 64;

/// The schema itself and the branches of its unions, `$ref`s followed.
fn branches<'a>(
    schema: &'a Value,
    defs: &'a BTreeMap<String, Value>,
    depth: usize,
    out: &mut Vec<&'a Value>,
) {
    if depth > 32 || out.len() >= MAX_CANDIDATES {
        return;
    }
    let schema = resolve(schema, defs);
    if !out.iter().any(|s| std::ptr::eq(*s, schema)) {
        out.push(schema);
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        for branch in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            branches(branch, defs, depth + 1, out);
        }
    }
}

/// The schemas one segment down (a member's or an item's).
fn children<'a>(schema: &'a Value, segment: &str) -> Vec<&'a Value> {
    let mut out = Vec::new();
    if let Some(p) = schema.get("properties").and_then(|p| p.get(segment)) {
        out.push(p);
    } else if let Some(extra) = schema.get("additionalProperties").filter(|a| a.is_object()) {
        out.push(extra);
    }
    if let Ok(index) = segment.parse::<usize>() {
        match schema.get("prefixItems").and_then(Value::as_array) {
            Some(prefix) if index < prefix.len() => out.push(&prefix[index]),
            _ => out.extend(schema.get("items").filter(|i| i.is_object())),
        }
    }
    out
}

#[cfg(test)]
mod empty_tests {
    use super::*;

    #[test]
    fn what_may_be_left_out() {
        let mut defs = BTreeMap::new();
        defs.insert(
            "Opt".to_owned(),
            json!({"type": "object", "properties": {"cursor": {"type": "string"}}}),
        );
        defs.insert(
            "Req".to_owned(),
            json!({"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}),
        );
        let empty = |s: Value| accepts_empty(&s, &defs);
        assert!(empty(json!(true)));
        assert!(empty(json!({"type": "null"})));
        assert!(empty(json!({"$ref": "#/$defs/Opt"})));
        assert!(empty(
            json!({"anyOf": [{"$ref": "#/$defs/Req"}, {"type": "null"}]})
        ));
        assert!(!empty(json!({"$ref": "#/$defs/Req"})));
        assert!(!empty(json!({"type": "array"})));
        assert!(!empty(json!({"type": "integer"})));
        assert!(!empty(json!({"enum": ["a", "b"]})));
        assert!(!empty(json!({"type": "object", "minProperties": 1})));
        assert!(!empty(json!(false)));
    }

    #[test]
    fn the_schemas_at_a_place_in_a_value() {
        let mut defs = BTreeMap::new();
        defs.insert(
            "Entry".to_owned(),
            json!({"type": "object", "properties": {
                "id": {"type": "string"},
                "at": {"type": ["string", "null"], "format": "date-time"}
            }}),
        );
        let page = json!({"type": "object", "properties": {
            "items": {"type": "array", "items": {"$ref": "#/$defs/Entry"}},
            "next": {"anyOf": [{"type": "null"}, {"type": "string", "pattern": "^c_"}]}
        }});
        let path = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let at = at_path(&page, &defs, &path(&["items", "3", "at"]));
        assert_eq!(
            at,
            [&json!({"type": ["string", "null"], "format": "date-time"})]
        );
        let next = at_path(&page, &defs, &path(&["next"]));
        assert!(next.iter().any(|s| s.get("pattern") == Some(&json!("^c_"))));
        assert!(at_path(&page, &defs, &path(&["items", "0", "nope"])).is_empty());
        // a cycle through $ref ends
        defs.insert("Loop".to_owned(), json!({"$ref": "#/$defs/Loop"}));
        assert_eq!(
            at_path(&json!({"$ref": "#/$defs/Loop"}), &defs, &[]).len(),
            1
        );
    }
}

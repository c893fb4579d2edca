//! JSON Schema (the subset schemars writes, plus what a hand-written contract commonly uses) →
//! TypeScript type expressions, faithful to the JSON serde reads and writes.
//!
//! | schema | TypeScript |
//! |---|---|
//! | `true`, `{}` | `unknown` |
//! | `false` | `never` |
//! | `$ref` | the def's name |
//! | `const`, `enum` | literal types, a union of them |
//! | `oneOf`, `anyOf` | a union (members beside it: `Base & (A \| B)`) |
//! | `allOf` | an intersection |
//! | `type: [T, "null"]` | `T \| null` |
//! | object, `required` | `{ a: A; b?: B }` (not required → `?:`) |
//! | `additionalProperties: S` | `Record<string, S>` / an index signature |
//! | array `items`, `prefixItems` | `T[]`, tuples `[A, B]` |
//! | integer `format: int64` (and `uint64`, `int`, `uint`, 128-bit) | `number` with a JSDoc note, or `bigint` / `string` |

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::names::{js_string, prop_key};
use crate::schema_util::ref_name;
use crate::Int64Mode;

/// Number formats a JavaScript number holds exactly: not worth a note (contracts built by
/// frameproof carry ranges instead; older ones may still name them).
const NUMERIC_FORMATS: &[&str] = &[
    "int8", "int16", "int32", "uint8", "uint16", "uint32", "float", "double",
];

/// Integer formats wider than a JavaScript number, which the wide-integer note replaces.
const WIDE_FORMATS: &[&str] = &["int64", "uint64", "int", "uint", "int128", "uint128"];

/// How a wide integer reads in a note: its format where an older contract names one, else
/// `int64` when it may be negative and `uint64` when not (the Rust types that give those ranges).
fn wide_format(obj: &Map<String, Value>) -> &str {
    match obj.get("format").and_then(Value::as_str) {
        Some(f) if WIDE_FORMATS.contains(&f) => f,
        _ if obj
            .get("minimum")
            .and_then(Value::as_f64)
            .is_some_and(|m| m < 0.0) =>
        {
            "int64"
        }
        _ => "uint64",
    }
}

/// Whether an integer schema admits values beyond 2^53 (by its bounds, or an older contract's
/// 64-bit format).
pub fn is_wide_integer(obj: &Map<String, Value>) -> bool {
    frameproof_schema::is_wider_than_js(obj)
}

/// How tightly a type expression binds, to know when it needs parentheses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Prec {
    /// `A | B`: binds loosest, so it is parenthesized inside an intersection and before `[]`.
    Union,
    /// `A & B`: bare as a union member, parenthesized inside another intersection and before `[]`.
    Intersection,
    /// A name, literal or bracketed type: never needs parentheses.
    Atom,
}

/// A TypeScript type expression, with how tightly it binds so that combining it adds only
/// the parentheses it needs.
#[derive(Debug, Clone)]
pub struct Ty {
    /// The expression as TypeScript source; may span lines (object literals, long unions).
    pub text: String,
    /// How tightly the outermost operator of `text` binds.
    pub prec: Prec,
}

impl Ty {
    /// An expression that needs no parentheses anywhere (a name, a literal, `unknown`).
    pub fn atom(text: impl Into<String>) -> Ty {
        Ty {
            text: text.into(),
            prec: Prec::Atom,
        }
    }

    fn wrapped(&self, at_least: Prec) -> String {
        if self.prec < at_least {
            format!("({})", self.text)
        } else {
            self.text.clone()
        }
    }

    /// Whether the expression spans lines: such an array item is written `Array<…>`, not `…[]`.
    pub fn is_multiline(&self) -> bool {
        self.text.contains('\n')
    }
}

/// Indents every line after the first by two spaces.
pub fn indent(text: &str) -> String {
    text.replace('\n', "\n  ")
}

/// A JSDoc block (at indentation 0) from lines; empty when there are none.
pub fn jsdoc(lines: &[String]) -> String {
    let lines: Vec<String> = lines
        .iter()
        .flat_map(|l| l.lines().map(str::to_owned).collect::<Vec<_>>())
        .map(|l| l.replace("*/", "*\\/"))
        .collect();
    match lines.len() {
        0 => String::new(),
        1 => format!("/** {} */\n", lines[0].trim_end()),
        _ => {
            let mut out = String::from("/**\n");
            for l in lines {
                if l.trim().is_empty() {
                    out.push_str(" *\n");
                } else {
                    out.push_str(&format!(" * {}\n", l.trim_end()));
                }
            }
            out.push_str(" */\n");
            out
        }
    }
}

/// Turns the contract's JSON Schemas into TypeScript type expressions.
pub struct TsTypes<'a> {
    /// The contract's named schemas (`$defs`), by def name; a `$ref` is typed by its name in
    /// `names`, never by inlining the schema.
    pub defs: &'a BTreeMap<String, Value>,
    /// def name → TypeScript name
    pub names: &'a BTreeMap<String, String>,
    /// How integers wider than 2^53 are typed (see [`is_wide_integer`]).
    pub int64: Int64Mode,
}

/// Keywords that give a schema a shape (as opposed to annotations).
const SHAPE_KEYS: &[&str] = &[
    "type",
    "properties",
    "additionalProperties",
    "patternProperties",
    "items",
    "prefixItems",
    "enum",
    "const",
    "oneOf",
    "anyOf",
    "allOf",
];

impl TsTypes<'_> {
    /// The documentation lines a schema carries (description, deprecation, default, format).
    pub fn doc_lines(&self, schema: &Value) -> Vec<String> {
        let Some(obj) = schema.as_object() else {
            return Vec::new();
        };
        let mut lines = Vec::new();
        if let Some(t) = obj.get("title").and_then(Value::as_str) {
            lines.push(t.to_owned());
        }
        if let Some(d) = obj.get("description").and_then(Value::as_str) {
            lines.push(d.to_owned());
        }
        if is_wide_integer(obj) && self.is_integer(obj) {
            let f = wide_format(obj);
            lines.push(match self.int64 {
                Int64Mode::Number => format!("@format {f} — a JSON number; values beyond Number.MAX_SAFE_INTEGER (2^53 - 1) lose precision in JavaScript (generate with --bigint or --int64-as-string to keep them exact)"),
                Int64Mode::BigInt => format!("@format {f} — decoded as a bigint by the client"),
                Int64Mode::String => format!("@format {f} — decoded as a decimal string by the client"),
            });
        }
        if let Some(f) = obj
            .get("format")
            .and_then(Value::as_str)
            .filter(|f| !NUMERIC_FORMATS.contains(f) && !WIDE_FORMATS.contains(f))
        {
            lines.push(format!("@format {f}"));
        }
        if let Some(d) = obj.get("default") {
            lines.push(format!("@default {}", compact(d)));
        }
        if obj.get("deprecated") == Some(&Value::Bool(true)) {
            lines.push("@deprecated".into());
        }
        lines
    }

    fn is_integer(&self, obj: &Map<String, Value>) -> bool {
        match obj.get("type") {
            Some(Value::String(t)) => t == "integer",
            Some(Value::Array(ts)) => ts.iter().any(|t| t == "integer"),
            _ => false,
        }
    }

    /// The TypeScript type of a schema.
    pub fn ty(&self, schema: &Value) -> Ty {
        let obj = match schema {
            Value::Bool(true) => return Ty::atom("unknown"),
            Value::Bool(false) => return Ty::atom("never"),
            Value::Object(obj) => obj,
            _ => return Ty::atom("unknown"),
        };
        if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
            let base = ref_name(r)
                .and_then(|n| self.names.get(&n).cloned())
                .map(Ty::atom)
                .unwrap_or_else(|| Ty::atom("unknown"));
            let mut rest = obj.clone();
            rest.remove("$ref");
            if SHAPE_KEYS.iter().any(|k| rest.contains_key(*k)) {
                let other = self.ty(&Value::Object(rest));
                return intersection(vec![base, other]);
            }
            return base;
        }
        if let Some(c) = obj.get("const") {
            return Ty::atom(literal(c));
        }
        if let Some(Value::Array(options)) = obj.get("enum") {
            let members: Vec<Ty> = options.iter().map(|v| Ty::atom(literal(v))).collect();
            return union(members);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(branches)) = obj.get(key) {
                let members: Vec<(Vec<String>, Ty)> = branches
                    .iter()
                    .map(|b| (self.branch_doc(b), self.ty(b)))
                    .collect();
                let u = documented_union(members);
                let mut base = obj.clone();
                base.remove(key);
                if base.contains_key("properties") || base.contains_key("allOf") {
                    let b = self.ty(&Value::Object(base));
                    return intersection(vec![b, u]);
                }
                return u;
            }
        }
        if let Some(Value::Array(parts)) = obj.get("allOf") {
            let mut members: Vec<Ty> = parts.iter().map(|p| self.ty(p)).collect();
            let mut own = obj.clone();
            own.remove("allOf");
            if own.contains_key("properties") || own.contains_key("additionalProperties") {
                members.push(self.ty(&Value::Object(own)));
            }
            return intersection(members);
        }
        let types: Vec<String> = match obj.get("type") {
            Some(Value::String(t)) => vec![t.clone()],
            Some(Value::Array(ts)) => ts
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            _ if obj.contains_key("properties")
                || obj.contains_key("additionalProperties")
                || obj.contains_key("patternProperties") =>
            {
                vec!["object".into()]
            }
            _ if obj.contains_key("items") || obj.contains_key("prefixItems") => {
                vec!["array".into()]
            }
            _ => return Ty::atom("unknown"),
        };
        let members: Vec<Ty> = types.iter().map(|t| self.of_type(t, obj)).collect();
        union(members)
    }

    /// A union member's own documentation (a variant's description).
    fn branch_doc(&self, branch: &Value) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(d) = branch.get("description").and_then(Value::as_str) {
            lines.push(d.to_owned());
        }
        if branch.get("deprecated") == Some(&Value::Bool(true)) {
            lines.push("@deprecated".into());
        }
        lines
    }

    fn of_type(&self, t: &str, obj: &Map<String, Value>) -> Ty {
        match t {
            "string" => Ty::atom("string"),
            "integer" if is_wide_integer(obj) => match self.int64 {
                Int64Mode::Number => Ty::atom("number"),
                Int64Mode::BigInt => Ty::atom("bigint"),
                Int64Mode::String => Ty::atom("string"),
            },
            "integer" | "number" => Ty::atom("number"),
            "boolean" => Ty::atom("boolean"),
            "null" => Ty::atom("null"),
            "array" => self.array(obj),
            "object" => self.object(obj),
            _ => Ty::atom("unknown"),
        }
    }

    fn array(&self, obj: &Map<String, Value>) -> Ty {
        if let Some(Value::Array(prefix)) = obj.get("prefixItems") {
            let mut parts: Vec<String> = prefix.iter().map(|p| self.ty(p).text).collect();
            let closed = obj.get("items") == Some(&Value::Bool(false))
                || obj.get("maxItems").and_then(Value::as_u64) == Some(prefix.len() as u64);
            if !closed {
                let rest = obj
                    .get("items")
                    .map(|i| self.ty(i))
                    .unwrap_or(Ty::atom("unknown"));
                parts.push(format!("...{}[]", rest.wrapped(Prec::Atom)));
            }
            let min = obj
                .get("minItems")
                .and_then(Value::as_u64)
                .unwrap_or(prefix.len() as u64);
            // elements past `minItems` are optional
            let parts: Vec<String> = parts
                .into_iter()
                .enumerate()
                .map(|(i, p)| {
                    if (i as u64) >= min && !p.starts_with("...") {
                        format!("({p})?")
                    } else {
                        p
                    }
                })
                .collect();
            return Ty::atom(format!("[{}]", parts.join(", ")));
        }
        let item = obj
            .get("items")
            .map(|i| self.ty(i))
            .unwrap_or(Ty::atom("unknown"));
        if item.prec == Prec::Atom && !item.is_multiline() {
            Ty::atom(format!("{}[]", item.text))
        } else {
            Ty::atom(format!("Array<{}>", item.text))
        }
    }

    fn object(&self, obj: &Map<String, Value>) -> Ty {
        let required: Vec<&str> = obj
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let props = obj.get("properties").and_then(Value::as_object);
        let mut extra: Vec<Ty> = Vec::new();
        if let Some(a) = obj.get("additionalProperties") {
            if a != &Value::Bool(false) {
                extra.push(self.ty(a));
            }
        }
        if let Some(Value::Object(patterns)) = obj.get("patternProperties") {
            for s in patterns.values() {
                extra.push(self.ty(s));
            }
        }
        let extra = if extra.is_empty() {
            None
        } else {
            Some(union(extra))
        };
        let props = match props {
            Some(p) if !p.is_empty() => p,
            _ => {
                return match extra {
                    Some(t) => Ty::atom(format!("Record<string, {}>", t.text)),
                    None if obj.get("additionalProperties") == Some(&Value::Bool(false)) => {
                        Ty::atom("Record<string, never>")
                    }
                    None => Ty::atom("Record<string, unknown>"),
                };
            }
        };
        let mut out = String::from("{\n");
        let mut prop_types: Vec<Ty> = Vec::new();
        for (name, schema) in props {
            let doc = jsdoc(&self.doc_lines(schema));
            let t = self.ty(schema);
            let optional = !required.contains(&name.as_str());
            out.push_str(&indent_block(&doc));
            out.push_str(&format!(
                "  {}{}: {};\n",
                prop_key(name),
                if optional { "?" } else { "" },
                indent(&t.text)
            ));
            prop_types.push(t);
        }
        if let Some(t) = extra {
            // every declared member must fit the index signature too
            let mut all = vec![t];
            all.extend(prop_types);
            if required.len() < props.len() {
                all.push(Ty::atom("undefined"));
            }
            out.push_str(&format!("  [key: string]: {};\n", indent(&union(all).text)));
        }
        out.push('}');
        Ty::atom(out)
    }

    /// Whether a def renders as an interface (a plain object with declared members).
    pub fn is_interface(&self, schema: &Value) -> bool {
        let Some(obj) = schema.as_object() else {
            return false;
        };
        let shape_ok = ![
            "$ref",
            "const",
            "enum",
            "oneOf",
            "anyOf",
            "allOf",
            "prefixItems",
        ]
        .iter()
        .any(|k| obj.contains_key(*k));
        let is_object = match obj.get("type") {
            Some(Value::String(t)) => t == "object",
            None => obj.contains_key("properties"),
            _ => false,
        };
        let has_props = obj
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(|p| !p.is_empty());
        shape_ok && is_object && has_props
    }
}

fn indent_block(doc: &str) -> String {
    doc.lines().map(|l| format!("  {l}\n")).collect()
}

/// A compact JSON rendering for documentation.
pub fn compact(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// A TypeScript literal type for a JSON value.
pub fn literal(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => js_string(s),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(literal).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(m) => {
            if m.is_empty() {
                return "Record<string, never>".into();
            }
            let members: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{}: {}", prop_key(k), literal(v)))
                .collect();
            format!("{{ {} }}", members.join("; "))
        }
    }
}

/// A union; one member is itself, none is `never`. Duplicates go, `null` goes last.
pub fn union(members: Vec<Ty>) -> Ty {
    documented_union(members.into_iter().map(|m| (Vec::new(), m)).collect())
}

fn documented_union(members: Vec<(Vec<String>, Ty)>) -> Ty {
    let mut flat: Vec<(Vec<String>, Ty)> = Vec::new();
    let mut has_null = false;
    for (doc, m) in members {
        if m.text == "null" {
            has_null = true;
            continue;
        }
        if m.text == "never" {
            continue;
        }
        if !flat.iter().any(|(_, f)| f.text == m.text) {
            flat.push((doc, m));
        }
    }
    if flat.iter().any(|(_, m)| m.text == "unknown") {
        return Ty::atom("unknown");
    }
    if has_null {
        flat.push((Vec::new(), Ty::atom("null")));
    }
    match flat.len() {
        0 => Ty::atom("never"),
        1 if flat[0].0.is_empty() => flat.remove(0).1,
        _ => {
            let multiline = flat.iter().any(|(d, m)| !d.is_empty() || m.is_multiline())
                || flat.iter().map(|(_, m)| m.text.len() + 3).sum::<usize>() > 90;
            if !multiline {
                let text = flat
                    .iter()
                    .map(|(_, m)| m.wrapped(Prec::Intersection))
                    .collect::<Vec<_>>()
                    .join(" | ");
                return Ty {
                    text,
                    prec: Prec::Union,
                };
            }
            let mut text = String::new();
            for (doc, m) in &flat {
                text.push('\n');
                let d = jsdoc(doc);
                for line in d.lines() {
                    text.push_str(&format!("  {line}\n"));
                }
                text.push_str(&format!("  | {}", indent(&m.wrapped(Prec::Intersection))));
            }
            Ty {
                text,
                prec: Prec::Union,
            }
        }
    }
}

/// An intersection; one member is itself.
pub fn intersection(members: Vec<Ty>) -> Ty {
    let members: Vec<Ty> = members
        .into_iter()
        .filter(|m| m.text != "unknown")
        .collect();
    match members.len() {
        0 => Ty::atom("unknown"),
        1 => members
            .into_iter()
            .next()
            .unwrap_or_else(|| Ty::atom("unknown")),
        _ => Ty {
            text: members
                .iter()
                .map(|m| m.wrapped(Prec::Atom))
                .collect::<Vec<_>>()
                .join(" & "),
            prec: Prec::Intersection,
        },
    }
}

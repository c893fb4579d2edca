//! How a schema reads on the page: a TypeScript-like type with links, the constraints a value
//! must meet, and the field tables of object schemas.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::text::{anchor, compact, esc, prose};
use super::Doc;
use crate::schema_util::{ref_name, resolve};

impl Doc<'_> {
    /// A readable type: TypeScript-like, references linked to their type.
    pub(super) fn ty(&self, schema: &Value, depth: usize) -> String {
        let obj = match schema {
            Value::Bool(false) => return "nothing".into(),
            Value::Object(o) => o,
            _ => return "any JSON".into(),
        };
        if depth > 4 {
            return "…".into();
        }
        if let Some(name) = obj.get("$ref").and_then(Value::as_str).and_then(ref_name) {
            return format!("<a href=\"#{}\">{}</a>", anchor("type", &name), esc(&name));
        }
        if let Some(c) = obj.get("const") {
            return esc(&compact(c));
        }
        if let Some(Value::Array(options)) = obj.get("enum") {
            let items: Vec<String> = options.iter().map(|v| esc(&compact(v))).collect();
            return items.join(" | ");
        }
        for (key, joiner) in [("oneOf", " | "), ("anyOf", " | "), ("allOf", " &amp; ")] {
            if let Some(Value::Array(branches)) = obj.get(key) {
                let items: Vec<String> = branches.iter().map(|b| self.ty(b, depth + 1)).collect();
                return items.join(joiner);
            }
        }
        let types: Vec<&str> = match obj.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ if obj.contains_key("properties") => vec!["object"],
            _ => return "any JSON".into(),
        };
        let parts: Vec<String> = types
            .iter()
            .map(|t| self.named_type(t, obj, depth))
            .collect();
        parts.join(" | ")
    }

    /// One member of a schema's `type`, with what the schema says of it.
    fn named_type(&self, t: &str, obj: &Map<String, Value>, depth: usize) -> String {
        match t {
            "array" => {
                if let Some(Value::Array(prefix)) = obj.get("prefixItems") {
                    let items: Vec<String> = prefix.iter().map(|p| self.ty(p, depth + 1)).collect();
                    return format!("[{}]", items.join(", "));
                }
                let item = obj
                    .get("items")
                    .map(|i| self.ty(i, depth + 1))
                    .unwrap_or_else(|| "any JSON".into());
                if item.contains(' ') {
                    format!("({item})[]")
                } else {
                    format!("{item}[]")
                }
            }
            "object" => match obj.get("additionalProperties") {
                Some(extra @ Value::Object(_)) if !obj.contains_key("properties") => {
                    format!("map of {}", self.ty(extra, depth + 1))
                }
                _ => "object".into(),
            },
            "string" | "integer" | "number" => match obj.get("format").and_then(Value::as_str) {
                Some(f) => format!("{t} <span class=\"opt\">({})</span>", esc(f)),
                None => t.into(),
            },
            other => esc(other),
        }
    }

    /// The table of an object schema's fields; a type line for anything else.
    pub(super) fn fields(&self, schema: &Value) -> String {
        let resolved = resolve(schema, &self.contract.defs);
        let mut out = String::new();
        if let Some(name) = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(ref_name)
        {
            let _ = write!(
                out,
                "<div class=\"opt\">type <a href=\"#{}\">{}</a></div>",
                anchor("type", &name),
                esc(&name)
            );
        }
        match resolved.get("properties").and_then(Value::as_object) {
            Some(props) if !props.is_empty() => {
                out.push_str(&self.field_table(resolved, props));
                for key in ["oneOf", "anyOf"] {
                    if let Some(branches @ Value::Array(_)) = resolved.get(key) {
                        let union = serde_json::json!({ key: branches });
                        let _ = write!(
                            out,
                            "<div class=\"opt\">and one of: {}</div>",
                            self.ty(&union, 0)
                        );
                    }
                }
            }
            _ => out.push_str(&self.not_a_field_table(resolved)),
        }
        out
    }

    fn field_table(&self, resolved: &Value, props: &Map<String, Value>) -> String {
        let required: Vec<&str> = resolved
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut out = String::from(
            "<table class=\"fields\"><colgroup><col style=\"width:19%\"><col style=\"width:24%\"><col style=\"width:10%\"><col style=\"width:20%\"><col></colgroup><thead><tr><th>field</th><th>type</th><th>required</th><th>constraints</th><th>description</th></tr></thead><tbody>",
        );
        for (name, s) in props {
            let chips: String = constraints(resolve(s, &self.contract.defs))
                .iter()
                .map(|c| format!("<span class=\"constraint\">{}</span>", esc(c)))
                .collect();
            let _ = write!(
                out,
                "<tr><td class=\"field\">{}</td><td class=\"type\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(name),
                self.ty(s, 0),
                if required.contains(&name.as_str()) {
                    "<span class=\"req\">required</span>"
                } else {
                    "<span class=\"opt\">optional</span>"
                },
                chips,
                s.get("description").and_then(Value::as_str).map(prose).unwrap_or_default()
            );
        }
        out.push_str("</tbody></table>");
        out
    }

    /// A schema without fields: the branches of a union, an empty object, or its type.
    fn not_a_field_table(&self, resolved: &Value) -> String {
        let mut out = String::new();
        if let Some(Value::Array(branches)) =
            resolved.get("oneOf").or_else(|| resolved.get("anyOf"))
        {
            out.push_str("<div>one of:</div>");
            for b in branches {
                if b.get("properties").is_some() {
                    out.push_str(&self.fields(b));
                } else {
                    let _ = write!(
                        out,
                        "<div class=\"type\"><code>{}</code> {}</div>",
                        self.ty(b, 0),
                        b.get("description")
                            .and_then(Value::as_str)
                            .map(prose)
                            .unwrap_or_default()
                    );
                }
            }
        } else if resolved.get("type") == Some(&Value::String("object".into()))
            && resolved.get("additionalProperties") == Some(&Value::Bool(false))
        {
            out.push_str("<div class=\"empty\">no fields (send <code>{}</code>)</div>");
        } else {
            let _ = write!(out, "<div class=\"type\">{}</div>", self.ty(resolved, 0));
            let chips: Vec<String> = constraints(resolved);
            if !chips.is_empty() {
                let _ = write!(
                    out,
                    "<div>{}</div>",
                    chips
                        .iter()
                        .map(|c| format!("<span class=\"constraint\">{}</span>", esc(c)))
                        .collect::<String>()
                );
            }
        }
        out
    }
}

/// What a value must meet beyond its type, one phrase each: bounds, lengths, a pattern, a
/// format, the allowed values, a default, deprecation.
pub(super) fn constraints(schema: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let Some(obj) = schema.as_object() else {
        return out;
    };
    for (key, label) in [
        ("minimum", "≥"),
        ("exclusiveMinimum", ">"),
        ("maximum", "≤"),
        ("exclusiveMaximum", "<"),
        ("minLength", "min length"),
        ("maxLength", "max length"),
        ("minItems", "min items"),
        ("maxItems", "max items"),
        ("pattern", "pattern"),
        ("format", "format"),
    ] {
        match obj.get(key) {
            Some(Value::String(s)) => out.push(format!("{label} {s}")),
            Some(v) => out.push(format!("{label} {}", compact(v))),
            None => {}
        }
    }
    if let Some(Value::Array(options)) = obj.get("enum") {
        let names: Vec<String> = options.iter().map(compact).collect();
        out.push(format!("one of {}", names.join(", ")));
    }
    if let Some(v) = obj.get("default") {
        out.push(format!("default {}", compact(v)));
    }
    if obj.get("deprecated") == Some(&Value::Bool(true)) {
        out.push("deprecated".into());
    }
    out
}

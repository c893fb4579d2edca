//! Which JSON types and which values (`enum`, `const`) a schema admits.

use super::*;

const ALL_TYPES: [&str; 6] = ["array", "boolean", "integer", "number", "object", "string"];

pub(super) fn type_names(m: &Map<String, Value>) -> Option<Vec<&str>> {
    match m.get("type")? {
        Value::String(s) => Some(vec![s.as_str()]),
        Value::Array(a) => Some(a.iter().filter_map(Value::as_str).collect()),
        _ => None,
    }
}

pub(super) fn canonical_type(t: &str) -> Option<&'static str> {
    ALL_TYPES.iter().copied().find(|x| *x == t)
}

pub(super) fn value_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The non-null types a schema admits; `None` is any type.
pub(super) fn types_of(
    m: &Map<String, Value>,
    defs: &BTreeMap<String, Value>,
    depth: usize,
) -> Option<BTreeSet<&'static str>> {
    let mut own: Option<BTreeSet<&'static str>> =
        type_names(m).map(|ts| ts.into_iter().filter_map(canonical_type).collect());
    if own.is_none() {
        if let Some(values) = values_of(&Loc::new(&ANY, ""), m) {
            own = Some(values.iter().map(|(v, _)| value_type(v)).collect());
        }
    }
    if depth < 8 {
        if let Some(parts) = m.get("allOf").and_then(Value::as_array) {
            for part in parts {
                let (part, _) = resolve(Loc::new(part, ""), defs);
                if let Some(pm) = part.v.as_object() {
                    if let Some(pt) = types_of(pm, defs, depth + 1) {
                        own = Some(match own {
                            None => pt,
                            Some(o) => o.intersection(&pt).copied().collect(),
                        });
                    }
                }
            }
        }
    }
    own
}

/// `enum` (without `null`) or `const` values, with their pointers.
pub(super) fn values_of(loc: &Loc<'_>, m: &Map<String, Value>) -> Option<Vec<(Value, String)>> {
    if let Some(Value::Array(vs)) = m.get("enum") {
        return Some(
            vs.iter()
                .enumerate()
                .filter(|(_, v)| !v.is_null())
                .map(|(i, v)| (v.clone(), format!("{}/enum/{i}", loc.ptr)))
                .collect(),
        );
    }
    match m.get("const") {
        Some(Value::Null) | None => None,
        Some(c) => Some(vec![(c.clone(), loc.at("const"))]),
    }
}

pub(super) fn accepts(set: &BTreeSet<&'static str>, t: &str) -> bool {
    set.contains(t) || (t == "integer" && set.contains("number"))
}

pub(super) fn all_types() -> BTreeSet<&'static str> {
    ALL_TYPES.iter().copied().collect()
}

pub(super) fn types_text(t: &Option<BTreeSet<&'static str>>) -> String {
    match t {
        None => "any type".into(),
        Some(s) if s.is_empty() => "no type".into(),
        Some(s) => s.iter().copied().collect::<Vec<_>>().join(" | "),
    }
}

fn values_text(vs: &[(Value, String)]) -> String {
    vs.iter()
        .map(|(v, _)| json_text(v))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A branch made only of values (`{"const": "a", "description": ...}`, `{"enum": [...]}`):
/// unions of these are compared as one `enum`.
pub(super) fn is_pure_values(m: &Map<String, Value>) -> bool {
    (m.contains_key("enum") || m.contains_key("const"))
        && m.keys()
            .all(|k| matches!(k.as_str(), "type" | "enum" | "const") || is_annotation_or_ignored(k))
}

/// The one value a schema allows (`const`, or a one-value `enum`).
pub(super) fn single_value(v: &Value) -> Option<&Value> {
    let m = v.as_object()?;
    if let Some(c) = m.get("const") {
        return Some(c);
    }
    match m.get("enum") {
        Some(Value::Array(vs)) if vs.len() == 1 => vs.first(),
        _ => None,
    }
}

impl<'a> Walker<'a> {
    pub(super) fn values(&mut self, o: &Branch<'a>, n: &Branch<'a>, role: Role, label: &str) {
        let ov = values_of(&o.loc, o.loc.map());
        let nv = values_of(&n.loc, n.loc.map());
        match (ov, nv) {
            (Some(ov), Some(nv)) => {
                for (v, ptr) in &ov {
                    if !nv.iter().any(|(w, _)| w == v) {
                        let rule = role.pick(
                            RuleId::RequestEnumValueRemoved,
                            RuleId::ResponseEnumValueRemoved,
                        );
                        let at = n.loc.kw(if n.loc.map().contains_key("enum") {
                            "enum"
                        } else {
                            "const"
                        });
                        self.change(
                            rule,
                            ptr.clone(),
                            at,
                            format!("`{label}` no longer has the value {}", json_text(v)),
                        );
                    }
                }
                for (v, ptr) in &nv {
                    if !ov.iter().any(|(w, _)| w == v) {
                        let rule = role.pick(
                            RuleId::RequestEnumValueAdded,
                            RuleId::ResponseEnumValueAdded,
                        );
                        let at = o.loc.kw(if o.loc.map().contains_key("enum") {
                            "enum"
                        } else {
                            "const"
                        });
                        self.change(
                            rule,
                            at,
                            ptr.clone(),
                            format!("`{label}` has a new value {}", json_text(v)),
                        );
                    }
                }
            }
            (Some(ov), None) => {
                let at = o.loc.kw(if o.loc.map().contains_key("enum") {
                    "enum"
                } else {
                    "const"
                });
                self.change(
                    role.widened_type(),
                    at,
                    n.loc.ptr.clone(),
                    format!("`{label}` is no longer restricted to {}", values_text(&ov)),
                );
            }
            (None, Some(nv)) => {
                let at = n.loc.kw(if n.loc.map().contains_key("enum") {
                    "enum"
                } else {
                    "const"
                });
                self.change(
                    role.narrowed_type(),
                    o.loc.ptr.clone(),
                    at,
                    format!("`{label}` is now restricted to {}", values_text(&nv)),
                );
            }
            (None, None) => {}
        }
    }
}

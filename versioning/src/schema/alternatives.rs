//! Following `$ref`s and flattening unions: a schema as the alternatives it admits.

use super::*;

/// One alternative of a (possibly union) schema, resolved.
#[derive(Debug, Clone)]
pub(super) struct Branch<'a> {
    pub(super) loc: Loc<'a>,
    pub(super) def: Option<String>,
    pub(super) label: String,
}

#[derive(Debug, Default)]
pub(super) struct Alts<'a> {
    /// Where `null` is admitted, if it is.
    pub(super) null: Option<String>,
    pub(super) branches: Vec<Branch<'a>>,
    /// The first definition entered on the way (the schema's named type).
    pub(super) def: Option<String>,
    /// Where the (first) flattened union stands: `.../oneOf`.
    pub(super) union: Option<String>,
    /// Every schema resolved on the way that is not a branch itself (a `$ref`'s target that
    /// is a union), with the definition it is: their documentation is compared too.
    pub(super) containers: Vec<(Option<String>, Loc<'a>)>,
}

/// Follows `$ref` chains (and single-part `allOf` wrappers) to the schema that says something.
/// Returns the last definition entered.
pub(super) fn resolve<'a>(
    loc: Loc<'a>,
    defs: &'a BTreeMap<String, Value>,
) -> (Loc<'a>, Option<String>) {
    let mut cur = loc;
    let mut def = None;
    for _ in 0..32 {
        let Some(m) = cur.v.as_object() else { break };
        if let Some(r) = m.get("$ref").and_then(Value::as_str) {
            match ref_name(r).and_then(|n| defs.get(&n).map(|v| (n, v))) {
                Some((name, v)) => {
                    cur = Loc::new(v, pointer::push("/$defs", &name));
                    def = Some(name);
                    continue;
                }
                None => break,
            }
        }
        if let Some([only]) = m.get("allOf").and_then(Value::as_array).map(Vec::as_slice) {
            if m.keys().all(|k| {
                k == "allOf" || ANNOTATIONS.contains(&k.as_str()) || IGNORED.contains(&k.as_str())
            }) {
                cur = Loc::new(only, format!("{}/allOf/0", cur.ptr));
                continue;
            }
        }
        break;
    }
    (cur, def)
}

/// `anyOf`/`oneOf` with nothing else that constrains: a union to flatten.
fn pure_union(m: &Map<String, Value>) -> Option<(&'static str, &Vec<Value>)> {
    let (key, arr) = if let Some(a) = m.get("anyOf").and_then(Value::as_array) {
        ("anyOf", a)
    } else {
        ("oneOf", m.get("oneOf").and_then(Value::as_array)?)
    };
    let pure = m.keys().all(|k| k == key || is_annotation_or_ignored(k));
    pure.then_some((key, arr))
}

/// A schema that admits only `null`.
fn is_null_schema(v: &Value) -> bool {
    let Some(m) = v.as_object() else {
        return false;
    };
    let only_null = match (m.get("type"), m.get("const"), m.get("enum")) {
        (Some(_), _, _) => {
            type_names(m).is_some_and(|t| !t.is_empty() && t.iter().all(|t| *t == "null"))
        }
        (None, Some(Value::Null), _) => true,
        (None, None, Some(Value::Array(vs))) => !vs.is_empty() && vs.iter().all(Value::is_null),
        _ => false,
    };
    only_null
        && m.keys()
            .all(|k| matches!(k.as_str(), "type" | "const" | "enum") || is_annotation_or_ignored(k))
}

pub(super) fn collect_alts<'a>(
    loc: Loc<'a>,
    label: &str,
    defs: &'a BTreeMap<String, Value>,
    depth: usize,
    out: &mut Alts<'a>,
) {
    let (loc, def) = resolve(loc, defs);
    let label = def.clone().unwrap_or_else(|| label.to_owned());
    if depth == 0 {
        out.def.clone_from(&def);
    }
    match loc.v {
        Value::Bool(false) => {}
        Value::Object(m) => {
            if depth < 16 {
                if let Some((key, arr)) = pure_union(m) {
                    out.union.get_or_insert_with(|| loc.at(key));
                    out.containers.push((def.clone(), loc.clone()));
                    for (i, b) in arr.iter().enumerate() {
                        let here = Loc::new(b, format!("{}/{key}/{i}", loc.ptr));
                        if is_null_schema(b) {
                            out.null.get_or_insert(here.ptr);
                        } else {
                            collect_alts(here, &label, defs, depth + 1, out);
                        }
                    }
                    return;
                }
            }
            if is_null_schema(loc.v) {
                out.null.get_or_insert(loc.ptr.clone());
                return;
            }
            let types = type_names(m);
            let values_have_null = match (m.get("enum"), m.get("const")) {
                (Some(Value::Array(vs)), _) => Some(vs.iter().any(Value::is_null)),
                (_, Some(c)) => Some(c.is_null()),
                _ => None,
            };
            let admits_null = match (&types, values_have_null) {
                (Some(t), Some(v)) => t.contains(&"null") && v,
                (Some(t), None) => t.contains(&"null"),
                (None, Some(v)) => v,
                // no type, no values: any value, null included, unless combinators say more
                (None, None) => !["anyOf", "oneOf", "allOf", "not"]
                    .iter()
                    .any(|k| m.contains_key(*k)),
            };
            if admits_null {
                let at = if values_have_null == Some(true) {
                    loc.kw(if m.contains_key("enum") {
                        "enum"
                    } else {
                        "const"
                    })
                } else {
                    loc.kw("type")
                };
                out.null.get_or_insert(at);
            }
            out.branches.push(Branch { loc, def, label });
        }
        _ => {
            // `true`, or not a schema at all: anything
            out.null.get_or_insert(loc.ptr.clone());
            out.branches.push(Branch { loc, def, label });
        }
    }
}

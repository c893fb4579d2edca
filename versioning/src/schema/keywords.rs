//! Documentation keywords, and keywords the structural comparison does not model.

use super::*;

/// Keywords the structural comparison understands.
const HANDLED: &[&str] = &[
    "type",
    "enum",
    "const",
    "properties",
    "required",
    "additionalProperties",
    "unevaluatedProperties",
    "items",
    "prefixItems",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minProperties",
    "maxProperties",
];

/// Keywords an `allOf` part may have for the part to be merged as a piece of an object.
const MERGEABLE: &[&str] = &[
    "type",
    "properties",
    "required",
    "additionalProperties",
    "$ref",
];

/// Whether an `allOf` is only object pieces (merged) rather than constraints we do not model.
fn all_of_mergeable(m: &Map<String, Value>, defs: &BTreeMap<String, Value>) -> bool {
    let Some(parts) = m.get("allOf").and_then(Value::as_array) else {
        return true;
    };
    parts.iter().all(|p| {
        let (p, _) = resolve(Loc::new(p, ""), defs);
        p.v.as_object().is_some_and(|pm| {
            pm.keys()
                .all(|k| MERGEABLE.contains(&k.as_str()) || is_annotation_or_ignored(k))
        })
    })
}

impl<'a> Walker<'a> {
    pub(super) fn unknown_keywords(&mut self, o: &Loc<'a>, n: &Loc<'a>, label: &str) {
        let (om, nm) = (o.map(), n.map());
        let merge_o = all_of_mergeable(om, self.old_defs);
        let merge_n = all_of_mergeable(nm, self.new_defs);
        let keys: BTreeSet<&String> = om.keys().chain(nm.keys()).collect();
        for k in keys {
            let k = k.as_str();
            if HANDLED.contains(&k) || is_annotation_or_ignored(k) {
                continue;
            }
            if k == "allOf" && merge_o && merge_n {
                continue;
            }
            if om.get(k) != nm.get(k) {
                self.change(
                    RuleId::SchemaKeywordChanged,
                    o.kw(k),
                    n.kw(k),
                    format!(
                        "`{label}`: `{k}` changed; frameproof cannot tell which way, review it"
                    ),
                );
            }
        }
        // a non-object value where a schema should be
        if !o.v.is_object() && !o.v.is_boolean() && o.v != n.v {
            self.change(
                RuleId::SchemaKeywordChanged,
                o.ptr.clone(),
                n.ptr.clone(),
                format!("`{label}` is not a schema and changed"),
            );
        }
    }

    pub(super) fn annotations(&mut self, o: &Loc<'a>, n: &Loc<'a>, label: &str) {
        let (Some(om), Some(nm)) = (o.v.as_object(), n.v.as_object()) else {
            return;
        };
        for k in [
            "description",
            "title",
            "$comment",
            "examples",
            "readOnly",
            "writeOnly",
        ] {
            if om.get(k) != nm.get(k) {
                self.change(
                    RuleId::DescriptionChanged,
                    o.kw(k),
                    n.kw(k),
                    format!("`{label}`: {k} changed"),
                );
            }
        }
        if om.get("default") != nm.get("default") {
            let text = |v: Option<&Value>| v.map(json_text).unwrap_or_else(|| "none".into());
            self.change(
                RuleId::DefaultChanged,
                o.kw("default"),
                n.kw("default"),
                format!(
                    "`{label}`: default was {}, now {}",
                    text(om.get("default")),
                    text(nm.get("default"))
                ),
            );
        }
        let od = om
            .get("deprecated")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let nd = nm
            .get("deprecated")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if od != nd {
            let (rule, message) = if nd {
                (RuleId::Deprecated, format!("`{label}` is now deprecated"))
            } else {
                (
                    RuleId::Undeprecated,
                    format!("`{label}` is no longer deprecated"),
                )
            };
            self.change(rule, o.kw("deprecated"), n.kw("deprecated"), message);
        }
    }
}

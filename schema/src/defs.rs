//! One `$defs` for the whole contract.
//!
//! Requests are what a server deserializes and responses and events what it serializes;
//! schemars describes the two differently (an `Option` field is optional in one and
//! required-but-nullable in the other), so each side has its own generator. Their definitions are
//! merged: a type that looks the same both ways is defined once; a type whose two views differ
//! keeps its name for the serialize view (what clients receive) and gets `Input` appended for the
//! deserialize view. Where schemars would silently rename one of two distinct types that share a
//! name (`Config` and `Config2`), the build fails instead.

use std::collections::{BTreeMap, BTreeSet};

use schemars::{JsonSchema, SchemaGenerator};
use serde_json::Value;

use crate::check::Problem;
use crate::schema_walk::{ref_target, rename_refs};

pub(crate) struct Generators {
    input: SchemaGenerator,
    output: SchemaGenerator,
    /// (side, schemars' base name, type name) for each root type, to catch renamed roots.
    roots: Vec<(Side, String, String, Value)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Input,
    Output,
}

pub(crate) struct MergedDefs {
    pub defs: BTreeMap<String, Value>,
    /// Input-side renames to apply to request payload schemas.
    pub input_renames: BTreeMap<String, String>,
    pub problems: Vec<Problem>,
}

impl Generators {
    pub(crate) fn new() -> Self {
        // integer types carry their range, not a format strict validators refuse
        let settings = schemars::generate::SchemaSettings::draft2020_12()
            .with_transform(crate::ranges::IntegerRanges);
        Generators {
            input: settings.clone().for_deserialize().into_generator(),
            output: settings.for_serialize().into_generator(),
            roots: Vec::new(),
        }
    }

    /// The schema of a request-side type (usually a `$ref`).
    pub(crate) fn input<T: JsonSchema>(&mut self) -> Value {
        let v = self.input.subschema_for::<T>().to_value();
        self.roots.push((
            Side::Input,
            T::schema_name().into_owned(),
            std::any::type_name::<T>().to_owned(),
            v.clone(),
        ));
        v
    }

    /// The schema of a response- or event-side type.
    pub(crate) fn output<T: JsonSchema>(&mut self) -> Value {
        let v = self.output.subschema_for::<T>().to_value();
        self.roots.push((
            Side::Output,
            T::schema_name().into_owned(),
            std::any::type_name::<T>().to_owned(),
            v.clone(),
        ));
        v
    }

    pub(crate) fn finish(mut self) -> MergedDefs {
        let input: BTreeMap<String, Value> =
            self.input.take_definitions(true).into_iter().collect();
        let output: BTreeMap<String, Value> =
            self.output.take_definitions(true).into_iter().collect();
        let mut problems = Vec::new();
        for (side, base, type_name, schema) in &self.roots {
            let Some(target) = schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(ref_target)
            else {
                continue;
            };
            if &target != base {
                problems.push(name_clash(*side, base, &target, Some(type_name)));
            }
        }
        for (side, defs) in [(Side::Input, &input), (Side::Output, &output)] {
            for (base, renamed) in suspected_renames(defs) {
                let already = problems
                    .iter()
                    .any(|p| p.pointer == crate::pointer::push("/$defs", &renamed));
                if !already {
                    problems.push(name_clash(side, &base, &renamed, None));
                }
            }
        }
        let (defs, input_renames, clash) = merge(input, output);
        problems.extend(clash);
        MergedDefs {
            defs,
            input_renames,
            problems,
        }
    }
}

fn name_clash(side: Side, base: &str, renamed: &str, type_name: Option<&str>) -> Problem {
    let which = match type_name {
        Some(t) => format!("`{t}`"),
        None => "a type".to_owned(),
    };
    let view = match side {
        Side::Input => "request",
        Side::Output => "response/event",
    };
    Problem::new(
        crate::pointer::push("/$defs", renamed),
        format!(
            "two different {view} types are both named `{base}` in the schema, so schemars renamed \
             {which} to `{renamed}`; give one of them a distinct name with \
             `#[schemars(rename = \"...\")]` (generic types: `#[schemars(rename = \"Page_for_{{T}}\")]`)"
        ),
    )
}

/// Names schemars made unique by appending a number: `Config2` beside `Config`, where the
/// renamed schema still says it is a `Config` (schemars keeps the original `title`), or has no
/// title to say otherwise.
fn suspected_renames(defs: &BTreeMap<String, Value>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (name, schema) in defs {
        let base = name.trim_end_matches(|c: char| c.is_ascii_digit());
        if base.len() == name.len() || base.is_empty() || !defs.contains_key(base) {
            continue;
        }
        let number: u32 = name[base.len()..].parse().unwrap_or(0);
        if number < 2 {
            continue;
        }
        let title = schema.get("title").and_then(Value::as_str);
        if title.is_none() || title == Some(base) {
            out.push((base.to_owned(), name.clone()));
        }
    }
    out
}

fn merge(
    input: BTreeMap<String, Value>,
    output: BTreeMap<String, Value>,
) -> (
    BTreeMap<String, Value>,
    BTreeMap<String, String>,
    Vec<Problem>,
) {
    // Names whose two views differ, found to a fixpoint: renaming one input def changes the
    // input defs that refer to it.
    let mut differ: BTreeSet<String> = BTreeSet::new();
    loop {
        let renames = input_renames(&differ);
        let mut changed = false;
        for (name, in_schema) in &input {
            if differ.contains(name) {
                continue;
            }
            if let Some(out_schema) = output.get(name) {
                let mut renamed = in_schema.clone();
                rename_refs(&mut renamed, &renames);
                if &renamed != out_schema {
                    differ.insert(name.clone());
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    let renames = input_renames(&differ);
    let mut problems = Vec::new();
    let mut defs = output;
    for (name, mut schema) in input {
        rename_refs(&mut schema, &renames);
        let key = renames.get(&name).cloned().unwrap_or(name);
        match defs.get(&key) {
            Some(existing) if existing == &schema => {}
            Some(_) => problems.push(Problem::new(
                crate::pointer::push("/$defs", &key),
                format!(
                    "`{key}` is needed for the request view of a type whose two views differ, \
                     but another type already has that name; rename one with `#[schemars(rename = \"...\")]`"
                ),
            )),
            None => {
                defs.insert(key, schema);
            }
        }
    }
    (defs, renames, problems)
}

fn input_renames(differ: &BTreeSet<String>) -> BTreeMap<String, String> {
    differ
        .iter()
        .map(|n| (n.clone(), format!("{n}Input")))
        .collect()
}

pub(crate) fn apply_renames(schema: &mut Value, renames: &BTreeMap<String, String>) {
    rename_refs(schema, renames);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn identical_views_are_shared_and_differing_views_split() {
        let input: BTreeMap<String, Value> = [
            ("Money".into(), json!({"type": "object", "properties": {"cents": {"type": "integer"}}})),
            ("Task".into(), json!({"type": "object", "properties": {"note": {"type": ["string", "null"]}, "m": {"$ref": "#/$defs/Money"}}})),
            ("Wrap".into(), json!({"type": "object", "properties": {"t": {"$ref": "#/$defs/Task"}}})),
        ]
        .into_iter()
        .collect();
        let output: BTreeMap<String, Value> = [
            ("Money".into(), json!({"type": "object", "properties": {"cents": {"type": "integer"}}})),
            ("Task".into(), json!({"type": "object", "properties": {"note": {"type": ["string", "null"]}, "m": {"$ref": "#/$defs/Money"}}, "required": ["note"]})),
            ("Wrap".into(), json!({"type": "object", "properties": {"t": {"$ref": "#/$defs/Task"}}})),
        ]
        .into_iter()
        .collect();
        let (defs, renames, problems) = merge(input, output);
        assert!(problems.is_empty());
        // Task differs; Wrap differs only through Task, so it is split too; Money is shared.
        assert_eq!(renames.keys().collect::<Vec<_>>(), ["Task", "Wrap"]);
        assert!(defs.contains_key("Money") && !defs.contains_key("MoneyInput"));
        assert_eq!(
            defs["WrapInput"]["properties"]["t"]["$ref"],
            "#/$defs/TaskInput"
        );
        assert_eq!(defs["Wrap"]["properties"]["t"]["$ref"], "#/$defs/Task");
    }

    #[test]
    fn suspects_numbered_duplicates() {
        let defs: BTreeMap<String, Value> = [
            ("Config".into(), json!({"title": "Config"})),
            ("Config2".into(), json!({"title": "Config"})),
            ("Vec3".into(), json!({"title": "Vec3"})),
            ("Vec".into(), json!({"title": "Vec"})),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            suspected_renames(&defs),
            [("Config".to_owned(), "Config2".to_owned())]
        );
    }
}

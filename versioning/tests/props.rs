//! Properties over the reference contract (examples/timetracker/contract.json):
//! - a contract diffed with itself (any subset of its actions and events, any descriptions,
//!   written and read back) has no changes;
//! - changing only descriptions gives only `description-changed`, which needs a patch;
//! - adding an optional payload field is never breaking, for any side or generated code;
//! - removing a required response field always breaks old clients and needs a major bump.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use serde_json::{json, Value};

use frameproof_schema::Contract;
use frameproof_versioning::{diff, IgnoreFile, Level, Report, RuleId, ALL_SIDES};

fn reference() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/timetracker/contract.json"
    );
    let text = std::fs::read_to_string(path).expect("the reference contract is checked in");
    serde_json::from_str(&text).expect("valid JSON")
}

fn load(v: &Value) -> Contract {
    Contract::from_json_str(&v.to_string(), "test").expect("a loadable contract")
}

/// Pointers of every `description` string in the document, frames left out (derived).
fn description_pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                if at.is_empty() && k == "frames" {
                    continue;
                }
                let here = frameproof_schema::pointer::push(&at, k);
                if k == "description" && child.is_string() {
                    out.push(here);
                } else {
                    description_pointers(child, here, out);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                description_pointers(item, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn set(doc: &mut Value, at: &str, value: Value) {
    if let Some(slot) = doc.pointer_mut(at) {
        *slot = value;
    }
}

/// The reference contract keeping only the chosen actions and events.
fn subset(keep_actions: &[bool], keep_events: &[bool]) -> Value {
    let mut doc = reference();
    doc["fingerprint"] = json!("");
    for (key, keep) in [("actions", keep_actions), ("events", keep_events)] {
        if let Some(items) = doc[key].as_object_mut() {
            let names: Vec<String> = items.keys().cloned().collect();
            for (name, k) in names
                .iter()
                .zip(keep.iter().chain(std::iter::repeat(&true)))
            {
                if !k {
                    items.remove(name);
                }
            }
        }
    }
    doc
}

/// The schema behind a `$ref` (one level), by def name.
fn ref_name(schema: &Value) -> Option<String> {
    schema
        .get("$ref")?
        .as_str()?
        .strip_prefix("#/$defs/")
        .map(str::to_owned)
}

/// Definitions an action response or event data reaches, each an object with required
/// fields: (def name, required field) pairs.
fn required_response_fields(doc: &Value) -> Vec<(String, String)> {
    let mut roots: Vec<&Value> = Vec::new();
    if let Some(actions) = doc["actions"].as_object() {
        roots.extend(actions.values().map(|a| &a["response"]));
    }
    if let Some(events) = doc["events"].as_object() {
        roots.extend(events.values().map(|e| &e["data"]));
    }
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut stack: Vec<String> = Vec::new();
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, c) in m {
                    if k == "$ref" {
                        if let Some(n) = c.as_str().and_then(|r| r.strip_prefix("#/$defs/")) {
                            out.push(n.to_owned());
                        }
                    } else {
                        refs(c, out);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|i| refs(i, out)),
            _ => {}
        }
    }
    for root in roots {
        refs(root, &mut stack);
    }
    while let Some(name) = stack.pop() {
        if seen.insert(name.clone()) {
            refs(&doc["$defs"][&name], &mut stack);
        }
    }
    let mut out = Vec::new();
    for name in seen {
        if let Some(required) = doc["$defs"][&name]["required"].as_array() {
            for field in required.iter().filter_map(Value::as_str) {
                out.push((name.clone(), field.to_owned()));
            }
        }
    }
    out
}

fn field_schema() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!({ "type": "string" })),
        Just(json!({ "type": ["string", "null"] })),
        Just(json!({ "type": "integer", "format": "uint32", "minimum": 0 })),
        Just(json!({ "type": ["boolean", "null"], "default": false })),
        Just(json!({ "type": "array", "items": { "type": "string" } })),
        Just(json!({ "type": "object", "additionalProperties": { "type": "integer" } })),
        Just(json!({ "anyOf": [{ "$ref": "#/$defs/TaskStatus" }, { "type": "null" }] })),
        Just(json!({ "$ref": "#/$defs/Money" })),
        Just(json!({ "type": "string", "enum": ["a", "b"] })),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn a_contract_diffed_with_itself_has_no_changes(
        keep_actions in prop::collection::vec(any::<bool>(), 16),
        keep_events in prop::collection::vec(any::<bool>(), 10),
        texts in prop::collection::vec("[A-Za-z ,.`]{0,40}", 0..12),
        picks in prop::collection::vec(any::<prop::sample::Index>(), 0..12),
    ) {
        let mut doc = subset(&keep_actions, &keep_events);
        let mut pointers = Vec::new();
        description_pointers(&doc, String::new(), &mut pointers);
        if !pointers.is_empty() {
            for (text, pick) in texts.iter().zip(&picks) {
                let at = pick.get(&pointers).clone();
                set(&mut doc, &at, json!(text));
            }
        }
        let contract = load(&doc);
        prop_assert!(diff(&contract, &contract.clone()).is_empty());
        let written = Contract::from_json_str(&contract.to_json_pretty(), "written").expect("reads back");
        let changes = diff(&contract, &written);
        prop_assert!(changes.is_empty(), "{:?}", changes);
    }

    #[test]
    fn changing_descriptions_needs_only_a_patch(
        texts in prop::collection::vec("[A-Za-z ,.`]{1,40}", 1..8),
        picks in prop::collection::vec(any::<prop::sample::Index>(), 1..8),
    ) {
        let old = reference();
        let mut new = old.clone();
        let mut pointers = Vec::new();
        description_pointers(&old, String::new(), &mut pointers);
        for (text, pick) in texts.iter().zip(&picks) {
            let at: &String = pick.get(&pointers);
            set(&mut new, at, json!(format!("{text} (changed)")));
        }
        new["version"] = json!("1.2.1");
        let report = Report::new(&load(&old), &load(&new), ALL_SIDES, &IgnoreFile::default());
        prop_assert!(!report.changes.is_empty());
        prop_assert!(report.changes.iter().all(|c| c.rule == RuleId::DescriptionChanged), "{:?}", report.changes);
        prop_assert_eq!(report.version.required, Level::Patch);
        prop_assert!(report.version.ok);
    }

    #[test]
    fn adding_an_optional_payload_field_is_never_breaking(
        action in any::<prop::sample::Index>(),
        name in "[a-z][a-z_]{0,12}",
        schema in field_schema(),
    ) {
        let old = reference();
        let mut new = old.clone();
        let actions: Vec<String> = old["actions"].as_object().map(|a| a.keys().cloned().collect()).unwrap_or_default();
        let action = action.get(&actions).clone();
        let field = format!("new_{name}");
        let payload = &old["actions"][&action]["payload"];
        let at = match ref_name(payload) {
            Some(def) => format!("/$defs/{def}/properties"),
            None => format!("/actions/{}/payload/properties", frameproof_schema::pointer::escape(&action)),
        };
        let Some(Value::Object(props)) = new.pointer_mut(&at) else {
            return Err(TestCaseError::reject("the payload has no properties"));
        };
        prop_assume!(!props.contains_key(&field));
        props.insert(field.clone(), schema);
        let report = Report::new(&load(&old), &load(&new), ALL_SIDES, &IgnoreFile::default());
        prop_assert!(report.changes.iter().all(|c| !c.breaks.any()), "{:#?}", report.changes);
        prop_assert!(report.changes.iter().any(|c| c.rule == RuleId::RequestFieldAdded), "{:#?}", report.changes);
        prop_assert!(report.version.required <= Level::Minor);
        prop_assert_eq!(report.summary.breaking, 0);
    }

    #[test]
    fn removing_a_required_response_field_always_breaks(pick in any::<prop::sample::Index>()) {
        let old = reference();
        let candidates = required_response_fields(&old);
        prop_assert!(!candidates.is_empty());
        let (def, field) = pick.get(&candidates).clone();
        let mut new = old.clone();
        if let Some(Value::Object(props)) = new.pointer_mut(&format!("/$defs/{def}/properties")) {
            props.remove(&field);
        }
        if let Some(Value::Array(required)) = new.pointer_mut(&format!("/$defs/{def}/required")) {
            required.retain(|r| r.as_str() != Some(field.as_str()));
        }
        new["version"] = json!("1.3.0");
        let report = Report::new(&load(&old), &load(&new), ALL_SIDES, &IgnoreFile::default());
        let removed: Vec<_> = report
            .changes
            .iter()
            .filter(|c| c.rule == RuleId::ResponseFieldRemoved)
            .collect();
        prop_assert!(!removed.is_empty(), "{def}.{field}: {:#?}", report.changes);
        prop_assert!(removed.iter().all(|c| c.breaks.clients && c.breaks.codegen));
        prop_assert_eq!(report.version.required, Level::Major);
        prop_assert!(!report.version.ok, "a minor bump must not pass");
        let by_rule: BTreeMap<&str, usize> = report.version.requirements[0].rules.clone();
        prop_assert!(by_rule.contains_key("response-field-removed"));
    }
}

/// Not random: every description of the reference contract changed at once is reported, each
/// exactly once, at its own pointer. Nothing documented is left out of the comparison.
#[test]
fn every_description_is_compared() {
    let old = reference();
    let mut new = old.clone();
    let mut pointers = Vec::new();
    description_pointers(&old, String::new(), &mut pointers);
    assert!(pointers.len() > 20, "{pointers:?}");
    for (i, at) in pointers.iter().enumerate() {
        set(&mut new, at, json!(format!("changed {i}")));
    }
    let changes = diff(&load(&old), &load(&new));
    assert!(
        changes.iter().all(|c| c.rule == RuleId::DescriptionChanged),
        "{changes:#?}"
    );
    let reported: BTreeSet<&str> = changes.iter().map(|c| c.old_pointer.as_str()).collect();
    let expected: BTreeSet<&str> = pointers.iter().map(String::as_str).collect();
    assert_eq!(reported, expected);
    assert_eq!(changes.len(), pointers.len());
}

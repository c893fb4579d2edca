//! The JSON Schema shapes schemars (and hand-written contracts) use for the same thing compare
//! equal, and structural changes inside them are found: `Option` as `type: [X, "null"]` or
//! `anyOf`, `enum` or a `oneOf` of `const`s, tagged unions, maps, tuples, `allOf` (flatten),
//! `$ref` cycles, renamed definitions.

use frameproof_schema::Contract;
use frameproof_versioning::{catalogue, diff, Change, RuleId};
use serde_json::{json, Value};

/// The example contract with `UpdateItem.field` (a payload) and `Item.field` (a response) set
/// to `old` and `new`, and extra definitions.
fn pair(old: Value, new: Value, defs_old: Value, defs_new: Value) -> Vec<Change> {
    let build = |field: Value, defs: Value| {
        let mut v = catalogue::example_contract();
        v["$defs"]["UpdateItem"]["properties"]["field"] = field.clone();
        v["$defs"]["Item"]["properties"]["field"] = field;
        if let Value::Object(extra) = defs {
            for (k, d) in extra {
                v["$defs"][k] = d;
            }
        }
        Contract::from_json_str(&v.to_string(), "test").expect("loads")
    };
    diff(&build(old, defs_old), &build(new, defs_new))
}

fn rules(changes: &[Change]) -> Vec<&'static str> {
    changes.iter().map(|c| c.rule.id()).collect()
}

#[test]
fn option_shapes_are_the_same() {
    let a = json!({ "type": ["string", "null"], "maxLength": 10 });
    let b = json!({ "anyOf": [{ "type": "string", "maxLength": 10 }, { "type": "null" }] });
    let c = json!({ "oneOf": [{ "type": "null" }, { "type": "string", "maxLength": 10 }] });
    assert_eq!(
        rules(&pair(a.clone(), b.clone(), json!({}), json!({}))),
        Vec::<&str>::new()
    );
    assert_eq!(
        rules(&pair(b, c.clone(), json!({}), json!({}))),
        Vec::<&str>::new()
    );
    assert_eq!(rules(&pair(c, a, json!({}), json!({}))), Vec::<&str>::new());
}

#[test]
fn option_of_a_ref_is_the_same_as_a_nullable_inline_enum() {
    let by_ref = json!({ "anyOf": [{ "$ref": "#/$defs/Color" }, { "type": "null" }] });
    let inline = json!({ "type": ["string", "null"], "enum": ["red", "green", null] });
    let defs = json!({ "Color": { "type": "string", "enum": ["red", "green"] } });
    assert_eq!(
        rules(&pair(by_ref, inline, defs.clone(), defs)),
        Vec::<&str>::new()
    );
}

#[test]
fn an_enum_is_a_one_of_consts() {
    let e = json!({ "type": "string", "enum": ["a", "b"] });
    let consts = json!({ "oneOf": [
        { "type": "string", "const": "a" },
        { "type": "string", "const": "b" }
    ] });
    assert_eq!(
        rules(&pair(e.clone(), consts.clone(), json!({}), json!({}))),
        Vec::<&str>::new()
    );
    // a unit variant's doc comment is documentation an `enum` cannot carry
    let documented = json!({ "oneOf": [
        { "type": "string", "const": "a", "description": "The first." },
        { "type": "string", "const": "b" }
    ] });
    let found = pair(e, documented.clone(), json!({}), json!({}));
    assert_eq!(
        rules(&found),
        ["description-changed", "description-changed"]
    );
    let more = json!({ "oneOf": [
        { "type": "string", "const": "a", "description": "The first." },
        { "type": "string", "const": "b" },
        { "type": "string", "const": "c" }
    ] });
    let found = pair(documented, more, json!({}), json!({}));
    assert_eq!(
        rules(&found),
        ["response-enum-value-added", "request-enum-value-added"]
    );
}

#[test]
fn becoming_nullable_widens_both_ways() {
    let found = pair(
        json!({ "type": "string" }),
        json!({ "anyOf": [{ "type": "string" }, { "type": "null" }] }),
        json!({}),
        json!({}),
    );
    // a response that may be null breaks old clients; a payload that may be null breaks nobody
    assert_eq!(
        rules(&found),
        ["response-type-widened", "request-type-widened"]
    );
    assert!(found.iter().all(|c| c.message.contains("now admits null")));
}

#[test]
fn tagged_union_variants_are_matched_by_tag_not_position() {
    let v = |kind: &str, field: &str, ty: &str| {
        json!({ "type": "object",
                "properties": { "kind": { "type": "string", "const": kind }, field: { "type": ty } },
                "required": ["kind", field] })
    };
    let old = json!({ "oneOf": [v("text", "text", "string"), v("file", "url", "string")] });
    // reordered, and `file.url` changed type
    let new = json!({ "oneOf": [v("file", "url", "integer"), v("text", "text", "string")] });
    let found = pair(old, new, json!({}), json!({}));
    assert_eq!(
        rules(&found),
        ["response-type-changed", "request-type-changed"]
    );
    assert_eq!(
        found[1].old_pointer,
        "/$defs/UpdateItem/properties/field/oneOf/1/properties/url/type"
    );
    assert_eq!(
        found[1].new_pointer,
        "/$defs/UpdateItem/properties/field/oneOf/0/properties/url/type"
    );
}

#[test]
fn external_tagging_uses_the_only_key() {
    let v = |key: &str| {
        json!({ "type": "object", "properties": { key: { "type": "string" } },
                "required": [key], "additionalProperties": false })
    };
    let old = json!({ "oneOf": [{ "type": "string", "enum": ["Unit"] }, v("Named"), v("Other")] });
    let new = json!({ "oneOf": [{ "type": "string", "enum": ["Unit", "Unit2"] }, v("Named")] });
    let found = pair(old, new, json!({}), json!({}));
    let mut got = rules(&found);
    got.sort();
    assert_eq!(
        got,
        [
            "request-enum-value-added",
            "request-variant-removed",
            "response-enum-value-added",
            "response-variant-removed"
        ]
    );
}

#[test]
fn maps_compare_their_values() {
    let found = pair(
        json!({ "type": "object", "additionalProperties": { "type": "integer", "format": "uint32", "minimum": 0 } }),
        json!({ "type": "object", "additionalProperties": { "type": "integer", "format": "uint64", "minimum": 0 } }),
        json!({}),
        json!({}),
    );
    assert_eq!(
        rules(&found),
        ["response-constraint-widened", "request-constraint-widened"]
    );
    assert!(found[0]
        .old_pointer
        .ends_with("/additionalProperties/format"));
    assert!(
        found[0].message.contains("Item.field{*}"),
        "{}",
        found[0].message
    );
}

#[test]
fn tuples_compare_by_position_and_length() {
    let t2 = json!({ "type": "array", "prefixItems": [{ "type": "string" }, { "type": "integer" }], "items": false, "minItems": 2, "maxItems": 2 });
    let t2b = json!({ "type": "array", "prefixItems": [{ "type": "string" }, { "type": "number" }], "items": false, "minItems": 2, "maxItems": 2 });
    let found = pair(t2.clone(), t2b, json!({}), json!({}));
    assert_eq!(
        rules(&found),
        ["response-type-widened", "request-type-widened"]
    );
    let t3 = json!({ "type": "array", "prefixItems": [{ "type": "string" }, { "type": "integer" }, { "type": "integer" }], "items": false, "minItems": 3, "maxItems": 3 });
    let found = pair(t2, t3, json!({}), json!({}));
    assert!(
        rules(&found).contains(&"request-type-changed"),
        "{:?}",
        rules(&found)
    );
}

#[test]
fn flattened_all_of_parts_are_merged() {
    let defs = json!({ "Base": { "type": "object", "properties": { "id": { "type": "string" } }, "required": ["id"] } });
    let flat = json!({ "allOf": [{ "$ref": "#/$defs/Base" }, { "type": "object", "properties": { "n": { "type": "integer" } }, "required": ["n"] }] });
    let inline = json!({ "type": "object", "properties": { "id": { "type": "string" }, "n": { "type": "integer" } }, "required": ["id", "n"] });
    assert_eq!(
        rules(&pair(flat.clone(), inline, defs.clone(), defs.clone())),
        Vec::<&str>::new()
    );
    let fewer = json!({ "allOf": [{ "$ref": "#/$defs/Base" }, { "type": "object", "properties": {}, "required": [] }] });
    let found = pair(flat, fewer, defs.clone(), defs);
    assert!(
        rules(&found).contains(&"response-field-removed"),
        "{:?}",
        rules(&found)
    );
}

#[test]
fn ref_cycles_end_and_renames_are_found() {
    let tree = |name: &str| {
        json!({ "type": "object",
                "properties": { "label": { "type": "string" },
                                "children": { "type": "array", "items": { "$ref": format!("#/$defs/{name}") } } },
                "required": ["label", "children"] })
    };
    let old_defs = json!({ "Tree": tree("Tree") });
    let mut renamed = tree("Node");
    renamed["properties"]["label"] = json!({ "type": "integer" });
    let new_defs = json!({ "Node": renamed });
    let found = pair(
        json!({ "$ref": "#/$defs/Tree" }),
        json!({ "$ref": "#/$defs/Node" }),
        old_defs,
        new_defs,
    );
    let mut got = rules(&found);
    got.sort();
    assert_eq!(
        got,
        [
            "def-renamed",
            "request-type-changed",
            "response-type-changed"
        ]
    );
    let renamed = found
        .iter()
        .find(|c| c.rule == RuleId::DefRenamed)
        .expect("renamed");
    assert_eq!(
        (renamed.old_pointer.as_str(), renamed.new_pointer.as_str()),
        ("/$defs/Tree", "/$defs/Node")
    );
}

#[test]
fn integer_formats_are_ranges() {
    let found = pair(
        json!({ "type": "integer", "format": "uint64", "minimum": 0 }),
        json!({ "type": "integer", "format": "uint32", "minimum": 0 }),
        json!({}),
        json!({}),
    );
    // a smaller range refuses old clients' large values; old servers may still send them
    assert_eq!(
        rules(&found),
        [
            "request-constraint-narrowed",
            "response-constraint-narrowed"
        ]
    );
}

#[test]
fn string_formats_and_lengths() {
    let found = pair(
        json!({ "type": "string", "format": "date", "maxLength": 10 }),
        json!({ "type": "string", "format": "date-time", "maxLength": 10, "minLength": 1 }),
        json!({}),
        json!({}),
    );
    let mut got = rules(&found);
    got.sort();
    assert_eq!(
        got,
        [
            "request-constraint-narrowed",
            "request-constraint-narrowed",
            "request-constraint-widened",
            "response-constraint-narrowed",
            "response-constraint-narrowed",
            "response-constraint-widened"
        ]
    );
}

#[test]
fn a_shared_definition_is_judged_once_per_role_with_every_use() {
    let defs_old = json!({ "Tag": { "type": "string", "enum": ["a", "b"] } });
    let defs_new = json!({ "Tag": { "type": "string", "enum": ["a"] } });
    let r = json!({ "$ref": "#/$defs/Tag" });
    let found = pair(r.clone(), r, defs_old, defs_new);
    assert_eq!(
        rules(&found),
        ["request-enum-value-removed", "response-enum-value-removed"]
    );
    let response = &found[1];
    assert_eq!(
        response.used_by,
        [
            "action `items.get` response",
            "action `items.update` response",
            "event `ItemUpdated` data"
        ]
    );
}

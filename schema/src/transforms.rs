//! Schema transforms for protocols whose conventions schemars does not follow by default.

use serde_json::Value;

/// For protocols whose optional members are left out, never `null` (MCP, Discord's gateway):
/// schemars describes an `Option` as nullable (`{"type": ["string", "null"]}`, or `anyOf` with
/// `{"type": "null"}`); this takes the `null` back out of every member the object does not
/// require. Apply it with `#[schemars(transform = frameproof::absent_not_null)]`.
pub fn absent_not_null(schema: &mut schemars::Schema) {
    let required: Vec<String> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let Some(Value::Object(properties)) = schema.get_mut("properties") else {
        return;
    };
    for (name, member) in properties.iter_mut() {
        if !required.contains(name) {
            without_null(member);
        }
    }
}

fn without_null(member: &mut Value) {
    let Value::Object(obj) = member else { return };
    // {"type": ["string", "null"]} → {"type": "string"}
    if let Some(Value::Array(types)) = obj.get_mut("type") {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let only = types.remove(0);
            obj.insert("type".into(), only);
        }
    }
    // {"anyOf": [X, {"type": "null"}]} → X (keeping what stands beside the anyOf)
    let null = serde_json::json!({ "type": "null" });
    if let Some(Value::Array(branches)) = obj.get_mut("anyOf") {
        branches.retain(|b| *b != null);
        if branches.len() == 1 {
            if let Some(Value::Object(only)) = branches.pop() {
                obj.remove("anyOf");
                for (k, v) in only {
                    obj.entry(k).or_insert(v);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn optional_members_lose_null_required_ones_keep_it() {
        let mut schema: schemars::Schema = json!({
            "type": "object",
            "required": ["id"],
            "properties": {
                "id": {"type": ["string", "null"]},
                "cursor": {"type": ["string", "null"]},
                "meta": {"anyOf": [{"$ref": "#/$defs/Meta"}, {"type": "null"}]}
            }
        })
        .try_into()
        .expect("a schema");
        absent_not_null(&mut schema);
        let v = schema.as_value();
        assert_eq!(v["properties"]["id"]["type"], json!(["string", "null"]));
        assert_eq!(v["properties"]["cursor"]["type"], json!("string"));
        assert!(!v["properties"]["meta"].to_string().contains("null"), "{v}");
    }
}

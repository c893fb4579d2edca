//! Walks over the contract's JSON Schemas shared by the generators: `$ref` targets, object
//! fields, reference rewriting, and whole-frame schemas per message built from the envelope
//! layout.

use std::collections::BTreeMap;

use frameproof_schema::sample::{sample, Rng};
use frameproof_schema::{
    ActionSpec, Contract, ControlFrame, Envelope, ErrorCodeType, EventSpec, Scope, Template,
    TemplatePart,
};
use serde_json::{json, Map, Value};

/// The def a local reference names (`#/$defs/Task` → `Task`), pointer-unescaped.
pub(crate) fn ref_name(reference: &str) -> Option<String> {
    frameproof_schema::def_name_of_ref(reference)
}

/// Follows `$ref`s (a bounded number of hops) to the schema they name.
pub(crate) fn resolve<'a>(schema: &'a Value, defs: &'a BTreeMap<String, Value>) -> &'a Value {
    frameproof_schema::resolve_ref(schema, defs)
}

/// One declared field of an object schema.
#[derive(Debug, Clone)]
pub(crate) struct Field<'a> {
    pub name: String,
    pub schema: &'a Value,
    pub required: bool,
}

/// The fields an object schema declares (through `$ref`s and `allOf`), in declaration order;
/// `None` when the schema is not an object schema with properties.
pub(crate) fn object_fields<'a>(
    schema: &'a Value,
    defs: &'a BTreeMap<String, Value>,
) -> Option<Vec<Field<'a>>> {
    let schema = resolve(schema, defs);
    let obj = schema.as_object()?;
    let mut out: Vec<Field<'a>> = Vec::new();
    let required: Vec<&str> = obj
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if let Some(Value::Object(props)) = obj.get("properties") {
        for (name, s) in props {
            out.push(Field {
                name: name.clone(),
                schema: s,
                required: required.contains(&name.as_str()),
            });
        }
    }
    if let Some(Value::Array(parts)) = obj.get("allOf") {
        for part in parts {
            if let Some(fields) = object_fields(part, defs) {
                for f in fields {
                    if !out.iter().any(|o| o.name == f.name) {
                        out.push(f);
                    }
                }
            }
        }
    }
    let is_object = obj.get("type").and_then(Value::as_str) == Some("object")
        || obj.contains_key("properties")
        || obj.contains_key("allOf");
    is_object.then_some(out)
}

/// Rewrites every local `$ref` with `rename` (def name → new reference), in place.
pub(crate) fn rewrite_refs(schema: &mut Value, rename: &dyn Fn(&str) -> Option<String>) {
    match schema {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if k == "$ref" {
                    if let Value::String(r) = v {
                        if let Some(new) = ref_name(r).and_then(|n| rename(&n)) {
                            *r = new;
                        }
                    }
                } else {
                    rewrite_refs(v, rename);
                }
            }
        }
        Value::Array(items) => {
            for v in items {
                rewrite_refs(v, rename);
            }
        }
        _ => {}
    }
}

/// The names of the defs a schema refers to, directly.
pub(crate) fn direct_refs(schema: &Value, out: &mut Vec<String>) {
    match schema {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "$ref" {
                    if let Some(n) = v.as_str().and_then(ref_name) {
                        if !out.contains(&n) {
                            out.push(n);
                        }
                    }
                } else {
                    direct_refs(v, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| direct_refs(v, out)),
        _ => {}
    }
}

/// JSON pointer segments (`/a/b~1c` → `["a", "b/c"]`); the empty pointer has none.
pub(crate) fn pointer_segments(pointer: &str) -> Vec<String> {
    if pointer.is_empty() {
        return Vec::new();
    }
    pointer
        .trim_start_matches('/')
        .split('/')
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// Builds an object schema from members placed at JSON pointers. A member at the empty pointer
/// is the whole frame: the result is then the `allOf` of it and the other members.
#[derive(Debug, Default)]
pub(crate) struct FrameBuilder {
    root: Map<String, Value>,
    whole: Vec<Value>,
}

impl FrameBuilder {
    pub(crate) fn new() -> FrameBuilder {
        FrameBuilder::default()
    }

    pub(crate) fn put(&mut self, pointer: &str, schema: Value, required: bool) -> &mut Self {
        let segments = pointer_segments(pointer);
        if segments.is_empty() {
            self.whole.push(schema);
            return self;
        }
        insert_at(&mut self.root, &segments, schema, required);
        self
    }

    pub(crate) fn build(self) -> Value {
        let mut root = self.root;
        root.insert("type".into(), json!("object"));
        let object = Value::Object(root);
        if self.whole.is_empty() {
            return object;
        }
        let mut all = self.whole;
        all.push(object);
        json!({ "allOf": all })
    }
}

fn insert_at(obj: &mut Map<String, Value>, segments: &[String], schema: Value, required: bool) {
    let Some((first, rest)) = segments.split_first() else {
        return;
    };
    if required {
        let req = obj
            .entry("required")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = req {
            if !list.iter().any(|v| v.as_str() == Some(first.as_str())) {
                list.push(Value::String(first.clone()));
            }
        }
    }
    let props = obj
        .entry("properties")
        .or_insert_with(|| Value::Object(Map::new()));
    let Value::Object(props) = props else {
        return;
    };
    if rest.is_empty() {
        props.insert(first.clone(), schema);
        return;
    }
    let child = props
        .entry(first.clone())
        .or_insert_with(|| json!({ "type": "object" }));
    if let Value::Object(child) = child {
        insert_at(child, rest, schema, required);
    }
}

/// A topic or path pattern's parts (`task:{task_id}` → `task:`, then the parameter
/// `task_id`), through the one template parser; a pattern that is not a template is one literal.
pub(crate) fn template_parts(pattern: &str) -> Vec<TemplatePart> {
    Template::parse(pattern).map_or_else(
        |_| vec![TemplatePart::Literal(pattern.to_owned())],
        |t| t.parts().to_vec(),
    )
}

/// The anchored regex of a topic pattern (`task:{task_id}` → `^task:.+$`).
pub(crate) fn topic_regex(pattern: &str) -> String {
    let body: String = template_parts(pattern)
        .iter()
        .map(|part| match part {
            TemplatePart::Literal(text) => regex_escape(text),
            TemplatePart::Param(_) => ".+".to_owned(),
        })
        .collect();
    format!("^{body}$")
}

fn regex_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A concrete topic: each `{param}` replaced by the data's field of that name.
pub(crate) fn fill_topic(pattern: &str, data: &Value) -> String {
    template_parts(pattern)
        .iter()
        .map(|part| match part {
            TemplatePart::Literal(text) => text.clone(),
            TemplatePart::Param(param) => match data.get(param) {
                Some(Value::String(s)) if !s.is_empty() => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                Some(Value::Bool(b)) => b.to_string(),
                _ => format!("{param}_1"),
            },
        })
        .collect()
}

/// Whole-frame schemas of one contract's messages, built from its envelope layout.
pub(crate) struct Frames<'a> {
    pub contract: &'a Contract,
}

impl<'a> Frames<'a> {
    pub(crate) fn new(contract: &'a Contract) -> Frames<'a> {
        Frames { contract }
    }

    fn envelope(&self) -> &Envelope {
        &self.contract.envelope
    }

    fn constants(b: &mut FrameBuilder, constants: &BTreeMap<String, Value>) {
        for (pointer, value) in constants {
            b.put(pointer, json!({ "const": value }), true);
        }
    }

    /// `{"id", "action": <name>, "payload"}` in the frameproof profile.
    pub(crate) fn request(&self, name: &str, action: &ActionSpec) -> Value {
        let r = &self.envelope().request;
        let mut b = FrameBuilder::new();
        b.put(&r.id, r.id_schema.clone(), true);
        b.put(&r.action, json!({ "const": name }), true);
        b.put(&r.payload, action.payload.clone(), true);
        Self::constants(&mut b, &r.constants);
        b.build()
    }

    /// The ok response to `action`.
    pub(crate) fn ok(&self, action: &ActionSpec) -> Value {
        let r = &self.envelope().response;
        let mut b = FrameBuilder::new();
        b.put(&r.id, self.envelope().request.id_schema.clone(), true);
        if let Some(status) = &r.status {
            b.put(&status.pointer, json!({ "const": status.ok }), true);
        }
        b.put(&r.data, action.response.clone(), true);
        Self::constants(&mut b, &r.constants);
        b.build()
    }

    /// The error codes an action may answer: its own and those marked `any_action`.
    pub(crate) fn action_error_codes(&self, action: &ActionSpec) -> Vec<String> {
        let mut codes: Vec<String> = action.errors.clone();
        for (code, spec) in &self.contract.errors {
            if spec.any_action && !codes.contains(code) {
                codes.push(code.clone());
            }
        }
        codes.sort();
        codes
    }

    /// The schema of an error code as the envelope carries it (names or `rpc_code`s).
    pub(crate) fn code_schema(&self, codes: &[String]) -> Value {
        match self.envelope().response.error_code_type {
            ErrorCodeType::Name => json!({ "type": "string", "enum": codes }),
            ErrorCodeType::Number => {
                let numbers: Vec<i64> = codes
                    .iter()
                    .filter_map(|c| self.contract.errors.get(c).and_then(|e| e.rpc_code))
                    .collect();
                json!({ "type": "integer", "enum": numbers })
            }
        }
    }

    /// An error response with one of `codes` (every code of the table when `None`).
    pub(crate) fn error(&self, codes: Option<&[String]>) -> Value {
        let all: Vec<String>;
        let codes = match codes {
            Some(c) => c,
            None => {
                all = self.contract.errors.keys().cloned().collect();
                &all
            }
        };
        let r = &self.envelope().response;
        let mut err = FrameBuilder::new();
        err.put(&r.error_code, self.code_schema(codes), true);
        err.put(&r.error_message, json!({ "type": "string" }), true);
        err.put(&r.error_details, json!({}), false);
        let mut b = FrameBuilder::new();
        b.put(
            &r.id,
            json!({ "anyOf": [self.envelope().request.id_schema.clone(), { "type": "null" }] }),
            true,
        );
        if let Some(status) = &r.status {
            b.put(&status.pointer, json!({ "const": status.error }), true);
        }
        b.put(&r.error, err.build(), true);
        Self::constants(&mut b, &r.constants);
        b.build()
    }

    /// An event frame: its name, data and the scope's members.
    pub(crate) fn event(&self, name: &str, event: &EventSpec) -> Value {
        let e = &self.envelope().event;
        let mut b = FrameBuilder::new();
        b.put(&e.name, json!({ "const": name }), true);
        b.put(&e.data, event.data.clone(), true);
        match &event.scope {
            Scope::Tenant => {
                if let Some(p) = &e.tenant {
                    b.put(p, json!({ "type": "string" }), true);
                }
            }
            Scope::Topic { pattern } => {
                if let Some(p) = &e.topic {
                    b.put(
                        p,
                        json!({
                            "type": "string",
                            "pattern": topic_regex(pattern),
                            "description": format!("a topic matching `{pattern}`"),
                        }),
                        true,
                    );
                }
            }
            Scope::Connection | Scope::Subscription { .. } => {}
        }
        for (p, s) in &e.optional {
            b.put(p, s.clone(), false);
        }
        Self::constants(&mut b, &e.constants);
        b.build()
    }

    /// An example event frame: sampled from its schema, the topic filled from the data's fields
    /// (each `{param}` of a topic pattern names one).
    pub(crate) fn sample_event(&self, name: &str, event: &EventSpec, rng: &mut Rng) -> Value {
        let mut frame = sample(&self.event(name, event), &self.contract.defs, rng);
        if let Scope::Topic { pattern } = &event.scope {
            let data = self
                .contract
                .event_data(&frame)
                .cloned()
                .unwrap_or(Value::Null);
            let topic = fill_topic(pattern, &data);
            self.contract.set_event_topic(&mut frame, &topic);
        }
        frame
    }

    /// The control frames of the envelope.
    pub(crate) fn controls(&self) -> &[ControlFrame] {
        &self.envelope().control
    }
}

/// What follows "Deprecated" in a description: ` since 1.2.0: use tasks.move` (each part when
/// the contract gives it).
pub(crate) fn deprecation_note(d: &frameproof_schema::Deprecation) -> String {
    let since = d
        .since
        .as_ref()
        .map(|s| format!(" since {s}"))
        .unwrap_or_default();
    if d.note.is_empty() {
        since
    } else {
        format!("{since}: {}", d.note)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_builder_nests_and_merges_the_whole_frame() {
        let mut b = FrameBuilder::new();
        b.put("/id", json!({"type": "string"}), true);
        b.put("/error/code", json!({"type": "string"}), true);
        b.put("/trace", json!({"type": "string"}), false);
        let v = b.build();
        assert_eq!(v["required"], json!(["id", "error"]));
        assert_eq!(v["properties"]["error"]["required"], json!(["code"]));
        let mut b = FrameBuilder::new();
        b.put("", json!({"$ref": "#/$defs/X"}), true);
        b.put("/type", json!({"const": "X"}), true);
        let v = b.build();
        assert_eq!(v["allOf"][0], json!({"$ref": "#/$defs/X"}));
    }

    #[test]
    fn refs() {
        assert_eq!(ref_name("#/$defs/A~1B").as_deref(), Some("A/B"));
        assert_eq!(ref_name("#/$defs/A%20B").as_deref(), Some("A B"));
        assert_eq!(ref_name("#/definitions/A"), None);
        assert_eq!(pointer_segments("/a/b~1c"), vec!["a", "b/c"]);
        assert_eq!(topic_regex("task:{task_id}"), "^task:.+$");
        assert_eq!(topic_regex("a.b/{x}-y"), "^a\\.b/.+-y$");
        assert_eq!(
            fill_topic("task:{task_id}", &json!({"task_id": "t1"})),
            "task:t1"
        );
        assert_eq!(fill_topic("user:{id}", &json!({})), "user:id_1");
    }
}

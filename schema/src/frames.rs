//! Whole-frame schemas, derived from the envelope layout and the contract's items.
//!
//! The client schema accepts any request of a WebSocket action (the payload checked against
//! that action's schema through `if`/`then` on the action name) or any client control frame.
//! The server schema accepts an ok response (data matching some action's response, since a
//! single frame does not say which request it answers), an error response with a known code,
//! any event (data and scope members checked per event name) or a server control frame.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::document::{ActionSpec, Direction, ErrorSpec, EventSpec, FrameSchemas, Scope};
use crate::envelope::{Envelope, ErrorCodeType, UnreadErrorId};
use crate::pointer;

/// Builds object schemas by placing member schemas at JSON pointers.
#[derive(Default)]
struct ObjectBuilder {
    root: Map<String, Value>,
    whole: Vec<Value>,
}

impl ObjectBuilder {
    fn new() -> Self {
        ObjectBuilder::default()
    }

    /// Places `schema` at `ptr`. The empty pointer constrains the whole frame.
    fn place(&mut self, ptr: &str, schema: Value, required: bool) -> Result<(), String> {
        let segs = pointer::segments(ptr).map_err(|e| e.to_string())?;
        if segs.is_empty() {
            self.whole.push(schema);
            return Ok(());
        }
        place_in(&mut self.root, &segs, schema, required);
        Ok(())
    }

    fn constants(&mut self, constants: &BTreeMap<String, Value>) -> Result<(), String> {
        for (ptr, v) in constants {
            self.place(ptr, json!({ "const": v }), true)?;
        }
        Ok(())
    }

    fn build(self) -> Value {
        let mut obj = self.root;
        obj.insert("type".into(), json!("object"));
        if !self.whole.is_empty() {
            let mut all = obj
                .remove("allOf")
                .and_then(|v| v.as_array().cloned())
                .unwrap_or_default();
            all.extend(self.whole);
            obj.insert("allOf".into(), Value::Array(all));
        }
        Value::Object(obj)
    }
}

fn place_in(obj: &mut Map<String, Value>, segs: &[String], schema: Value, required: bool) {
    let Some((first, rest)) = segs.split_first() else {
        return;
    };
    obj.entry("type").or_insert_with(|| json!("object"));
    if required {
        let req = obj.entry("required").or_insert_with(|| json!([]));
        if let Value::Array(list) = req {
            if !list.iter().any(|v| v == first) {
                list.push(Value::String(first.clone()));
            }
        }
    }
    let props = obj.entry("properties").or_insert_with(|| json!({}));
    let Value::Object(props) = props else { return };
    if rest.is_empty() {
        match props.get_mut(first) {
            // two constraints on one member: both must hold
            Some(existing) => {
                let prev = existing.take();
                *existing = json!({ "allOf": [prev, schema] });
            }
            None => {
                props.insert(first.clone(), schema);
            }
        }
    } else {
        let child = props
            .entry(first.clone())
            .or_insert_with(|| json!({ "type": "object" }));
        if let Value::Object(child) = child {
            place_in(child, rest, schema, required);
        }
    }
}

/// A regex that matches the topics of a pattern such as `task:{task_id}`.
pub(crate) fn topic_regex(pattern: &str) -> Result<String, String> {
    let template = frameproof_naming::Template::parse(pattern).map_err(|e| e.to_string())?;
    let mut re = String::from("^");
    for part in template.parts() {
        match part {
            frameproof_naming::TemplatePart::Literal(l) => re.push_str(&regex_escape(l)),
            frameproof_naming::TemplatePart::Param(_) => re.push_str(".+"),
        }
    }
    re.push('$');
    Ok(re)
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

/// Derives both frame schemas. Errors name the envelope pointer that could not be used.
pub(crate) fn derive(
    envelope: &Envelope,
    actions: &BTreeMap<String, ActionSpec>,
    events: &BTreeMap<String, EventSpec>,
    errors: &BTreeMap<String, ErrorSpec>,
    defs: &BTreeMap<String, Value>,
) -> Result<FrameSchemas, String> {
    let client = client_frames(envelope, actions, defs)?;
    let server = server_frames(envelope, actions, events, errors, defs)?;
    Ok(FrameSchemas {
        client: with_batches(envelope, client)?,
        server: with_batches(envelope, server)?,
    })
}

/// Where the envelope has batches, a frame is also a batch: a non-empty list of frames (the
/// array itself, or a member holding it).
fn with_batches(envelope: &Envelope, single: Value) -> Result<Value, String> {
    let Some(batch) = &envelope.batch else {
        return Ok(single);
    };
    let list = json!({ "type": "array", "minItems": 1, "items": single.clone() });
    let mut frame = ObjectBuilder::new();
    frame.place(&batch.pointer, list.clone(), true)?;
    let batch = if pointer::segments(&batch.pointer)
        .map_err(|e| e.to_string())?
        .is_empty()
    {
        list
    } else {
        frame.build()
    };
    Ok(match single {
        Value::Object(mut obj) if obj.len() == 1 && obj.contains_key("anyOf") => {
            if let Some(Value::Array(branches)) = obj.get_mut("anyOf") {
                branches.push(batch);
            }
            Value::Object(obj)
        }
        other => any_of(vec![other, batch]),
    })
}

fn controls(envelope: &Envelope, direction: Direction) -> Vec<Value> {
    envelope
        .control_frames(direction)
        .map(|c| c.schema.clone())
        .collect()
}

fn client_frames(
    envelope: &Envelope,
    actions: &BTreeMap<String, ActionSpec>,
    defs: &BTreeMap<String, Value>,
) -> Result<Value, String> {
    let shape = &envelope.request;
    let ws_actions: Vec<(&String, &ActionSpec)> =
        actions.iter().filter(|(_, a)| a.websocket).collect();
    let mut request = ObjectBuilder::new();
    request.constants(&shape.constants)?;
    // with notifications, the id is required per action: a notification carries none
    let notifications = ws_actions.iter().any(|(_, a)| a.notification);
    request.place(&shape.id, shape.id_schema.clone(), !notifications)?;
    let names: Vec<Value> = ws_actions.iter().map(|(n, _)| json!(n)).collect();
    request.place(&shape.action, json!({ "enum": names }), true)?;
    let mut dispatch = Vec::new();
    for (name, spec) in &ws_actions {
        let mut when = ObjectBuilder::new();
        when.place(&shape.action, json!({ "const": name }), true)?;
        let mut then = ObjectBuilder::new();
        let omissible =
            shape.payload_optional && crate::schema_walk::accepts_empty(&spec.payload, defs);
        then.place(&shape.payload, spec.payload.clone(), !omissible)?;
        let mut then = then.build();
        if notifications {
            let mut id = ObjectBuilder::new();
            id.place(&shape.id, json!(true), true)?;
            let id = id.build();
            let id_rule = if spec.notification {
                json!({ "not": id })
            } else {
                id
            };
            append_all_of(&mut then, vec![id_rule]);
        }
        dispatch.push(json!({ "if": when.build(), "then": then }));
    }
    let mut branches = Vec::new();
    // a protocol whose socket carries no requests (events only) has no request branch
    if !dispatch.is_empty() {
        let mut request = request.build();
        append_all_of(&mut request, dispatch);
        branches.push(request);
    }
    branches.extend(controls(envelope, Direction::Client));
    Ok(any_of(branches))
}

/// `anyOf` needs at least one branch; a direction with no frames at all accepts nothing.
fn any_of(branches: Vec<Value>) -> Value {
    if branches.is_empty() {
        Value::Bool(false)
    } else {
        json!({ "anyOf": branches })
    }
}

fn append_all_of(schema: &mut Value, items: Vec<Value>) {
    if let Value::Object(obj) = schema {
        let all = obj.entry("allOf").or_insert_with(|| json!([]));
        if let Value::Array(list) = all {
            list.extend(items);
        }
    }
}

fn server_frames(
    envelope: &Envelope,
    actions: &BTreeMap<String, ActionSpec>,
    events: &BTreeMap<String, EventSpec>,
    errors: &BTreeMap<String, ErrorSpec>,
    defs: &BTreeMap<String, Value>,
) -> Result<Value, String> {
    let shape = &envelope.response;
    let mut branches = Vec::new();

    // ok response: data matches one of the WebSocket actions' response schemas
    let mut responses: Vec<Value> = Vec::new();
    for spec in actions.values().filter(|a| a.websocket) {
        if !responses.contains(&spec.response) {
            responses.push(spec.response.clone());
        }
    }
    let mut ok = ObjectBuilder::new();
    ok.constants(&shape.constants)?;
    ok.place(&shape.id, envelope.request.id_schema.clone(), true)?;
    if let Some(status) = &shape.status {
        ok.place(&status.pointer, json!({ "const": status.ok }), true)?;
    }
    if !responses.is_empty() {
        ok.place(
            &shape.data,
            json!({ "anyOf": responses }),
            !shape.data_optional,
        )?;
        branches.push(ok.build());
    }

    // a socket that carries no requests (an op-coded gateway of events and control frames)
    // carries no responses either
    if responses.is_empty() {
        return server_events_and_controls(envelope, events, defs, branches);
    }
    // error response: id may be null when the request could not be read
    let codes: Vec<Value> = match shape.error_code_type {
        ErrorCodeType::Name => errors.keys().map(|c| json!(c)).collect(),
        ErrorCodeType::Number => errors
            .values()
            .filter_map(|e| e.rpc_code)
            .map(|c| json!(c))
            .collect(),
    };
    let code_type = match shape.error_code_type {
        ErrorCodeType::Name => "string",
        ErrorCodeType::Number => "integer",
    };
    let mut error_obj = ObjectBuilder::new();
    error_obj.place(
        &shape.error_code,
        json!({ "type": code_type, "enum": codes }),
        true,
    )?;
    error_obj.place(
        &shape.error_message,
        json!({ "type": "string" }),
        !shape.error_message_optional,
    )?;
    if !shape.error_details.is_empty() {
        error_obj.place(&shape.error_details, json!(true), false)?;
    }
    let mut err = ObjectBuilder::new();
    err.constants(&shape.constants)?;
    match shape.unread_error_id {
        UnreadErrorId::Null => err.place(
            &shape.id,
            json!({ "anyOf": [envelope.request.id_schema.clone(), { "type": "null" }] }),
            true,
        )?,
        UnreadErrorId::Absent => err.place(&shape.id, envelope.request.id_schema.clone(), false)?,
    }
    if let Some(status) = &shape.status {
        err.place(&status.pointer, json!({ "const": status.error }), true)?;
    }
    err.place(&shape.error, error_obj.build(), true)?;
    branches.push(err.build());
    server_events_and_controls(envelope, events, defs, branches)
}

/// The server's events and control frames, after its response branches.
fn server_events_and_controls(
    envelope: &Envelope,
    events: &BTreeMap<String, EventSpec>,
    defs: &BTreeMap<String, Value>,
    mut branches: Vec<Value>,
) -> Result<Value, String> {
    if !events.is_empty() {
        let ev = &envelope.event;
        let mut frame = ObjectBuilder::new();
        frame.constants(&ev.constants)?;
        let names: Vec<Value> = events.keys().map(|n| json!(n)).collect();
        frame.place(&ev.name, json!({ "enum": names }), true)?;
        for (ptr, schema) in &ev.optional {
            frame.place(ptr, schema.clone(), false)?;
        }
        let mut dispatch = Vec::new();
        for (name, spec) in events {
            let mut when = ObjectBuilder::new();
            when.place(&ev.name, json!({ "const": name }), true)?;
            let mut then = ObjectBuilder::new();
            let omissible = ev.data_optional && crate::schema_walk::accepts_empty(&spec.data, defs);
            then.place(&ev.data, spec.data.clone(), !omissible)?;
            match &spec.scope {
                Scope::Tenant => {
                    if let Some(t) = &ev.tenant {
                        then.place(t, json!({ "type": "string", "minLength": 1 }), true)?;
                    }
                }
                Scope::Topic { pattern } => {
                    if let Some(t) = &ev.topic {
                        then.place(
                            t,
                            json!({ "type": "string", "pattern": topic_regex(pattern)? }),
                            true,
                        )?;
                    }
                }
                // the subscription's id is part of the data, checked by its schema
                Scope::Connection | Scope::Subscription { .. } => {}
            }
            dispatch.push(json!({ "if": when.build(), "then": then.build() }));
        }
        let mut frame = frame.build();
        append_all_of(&mut frame, dispatch);
        branches.push(frame);
    }

    branches.extend(controls(envelope, Direction::Server));
    Ok(any_of(branches))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_patterns_become_anchored_regexes() {
        assert_eq!(topic_regex("task:{task_id}").unwrap(), "^task:.+$");
        assert_eq!(topic_regex("a.b/{x}-y").unwrap(), "^a\\.b/.+-y$");
        assert!(topic_regex("task:{").is_err());
    }

    #[test]
    fn places_nested_members() {
        let mut b = ObjectBuilder::new();
        b.place("/a/b", json!({"type": "string"}), true).unwrap();
        b.place("/a/c", json!({"type": "integer"}), false).unwrap();
        assert_eq!(
            b.build(),
            json!({
                "type": "object", "required": ["a"],
                "properties": {"a": {"type": "object", "required": ["b"],
                    "properties": {"b": {"type": "string"}, "c": {"type": "integer"}}}}
            })
        );
    }
}

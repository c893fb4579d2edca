//! The wire: how frames are built and how the contract's errors travel, as one owner for every
//! crate that builds or reads them (the validator, the proxy and its layer, conformance, the
//! reference server). No other crate reads an envelope member by a hand-written pointer.
//!
//! An error travels in two places. Over the WebSocket it is the error object inside an error
//! response frame (`envelope.response.error`, its members at `error_code`, `error_message`,
//! `error_details`). Over HTTP it is the REST error body: `{"error": <the same error object>}`.
//! Its code is the contract's name (`"not_found"`) or, for profiles whose codes are numbers
//! (JSON-RPC), the error's `rpc_code`; [`Contract::error_name`] reads either back into the
//! contract's name.

use serde_json::{Map, Value};

use crate::document::{Contract, Direction};
use crate::envelope::{ControlFrame, ControlKind, ErrorCodeType};
use crate::pointer;

/// The member of a REST error body that holds the error object.
pub const REST_ERROR_MEMBER: &str = "error";

/// An error as read off the wire.
#[derive(Debug, Clone, PartialEq)]
pub struct WireError {
    /// The code as it travelled (a string or a number).
    pub code: Value,
    /// The contract's name for it, when the contract knows the code.
    pub name: Option<String>,
    pub message: Option<String>,
    pub details: Option<Value>,
}

impl WireError {
    /// The contract's name, or the code as it travelled when the contract does not know it.
    pub fn label(&self) -> String {
        match (&self.name, &self.code) {
            (Some(name), _) => name.clone(),
            (None, Value::String(s)) => s.clone(),
            (None, other) => other.to_string(),
        }
    }
}

/// What is wrong with an error object, for a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorShapeProblem {
    /// JSON pointer into the error object (`/code`).
    pub pointer: String,
    pub message: String,
}

impl Contract {
    /// A request frame in the contract's envelope.
    pub fn request_frame(&self, id: Value, action: &str, payload: Value) -> Value {
        let r = &self.envelope.request;
        let mut frame = Value::Object(Map::new());
        for (p, v) in &r.constants {
            set(&mut frame, p, v.clone());
        }
        set(&mut frame, &r.id, id);
        set(&mut frame, &r.action, Value::String(action.to_owned()));
        set(&mut frame, &r.payload, payload);
        frame
    }

    /// The smallest control frame of a kind: the members that recognise it (`{"type":
    /// "ping"}`). `None` when the envelope has no such control frame.
    pub fn control_frame(&self, kind: ControlKind) -> Option<Value> {
        let control = self.envelope.control.iter().find(|c| c.kind == kind)?;
        let mut frame = Value::Object(Map::new());
        for (p, v) in &control.when {
            set(&mut frame, p, v.clone());
        }
        Some(frame)
    }

    /// An auth control frame carrying `token` where the contract says it goes.
    pub fn auth_frame(&self, token: &str) -> Option<Value> {
        let mut frame = self.control_frame(ControlKind::Auth)?;
        let control = self
            .envelope
            .control
            .iter()
            .find(|c| c.kind == ControlKind::Auth)?;
        set(
            &mut frame,
            control.token.as_deref()?,
            Value::String(token.to_owned()),
        );
        Some(frame)
    }

    /// The control frame a frame travelling in `direction` is, by the members that recognise
    /// it (`None`: not a control frame of this contract).
    pub fn control_of(&self, direction: Direction, frame: &Value) -> Option<&ControlFrame> {
        self.envelope.control_frames(direction).find(|c| {
            c.when
                .iter()
                .all(|(at, value)| get(frame, at) == Some(value))
        })
    }

    /// The topics a control frame lists where its layout says (`topics`).
    pub fn control_topics<'v>(&self, control: &ControlFrame, frame: &'v Value) -> Vec<&'v str> {
        control
            .topics
            .as_deref()
            .and_then(|at| get(frame, at))
            .and_then(Value::as_array)
            .map(|list| list.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }

    /// The credential a control frame carries where its layout says (`token`).
    pub fn control_token<'v>(&self, control: &ControlFrame, frame: &'v Value) -> Option<&'v str> {
        get(frame, control.token.as_deref()?).and_then(Value::as_str)
    }

    /// A server control frame of `kind` answering the client's control frame `to`: the
    /// members that recognise it, the client's id echoed when it had one, and `topics` where
    /// the reply lists them. `None` when the envelope has no such server frame.
    pub fn control_reply(
        &self,
        kind: &ControlKind,
        to: &Value,
        topics: Option<&[String]>,
    ) -> Option<Value> {
        let reply = self
            .envelope
            .control_frames(Direction::Server)
            .find(|c| &c.kind == kind)?;
        let mut frame = Value::Object(Map::new());
        for (p, v) in &reply.when {
            set(&mut frame, p, v.clone());
        }
        if let Some(id) = self.request_id(to) {
            set(&mut frame, &self.envelope.request.id, id.clone());
        }
        if let (Some(at), Some(topics)) = (&reply.topics, topics) {
            set(&mut frame, at, Value::from(topics.to_vec()));
        }
        Some(frame)
    }

    /// The action a request frame names.
    pub fn request_action<'v>(&self, frame: &'v Value) -> Option<&'v str> {
        get(frame, &self.envelope.request.action).and_then(Value::as_str)
    }

    /// An ok response frame answering request `id`.
    pub fn ok_frame(&self, id: Value, data: Value) -> Value {
        let r = &self.envelope.response;
        let mut frame = Value::Object(Map::new());
        for (p, v) in &r.constants {
            set(&mut frame, p, v.clone());
        }
        set(&mut frame, &r.id, id);
        if let Some(status) = &r.status {
            set(&mut frame, &status.pointer, status.ok.clone());
        }
        set(&mut frame, &r.data, data);
        frame
    }

    /// An event frame: its name and data, and the tenant or the topic where the layout
    /// carries them.
    pub fn event_frame(
        &self,
        name: &str,
        data: Value,
        tenant: Option<&str>,
        topic: Option<&str>,
    ) -> Value {
        let e = &self.envelope.event;
        let mut frame = Value::Object(Map::new());
        for (p, v) in &e.constants {
            set(&mut frame, p, v.clone());
        }
        set(&mut frame, &e.name, Value::String(name.to_owned()));
        set(&mut frame, &e.data, data);
        if let (Some(at), Some(t)) = (&e.tenant, tenant) {
            set(&mut frame, at, Value::String(t.to_owned()));
        }
        if let Some(t) = topic {
            self.set_event_topic(&mut frame, t);
        }
        frame
    }

    /// The id a response frame answers.
    pub fn response_id<'v>(&self, frame: &'v Value) -> Option<&'v Value> {
        get(frame, &self.envelope.response.id)
    }

    /// The data of an ok response frame.
    pub fn response_data<'v>(&self, frame: &'v Value) -> Option<&'v Value> {
        get(frame, &self.envelope.response.data)
    }

    /// The data of an ok response frame, to change in place.
    pub fn response_data_mut<'v>(&self, frame: &'v mut Value) -> Option<&'v mut Value> {
        frame.pointer_mut(&self.envelope.response.data)
    }

    /// The id a response frame answers, to change in place.
    pub fn response_id_mut<'v>(&self, frame: &'v mut Value) -> Option<&'v mut Value> {
        frame.pointer_mut(&self.envelope.response.id)
    }

    /// The error object of an error response frame, to change in place.
    pub fn error_object_mut<'v>(&self, frame: &'v mut Value) -> Option<&'v mut Value> {
        frame.pointer_mut(&self.envelope.response.error)
    }

    /// The error object of a REST error body, to change in place.
    pub fn rest_error_object_mut<'v>(&self, body: &'v mut Value) -> Option<&'v mut Value> {
        body.get_mut(REST_ERROR_MEMBER)
    }

    /// The data of an event frame, to change in place.
    pub fn event_data_mut<'v>(&self, frame: &'v mut Value) -> Option<&'v mut Value> {
        frame.pointer_mut(&self.envelope.event.data)
    }

    /// The members of an error object that say more than its code (its message and
    /// details), removed.
    pub fn strip_error_object(&self, error: &mut Value) {
        let r = &self.envelope.response;
        for at in [&r.error_message, &r.error_details] {
            if let Ok(segments) = pointer::segments(at) {
                pointer::remove(error, &segments);
            }
        }
    }

    /// A copy of a response frame with other data (a REST answer put where the WebSocket
    /// frame holds its data, so frame pointers mean the same over both transports).
    pub fn with_response_data(&self, frame: &Value, data: Value) -> Value {
        let mut out = frame.clone();
        set(&mut out, &self.envelope.response.data, data);
        out
    }

    /// A copy of an error response frame with another error object (a REST error put where
    /// the WebSocket frame holds its error).
    pub fn with_error_object(&self, frame: &Value, error: Value) -> Value {
        let mut out = frame.clone();
        set(&mut out, &self.envelope.response.error, error);
        out
    }

    /// Whether a request of `action` may leave its payload out: the envelope allows it and
    /// the action's payload schema accepts an empty payload.
    pub fn payload_may_be_omitted(&self, action: &str) -> bool {
        self.envelope.request.payload_optional
            && self
                .actions
                .get(action)
                .is_some_and(|a| crate::schema_walk::accepts_empty(&a.payload, &self.defs))
    }

    /// Whether an ok response to `action` may leave its data out.
    pub fn data_may_be_omitted(&self, action: &str) -> bool {
        self.envelope.response.data_optional
            && self
                .actions
                .get(action)
                .is_some_and(|a| crate::schema_walk::accepts_empty(&a.response, &self.defs))
    }

    /// Whether an event frame of `event` may leave its data out.
    pub fn event_data_may_be_omitted(&self, event: &str) -> bool {
        self.envelope.event.data_optional
            && self
                .events
                .get(event)
                .is_some_and(|e| crate::schema_walk::accepts_empty(&e.data, &self.defs))
    }

    /// A notification frame: a request of `action` without an id, which gets no answer.
    pub fn notification_frame(&self, action: &str, payload: Value) -> Value {
        let mut frame = self.request_frame(Value::Null, action, payload);
        remove(&mut frame, &self.envelope.request.id);
        frame
    }

    /// The frames inside a batch frame, when the envelope has batches and this is one.
    pub fn batch_items<'v>(&self, frame: &'v Value) -> Option<&'v Vec<Value>> {
        let batch = self.envelope.batch.as_ref()?;
        get(frame, &batch.pointer)?.as_array()
    }

    /// The id a request frame carries.
    pub fn request_id<'v>(&self, frame: &'v Value) -> Option<&'v Value> {
        get(frame, &self.envelope.request.id)
    }

    /// Takes the payload out of a request frame (leaving `null`): the handler owns it without
    /// a copy.
    pub fn take_request_payload(&self, frame: &mut Value) -> Option<Value> {
        frame
            .pointer_mut(&self.envelope.request.payload)
            .map(Value::take)
    }

    /// The payload a request frame carries.
    pub fn request_payload<'v>(&self, frame: &'v Value) -> Option<&'v Value> {
        get(frame, &self.envelope.request.payload)
    }

    /// Where a server frame holds its data (pointer segments) and the schema the contract gives
    /// that data: an event's, or an ok response's when the action it answers is known
    /// (`answers`). `None` for errors, control frames and names the contract does not know.
    pub fn server_data_schema(
        &self,
        frame: &Value,
        answers: Option<&str>,
    ) -> Option<(Vec<String>, &Value)> {
        if let Some(event) = self.event_name(frame).and_then(|n| self.events.get(n)) {
            let at = pointer::segments(&self.envelope.event.data).ok()?;
            return Some((at, &event.data));
        }
        let action = self.actions.get(answers?)?;
        if self.response_id(frame).is_none() || self.frame_error(frame).is_some() {
            return None;
        }
        let at = pointer::segments(&self.envelope.response.data).ok()?;
        Some((at, &action.response))
    }

    /// The name of the event a frame is (`None`: not an event frame).
    pub fn event_name<'v>(&self, frame: &'v Value) -> Option<&'v str> {
        get(frame, &self.envelope.event.name).and_then(Value::as_str)
    }

    /// The data of an event frame (the whole frame when the layout has no data member).
    pub fn event_data<'v>(&self, frame: &'v Value) -> Option<&'v Value> {
        get(frame, &self.envelope.event.data)
    }

    /// Puts a topic into an event frame, where the layout carries it (no-op without one).
    pub fn set_event_topic(&self, frame: &mut Value, topic: &str) {
        if let Some(at) = &self.envelope.event.topic {
            set(frame, at, Value::String(topic.to_owned()));
        }
    }

    /// How the named error's code travels: the name, or its `rpc_code` under numeric codes.
    pub fn wire_code(&self, name: &str) -> Value {
        match self.envelope.response.error_code_type {
            ErrorCodeType::Name => Value::String(name.to_owned()),
            ErrorCodeType::Number => self
                .errors
                .get(name)
                .and_then(|e| e.rpc_code)
                .map_or(Value::Null, Value::from),
        }
    }

    /// The contract's name of an error code read off the wire (`None`: not in the table).
    pub fn error_name(&self, code: &Value) -> Option<&str> {
        match (self.envelope.response.error_code_type, code) {
            (ErrorCodeType::Name, Value::String(name)) => {
                self.errors.get_key_value(name).map(|(k, _)| k.as_str())
            }
            (ErrorCodeType::Number, Value::Number(n)) => {
                let n = n.as_i64()?;
                self.errors
                    .iter()
                    .find(|(_, e)| e.rpc_code == Some(n))
                    .map(|(k, _)| k.as_str())
            }
            _ => None,
        }
    }

    /// The error object for a named error. A name the table does not know is sent as
    /// `internal`.
    pub fn error_object(&self, name: &str, message: &str, details: Option<Value>) -> Value {
        let name = if self.errors.contains_key(name) {
            name
        } else {
            "internal"
        };
        let r = &self.envelope.response;
        let mut error = Value::Object(Map::new());
        set(&mut error, &r.error_code, self.wire_code(name));
        set(
            &mut error,
            &r.error_message,
            Value::String(message.to_owned()),
        );
        if let Some(d) = details {
            if !r.error_details.is_empty() {
                set(&mut error, &r.error_details, d);
            }
        }
        error
    }

    /// An error response frame in the contract's envelope, answering request `id`.
    pub fn error_frame(
        &self,
        id: Value,
        name: &str,
        message: &str,
        details: Option<Value>,
    ) -> Value {
        let r = &self.envelope.response;
        let mut frame = Value::Object(Map::new());
        for (p, v) in &r.constants {
            set(&mut frame, p, v.clone());
        }
        // an error about no readable request: `null`, or no id at all where the protocol says so
        if !(id.is_null() && r.unread_error_id == crate::envelope::UnreadErrorId::Absent) {
            set(&mut frame, &r.id, id);
        }
        if let Some(status) = &r.status {
            set(&mut frame, &status.pointer, status.error.clone());
        }
        set(
            &mut frame,
            &r.error,
            self.error_object(name, message, details),
        );
        frame
    }

    /// The REST error body for a named error: `{"error": <error object>}`.
    pub fn rest_error_body(&self, name: &str, message: &str, details: Option<Value>) -> Value {
        let mut body = Map::new();
        body.insert(
            REST_ERROR_MEMBER.to_owned(),
            self.error_object(name, message, details),
        );
        Value::Object(body)
    }

    /// The JSON Schema of the error object carrying one of `names` (codes as they travel:
    /// names, or their `rpc_code`s), in the envelope's layout.
    pub fn error_object_schema(&self, names: &[&str]) -> Value {
        let r = &self.envelope.response;
        let codes: Vec<Value> = names.iter().map(|n| self.wire_code(n)).collect();
        let code_type = match r.error_code_type {
            ErrorCodeType::Name => "string",
            ErrorCodeType::Number => "integer",
        };
        let mut schema = serde_json::json!({ "type": "object" });
        let mut required = Vec::new();
        let mut put = |at: &str, member: Value, needed: bool| {
            if let Ok(segments) = pointer::segments(at) {
                if let Some(first) = segments.first() {
                    if needed {
                        required.push(Value::String(first.clone()));
                    }
                    let mut path = vec!["properties".to_owned()];
                    for (i, seg) in segments.iter().enumerate() {
                        if i > 0 {
                            path.push("properties".to_owned());
                        }
                        path.push(seg.clone());
                    }
                    pointer::set(&mut schema, &path, member);
                }
            }
        };
        put(
            &r.error_code,
            serde_json::json!({ "type": code_type, "enum": codes }),
            true,
        );
        put(
            &r.error_message,
            serde_json::json!({ "type": "string" }),
            !r.error_message_optional,
        );
        if !r.error_details.is_empty() {
            put(
                &r.error_details,
                serde_json::json!({ "description": "Machine-readable details (for validation_failed: `errors[] = {pointer, message}`)." }),
                false,
            );
        }
        if let Value::Object(obj) = &mut schema {
            obj.insert("required".into(), Value::Array(required));
        }
        schema
    }

    /// The JSON Schema of a REST error body (`{"error": <error object>}`) carrying one of
    /// `names`.
    pub fn rest_error_body_schema(&self, names: &[&str]) -> Value {
        serde_json::json!({
            "type": "object",
            "required": [REST_ERROR_MEMBER],
            "properties": { REST_ERROR_MEMBER: self.error_object_schema(names) },
        })
    }

    /// The pointer, in a REST error body, of the error's message.
    pub fn rest_error_message_pointer(&self) -> String {
        format!(
            "/{REST_ERROR_MEMBER}{}",
            self.envelope.response.error_message
        )
    }

    /// Reads an error object; every problem with its shape is listed (pointers relative to
    /// the object).
    pub fn read_error_object(&self, error: &Value) -> (Option<WireError>, Vec<ErrorShapeProblem>) {
        let r = &self.envelope.response;
        let mut problems = Vec::new();
        if !error.is_object() {
            problems.push(ErrorShapeProblem {
                pointer: String::new(),
                message: "the error is not an object".into(),
            });
            return (None, problems);
        }
        let code = get(error, &r.error_code).cloned();
        let Some(code) = code.filter(|c| !c.is_null()) else {
            problems.push(ErrorShapeProblem {
                pointer: r.error_code.clone(),
                message: "the error has no code".into(),
            });
            return (None, problems);
        };
        let wanted = match r.error_code_type {
            ErrorCodeType::Name => code.is_string(),
            ErrorCodeType::Number => code.as_i64().is_some(),
        };
        if !wanted {
            problems.push(ErrorShapeProblem {
                pointer: r.error_code.clone(),
                message: match r.error_code_type {
                    ErrorCodeType::Name => format!("the error code {code} is not a string"),
                    ErrorCodeType::Number => format!("the error code {code} is not an integer"),
                },
            });
        }
        let message = get(error, &r.error_message);
        if !message.is_some_and(Value::is_string) {
            problems.push(ErrorShapeProblem {
                pointer: r.error_message.clone(),
                message: "the error needs a message string".into(),
            });
        }
        let details = if r.error_details.is_empty() {
            None
        } else {
            get(error, &r.error_details).cloned()
        };
        let read = WireError {
            name: self.error_name(&code).map(str::to_owned),
            code,
            message: message.and_then(Value::as_str).map(str::to_owned),
            details,
        };
        (Some(read), problems)
    }

    /// Reads a REST error body (`None` when it has no error object).
    pub fn read_rest_error(
        &self,
        body: &Value,
    ) -> Option<(Option<WireError>, Vec<ErrorShapeProblem>)> {
        body.get(REST_ERROR_MEMBER)
            .map(|error| self.read_error_object(error))
    }

    /// The error an error response frame carries (`None`: not an error response).
    pub fn frame_error(&self, frame: &Value) -> Option<WireError> {
        let error = get(frame, &self.envelope.response.error)?;
        self.read_error_object(error).0
    }

    /// The error a REST body carries (`None`: no error object with a code).
    pub fn rest_error(&self, body: &Value) -> Option<WireError> {
        self.read_rest_error(body)?.0
    }

    /// The contract's name of the error a REST body carries, if it carries a known one.
    pub fn rest_error_name(&self, body: &Value) -> Option<&str> {
        let error = body.get(REST_ERROR_MEMBER)?;
        let code = get(error, &self.envelope.response.error_code)?;
        self.error_name(code)
    }

    /// The contract's name of the error an error response frame carries, if any.
    pub fn frame_error_name(&self, frame: &Value) -> Option<&str> {
        let r = &self.envelope.response;
        let error = get(frame, &r.error)?;
        let code = get(error, &r.error_code)?;
        self.error_name(code)
    }
}

/// RFC 6901 lookup without parsing the pointer into segments first (every frame read goes
/// through here).
/// Numbers as JSON Schema sees them, for deserializing into typed values: an integer written
/// with a fraction or an exponent (`5.0`, `5e0`, `-0.0`) is that integer, valid wherever the
/// contract says `integer`, so a Rust integer field must accept it too (serde refuses
/// "floating point" for an integer type). Values beyond the 64-bit range are left as they are.
pub fn integral_numbers(value: &mut Value) {
    match value {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0) {
                // in range, so the casts are exact
                if (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f) {
                    *value = Value::from(f as i64);
                } else if (0.0..18_446_744_073_709_551_616.0).contains(&f) {
                    *value = Value::from(f as u64);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_numbers),
        Value::Object(map) => map.values_mut().for_each(integral_numbers),
        _ => {}
    }
}

pub(crate) fn get<'v>(value: &'v Value, at: &str) -> Option<&'v Value> {
    value.pointer(at)
}

fn remove(value: &mut Value, at: &str) {
    if let Ok(segments) = pointer::segments(at) {
        pointer::remove(value, &segments);
    }
}

fn set(value: &mut Value, at: &str, new: Value) {
    // the usual case, a top-level member (`/id`), without parsing the pointer
    if let Some(name) = at.strip_prefix('/').filter(|n| !n.contains(['/', '~'])) {
        if let Value::Object(map) = value {
            map.insert(name.to_owned(), new);
            return;
        }
    }
    if let Ok(segments) = pointer::segments(at) {
        pointer::set(value, &segments, new);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn integral_numbers_become_integers() {
        let mut v: Value = serde_json::from_str(
            r#"{"a": 5.0, "b": [5e0, -0.0, 2.5], "c": 1e300, "d": 12345678901234567890.0}"#,
        )
        .expect("json");
        integral_numbers(&mut v);
        assert_eq!(v["a"], serde_json::json!(5));
        assert!(v["a"].is_i64());
        assert_eq!(v["b"], serde_json::json!([5, 0, 2.5]));
        assert!(v["c"].is_f64(), "beyond 64 bits: left alone");
        assert!(v["d"].is_u64());
    }

    fn contract(profile: &str) -> Contract {
        let mut c = Contract::builder("x", "1.0.0").build().expect("sound");
        if profile == "jsonrpc" {
            c.envelope = crate::envelope::Envelope::jsonrpc();
        }
        c
    }

    #[test]
    fn frames_are_built_in_the_envelope() {
        let c = contract("jsonrpc");
        let req = c.request_frame(json!(1), "tasks.list", json!({}));
        assert_eq!(req["jsonrpc"], "2.0");
        assert_eq!(req["method"], "tasks.list");
        let c = contract("frameproof");
        let auth = c.auth_frame("secret").expect("an auth frame");
        assert_eq!(auth, json!({"type": "auth", "token": "secret"}));
        assert_eq!(
            c.control_frame(ControlKind::Ping),
            Some(json!({"type": "ping"}))
        );
        let frame = c.error_frame(json!("r1"), "conflict", "busy", None);
        assert_eq!(c.response_id(&frame), Some(&json!("r1")));
    }

    #[test]
    fn frames_are_classified_and_answered_in_the_envelope() {
        let c = contract("frameproof");
        let sub = json!({"type": "subscribe", "id": "c1", "topics": ["task:1", "task:2"]});
        let control = c
            .control_of(Direction::Client, &sub)
            .expect("a control frame");
        assert_eq!(control.kind, ControlKind::Subscribe);
        assert_eq!(c.control_topics(control, &sub), vec!["task:1", "task:2"]);
        assert!(c.control_of(Direction::Server, &sub).is_none());
        let topics = vec!["task:1".to_owned()];
        assert_eq!(
            c.control_reply(&ControlKind::Subscribed, &sub, Some(&topics)),
            Some(json!({"type": "subscribed", "id": "c1", "topics": ["task:1"]}))
        );
        let auth = json!({"type": "auth", "token": "t0k"});
        let control = c.control_of(Direction::Client, &auth).expect("auth");
        assert_eq!(c.control_token(control, &auth), Some("t0k"));
        assert_eq!(
            c.ok_frame(json!("r1"), json!([])),
            json!({"id": "r1", "status": "ok", "data": []})
        );
        assert_eq!(
            c.event_frame("TaskUpdated", json!({}), None, Some("task:1")),
            json!({"event": "TaskUpdated", "topic": "task:1", "data": {}})
        );
        let c = contract("jsonrpc");
        assert_eq!(
            c.ok_frame(json!(1), json!(19)),
            json!({"jsonrpc": "2.0", "id": 1, "result": 19})
        );
        let req = c.request_frame(json!(1), "subtract", json!([42, 23]));
        assert_eq!(c.request_action(&req), Some("subtract"));
    }

    #[test]
    fn named_codes_round_trip() {
        let c = contract("frameproof");
        let body = c.rest_error_body("not_found", "no such task", Some(json!({"id": "t1"})));
        assert_eq!(body["error"]["code"], "not_found");
        assert_eq!(c.rest_error_name(&body), Some("not_found"));
        let (read, problems) = c.read_rest_error(&body).expect("an error body");
        assert!(problems.is_empty(), "{problems:?}");
        let read = read.expect("read");
        assert_eq!(read.name.as_deref(), Some("not_found"));
        assert_eq!(read.message.as_deref(), Some("no such task"));
        let frame = c.error_frame(json!("r1"), "conflict", "busy", None);
        assert_eq!(c.frame_error_name(&frame), Some("conflict"));
    }

    #[test]
    fn numeric_codes_round_trip() {
        let c = contract("jsonrpc");
        let rpc = c.errors["not_found"].rpc_code.expect("a numeric code");
        let body = c.rest_error_body("not_found", "gone", None);
        assert_eq!(
            get(&body["error"], &c.envelope.response.error_code),
            Some(&json!(rpc))
        );
        assert_eq!(c.rest_error_name(&body), Some("not_found"));
        let frame = c.error_frame(json!(7), "not_found", "gone", None);
        assert_eq!(c.frame_error_name(&frame), Some("not_found"));
        // a name where a number belongs is a problem, not a panic
        let (_, problems) = c.read_error_object(&json!({"code": "not_found", "message": "x"}));
        assert!(!problems.is_empty());
    }

    #[test]
    fn the_rest_error_body_schema_follows_the_code_type() {
        let c = contract("jsonrpc");
        let schema = c.rest_error_body_schema(&["not_found"]);
        let code = &schema["properties"]["error"]["properties"]["code"];
        assert_eq!(code["type"], "integer");
        assert_eq!(code["enum"], json!([c.errors["not_found"].rpc_code]));
        let c = contract("frameproof");
        let schema = c.rest_error_body_schema(&["not_found"]);
        assert_eq!(
            schema["properties"]["error"]["properties"]["code"]["enum"],
            json!(["not_found"])
        );
        assert_eq!(
            schema["properties"]["error"]["required"],
            json!(["code", "message"])
        );
        assert_eq!(c.rest_error_message_pointer(), "/error/message");
    }

    #[test]
    fn broken_error_objects_are_described() {
        let c = contract("frameproof");
        let (read, problems) = c.read_error_object(&json!({"message": "x"}));
        assert!(read.is_none());
        assert_eq!(problems[0].pointer, "/code");
        let (_, problems) = c.read_error_object(&json!({"code": "not_found"}));
        assert_eq!(problems[0].pointer, "/message");
        let (_, problems) = c.read_error_object(&json!(3));
        assert_eq!(problems[0].pointer, "");
    }
}

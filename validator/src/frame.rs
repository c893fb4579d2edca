//! One frame on its own: which kind of frame it is under the envelope, and whether its parts
//! match their schemas. Dispatch happens first (on the action or event name), so a schema error
//! names the right action instead of "not valid under any of anyOf".

use std::borrow::Cow;

use serde_json::Value;

pub use frameproof_schema::FrameKind;
use frameproof_schema::{pointer, ControlKind, Direction, ErrorCodeType, Scope};

use crate::compiled::{CompiledAction, CompiledControl, CompiledEvent, Schema, Validator};
use crate::parse::parse_frame;
use crate::rule::Rule;
use crate::tape::{Tape, TapeNode};
use crate::violation::{excerpt_of, Violation};

/// At most this many schema errors are reported per frame part.
const MAX_ERRORS_PER_PART: usize = 20;

/// The verdict on one frame.
#[derive(Debug, Clone)]
pub struct FrameCheck {
    /// What the frame was: a request, a response, an event, a control frame, a batch, or
    /// unreadable.
    pub kind: FrameKind,
    /// The frame as JSON; `None` when it did not parse.
    pub value: Option<Value>,
    /// Everything wrong with it; empty when the frame is valid.
    pub violations: Vec<Violation>,
}

/// What a frame turned out to be, borrowing from its tape: the session works from this without
/// allocating; [`FrameKind`] is its owned form.
#[derive(Debug, Clone)]
pub(crate) enum Kind<'a> {
    Request {
        id: Option<TapeNode<'a>>,
        action: &'a str,
    },
    Ok {
        id: Option<TapeNode<'a>>,
    },
    Error {
        id: Option<TapeNode<'a>>,
        code: Option<Cow<'a, str>>,
    },
    Event {
        name: &'a str,
        tenant: Option<&'a str>,
        topic: Option<&'a str>,
    },
    Control {
        kind: ControlKind,
        topics: Vec<&'a str>,
    },
    Unreadable,
}

fn owned_id(id: Option<TapeNode<'_>>) -> Value {
    id.map_or(Value::Null, |n| n.to_value())
}

impl Kind<'_> {
    pub(crate) fn to_frame_kind(&self) -> FrameKind {
        match self {
            Kind::Request { id, action } => FrameKind::Request {
                id: owned_id(*id),
                action: (*action).to_owned(),
            },
            Kind::Ok { id } => FrameKind::Ok { id: owned_id(*id) },
            Kind::Error { id, code } => FrameKind::Error {
                id: owned_id(*id),
                code: code.as_deref().map(str::to_owned),
            },
            Kind::Event {
                name,
                tenant,
                topic,
            } => FrameKind::Event {
                name: (*name).to_owned(),
                tenant: tenant.map(str::to_owned),
                topic: topic.map(str::to_owned),
            },
            Kind::Control { kind, topics } => FrameKind::Control {
                kind: kind.clone(),
                topics: topics.iter().map(|t| (*t).to_owned()).collect(),
            },
            Kind::Unreadable => FrameKind::Unreadable,
        }
    }
}

pub(crate) fn join(segs: &[String]) -> String {
    segs.iter()
        .fold(String::new(), |acc, s| pointer::push(&acc, s))
}

/// The envelope's fixed members (`{"/jsonrpc": "2.0"}`), as a violation when one is off.
fn fixed_members(value: TapeNode<'_>, constants: &[(Vec<String>, Value)]) -> Option<Violation> {
    (!matches_constants(value, constants)).then(|| {
        Violation::error(
            Rule::FrameEnvelope,
            "",
            "a fixed envelope member is missing or wrong",
        )
    })
}

fn matches_constants(value: TapeNode<'_>, constants: &[(Vec<String>, Value)]) -> bool {
    constants
        .iter()
        .all(|(p, v)| value.get(p).is_some_and(|n| n.equals(v)))
}

/// One schema error, after union refinement.
struct Found {
    pointer: String,
    keyword: String,
    message: String,
}

fn depth(pointer: &str) -> usize {
    pointer.matches('/').count()
}

fn keyword_of(e: &jsonschema::ValidationError<'_>) -> String {
    let path = e.schema_path().to_string();
    path.rsplit('/').next().unwrap_or("").to_owned()
}

/// Turns a schema error into what a person should read. A failed `anyOf`/`oneOf` (an `Option`,
/// a tagged enum) says little on its own; the branch the value was evidently meant for (the one
/// whose type and discriminator match) says what is wrong. When no branch matches its
/// discriminator, the allowed discriminator values are listed.
fn refine(e: &jsonschema::ValidationError<'_>, out: &mut Vec<Found>) {
    use jsonschema::error::ValidationErrorKind as K;
    let at = e.instance_path().to_string();
    let context = match e.kind() {
        K::AnyOf { context } | K::OneOfNotValid { context } => context,
        _ => {
            out.push(Found {
                pointer: at,
                keyword: keyword_of(e),
                message: e.to_string(),
            });
            return;
        }
    };
    let base = depth(&at);
    // a branch is ruled out by a type mismatch of the value itself, or by a wrong tag (a
    // `const` member one level down); errors deeper in a branch say the branch was meant
    let discriminating = |err: &jsonschema::ValidationError<'_>| {
        let d = depth(&err.instance_path().to_string());
        match err.kind() {
            K::Type { .. } => d == base,
            K::Constant { .. } => d <= base + 1,
            _ => false,
        }
    };
    let mut candidates: Vec<&Vec<jsonschema::ValidationError<'static>>> = context
        .iter()
        .filter(|branch| !branch.iter().any(discriminating))
        .collect();
    candidates.sort_by_key(|b| b.len());
    if let Some(best) = candidates.first() {
        for inner in best.iter() {
            refine(inner, out);
        }
        return;
    }
    // every branch failed on its discriminator: say which values would have been accepted
    let mut allowed = Vec::new();
    let mut member = None;
    for branch in context {
        for err in branch {
            if let K::Constant { expected_value } = err.kind() {
                let p = err.instance_path().to_string();
                if depth(&p) == base + 1 {
                    member.get_or_insert(p);
                    allowed.push(expected_value.to_string());
                }
            }
        }
    }
    match member {
        Some(p) if !allowed.is_empty() => {
            let name = p.rsplit('/').next().unwrap_or("").to_owned();
            out.push(Found {
                pointer: p,
                keyword: "const".into(),
                message: format!("`{name}` must be one of {}", allowed.join(", ")),
            });
        }
        _ => out.push(Found {
            pointer: at,
            keyword: keyword_of(e),
            message: e.to_string(),
        }),
    }
}

/// Runs a schema and turns its errors into violations located in the frame. The cheap
/// `is_valid` runs first; errors are collected only for frames that fail.
pub(crate) fn schema_violations(
    schema: &Schema,
    instance: TapeNode<'_>,
    prefix: &str,
    rule: Rule,
    item: Option<&str>,
) -> Vec<Violation> {
    if schema.is_valid(instance) {
        return Vec::new();
    }
    let mut found = Vec::new();
    for e in schema.iter_errors(instance).take(MAX_ERRORS_PER_PART) {
        refine(&e, &mut found);
    }
    found.truncate(MAX_ERRORS_PER_PART);
    found
        .into_iter()
        .map(|f| {
            let offending = instance.pointer(&f.pointer);
            let mut v = Violation::error(rule, format!("{prefix}{}", f.pointer), f.message);
            v.keyword = Some(f.keyword);
            v.item = item.map(str::to_owned);
            if let Some(offending) = &offending {
                v.set_excerpt(excerpt_of(offending));
            }
            v
        })
        .collect()
}

/// [`schema_violations`] for a value that arrived owned (REST bodies).
pub(crate) fn value_violations(
    schema: &Schema,
    instance: &Value,
    prefix: &str,
    rule: Rule,
    item: Option<&str>,
) -> Vec<Violation> {
    let mut tape = Tape::default();
    schema_violations(schema, tape.load(instance).root(), prefix, rule, item)
}

impl Validator {
    /// Checks one text frame travelling in `direction`.
    pub fn check_frame(&self, direction: Direction, bytes: &[u8]) -> FrameCheck {
        self.check_alone(direction, bytes, false)
    }

    /// [`Validator::check_frame`]; with `any_response`, an ok response's data is also checked
    /// against every action's response schema (`stateless`).
    pub(crate) fn check_alone(
        &self,
        direction: Direction,
        bytes: &[u8],
        any_response: bool,
    ) -> FrameCheck {
        let mut tape = Tape::default();
        match parse_frame(bytes, &self.inner.limits, &mut tape) {
            Ok(doc) if self.batch_list(doc.root()).is_some() => {
                let root = doc.root();
                let (kinds, violations) = self.check_batch_alone(direction, root, any_response);
                FrameCheck {
                    kind: FrameKind::Batch(kinds),
                    value: Some(root.to_value()),
                    violations,
                }
            }
            Ok(doc) => {
                let root = doc.root();
                let (kind, mut violations) = self.check_parsed(direction, root);
                if any_response && matches!(kind, Kind::Ok { .. }) {
                    violations.extend(
                        self.check_any_response(root)
                            .into_iter()
                            .map(|v| with_direction(v, direction)),
                    );
                }
                FrameCheck {
                    kind: kind.to_frame_kind(),
                    value: Some(root.to_value()),
                    violations,
                }
            }
            Err(v) => FrameCheck {
                kind: FrameKind::Unreadable,
                value: None,
                violations: vec![with_direction(*v, direction)],
            },
        }
    }

    /// A batch checked with no session: each frame inside on its own, pointers naming its
    /// place in the batch.
    fn check_batch_alone(
        &self,
        direction: Direction,
        root: TapeNode<'_>,
        any_response: bool,
    ) -> (Vec<FrameKind>, Vec<Violation>) {
        let Some((list, at)) = self.batch_list(root) else {
            return (Vec::new(), Vec::new());
        };
        let mut kinds = Vec::new();
        let mut out = Vec::new();
        for (i, item) in list.items().enumerate() {
            let (kind, mut violations) = self.check_parsed(direction, item);
            if any_response && matches!(kind, Kind::Ok { .. }) {
                violations.extend(
                    self.check_any_response(item)
                        .into_iter()
                        .map(|v| with_direction(v, direction)),
                );
            }
            kinds.push(kind.to_frame_kind());
            for mut v in violations {
                v.pointer = format!("{at}/{i}{}", v.pointer);
                out.push(v);
            }
        }
        if kinds.is_empty() {
            out.push(with_direction(
                Violation::error(
                    Rule::FrameBatch,
                    at,
                    "an empty batch: a batch carries at least one frame",
                ),
                direction,
            ));
        }
        (kinds, out)
    }

    /// Checks a frame already parsed onto a tape.
    pub(crate) fn check_parsed<'a>(
        &self,
        direction: Direction,
        value: TapeNode<'a>,
    ) -> (Kind<'a>, Vec<Violation>) {
        let (kind, mut violations) = match direction {
            Direction::Client => self.check_client(value),
            Direction::Server => self.check_server(value),
        };
        for v in &mut violations {
            v.direction = Some(direction);
        }
        (kind, violations)
    }

    /// A binary frame where the contract expects JSON text.
    pub fn check_binary(&self, direction: Direction, bytes: &[u8]) -> FrameCheck {
        let v = Violation::error(
            Rule::FrameBinary,
            "",
            format!(
                "a binary frame of {} bytes; the contract's frames are JSON text",
                bytes.len()
            ),
        );
        FrameCheck {
            kind: FrameKind::Unreadable,
            value: None,
            violations: vec![with_direction(v, direction)],
        }
    }

    fn control_for(&self, direction: Direction, value: TapeNode<'_>) -> Option<&CompiledControl> {
        // every distinct `when` pointer is looked up once per frame (the first few, cached)
        const CACHED: usize = 8;
        let pointers = &self.inner.control_pointers;
        let mut cache: [Option<Option<TapeNode<'_>>>; CACHED] = [None; CACHED];
        let mut lookup = |i: usize| match cache.get_mut(i) {
            Some(slot) => *slot.get_or_insert_with(|| value.get(&pointers[i])),
            None => value.get(&pointers[i]),
        };
        self.inner.controls.iter().find(|c| {
            c.direction == direction
                && c.when
                    .iter()
                    .all(|(i, v)| lookup(*i).is_some_and(|n| n.equals(v)))
        })
    }

    fn check_control<'a>(
        &self,
        c: &CompiledControl,
        value: TapeNode<'a>,
    ) -> (Kind<'a>, Vec<Violation>) {
        let topics = c
            .topics
            .as_ref()
            .and_then(|p| value.get(p))
            .map(|a| a.items().filter_map(|n| n.str()).collect())
            .unwrap_or_default();
        let violations = if c.schema.is_valid(value) {
            Vec::new()
        } else {
            schema_violations(
                &c.schema,
                value,
                "",
                Rule::ControlSchema,
                Some(c.kind.as_str()),
            )
        };
        (
            Kind::Control {
                kind: c.kind.clone(),
                topics,
            },
            violations,
        )
    }

    fn check_client<'a>(&self, value: TapeNode<'a>) -> (Kind<'a>, Vec<Violation>) {
        if let Some(c) = self.control_for(Direction::Client, value) {
            return self.check_control(c, value);
        }
        let l = &self.inner.layout;
        if !self.inner.has_requests {
            // a socket with no requests (an op-coded gateway): only control frames come this way
            return (
                Kind::Unreadable,
                vec![Violation::error(
                    Rule::FrameEnvelope,
                    "",
                    "not a control frame of this contract (its clients send no requests)",
                )
                .with_excerpt_of(&value)],
            );
        }
        let Some(action) = value.get(&l.req_action).and_then(|n| n.str()) else {
            return (
                Kind::Unreadable,
                vec![Violation::error(
                    Rule::FrameEnvelope,
                    join(&l.req_action),
                    "neither a request (no action name here) nor a control frame",
                )
                .with_excerpt_of(&value)],
            );
        };
        let mut violations = Vec::new();
        if !matches_constants(value, &l.req_constants) {
            violations.push(
                Violation::error(
                    Rule::FrameEnvelope,
                    "",
                    "a fixed envelope member is missing or wrong",
                )
                .with_excerpt_of(&value),
            );
        }
        let spec = self.inner.actions.get(action);
        let id_node = value.get(&l.req_id);
        self.check_request_id(id_node, action, spec, &mut violations);
        let kind = Kind::Request {
            id: id_node,
            action,
        };
        let Some(spec) = spec else {
            violations.push(
                Violation::error(
                    Rule::FrameUnknownAction,
                    join(&l.req_action),
                    format!("no action is named `{action}`"),
                )
                .with_item(action),
            );
            return (kind, violations);
        };
        if !spec.websocket {
            violations.push(
                Violation::error(
                    Rule::FrameRestOnly,
                    join(&l.req_action),
                    format!("`{action}` is served over REST only, not over the WebSocket"),
                )
                .with_item(action),
            );
        }
        match value.get(&l.req_payload) {
            None if spec.payload_omissible => {}
            None => violations.push(
                Violation::error(
                    Rule::FrameEnvelope,
                    l.req_payload_ptr.clone(),
                    format!("the request has no payload, and `{action}`'s payload cannot be empty"),
                )
                .with_item(action),
            ),
            Some(payload) => violations.extend(schema_violations(
                &spec.payload,
                payload,
                &l.req_payload_ptr,
                Rule::PayloadSchema,
                Some(action),
            )),
        }
        (kind, violations)
    }

    /// The correlation id: a request needs one that keeps the contract's id schema, a
    /// notification has none.
    fn check_request_id(
        &self,
        id: Option<TapeNode<'_>>,
        action: &str,
        spec: Option<&CompiledAction>,
        violations: &mut Vec<Violation>,
    ) {
        let l = &self.inner.layout;
        let notification = spec.is_some_and(|s| s.notification);
        match id {
            Some(id) if notification => violations.push(
                Violation::error(
                    Rule::FrameNotification,
                    join(&l.req_id),
                    format!(
                        "`{action}` is a notification: it is sent without an id and gets no answer"
                    ),
                )
                .with_excerpt_of(&id)
                .with_item(action),
            ),
            Some(id) => {
                for mut v in schema_violations(
                    &self.inner.id_schema,
                    id,
                    &l.req_id_ptr,
                    Rule::FrameEnvelope,
                    Some(action),
                ) {
                    let message = format!("bad correlation id: {}", v.message);
                    v.set_message(message);
                    violations.push(v);
                }
            }
            // without the action, whether it was meant as a notification is unknown: the
            // unknown action is what is wrong
            None if notification || spec.is_none() => {}
            None => violations.push(
                Violation::error(
                    Rule::FrameEnvelope,
                    join(&l.req_id),
                    "the request has no correlation id",
                )
                .with_item(action),
            ),
        }
    }

    fn check_server<'a>(&self, value: TapeNode<'a>) -> (Kind<'a>, Vec<Violation>) {
        if let Some(c) = self.control_for(Direction::Server, value) {
            return self.check_control(c, value);
        }
        let l = &self.inner.layout;
        if let Some((status_ptr, ok, err)) = &l.res_status {
            if let Some(status) = value.get(status_ptr) {
                return if status.equals(ok) {
                    self.check_ok(value)
                } else if status.equals(err) {
                    self.check_error(value)
                } else {
                    (
                        Kind::Unreadable,
                        vec![Violation::error(
                            Rule::FrameEnvelope,
                            join(status_ptr),
                            format!("status must be {ok} or {err}"),
                        )
                        .with_excerpt_of(&status)],
                    )
                };
            }
        }
        let event_name = value.get(&l.ev_name).and_then(|n| n.str());
        // a response has an id; where errors about unreadable requests leave it out, an error
        // object alone makes one
        let is_response = l.res_status.is_none()
            && (value.get(&l.res_id).is_some()
                || (l.unread_error_id_absent && value.get(&l.res_error).is_some()));
        if let Some(name) = event_name {
            if !is_response || self.inner.events.contains_key(name) {
                return self.check_event(name, value);
            }
        }
        if is_response {
            if value.get(&l.res_error).is_some() {
                return self.check_error(value);
            }
            if l.data_optional || value.get(&l.res_data).is_some() {
                return self.check_ok(value);
            }
        }
        (
            Kind::Unreadable,
            vec![Violation::error(
                Rule::FrameEnvelope,
                "",
                "not a response, an event or a control frame of this contract's envelope",
            )
            .with_excerpt_of(&value)],
        )
    }

    fn check_ok<'a>(&self, value: TapeNode<'a>) -> (Kind<'a>, Vec<Violation>) {
        let l = &self.inner.layout;
        let mut violations = Vec::new();
        violations.extend(fixed_members(value, &l.res_constants));
        let id_node = value.get(&l.res_id);
        if id_node.is_none() {
            violations.push(Violation::error(
                Rule::FrameEnvelope,
                join(&l.res_id),
                "the response has no correlation id",
            ));
        }
        // where data may be left out, the action it answers decides (in the session)
        if !l.data_optional && value.get(&l.res_data).is_none() {
            violations.push(Violation::error(
                Rule::FrameEnvelope,
                l.res_data_ptr.clone(),
                "the ok response has no data",
            ));
        }
        (Kind::Ok { id: id_node }, violations)
    }

    /// The error code of an error response as the contract names it.
    fn error_code<'a>(&self, error: TapeNode<'a>) -> Result<Cow<'a, str>, Box<Violation>> {
        let l = &self.inner.layout;
        // where the code is, spelled out only for a violation
        let at = || format!("{}{}", l.res_error_ptr, join(&l.err_code));
        let raw = error.get(&l.err_code).ok_or_else(|| {
            Box::new(Violation::error(
                Rule::ErrorShape,
                at(),
                "the error has no code",
            ))
        })?;
        match l.code_type {
            ErrorCodeType::Name => {
                let code = raw.str().ok_or_else(|| {
                    Violation::error(Rule::ErrorShape, at(), "the error code must be a string")
                        .with_excerpt_of(&raw)
                })?;
                if self.inner.contract.errors.contains_key(code) {
                    Ok(Cow::Borrowed(code))
                } else {
                    Err(Box::new(
                        Violation::error(
                            Rule::ErrorUnknownCode,
                            at(),
                            format!("`{code}` is not in the contract's error table"),
                        )
                        .with_excerpt_of(&raw),
                    ))
                }
            }
            ErrorCodeType::Number => {
                let n = raw.i64().ok_or_else(|| {
                    Violation::error(Rule::ErrorShape, at(), "the error code must be an integer")
                        .with_excerpt_of(&raw)
                })?;
                self.inner
                    .rpc_codes
                    .get(&n)
                    .cloned()
                    .map(Cow::Owned)
                    .ok_or_else(|| {
                        Box::new(Violation::error(
                            Rule::ErrorUnknownCode,
                            at(),
                            format!("{n} is not an rpc_code of the contract's error table"),
                        ))
                    })
            }
        }
    }

    fn check_error<'a>(&self, value: TapeNode<'a>) -> (Kind<'a>, Vec<Violation>) {
        let l = &self.inner.layout;
        let mut violations = Vec::new();
        violations.extend(fixed_members(value, &l.res_constants));
        let id_node = value.get(&l.res_id);
        match id_node {
            None if l.unread_error_id_absent => {}
            None => violations.push(Violation::error(
                Rule::FrameEnvelope,
                join(&l.res_id),
                "the error response has no correlation id (use null when the request could not be read)",
            )),
            Some(id) if id.is_null_value() && l.unread_error_id_absent => violations.push(
                Violation::error(
                    Rule::FrameEnvelope,
                    join(&l.res_id),
                    "the id is null: an error about a request that could not be read leaves the id out",
                ),
            ),
            Some(_) => {}
        }
        let mut code = None;
        match value.get(&l.res_error) {
            None => violations.push(Violation::error(
                Rule::ErrorShape,
                l.res_error_ptr.clone(),
                "the error response has no error object",
            )),
            Some(error) => {
                match self.error_code(error) {
                    Ok(c) => code = Some(c),
                    Err(v) => violations.push(*v),
                }
                let message = error.get(&l.err_message);
                let fine = match message {
                    Some(m) => m.is_str(),
                    None => l.message_optional,
                };
                if !fine {
                    violations.push(Violation::error(
                        Rule::ErrorShape,
                        format!("{}{}", l.res_error_ptr, join(&l.err_message)),
                        "the error needs a message string",
                    ));
                }
            }
        }
        (Kind::Error { id: id_node, code }, violations)
    }

    fn check_event<'a>(&self, name: &'a str, value: TapeNode<'a>) -> (Kind<'a>, Vec<Violation>) {
        let l = &self.inner.layout;
        let mut violations = Vec::new();
        let tenant = l
            .ev_tenant
            .as_ref()
            .and_then(|p| value.get(p))
            .and_then(|n| n.str());
        let topic = l
            .ev_topic
            .as_ref()
            .and_then(|p| value.get(p))
            .and_then(|n| n.str());
        let kind = Kind::Event {
            name,
            tenant,
            topic,
        };
        if !matches_constants(value, &l.ev_constants) {
            violations.push(
                Violation::error(
                    Rule::FrameEnvelope,
                    "",
                    "a fixed envelope member is missing or wrong",
                )
                .with_item(name),
            );
        }
        let Some(spec) = self.inner.events.get(name) else {
            violations.push(
                Violation::error(
                    Rule::FrameUnknownEvent,
                    join(&l.ev_name),
                    format!("no event is named `{name}`"),
                )
                .with_item(name),
            );
            return (kind, violations);
        };
        for (segs, ptr, schema) in &l.ev_optional {
            if let Some(v) = value.get(segs) {
                violations.extend(schema_violations(
                    schema,
                    v,
                    ptr,
                    Rule::FrameEnvelope,
                    Some(name),
                ));
            }
        }
        match value.get(&l.ev_data) {
            None if spec.data_omissible => {}
            None => violations.push(
                Violation::error(
                    Rule::FrameEnvelope,
                    l.ev_data_ptr.clone(),
                    "the event has no data",
                )
                .with_item(name),
            ),
            Some(data) => violations.extend(schema_violations(
                &spec.data,
                data,
                &l.ev_data_ptr,
                Rule::EventSchema,
                Some(name),
            )),
        }
        self.check_event_scope(name, spec, value, (tenant, topic), &mut violations);
        (kind, violations)
    }

    /// The members an event's scope asks for: its tenant, a topic its pattern matches, the id
    /// of the subscription it goes to.
    fn check_event_scope<'a>(
        &self,
        name: &str,
        spec: &CompiledEvent,
        value: TapeNode<'a>,
        (tenant, topic): (Option<&'a str>, Option<&'a str>),
        violations: &mut Vec<Violation>,
    ) {
        let l = &self.inner.layout;
        match &spec.scope {
            Scope::Tenant => {
                if let Some(p) = &l.ev_tenant {
                    if tenant.is_none() {
                        violations.push(
                            Violation::error(
                                Rule::EventScope,
                                join(p),
                                format!("`{name}` is a tenant event and must say its tenant here"),
                            )
                            .with_item(name),
                        );
                    }
                }
            }
            Scope::Topic { pattern } => {
                if let Some(p) = &l.ev_topic {
                    match (&topic, &spec.topic) {
                        (None, _) => violations.push(
                            Violation::error(
                                Rule::EventScope,
                                join(p),
                                format!("`{name}` is a topic event and must say its topic here"),
                            )
                            .with_item(name),
                        ),
                        (Some(t), Some(template)) if template.matches(t).is_none() => violations
                            .push(
                                Violation::error(
                                    Rule::EventScope,
                                    join(p),
                                    format!(
                                        "topic `{t}` does not match `{name}`'s pattern `{pattern}`"
                                    ),
                                )
                                .with_item(name),
                            ),
                        _ => {}
                    }
                }
            }
            Scope::Subscription { id } => {
                let carried = spec
                    .subscription_id
                    .as_ref()
                    .and_then(|at| value.get(&l.ev_data).and_then(|data| data.get(at)));
                if carried.is_none() {
                    violations.push(
                        Violation::error(
                            Rule::EventScope,
                            format!("{}{id}", l.ev_data_ptr),
                            format!("`{name}` goes to a subscription and must carry its id here"),
                        )
                        .with_item(name),
                    );
                }
            }
            Scope::Connection => {}
        }
    }

    /// Checks an ok response's data against the schema of the action it answers.
    pub(crate) fn check_response_data(&self, action: &str, frame: TapeNode<'_>) -> Vec<Violation> {
        let l = &self.inner.layout;
        match (self.inner.actions.get(action), frame.get(&l.res_data)) {
            (Some(spec), Some(data)) => schema_violations(
                &spec.response,
                data,
                &l.res_data_ptr,
                Rule::ResponseSchema,
                Some(action),
            ),
            (Some(spec), None) if !spec.data_omissible => vec![Violation::error(
                Rule::FrameEnvelope,
                l.res_data_ptr.clone(),
                format!("the ok response has no data, and `{action}`'s response cannot be empty"),
            )
            .with_item(action)],
            _ => Vec::new(),
        }
    }
}

fn with_direction(mut v: Violation, direction: Direction) -> Violation {
    v.direction = Some(direction);
    v
}

impl Validator {
    /// An error response in the contract's envelope (for proxies and servers that answer on
    /// the contract's behalf). A code the table does not know is sent as `internal`.
    pub fn error_frame(
        &self,
        id: Value,
        code: &str,
        message: &str,
        details: Option<Value>,
    ) -> Value {
        self.inner.contract.error_frame(id, code, message, details)
    }
}

impl Validator {
    /// The list inside a batch frame, with the pointer to it, when the envelope has batches
    /// and the frame is one.
    pub(crate) fn batch_list<'a>(&self, frame: TapeNode<'a>) -> Option<(TapeNode<'a>, String)> {
        let (at, ptr) = self.inner.layout.batch.as_ref()?;
        frame
            .get(at)
            .filter(|list| list.is_array())
            .map(|list| (list, ptr.clone()))
    }
}

/// The correlation id a control frame carries, if any (at the request's id pointer).
pub(crate) fn control_id<'a>(validator: &Validator, frame: TapeNode<'a>) -> Option<TapeNode<'a>> {
    frame
        .get(&validator.inner.layout.req_id)
        .filter(|v| !v.is_null_value())
}

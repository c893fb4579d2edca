//! Compile a contract once, validate many frames: every schema becomes a `jsonschema`
//! validator (offline, formats checked, a linear-time regex engine), every envelope pointer is
//! parsed, every topic pattern is a template.

use std::collections::HashMap;

/// Name lookups happen on every frame: a faster (still randomized) hasher than SipHash.
pub(crate) type FastMap<K, V> = HashMap<K, V, ahash::RandomState>;
use std::sync::Arc;

use serde_json::Value;

use frameproof_naming::Template;
use frameproof_schema::{
    pointer, Contract, ControlKind, Direction, ErrorCodeType, Scope, SubscriptionRole,
};

use crate::parse::Limits;
use crate::session::Session;
use crate::tape::TapeJson;

/// A compiled schema; it validates parsed frames on their tape, in place.
pub(crate) type Schema = jsonschema::Validator<TapeJson>;

/// A contract the validator cannot use; names the schema and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{at}: {message}")]
pub struct CompileError {
    /// A JSON pointer into the contract document to the part that cannot be used
    /// (`/envelope/request/id_schema`, `/actions/<name>/…`).
    pub at: String,
    /// Why it cannot be used, as a sentence.
    pub message: String,
}

pub(crate) struct CompiledAction {
    /// The action's name, shared by every request of it a session is waiting on.
    pub name: Arc<str>,
    pub payload: Schema,
    pub response: Schema,
    pub errors: Vec<String>,
    pub since: Option<semver::Version>,
    pub deprecated: Option<String>,
    pub websocket: bool,
    /// Sent without an id, never answered.
    pub notification: bool,
    /// The payload may be left out (the envelope allows it and the schema accepts empty).
    pub payload_omissible: bool,
    /// An ok response may leave its data out.
    pub data_omissible: bool,
    pub subscription: Option<Subscribing>,
}

/// What an action does to subscriptions handed out by a result.
pub(crate) enum Subscribing {
    /// The ok response's data holds the new subscription's id here.
    Opens(Vec<String>),
    /// The payload names the subscription it ends here.
    Closes(Vec<String>),
}

pub(crate) struct CompiledEvent {
    pub data: Schema,
    pub scope: Scope,
    pub topic: Option<Template>,
    /// Where the data carries the subscription's id (subscription events).
    pub subscription_id: Option<Vec<String>>,
    /// The frame may leave the data out.
    pub data_omissible: bool,
    pub since: Option<semver::Version>,
    pub deprecated: Option<String>,
}

pub(crate) struct CompiledControl {
    pub kind: ControlKind,
    pub direction: Direction,
    /// Fixed members that tell this control frame apart: (index into
    /// [`Inner::control_pointers`], value).
    pub when: Vec<(usize, Value)>,
    pub schema: Schema,
    pub topics: Option<Vec<String>>,
    /// The control frame of the other direction that answers this one.
    pub reply: Option<ControlKind>,
}

/// Pointers of the envelope, parsed.
pub(crate) struct Layout {
    pub req_id: Vec<String>,
    pub req_id_ptr: String,
    pub req_action: Vec<String>,
    pub req_payload: Vec<String>,
    pub req_payload_ptr: String,
    pub req_constants: Vec<(Vec<String>, Value)>,
    /// With the id, the correlation key (multiplexed sessions).
    pub req_session: Option<Vec<String>>,
    pub res_session: Option<Vec<String>>,
    /// Where a batch frame holds its list (empty: the frame is the list).
    pub batch: Option<(Vec<String>, String)>,
    pub data_optional: bool,
    pub message_optional: bool,
    /// Errors about unreadable requests carry no id (rather than `null`).
    pub unread_error_id_absent: bool,
    pub res_id: Vec<String>,
    pub res_status: Option<(Vec<String>, Value, Value)>,
    pub res_data: Vec<String>,
    pub res_data_ptr: String,
    pub res_error: Vec<String>,
    pub res_error_ptr: String,
    pub err_code: Vec<String>,
    pub err_message: Vec<String>,
    pub code_type: ErrorCodeType,
    pub res_constants: Vec<(Vec<String>, Value)>,
    pub ev_name: Vec<String>,
    pub ev_data: Vec<String>,
    pub ev_data_ptr: String,
    pub ev_tenant: Option<Vec<String>>,
    pub ev_topic: Option<Vec<String>>,
    pub ev_constants: Vec<(Vec<String>, Value)>,
    pub ev_optional: Vec<(Vec<String>, String, Schema)>,
}

pub(crate) struct Inner {
    pub contract: Contract,
    pub limits: Limits,
    pub layout: Layout,
    pub id_schema: Schema,
    pub actions: FastMap<String, CompiledAction>,
    pub events: FastMap<String, CompiledEvent>,
    pub controls: Vec<CompiledControl>,
    /// The distinct pointers the controls' `when` members name, so each is looked up once.
    pub control_pointers: Vec<Vec<String>>,
    /// rpc code → error name, for numeric profiles.
    pub rpc_codes: HashMap<i64, String>,
    /// Whether clients send requests at all (an op-coded gateway sends only control frames).
    pub has_requests: bool,
}

/// A compiled contract. Cheap to clone and share between threads and connections.
#[derive(Clone)]
pub struct Validator {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) fn compile(
    contract: &Contract,
    at: &str,
    schema: &Value,
) -> Result<Schema, CompileError> {
    jsonschema::options_for::<TapeJson>()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .with_pattern_options(jsonschema::PatternOptions::regex())
        .build(&contract.standalone(schema))
        .map_err(|e| CompileError {
            at: at.to_owned(),
            message: format!("the schema cannot be used: {e}"),
        })
}

fn segs(at: &str, ptr: &str) -> Result<Vec<String>, CompileError> {
    pointer::segments(ptr).map_err(|e| CompileError {
        at: at.to_owned(),
        message: e.to_string(),
    })
}

fn optional_segs(at: &str, ptr: Option<&str>) -> Result<Option<Vec<String>>, CompileError> {
    ptr.map(|p| segs(at, p)).transpose()
}

fn constants(
    at: &str,
    map: &std::collections::BTreeMap<String, Value>,
) -> Result<Vec<(Vec<String>, Value)>, CompileError> {
    map.iter()
        .map(|(p, v)| Ok((segs(at, p)?, v.clone())))
        .collect()
}

fn version(v: &str) -> Option<semver::Version> {
    semver::Version::parse(v).ok()
}

/// The envelope's pointers, split into segments once.
fn compile_layout(contract: &Contract) -> Result<Layout, CompileError> {
    let e = &contract.envelope;
    Ok(Layout {
        req_id: segs("/envelope/request/id", &e.request.id)?,
        req_id_ptr: e.request.id.clone(),
        req_action: segs("/envelope/request/action", &e.request.action)?,
        req_payload: segs("/envelope/request/payload", &e.request.payload)?,
        req_payload_ptr: e.request.payload.clone(),
        req_constants: constants("/envelope/request/constants", &e.request.constants)?,
        req_session: optional_segs("/envelope/request/session", e.request.session.as_deref())?,
        res_session: optional_segs("/envelope/response/session", e.response.session.as_deref())?,
        batch: match &e.batch {
            Some(b) => Some((
                segs("/envelope/batch/pointer", &b.pointer)?,
                b.pointer.clone(),
            )),
            None => None,
        },
        data_optional: e.response.data_optional,
        message_optional: e.response.error_message_optional,
        unread_error_id_absent: e.response.unread_error_id
            == frameproof_schema::UnreadErrorId::Absent,
        res_id: segs("/envelope/response/id", &e.response.id)?,
        res_status: match &e.response.status {
            Some(s) => Some((
                segs("/envelope/response/status", &s.pointer)?,
                s.ok.clone(),
                s.error.clone(),
            )),
            None => None,
        },
        res_data: segs("/envelope/response/data", &e.response.data)?,
        res_data_ptr: e.response.data.clone(),
        res_error: segs("/envelope/response/error", &e.response.error)?,
        res_error_ptr: e.response.error.clone(),
        err_code: segs("/envelope/response/error_code", &e.response.error_code)?,
        err_message: segs(
            "/envelope/response/error_message",
            &e.response.error_message,
        )?,
        code_type: e.response.error_code_type,
        res_constants: constants("/envelope/response/constants", &e.response.constants)?,
        ev_name: segs("/envelope/event/name", &e.event.name)?,
        ev_data: segs("/envelope/event/data", &e.event.data)?,
        ev_data_ptr: e.event.data.clone(),
        ev_tenant: e
            .event
            .tenant
            .as_deref()
            .map(|p| segs("/envelope/event/tenant", p))
            .transpose()?,
        ev_topic: e
            .event
            .topic
            .as_deref()
            .map(|p| segs("/envelope/event/topic", p))
            .transpose()?,
        ev_constants: constants("/envelope/event/constants", &e.event.constants)?,
        ev_optional: e
            .event
            .optional
            .iter()
            .map(|(p, s)| {
                Ok((
                    segs("/envelope/event/optional", p)?,
                    p.clone(),
                    compile(contract, "/envelope/event/optional", s)?,
                ))
            })
            .collect::<Result<_, CompileError>>()?,
    })
}

fn compile_actions(contract: &Contract) -> Result<FastMap<String, CompiledAction>, CompileError> {
    let mut actions = FastMap::default();
    for (name, a) in &contract.actions {
        let at = pointer::push("/actions", name);
        actions.insert(
            name.clone(),
            CompiledAction {
                name: Arc::from(name.as_str()),
                payload: compile(contract, &format!("{at}/payload"), &a.payload)?,
                response: compile(contract, &format!("{at}/response"), &a.response)?,
                errors: a.errors.clone(),
                since: version(&a.since),
                deprecated: a.deprecated.as_ref().map(|d| d.note.clone()),
                websocket: a.websocket,
                notification: a.notification,
                payload_omissible: contract.payload_may_be_omitted(name),
                data_omissible: contract.data_may_be_omitted(name),
                subscription: match &a.subscription {
                    Some(SubscriptionRole::Opens { id }) => {
                        Some(Subscribing::Opens(segs(&format!("{at}/subscription"), id)?))
                    }
                    Some(SubscriptionRole::Closes { id }) => Some(Subscribing::Closes(segs(
                        &format!("{at}/subscription"),
                        id,
                    )?)),
                    None => None,
                },
            },
        );
    }
    Ok(actions)
}

fn compile_events(contract: &Contract) -> Result<FastMap<String, CompiledEvent>, CompileError> {
    let mut events = FastMap::default();
    for (name, ev) in &contract.events {
        let at = pointer::push("/events", name);
        let topic = match &ev.scope {
            Scope::Topic { pattern } => {
                Some(Template::parse(pattern).map_err(|e| CompileError {
                    at: format!("{at}/scope"),
                    message: e.to_string(),
                })?)
            }
            _ => None,
        };
        let subscription_id = match &ev.scope {
            Scope::Subscription { id } => Some(segs(&format!("{at}/scope"), id)?),
            _ => None,
        };
        events.insert(
            name.clone(),
            CompiledEvent {
                data: compile(contract, &format!("{at}/data"), &ev.data)?,
                scope: ev.scope.clone(),
                topic,
                subscription_id,
                data_omissible: contract.event_data_may_be_omitted(name),
                since: version(&ev.since),
                deprecated: ev.deprecated.as_ref().map(|d| d.note.clone()),
            },
        );
    }
    Ok(events)
}

/// The control frames, and the distinct pointers their `when` members name (each looked up
/// once per frame).
#[allow(clippy::type_complexity)]
fn compile_controls(
    contract: &Contract,
) -> Result<(Vec<CompiledControl>, Vec<Vec<String>>), CompileError> {
    let e = &contract.envelope;
    let mut controls = Vec::new();
    let mut control_pointers: Vec<Vec<String>> = Vec::new();
    for (i, c) in e.control.iter().enumerate() {
        let at = format!("/envelope/control/{i}");
        let mut when = Vec::new();
        for (p, v) in constants(&at, &c.when)? {
            let i = match control_pointers.iter().position(|q| *q == p) {
                Some(i) => i,
                None => {
                    control_pointers.push(p);
                    control_pointers.len() - 1
                }
            };
            when.push((i, v));
        }
        // documents written before replies were declared: a ping is answered by the pong
        let pong = e.control.iter().any(|o| o.kind == ControlKind::Pong);
        let reply = c
            .reply
            .clone()
            .or_else(|| (c.kind == ControlKind::Ping && pong).then_some(ControlKind::Pong));
        controls.push(CompiledControl {
            reply,
            kind: c.kind.clone(),
            direction: c.direction,
            when,
            schema: compile(contract, &format!("{at}/schema"), &c.schema)?,
            topics: c.topics.as_deref().map(|p| segs(&at, p)).transpose()?,
        });
    }
    Ok((controls, control_pointers))
}

impl Validator {
    /// Compiles with the default [`Limits`].
    pub fn new(contract: &Contract) -> Result<Validator, CompileError> {
        Validator::with_limits(contract, Limits::default())
    }

    /// Compiles every schema and envelope pointer of `contract` once, to check frames within
    /// `limits`; fails on the first part that cannot be used.
    pub fn with_limits(contract: &Contract, limits: Limits) -> Result<Validator, CompileError> {
        let e = &contract.envelope;
        let layout = compile_layout(contract)?;
        let actions = compile_actions(contract)?;
        let events = compile_events(contract)?;
        let (controls, control_pointers) = compile_controls(contract)?;
        let rpc_codes = contract
            .errors
            .iter()
            .filter_map(|(name, spec)| spec.rpc_code.map(|c| (c, name.clone())))
            .collect();
        Ok(Validator {
            inner: Arc::new(Inner {
                id_schema: compile(
                    contract,
                    "/envelope/request/id_schema",
                    &e.request.id_schema,
                )?,
                contract: contract.clone(),
                limits,
                layout,
                actions,
                events,
                controls,
                control_pointers,
                rpc_codes,
                has_requests: contract.actions.values().any(|a| a.websocket),
            }),
        })
    }

    /// The contract this validator was compiled from.
    pub fn contract(&self) -> &Contract {
        &self.inner.contract
    }

    /// The limits every frame is parsed within.
    pub fn limits(&self) -> Limits {
        self.inner.limits
    }

    /// A new stateful session for one connection.
    pub fn session(&self) -> Session {
        Session::new(self.clone())
    }
}

//! `Contract::builder`: Rust types in, one checked contract document out.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

use frameproof_naming::{conventional_route, HttpMethod, Template};

use crate::check::Problem;
use crate::defs::{apply_renames, Generators};
use crate::document::{
    ActionSpec, Contract, Deprecation, ErrorSpec, EventSpec, Lints, Scope, SubscriptionRole,
    FORMAT_VERSION,
};
use crate::envelope::{ControlFrame, ControlKind, Envelope};
use crate::errors::standard_errors;
use crate::pointer;
use crate::rest::{join_path, RestRoute};
use crate::schema_walk::object_fields;
use crate::traits::{
    Action, ActionMeta, DeprecationMeta, Event, EventMeta, RestMeta, ScopeMeta, SubscriptionMeta,
};
use crate::transport::Transport;

/// Contract-level mistakes found by [`ContractBuilder::build`]; each names where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    pub problems: Vec<Problem>,
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "the contract has {} problem(s):", self.problems.len())?;
        for p in &self.problems {
            writeln!(f, "  - {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for BuildError {}

struct PendingAction {
    meta: ActionMeta,
    type_name: &'static str,
    payload: Value,
    response: Value,
}

struct PendingEvent {
    meta: EventMeta,
    type_name: &'static str,
    data: Value,
}

pub struct ContractBuilder {
    name: String,
    version: String,
    description: String,
    /// `None`: [`ContractBuilder::build`] picks it from the contract's version.
    default_since: Option<String>,
    transport: Transport,
    envelope: Envelope,
    errors: BTreeMap<String, ErrorSpec>,
    actions: Vec<PendingAction>,
    events: Vec<PendingEvent>,
    generators: Generators,
    lints: Lints,
    /// Clients subscribe only to topics an event is published on ([`ContractBuilder::topics_from_events`]).
    topics_from_events: bool,
}

impl Contract {
    /// Starts a contract with the standard error table, the frameproof envelope and default
    /// transport settings (`/ws`, `/api`, token in the query, 30 s / 10 s heartbeat).
    pub fn builder(name: impl Into<String>, version: impl Into<String>) -> ContractBuilder {
        ContractBuilder {
            name: name.into(),
            version: version.into(),
            description: String::new(),
            default_since: None,
            transport: Transport::default(),
            envelope: Envelope::frameproof(),
            errors: standard_errors(),
            actions: Vec::new(),
            events: Vec::new(),
            generators: Generators::new(),
            lints: Lints::default(),
            topics_from_events: false,
        }
    }
}

impl ContractBuilder {
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    /// The `since` of items whose derive does not say. Without it: `1.0.0`, or the contract's
    /// own version when that is older (a first contract at `0.1.0`), so an item never claims
    /// to arrive after the contract that describes it.
    pub fn default_since(mut self, version: impl Into<String>) -> Self {
        self.default_since = Some(version.into());
        self
    }

    /// States that clients subscribe only to topics an event of the contract is published
    /// on: the subscribe and unsubscribe frames' topics get a `pattern` made of the topic
    /// events' templates (`task:{task_id}` → `task:.+`), so a topic of an unknown prefix (or
    /// with an empty parameter) is invalid by the contract, not only refused by the server.
    /// Off by default: many protocols have topics the contract does not model.
    pub fn topics_from_events(mut self) -> Self {
        self.topics_from_events = true;
        self
    }

    pub fn transport(mut self, transport: Transport) -> Self {
        self.transport = transport;
        self
    }

    /// Changes the transport settings in place.
    pub fn configure_transport(mut self, f: impl FnOnce(&mut Transport)) -> Self {
        f(&mut self.transport);
        self
    }

    /// The JSON-RPC 2.0 preset: [`Envelope::jsonrpc`]'s layout; JSON-RPC's standard errors
    /// under their numbers (`bad_request` -32700 "parse error", `invalid_request` -32600,
    /// `unknown_action` -32601 "method not found", `validation_failed` -32602 "invalid params",
    /// `internal` -32603; the other standard errors keep frameproof's numbers, to be renumbered
    /// with [`ContractBuilder::error_spec`] or left out with [`ContractBuilder::without_error`]);
    /// method names as the protocol spells them (no naming lint); connections that do not
    /// authenticate. Everything stays changeable after it.
    pub fn jsonrpc(mut self) -> Self {
        self.envelope = Envelope::jsonrpc();
        self.errors.insert(
            "invalid_request".to_owned(),
            ErrorSpec {
                status: 400,
                description: "The frame is not a valid request object.".to_owned(),
                any_action: true,
                rpc_code: Some(-32600),
            },
        );
        self.lints.naming = crate::LintLevel::Allow;
        self.transport.auth.methods.clear();
        self
    }

    pub fn envelope(mut self, envelope: Envelope) -> Self {
        self.envelope = envelope;
        self
    }

    /// Adds (or overrides) an error code with its HTTP status.
    pub fn error(
        mut self,
        code: impl Into<String>,
        status: u16,
        description: impl Into<String>,
    ) -> Self {
        let code = code.into();
        let rpc_code = self.errors.get(&code).and_then(|e| e.rpc_code);
        self.errors.insert(
            code,
            ErrorSpec {
                status,
                description: description.into(),
                any_action: false,
                rpc_code,
            },
        );
        self
    }

    /// Leaves a standard error out of the table (a protocol without it). What frameproof
    /// itself would answer with it is answered with `internal` if the table has that, or with
    /// the first `any_action` error.
    pub fn without_error(mut self, code: &str) -> Self {
        self.errors.remove(code);
        self
    }

    /// How strictly frameproof's conventions are held (naming: a warning by default).
    pub fn lints(mut self, lints: Lints) -> Self {
        self.lints = lints;
        self
    }

    /// Declares a control frame whose whole-frame schema is `T`'s (a hello, an identify): sent
    /// in `direction`, recognised by the members in `when` (`[("/op", json!(10))]`).
    pub fn control<T: schemars::JsonSchema>(
        mut self,
        kind: &str,
        direction: crate::Direction,
        when: &[(&str, Value)],
    ) -> Self {
        let schema = match direction {
            crate::Direction::Client => self.generators.input::<T>(),
            crate::Direction::Server => self.generators.output::<T>(),
        };
        let when = when.iter().map(|(p, v)| ((*p).to_owned(), v.clone()));
        self.envelope.control.push(ControlFrame::new(
            ControlKind::named(kind),
            direction,
            when,
            schema,
        ));
        self
    }

    /// Changes the envelope in place (a control frame's reply, an ordering rule).
    pub fn configure_envelope(mut self, f: impl FnOnce(&mut Envelope)) -> Self {
        f(&mut self.envelope);
        self
    }

    /// Adds (or overrides) an error code with every detail.
    pub fn error_spec(mut self, code: impl Into<String>, spec: ErrorSpec) -> Self {
        self.errors.insert(code.into(), spec);
        self
    }

    pub fn action<A: Action>(mut self) -> Self {
        let payload = self.generators.input::<A>();
        let response = self.generators.output::<A::Response>();
        self.actions.push(PendingAction {
            meta: A::META,
            type_name: std::any::type_name::<A>(),
            payload,
            response,
        });
        self
    }

    pub fn event<E: Event>(mut self) -> Self {
        let data = self.generators.output::<E>();
        self.events.push(PendingEvent {
            meta: E::META,
            type_name: std::any::type_name::<E>(),
            data,
        });
        self
    }

    /// Generates the schemas, resolves the REST mapping, derives the frame schemas, and checks
    /// the whole document ([`Contract::check`]).
    pub fn build(self) -> Result<Contract, BuildError> {
        let default_since = self
            .default_since
            .clone()
            .unwrap_or_else(|| implicit_since(&self.version));
        let merged = self.generators.finish();
        let mut problems = merged.problems;
        let defs = merged.defs;

        let (events, event_types) = event_specs(&self.events, &default_since, &mut problems);
        let actions = action_specs(
            &self.actions,
            &self.transport,
            &default_since,
            &event_types,
            &merged.input_renames,
            &defs,
            &mut problems,
        );

        let mut envelope = self.envelope;
        if self.topics_from_events {
            crate::topics::state_topic_patterns(&mut envelope, &events);
        }
        let frames = match crate::frames::derive(&envelope, &actions, &events, &self.errors, &defs)
        {
            Ok(f) => f,
            Err(msg) => {
                problems.push(Problem::new("/envelope", msg));
                crate::document::FrameSchemas {
                    client: Value::Bool(true),
                    server: Value::Bool(true),
                }
            }
        };
        let mut contract = Contract {
            frameproof: FORMAT_VERSION.to_owned(),
            name: self.name,
            version: self.version,
            description: self.description,
            fingerprint: String::new(),
            transport: self.transport,
            envelope,
            errors: self.errors,
            actions,
            events,
            defs,
            frames,
            lints: self.lints,
        };
        contract.fingerprint = contract.compute_fingerprint();
        for p in contract.check() {
            if !problems.contains(&p) {
                problems.push(p);
            }
        }
        if problems.is_empty() {
            Ok(contract)
        } else {
            Err(BuildError { problems })
        }
    }
}

/// The registered events' entries, and each name's Rust type (a name registered twice is
/// a problem, and its second registration is left out).
fn event_specs(
    pending: &[PendingEvent],
    default_since: &str,
    problems: &mut Vec<Problem>,
) -> (
    BTreeMap<String, EventSpec>,
    BTreeMap<&'static str, &'static str>,
) {
    let mut events = BTreeMap::new();
    let mut event_types: BTreeMap<&str, &str> = BTreeMap::new();
    for e in pending {
        let at = pointer::push("/events", e.meta.name);
        if let Some(first) = event_types.insert(e.meta.name, e.type_name) {
            problems.push(Problem::new(
                at,
                format!(
                    "two events are named `{}`: `{first}` and `{}`; event names must be unique",
                    e.meta.name, e.type_name
                ),
            ));
            continue;
        }
        events.insert(
            e.meta.name.to_owned(),
            EventSpec {
                description: e.meta.description.to_owned(),
                since: e.meta.since.unwrap_or(default_since).to_owned(),
                deprecated: e.meta.deprecated.map(deprecation),
                data: e.data.clone(),
                scope: match e.meta.scope {
                    ScopeMeta::Tenant => Scope::Tenant,
                    ScopeMeta::Topic(p) => Scope::Topic {
                        pattern: p.to_owned(),
                    },
                    ScopeMeta::Connection => Scope::Connection,
                    ScopeMeta::Subscription(id) => Scope::Subscription { id: id.to_owned() },
                },
            },
        );
    }
    (events, event_types)
}

/// The registered actions' entries: payloads with their `$defs` renamed as merged, REST
/// routes resolved, every emitted event registered.
fn action_specs(
    pending: &[PendingAction],
    transport: &Transport,
    default_since: &str,
    event_types: &BTreeMap<&'static str, &'static str>,
    input_renames: &BTreeMap<String, String>,
    defs: &BTreeMap<String, Value>,
    problems: &mut Vec<Problem>,
) -> BTreeMap<String, ActionSpec> {
    let mut actions = BTreeMap::new();
    let mut action_types: BTreeMap<&str, &str> = BTreeMap::new();
    for a in pending {
        let at = pointer::push("/actions", a.meta.name);
        if let Some(first) = action_types.insert(a.meta.name, a.type_name) {
            problems.push(Problem::new(
                at,
                format!(
                    "two actions are named `{}`: `{first}` and `{}`; action names must be unique",
                    a.meta.name, a.type_name
                ),
            ));
            continue;
        }
        for emitted in a.meta.emits {
            if !event_types.contains_key(emitted) {
                problems.push(Problem::new(
                    pointer::push(&at, "emits"),
                    format!(
                        "`{}` emits `{emitted}`, but no event of that name is registered: \
                         add `.event::<{emitted}>()` to the builder",
                        a.meta.name
                    ),
                ));
            }
        }
        let mut payload = a.payload.clone();
        apply_renames(&mut payload, input_renames);
        let rest = match route(&a.meta, transport, &payload, defs) {
            Ok(r) => r,
            Err(msg) => {
                problems.push(Problem::new(pointer::push(&at, "rest"), msg));
                None
            }
        };
        actions.insert(
            a.meta.name.to_owned(),
            ActionSpec {
                description: a.meta.description.to_owned(),
                since: a.meta.since.unwrap_or(default_since).to_owned(),
                deprecated: a.meta.deprecated.map(deprecation),
                payload,
                response: a.response.clone(),
                errors: a.meta.errors.iter().map(|s| (*s).to_owned()).collect(),
                emits: a.meta.emits.iter().map(|s| (*s).to_owned()).collect(),
                websocket: a.meta.websocket,
                rest,
                notification: a.meta.notification,
                public: a.meta.public,
                subscription: a.meta.subscription.map(|s| match s {
                    SubscriptionMeta::Opens(id) => SubscriptionRole::Opens { id: id.to_owned() },
                    SubscriptionMeta::Closes(id) => SubscriptionRole::Closes { id: id.to_owned() },
                }),
            },
        );
    }
    actions
}

/// The `since` of an item that names none: the first stable version, `1.0.0`, unless the
/// contract is older than that (`0.1.0`, the usual start of a crate): then the contract's own.
/// A version that does not parse is left to the check, which names it.
fn implicit_since(contract_version: &str) -> String {
    const FIRST_STABLE: semver::Version = semver::Version::new(1, 0, 0);
    match semver::Version::parse(contract_version) {
        Ok(v) if v < FIRST_STABLE => v.to_string(),
        _ => FIRST_STABLE.to_string(),
    }
}

fn deprecation(d: DeprecationMeta) -> Deprecation {
    Deprecation {
        since: d.since.map(str::to_owned),
        note: d.note.to_owned(),
    }
}

/// Resolves an action's REST route: the convention, with the derive's overrides applied, under
/// the base path; path parameters from the template, query parameters (GET, DELETE) from the
/// payload's other fields. A name outside the `resource.verb` convention (`tools/list`) has no
/// conventional route: it is served by the RPC endpoint when the contract has one, and needs
/// an explicit route or `rest = false` otherwise.
fn route(
    meta: &ActionMeta,
    transport: &crate::Transport,
    payload: &Value,
    defs: &BTreeMap<String, Value>,
) -> Result<Option<RestRoute>, String> {
    let base_path = transport.rest.base_path.as_str();
    let conventional_name = frameproof_naming::check_action_name(meta.name).is_ok();
    if !conventional_name && matches!(meta.rest, RestMeta::Conventional) {
        if transport.rest.rpc_endpoint.is_some() {
            return Ok(None);
        }
        return Err(format!(
            "`{}` does not follow `resource.verb`, so no REST route can be derived from it: \
             give one (`#[action(rest(method = \"POST\", path = \"/...\"))]`), make the action \
             WebSocket-only (`rest = false`), or give the contract an RPC endpoint",
            meta.name
        ));
    }
    let convention = conventional_route(meta.name);
    let (method, path) = match meta.rest {
        RestMeta::Disabled => return Ok(None),
        RestMeta::Conventional => (convention.method, convention.path),
        RestMeta::Override { method, path } => {
            let method = match method {
                Some(m) => m.parse::<HttpMethod>()?,
                None => convention.method,
            };
            (method, path.map(str::to_owned).unwrap_or(convention.path))
        }
    };
    let path = join_path(base_path, &path);
    let template = Template::parse(&path).map_err(|e| e.to_string())?;
    let path_params: Vec<String> = template.params().map(str::to_owned).collect();
    let query_params = if method.has_body() {
        Vec::new()
    } else {
        object_fields(payload, defs)
            .map(|fields| {
                fields
                    .into_keys()
                    .filter(|f| !path_params.contains(f))
                    .collect()
            })
            .unwrap_or_default()
    };
    Ok(Some(RestRoute {
        method,
        path,
        path_params,
        query_params,
        body: method.has_body(),
    }))
}

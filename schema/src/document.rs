//! The contract document: the types of `contract.json`.
//!
//! Every map is ordered by key so that a document serializes the same way every time, and the
//! fingerprint (a hash of the normalized content) tells two versions apart cheaply.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::envelope::Envelope;
use crate::rest::RestRoute;
use crate::transport::Transport;

/// The document format this crate writes. Readers refuse a newer major format.
pub const FORMAT_VERSION: &str = "1.0";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    /// The document format version (not the API's version).
    pub frameproof: String,
    pub name: String,
    /// The API's semantic version.
    pub version: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// `sha256:` and the hex digest of the normalized document without this field.
    #[serde(default)]
    pub fingerprint: String,
    pub transport: Transport,
    pub envelope: Envelope,
    /// Error code → HTTP status and meaning.
    #[serde(deserialize_with = "crate::load::unique_keys")]
    pub errors: BTreeMap<String, ErrorSpec>,
    #[serde(deserialize_with = "crate::load::unique_keys")]
    pub actions: BTreeMap<String, ActionSpec>,
    #[serde(deserialize_with = "crate::load::unique_keys")]
    pub events: BTreeMap<String, EventSpec>,
    /// Every named schema, shared by actions, events and frames (`#/$defs/Name`).
    #[serde(rename = "$defs", deserialize_with = "crate::load::unique_keys")]
    pub defs: BTreeMap<String, Value>,
    /// Whole-frame schemas per direction, derived from the envelope.
    pub frames: FrameSchemas,
    /// How strictly frameproof's own conventions are held (naming).
    #[serde(default, skip_serializing_if = "Lints::is_default")]
    pub lints: Lints,
}

/// Conventions that are advice, not rules of the wire: a contract says how strictly it keeps
/// them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lints {
    /// frameproof's naming convention (`resource.verb` actions, snake_case error codes).
    #[serde(default)]
    pub naming: LintLevel,
}

impl Lints {
    fn is_default(&self) -> bool {
        *self == Lints::default()
    }
}

/// What a lint does when a contract breaks it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LintLevel {
    /// Not checked (a protocol with its own naming: `tools/list`, `eth_getBalance`).
    Allow,
    /// Reported as a warning; the contract is still sound.
    #[default]
    Warn,
    /// A problem: the contract does not build or check.
    Deny,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionSpec {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub since: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<Deprecation>,
    /// Schema of the request payload (deserialize view).
    pub payload: Value,
    /// Schema of the ok response's data (serialize view).
    pub response: Value,
    /// Error codes this action may return, beyond those marked `any_action`.
    #[serde(default)]
    pub errors: Vec<String>,
    /// Events this action emits.
    #[serde(default)]
    pub emits: Vec<String>,
    /// Served over the WebSocket.
    #[serde(default = "yes")]
    pub websocket: bool,
    /// Served over REST at this route; absent when the action is WebSocket only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rest: Option<RestRoute>,
    /// A notification: sent without a correlation id, never answered.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub notification: bool,
    /// Needs no credential: callable before authenticating (a login, a sign-up). The refresh
    /// action (`transport.auth.refresh_action`) needs none either, without saying so here.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub public: bool,
    /// The action opens or ends a subscription whose notifications carry its id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription: Option<SubscriptionRole>,
}

/// An action's part in subscriptions handed out by a result (`eth_subscribe` →
/// `eth_subscription` notifications → `eth_unsubscribe`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "snake_case", deny_unknown_fields)]
pub enum SubscriptionRole {
    /// The ok response's data holds a new subscription's id at `id` (a pointer into the data;
    /// empty: the data is the id).
    Opens { id: String },
    /// The request's payload names the subscription it ends at `id` (a pointer into the
    /// payload); the ok response ends it.
    Closes { id: String },
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventSpec {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub since: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<Deprecation>,
    /// Schema of the event's data (serialize view).
    pub data: Value,
    pub scope: Scope,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deprecation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// Who receives an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Scope {
    /// Every connection of one tenant (org); the frame carries the tenant id where the envelope
    /// says (`org_id` in the frameproof profile).
    Tenant,
    /// Connections subscribed to a topic matching `pattern` (`task:{task_id}`); each `{param}`
    /// names a field of the event's data.
    Topic { pattern: String },
    /// Only the connection concerned (server notifications that belong to no tenant or topic).
    Connection,
    /// The subscribers of a subscription an action opened; the event's data carries the
    /// subscription's id at `id` (a pointer into the data).
    Subscription { id: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorSpec {
    /// The HTTP status this code has over REST.
    pub status: u16,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Any action may return it (protocol-level errors such as `validation_failed`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub any_action: bool,
    /// The numeric code used by profiles whose error codes are numbers (JSON-RPC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rpc_code: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameSchemas {
    /// Any frame a client may send.
    pub client: Value,
    /// Any frame a server may send.
    pub server: Value,
}

/// Which way a frame travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Client → server.
    Client,
    /// Server → client.
    Server,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Client => "client",
            Direction::Server => "server",
        }
    }
}

impl Contract {
    /// A standalone JSON Schema for one direction's frames: the frame schema with the
    /// document's `$defs` beside it, so any 2020-12 validator can check a frame on its own.
    pub fn frame_schema(&self, direction: Direction) -> Value {
        let frame = match direction {
            Direction::Client => &self.frames.client,
            Direction::Server => &self.frames.server,
        };
        self.standalone(frame)
    }

    /// Makes a schema that refers into `#/$defs` standalone by attaching the defs.
    pub fn standalone(&self, schema: &Value) -> Value {
        let mut root = serde_json::Map::new();
        root.insert(
            "$schema".into(),
            Value::String("https://json-schema.org/draft/2020-12/schema".into()),
        );
        match schema {
            Value::Object(map) => {
                for (k, v) in map {
                    root.insert(k.clone(), v.clone());
                }
            }
            other => {
                root.insert("allOf".into(), Value::Array(vec![other.clone()]));
            }
        }
        let defs = self
            .defs
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        root.insert("$defs".into(), Value::Object(defs));
        Value::Object(root)
    }

    /// Whether an HTTP request is the contract's REST traffic: under the REST base path, or,
    /// for a contract whose base path is empty (its REST routes, if any, share the server's
    /// root with pages and assets: a JSON-RPC node, an MCP server), at one of its routes. The
    /// RPC endpoint is not REST traffic (see `transport.rest.rpc_endpoint`).
    pub fn is_rest_traffic(&self, method: &str, path: &str) -> bool {
        let rest = &self.transport.rest;
        if method == "POST" && rest.rpc_endpoint.as_deref() == Some(path) {
            return false;
        }
        let base = rest.base_path.trim_end_matches('/');
        if base.is_empty() {
            return method
                .parse::<frameproof_naming::HttpMethod>()
                .is_ok_and(|m| self.action_for_route(m, path).is_some());
        }
        path.strip_prefix(base)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    }

    /// Finds the action served at a concrete REST method and path, with the path parameters.
    /// Where two routes match (`/api/tasks/archived` and `/api/tasks/{id}`), the one with fewer
    /// parameters wins, as in every HTTP router.
    pub fn action_for_route(
        &self,
        method: frameproof_naming::HttpMethod,
        path: &str,
    ) -> Option<(&str, &ActionSpec, BTreeMap<String, String>)> {
        self.actions
            .iter()
            .filter_map(|(name, spec)| {
                let route = spec.rest.as_ref()?;
                if route.method != method {
                    return None;
                }
                let template = frameproof_naming::Template::parse(&route.path).ok()?;
                template
                    .matches(path)
                    .map(|params| (name.as_str(), spec, params))
            })
            .min_by_key(|(_, _, params)| params.len())
    }
}

//! AsyncAPI 3.1 (or 3.0) of the WebSocket: one channel (the socket, with its `ws` binding), every
//! WebSocket action as a `send` operation with its `reply` (ok and error responses), every event
//! as a `receive` operation, the control frames, and components: the contract's `$defs` as
//! schemas (references rewritten to `#/components/schemas/...`) and one message per frame.

use std::collections::BTreeMap;

use frameproof_schema::{AuthMethod, Contract, Direction, Scope};
use serde_json::{json, Map, Value};

use crate::names::component_keys;
use crate::schema_util::{rewrite_refs, Frames};

const CHANNEL: &str = "socket";

/// AsyncAPI schemas are JSON Schema draft-07 plus extras: tuples use `items: [...]`, a `$ref`
/// beside other keywords goes into `allOf`, and an empty `enum` (no value allowed: the error
/// codes of a contract without errors) is `not: {}`, as draft-07 wants one member at least.
pub(crate) fn to_draft07(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            for v in map.values_mut() {
                to_draft07(v);
            }
            if map
                .get("enum")
                .and_then(Value::as_array)
                .is_some_and(Vec::is_empty)
            {
                map.remove("enum");
                if let Some(other) = map.insert("not".into(), json!({})) {
                    // a `not` already there: keep it, though no value passes either way
                    let all = map.entry("allOf").or_insert_with(|| json!([]));
                    if let Some(all) = all.as_array_mut() {
                        all.push(json!({ "not": other }));
                    }
                }
            }
            if let Some(prefix) = map.remove("prefixItems") {
                let rest = map.remove("items");
                map.insert("items".into(), prefix);
                match rest {
                    Some(r) => {
                        map.insert("additionalItems".into(), r);
                    }
                    None => {
                        map.insert("additionalItems".into(), Value::Bool(true));
                    }
                }
            }
            if map.contains_key("$ref") && map.len() > 1 {
                let reference = map.remove("$ref").unwrap_or(Value::Null);
                let annotations = ["description", "title", "deprecated", "default", "examples"];
                let mut kept = Map::new();
                for a in annotations {
                    if let Some(v) = map.remove(a) {
                        kept.insert(a.into(), v);
                    }
                }
                let rest = std::mem::take(map);
                let mut all = vec![json!({ "$ref": reference })];
                if !rest.is_empty() {
                    all.push(Value::Object(rest));
                }
                kept.insert("allOf".into(), Value::Array(all));
                *map = kept;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(to_draft07),
        _ => {}
    }
}

fn scope_text(scope: &Scope) -> String {
    match scope {
        Scope::Tenant => "tenant: every connection of the acting user's organisation".into(),
        Scope::Topic { pattern } => {
            format!("topic `{pattern}`: connections subscribed to a matching topic")
        }
        Scope::Connection => "connection: only the connection concerned".into(),
        Scope::Subscription { id } => format!(
            "subscription: the connection that opened the subscription whose id the data carries at `{id}`"
        ),
    }
}

/// A deterministic seed from a name (FNV-1a).
pub(crate) fn seed_of(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn example(schema: &Value, contract: &Contract, seed: &str) -> Value {
    let mut rng = frameproof_schema::sample::Rng::new(seed_of(seed));
    frameproof_schema::sample::sample(schema, &contract.defs, &mut rng)
}

struct Builder<'a> {
    contract: &'a Contract,
    keys: BTreeMap<String, String>,
    schemas: Map<String, Value>,
    messages: Map<String, Value>,
    channel_messages: Map<String, Value>,
    correlation: Value,
    /// Examples that need more than a sample of the schema (events with topics).
    examples: BTreeMap<String, Value>,
}

impl Builder<'_> {
    fn rewrite(&self, schema: &mut Value) {
        let keys = &self.keys;
        rewrite_refs(schema, &|name: &str| {
            keys.get(name).map(|k| format!("#/components/schemas/{k}"))
        });
        to_draft07(schema);
    }

    /// Adds a message (and its payload schema); returns the channel's reference to it.
    fn message(
        &mut self,
        key: String,
        title: String,
        summary: String,
        mut schema: Value,
        correlated: bool,
    ) -> Value {
        let ex = self
            .examples
            .remove(&key)
            .unwrap_or_else(|| example(&schema, self.contract, &key));
        self.rewrite(&mut schema);
        let wanted = format!("frame.{key}");
        let mut schema_key = wanted.clone();
        let mut n = 2;
        while self.schemas.contains_key(&schema_key) {
            schema_key = format!("{wanted}_{n}");
            n += 1;
        }
        self.schemas.insert(schema_key.clone(), schema);
        let mut m = json!({
            "name": key,
            "title": title,
            "summary": summary,
            "contentType": "application/json",
            "payload": { "$ref": format!("#/components/schemas/{schema_key}") },
            "examples": [ { "name": "generated", "payload": ex } ],
        });
        if correlated {
            m["correlationId"] = self.correlation.clone();
        }
        self.messages.insert(key.clone(), m);
        self.channel_messages.insert(
            key.clone(),
            json!({ "$ref": format!("#/components/messages/{key}") }),
        );
        json!({ "$ref": format!("#/channels/{CHANNEL}/messages/{key}") })
    }
}

fn safe(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The AsyncAPI version an export declares (its `asyncapi` field).
///
/// 3.1.0 differs from 3.0.0 only by additions this export does not use (the ROS 2 bindings), so
/// both documents are the same apart from that field: choose 3.0 for tools that do not know 3.1
/// yet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum AsyncApiVersion {
    /// AsyncAPI 3.0.0.
    V3_0,
    /// AsyncAPI 3.1.0, the newest (the default).
    #[default]
    V3_1,
}

impl AsyncApiVersion {
    /// The version as the document states it: `"3.0.0"` or `"3.1.0"`.
    pub fn as_str(self) -> &'static str {
        match self {
            AsyncApiVersion::V3_0 => "3.0.0",
            AsyncApiVersion::V3_1 => "3.1.0",
        }
    }
}

impl std::fmt::Display for AsyncApiVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The AsyncAPI 3.1.0 document of a contract's WebSocket (see [`asyncapi_with`] for 3.0.0).
pub fn asyncapi(contract: &Contract) -> Value {
    asyncapi_with(contract, AsyncApiVersion::default())
}

/// The AsyncAPI document of a contract's WebSocket, in the given version.
pub fn asyncapi_with(contract: &Contract, version: AsyncApiVersion) -> Value {
    let frames = Frames::new(contract);
    let id_pointer = &contract.envelope.request.id;
    let mut b = Builder {
        contract,
        keys: component_keys(contract.defs.keys()),
        schemas: Map::new(),
        messages: Map::new(),
        channel_messages: Map::new(),
        correlation: json!({ "location": format!("$message.payload#{id_pointer}") }),
        examples: BTreeMap::new(),
    };
    for (def, schema) in &contract.defs {
        let mut s = schema.clone();
        b.rewrite(&mut s);
        let key = b.keys[def].clone();
        b.schemas.insert(key, s);
    }
    let mut operations = Map::new();

    // the error answer to a frame that could not be read (`id` null), any request's codes
    let generic_error = b.message(
        "error".into(),
        "Error response".into(),
        "An error answer; `id` is null when the request could not be read.".into(),
        frames.error(None),
        true,
    );
    action_operations(&mut b, &frames, &mut operations);
    event_operations(&mut b, &frames, &mut operations);
    control_operations(&mut b, &frames, &generic_error, &mut operations);
    operations.insert(
        "receive.error".into(),
        json!({
            "action": "receive",
            "channel": { "$ref": format!("#/channels/{CHANNEL}") },
            "title": "error without a request",
            "summary": "An error answer to a frame that could not be read (`id` null).",
            "messages": [generic_error],
        }),
    );
    let channel = socket_channel(contract, b.channel_messages.clone());
    let mut info = json!({ "title": contract.name, "version": contract.version });
    if !contract.description.is_empty() {
        info["description"] = json!(contract.description);
    }
    json!({
        "asyncapi": version.as_str(),
        "info": info,
        "defaultContentType": "application/json",
        "channels": { CHANNEL: channel },
        "operations": operations,
        "components": { "schemas": b.schemas, "messages": b.messages },
        "x-frameproof-fingerprint": contract.fingerprint,
    })
}

/// A `send` operation per WebSocket action: its request, answered by its ok or error response.
fn action_operations(
    b: &mut Builder<'_>,
    frames: &Frames<'_>,
    operations: &mut Map<String, Value>,
) {
    let contract = b.contract;
    for (name, spec) in contract.actions.iter().filter(|(_, s)| s.websocket) {
        let key = safe(name);
        let request = b.message(
            format!("{key}.request"),
            format!("{name} request"),
            if spec.description.is_empty() {
                format!("Request `{name}`.")
            } else {
                spec.description.clone()
            },
            frames.request(name, spec),
            true,
        );
        let ok = b.message(
            format!("{key}.response"),
            format!("{name} response"),
            format!("The ok response to `{name}`."),
            frames.ok(spec),
            true,
        );
        let codes = frames.action_error_codes(spec);
        let err = b.message(
            format!("{key}.error"),
            format!("{name} error"),
            format!("An error response to `{name}`: {}.", codes.join(", ")),
            frames.error(Some(&codes)),
            true,
        );
        let description = action_description(spec);
        let resource = name.split('.').next().unwrap_or(name);
        let mut op = json!({
            "action": "send",
            "channel": { "$ref": format!("#/channels/{CHANNEL}") },
            "title": name,
            "summary": format!("{name} (since {})", spec.since),
            "description": description.trim(),
            "messages": [request],
            "reply": {
                "channel": { "$ref": format!("#/channels/{CHANNEL}") },
                "messages": [ok, err],
            },
            "tags": [ { "name": resource } ],
            "x-frameproof-since": spec.since,
        });
        if let Some(d) = &spec.deprecated {
            op["x-frameproof-deprecated"] = json!(d);
        }
        operations.insert(key, op);
    }
}

/// An action's description, with what it emits, its REST twin and its deprecation.
fn action_description(spec: &frameproof_schema::ActionSpec) -> String {
    let mut description = spec.description.clone();
    if !spec.emits.is_empty() {
        description.push_str(&format!("\n\nEmits: {}.", spec.emits.join(", ")));
    }
    if let Some(rest) = &spec.rest {
        description.push_str(&format!(
            "\n\nAlso over REST: `{} {}`.",
            rest.method.as_str(),
            rest.path
        ));
    }
    if let Some(d) = &spec.deprecated {
        description.push_str(&format!(
            "\n\n**Deprecated**{}",
            crate::schema_util::deprecation_note(d)
        ));
    }
    description
}

/// A `receive` operation per event.
fn event_operations(b: &mut Builder<'_>, frames: &Frames<'_>, operations: &mut Map<String, Value>) {
    let contract = b.contract;
    for (name, spec) in &contract.events {
        let key = safe(name);
        let mut rng = frameproof_schema::sample::Rng::new(seed_of(name));
        b.examples.insert(
            format!("{key}.event"),
            frames.sample_event(name, spec, &mut rng),
        );
        let msg = b.message(
            format!("{key}.event"),
            format!("{name} event"),
            if spec.description.is_empty() {
                format!("The event `{name}`.")
            } else {
                spec.description.clone()
            },
            frames.event(name, spec),
            false,
        );
        let mut op = json!({
            "action": "receive",
            "channel": { "$ref": format!("#/channels/{CHANNEL}") },
            "title": name,
            "summary": format!("{name} (since {}; scope {})", spec.since, scope_text(&spec.scope)),
            "description": spec.description,
            "messages": [msg],
            "tags": [ { "name": "events" } ],
            "x-frameproof-scope": spec.scope,
            "x-frameproof-since": spec.since,
        });
        if let Some(d) = &spec.deprecated {
            op["x-frameproof-deprecated"] = json!(d);
        }
        operations.insert(format!("receive.{key}"), op);
    }
}

/// Control frames: a client frame is a `send` answered by its server frame (and the generic
/// error where one can refuse it); a server frame no client frame asks for is a `receive`.
fn control_operations(
    b: &mut Builder<'_>,
    frames: &Frames<'_>,
    generic_error: &Value,
    operations: &mut Map<String, Value>,
) {
    let mut control_refs: BTreeMap<String, Value> = BTreeMap::new();
    for c in frames.controls() {
        let kind = c.kind.as_str().to_owned();
        let dir = match c.direction {
            Direction::Client => "client",
            Direction::Server => "server",
        };
        let r = b.message(
            format!("control.{kind}"),
            format!("{kind} ({dir} control frame)"),
            format!(
                "The `{kind}` control frame ({dir} → {}).",
                if dir == "client" { "server" } else { "client" }
            ),
            c.schema.clone(),
            false,
        );
        control_refs.insert(format!("{dir}.{kind}"), r);
    }
    let replies = [
        ("ping", "pong"),
        ("subscribe", "subscribed"),
        ("unsubscribe", "unsubscribed"),
        ("auth", "authenticated"),
    ];
    for c in frames
        .controls()
        .iter()
        .filter(|c| c.direction == Direction::Client)
    {
        let kind = c.kind.as_str().to_owned();
        let Some(msg) = control_refs.get(&format!("client.{kind}")) else {
            continue;
        };
        let mut op = json!({
            "action": "send",
            "channel": { "$ref": format!("#/channels/{CHANNEL}") },
            "title": format!("{kind} control frame"),
            "messages": [msg],
            "tags": [ { "name": "control" } ],
        });
        if let Some((_, reply)) = replies.iter().find(|(k, _)| *k == kind) {
            let mut answers = Vec::new();
            if let Some(r) = control_refs.get(&format!("server.{reply}")) {
                answers.push(r.clone());
            }
            if kind != "ping" {
                answers.push(generic_error.clone());
            }
            if !answers.is_empty() {
                op["reply"] = json!({ "channel": { "$ref": format!("#/channels/{CHANNEL}") }, "messages": answers });
            }
        }
        operations.insert(format!("control.{kind}"), op);
    }
    for c in frames
        .controls()
        .iter()
        .filter(|c| c.direction == Direction::Server)
    {
        let kind = c.kind.as_str().to_owned();
        if replies.iter().any(|(_, r)| *r == kind) {
            continue; // answered as a reply
        }
        if let Some(msg) = control_refs.get(&format!("server.{kind}")) {
            operations.insert(
                format!("control.{kind}"),
                json!({
                    "action": "receive",
                    "channel": { "$ref": format!("#/channels/{CHANNEL}") },
                    "messages": [msg],
                    "tags": [ { "name": "control" } ],
                }),
            );
        }
    }
}

/// The socket's channel: its address and parameters, and the handshake (where the credential
/// goes) as the WebSocket binding.
fn socket_channel(contract: &Contract, messages: Map<String, Value>) -> Value {
    // the socket's handshake: where the token goes
    let t = &contract.transport;
    let mut query = Map::new();
    let mut headers = Map::new();
    let mut auth_text = Vec::new();
    for m in &t.auth.methods {
        match m {
            AuthMethod::Query { param } => {
                query.insert(
                    param.clone(),
                    json!({ "type": "string", "description": "The access token." }),
                );
                auth_text.push(format!("the access token in the query (`?{param}=...`)"));
            }
            AuthMethod::FirstMessage { timeout_ms } => auth_text.push(format!(
                "an `auth` control frame as the first message, within {timeout_ms} ms"
            )),
            AuthMethod::Ticket { action, param } => {
                query.insert(param.clone(), json!({ "type": "string", "description": format!("A ticket from `{action}`.") }));
                auth_text.push(format!(
                    "a ticket from `{action}` in the query (`?{param}=...`)"
                ));
            }
            AuthMethod::Header { name } => {
                headers.insert(name.clone(), json!({ "type": "string" }));
                auth_text.push(format!("the `{name}` handshake header"));
            }
        }
    }
    let mut binding = json!({ "method": "GET", "bindingVersion": "0.1.0" });
    if !query.is_empty() {
        binding["query"] = json!({ "type": "object", "properties": query });
    }
    if !headers.is_empty() {
        binding["headers"] = json!({ "type": "object", "properties": headers });
    }
    let mut channel = json!({
        "address": t.websocket.path,
        "title": "The WebSocket",
        "description": format!(
            "Every request, response, event and control frame travels here (envelope profile `{}`). Authentication: {}. The server pings every {} ms and closes a connection that does not answer within {} ms.",
            contract.envelope.profile,
            if auth_text.is_empty() { "none".to_owned() } else { auth_text.join("; or ") },
            t.heartbeat.interval_ms,
            t.heartbeat.timeout_ms
        ),
        "messages": messages,
        "bindings": { "ws": binding },
    });
    let params = path_params(&t.websocket.path);
    if !params.is_empty() {
        let p: Map<String, Value> = params
            .into_iter()
            .map(|p| {
                (
                    p,
                    json!({ "description": "A path parameter of the socket's address." }),
                )
            })
            .collect();
        channel["parameters"] = Value::Object(p);
    }
    channel
}

fn path_params(path: &str) -> Vec<String> {
    crate::schema_util::template_parts(path)
        .into_iter()
        .filter_map(|part| match part {
            frameproof_schema::TemplatePart::Param(name) => Some(name),
            frameproof_schema::TemplatePart::Literal(_) => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draft07_tuples_and_refs() {
        let mut s = json!({"prefixItems": [{"type": "string"}], "items": false, "type": "array"});
        to_draft07(&mut s);
        assert_eq!(s["items"], json!([{"type": "string"}]));
        assert_eq!(s["additionalItems"], json!(false));
        let mut s = json!({"$ref": "#/x", "description": "d", "type": "object"});
        to_draft07(&mut s);
        assert_eq!(
            s,
            json!({"description": "d", "allOf": [{"$ref": "#/x"}, {"type": "object"}]})
        );
        assert_eq!(path_params("/rooms/{roomId}/live"), vec!["roomId"]);
        let mut s = json!({"type": "string", "enum": []});
        to_draft07(&mut s);
        assert_eq!(s, json!({"type": "string", "not": {}}));
    }

    #[test]
    fn versions_differ_in_the_asyncapi_field_only() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/timetracker/contract.json"
        );
        let contract = Contract::load(std::path::Path::new(path)).expect("reference contract");
        let mut v31 = asyncapi(&contract);
        let mut v30 = asyncapi_with(&contract, AsyncApiVersion::V3_0);
        assert_eq!(v31["asyncapi"], "3.1.0");
        assert_eq!(v30["asyncapi"], "3.0.0");
        assert_eq!(AsyncApiVersion::default(), AsyncApiVersion::V3_1);
        v31["asyncapi"] = Value::Null;
        v30["asyncapi"] = Value::Null;
        assert_eq!(v31, v30);
    }
}

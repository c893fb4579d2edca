//! Envelope profiles: where, in a frame, the correlation id, the action, the payload, the
//! result, the error and the event live.
//!
//! Every profile resolves to the same layout of JSON pointers, stored in the contract, so a
//! reader never needs to know the profile by name. `frameproof` and `jsonrpc` are presets;
//! `custom` describes an existing JSON-over-WebSocket protocol without new code.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::document::Direction;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    /// `frameproof`, `jsonrpc` or `custom`: informative; the layout below is what counts.
    pub profile: String,
    pub request: RequestShape,
    pub response: ResponseShape,
    pub event: EventShape,
    /// Control frames: heartbeat, subscriptions, authentication, handshakes, and any other
    /// message of the protocol's own.
    #[serde(default)]
    pub control: Vec<ControlFrame>,
    /// Frames that carry several requests or responses (JSON-RPC 2.0 batches).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<Batch>,
    /// Ordering rules: which frame comes first, what may be sent before a handshake ends.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ordering: Vec<OrderRule>,
}

/// Where a batch frame holds its requests (client) or responses (server).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Batch {
    /// The member holding the list; the empty pointer: the frame itself is a JSON array.
    pub pointer: String,
}

/// An ordering rule between frames. Frames are named by a control kind (`hello`), an action
/// name (a request of that action, or in the server's direction the response to it) or an
/// event name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case", deny_unknown_fields)]
pub enum OrderRule {
    /// The first frame sent in `direction` is one of `frames` ("the first server frame is the
    /// hello").
    First {
        direction: Direction,
        frames: Vec<String>,
    },
    /// Until one of `until` has come the other way, frames sent in `direction` are only
    /// `only` ("nothing but identify or resume before ready"; "nothing but initialize before
    /// its response").
    Before {
        direction: Direction,
        only: Vec<String>,
        until: Vec<String>,
    },
}

/// Where a request's parts live. Pointers are RFC 6901 JSON pointers into the frame; the empty
/// pointer is the whole frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestShape {
    pub id: String,
    /// The schema of a correlation id.
    pub id_schema: Value,
    pub action: String,
    pub payload: String,
    /// The payload may be left out when the action's payload schema accepts an empty payload
    /// (`{}` or `null`): JSON-RPC's omitted `params`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub payload_optional: bool,
    /// A member that, with the id, makes the correlation key: protocols that multiplex sessions
    /// over one socket and reuse ids per session (`/sessionId`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// Members with a fixed value (`{"/jsonrpc": "2.0"}`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub constants: BTreeMap<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseShape {
    pub id: String,
    /// A member that says ok or error; without it, the presence of `data` or `error` decides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<StatusField>,
    pub data: String,
    /// An ok response may leave its data out when the action's response schema accepts an
    /// empty value (`null` or `{}`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub data_optional: bool,
    /// The member that, with the id, makes the correlation key (see `RequestShape::session`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    pub error: String,
    /// Pointers relative to the error object.
    pub error_code: String,
    pub error_message: String,
    pub error_details: String,
    pub error_code_type: ErrorCodeType,
    /// What an error response about a request that could not be read carries as its id:
    /// `null` (JSON-RPC 2.0) or nothing (MCP leaves the id out).
    #[serde(default, skip_serializing_if = "UnreadErrorId::is_null")]
    pub unread_error_id: UnreadErrorId,
    /// An error may leave its message out.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub error_message_optional: bool,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub constants: BTreeMap<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusField {
    pub pointer: String,
    pub ok: Value,
    pub error: Value,
}

/// The id of an error response that answers no readable request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnreadErrorId {
    /// `"id": null`.
    #[default]
    Null,
    /// No id member at all.
    Absent,
}

impl UnreadErrorId {
    fn is_null(&self) -> bool {
        *self == UnreadErrorId::Null
    }
}

/// Whether error codes travel as the contract's names (`"not_found"`) or as numbers (JSON-RPC,
/// through each error's `rpc_code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCodeType {
    Name,
    Number,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventShape {
    pub name: String,
    pub data: String,
    /// An event may leave its data out when the event's schema accepts an empty value
    /// (`notifications/tools/list_changed` without `params`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub data_optional: bool,
    /// Where a tenant-scoped event carries its tenant id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    /// Where a topic event carries its topic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// Optional members any event may carry (e.g. `/trace_id`), with their schemas.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub optional: BTreeMap<String, Value>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub constants: BTreeMap<String, Value>,
}

/// A control frame: recognised by the members in `when`, checked against `schema`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ControlFrame {
    pub kind: ControlKind,
    pub direction: Direction,
    /// Pointer → value that identifies this frame (`{"/type": "ping"}`).
    pub when: BTreeMap<String, Value>,
    /// The whole frame's schema.
    pub schema: Value,
    /// Where a subscribe/unsubscribe frame lists its topics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topics: Option<String>,
    /// Where an auth frame carries its token (redacted in recordings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// The control frame (of the other direction) that answers this one: each frame of this
    /// kind waits for one reply; a reply nobody waits for, or a frame never answered, is a
    /// violation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<ControlKind>,
}

/// What a control frame is. The kinds frameproof gives a meaning to (heartbeat, topic
/// subscriptions, first-message auth) have their own variants; any other is the protocol's own
/// (`hello`, `identify`, `resume`), named in the contract.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ControlKind {
    Ping,
    Pong,
    Subscribe,
    Unsubscribe,
    Subscribed,
    Unsubscribed,
    Auth,
    Authenticated,
    /// A control frame of the protocol's own.
    Other(String),
}

impl ControlKind {
    const KNOWN: [(&'static str, ControlKind); 8] = [
        ("ping", ControlKind::Ping),
        ("pong", ControlKind::Pong),
        ("subscribe", ControlKind::Subscribe),
        ("unsubscribe", ControlKind::Unsubscribe),
        ("subscribed", ControlKind::Subscribed),
        ("unsubscribed", ControlKind::Unsubscribed),
        ("auth", ControlKind::Auth),
        ("authenticated", ControlKind::Authenticated),
    ];

    /// The kind of that name: a known kind, or the protocol's own.
    pub fn named(name: &str) -> ControlKind {
        ControlKind::KNOWN
            .iter()
            .find(|(n, _)| *n == name)
            .map_or_else(|| ControlKind::Other(name.to_owned()), |(_, k)| k.clone())
    }

    pub fn as_str(&self) -> &str {
        match self {
            ControlKind::Other(name) => name,
            known => ControlKind::KNOWN
                .iter()
                .find(|(_, k)| k == known)
                .map_or("", |(n, _)| n),
        }
    }
}

impl std::fmt::Display for ControlKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ControlKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ControlKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        if name.is_empty() {
            return Err(serde::de::Error::custom("a control kind needs a name"));
        }
        Ok(ControlKind::named(&name))
    }
}

impl ControlFrame {
    /// A `{"type": "<kind>", ...}` frame with the given extra required members.
    pub fn typed(
        kind: ControlKind,
        direction: Direction,
        type_value: &str,
        extra: &[(&str, Value)],
    ) -> ControlFrame {
        let mut properties = serde_json::Map::new();
        properties.insert("type".into(), json!({ "const": type_value }));
        // An optional id lets a client correlate an error answer with its control frame.
        properties.insert(
            "id".into(),
            json!({ "type": ["string", "integer", "null"] }),
        );
        let mut required = vec![Value::String("type".into())];
        let mut topics = None;
        let mut token = None;
        for (name, schema) in extra {
            properties.insert((*name).into(), schema.clone());
            required.push(Value::String((*name).into()));
            match *name {
                "topics" => topics = Some(format!("/{name}")),
                "token" => token = Some(format!("/{name}")),
                _ => {}
            }
        }
        let reply = (kind == ControlKind::Ping).then_some(ControlKind::Pong);
        ControlFrame {
            kind,
            direction,
            when: [("/type".to_owned(), Value::String(type_value.into()))]
                .into_iter()
                .collect(),
            schema: json!({
                "type": "object",
                "properties": properties,
                "required": required,
                "additionalProperties": false,
            }),
            topics,
            token,
            reply,
        }
    }

    /// A control frame of any shape: recognised by `when`, checked against `schema` (a JSON
    /// Schema of the whole frame, which may `$ref` the contract's `$defs`).
    pub fn new(
        kind: ControlKind,
        direction: Direction,
        when: impl IntoIterator<Item = (String, Value)>,
        schema: Value,
    ) -> ControlFrame {
        ControlFrame {
            kind,
            direction,
            when: when.into_iter().collect(),
            schema,
            topics: None,
            token: None,
            reply: None,
        }
    }

    /// The frame of the other direction that answers this one.
    pub fn answered_by(mut self, reply: ControlKind) -> ControlFrame {
        self.reply = Some(reply);
        self
    }

    /// Where an auth frame carries its credential (redacted in recordings).
    pub fn with_token(mut self, pointer: impl Into<String>) -> ControlFrame {
        self.token = Some(pointer.into());
        self
    }
}

fn topic_list() -> Value {
    json!({ "type": "array", "items": { "type": "string", "minLength": 1 }, "minItems": 1 })
}

/// The `{"type": ...}` control frames shared by the frameproof profile and many home-grown
/// protocols: ping/pong, subscribe/unsubscribe with acknowledgements, first-message auth.
pub(crate) fn typed_control_frames() -> Vec<ControlFrame> {
    use ControlKind::*;
    use Direction::{Client, Server};
    vec![
        ControlFrame::typed(Ping, Client, "ping", &[]),
        ControlFrame::typed(Pong, Server, "pong", &[]),
        ControlFrame::typed(Subscribe, Client, "subscribe", &[("topics", topic_list())]),
        ControlFrame::typed(
            Unsubscribe,
            Client,
            "unsubscribe",
            &[("topics", topic_list())],
        ),
        ControlFrame::typed(
            Subscribed,
            Server,
            "subscribed",
            &[("topics", topic_list())],
        ),
        ControlFrame::typed(
            Unsubscribed,
            Server,
            "unsubscribed",
            &[("topics", topic_list())],
        ),
        ControlFrame::typed(
            Auth,
            Client,
            "auth",
            &[("token", json!({"type": "string", "minLength": 1}))],
        ),
        ControlFrame::typed(Authenticated, Server, "authenticated", &[]),
    ]
}

impl Envelope {
    /// The default profile: request `{"id","action","payload"}`; response
    /// `{"id","status":"ok","data"}` or `{"id","status":"error","error":{"code","message","details"?}}`;
    /// event `{"event","data"}` with `org_id` for tenant events and `topic` for topic events;
    /// `{"type": ...}` control frames.
    pub fn frameproof() -> Envelope {
        Envelope {
            profile: "frameproof".into(),
            request: RequestShape {
                id: "/id".into(),
                id_schema: json!({ "type": "string", "minLength": 1, "maxLength": 128 }),
                action: "/action".into(),
                payload: "/payload".into(),
                payload_optional: false,
                session: None,
                constants: BTreeMap::new(),
            },
            response: ResponseShape {
                id: "/id".into(),
                status: Some(StatusField {
                    pointer: "/status".into(),
                    ok: json!("ok"),
                    error: json!("error"),
                }),
                data: "/data".into(),
                data_optional: false,
                session: None,
                error: "/error".into(),
                error_code: "/code".into(),
                error_message: "/message".into(),
                error_details: "/details".into(),
                error_code_type: ErrorCodeType::Name,
                unread_error_id: UnreadErrorId::Null,
                error_message_optional: false,
                constants: BTreeMap::new(),
            },
            event: EventShape {
                name: "/event".into(),
                data: "/data".into(),
                data_optional: false,
                tenant: Some("/org_id".into()),
                topic: Some("/topic".into()),
                optional: BTreeMap::new(),
                constants: BTreeMap::new(),
            },
            control: typed_control_frames(),
            batch: None,
            ordering: Vec::new(),
        }
    }

    /// JSON-RPC 2.0: `{"jsonrpc":"2.0","id","method","params"?}` → `result` or
    /// `error{code,message,data?}` with numeric codes; `params` may be left out; a frame may be
    /// a batch (a JSON array of requests, answered by an array of responses); requests of
    /// actions declared as notifications carry no id and get no answer; server notifications
    /// `{"jsonrpc":"2.0","method","params"}` are the events. No control frames: JSON-RPC
    /// servers use WebSocket ping/pong.
    pub fn jsonrpc() -> Envelope {
        let version: BTreeMap<String, Value> = [("/jsonrpc".to_owned(), json!("2.0"))]
            .into_iter()
            .collect();
        Envelope {
            profile: "jsonrpc".into(),
            request: RequestShape {
                id: "/id".into(),
                id_schema: json!({ "type": ["string", "integer"] }),
                action: "/method".into(),
                payload: "/params".into(),
                payload_optional: true,
                session: None,
                constants: version.clone(),
            },
            response: ResponseShape {
                id: "/id".into(),
                status: None,
                data: "/result".into(),
                data_optional: false,
                session: None,
                error: "/error".into(),
                error_code: "/code".into(),
                error_message: "/message".into(),
                error_details: "/data".into(),
                error_code_type: ErrorCodeType::Number,
                unread_error_id: UnreadErrorId::Null,
                error_message_optional: false,
                constants: version.clone(),
            },
            event: EventShape {
                name: "/method".into(),
                data: "/params".into(),
                data_optional: true,
                tenant: None,
                topic: None,
                optional: BTreeMap::new(),
                constants: version,
            },
            control: Vec::new(),
            batch: Some(Batch {
                pointer: String::new(),
            }),
            ordering: Vec::new(),
        }
    }

    /// A custom layout, starting from the frameproof profile's; change what differs.
    pub fn custom(configure: impl FnOnce(&mut Envelope)) -> Envelope {
        let mut envelope = Envelope::frameproof();
        envelope.profile = "custom".into();
        configure(&mut envelope);
        envelope
    }

    /// Lets the `kind` control frames carry one more top-level member, optional, beside those
    /// their schema lists: the version an `auth` frame names when `transport.versioning` reads
    /// it from there (`{"type": "auth", "token": "...", "version": "1.1.0"}`). A schema that
    /// is not an object schema is left as it is (`frameproof contract check` says when it
    /// refuses the member).
    pub fn allow_control_member(
        mut self,
        kind: ControlKind,
        name: &str,
        schema: Value,
    ) -> Envelope {
        for c in self.control.iter_mut().filter(|c| c.kind == kind) {
            if let Value::Object(frame) = &mut c.schema {
                let properties = frame
                    .entry("properties")
                    .or_insert_with(|| Value::Object(serde_json::Map::new()));
                if let Value::Object(properties) = properties {
                    properties.insert(name.to_owned(), schema.clone());
                }
            }
        }
        self
    }

    pub fn control_frames(&self, direction: Direction) -> impl Iterator<Item = &ControlFrame> {
        self.control
            .iter()
            .filter(move |c| c.direction == direction)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_kinds_are_an_open_set_written_as_their_names() {
        for (name, kind) in [
            ("ping", ControlKind::Ping),
            ("authenticated", ControlKind::Authenticated),
            ("hello", ControlKind::Other("hello".into())),
        ] {
            assert_eq!(ControlKind::named(name), kind);
            assert_eq!(serde_json::to_value(&kind).ok(), Some(json!(name)));
            let back: ControlKind = serde_json::from_value(json!(name)).expect("a kind");
            assert_eq!(back, kind);
        }
        assert!(serde_json::from_value::<ControlKind>(json!("")).is_err());
    }

    #[test]
    fn a_typed_ping_waits_for_its_pong() {
        let ping = typed_control_frames()
            .into_iter()
            .find(|c| c.kind == ControlKind::Ping)
            .expect("a ping");
        assert_eq!(ping.reply, Some(ControlKind::Pong));
    }
}

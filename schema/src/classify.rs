//! What a frame is under the contract's envelope: a request, an ok or error response, an
//! event, a control frame of a given kind, a batch of those, or none of them. This is the
//! wire's one description of the kinds; the validator reaches the same verdicts on its parse
//! tape (its fast path) and a test in the validator holds the two together on every frame of
//! every example and recorded transcript.

use serde_json::Value;

use crate::document::{Contract, Direction};
use crate::envelope::{ControlKind, UnreadErrorId};
use crate::wire::get;

/// What a frame turned out to be.
#[derive(Debug, Clone, PartialEq)]
pub enum FrameKind {
    /// A client's request (a notification has `Value::Null` as its id).
    Request { id: Value, action: String },
    /// An ok response to the request with `id`.
    Ok { id: Value },
    /// An error response; `code` is the contract's name for its code, when it knows it.
    Error { id: Value, code: Option<String> },
    /// An event, with the tenant and topic where the layout carries them.
    Event {
        name: String,
        tenant: Option<String>,
        topic: Option<String>,
    },
    /// A control frame of the contract's own kinds.
    Control {
        kind: ControlKind,
        topics: Vec<String>,
    },
    /// Several frames in one (a batch), each classified.
    Batch(Vec<FrameKind>),
    /// Not JSON, not an envelope, or binary.
    Unreadable,
}

impl FrameKind {
    /// The correlation id of a request or response.
    pub fn id(&self) -> Option<&Value> {
        match self {
            FrameKind::Request { id, .. } | FrameKind::Ok { id } | FrameKind::Error { id, .. } => {
                Some(id)
            }
            _ => None,
        }
    }
}

impl Contract {
    /// What `frame`, travelling in `direction`, is under this contract's envelope. Only the
    /// kind: whether its parts match their schemas is the validator's question.
    pub fn classify(&self, direction: Direction, frame: &Value) -> FrameKind {
        if let Some(items) = self.batch_items(frame) {
            return FrameKind::Batch(
                items
                    .iter()
                    .map(|f| self.classify_one(direction, f))
                    .collect(),
            );
        }
        self.classify_one(direction, frame)
    }

    fn classify_one(&self, direction: Direction, frame: &Value) -> FrameKind {
        if let Some(control) = self.control_of(direction, frame) {
            return FrameKind::Control {
                kind: control.kind.clone(),
                topics: self
                    .control_topics(control, frame)
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
            };
        }
        match direction {
            Direction::Client => self.classify_client(frame),
            Direction::Server => self.classify_server(frame),
        }
    }

    fn classify_client(&self, frame: &Value) -> FrameKind {
        // a socket whose clients send no requests (an op-coded gateway) carries only controls
        if !self.actions.values().any(|a| a.websocket) {
            return FrameKind::Unreadable;
        }
        match self.request_action(frame) {
            Some(action) => FrameKind::Request {
                id: self.request_id(frame).cloned().unwrap_or(Value::Null),
                action: action.to_owned(),
            },
            None => FrameKind::Unreadable,
        }
    }

    fn classify_server(&self, frame: &Value) -> FrameKind {
        let r = &self.envelope.response;
        if let Some(status) = &r.status {
            if let Some(value) = get(frame, &status.pointer) {
                return if *value == status.ok {
                    self.ok_kind(frame)
                } else if *value == status.error {
                    self.error_kind(frame)
                } else {
                    FrameKind::Unreadable
                };
            }
        }
        let has_error = get(frame, &r.error).is_some();
        // a response has an id; where errors about unreadable requests leave it out, an error
        // object alone makes one
        let is_response = r.status.is_none()
            && (get(frame, &r.id).is_some()
                || (r.unread_error_id == UnreadErrorId::Absent && has_error));
        if let Some(name) = self.event_name(frame) {
            if !is_response || self.events.contains_key(name) {
                return self.event_kind(name, frame);
            }
        }
        if is_response {
            if has_error {
                return self.error_kind(frame);
            }
            if r.data_optional || get(frame, &r.data).is_some() {
                return self.ok_kind(frame);
            }
        }
        FrameKind::Unreadable
    }

    fn ok_kind(&self, frame: &Value) -> FrameKind {
        FrameKind::Ok {
            id: self.response_id(frame).cloned().unwrap_or(Value::Null),
        }
    }

    fn error_kind(&self, frame: &Value) -> FrameKind {
        FrameKind::Error {
            id: self.response_id(frame).cloned().unwrap_or(Value::Null),
            code: self.frame_error_name(frame).map(str::to_owned),
        }
    }

    fn event_kind(&self, name: &str, frame: &Value) -> FrameKind {
        let e = &self.envelope.event;
        let text_at = |at: &Option<String>| {
            at.as_deref()
                .and_then(|p| get(frame, p))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        FrameKind::Event {
            name: name.to_owned(),
            tenant: text_at(&e.tenant),
            topic: text_at(&e.topic),
        }
    }

    /// Whether `frame` is an ok response (a shorthand of [`Contract::classify`]).
    pub fn is_ok_response(&self, frame: &Value) -> bool {
        matches!(
            self.classify_one(Direction::Server, frame),
            FrameKind::Ok { .. }
        )
    }

    /// Whether a violation at `pointer` lies on a request's id (the id itself or inside it):
    /// such an id is not echoed in the answer, which would break the contract too.
    pub fn is_request_id_place(&self, pointer: &str) -> bool {
        let id_at = &self.envelope.request.id;
        !id_at.is_empty()
            && (pointer == id_at
                || pointer
                    .strip_prefix(id_at.as_str())
                    .is_some_and(|rest| rest.starts_with('/')))
    }

    /// Where a request frame carries its id, for naming it in a report.
    pub fn request_id_pointer(&self) -> &str {
        &self.envelope.request.id
    }
}

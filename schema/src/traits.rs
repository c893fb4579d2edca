//! What `#[derive(Action)]` and `#[derive(Event)]` implement: static protocol metadata next to
//! the type's JSON Schema. Serde semantics stay with serde and schemars; these traits only add
//! what the protocol needs (names, errors, emitted events, the REST route, versions).

use schemars::JsonSchema;

/// A request type: what the server deserializes as an action's payload.
pub trait Action: JsonSchema {
    /// What the server answers with (`data` of an ok response).
    type Response: JsonSchema;
    const META: ActionMeta;
}

/// A broadcast or topic event: what the server serializes as an event's `data`.
pub trait Event: JsonSchema {
    const META: EventMeta;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionMeta {
    /// `resource.verb`, e.g. `time_entries.start`.
    pub name: &'static str,
    /// The type's doc comment.
    pub description: &'static str,
    /// The contract version that introduced the action; `None` means the builder's default.
    pub since: Option<&'static str>,
    pub deprecated: Option<DeprecationMeta>,
    /// Error codes the action may return, beyond those every action may return.
    pub errors: &'static [&'static str],
    /// Names of the events the action emits.
    pub emits: &'static [&'static str],
    /// Whether the action is served over the WebSocket.
    pub websocket: bool,
    pub rest: RestMeta,
    /// Sent without an id, never answered.
    pub notification: bool,
    /// Needs no credential: callable before authenticating (a login, a sign-up).
    pub public: bool,
    pub subscription: Option<SubscriptionMeta>,
}

/// An action's part in subscriptions handed out by a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubscriptionMeta {
    /// The response's data holds the new subscription's id at this pointer.
    Opens(&'static str),
    /// The payload names the subscription to end at this pointer.
    Closes(&'static str),
}

impl ActionMeta {
    /// Metadata with the defaults the derive uses: both transports, the conventional route.
    pub const fn new(name: &'static str) -> ActionMeta {
        ActionMeta {
            name,
            description: "",
            since: None,
            deprecated: None,
            errors: &[],
            emits: &[],
            websocket: true,
            rest: RestMeta::Conventional,
            notification: false,
            public: false,
            subscription: None,
        }
    }
}

/// How an action is served over REST.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestMeta {
    /// The route derived from the action name (see `frameproof_naming::conventional_route`).
    Conventional,
    /// Not served over REST (WebSocket only).
    Disabled,
    /// An explicit method and/or path (relative to the REST base path); what is `None` follows
    /// the convention.
    Override {
        method: Option<&'static str>,
        path: Option<&'static str>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeprecationMeta {
    pub since: Option<&'static str>,
    pub note: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventMeta {
    pub name: &'static str,
    pub description: &'static str,
    pub since: Option<&'static str>,
    pub deprecated: Option<DeprecationMeta>,
    pub scope: ScopeMeta,
}

/// Who receives an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeMeta {
    /// Every connection of the acting user's tenant (an org, a workspace).
    Tenant,
    /// Connections subscribed to a topic matching this pattern, e.g. `task:{task_id}`.
    Topic(&'static str),
    /// Only the connection concerned (e.g. a token-expired notice).
    Connection,
    /// Subscribers of a subscription an action opened; the data carries its id at this pointer.
    Subscription(&'static str),
}

//! The contract of a topic-based sync channel (field note `003_*.txt`): events
//! `{"topic", "event", "data": {entity_id, payload, user_id?, tenant_id?, timestamp}, "trace_id"?}`
//! where `event` is one of ADDED, UPDATED, DELETED, STATUS_CHANGED; clients send
//! `{"type": "subscribe"|"unsubscribe", "topics": [...]}` and `{"type": "ping"}`, the server
//! answers `{"type": "pong"}`. State is loaded over REST.
//!
//! The `custom` envelope puts the event name at `/event`, its data at `/data`, the topic at
//! `/topic`, and allows an optional `/trace_id` on every event.

use frameproof::{Action, Contract, Envelope, Event};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// What every event carries about the entity that changed.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct EntityChange {
    pub entity_id: String,
    /// The entity's DTO; its shape depends on the resource.
    pub payload: serde_json::Value,
    /// Who triggered the change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    #[schemars(extend("format" = "date-time"))]
    pub timestamp: String,
}

macro_rules! change_event {
    ($ty:ident, $name:literal, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Event)]
        #[event(name = $name, topic = "gift-list:{entity_id}")]
        #[schemars(rename = $name)]
        pub struct $ty(pub EntityChange);
    };
}

change_event!(Added, "ADDED", "An entity was added to the list.");
change_event!(Updated, "UPDATED", "An entity of the list changed.");
change_event!(Deleted, "DELETED", "An entity was removed from the list.");
change_event!(
    StatusChanged,
    "STATUS_CHANGED",
    "An entity's status changed."
);

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Gift {
    pub id: String,
    pub name: String,
    pub reserved: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct GiftList {
    pub id: String,
    pub gifts: Vec<Gift>,
}

/// Load a list (the initial state; updates arrive on `gift-list:{id}`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "gift_lists.get", response = GiftList, errors(not_found), websocket = false)]
pub struct GetGiftList {
    pub id: String,
}

/// Change a gift (optimistically applied by the client, rolled back on error).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "gifts.update", response = Gift, emits(Updated), errors(not_found, conflict), websocket = false)]
pub struct UpdateGift {
    pub id: String,
    pub name: Option<String>,
    pub reserved: Option<bool>,
}

pub fn contract() -> Contract {
    Contract::builder("topic-sync", "1.0.0")
        .description(
            "Topic-based real-time sync: REST for state, WebSocket topics for change events.",
        )
        .envelope(Envelope::custom(|e| {
            e.event.name = "/event".into();
            e.event.data = "/data".into();
            e.event.topic = Some("/topic".into());
            e.event.tenant = None;
            e.event
                .optional
                .insert("/trace_id".into(), json!({"type": "string"}));
            // subscribe/unsubscribe/ping from the client, pong from the server; no acks, no auth frame
            e.control.retain(|c| {
                use frameproof::ControlKind::*;
                matches!(c.kind, Ping | Pong | Subscribe | Unsubscribe)
            });
        }))
        .action::<GetGiftList>()
        .action::<UpdateGift>()
        .event::<Added>()
        .event::<Updated>()
        .event::<Deleted>()
        .event::<StatusChanged>()
        .build()
        .unwrap_or_else(|e| panic!("the topic-sync contract is unsound: {e}"))
}

//! The handshake (`initialize`, then `notifications/initialized`), `ping`, cancellation and
//! progress.

use frameproof::{Action, Event};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::content::{EmptyResult, Id, Implementation, Object, RequestMeta, RequestParams};

/// `initialize`: the first request of a connection. The client says which protocol revision it
/// speaks and what it can do; the server answers with the revision it will speak (the same one
/// if it supports it), its capabilities and its name.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = frameproof::absent_not_null)]
#[action(name = "initialize", response = InitializeResult)]
pub struct Initialize {
    pub protocol_version: String,
    /// `roots`, `sampling`, `elicitation`, `tasks`, `experimental`: each an open object.
    pub capabilities: Object,
    pub client_info: Implementation,
    #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
    pub meta: Option<RequestMeta>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = frameproof::absent_not_null)]
pub struct InitializeResult {
    pub protocol_version: String,
    /// `logging`, `prompts`, `resources`, `tools`, `completions`, `tasks`, `experimental`: each
    /// an open object.
    pub capabilities: Object,
    pub server_info: Implementation,
    /// How to use the server, for the model's context.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
    #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
    pub meta: Option<Object>,
}

/// `ping`: is the other side still there? Answered at once with an empty result; allowed before
/// the handshake ends.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "ping", response = EmptyResult)]
pub struct Ping(pub RequestParams);

/// `notifications/initialized`: the client has the server's `initialize` result; normal
/// operation begins.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, Action)]
#[schemars(transform = frameproof::absent_not_null)]
#[action(name = "notifications/initialized", notification)]
pub struct Initialized {
    #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
    pub meta: Option<Object>,
}

/// `notifications/cancelled`: the client no longer wants the answer to one of its requests
/// (never `initialize`). `requestId` is optional in this revision's schema (it was required up
/// to 2025-06-18); the prose requires it when cancelling a request that is not a task.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, Action)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = frameproof::absent_not_null)]
#[action(name = "notifications/cancelled", notification)]
pub struct Cancelled {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<Id>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
    pub meta: Option<Object>,
}

/// `notifications/progress`: how far the server got with a request whose `_meta.progressToken`
/// asked for it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Event)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = frameproof::absent_not_null)]
#[event(name = "notifications/progress", scope = "connection")]
pub struct Progress {
    pub progress_token: Id,
    /// Increases with every notification, even when the total is unknown.
    pub progress: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
    pub meta: Option<Object>,
}

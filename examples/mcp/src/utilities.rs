//! Logging, completion, and the client's roots.

use std::collections::BTreeMap;

use frameproof::{Action, Event};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::content::{EmptyResult, Object, RequestMeta};

/// Syslog's severities (RFC 5424), least severe first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum LoggingLevel {
    Debug,
    Info,
    Notice,
    Warning,
    Error,
    Critical,
    Alert,
    Emergency,
}

/// `logging/setLevel`: send me log messages at this level and above. An unknown level is
/// error -32602.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[schemars(transform = frameproof::absent_not_null)]
#[action(name = "logging/setLevel", response = EmptyResult)]
pub struct SetLevel {
    pub level: LoggingLevel,
    #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
    pub meta: Option<RequestMeta>,
}

/// `notifications/message`: a log message from the server.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Event)]
#[schemars(transform = frameproof::absent_not_null)]
#[event(name = "notifications/message", scope = "connection")]
pub struct LoggingMessage {
    pub level: LoggingLevel,
    /// Which logger it comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logger: Option<String>,
    /// Any JSON: a string, an object of details.
    pub data: Value,
    #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
    pub meta: Option<Object>,
}

/// `completion/complete`: suggestions for a prompt's or a resource template's argument.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[schemars(transform = frameproof::absent_not_null)]
#[action(name = "completion/complete", response = CompleteResult)]
pub struct Complete {
    #[serde(rename = "ref")]
    pub reference: Reference,
    pub argument: CompleteArgument,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<CompleteContext>,
    #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
    pub meta: Option<RequestMeta>,
}

/// What is being completed: a prompt's argument, or a resource template's.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type")]
pub enum Reference {
    #[serde(rename = "ref/prompt")]
    Prompt(PromptReference),
    #[serde(rename = "ref/resource")]
    Resource(ResourceTemplateReference),
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = frameproof::absent_not_null)]
pub struct PromptReference {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ResourceTemplateReference {
    #[schemars(extend("format" = "uri-template"))]
    pub uri: String,
}

/// The argument being completed, and what has been typed so far.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CompleteArgument {
    pub name: String,
    pub value: String,
}

/// Arguments already resolved.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = frameproof::absent_not_null)]
pub struct CompleteContext {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arguments: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = frameproof::absent_not_null)]
pub struct CompleteResult {
    pub completion: Completion,
    #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
    pub meta: Option<Object>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = frameproof::absent_not_null)]
pub struct Completion {
    /// At most 100.
    #[schemars(length(max = 100))]
    pub values: Vec<String>,
    /// How many there are in all, beyond those sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub has_more: Option<bool>,
}

/// `notifications/roots/list_changed`: the client's roots changed (the server may ask for them
/// again with `roots/list`, a server request this contract does not cover).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, Action)]
#[schemars(transform = frameproof::absent_not_null)]
#[action(name = "notifications/roots/list_changed", notification)]
pub struct RootsListChanged {
    #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
    pub meta: Option<Object>,
}

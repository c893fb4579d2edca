//! Prompts: `prompts/list`, `prompts/get`, `notifications/prompts/list_changed`.

use std::collections::BTreeMap;

use frameproof::{Action, Event};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::content::{ContentBlock, Icon, Object, PaginatedRequestParams, RequestMeta, Role};

/// `prompts/list`: one page of the server's prompt templates.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "prompts/list", response = ListPromptsResult)]
pub struct ListPrompts(pub PaginatedRequestParams);

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = frameproof::absent_not_null)]
pub struct ListPromptsResult {
    pub prompts: Vec<Prompt>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
    pub meta: Option<Object>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = frameproof::absent_not_null)]
pub struct Prompt {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arguments: Option<Vec<PromptArgument>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icons: Option<Vec<Icon>>,
    #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
    pub meta: Option<Object>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = frameproof::absent_not_null)]
pub struct PromptArgument {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
}

/// `prompts/get`: a prompt filled in with string arguments. An unknown prompt or missing
/// required arguments are error -32602.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[schemars(transform = frameproof::absent_not_null)]
#[action(name = "prompts/get", response = GetPromptResult)]
pub struct GetPrompt {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arguments: Option<BTreeMap<String, String>>,
    #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
    pub meta: Option<RequestMeta>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = frameproof::absent_not_null)]
pub struct GetPromptResult {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub messages: Vec<PromptMessage>,
    #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
    pub meta: Option<Object>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PromptMessage {
    pub role: Role,
    pub content: ContentBlock,
}

/// `notifications/prompts/list_changed`: the server's prompts changed; list them again.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, Event)]
#[schemars(transform = frameproof::absent_not_null)]
#[event(name = "notifications/prompts/list_changed", scope = "connection")]
pub struct PromptListChanged {
    #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
    pub meta: Option<Object>,
}

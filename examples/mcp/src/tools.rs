//! Tools: `tools/list`, `tools/call`, `notifications/tools/list_changed`.

use std::collections::BTreeMap;

use frameproof::{Action, Event};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::content::{ContentBlock, Icon, Object, PaginatedRequestParams, RequestMeta};

/// `tools/list`: one page of the server's tools.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "tools/list", response = ListToolsResult)]
pub struct ListTools(pub PaginatedRequestParams);

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = frameproof::absent_not_null)]
pub struct ListToolsResult {
    pub tools: Vec<Tool>,
    /// Left out on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
    pub meta: Option<Object>,
}

/// A tool the model may call.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = frameproof::absent_not_null)]
pub struct Tool {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The JSON Schema of the tool's `arguments`.
    pub input_schema: ToolSchema,
    /// The JSON Schema of the result's `structuredContent`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_schema: Option<ToolSchema>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotations: Option<ToolAnnotations>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution: Option<ToolExecution>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icons: Option<Vec<Icon>>,
    #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
    pub meta: Option<Object>,
}

/// A JSON Schema of an object (a tool's input or output); open beyond these members.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = frameproof::absent_not_null)]
pub struct ToolSchema {
    #[serde(rename = "$schema", skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    #[serde(rename = "type")]
    pub kind: ObjectType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<BTreeMap<String, Object>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required: Option<Vec<String>>,
}

/// `"object"`, the only type a tool schema may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ObjectType {
    Object,
}

/// Hints about a tool's behaviour; a client must not trust them from an untrusted server.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = frameproof::absent_not_null)]
pub struct ToolAnnotations {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_only_hint: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destructive_hint: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idempotent_hint: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_world_hint: Option<bool>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = frameproof::absent_not_null)]
pub struct ToolExecution {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_support: Option<TaskSupport>,
}

/// Whether a tool may, must or must not be called as a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TaskSupport {
    Forbidden,
    Optional,
    Required,
}

/// `tools/call`: runs a tool. A tool that fails answers with a result whose `isError` is true;
/// an unknown tool or bad arguments are JSON-RPC errors (-32602).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[schemars(transform = frameproof::absent_not_null)]
#[action(name = "tools/call", response = CallToolResult)]
pub struct CallTool {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arguments: Option<Object>,
    #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
    pub meta: Option<RequestMeta>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = frameproof::absent_not_null)]
pub struct CallToolResult {
    pub content: Vec<ContentBlock>,
    /// Matches the tool's `outputSchema` when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub structured_content: Option<Object>,
    /// The tool failed (absent: false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_error: Option<bool>,
    #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
    pub meta: Option<Object>,
}

/// `notifications/tools/list_changed`: the server's tools changed; list them again.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, Event)]
#[schemars(transform = frameproof::absent_not_null)]
#[event(name = "notifications/tools/list_changed", scope = "connection")]
pub struct ToolListChanged {
    #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
    pub meta: Option<Object>,
}

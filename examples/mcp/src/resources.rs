//! Resources: listing, reading, templates, subscriptions to updates.

use frameproof::{Action, Event};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::content::{
    Annotations, EmptyResult, Icon, Object, PaginatedRequestParams, RequestMeta, Resource,
    ResourceContents,
};

/// `resources/list`: one page of the server's resources.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "resources/list", response = ListResourcesResult)]
pub struct ListResources(pub PaginatedRequestParams);

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = frameproof::absent_not_null)]
pub struct ListResourcesResult {
    pub resources: Vec<Resource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
    pub meta: Option<Object>,
}

/// The params of a request about one resource.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = frameproof::absent_not_null)]
pub struct ResourceRequestParams {
    #[schemars(extend("format" = "uri"))]
    pub uri: String,
    #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
    pub meta: Option<RequestMeta>,
}

/// `resources/read`: a resource's contents. An unknown URI is error -32002.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "resources/read", response = ReadResourceResult, errors(resource_not_found))]
pub struct ReadResource(pub ResourceRequestParams);

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = frameproof::absent_not_null)]
pub struct ReadResourceResult {
    pub contents: Vec<ResourceContents>,
    #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
    pub meta: Option<Object>,
}

/// `resources/templates/list`: one page of the server's URI templates.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "resources/templates/list", response = ListResourceTemplatesResult)]
pub struct ListResourceTemplates(pub PaginatedRequestParams);

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = frameproof::absent_not_null)]
pub struct ListResourceTemplatesResult {
    pub resource_templates: Vec<ResourceTemplate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
    pub meta: Option<Object>,
}

/// Resources named by an RFC 6570 URI template (`file:///{path}`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = frameproof::absent_not_null)]
pub struct ResourceTemplate {
    #[schemars(extend("format" = "uri-template"))]
    pub uri_template: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotations: Option<Annotations>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icons: Option<Vec<Icon>>,
    #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
    pub meta: Option<Object>,
}

/// `resources/subscribe`: tell me when this resource changes
/// (`notifications/resources/updated`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "resources/subscribe", response = EmptyResult)]
pub struct Subscribe(pub ResourceRequestParams);

/// `resources/unsubscribe`: stop telling me.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "resources/unsubscribe", response = EmptyResult)]
pub struct Unsubscribe(pub ResourceRequestParams);

/// `notifications/resources/list_changed`: the server's resources changed; list them again.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, Event)]
#[schemars(transform = frameproof::absent_not_null)]
#[event(name = "notifications/resources/list_changed", scope = "connection")]
pub struct ResourceListChanged {
    #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
    pub meta: Option<Object>,
}

/// `notifications/resources/updated`: a resource the client subscribed to changed; read it
/// again. (The URI is the subscription's key, so the notification belongs to the connection,
/// not to a subscription a result handed out.)
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Event)]
#[schemars(transform = frameproof::absent_not_null)]
#[event(name = "notifications/resources/updated", scope = "connection")]
pub struct ResourceUpdated {
    #[schemars(extend("format" = "uri"))]
    pub uri: String,
    #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
    pub meta: Option<Object>,
}

//! The dispatches (op 0) the documentation shows: the event is named by `t`, its data is `d`.

use frameproof::Event;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{Nullable, Snowflake};

/// `READY`: the answer to a valid Identify.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Event)]
#[event(name = "READY", scope = "connection")]
#[schemars(transform = frameproof::absent_not_null)]
pub struct Ready {
    /// The API version.
    pub v: u64,
    pub user: User,
    /// The guilds the user is in, unavailable until their `GUILD_CREATE` comes.
    pub guilds: Vec<UnavailableGuild>,
    /// For Resume.
    pub session_id: String,
    /// Where to open the connection that resumes.
    pub resume_gateway_url: String,
    /// `[shard_id, num_shards]`, when Identify gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shard: Option<(u32, u32)>,
    pub application: PartialApplication,
}

/// A user, trimmed to what every example shows.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct User {
    pub id: Snowflake,
    pub username: String,
    pub discriminator: String,
    /// An avatar hash.
    pub avatar: Nullable<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct UnavailableGuild {
    pub id: Snowflake,
    pub unavailable: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PartialApplication {
    pub id: Snowflake,
    pub flags: u64,
}

/// `RESUMED`: the replay after a Resume is over. The documentation gives it no fields.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, Event)]
#[event(name = "RESUMED", scope = "connection")]
pub struct Resumed {}

/// `GUILD_CREATE`: a guild became available (after `READY`, on joining one, when an outage
/// ends); during an outage the unavailable guild itself.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Event)]
#[event(name = "GUILD_CREATE", scope = "connection")]
#[schemars(transform = frameproof::absent_not_null)]
pub struct GuildCreate {
    pub id: Snowflake,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unavailable: Option<bool>,
}

/// `MESSAGE_CREATE`: a message was sent.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Event)]
#[event(name = "MESSAGE_CREATE", scope = "connection")]
#[schemars(transform = frameproof::absent_not_null)]
pub struct MessageCreate {
    pub id: Snowflake,
    pub channel_id: Snowflake,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guild_id: Option<Snowflake>,
    pub author: User,
    pub content: String,
    #[schemars(extend("format" = "date-time"))]
    pub timestamp: String,
    #[schemars(extend("format" = "date-time"))]
    pub edited_timestamp: Nullable<String>,
    pub tts: bool,
    pub mention_everyone: bool,
    pub mentions: Vec<User>,
    pub mention_roles: Vec<Snowflake>,
    pub attachments: Vec<Value>,
    pub embeds: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reactions: Option<Vec<Reaction>>,
    pub pinned: bool,
    #[serde(rename = "type")]
    pub kind: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Reaction {
    pub count: u64,
    pub me: bool,
    pub emoji: Emoji,
}

/// A custom emoji has an id; a Unicode one has only its name.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Emoji {
    pub id: Nullable<Snowflake>,
    pub name: Nullable<String>,
}

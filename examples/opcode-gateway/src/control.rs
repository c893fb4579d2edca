//! The control frames: every opcode but 0. Each type is the whole frame; its `op` is fixed.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{NotDispatch, Nullable, Op, Snowflake};

/// Hello (op 10), the server's first frame: how often to heartbeat.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Hello {
    pub op: Op<10>,
    pub d: HelloData,
    #[serde(flatten)]
    pub not_dispatch: NotDispatch,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct HelloData {
    /// In milliseconds.
    pub heartbeat_interval: u64,
}

/// Heartbeat ACK (op 11): the server got a Heartbeat. The documentation's example has no `d`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct HeartbeatAck {
    pub op: Op<11>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub d: Option<()>,
    #[serde(flatten)]
    pub not_dispatch: NotDispatch,
}

/// Heartbeat (op 1) from the server: send a Heartbeat now. Not answered by an ACK; the
/// Heartbeat it asks for is.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct HeartbeatRequest {
    pub op: Op<1>,
    /// `?mixed` in the payload table; nothing documented for this opcode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub d: Option<Value>,
    #[serde(flatten)]
    pub not_dispatch: NotDispatch,
}

/// Reconnect (op 7): reconnect and resume. May come at any time, even before or instead of
/// Hello.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Reconnect {
    pub op: Op<7>,
    pub d: (),
    #[serde(flatten)]
    pub not_dispatch: NotDispatch,
}

/// Invalid Session (op 9): the Identify failed or the Resume came too late; `d` says whether
/// the session may be resumed (false: open a new connection and Identify).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct InvalidSession {
    pub op: Op<9>,
    pub d: bool,
    #[serde(flatten)]
    pub not_dispatch: NotDispatch,
}

/// Heartbeat (op 1) from the client: the last sequence number received, or `null` before any.
/// Answered by a Heartbeat ACK.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Heartbeat {
    pub op: Op<1>,
    pub d: Nullable<u64>,
    #[serde(flatten)]
    pub not_dispatch: NotDispatch,
}

/// Identify (op 2): starts a new session; answered by the `READY` dispatch, or by Invalid
/// Session. A second Identify closes the connection with 4005.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Identify {
    pub op: Op<2>,
    pub d: IdentifyData,
    #[serde(flatten)]
    pub not_dispatch: NotDispatch,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = frameproof::absent_not_null)]
pub struct IdentifyData {
    pub token: String,
    pub properties: ConnectionProperties,
    /// The gateway intents: a bit set (`GUILDS` 1 << 0, `GUILD_MESSAGES` 1 << 9, ...).
    pub intents: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compress: Option<bool>,
    /// Members past which a guild's offline members are not sent (50 to 250; 50 when left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 50, max = 250))]
    pub large_threshold: Option<u8>,
    /// `[shard_id, num_shards]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<(u32, u32)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presence: Option<Presence>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ConnectionProperties {
    pub os: String,
    pub browser: String,
    pub device: String,
}

/// A presence: in Identify, and the `d` of Presence Update.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Presence {
    /// When the client went idle, in Unix milliseconds; `null` if it is not idle.
    pub since: Nullable<u64>,
    pub activities: Vec<Activity>,
    pub status: Status,
    pub afk: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Activity {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Online,
    Dnd,
    Idle,
    Invisible,
    Offline,
}

/// Presence Update (op 3).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PresenceUpdate {
    pub op: Op<3>,
    pub d: Presence,
    #[serde(flatten)]
    pub not_dispatch: NotDispatch,
}

/// Voice State Update (op 4): join, move between or leave (`channel_id: null`) voice channels.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct VoiceStateUpdate {
    pub op: Op<4>,
    pub d: VoiceState,
    #[serde(flatten)]
    pub not_dispatch: NotDispatch,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct VoiceState {
    pub guild_id: Snowflake,
    pub channel_id: Nullable<Snowflake>,
    pub self_mute: bool,
    pub self_deaf: bool,
}

/// Resume (op 6): on a new connection to `resume_gateway_url`, instead of Identify; the server
/// replays what was missed, then sends `RESUMED`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Resume {
    pub op: Op<6>,
    pub d: ResumeData,
    #[serde(flatten)]
    pub not_dispatch: NotDispatch,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ResumeData {
    pub token: String,
    pub session_id: String,
    /// The last sequence number received.
    pub seq: u64,
}

/// Request Guild Members (op 8): answered by `GUILD_MEMBERS_CHUNK` dispatches.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RequestGuildMembers {
    pub op: Op<8>,
    pub d: GuildMembersQuery,
    #[serde(flatten)]
    pub not_dispatch: NotDispatch,
}

/// Either `query` with `limit` (`""` and 0: all members), or `user_ids`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(extend("anyOf" = [{"required": ["query", "limit"]}, {"required": ["user_ids"]}]))]
#[schemars(transform = frameproof::absent_not_null)]
pub struct GuildMembersQuery {
    pub guild_id: Snowflake,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// One id or several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_ids: Option<UserIds>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presences: Option<bool>,
    /// Echoed in the chunks; at most 32 bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 32))]
    pub nonce: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum UserIds {
    One(Snowflake),
    Many(Vec<Snowflake>),
}

/// Request Soundboard Sounds (op 31).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RequestSoundboardSounds {
    pub op: Op<31>,
    pub d: SoundboardSoundsQuery,
    #[serde(flatten)]
    pub not_dispatch: NotDispatch,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct SoundboardSoundsQuery {
    pub guild_ids: Vec<Snowflake>,
}

/// Request Channel Info (op 43).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RequestChannelInfo {
    pub op: Op<43>,
    pub d: ChannelInfoQuery,
    #[serde(flatten)]
    pub not_dispatch: NotDispatch,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ChannelInfoQuery {
    pub guild_id: Snowflake,
    pub fields: Vec<ChannelInfoField>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChannelInfoField {
    Status,
    VoiceStartTime,
}

//! The contract of a chat built the other way round from TRCR (field note `001_*.txt`): REST
//! for state (login, users, history), a WebSocket per room strictly as an event pipeline. Its
//! events are discriminated by a `type` member with their fields beside it
//! (`{"type": "NEW_MESSAGE", "message": {...}}`), which the `custom` envelope describes: the
//! event name at `/type` and the event's data as the whole frame.
//!
//! Every action is REST-only (`websocket = false`), so each keeps its HTTP status codes and
//! error shapes, which is what the note's author missed over a raw socket.

use frameproof::{Action, AuthMethod, Contract, Envelope, Event};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    pub display_name: String,
    pub is_online: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChatMessage {
    pub id: String,
    pub room_id: String,
    pub author_id: String,
    pub text: String,
    #[schemars(extend("format" = "date-time"))]
    pub sent_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    pub token: String,
    pub user: User,
}

/// Log in; the token opens the room sockets.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "auth.login", response = Session, errors(unauthorized), websocket = false)]
pub struct Login {
    pub email: String,
    pub password: String,
}

/// Everyone the caller can chat with.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "users.list", response = Vec<User>, websocket = false)]
pub struct ListUsers {}

/// One user's profile.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "users.get", response = User, errors(not_found), websocket = false)]
pub struct GetUser {
    pub id: String,
}

/// A room's history, loaded once when the room opens.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[serde(rename_all = "camelCase")]
#[action(name = "rooms.history", response = Vec<ChatMessage>, errors(not_found, forbidden),
         websocket = false, rest(method = "GET", path = "/rooms/{roomId}/history"))]
pub struct RoomHistory {
    pub room_id: String,
    /// Only messages after this instant.
    pub since: Option<String>,
}

/// A message arrived in the room.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Event)]
#[event(name = "NEW_MESSAGE", scope = "connection")]
pub struct NewMessage {
    pub message: ChatMessage,
}

/// Someone is typing.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Event)]
#[serde(rename_all = "camelCase")]
#[event(name = "USER_TYPING", scope = "connection")]
pub struct UserTyping {
    pub user_id: String,
}

/// Someone came online or went away.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Event)]
#[serde(rename_all = "camelCase")]
#[event(name = "USER_ONLINE", scope = "connection")]
pub struct UserOnline {
    pub user_id: String,
    pub is_online: bool,
}

pub fn contract() -> Contract {
    Contract::builder("rest-state-ws-events-chat", "1.0.0")
        .description(
            "A chat that loads state over REST and receives live events over a per-room WebSocket.",
        )
        .envelope(Envelope::custom(|e| {
            e.event.name = "/type".into();
            e.event.data = String::new(); // the event's fields sit beside `type`
            e.event.tenant = None;
            e.event.topic = None;
            e.control.clear(); // the socket carries events only
        }))
        .configure_transport(|t| {
            t.websocket.path = "/rooms/{roomId}/live".into();
            t.auth.methods = vec![AuthMethod::Header {
                name: "Authorization".into(),
            }];
        })
        .action::<Login>()
        .action::<ListUsers>()
        .action::<GetUser>()
        .action::<RoomHistory>()
        .event::<NewMessage>()
        .event::<UserTyping>()
        .event::<UserOnline>()
        .build()
        .unwrap_or_else(|e| panic!("the chat contract is unsound: {e}"))
}

//! An op-coded WebSocket gateway, Discord's (API v10), as a frameproof contract built from
//! derives with no post-processing. Only what `tests/spec/NOTES.md` and the documentation's
//! frames say is described; types are trimmed to the members the documentation shows, and every
//! object allows members beyond them.
//!
//! Every frame is `{"op": N, "d": ..., "s": n?, "t": "NAME"?}`:
//!
//! - op 0 is a dispatch, the gateway's events: `t` names it, `d` holds its data, `s` is its
//!   sequence number ([`events`]: `READY`, `RESUMED`, `MESSAGE_CREATE`, `GUILD_CREATE`);
//! - every other opcode is a control frame, recognised by its `op` ([`control`]): the server's
//!   Hello (10), Heartbeat ACK (11), Heartbeat request (1), Reconnect (7) and Invalid Session (9);
//!   the client's Heartbeat (1, answered by a Heartbeat ACK), Identify (2), Presence Update (3),
//!   Voice State Update (4), Resume (6), Request Guild Members (8), Request Soundboard Sounds
//!   (31) and Request Channel Info (43). Their `s` and `t` are left out or `null`.
//!
//! There are no requests and no responses. The handshake is two ordering rules: the server's
//! first frame is Hello (or Reconnect, which may come in its place), and until `READY` or
//! `RESUMED` the client sends nothing but Identify, Resume and Heartbeats.

use std::borrow::Cow;

use frameproof::{Contract, ControlKind, Direction, LintLevel, Lints, OrderRule};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::json;

pub mod control;
pub mod events;

/// An opcode as a fixed member: `Op<10>` is `10` on the wire and `{"const": 10}` in the schema.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Op<const N: u8>;

impl<const N: u8> Serialize for Op<N> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(N)
    }
}

impl<'de, const N: u8> Deserialize<'de> for Op<N> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let op = u8::deserialize(d)?;
        if op == N {
            Ok(Op)
        } else {
            Err(serde::de::Error::custom(format!("op {op}, expected {N}")))
        }
    }
}

impl<const N: u8> JsonSchema for Op<N> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        format!("Op{N}").into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({ "const": N })
    }
}

// A member that must be there and may be `null` (`?type` in the documentation's tables):
// schemars would let a plain `Option` be left out of a frame the server reads. (Not a doc
// comment: it would stand as the description of every member of this type.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(inline)]
pub struct Nullable<T>(pub Option<T>);

/// A Discord id: a 64-bit integer written as a decimal string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Snowflake(#[schemars(regex(pattern = r"^[0-9]+$"))] pub String);

/// Whether the frame is a dispatch: `s` and `t` belong to op 0 and are `null` (or, as in every
/// example of the documentation, left out) on any other frame.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct NotDispatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s: Option<()>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub t: Option<()>,
}

pub fn contract() -> Contract {
    use control::*;
    use events::*;
    use Direction::{Client, Server};
    let op = |n: u8| [("/op", json!(n))];
    // the gateway answers nothing with an error frame: it closes the connection with a code
    let no_errors = frameproof::standard_errors()
        .into_keys()
        .fold(Contract::builder("discord-gateway", "10.0.0"), |b, code| {
            b.without_error(&code)
        });
    no_errors
        .description(
            "Discord's gateway, API v10: dispatches (op 0) and control frames by opcode, the \
             Hello / Identify / READY handshake, Resume, and heartbeats.",
        )
        .configure_transport(|t| {
            t.websocket.path = "/".into();
            // "a sent payload may be at most 4096 bytes" (closed with 4002)
            t.websocket.max_frame_bytes = Some(4096);
            // connections authenticate with Identify's token, not in the handshake
            t.auth.methods.clear();
            // "Authentication failed: the token in Identify is incorrect"
            t.auth.close_code = Some(4004);
            // the example Hello's interval; each heartbeat is ACKed before the next is due
            t.heartbeat.interval_ms = 45_000;
            t.heartbeat.timeout_ms = 45_000;
        })
        .envelope(frameproof::Envelope::custom(|e| {
            e.event.name = "/t".into();
            e.event.data = "/d".into();
            e.event.tenant = None;
            e.event.topic = None;
            e.event.constants = [("/op".to_owned(), json!(0))].into_iter().collect();
            e.event.optional = [("/s".to_owned(), json!({"type": "integer"}))]
                .into_iter()
                .collect();
            e.control.clear();
        }))
        .control::<Hello>("hello", Server, &op(10))
        .control::<HeartbeatAck>("heartbeat_ack", Server, &op(11))
        .control::<HeartbeatRequest>("heartbeat_request", Server, &op(1))
        .control::<Reconnect>("reconnect", Server, &op(7))
        .control::<InvalidSession>("invalid_session", Server, &op(9))
        .control::<Heartbeat>("heartbeat", Client, &op(1))
        .control::<Identify>("identify", Client, &op(2))
        .control::<PresenceUpdate>("presence_update", Client, &op(3))
        .control::<VoiceStateUpdate>("voice_state_update", Client, &op(4))
        .control::<Resume>("resume", Client, &op(6))
        .control::<RequestGuildMembers>("request_guild_members", Client, &op(8))
        .control::<RequestSoundboardSounds>("request_soundboard_sounds", Client, &op(31))
        .control::<RequestChannelInfo>("request_channel_info", Client, &op(43))
        .configure_envelope(|e| {
            // every Heartbeat is ACKed
            for c in e.control.iter_mut() {
                if c.kind.as_str() == "heartbeat" {
                    c.reply = Some(ControlKind::named("heartbeat_ack"));
                }
            }
            let names = |n: &[&str]| n.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
            // "your app will receive a Hello", unless a Reconnect comes "even before/in place of
            // receiving a Hello"
            e.ordering.push(OrderRule::First {
                direction: Server,
                frames: names(&["hello", "reconnect"]),
            });
            // Heartbeats go from Hello on; anything else before identifying closes with 4003
            e.ordering.push(OrderRule::Before {
                direction: Client,
                only: names(&["identify", "resume", "heartbeat"]),
                until: names(&["READY", "RESUMED"]),
            });
        })
        // event names are the gateway's UPPER_SNAKE_CASE
        .lints(Lints {
            naming: LintLevel::Allow,
        })
        .event::<Ready>()
        .event::<Resumed>()
        .event::<GuildCreate>()
        .event::<MessageCreate>()
        .build()
        .unwrap_or_else(|e| panic!("the gateway contract is unsound: {e}"))
}

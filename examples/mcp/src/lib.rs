//! The Model Context Protocol, revision 2025-11-25, as a frameproof contract, built from derives
//! with no post-processing.
//!
//! MCP is JSON-RPC 2.0 without batches (removed in 2025-06-18). The contract covers what a
//! client asks of a server and what the server tells it unasked:
//!
//! - requests ([`lifecycle`], [`tools`], [`resources`], [`prompts`], [`utilities`]):
//!   `initialize`, `ping`, `tools/list`, `tools/call`, `resources/list`, `resources/read`,
//!   `resources/templates/list`, `resources/subscribe`, `resources/unsubscribe`, `prompts/list`,
//!   `prompts/get`, `logging/setLevel`, `completion/complete`;
//! - client notifications: `notifications/initialized`, `notifications/cancelled`,
//!   `notifications/roots/list_changed`;
//! - server notifications (events of the connection): `notifications/tools/list_changed`,
//!   `notifications/resources/list_changed`, `notifications/prompts/list_changed`,
//!   `notifications/resources/updated`, `notifications/progress`, `notifications/message`;
//! - the handshake: until the server has answered `initialize`, the client sends nothing but
//!   `initialize` and `ping`;
//! - the errors: JSON-RPC's five, MCP's `-32002` (resource not found) and `-32042` (URL
//!   elicitation required).
//!
//! Every MCP object is open (the schema has no `additionalProperties: false`), so no type here
//! denies unknown fields; optional members are left out, never `null` (`frameproof::absent_not_null`).
//!
//! Not covered: requests the server sends the client (`sampling/createMessage`, `roots/list`,
//! `elicitation/create`, a server's `ping`) and the client's answers to them, and the
//! experimental tasks (`tasks/*`, task-augmented `tools/call`).

use frameproof::{Contract, ContractBuilder, Direction, ErrorSpec, OrderRule};

pub mod content;
pub mod lifecycle;
pub mod prompts;
pub mod resources;
pub mod tools;
pub mod utilities;

/// The protocol revision this contract describes.
pub const PROTOCOL_VERSION: &str = "2025-11-25";

fn mcp_error(status: u16, rpc_code: i64, any_action: bool, description: &str) -> ErrorSpec {
    ErrorSpec {
        status,
        description: description.to_owned(),
        any_action,
        rpc_code: Some(rpc_code),
    }
}

/// MCP's errors: JSON-RPC's codes as MCP uses them, and MCP's own; frameproof's standard
/// errors MCP has no code for are left out.
fn mcp_errors(builder: ContractBuilder) -> ContractBuilder {
    builder
        // frameproof's standard errors that MCP has no code for (MCP's HTTP transport says
        // unauthorized and forbidden with HTTP statuses, not JSON-RPC errors); `token_expired`'s
        // -32002 is MCP's resource not found
        .without_error("unauthorized")
        .without_error("token_expired")
        .without_error("forbidden")
        .without_error("not_found")
        .without_error("conflict")
        .without_error("rate_limited")
        .without_error("unavailable")
        // JSON-RPC's codes, described as MCP uses them (the preset's numbers and statuses)
        .error_spec(
            "bad_request",
            mcp_error(
                400,
                -32700,
                true,
                "Parse error: the message is not valid JSON.",
            ),
        )
        .error_spec(
            "invalid_request",
            mcp_error(
                400,
                -32600,
                true,
                "Invalid Request: the message is not a valid request object.",
            ),
        )
        .error_spec(
            "unknown_action",
            mcp_error(
                404,
                -32601,
                true,
                "Method not found: the server has no such method, or not the capability it \
                 belongs to (completions, for instance).",
            ),
        )
        .error_spec(
            "validation_failed",
            mcp_error(
                422,
                -32602,
                true,
                "Invalid params: params that do not match the method's schema, and an unknown \
                 tool or prompt, missing prompt arguments, an invalid log level or cursor, a \
                 protocol version the server does not support.",
            ),
        )
        .error_spec("internal", mcp_error(500, -32603, true, "Internal error."))
        .error_spec(
            "resource_not_found",
            mcp_error(
                404,
                -32002,
                false,
                "Resource not found (MCP): no resource has the URI asked for; `data.uri` names it.",
            ),
        )
        .error_spec(
            "url_elicitation_required",
            mcp_error(
                403,
                -32042,
                true,
                "URL elicitation required (MCP): the request cannot be processed until the user \
                 completes the URL mode elicitations listed in `data.elicitations`.",
            ),
        )
}

pub fn contract() -> Contract {
    use lifecycle::*;
    use prompts::*;
    use resources::*;
    use tools::*;
    use utilities::*;
    let builder = Contract::builder("mcp", "2025.11.25")
        .description(
            "The Model Context Protocol, revision 2025-11-25: a client's requests and \
             notifications to an MCP server, and the server's notifications.",
        )
        .jsonrpc()
        .configure_transport(|t| {
            t.websocket.path = "/mcp".into();
            t.rest.base_path = String::new();
            t.rest.rpc_endpoint = Some("/mcp".into());
            // the streamable HTTP transport's session: handed out by initialize, sent back after
            t.rest.rpc_session_header = Some("mcp-session-id".into());
            // MCP sets no ping interval: frameproof's default heartbeat settings stay
        })
        .configure_envelope(|e| {
            // no batches since 2025-06-18
            e.batch = None;
            // an error about a request whose id could not be read leaves the id out (never null)
            e.response.unread_error_id = frameproof::UnreadErrorId::Absent;
            // "the client SHOULD NOT send requests other than pings before the server has
            // responded to the initialize request"
            e.ordering.push(OrderRule::Before {
                direction: Direction::Client,
                only: vec!["initialize".into(), "ping".into()],
                until: vec!["initialize".into()],
            });
        });
    mcp_errors(builder)
        .action::<Initialize>()
        .action::<Ping>()
        .action::<Initialized>()
        .action::<Cancelled>()
        .action::<ListTools>()
        .action::<CallTool>()
        .action::<ListResources>()
        .action::<ReadResource>()
        .action::<ListResourceTemplates>()
        .action::<Subscribe>()
        .action::<Unsubscribe>()
        .action::<ListPrompts>()
        .action::<GetPrompt>()
        .action::<SetLevel>()
        .action::<Complete>()
        .action::<RootsListChanged>()
        .event::<ToolListChanged>()
        .event::<ResourceListChanged>()
        .event::<ResourceUpdated>()
        .event::<PromptListChanged>()
        .event::<Progress>()
        .event::<LoggingMessage>()
        .build()
        .unwrap_or_else(|e| panic!("the MCP contract is unsound: {e}"))
}

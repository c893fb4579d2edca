//! The standard error table. Over the socket an error carries a code; over REST the same code
//! comes with this HTTP status, so an error means the same on both transports.

use std::collections::BTreeMap;

use crate::document::ErrorSpec;

/// The codes every contract starts with. `any_action` codes may answer any request (they come
/// from the protocol layer, not from one action's logic). Contracts add or override codes with
/// `ContractBuilder::error`.
pub fn standard_errors() -> BTreeMap<String, ErrorSpec> {
    let table: [(&str, u16, bool, i64, &str); 11] = [
        (
            "bad_request",
            400,
            true,
            -32700,
            "The frame or body is not well-formed JSON or not a valid envelope.",
        ),
        ("unauthorized", 401, true, -32001, "No valid credentials."),
        (
            "token_expired",
            401,
            true,
            -32002,
            "The credentials have expired; refresh them.",
        ),
        (
            "forbidden",
            403,
            false,
            -32003,
            "The credentials do not allow this.",
        ),
        (
            "not_found",
            404,
            false,
            -32004,
            "The resource does not exist or is not visible to the caller.",
        ),
        (
            "unknown_action",
            404,
            true,
            -32601,
            "No action has this name.",
        ),
        (
            "conflict",
            409,
            false,
            -32009,
            "The request conflicts with the resource's current state.",
        ),
        (
            "validation_failed",
            422,
            true,
            -32602,
            "The payload does not match the action's schema or rules.",
        ),
        ("rate_limited", 429, false, -32029, "Too many requests."),
        ("internal", 500, true, -32603, "The server failed."),
        (
            "unavailable",
            503,
            false,
            -32053,
            "The service is temporarily unavailable.",
        ),
    ];
    table
        .into_iter()
        .map(|(code, status, any_action, rpc, description)| {
            (
                code.to_owned(),
                ErrorSpec {
                    status,
                    description: description.to_owned(),
                    any_action,
                    rpc_code: Some(rpc),
                },
            )
        })
        .collect()
}

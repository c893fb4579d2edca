//! The validator's rules: one type, with a stable id, a description and an example each. The
//! rule tables of `docs/validator.md` are generated from [`Rule::ALL`] (`markdown_table`) and a
//! test keeps them in step.

use serde::{Serialize, Serializer};

/// Which table of `docs/validator.md` a rule belongs to: what has to be known to check it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleGroup {
    /// One frame on its own.
    Frame,
    /// A connection's frames in both directions.
    Session,
    /// A REST exchange or the RPC endpoint.
    Rest,
    /// Reading a capture file.
    Capture,
}

/// A rule a frame, a session, a REST exchange or a capture can break.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Rule {
    /// `frame.too_large`: over the frame size limit (`--max-frame-bytes`, 16 MiB by default); checked before parsing.
    FrameTooLarge,
    /// `frame.too_deep`: nesting over the depth limit (`--max-depth`, 64); checked while parsing, in the same pass.
    FrameTooDeep,
    /// `frame.utf8`: not valid UTF-8.
    FrameUtf8,
    /// `frame.json`: not JSON (numbers beyond the f64 range included).
    FrameJson,
    /// `frame.duplicate_key`: an object names a key twice (plain JSON parsers keep the last silently).
    FrameDuplicateKey,
    /// `frame.binary`: a binary frame where the contract's frames are JSON text.
    FrameBinary,
    /// `frame.envelope`: not the envelope's shape: no id, no action, no payload, a fixed member wrong, a bad correlation id.
    FrameEnvelope,
    /// `frame.batch`: an empty batch: a batch carries at least one frame.
    FrameBatch,
    /// `frame.notification`: an action declared a notification sent with an id (a notification gets no answer).
    FrameNotification,
    /// `frame.unknown_action`: the action's name is not in the contract.
    FrameUnknownAction,
    /// `frame.unknown_event`: the event's name is not in the contract.
    FrameUnknownEvent,
    /// `frame.rest_only`: an action served over REST only, sent over the socket.
    FrameRestOnly,
    /// `payload.schema`: the payload fails its action's schema.
    PayloadSchema,
    /// `event.schema`: the event's data fails its schema.
    EventSchema,
    /// `event.scope`: a tenant event without its tenant, a topic event without a topic or with one that does not match the pattern.
    EventScope,
    /// `error.shape`: an error response without its code or message, or of the wrong shape.
    ErrorShape,
    /// `error.unknown_code`: an error code the contract's error table does not have.
    ErrorUnknownCode,
    /// `control.schema`: a control frame (ping, subscribe, auth, …) of the wrong shape.
    ControlSchema,
    /// `response.schema`: an ok response's data fails the schema of the action its id answers.
    ResponseSchema,
    /// `response.subscription`: an action that opens a subscription answered without the subscription's id.
    ResponseSubscription,
    /// `error.undeclared`: an error code the answered action does not declare (and that is not `any_action`).
    ErrorUndeclared,
    /// `session.duplicate_id`: a request id reused while a request with that id is in flight.
    SessionDuplicateId,
    /// `session.unknown_response_id`: a response to an id no outstanding request has.
    SessionUnknownResponseId,
    /// `session.unanswered`: a request never answered (reported when the session ends).
    SessionUnanswered,
    /// `session.unanswered_ping`: an application ping never answered with a pong.
    SessionUnansweredPing,
    /// `session.unexpected_pong`: a pong without a ping.
    SessionUnexpectedPong,
    /// `session.unanswered_control`: a control frame that expects a reply (a subscribe, an auth) never got it.
    SessionUnansweredControl,
    /// `session.unexpected_reply`: a control reply nobody asked for.
    SessionUnexpectedReply,
    /// `session.order`: a frame out of the order the envelope's `ordering` rules require.
    SessionOrder,
    /// `session.unsubscribed_topic`: a topic event on a topic the connection has not subscribed to.
    SessionUnsubscribedTopic,
    /// `session.unknown_subscription`: a subscription event for an id this connection was never handed or has ended.
    SessionUnknownSubscription,
    /// `session.cross_tenant`: a tenant event of another tenant (the connection's `org` from the transcript header; without it, a second tenant after the first).
    SessionCrossTenant,
    /// `session.version`: an action or event newer than the version the connection negotiated.
    SessionVersion,
    /// `session.too_many_outstanding`: over 65,536 unanswered requests; later ones are not tracked (bounded memory).
    SessionTooManyOutstanding,
    /// `deprecated`: a deprecated action or event is used (a warning).
    Deprecated,
    /// `rest.unknown_route`: method and path resolve to no action through the mapping.
    RestUnknownRoute,
    /// `rest.payload`: the payload rebuilt from path, query (typed by the schema) or body fails the schema, or path and body disagree.
    RestPayload,
    /// `rest.response`: a 2xx body fails the response schema.
    RestResponse,
    /// `rest.error`: an error status without the contract's error body.
    RestError,
    /// `rest.status`: the error code's HTTP status is not the one the contract gives it.
    RestStatus,
    /// `rest.unchecked`: (a warning, `ContractLayer` only) a streamed or oversized response body passed through unchecked.
    RestUnchecked,
    /// `rest.duplicate_key`: a request or response body names a key twice; only where the body's raw text is known (`check_rest_raw`, HAR files, transcripts).
    RestDuplicateKey,
    /// `rpc.status`: the RPC endpoint answered an error status without a response frame.
    RpcStatus,
    /// `capture.record`: a transcript line that is not a record, or a line over the line limit (reported with its line; reading goes on).
    CaptureRecord,
    /// `capture.contract`: (a warning) the transcript was recorded against another contract.
    CaptureContract,
    /// `capture.sessions_dropped`: (a warning) more connections open at once than `--max-sessions`; the least recently active one is no longer tracked.
    CaptureSessionsDropped,
    /// `capture.ws_skipped`: (a warning) a HAR's WebSocket entry whose URL path is not the socket's; its messages were not checked.
    CaptureWsSkipped,
    /// `capture.ws_unmatched`: a HAR has WebSocket entries and every one was skipped: nothing was checked over the socket, so the run fails instead of passing on "0 frame(s)".
    CaptureWsUnmatched,
}

impl Rule {
    /// Every rule, in the order the docs list them.
    pub const ALL: &'static [Rule] = &[
        Rule::FrameTooLarge,
        Rule::FrameTooDeep,
        Rule::FrameUtf8,
        Rule::FrameJson,
        Rule::FrameDuplicateKey,
        Rule::FrameBinary,
        Rule::FrameEnvelope,
        Rule::FrameBatch,
        Rule::FrameNotification,
        Rule::FrameUnknownAction,
        Rule::FrameUnknownEvent,
        Rule::FrameRestOnly,
        Rule::PayloadSchema,
        Rule::EventSchema,
        Rule::EventScope,
        Rule::ErrorShape,
        Rule::ErrorUnknownCode,
        Rule::ControlSchema,
        Rule::ResponseSchema,
        Rule::ResponseSubscription,
        Rule::ErrorUndeclared,
        Rule::SessionDuplicateId,
        Rule::SessionUnknownResponseId,
        Rule::SessionUnanswered,
        Rule::SessionUnansweredPing,
        Rule::SessionUnexpectedPong,
        Rule::SessionUnansweredControl,
        Rule::SessionUnexpectedReply,
        Rule::SessionOrder,
        Rule::SessionUnsubscribedTopic,
        Rule::SessionUnknownSubscription,
        Rule::SessionCrossTenant,
        Rule::SessionVersion,
        Rule::SessionTooManyOutstanding,
        Rule::Deprecated,
        Rule::RestUnknownRoute,
        Rule::RestPayload,
        Rule::RestResponse,
        Rule::RestError,
        Rule::RestStatus,
        Rule::RestUnchecked,
        Rule::RestDuplicateKey,
        Rule::RpcStatus,
        Rule::CaptureRecord,
        Rule::CaptureContract,
        Rule::CaptureSessionsDropped,
        Rule::CaptureWsSkipped,
        Rule::CaptureWsUnmatched,
    ];

    /// The stable id reports carry (`frame.envelope`).
    pub fn id(self) -> &'static str {
        self.facts().id
    }

    /// Which table of the docs it belongs to.
    pub fn group(self) -> RuleGroup {
        self.facts().group
    }

    /// What breaks it, in a sentence.
    pub fn description(self) -> &'static str {
        self.facts().description
    }

    /// A frame or a situation that breaks it.
    pub fn example(self) -> &'static str {
        self.facts().example
    }

    /// The rule of an id (`None`: no such rule).
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.id() == id)
    }

    fn facts(self) -> &'static Facts {
        // FACTS is in declaration order (checked at compile time below), so a rule's
        // discriminant is its row
        &FACTS[self as usize]
    }
}

/// What the docs say of a rule.
struct Facts {
    /// The rule the row is about: only there for the compile-time check of the order.
    rule: Rule,
    id: &'static str,
    group: RuleGroup,
    description: &'static str,
    example: &'static str,
}

/// One row per rule, in the order of the enum's declaration.
const FACTS: &[Facts] = &[
    Facts {
        rule: Rule::FrameTooLarge,
        id: "frame.too_large",
        group: RuleGroup::Frame,
        description: "over the frame size limit (`--max-frame-bytes`, 16 MiB by default); checked before parsing",
        example: "a 20 MiB frame",
    },
    Facts {
        rule: Rule::FrameTooDeep,
        id: "frame.too_deep",
        group: RuleGroup::Frame,
        description: "nesting over the depth limit (`--max-depth`, 64); checked while parsing, in the same pass",
        example: "`[[[[…]]]]` 100 levels deep",
    },
    Facts {
        rule: Rule::FrameUtf8,
        id: "frame.utf8",
        group: RuleGroup::Frame,
        description: "not valid UTF-8",
        example: "a frame holding the byte `0xff`",
    },
    Facts {
        rule: Rule::FrameJson,
        id: "frame.json",
        group: RuleGroup::Frame,
        description: "not JSON (numbers beyond the f64 range included)",
        example: "`{\"id\": \"r1\",`",
    },
    Facts {
        rule: Rule::FrameDuplicateKey,
        id: "frame.duplicate_key",
        group: RuleGroup::Frame,
        description: "an object names a key twice (plain JSON parsers keep the last silently)",
        example: "`{\"id\": \"r1\", \"id\": \"r2\", …}`",
    },
    Facts {
        rule: Rule::FrameBinary,
        id: "frame.binary",
        group: RuleGroup::Frame,
        description: "a binary frame where the contract's frames are JSON text",
        example: "a 12-byte binary frame",
    },
    Facts {
        rule: Rule::FrameEnvelope,
        id: "frame.envelope",
        group: RuleGroup::Frame,
        description: "not the envelope's shape: no id, no action, no payload, a fixed member wrong, a bad correlation id",
        example: "`{\"action\": \"tasks.list\"}` (no id)",
    },
    Facts {
        rule: Rule::FrameBatch,
        id: "frame.batch",
        group: RuleGroup::Frame,
        description: "an empty batch: a batch carries at least one frame",
        example: "`[]`",
    },
    Facts {
        rule: Rule::FrameNotification,
        id: "frame.notification",
        group: RuleGroup::Frame,
        description: "an action declared a notification sent with an id (a notification gets no answer)",
        example: "`{\"jsonrpc\": \"2.0\", \"method\": \"log\", \"id\": 1}` for a notification `log`",
    },
    Facts {
        rule: Rule::FrameUnknownAction,
        id: "frame.unknown_action",
        group: RuleGroup::Frame,
        description: "the action's name is not in the contract",
        example: "`{\"id\": \"r1\", \"action\": \"tasks.archive\", …}`",
    },
    Facts {
        rule: Rule::FrameUnknownEvent,
        id: "frame.unknown_event",
        group: RuleGroup::Frame,
        description: "the event's name is not in the contract",
        example: "`{\"event\": \"TaskArchived\", …}`",
    },
    Facts {
        rule: Rule::FrameRestOnly,
        id: "frame.rest_only",
        group: RuleGroup::Frame,
        description: "an action served over REST only, sent over the socket",
        example: "an upload action with `websocket = false`",
    },
    Facts {
        rule: Rule::PayloadSchema,
        id: "payload.schema",
        group: RuleGroup::Frame,
        description: "the payload fails its action's schema",
        example: "`\"payload\": {\"title\": 7}`",
    },
    Facts {
        rule: Rule::EventSchema,
        id: "event.schema",
        group: RuleGroup::Frame,
        description: "the event's data fails its schema",
        example: "`\"data\": {\"task\": null}`",
    },
    Facts {
        rule: Rule::EventScope,
        id: "event.scope",
        group: RuleGroup::Frame,
        description: "a tenant event without its tenant, a topic event without a topic or with one that does not match the pattern",
        example: "`TaskUpdated` without `topic`",
    },
    Facts {
        rule: Rule::ErrorShape,
        id: "error.shape",
        group: RuleGroup::Frame,
        description: "an error response without its code or message, or of the wrong shape",
        example: "`\"error\": {\"code\": \"not_found\"}` (no message)",
    },
    Facts {
        rule: Rule::ErrorUnknownCode,
        id: "error.unknown_code",
        group: RuleGroup::Frame,
        description: "an error code the contract's error table does not have",
        example: "`\"code\": \"teapot\"`",
    },
    Facts {
        rule: Rule::ControlSchema,
        id: "control.schema",
        group: RuleGroup::Frame,
        description: "a control frame (ping, subscribe, auth, …) of the wrong shape",
        example: "`{\"type\": \"subscribe\", \"topics\": \"task:1\"}`",
    },
    Facts {
        rule: Rule::ResponseSchema,
        id: "response.schema",
        group: RuleGroup::Session,
        description: "an ok response's data fails the schema of the action its id answers",
        example: "`\"data\": {\"id\": 7}` where `id` is a string",
    },
    Facts {
        rule: Rule::ResponseSubscription,
        id: "response.subscription",
        group: RuleGroup::Session,
        description: "an action that opens a subscription answered without the subscription's id",
        example: "`eth_subscribe` answered `{\"result\": null}`",
    },
    Facts {
        rule: Rule::ErrorUndeclared,
        id: "error.undeclared",
        group: RuleGroup::Session,
        description: "an error code the answered action does not declare (and that is not `any_action`)",
        example: "`conflict` from `tasks.delete`, which declares `not_found`",
    },
    Facts {
        rule: Rule::SessionDuplicateId,
        id: "session.duplicate_id",
        group: RuleGroup::Session,
        description: "a request id reused while a request with that id is in flight",
        example: "two `r1` requests before the first answer",
    },
    Facts {
        rule: Rule::SessionUnknownResponseId,
        id: "session.unknown_response_id",
        group: RuleGroup::Session,
        description: "a response to an id no outstanding request has",
        example: "a response to `r9` when only `r1` was sent",
    },
    Facts {
        rule: Rule::SessionUnanswered,
        id: "session.unanswered",
        group: RuleGroup::Session,
        description: "a request never answered (reported when the session ends)",
        example: "`r1` sent, the connection closes without its answer",
    },
    Facts {
        rule: Rule::SessionUnansweredPing,
        id: "session.unanswered_ping",
        group: RuleGroup::Session,
        description: "an application ping never answered with a pong",
        example: "`{\"type\": \"ping\"}` and no pong",
    },
    Facts {
        rule: Rule::SessionUnexpectedPong,
        id: "session.unexpected_pong",
        group: RuleGroup::Session,
        description: "a pong without a ping",
        example: "`{\"type\": \"pong\"}` out of the blue",
    },
    Facts {
        rule: Rule::SessionUnansweredControl,
        id: "session.unanswered_control",
        group: RuleGroup::Session,
        description: "a control frame that expects a reply (a subscribe, an auth) never got it",
        example: "`subscribe` and no `subscribed`",
    },
    Facts {
        rule: Rule::SessionUnexpectedReply,
        id: "session.unexpected_reply",
        group: RuleGroup::Session,
        description: "a control reply nobody asked for",
        example: "`subscribed` without a `subscribe`",
    },
    Facts {
        rule: Rule::SessionOrder,
        id: "session.order",
        group: RuleGroup::Session,
        description: "a frame out of the order the envelope's `ordering` rules require",
        example: "a request before the `initialize` handshake",
    },
    Facts {
        rule: Rule::SessionUnsubscribedTopic,
        id: "session.unsubscribed_topic",
        group: RuleGroup::Session,
        description: "a topic event on a topic the connection has not subscribed to",
        example: "`task:7` event without `subscribe task:7`",
    },
    Facts {
        rule: Rule::SessionUnknownSubscription,
        id: "session.unknown_subscription",
        group: RuleGroup::Session,
        description: "a subscription event for an id this connection was never handed or has ended",
        example: "`eth_subscription` for `0x9` after `eth_unsubscribe 0x9`",
    },
    Facts {
        rule: Rule::SessionCrossTenant,
        id: "session.cross_tenant",
        group: RuleGroup::Session,
        description: "a tenant event of another tenant (the connection's `org` from the transcript header; without it, a second tenant after the first)",
        example: "`org_globex` event on an `org_acme` connection",
    },
    Facts {
        rule: Rule::SessionVersion,
        id: "session.version",
        group: RuleGroup::Session,
        description: "an action or event newer than the version the connection negotiated",
        example: "a 1.2.0 action on a 1.0 connection",
    },
    Facts {
        rule: Rule::SessionTooManyOutstanding,
        id: "session.too_many_outstanding",
        group: RuleGroup::Session,
        description: "over 65,536 unanswered requests; later ones are not tracked (bounded memory)",
        example: "70,000 requests and no answers",
    },
    Facts {
        rule: Rule::Deprecated,
        id: "deprecated",
        group: RuleGroup::Session,
        description: "a deprecated action or event is used (a warning)",
        example: "a call to an action marked deprecated",
    },
    Facts {
        rule: Rule::RestUnknownRoute,
        id: "rest.unknown_route",
        group: RuleGroup::Rest,
        description: "method and path resolve to no action through the mapping",
        example: "`DELETE /api/projects/p1` when no action is mapped there",
    },
    Facts {
        rule: Rule::RestPayload,
        id: "rest.payload",
        group: RuleGroup::Rest,
        description: "the payload rebuilt from path, query (typed by the schema) or body fails the schema, or path and body disagree",
        example: "`POST /api/tasks` with `{\"title\": 7}`",
    },
    Facts {
        rule: Rule::RestResponse,
        id: "rest.response",
        group: RuleGroup::Rest,
        description: "a 2xx body fails the response schema",
        example: "`200 {\"id\": 7}`",
    },
    Facts {
        rule: Rule::RestError,
        id: "rest.error",
        group: RuleGroup::Rest,
        description: "an error status without the contract's error body",
        example: "`404` with an HTML page",
    },
    Facts {
        rule: Rule::RestStatus,
        id: "rest.status",
        group: RuleGroup::Rest,
        description: "the error code's HTTP status is not the one the contract gives it",
        example: "`not_found` answered with 400",
    },
    Facts {
        rule: Rule::RestUnchecked,
        id: "rest.unchecked",
        group: RuleGroup::Rest,
        description: "(a warning, `ContractLayer` only) a streamed or oversized response body passed through unchecked",
        example: "a 40 MB download",
    },
    Facts {
        rule: Rule::RestDuplicateKey,
        id: "rest.duplicate_key",
        group: RuleGroup::Rest,
        description: "a request or response body names a key twice; only where the body's raw text is known (`check_rest_raw`, HAR files, transcripts)",
        example: "`{\"status\": \"done\", \"status\": \"todo\"}`",
    },
    Facts {
        rule: Rule::RpcStatus,
        id: "rpc.status",
        group: RuleGroup::Rest,
        description: "the RPC endpoint answered an error status without a response frame",
        example: "`POST /rpc` answered `500` with an empty body",
    },
    Facts {
        rule: Rule::CaptureRecord,
        id: "capture.record",
        group: RuleGroup::Capture,
        description: "a transcript line that is not a record, or a line over the line limit (reported with its line; reading goes on)",
        example: "a line `hello`",
    },
    Facts {
        rule: Rule::CaptureContract,
        id: "capture.contract",
        group: RuleGroup::Capture,
        description: "(a warning) the transcript was recorded against another contract",
        example: "a header whose fingerprint differs",
    },
    Facts {
        rule: Rule::CaptureSessionsDropped,
        id: "capture.sessions_dropped",
        group: RuleGroup::Capture,
        description: "(a warning) more connections open at once than `--max-sessions`; the least recently active one is no longer tracked",
        example: "10,001 connections open at once",
    },
    Facts {
        rule: Rule::CaptureWsSkipped,
        id: "capture.ws_skipped",
        group: RuleGroup::Capture,
        description: "(a warning) a HAR's WebSocket entry whose URL path is not the socket's; its messages were not checked",
        example: "a HAR entry for `/socket.io/`",
    },
    Facts {
        rule: Rule::CaptureWsUnmatched,
        id: "capture.ws_unmatched",
        group: RuleGroup::Capture,
        description: "a HAR has WebSocket entries and every one was skipped: nothing was checked over the socket, so the run fails instead of passing on \"0 frame(s)\"",
        example: "a HAR of another app's socket",
    },
];

// Every rule has its row, and in its place: `Rule::facts` indexes by discriminant.
const _: () = {
    assert!(FACTS.len() == Rule::ALL.len());
    let mut i = 0;
    while i < FACTS.len() {
        assert!(FACTS[i].rule as usize == i && Rule::ALL[i] as usize == i);
        i += 1;
    }
};

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl PartialEq<&str> for Rule {
    fn eq(&self, other: &&str) -> bool {
        self.id() == *other
    }
}

impl PartialEq<str> for Rule {
    fn eq(&self, other: &str) -> bool {
        self.id() == other
    }
}

impl PartialEq<Rule> for &str {
    fn eq(&self, other: &Rule) -> bool {
        *self == other.id()
    }
}

/// The docs' table of one group: `| rule | what | example |`, a row per rule.
pub fn markdown_table(group: RuleGroup) -> String {
    let mut out = String::from("| rule | what | example |\n|---|---|---|\n");
    for rule in Rule::ALL.iter().filter(|r| r.group() == group) {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            rule.id(),
            rule.description(),
            rule.example()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for rule in Rule::ALL {
            assert!(seen.insert(rule.id()), "{} twice", rule.id());
            assert_eq!(Rule::from_id(rule.id()), Some(*rule));
        }
    }

    /// The rule tables of docs/validator.md are generated from [`Rule::ALL`]; this keeps the
    /// page in step (run with `UPDATE_DOCS=1` to rewrite the tables).
    #[test]
    fn the_docs_tables_are_generated_from_the_rules() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/validator.md");
        let page = std::fs::read_to_string(&path).expect("docs/validator.md");
        let mut updated = page.clone();
        for (group, name) in [
            (RuleGroup::Frame, "frame"),
            (RuleGroup::Session, "session"),
            (RuleGroup::Rest, "rest"),
            (RuleGroup::Capture, "capture"),
        ] {
            let start = format!("<!-- rules:{name} -->\n");
            let end = format!("<!-- /rules:{name} -->");
            let (Some(a), Some(b)) = (updated.find(&start), updated.find(&end)) else {
                panic!("docs/validator.md has no `{start}` … `{end}` block");
            };
            updated.replace_range(a + start.len()..b, &markdown_table(group));
        }
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(&path, &updated).expect("write docs/validator.md");
        } else {
            assert!(
                page == updated,
                "docs/validator.md's rule tables are out of step with `Rule::ALL`: run `UPDATE_DOCS=1 cargo test -p frameproof-validator rule`"
            );
        }
    }
}

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
        self.facts().0
    }

    /// Which table of the docs it belongs to.
    pub fn group(self) -> RuleGroup {
        self.facts().1
    }

    /// What breaks it, in a sentence.
    pub fn description(self) -> &'static str {
        self.facts().2
    }

    /// A frame or a situation that breaks it.
    pub fn example(self) -> &'static str {
        self.facts().3
    }

    /// The rule of an id (`None`: no such rule).
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.id() == id)
    }

    fn facts(self) -> (&'static str, RuleGroup, &'static str, &'static str) {
        use RuleGroup::*;
        match self {
            Rule::FrameTooLarge => (
                "frame.too_large",
                Frame,
                "over the frame size limit (`--max-frame-bytes`, 16 MiB by default); checked before parsing",
                "a 20 MiB frame",
            ),
            Rule::FrameTooDeep => (
                "frame.too_deep",
                Frame,
                "nesting over the depth limit (`--max-depth`, 64); checked while parsing, in the same pass",
                "`[[[[…]]]]` 100 levels deep",
            ),
            Rule::FrameUtf8 => (
                "frame.utf8",
                Frame,
                "not valid UTF-8",
                "a frame holding the byte `0xff`",
            ),
            Rule::FrameJson => (
                "frame.json",
                Frame,
                "not JSON (numbers beyond the f64 range included)",
                "`{\"id\": \"r1\",`",
            ),
            Rule::FrameDuplicateKey => (
                "frame.duplicate_key",
                Frame,
                "an object names a key twice (plain JSON parsers keep the last silently)",
                "`{\"id\": \"r1\", \"id\": \"r2\", …}`",
            ),
            Rule::FrameBinary => (
                "frame.binary",
                Frame,
                "a binary frame where the contract's frames are JSON text",
                "a 12-byte binary frame",
            ),
            Rule::FrameEnvelope => (
                "frame.envelope",
                Frame,
                "not the envelope's shape: no id, no action, no payload, a fixed member wrong, a bad correlation id",
                "`{\"action\": \"tasks.list\"}` (no id)",
            ),
            Rule::FrameBatch => (
                "frame.batch",
                Frame,
                "an empty batch: a batch carries at least one frame",
                "`[]`",
            ),
            Rule::FrameNotification => (
                "frame.notification",
                Frame,
                "an action declared a notification sent with an id (a notification gets no answer)",
                "`{\"jsonrpc\": \"2.0\", \"method\": \"log\", \"id\": 1}` for a notification `log`",
            ),
            Rule::FrameUnknownAction => (
                "frame.unknown_action",
                Frame,
                "the action's name is not in the contract",
                "`{\"id\": \"r1\", \"action\": \"tasks.archive\", …}`",
            ),
            Rule::FrameUnknownEvent => (
                "frame.unknown_event",
                Frame,
                "the event's name is not in the contract",
                "`{\"event\": \"TaskArchived\", …}`",
            ),
            Rule::FrameRestOnly => (
                "frame.rest_only",
                Frame,
                "an action served over REST only, sent over the socket",
                "an upload action with `websocket = false`",
            ),
            Rule::PayloadSchema => (
                "payload.schema",
                Frame,
                "the payload fails its action's schema",
                "`\"payload\": {\"title\": 7}`",
            ),
            Rule::EventSchema => (
                "event.schema",
                Frame,
                "the event's data fails its schema",
                "`\"data\": {\"task\": null}`",
            ),
            Rule::EventScope => (
                "event.scope",
                Frame,
                "a tenant event without its tenant, a topic event without a topic or with one that does not match the pattern",
                "`TaskUpdated` without `topic`",
            ),
            Rule::ErrorShape => (
                "error.shape",
                Frame,
                "an error response without its code or message, or of the wrong shape",
                "`\"error\": {\"code\": \"not_found\"}` (no message)",
            ),
            Rule::ErrorUnknownCode => (
                "error.unknown_code",
                Frame,
                "an error code the contract's error table does not have",
                "`\"code\": \"teapot\"`",
            ),
            Rule::ControlSchema => (
                "control.schema",
                Frame,
                "a control frame (ping, subscribe, auth, …) of the wrong shape",
                "`{\"type\": \"subscribe\", \"topics\": \"task:1\"}`",
            ),
            Rule::ResponseSchema => (
                "response.schema",
                Session,
                "an ok response's data fails the schema of the action its id answers",
                "`\"data\": {\"id\": 7}` where `id` is a string",
            ),
            Rule::ResponseSubscription => (
                "response.subscription",
                Session,
                "an action that opens a subscription answered without the subscription's id",
                "`eth_subscribe` answered `{\"result\": null}`",
            ),
            Rule::ErrorUndeclared => (
                "error.undeclared",
                Session,
                "an error code the answered action does not declare (and that is not `any_action`)",
                "`conflict` from `tasks.delete`, which declares `not_found`",
            ),
            Rule::SessionDuplicateId => (
                "session.duplicate_id",
                Session,
                "a request id reused while a request with that id is in flight",
                "two `r1` requests before the first answer",
            ),
            Rule::SessionUnknownResponseId => (
                "session.unknown_response_id",
                Session,
                "a response to an id no outstanding request has",
                "a response to `r9` when only `r1` was sent",
            ),
            Rule::SessionUnanswered => (
                "session.unanswered",
                Session,
                "a request never answered (reported when the session ends)",
                "`r1` sent, the connection closes without its answer",
            ),
            Rule::SessionUnansweredPing => (
                "session.unanswered_ping",
                Session,
                "an application ping never answered with a pong",
                "`{\"type\": \"ping\"}` and no pong",
            ),
            Rule::SessionUnexpectedPong => (
                "session.unexpected_pong",
                Session,
                "a pong without a ping",
                "`{\"type\": \"pong\"}` out of the blue",
            ),
            Rule::SessionUnansweredControl => (
                "session.unanswered_control",
                Session,
                "a control frame that expects a reply (a subscribe, an auth) never got it",
                "`subscribe` and no `subscribed`",
            ),
            Rule::SessionUnexpectedReply => (
                "session.unexpected_reply",
                Session,
                "a control reply nobody asked for",
                "`subscribed` without a `subscribe`",
            ),
            Rule::SessionOrder => (
                "session.order",
                Session,
                "a frame out of the order the envelope's `ordering` rules require",
                "a request before the `initialize` handshake",
            ),
            Rule::SessionUnsubscribedTopic => (
                "session.unsubscribed_topic",
                Session,
                "a topic event on a topic the connection has not subscribed to",
                "`task:7` event without `subscribe task:7`",
            ),
            Rule::SessionUnknownSubscription => (
                "session.unknown_subscription",
                Session,
                "a subscription event for an id this connection was never handed or has ended",
                "`eth_subscription` for `0x9` after `eth_unsubscribe 0x9`",
            ),
            Rule::SessionCrossTenant => (
                "session.cross_tenant",
                Session,
                "a tenant event of another tenant (the connection's `org` from the transcript header; without it, a second tenant after the first)",
                "`org_globex` event on an `org_acme` connection",
            ),
            Rule::SessionVersion => (
                "session.version",
                Session,
                "an action or event newer than the version the connection negotiated",
                "a 1.2.0 action on a 1.0 connection",
            ),
            Rule::SessionTooManyOutstanding => (
                "session.too_many_outstanding",
                Session,
                "over 65,536 unanswered requests; later ones are not tracked (bounded memory)",
                "70,000 requests and no answers",
            ),
            Rule::Deprecated => (
                "deprecated",
                Session,
                "a deprecated action or event is used (a warning)",
                "a call to an action marked deprecated",
            ),
            Rule::RestUnknownRoute => (
                "rest.unknown_route",
                Rest,
                "method and path resolve to no action through the mapping",
                "`DELETE /api/projects/p1` when no action is mapped there",
            ),
            Rule::RestPayload => (
                "rest.payload",
                Rest,
                "the payload rebuilt from path, query (typed by the schema) or body fails the schema, or path and body disagree",
                "`POST /api/tasks` with `{\"title\": 7}`",
            ),
            Rule::RestResponse => (
                "rest.response",
                Rest,
                "a 2xx body fails the response schema",
                "`200 {\"id\": 7}`",
            ),
            Rule::RestError => (
                "rest.error",
                Rest,
                "an error status without the contract's error body",
                "`404` with an HTML page",
            ),
            Rule::RestStatus => (
                "rest.status",
                Rest,
                "the error code's HTTP status is not the one the contract gives it",
                "`not_found` answered with 400",
            ),
            Rule::RestUnchecked => (
                "rest.unchecked",
                Rest,
                "(a warning, `ContractLayer` only) a streamed or oversized response body passed through unchecked",
                "a 40 MB download",
            ),
            Rule::RestDuplicateKey => (
                "rest.duplicate_key",
                Rest,
                "a request or response body names a key twice; only where the body's raw text is known (`check_rest_raw`, HAR files, transcripts)",
                "`{\"status\": \"done\", \"status\": \"todo\"}`",
            ),
            Rule::RpcStatus => (
                "rpc.status",
                Rest,
                "the RPC endpoint answered an error status without a response frame",
                "`POST /rpc` answered `500` with an empty body",
            ),
            Rule::CaptureRecord => (
                "capture.record",
                Capture,
                "a transcript line that is not a record, or a line over the line limit (reported with its line; reading goes on)",
                "a line `hello`",
            ),
            Rule::CaptureContract => (
                "capture.contract",
                Capture,
                "(a warning) the transcript was recorded against another contract",
                "a header whose fingerprint differs",
            ),
            Rule::CaptureSessionsDropped => (
                "capture.sessions_dropped",
                Capture,
                "(a warning) more connections open at once than `--max-sessions`; the least recently active one is no longer tracked",
                "10,001 connections open at once",
            ),
            Rule::CaptureWsSkipped => (
                "capture.ws_skipped",
                Capture,
                "(a warning) a HAR's WebSocket entry whose URL path is not the socket's; its messages were not checked",
                "a HAR entry for `/socket.io/`",
            ),
            Rule::CaptureWsUnmatched => (
                "capture.ws_unmatched",
                Capture,
                "a HAR has WebSocket entries and every one was skipped: nothing was checked over the socket, so the run fails instead of passing on \"0 frame(s)\"",
                "a HAR of another app's socket",
            ),
        }
    }
}

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

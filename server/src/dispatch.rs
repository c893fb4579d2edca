//! Frames in, handlers, frames out: what the socket and the RPC endpoint share. A frame is
//! checked against the contract before any handler sees it; an invalid one is answered with
//! the contract's error (`validation_failed`, `unknown_action`, `bad_request`) and reported.

use std::sync::Arc;

use serde_json::{json, Value};

use frameproof_schema::{Direction, SubscriptionRole};
use frameproof_validator::{FrameKind, Violation};

use crate::ctx::{Ctx, Principal};
use crate::error::Error;
use crate::hooks::{Refusal, Transport};
use crate::service::Shared;

/// Where a frame came from: who sent it, and on which connection.
#[derive(Clone)]
pub(crate) struct Caller {
    pub principal: Option<Arc<Principal>>,
    pub connection: Option<u64>,
}

impl Caller {
    pub(crate) fn transport(&self) -> Transport {
        match self.connection {
            Some(_) => Transport::WebSocket,
            None => Transport::Http,
        }
    }
}

/// Runs an action's handler (within the handler time-out).
pub(crate) async fn call(
    shared: &Arc<Shared>,
    caller: &Caller,
    action: &str,
    payload: Value,
) -> Result<Value, Error> {
    let Some(handler) = shared.handlers.get(action) else {
        return Err(Error::new(
            "unknown_action",
            format!("no action is named `{action}`"),
        ));
    };
    let ctx = Ctx {
        principal: caller.principal.clone(),
        connection: caller.connection,
        shared: shared.clone(),
    };
    let mut running = handler(ctx, payload);
    // most handlers answer at once: no timer for them
    if let Some(done) = futures_util::FutureExt::now_or_never(running.as_mut()) {
        return done;
    }
    let limit = shared.settings.handler_timeout;
    match tokio::time::timeout(limit, running).await {
        Ok(result) => result,
        Err(_) => Err(Error::internal(format!(
            "`{action}` did not finish within {} ms",
            limit.as_millis()
        ))),
    }
}

/// The error a refused frame is answered with, from its violations.
pub(crate) fn refusal(violations: &[Violation]) -> Error {
    let code = if violations.iter().any(|v| v.rule == "frame.unknown_action") {
        "unknown_action"
    } else if violations.iter().any(|v| {
        v.rule.id().starts_with("frame.")
            && v.rule != "frame.envelope"
            && v.rule != "frame.notification"
            && v.rule != "frame.rest_only"
    }) {
        "bad_request"
    } else {
        "validation_failed"
    };
    let errors: Vec<Value> = violations
        .iter()
        .map(|v| json!({ "pointer": v.pointer, "message": v.message }))
        .collect();
    let message = violations
        .first()
        .map_or_else(|| "the frame was refused".to_owned(), |v| v.message.clone());
    Error::new(code, message).with_details(json!({ "errors": errors }))
}

/// An error response frame for `error`, answering `id`.
pub(crate) fn error_frame(shared: &Shared, id: Value, error: &Error) -> Value {
    shared
        .contract
        .error_frame(id, &error.code, &error.message, error.details.clone())
}

/// Answers one request frame already checked: the handler's result as the contract's ok or
/// error frame (`None` for a notification, which gets no answer).
pub(crate) async fn answer_request(
    shared: &Arc<Shared>,
    caller: &Caller,
    mut frame: Value,
) -> Option<Value> {
    let contract = &shared.contract;
    let action = contract.request_action(&frame)?.to_owned();
    let id = contract.request_id(&frame).cloned();
    // the request as it came, for the outgoing check (a debug setting)
    let request = shared.settings.validate_outgoing.then(|| frame.clone());
    let role = contract
        .actions
        .get(&action)
        .and_then(|a| a.subscription.clone());
    // the subscription a request ends, named in its payload (read before the handler owns it)
    let closes = match &role {
        Some(SubscriptionRole::Closes { id: at }) => contract
            .request_payload(&frame)
            .and_then(|p| p.pointer(at))
            .map(Value::to_string),
        _ => None,
    };
    let payload = contract
        .take_request_payload(&mut frame)
        .unwrap_or(Value::Null);
    let result = call(shared, caller, &action, payload).await;
    if let (Ok(data), Some(conn)) = (&result, caller.connection) {
        match (&role, closes) {
            (Some(SubscriptionRole::Opens { id: at }), _) => {
                if let Some(sub) = data.pointer(at).filter(|v| !v.is_null()) {
                    shared.hub.open_subscription(conn, sub.to_string());
                }
            }
            (_, Some(sub)) => shared.hub.close_subscription(conn, &sub),
            _ => {}
        }
    }
    let id = id?;
    let answer = match result {
        Ok(data) => contract.ok_frame(id, data),
        Err(e) => error_frame(shared, id, &e),
    };
    if let Some(request) = request {
        report_outgoing(shared, &request, &answer);
    }
    Some(answer)
}

/// Checks an answer against the request it answers (the action's response schema, its
/// declared errors) and reports what is wrong.
fn report_outgoing(shared: &Shared, request: &Value, answer: &Value) {
    let mut session = shared.validator.session();
    let _ = session.observe(Direction::Client, request.to_string().as_bytes());
    for v in session.observe(Direction::Server, answer.to_string().as_bytes()) {
        (shared.report)(&v);
    }
}

/// What a client frame is, once checked.
pub(crate) enum Checked {
    /// A request (or notification) fit to run.
    Request(Value),
    /// A control frame fit to act on.
    Control(Value),
    /// Several frames in one.
    Batch(Vec<Value>),
    /// Refused: the answer to send (`None`: a notification, which is never answered).
    Refused(Option<Value>),
}

/// Checks a client frame against the contract; violations are reported and turned into the
/// answer.
pub(crate) fn check(shared: &Shared, transport: Transport, text: &str) -> Checked {
    let check = shared
        .validator
        .check_frame(Direction::Client, text.as_bytes());
    let Some(value) = check.value else {
        for v in &check.violations {
            (shared.report)(v);
        }
        let e = shared.refuse(&Refusal {
            transport,
            action: None,
            frame: None,
            payload: None,
            body: None,
            violations: &check.violations,
        });
        return Checked::Refused(Some(error_frame(shared, Value::Null, &e)));
    };
    if let FrameKind::Batch(_) = check.kind {
        let items = shared
            .contract
            .batch_items(&value)
            .cloned()
            .unwrap_or_default();
        return Checked::Batch(items);
    }
    if !check.violations.is_empty() {
        for v in &check.violations {
            (shared.report)(v);
        }
        let contract = &shared.contract;
        let e = shared.refuse(&Refusal {
            transport,
            action: contract
                .request_action(&value)
                .filter(|a| contract.actions.contains_key(*a)),
            frame: Some(&value),
            payload: contract.request_payload(&value),
            body: None,
            violations: &check.violations,
        });
        // an id the contract refuses is not echoed: the answer would break the contract too
        let id = contract
            .request_id(&value)
            .filter(|_| {
                !check
                    .violations
                    .iter()
                    .any(|v| contract.is_request_id_place(&v.pointer))
            })
            .cloned();
        return match (&check.kind, id) {
            // a notification gets no answer, not even an error
            (FrameKind::Request { .. }, None)
                if shared.contract.request_action(&value).is_some_and(|a| {
                    shared
                        .contract
                        .actions
                        .get(a)
                        .is_some_and(|s| s.notification)
                }) =>
            {
                Checked::Refused(None)
            }
            (_, id) => Checked::Refused(Some(error_frame(shared, id.unwrap_or(Value::Null), &e))),
        };
    }
    match check.kind {
        FrameKind::Control { .. } => Checked::Control(value),
        _ => Checked::Request(value),
    }
}

/// Everything a frame from the RPC endpoint (or a batch on the socket) asks for, answered:
/// requests run concurrently, answers in the order of the requests; a batch of notifications
/// gets no answer at all.
pub(crate) async fn answer_frame(
    shared: &Arc<Shared>,
    caller: &Caller,
    text: &str,
) -> Option<Value> {
    match check(shared, caller.transport(), text) {
        Checked::Refused(answer) => answer,
        Checked::Request(frame) => answer_request(shared, caller, frame).await,
        Checked::Control(frame) => {
            let e = Error::new("bad_request", "control frames travel on the WebSocket");
            let id = shared
                .contract
                .request_id(&frame)
                .cloned()
                .unwrap_or(Value::Null);
            Some(error_frame(shared, id, &e))
        }
        Checked::Batch(items) => answer_batch(shared, caller, items).await,
    }
}

/// The frames of a batch, each checked and answered on its own, concurrently; the answers in
/// the order of the requests (`None` when none is answered: all notifications).
pub(crate) async fn answer_batch(
    shared: &Arc<Shared>,
    caller: &Caller,
    items: Vec<Value>,
) -> Option<Value> {
    let answers = futures_util::future::join_all(items.iter().map(|item| {
        let text = item.to_string();
        async move { Box::pin(answer_frame(shared, caller, &text)).await }
    }))
    .await;
    let answers: Vec<Value> = answers.into_iter().flatten().collect();
    (!answers.is_empty()).then_some(Value::Array(answers))
}

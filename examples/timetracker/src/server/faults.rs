//! Deliberate divergences from the contract, for exercising contract checkers.
//!
//! Each fault changes exactly one observable behaviour; a server started without faults follows
//! the contract. Most act through frameproof-server's hooks: the outgoing hook
//! ([`Faults::on_outgoing`]: ids, shapes, statuses, pongs), the handlers (which events are
//! emitted, and to whom), and axum middleware for the moved route.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::IntoResponse;
use axum::{Json, Router};
use frameproof::{Contract, ControlKind, Direction, FrameKind, Template};
use frameproof_server::{Outgoing, Transport};
use serde_json::Value;

/// One deliberate divergence from the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fault {
    /// REST answers `not_found` errors with status 400 instead of 404.
    RestStatus,
    /// Mutations made over REST broadcast no events.
    RestNoBroadcast,
    /// Mutations made over the WebSocket broadcast no events.
    WsMissingBroadcast,
    /// Tenant events also reach every other org's connections.
    CrossOrgLeak,
    /// Tenant events also reach every other org's connections, 1.5 s later (past a short
    /// quiet window).
    LateCrossOrgLeak,
    /// WebSocket ok responses carry the request id with `-x` appended.
    ResponseId,
    /// `TimeEntry` responses carry `start_time` instead of `started_at` (both transports).
    ResponseShape,
    /// `ProjectCreated` events carry the project's `created_at` as `created`.
    EventShape,
    /// `tasks.update` is served at `PATCH /api/task/{id}` instead of `/api/tasks/{id}`.
    RestRoute,
    /// Application `{"type":"ping"}` frames get no `{"type":"pong"}`.
    NoPong,
    /// `tasks.delete` of a missing task answers `conflict` (not declared by that action).
    UndeclaredError,
    /// REST error bodies carry only the code: no `message`, no `details`.
    RestErrorShape,
}

impl Fault {
    /// Every fault, in the order the documentation lists them.
    pub const ALL: [Fault; 12] = [
        Fault::RestStatus,
        Fault::RestNoBroadcast,
        Fault::WsMissingBroadcast,
        Fault::CrossOrgLeak,
        Fault::LateCrossOrgLeak,
        Fault::ResponseId,
        Fault::ResponseShape,
        Fault::EventShape,
        Fault::RestRoute,
        Fault::NoPong,
        Fault::UndeclaredError,
        Fault::RestErrorShape,
    ];

    /// The name used on the command line (`--fault NAME`).
    pub fn name(self) -> &'static str {
        match self {
            Fault::RestStatus => "rest-status",
            Fault::RestNoBroadcast => "rest-no-broadcast",
            Fault::WsMissingBroadcast => "ws-missing-broadcast",
            Fault::CrossOrgLeak => "cross-org-leak",
            Fault::LateCrossOrgLeak => "late-cross-org-leak",
            Fault::ResponseId => "response-id",
            Fault::ResponseShape => "response-shape",
            Fault::EventShape => "event-shape",
            Fault::RestRoute => "rest-route",
            Fault::NoPong => "no-pong",
            Fault::UndeclaredError => "undeclared-error",
            Fault::RestErrorShape => "rest-error-shape",
        }
    }

    /// What the fault changes, in one sentence.
    pub fn description(self) -> &'static str {
        match self {
            Fault::RestStatus => "REST answers not_found errors with status 400 instead of 404",
            Fault::RestNoBroadcast => "mutations over REST broadcast no events",
            Fault::WsMissingBroadcast => "mutations over the WebSocket broadcast no events",
            Fault::CrossOrgLeak => "tenant events also reach every other org's connections",
            Fault::LateCrossOrgLeak => {
                "tenant events also reach every other org's connections, 1.5 s later"
            }
            Fault::ResponseId => "WebSocket ok responses carry the request id with `-x` appended",
            Fault::ResponseShape => {
                "TimeEntry responses carry `start_time` instead of `started_at` (both transports)"
            }
            Fault::EventShape => "ProjectCreated events carry the project's `created_at` as `created`",
            Fault::RestRoute => {
                "tasks.update is served at PATCH /api/task/{id} instead of /api/tasks/{id}"
            }
            Fault::NoPong => "application ping frames get no pong",
            Fault::UndeclaredError => {
                "tasks.delete of a missing task answers `conflict` (undeclared) instead of `not_found`"
            }
            Fault::RestErrorShape => "REST error bodies carry only the code: no message, no details",
        }
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A fault name that is not one of [`Fault::ALL`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownFault(pub String);

impl fmt::Display for UnknownFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = Fault::ALL.iter().map(|f| f.name()).collect();
        write!(
            f,
            "unknown fault `{}`; valid faults are: {}",
            self.0,
            names.join(", ")
        )
    }
}

impl std::error::Error for UnknownFault {}

impl FromStr for Fault {
    type Err = UnknownFault;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Fault::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| UnknownFault(s.to_owned()))
    }
}

/// The set of faults a server runs with.
#[derive(Debug, Clone, Default)]
pub(crate) struct Faults(BTreeSet<Fault>);

/// Whether tenant events reach other orgs too (the `cross-org-leak` faults).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Leak {
    None,
    Now,
    /// After this long: past a conformance suite's short quiet window.
    After(Duration),
}

impl Faults {
    pub(crate) fn new(list: &[Fault]) -> Faults {
        Faults(list.iter().copied().collect())
    }

    pub(crate) fn has(&self, fault: Fault) -> bool {
        self.0.contains(&fault)
    }

    pub(crate) fn leak(&self) -> Leak {
        if self.has(Fault::CrossOrgLeak) {
            Leak::Now
        } else if self.has(Fault::LateCrossOrgLeak) {
            Leak::After(Duration::from_millis(1500))
        } else {
            Leak::None
        }
    }

    /// Whether events of a request over `transport` are dropped (`*-no-broadcast`).
    pub(crate) fn silenced(&self, transport: Transport) -> bool {
        match transport {
            Transport::Http => self.has(Fault::RestNoBroadcast),
            Transport::WebSocket => self.has(Fault::WsMissingBroadcast),
        }
    }

    /// The faults that change what leaves, as frameproof-server's outgoing hook: it sees every
    /// socket frame and every REST answer just before it goes.
    pub(crate) fn on_outgoing(&self, out: &mut Outgoing<'_>) {
        let contract = out.contract;
        let ws = out.transport == Transport::WebSocket;
        let ok = match out.status {
            Some(status) => (200..300).contains(&status),
            None => contract.is_ok_response(out.frame),
        };
        if ws && ok && self.has(Fault::ResponseId) {
            if let Some(Value::String(id)) = contract.response_id_mut(out.frame) {
                id.push_str("-x");
            }
        }
        let pong = || {
            matches!(
                contract.classify(Direction::Server, out.frame),
                FrameKind::Control {
                    kind: ControlKind::Pong,
                    ..
                }
            )
        };
        if ws && self.has(Fault::NoPong) && pong() {
            out.send = false;
        }
        let timers = out.action.is_some_and(|a| a.starts_with("time_entries."));
        if ok && timers && self.has(Fault::ResponseShape) {
            let data = if ws {
                contract.response_data_mut(out.frame)
            } else {
                Some(&mut *out.frame)
            };
            if let Some(data) = data {
                rename_started_at(data);
            }
        }
        if out.event == Some("ProjectCreated") && self.has(Fault::EventShape) {
            if let Some(project) = contract
                .event_data_mut(out.frame)
                .and_then(|data| data.get_mut("project"))
            {
                rename_member(project, "created_at", "created");
            }
        }
        if ws || ok {
            return;
        }
        if contract.rest_error_name(out.frame) == Some("not_found") && self.has(Fault::RestStatus) {
            out.status = Some(400);
        }
        if self.has(Fault::RestErrorShape) {
            // the fault: an error object with its code alone (no message, no details)
            if let Some(error) = contract.rest_error_object_mut(out.frame) {
                contract.strip_error_object(error);
            }
        }
    }

    /// The `rest-route` fault: `tasks.update` served at `/api/task/{id}` (the contract's
    /// `/api/tasks/{id}` answers 404), as axum middleware in front of the service's routes.
    pub(crate) fn wrap_routes(&self, router: Router, contract: &Contract) -> Router {
        let Some(route) = contract
            .actions
            .get("tasks.update")
            .and_then(|a| a.rest.clone())
            .filter(|_| self.has(Fault::RestRoute))
        else {
            return router;
        };
        let served = route.path.replacen("/tasks/", "/task/", 1);
        let (Ok(real), Ok(moved)) = (Template::parse(&route.path), Template::parse(&served)) else {
            return router;
        };
        let method = route.method.as_str().to_owned();
        let gone = contract.rest_error_body(
            "unknown_action",
            &format!("no action is served at {} {}", route.method, route.path),
            None,
        );
        router.layer(axum::middleware::from_fn(
            move |mut req: Request, next: Next| {
                let (real, moved, method, gone) =
                    (real.clone(), moved.clone(), method.clone(), gone.clone());
                async move {
                    let path = req.uri().path().to_owned();
                    if req.method().as_str() == method {
                        if real.matches(&path).is_some() {
                            return (StatusCode::NOT_FOUND, Json(gone)).into_response();
                        }
                        if moved.matches(&path).is_some() {
                            let to = path.replacen("/task/", "/tasks/", 1);
                            let query = req
                                .uri()
                                .query()
                                .map(|q| format!("?{q}"))
                                .unwrap_or_default();
                            if let Ok(uri) = format!("{to}{query}").parse() {
                                *req.uri_mut() = uri;
                            }
                        }
                    }
                    next.run(req).await
                }
            },
        ))
    }
}

/// `started_at` → `start_time` in a TimeEntry or a page of them (`response-shape`).
fn rename_started_at(data: &mut Value) {
    if let Some(items) = data.get_mut("items").and_then(Value::as_array_mut) {
        for item in items {
            rename_started_at(item);
        }
    } else {
        rename_member(data, "started_at", "start_time");
    }
}

fn rename_member(data: &mut Value, from: &str, to: &str) {
    if let Some(obj) = data.as_object_mut() {
        if let Some(v) = obj.remove(from) {
            obj.insert(to.to_owned(), v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for f in Fault::ALL {
            assert_eq!(f.name().parse::<Fault>(), Ok(f));
        }
    }

    #[test]
    fn unknown_names_list_the_valid_ones() {
        let err = "nope".parse::<Fault>().err().map(|e| e.to_string());
        let msg = err.unwrap_or_default();
        assert!(msg.contains("nope"));
        assert!(msg.contains("rest-status") && msg.contains("undeclared-error"));
    }
}

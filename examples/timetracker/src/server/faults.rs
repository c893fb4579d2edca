//! Deliberate divergences from the contract, for exercising contract checkers.
//!
//! Each fault changes exactly one observable behaviour; a server started without faults follows
//! the contract.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

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

impl Faults {
    pub(crate) fn new(list: &[Fault]) -> Faults {
        Faults(list.iter().copied().collect())
    }

    pub(crate) fn has(&self, fault: Fault) -> bool {
        self.0.contains(&fault)
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

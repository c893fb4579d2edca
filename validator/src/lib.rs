//! Checks frames against a frameproof contract: one at a time, as stateful sessions, and from
//! captures (transcripts, HAR files).
//!
//! A frame's way through this crate reads like the protocol: bytes → `parse` (limits, strict
//! JSON) → `frame` (envelope, dispatch on the action or event, schema) → `session` (request /
//! response correlation, subscriptions, versions) → [`Violation`] → `report`.
//!
//! ```
//! use frameproof_validator::{Direction, Rule, Validator};
//! let contract = timetracker::contract();
//! let validator = Validator::new(&contract).unwrap();
//! let mut session = validator.session();
//! let v = session.observe(Direction::Client, br#"{"id":"1","action":"projects.get","payload":{"id":7}}"#);
//! assert_eq!(v[0].rule, Rule::PayloadSchema);
//! assert_eq!(v[0].pointer, "/payload/id");
//! ```

#![warn(missing_docs)]

mod compiled;
#[cfg(test)]
mod differential;
mod frame;
mod in_flight;
mod open_sessions;
mod ordering;
mod parse;
mod rest;
pub mod rule;
mod session;
mod stateless;
mod tape;
mod violation;

pub mod capture;
#[cfg(feature = "corpus")]
pub mod corpus;
pub mod har;
pub mod report;
pub mod rpc;

pub use compiled::{CompileError, Validator};
pub use frame::{FrameCheck, FrameKind};
pub use frameproof_schema::Direction;
pub use parse::Limits;
pub use rest::RestCheck;
pub use rule::{Rule, RuleGroup};
pub use session::Session;
pub use violation::{Location, Severity, Violation};

//! Conformance: replay recorded transcripts against a running server over the WebSocket *and*
//! over REST, and prove both mappings behave the same; plus checks generated from the contract.
//!
//! Files: `compare` (frames equal up to generated values and matchers), `credentials`
//! (placeholders → secrets), `live` (a live WebSocket connection and its inbox), `replay` (the
//! engine), `server` (starting a fresh server per transcript), `checks` (generated checks),
//! `report` (human, JSON, JUnit), `suite` (a whole run: every transcript and transport, a
//! fresh server for each, the checks; reports handed over as each run ends).

pub mod checks;
mod compare;
mod credentials;
mod error;
pub mod fuzz;
mod fuzz_raw;
mod live;
mod replay;
pub mod report;
pub mod server;
pub mod suite;

pub use compare::{Bindings, Difference};
pub use credentials::Credentials;
pub use error::{chain, Error};
pub use replay::{replay, ReplayOptions, Target, Transport};
pub use report::{Outcome, StepResult, TranscriptReport};

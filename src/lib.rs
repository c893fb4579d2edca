//! frameproof turns a WebSocket-first JSON API into a contract you can prove.
//!
//! Describe actions and events with `#[derive(Action)]` and `#[derive(Event)]` on your serde +
//! schemars types, build a [`Contract`], and export the one document every frameproof tool reads.
//!
//! ```
//! use frameproof::{Action, Contract, Event};
//! use schemars::JsonSchema;
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize, JsonSchema)]
//! pub struct TimeEntry { pub id: String, pub started_at: String }
//!
//! /// Start a timer on a project.
//! #[derive(Serialize, Deserialize, JsonSchema, Action)]
//! #[action(name = "time_entries.start", response = TimeEntry, emits(TimeEntryStarted),
//!          errors(not_found), since = "1.0.0")]
//! pub struct StartTimer { pub project_id: String, pub description: String, pub billable: bool }
//!
//! #[derive(Serialize, Deserialize, JsonSchema, Event)]
//! #[event(name = "TimeEntryStarted", scope = "tenant")]
//! pub struct TimeEntryStarted { pub user_id: String, pub entry_id: String }
//!
//! let contract = Contract::builder("trcr", "1.2.0")
//!     .action::<StartTimer>()
//!     .event::<TimeEntryStarted>()
//!     .build()
//!     .expect("a sound contract");
//! let route = contract.actions["time_entries.start"].rest.as_ref().unwrap();
//! assert_eq!(route.path, "/api/time-entries/start");
//! ```

pub use frameproof_schema::*;

#[cfg(feature = "derive")]
pub use frameproof_macros::{Action, Event};

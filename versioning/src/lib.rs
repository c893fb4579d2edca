//! Breaking-change detection between two versions of a frameproof contract.
//!
//! [`diff`] compares two [`Contract`](frameproof_schema::Contract) documents and lists every
//! change, each with a stable rule id ([`RuleId`]), a severity, what it breaks ([`Breaks`]: old
//! clients, old servers' traffic, generated code) and the JSON pointer of the change in both
//! documents. Schemas are compared structurally and with variance: a payload is read by the
//! server, a response or event by clients, so the same narrowing breaks one side in a request
//! and the other in a response.
//!
//! [`Report`] adds the verdict: which changes need which semantic-version bump under a policy
//! (which sides count), changes accepted by an [`IgnoreFile`], and whether the new version
//! number is a big enough bump. [`render`] prints a report for people, machines, GitHub Actions,
//! JUnit and SARIF, or as a Markdown changelog.
//!
//! ```no_run
//! use frameproof_schema::Contract;
//! use frameproof_versioning::{render, IgnoreFile, Report, ALL_SIDES};
//!
//! let old = Contract::load("contract.old.json")?;
//! let new = Contract::load("contract.json")?;
//! let report = Report::new(&old, &new, ALL_SIDES, &IgnoreFile::default());
//! print!("{}", render::human(&report));
//! assert!(report.version.ok, "the version bump is too small");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The rule catalogue, with the reasoning and an example for each rule, is in
//! `docs/versioning.md` (generated from [`rules::RULES`] by [`catalogue::catalogue_markdown`]).

pub mod catalogue;
mod contract;
pub mod ignore;
mod model;
pub mod render;
pub mod report;
pub mod rules;
mod schema;

pub use contract::diff;
pub use ignore::{Accept, IgnoreError, IgnoreFile, IgnoreFormat};
pub use model::{Breaks, Change, Level, Severity};
pub use report::{Policy, Report, Requirement, Side, Summary, VersionCheck, ALL_SIDES};
pub use rules::{Group, Rule, RuleId, RULES};

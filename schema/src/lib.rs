//! The frameproof contract model.
//!
//! A [`Contract`] is the language-neutral pivot every frameproof tool reads: actions, events,
//! errors with their HTTP statuses, the REST mapping, the envelope profile and the transport
//! settings, with every schema as JSON Schema 2020-12 under one shared `$defs`.
//!
//! Contracts are built from Rust types with [`Contract::builder`] (the `Action` and `Event`
//! derives of the `frameproof` crate implement the traits it needs), or loaded from a
//! `contract.json` with [`Contract::from_json_str`] / [`Contract::load`] and checked with
//! [`Contract::check`].
//!
//! Where things live: `traits` (what the derives implement), `document` (the document's
//! types), `builder` + `defs` (types → schemas), `rest` (the REST mapping), `envelope` (wire
//! shapes), `frames` (whole-frame schemas), `check` (the document's rules), `wire` (how errors travel, over both transports), `pointer`
//! (JSON pointers: parse, get, set, remove), `load` (reading,
//! writing, fingerprints), `snapshot` (keeping a checked-in document in step).

mod builder;
mod check;
mod check_protocol;
mod classify;
mod defs;
mod document;
mod envelope;
mod errors;
mod frames;
pub mod lines;
mod load;
mod pattern_sample;
pub mod pointer;
mod ranges;
mod rest;
pub mod sample;
mod schema_walk;
mod snapshot;
mod topics;
mod traits;
pub mod transcript;
mod transforms;
mod transport;
pub mod wire;

pub use builder::{BuildError, ContractBuilder};
pub use check::{Problem, MAX_SUPPORTED_FORMAT};
pub use classify::FrameKind;
pub use document::{
    ActionSpec, Contract, Deprecation, Direction, ErrorSpec, EventSpec, FrameSchemas, LintLevel,
    Lints, Scope, SubscriptionRole, FORMAT_VERSION,
};
pub use envelope::{
    Batch, ControlFrame, ControlKind, Envelope, ErrorCodeType, EventShape, OrderRule, RequestShape,
    ResponseShape, StatusField, UnreadErrorId,
};
pub use errors::standard_errors;
pub use frameproof_naming::{HttpMethod, Template, TemplatePart};
pub use load::LoadError;
pub use ranges::is_wider_than_js;
pub use rest::{RestError, RestRequest, RestRoute};
/// The schemas that may describe the value at a place (pointer segments) inside a value.
pub use schema_walk::at_path as schemas_at;
/// The `$defs` name a local `$ref` (`#/$defs/Task`) points to, decoded; `None` for other references.
pub use schema_walk::ref_target as def_name_of_ref;
/// Follows `$ref` chains into `$defs` (at most 32 hops) to the schema they name.
pub use schema_walk::resolve as resolve_ref;
pub use snapshot::{assert_contract_file, SnapshotOutcome};
pub use traits::{
    Action, ActionMeta, DeprecationMeta, Event, EventMeta, RestMeta, ScopeMeta, SubscriptionMeta,
};
pub use transforms::absent_not_null;
pub use transport::{
    AuthMethod, AuthSettings, Heartbeat, RestSettings, Transport, VersionMethod, Versioning,
    WebSocketSettings,
};

/// Re-exported so that generated code and users name the same schemars.
pub use schemars;

//! `#[derive(Action)]` and `#[derive(Event)]`.
//!
//! The derive runs in phases, each in its own module: `attr` parses the attributes into a
//! model, `fields` reads the payload's wire field names the way serde does, `check` holds the
//! model against frameproof's naming rules, and `expand` writes the trait impl. Errors are
//! collected in a `Ctxt` and reported together, each at its own span.

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

mod attr;
mod check;
mod ctxt;
mod expand;
mod fields;

/// Describes a request type as a contract action. See `docs/derive.md`.
///
/// ```ignore
/// #[derive(Serialize, Deserialize, JsonSchema, Action)]
/// #[action(name = "tasks.update", response = Task, emits(TaskUpdated),
///          errors(not_found, conflict), since = "1.1.0")]
/// pub struct UpdateTask { pub id: String, pub title: Option<String> }
/// ```
#[proc_macro_derive(Action, attributes(action))]
pub fn derive_action(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::action(&input).into()
}

/// Describes a type as a contract event. See `docs/derive.md`.
///
/// ```ignore
/// #[derive(Serialize, Deserialize, JsonSchema, Event)]
/// #[event(name = "TaskUpdated", topic = "task:{task_id}")]
/// pub struct TaskUpdated { pub task_id: String, pub title: String }
/// ```
#[proc_macro_derive(Event, attributes(event))]
pub fn derive_event(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::event(&input).into()
}

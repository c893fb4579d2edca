//! The small notes contract quoted in docs/codegen.md: actions with versions and a deprecation,
//! a tenant event and a topic event.

use frameproof::{Action, Contract, Event};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A note.
#[derive(Serialize, Deserialize, JsonSchema)]
pub(crate) struct Note {
    pub id: String,
    pub text: String,
    /// When it was pinned; `null` when it is not.
    pub pinned_at: Option<String>,
    pub tags: Vec<String>,
}

/// Create a note.
#[derive(Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "notes.create", response = Note, emits(NoteCreated), errors(conflict), since = "1.0.0")]
pub(crate) struct CreateNote {
    pub text: String,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// One note.
#[derive(Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "notes.get", response = Note, errors(not_found))]
pub(crate) struct GetNote {
    pub id: String,
}

/// Pin a note.
#[derive(Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "notes.pin", response = Note, errors(not_found),
         deprecated(since = "1.1.0", note = "use notes.update"), since = "1.0.0")]
pub(crate) struct PinNote {
    pub id: String,
}

/// A note was created.
#[derive(Serialize, Deserialize, JsonSchema, Event)]
#[event(name = "NoteCreated", scope = "tenant")]
pub(crate) struct NoteCreated {
    pub note: Note,
}

/// A note was pinned.
#[derive(Serialize, Deserialize, JsonSchema, Event)]
#[event(topic = "note:{note_id}", since = "1.1.0")]
pub(crate) struct NotePinned {
    pub note_id: String,
}

pub(crate) fn contract() -> Contract {
    Contract::builder("notes", "1.1.0")
        .description("A small notes API.")
        .action::<CreateNote>()
        .action::<GetNote>()
        .action::<PinNote>()
        .event::<NoteCreated>()
        .event::<NotePinned>()
        .build()
        .unwrap_or_else(|e| panic!("the notes contract: {e:?}"))
}

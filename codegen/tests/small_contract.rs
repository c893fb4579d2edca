//! A small contract (the one quoted in docs/codegen.md): its generated `types.ts` is pinned, and
//! versions and deprecations reach every output: `@deprecated` in TypeScript, `deprecated` in
//! OpenAPI, the AsyncAPI operation's description, and the HTML reference's badges.

use frameproof::{Action, Contract, Event};
use frameproof_codegen::{Int64Mode, TsOptions};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A note.
#[derive(Serialize, Deserialize, JsonSchema)]
pub struct Note {
    pub id: String,
    pub text: String,
    /// When it was pinned; `null` when it is not.
    pub pinned_at: Option<String>,
    pub tags: Vec<String>,
}

/// Create a note.
#[derive(Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "notes.create", response = Note, emits(NoteCreated), errors(conflict), since = "1.0.0")]
pub struct CreateNote {
    pub text: String,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// One note.
#[derive(Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "notes.get", response = Note, errors(not_found))]
pub struct GetNote {
    pub id: String,
}

/// Pin a note.
#[derive(Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "notes.pin", response = Note, errors(not_found),
         deprecated(since = "1.1.0", note = "use notes.update"), since = "1.0.0")]
pub struct PinNote {
    pub id: String,
}

/// A note was created.
#[derive(Serialize, Deserialize, JsonSchema, Event)]
#[event(name = "NoteCreated", scope = "tenant")]
pub struct NoteCreated {
    pub note: Note,
}

/// A note was pinned.
#[derive(Serialize, Deserialize, JsonSchema, Event)]
#[event(topic = "note:{note_id}", since = "1.1.0")]
pub struct NotePinned {
    pub note_id: String,
}

fn contract() -> Contract {
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

#[test]
fn small_contract_types_are_pinned() {
    let files = frameproof_codegen::typescript(
        &contract(),
        &TsOptions {
            zod: false,
            int64: Int64Mode::Number,
        },
    );
    let types = &files[0];
    assert_eq!(types.path, "types.ts");
    assert!(types
        .contents
        .contains("@deprecated since 1.1.0: use notes.update"));
    insta::assert_snapshot!("notes_types_ts", &types.contents);
}

#[test]
fn versions_and_deprecations_reach_every_output() {
    let c = contract();
    let openapi = frameproof_codegen::openapi(&c);
    assert_eq!(
        openapi["paths"]["/api/notes/pin"]["post"]["deprecated"],
        true
    );
    assert!(openapi["paths"]["/api/notes"]["post"]
        .get("deprecated")
        .is_none());
    let asyncapi = frameproof_codegen::asyncapi(&c);
    let pin = &asyncapi["operations"]["notes.pin"];
    assert!(pin["description"]
        .as_str()
        .is_some_and(|d| d.contains("**Deprecated** since 1.1.0: use notes.update")));
    assert_eq!(pin["x-frameproof-deprecated"]["since"], "1.1.0");
    assert_eq!(
        asyncapi["operations"]["receive.NotePinned"]["x-frameproof-since"],
        "1.1.0"
    );
    let html = frameproof_codegen::html_reference(&c);
    assert!(html.contains("<span class=\"badge dep\">deprecated since 1.1.0</span>"));
    assert!(html.contains("<strong>Deprecated</strong> since 1.1.0: use notes.update"));
    assert!(html.contains("class=\"deprecated\"><a href=\"#action-notes.pin\">"));
    assert!(html.contains("topic note:{note_id}"));
}

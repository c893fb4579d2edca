//! `Contract::builder`: contract-level mistakes are reported by `build()`, each naming where
//! and why; a small contract's document is snapshotted.

use frameproof::{Action, Contract, Envelope, Event};
use proptest::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, JsonSchema)]
pub struct Note {
    pub id: String,
    pub text: String,
    pub pinned: Option<bool>,
}

/// Create a note.
#[derive(Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "notes.create", response = Note, emits(NoteCreated), errors(conflict), since = "1.0.0")]
pub struct CreateNote {
    pub text: String,
}

/// One note.
#[derive(Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "notes.get", response = Note, errors(not_found))]
pub struct GetNote {
    pub id: String,
}

/// Pin a note (deprecated: use notes.update).
#[derive(Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "notes.pin", response = Note, rest(method = "PUT", path = "/notes/{id}/pin"),
         deprecated(since = "1.1.0", note = "use notes.update"), since = "1.0.0")]
pub struct PinNote {
    pub id: String,
}

/// A second action that claims `notes.get`'s name.
#[derive(Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "notes.get", response = Note)]
pub struct FetchNote {
    pub id: String,
}

/// Served on notes.get's route.
#[derive(Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "notes.read", response = Note, rest(method = "GET", path = "/notes/{id}"))]
pub struct ReadNote {
    pub id: String,
}

/// A note was created.
#[derive(Serialize, Deserialize, JsonSchema, Event)]
#[event(name = "NoteCreated", scope = "tenant")]
pub struct NoteCreated {
    pub note: Note,
}

#[derive(Serialize, Deserialize, JsonSchema, Event)]
#[event(topic = "note:{note_id}", since = "1.1.0")]
pub struct NotePinned {
    pub note_id: String,
}

mod a {
    #[derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
    pub struct Config {
        pub verbose: bool,
    }
}
mod b {
    #[derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
    pub struct Config {
        pub level: u8,
    }
}

/// Uses both `Config` types.
#[derive(Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "settings.save", response = ())]
pub struct UpdateSettings {
    pub a: a::Config,
    pub b: b::Config,
}

#[derive(Serialize, Deserialize, JsonSchema)]
pub struct Filter {
    pub tag: String,
}

/// A GET whose payload has an object field, which no query string can carry.
#[derive(Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "notes.list", response = Vec<Note>)]
pub struct ListNotes {
    pub filter: Filter,
}

/// Newer than the contract.
#[derive(Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "notes.archive", response = Note, since = "9.0.0")]
pub struct ArchiveNote {
    pub id: String,
}

fn small() -> frameproof::ContractBuilder {
    Contract::builder("notes", "1.1.0")
        .description("A small notes API.")
        .action::<CreateNote>()
        .action::<GetNote>()
        .action::<PinNote>()
        .event::<NoteCreated>()
        .event::<NotePinned>()
}

fn problems(result: Result<Contract, frameproof::BuildError>) -> Vec<String> {
    match result {
        Ok(_) => panic!("the contract should not build"),
        Err(e) => e.problems.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn a_small_contract_document() {
    let contract = small().build().expect("sound");
    insta::assert_snapshot!("small_contract", contract.to_json_pretty());
}

#[test]
fn the_jsonrpc_profile_builds_and_checks() {
    let contract = small()
        .envelope(Envelope::jsonrpc())
        .build()
        .expect("sound");
    let server =
        jsonschema::draft202012::new(&contract.frame_schema(frameproof::Direction::Server))
            .expect("compiles");
    let note = serde_json::json!({"id": "n1", "text": "hi", "pinned": null});
    assert!(server.is_valid(&serde_json::json!({"jsonrpc": "2.0", "id": 1, "result": note})));
    assert!(server.is_valid(&serde_json::json!({"jsonrpc": "2.0", "id": 1, "error": {"code": -32004, "message": "no note"}})));
    assert!(!server.is_valid(&serde_json::json!({"jsonrpc": "2.0", "id": 1, "error": {"code": "not_found", "message": "no note"}})));
    assert!(server.is_valid(
        &serde_json::json!({"jsonrpc": "2.0", "method": "NoteCreated", "params": {"note": note}})
    ));
    let client =
        jsonschema::draft202012::new(&contract.frame_schema(frameproof::Direction::Client))
            .expect("compiles");
    assert!(client.is_valid(&serde_json::json!({"jsonrpc": "2.0", "id": 7, "method": "notes.get", "params": {"id": "n1"}})));
    assert!(!client.is_valid(&serde_json::json!({"jsonrpc": "1.0", "id": 7, "method": "notes.get", "params": {"id": "n1"}})));
}

#[test]
fn two_actions_with_one_name() {
    let p = problems(small().action::<FetchNote>().build());
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].starts_with("/actions/notes.get: two actions are named `notes.get`"),
        "{p:?}"
    );
    assert!(
        p[0].contains("GetNote") && p[0].contains("FetchNote"),
        "{p:?}"
    );
}

#[test]
fn two_actions_on_one_rest_route() {
    let p = problems(small().action::<ReadNote>().build());
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].contains("are both served at GET /api/notes/{id}"),
        "{p:?}"
    );
}

#[test]
fn an_event_emitted_but_not_registered() {
    let p = problems(
        Contract::builder("notes", "1.0.0")
            .action::<CreateNote>()
            .build(),
    );
    assert!(
        p.iter().any(|m| m.contains("`notes.create` emits `NoteCreated`, but no event of that name is registered: add `.event::<NoteCreated>()`")),
        "{p:?}"
    );
}

#[test]
fn schemars_renaming_a_type_fails_loudly() {
    let p = problems(small().action::<UpdateSettings>().build());
    assert!(
        p.iter()
            .any(|m| m.contains("both named `Config`") && m.contains("Config2")),
        "{p:?}"
    );
}

#[test]
fn an_object_field_cannot_travel_in_a_query_string() {
    let p = problems(small().action::<ListNotes>().build());
    assert!(
        p.iter()
            .any(|m| m
                .contains("`notes.list` is served with GET but its field `filter` is an object")),
        "{p:?}"
    );
}

#[test]
fn since_cannot_be_newer_than_the_contract() {
    let p = problems(small().action::<ArchiveNote>().build());
    // the cause and both ways out
    assert!(
        p.iter().any(|m| m.contains("/actions/notes.archive/since")
            && m.contains("`since` 9.0.0 is newer than the contract's version 1.1.0")
            && m.contains("set its `since` to 1.1.0 or earlier")
            && m.contains("raise the contract's version to 9.0.0")),
        "{p:?}"
    );
}

#[test]
fn a_first_contract_at_0_1_0_builds() {
    // neither derive says `since`: the items arrive with the contract
    let contract = Contract::builder("notes", "0.1.0")
        .action::<GetNote>()
        .action::<FetchAll>()
        .build()
        .unwrap_or_else(|e| panic!("a 0.1.0 contract should build: {e}"));
    for name in ["notes.get", "notes.all"] {
        assert_eq!(contract.actions[name].since, "0.1.0", "{name}");
    }
    // from 1.0.0 on, an item without `since` was there from the first stable version
    let contract = Contract::builder("notes", "1.3.0")
        .action::<GetNote>()
        .build()
        .expect("sound");
    assert_eq!(contract.actions["notes.get"].since, "1.0.0");
    // an explicit default still wins, and is checked like any `since`
    let p = problems(
        Contract::builder("notes", "0.1.0")
            .default_since("0.2.0")
            .action::<GetNote>()
            .build(),
    );
    assert!(
        p.iter().any(|m| m.contains("`since` 0.2.0 is newer")),
        "{p:?}"
    );
}

/// Every note.
#[derive(Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "notes.all", response = Vec<Note>)]
pub struct FetchAll {}

#[test]
fn several_mistakes_are_reported_together() {
    let p = problems(
        small()
            .action::<FetchNote>()
            .action::<ReadNote>()
            .action::<ArchiveNote>()
            .build(),
    );
    assert!(p.len() >= 3, "{p:?}");
}

#[test]
fn an_undeclared_error_code_is_reported() {
    #[derive(Serialize, Deserialize, JsonSchema, Action)]
    #[action(name = "notes.burn", response = (), errors(on_fire))]
    pub(crate) struct BurnNote {
        pub id: String,
    }
    let p = problems(small().action::<BurnNote>().build());
    assert!(
        p.iter()
            .any(|m| m.contains("declares error `on_fire`, which is not in the error table")),
        "{p:?}"
    );
    // adding it to the table fixes it
    small()
        .action::<BurnNote>()
        .error("on_fire", 500, "The note is on fire.")
        .build()
        .expect("sound");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Any description and version survive a trip through the document's JSON unchanged.
    #[test]
    fn documents_round_trip(description in "\\PC{0,40}", major in 2u64..5, minor in 0u64..20, patch in 0u64..20) {
        let contract = small()
            .description(description)
            .default_since("1.0.0")
            .build()
            .map(|mut c| { c.version = format!("{major}.{minor}.{patch}"); c.fingerprint = c.compute_fingerprint(); c })
            .expect("sound");
        let back = Contract::from_json_str(&contract.to_json_pretty(), "prop").expect("parses");
        prop_assert_eq!(&back, &contract);
        prop_assert!(back.check().is_empty());
    }
}

/// A name outside `resource.verb`, as a protocol spells it.
#[derive(Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "textDocument/hover", response = String)]
pub struct Hover {
    pub uri: String,
}

#[test]
fn a_name_without_a_conventional_route_needs_a_route_or_an_rpc_endpoint() {
    let p = problems(small().action::<Hover>().build());
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].starts_with("/actions/textDocument~1hover/rest: `textDocument/hover` does not follow `resource.verb`"),
        "{p:?}"
    );
    // served through the RPC endpoint instead: sound, and the name is a naming warning only
    let c = small()
        .configure_transport(|t| t.rest.rpc_endpoint = Some("/rpc".into()))
        .action::<Hover>()
        .build()
        .expect("sound");
    assert!(c.actions["textDocument/hover"].rest.is_none());
    let warnings: Vec<String> = c.warnings().iter().map(|w| w.to_string()).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with("/actions/textDocument~1hover: action name"),
        "{warnings:?}"
    );
}

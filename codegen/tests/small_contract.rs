//! A small contract (the one quoted in docs/codegen.md): its generated `types.ts` is pinned, and
//! versions and deprecations reach every output: `@deprecated` in TypeScript, `deprecated` in
//! OpenAPI, the AsyncAPI operation's description, and the HTML reference's badges.

mod contracts;

use contracts::notes::contract;
use frameproof_codegen::{Int64Mode, TsOptions};

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

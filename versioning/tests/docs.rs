//! The rule catalogue in docs/versioning.md is the one the code has. Rewrite it with
//! `FRAMEPROOF_BLESS=1 cargo test -p frameproof-versioning --test docs`.

use frameproof_versioning::catalogue::catalogue_markdown;

const BEGIN: &str = "<!-- rules:begin -->\n";
const END: &str = "<!-- rules:end -->";

#[test]
fn the_documented_catalogue_is_the_code_s() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/versioning.md");
    let text = std::fs::read_to_string(path).expect("docs/versioning.md exists");
    let start = text.find(BEGIN).expect("the begin marker") + BEGIN.len();
    let end = text.find(END).expect("the end marker");
    let generated = catalogue_markdown();
    let documented = &text[start..end];
    if documented == generated {
        return;
    }
    if std::env::var_os("FRAMEPROOF_BLESS").is_some() {
        let updated = format!("{}{generated}{}", &text[..start], &text[end..]);
        std::fs::write(path, updated).expect("rewrite docs/versioning.md");
        return;
    }
    let first = documented
        .lines()
        .zip(generated.lines())
        .position(|(a, b)| a != b)
        .unwrap_or(documented.lines().count().min(generated.lines().count()));
    panic!(
        "docs/versioning.md's rule catalogue is stale from its line {} on; run with FRAMEPROOF_BLESS=1",
        first + 1
    );
}

//! `contract.json` is checked in; this test fails when it falls behind the Rust types.
//! Rewrite it with `FRAMEPROOF_BLESS=1 cargo test -p timetracker --test contract_file`.

#[test]
fn contract_json_is_in_step_with_the_types() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("contract.json");
    frameproof::assert_contract_file(&timetracker::contract(), path);
}

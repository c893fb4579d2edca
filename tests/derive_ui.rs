//! Misuse of the derives is a compile error at the offending attribute, saying how to fix it.
//! The expected compiler output lives beside each case (`tests/ui/*.stderr`); regenerate it with
//! `TRYBUILD=overwrite cargo test --test derive_ui` after reviewing a change.

#[test]
fn derive_errors() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}

//! Keeping a checked-in `contract.json` in step with the Rust types, as insta and expect-test
//! do for snapshots: a test calls [`assert_contract_file`]; it fails when the file is stale and
//! rewrites it when `FRAMEPROOF_BLESS=1` is set.

use std::path::Path;

use crate::document::Contract;

/// What [`assert_contract_file`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotOutcome {
    /// The file already matched.
    Unchanged,
    /// The file was missing or stale and `FRAMEPROOF_BLESS=1` rewrote it.
    Written,
}

/// Compares `contract` with the document at `path`.
///
/// # Panics
/// When the file is missing or differs and `FRAMEPROOF_BLESS` is not `1`: this is meant to be
/// called from a test, where the panic is the failure, and its message says how to update.
pub fn assert_contract_file(contract: &Contract, path: impl AsRef<Path>) -> SnapshotOutcome {
    let path = path.as_ref();
    let expected = contract.to_json_pretty();
    let bless = std::env::var("FRAMEPROOF_BLESS").is_ok_and(|v| v == "1");
    let current = std::fs::read_to_string(path).ok();
    if current.as_deref() == Some(expected.as_str()) {
        return SnapshotOutcome::Unchanged;
    }
    if bless {
        if let Some(dir) = path.parent() {
            if let Err(e) = std::fs::create_dir_all(dir) {
                panic!("cannot create {}: {e}", dir.display());
            }
        }
        if let Err(e) = std::fs::write(path, &expected) {
            panic!("cannot write {}: {e}", path.display());
        }
        return SnapshotOutcome::Written;
    }
    let detail = match &current {
        None => "the file does not exist".to_owned(),
        Some(old) => first_difference(old, &expected),
    };
    panic!(
        "{} is out of date with the Rust types ({detail}).\n\
         Re-run the test with FRAMEPROOF_BLESS=1 to rewrite it, review the diff, and commit it.",
        path.display()
    );
}

fn first_difference(old: &str, new: &str) -> String {
    for (line, (a, b)) in (1..).zip(old.lines().zip(new.lines())) {
        if a != b {
            return format!(
                "first difference at line {line}: file has `{}`, types give `{}`",
                a.trim(),
                b.trim()
            );
        }
    }
    format!(
        "the file has {} lines, the types give {}",
        old.lines().count(),
        new.lines().count()
    )
}

//! Table-driven: every rule of the catalogue, on its own before/after example (a small
//! contract edited at a few pointers), reports exactly that rule. Each report is snapshotted.

use std::collections::BTreeSet;

use frameproof_versioning::{catalogue, diff, render, IgnoreFile, Report, RuleId, ALL_SIDES};

#[test]
fn every_rule_reports_exactly_itself_on_its_example() {
    let mut wrong = Vec::new();
    for rule in RuleId::ALL {
        let (old, new) = catalogue::example_contracts(*rule).expect("the example loads");
        let changes = diff(&old, &new);
        let found: BTreeSet<RuleId> = changes.iter().map(|c| c.rule).collect();
        if found != BTreeSet::from([*rule]) {
            wrong.push(format!(
                "{rule}: found {:?}",
                changes
                    .iter()
                    .map(|c| format!("{} {} {}", c.rule, c.old_pointer, c.message))
                    .collect::<Vec<_>>()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_rule_report_is_snapshotted() {
    for rule in RuleId::ALL {
        let (old, new) = catalogue::example_contracts(*rule).expect("the example loads");
        let report = Report::new(&old, &new, ALL_SIDES, &IgnoreFile::default());
        insta::assert_snapshot!(format!("rule_{}", rule.id()), render::human(&report));
    }
}

#[test]
fn a_bad_edit_says_why_and_keeps_its_source() {
    use frameproof_versioning::catalogue::{set_pointer, ExampleError};
    let mut doc = serde_json::json!({"a": [1]});
    let e = set_pointer(&mut doc, "a", None).unwrap_err();
    assert!(matches!(e, ExampleError::Pointer(_)), "{e:?}");
    assert!(std::error::Error::source(&e)
        .is_some_and(|s| s.is::<frameproof_schema::pointer::PointerError>()));
    let e = set_pointer(&mut doc, "/a/x", Some(2.into())).unwrap_err();
    assert_eq!(e.to_string(), "/a/x: `x` is not an index");
}

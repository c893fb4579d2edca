//! JUnit XML: `<testsuites>` of `<testsuite>`s of `<testcase>`s, each passing, failing (one
//! `<failure>` per way it failed) or skipped, with optional `<system-out>`.

use std::fmt::Write;

use crate::xml::{escape_attribute as attr, escape_text as text};
use crate::{Outcome, Report};

/// The whole document, ended by a newline.
pub fn write(report: &Report) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(out, "<testsuites name=\"{}\">", attr(&report.name));
    for suite in &report.suites {
        let _ = write!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\"",
            attr(&suite.name),
            suite.cases.len(),
            suite.failures(),
            suite.skipped()
        );
        if let Some(t) = suite.time {
            let _ = write!(out, " time=\"{t:.3}\"");
        }
        out.push_str(">\n");
        for case in &suite.cases {
            let _ = write!(
                out,
                "    <testcase name=\"{}\" classname=\"{}\"",
                attr(&case.name),
                attr(&case.classname)
            );
            if let Some(t) = case.time {
                let _ = write!(out, " time=\"{t:.3}\"");
            }
            if case.outcome == Outcome::Passed && case.system_out.is_none() {
                out.push_str("/>\n");
                continue;
            }
            out.push_str(">\n");
            match &case.outcome {
                Outcome::Passed => {}
                Outcome::Failed(failures) => {
                    for f in failures {
                        out.push_str("      <failure");
                        if let Some(kind) = &f.kind {
                            let _ = write!(out, " type=\"{}\"", attr(kind));
                        }
                        let _ = writeln!(
                            out,
                            " message=\"{}\">{}</failure>",
                            attr(&f.message),
                            text(&f.details)
                        );
                    }
                }
                Outcome::Skipped { message } => {
                    let _ = writeln!(out, "      <skipped message=\"{}\"/>", attr(message));
                }
            }
            if let Some(s) = &case.system_out {
                let _ = writeln!(out, "      <system-out>{}</system-out>", text(s));
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

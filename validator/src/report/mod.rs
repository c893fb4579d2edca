//! Reports: human (grouped by connection), JSON lines, JUnit XML, GitHub Actions annotations,
//! SARIF 2.1.0. Each takes the violations and a summary and returns the text to print.

use std::collections::BTreeMap;

use frameproof_reports::{Case, Failure, Finding, Level, Outcome, Report, RuleInfo, Suite, Tool};
use serde_json::json;

use crate::capture::Stats;
use crate::violation::{Severity, Violation};
use crate::Rule;

/// Counts for the end of a report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Violations of [`Severity::Error`].
    pub errors: u64,
    /// Violations of [`Severity::Warning`].
    pub warnings: u64,
    /// Violations per rule id, errors and warnings together.
    pub by_rule: BTreeMap<&'static str, u64>,
    /// What was read.
    pub stats: Stats,
    /// Violations counted but not kept (the report keeps at most a bound of them).
    pub not_shown: u64,
}

impl Summary {
    /// Counts one violation, by severity and by rule.
    pub fn count(&mut self, v: &Violation) {
        match v.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
        *self.by_rule.entry(v.rule.id()).or_default() += 1;
    }
}

fn where_(v: &Violation) -> String {
    let mut parts = Vec::new();
    if !v.location.file.is_empty() {
        let mut f = v.location.file.clone();
        if let Some(l) = v.location.line {
            f.push_str(&format!(":{l}"));
        }
        parts.push(f);
    }
    if let Some(e) = v.location.har_entry {
        parts.push(format!("entry {e}"));
    }
    if let Some(i) = v.location.frame {
        parts.push(format!("frame {i}"));
    }
    if let Some(d) = v.direction {
        parts.push(match d {
            frameproof_schema::Direction::Client => "client → server".to_owned(),
            frameproof_schema::Direction::Server => "server → client".to_owned(),
        });
    }
    if let Some(item) = &v.item {
        parts.push(format!("`{item}`"));
    }
    parts.join(", ")
}

/// Human-readable, grouped by connection, then a summary with counts per rule.
pub fn human(violations: &[Violation], summary: &Summary) -> String {
    let mut groups: BTreeMap<(String, String), Vec<&Violation>> = BTreeMap::new();
    for v in violations {
        groups
            .entry((v.location.file.clone(), v.location.connection.clone()))
            .or_default()
            .push(v);
    }
    let mut out = String::new();
    for ((file, conn), vs) in groups {
        let title = match (file.is_empty(), conn.is_empty()) {
            (false, false) => format!("{file} — connection {conn}"),
            (false, true) => file,
            (true, false) => format!("connection {conn}"),
            (true, true) => "frames".to_owned(),
        };
        out.push_str(&format!("{title}\n"));
        for v in vs {
            let mark = match v.severity {
                Severity::Error => "×",
                Severity::Warning => "⚠",
            };
            out.push_str(&format!("  {mark} [{}] {}\n", v.rule, where_(v)));
            let at = if v.pointer.is_empty() {
                "/"
            } else {
                &v.pointer
            };
            let keyword = v
                .keyword
                .as_deref()
                .map(|k| format!(" ({k})"))
                .unwrap_or_default();
            out.push_str(&format!("    at {at}{keyword}: {}\n", v.message));
            if let Some(e) = &v.excerpt {
                out.push_str(&format!("    value: {e}\n"));
            }
        }
        out.push('\n');
    }
    let s = &summary.stats;
    out.push_str(&format!(
        "{} error(s), {} warning(s) in {} frame(s), {} connection(s), {} REST exchange(s)\n",
        summary.errors, summary.warnings, s.frames, s.connections, s.rest_exchanges
    ));
    if let Some(note) = stateless_note(s) {
        out.push_str(&format!("{note}\n"));
    }
    if summary.not_shown > 0 {
        out.push_str(&format!(
            "({} more violations counted but not listed)\n",
            summary.not_shown
        ));
    }
    for (rule, n) in &summary.by_rule {
        out.push_str(&format!("  {rule}: {n}\n"));
    }
    out
}

/// What a report says when frames were checked with no session (one direction only).
pub fn stateless_note(stats: &Stats) -> Option<String> {
    (stats.stateless_frames > 0).then(|| {
        format!(
            "{} frame(s) of one direction checked statelessly: each on its own, an ok response \
             against every action's response schema; request/response correlation, \
             subscriptions, tenants and versions not checked",
            stats.stateless_frames
        )
    })
}

/// One JSON object per violation, one per line.
pub fn json_line(v: &Violation) -> String {
    frameproof_reports::json::line(v)
}

fn pointer_text(v: &Violation) -> &str {
    if v.pointer.is_empty() {
        "/"
    } else {
        &v.pointer
    }
}

/// A violation as a finding of the GitHub and SARIF reports: the message says where (file,
/// line, frame, direction, item) and at which pointer.
pub fn finding(v: &Violation) -> Finding {
    let level = match v.severity {
        Severity::Error => Level::Error,
        Severity::Warning => Level::Warning,
    };
    let message = format!("{} at {}: {}", where_(v), pointer_text(v), v.message);
    let mut f = Finding::new(v.rule.id(), level, message);
    f.file = (!v.location.file.is_empty()).then(|| v.location.file.clone());
    f.line = v.location.line;
    f.pointer = Some(v.pointer.clone());
    let properties = json!({
        "connection": v.location.connection,
        "frame": v.location.frame,
        "harEntry": v.location.har_entry,
        "keyword": v.keyword,
        "item": v.item,
        "excerpt": v.excerpt,
    });
    if let serde_json::Value::Object(map) = properties {
        f.properties = map;
    }
    f
}

/// JUnit XML: a test suite per capture file, a test case per connection, a failure per error
/// (warnings go to the case's output).
pub fn junit(violations: &[Violation], files: &[String]) -> String {
    let mut by_file: BTreeMap<&str, BTreeMap<&str, Vec<&Violation>>> = BTreeMap::new();
    for f in files {
        by_file.entry(f.as_str()).or_default();
    }
    for v in violations {
        by_file
            .entry(v.location.file.as_str())
            .or_default()
            .entry(v.location.connection.as_str())
            .or_default()
            .push(v);
    }
    const CLASS: &str = "frameproof.validate";
    let mut report = Report {
        name: "frameproof validate".into(),
        suites: Vec::new(),
    };
    for (file, conns) in by_file {
        let mut suite = Suite {
            name: file.to_owned(),
            ..Suite::default()
        };
        if conns.is_empty() {
            suite.cases.push(Case::new("capture", CLASS));
        }
        for (conn, vs) in conns {
            let mut case = Case::new(if conn.is_empty() { "capture" } else { conn }, CLASS);
            let failures: Vec<Failure> = vs
                .iter()
                .filter(|v| v.severity == Severity::Error)
                .map(|v| Failure {
                    kind: Some(v.rule.id().to_owned()),
                    message: v.message.clone(),
                    details: format!("{} at {}", where_(v), pointer_text(v)),
                })
                .collect();
            if !failures.is_empty() {
                case.outcome = Outcome::Failed(failures);
            }
            let warnings: Vec<String> = vs
                .iter()
                .filter(|v| v.severity == Severity::Warning)
                .map(|v| format!("warning [{}] {}: {}", v.rule, where_(v), v.message))
                .collect();
            if !warnings.is_empty() {
                case.system_out = Some(warnings.join("\n"));
            }
            suite.cases.push(case);
        }
        report.suites.push(suite);
    }
    frameproof_reports::junit::write(&report)
}

/// GitHub Actions workflow commands: one annotation per violation.
pub fn github(v: &Violation) -> String {
    frameproof_reports::github::annotation(&finding(v))
}

/// The tool SARIF names: frameproof's validator, with the rules the violations cite.
fn sarif_tool(violations: &[Violation]) -> Tool {
    // by id, as the rules table of the docs
    let rules: BTreeMap<&str, Rule> = violations.iter().map(|v| (v.rule.id(), v.rule)).collect();
    Tool {
        name: "frameproof".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        information_uri: Some("https://example.invalid/frameproof".into()),
        rules: rules
            .into_values()
            .map(|r| RuleInfo {
                id: r.id().into(),
                description: r.description().into(),
            })
            .collect(),
    }
}

/// SARIF 2.1.0, for code scanning.
pub fn sarif(violations: &[Violation]) -> String {
    let findings: Vec<Finding> = violations.iter().map(finding).collect();
    frameproof_reports::sarif::write(&sarif_tool(violations), &findings)
}

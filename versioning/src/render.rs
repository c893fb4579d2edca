//! Reports as text: human (grouped by severity), JSON, GitHub Actions annotations, JUnit XML,
//! SARIF and a Markdown changelog. Each returns the text to print; the machine formats are
//! written by `frameproof-reports`.

use frameproof_reports::{
    Case, Failure, Finding, Level as FindingLevel, Outcome, Report as JunitReport, RuleInfo, Suite,
    Tool,
};

use crate::model::{Change, Level, Severity};
use crate::report::Report;

const GROUPS: [(Severity, &str); 3] = [
    (Severity::Error, "Errors: unannounced breaks of the wire"),
    (Severity::Warning, "Warnings: breaks to review"),
    (Severity::Info, "Info: compatible changes"),
];

fn breaks_text(c: &Change) -> String {
    let labels = c.breaks.labels();
    if labels.is_empty() {
        "nothing".into()
    } else {
        labels.join(", ")
    }
}

fn pointers_text(c: &Change) -> String {
    if c.old_pointer == c.new_pointer {
        c.old_pointer.clone()
    } else {
        format!("{} → {}", c.old_pointer, c.new_pointer)
    }
}

fn verdict(report: &Report) -> String {
    let v = &report.version;
    let mut out = String::new();
    let actual = v.actual.map(Level::as_str).unwrap_or("?");
    if let Some(problem) = &v.problem {
        out.push_str(&format!("version: {problem}\n"));
    } else {
        let bump = match v.actual {
            Some(Level::None) => "the same version".to_owned(),
            _ => format!("a {actual} bump"),
        };
        out.push_str(&format!(
            "version: {} → {} is {bump}; the changes need {}\n",
            v.old,
            v.new,
            if v.required == Level::None {
                "none".to_owned()
            } else {
                format!("a {} bump", v.required)
            }
        ));
    }
    for req in &v.requirements {
        let rules: Vec<String> = req
            .rules
            .iter()
            .map(|(rule, n)| {
                if *n == 1 {
                    (*rule).to_owned()
                } else {
                    format!("{rule} ×{n}")
                }
            })
            .collect();
        out.push_str(&format!(
            "  {} needed by: {}\n",
            req.level,
            rules.join(", ")
        ));
    }
    let status = if v.ok {
        "ok".to_owned()
    } else if v.problem.is_some() {
        "cannot pass".to_owned()
    } else {
        format!("too small: needs {}, got {actual}", v.required)
    };
    out.push_str(&format!("bump check: {status}\n"));
    out
}

/// Readable text, grouped by severity.
pub fn human(report: &Report) -> String {
    let s = &report.summary;
    let mut out = format!(
        "{} {} → {} {}\n",
        report.old.name, report.old.version, report.new.name, report.new.version
    );
    if s.changes == 0 {
        out.push_str("no changes\n");
    } else {
        out.push_str(&format!(
            "{} change(s): {} error(s), {} warning(s), {} info; {} breaking ({} for clients, {} for servers, {} for codegen){}\n",
            s.changes,
            s.errors,
            s.warnings,
            s.infos,
            s.breaking,
            s.breaks_clients,
            s.breaks_servers,
            s.breaks_codegen,
            if s.accepted > 0 {
                format!(", {} accepted", s.accepted)
            } else {
                String::new()
            }
        ));
    }
    for (severity, title) in GROUPS {
        let group: Vec<&Change> = report
            .changes
            .iter()
            .filter(|c| c.severity == severity)
            .collect();
        if group.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{title} ({})\n", group.len()));
        for c in group {
            out.push_str(&format!(
                "  {:<7} {}: {}\n",
                severity.as_str(),
                c.rule,
                c.message
            ));
            out.push_str(&format!("          at {}\n", pointers_text(c)));
            out.push_str(&format!(
                "          breaks {}; needs {}\n",
                breaks_text(c),
                c.needs
            ));
            if !c.used_by.is_empty() {
                out.push_str(&format!("          used by {}\n", c.used_by.join(", ")));
            }
            if let Some(reason) = &c.accepted {
                out.push_str(&format!("          accepted: {reason}\n"));
            }
        }
    }
    if !report.unused_accepts.is_empty() {
        out.push_str("\nIgnore entries that matched no change (stale?):\n");
        for a in &report.unused_accepts {
            out.push_str(&format!("  {} at {}\n", a.rule, a.pointer));
        }
    }
    out.push('\n');
    out.push_str(&verdict(report));
    out
}

/// The whole report as pretty JSON.
pub fn json(report: &Report) -> String {
    frameproof_reports::json::document(report)
}

/// The rule id of the version-bump check in GitHub, JUnit and SARIF reports.
pub const VERSION_BUMP: &str = "version-bump";

/// The report's findings for GitHub and SARIF: one per change, on `file` at the line `line_of`
/// finds for a pointer of the new document, and one for the bump check when it fails.
pub fn findings(
    report: &Report,
    file: &str,
    line_of: &dyn Fn(&str) -> Option<usize>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in &report.changes {
        let level = match c.severity {
            Severity::Error => FindingLevel::Error,
            Severity::Warning => FindingLevel::Warning,
            Severity::Info => FindingLevel::Note,
        };
        let mut message = format!(
            "{} (at {}; breaks {}; needs {})",
            c.message,
            pointers_text(c),
            breaks_text(c),
            c.needs
        );
        if let Some(reason) = &c.accepted {
            message.push_str(&format!("; accepted: {reason}"));
        }
        let mut f = Finding::new(c.rule.id(), level, message);
        f.file = Some(file.to_owned());
        f.line = line_of(&c.new_pointer).map(|l| l as u64);
        f.pointer = Some(c.new_pointer.clone());
        f.accepted = c.accepted.clone();
        let properties = serde_json::json!({
            "oldPointer": c.old_pointer,
            "breaks": c.breaks.labels(),
            "needs": c.needs.as_str(),
            "usedBy": c.used_by,
        });
        if let serde_json::Value::Object(map) = properties {
            f.properties = map;
        }
        out.push(f);
    }
    if !report.version.ok {
        let mut f = Finding::new(
            VERSION_BUMP,
            FindingLevel::Error,
            verdict(report).trim_end(),
        );
        f.file = Some(file.to_owned());
        f.title = Some("frameproof version bump".into());
        out.push(f);
    }
    out
}

/// GitHub Actions workflow commands: `::error`, `::warning`, `::notice`, one per change, on
/// `file` at the line `line_of` finds for a pointer of the new document (or the old one's
/// pointer when `line_of` finds nothing), and one for the bump check.
pub fn github(report: &Report, file: &str, line_of: &dyn Fn(&str) -> Option<usize>) -> String {
    frameproof_reports::github::annotations(&findings(report, file, line_of))
}

/// SARIF 2.1.0: a result per change (accepted ones suppressed), and one for a failed bump
/// check; the rules are those the results cite, with their catalogue summaries.
pub fn sarif(report: &Report, file: &str, line_of: &dyn Fn(&str) -> Option<usize>) -> String {
    let findings = findings(report, file, line_of);
    let mut rules: std::collections::BTreeMap<&str, &str> = report
        .changes
        .iter()
        .map(|c| (c.rule.id(), c.rule.meta().summary))
        .collect();
    if !report.version.ok {
        rules.insert(
            VERSION_BUMP,
            "the new version's bump is smaller than its changes need",
        );
    }
    let tool = Tool {
        name: "frameproof".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        information_uri: Some("https://example.invalid/frameproof".into()),
        rules: rules
            .into_iter()
            .map(|(id, description)| RuleInfo {
                id: id.into(),
                description: description.into(),
            })
            .collect(),
    };
    let mut text = frameproof_reports::sarif::write(&tool, &findings);
    text.push('\n');
    text
}

/// JUnit XML: one test case per change (a failure when it breaks what the policy counts and is
/// not accepted; skipped when accepted) and one for the version bump.
pub fn junit(report: &Report) -> String {
    let v = &report.version;
    let mut bump = Case::new(
        format!("version bump {} → {}", v.old, v.new),
        "frameproof.diff",
    );
    if !v.ok {
        bump.outcome = Outcome::Failed(vec![Failure {
            kind: Some(VERSION_BUMP.into()),
            message: format!(
                "needs a {} bump, got {}",
                v.required,
                v.actual.map(Level::as_str).unwrap_or("none")
            ),
            details: verdict(report).trim_end().to_owned(),
        }]);
    }
    let mut cases = vec![bump];
    for c in &report.changes {
        let detail = format!(
            "at {}; breaks {}; needs {}{}",
            pointers_text(c),
            breaks_text(c),
            c.needs,
            if c.used_by.is_empty() {
                String::new()
            } else {
                format!("; used by {}", c.used_by.join(", "))
            }
        );
        let mut case = Case::new(
            format!("{} {}", c.rule, pointers_text(c)),
            format!("frameproof.diff.{}", c.severity),
        );
        if let Some(reason) = &c.accepted {
            case.outcome = Outcome::Skipped {
                message: format!("accepted: {reason}"),
            };
        } else if c.is_breaking(report.policy) {
            case.outcome = Outcome::Failed(vec![Failure {
                kind: Some(c.rule.id().into()),
                message: c.message.clone(),
                details: detail,
            }]);
        } else {
            case.system_out = Some(format!("{}; {detail}", c.message));
        }
        cases.push(case);
    }
    frameproof_reports::junit::write(&JunitReport {
        name: "frameproof diff".into(),
        suites: vec![Suite {
            name: format!(
                "{} {} → {}",
                report.new.name, report.old.version, report.new.version
            ),
            cases,
            time: None,
        }],
    })
}

fn md_line(c: &Change) -> String {
    let mut line = format!(
        "- {} (`{}`; breaks {}; `{}`)",
        c.message,
        c.rule,
        breaks_text(c),
        pointers_text(c)
    );
    if !c.used_by.is_empty() {
        line.push_str(&format!(" — used by {}", c.used_by.join(", ")));
    }
    if let Some(reason) = &c.accepted {
        line.push_str(&format!(" — accepted: {reason}"));
    }
    line.push('\n');
    line
}

/// A Markdown changelog, grouped by severity.
pub fn changelog(report: &Report) -> String {
    let mut out = format!(
        "# {} {}\n\nChanges since {}.\n",
        report.new.name, report.new.version, report.old.version
    );
    if report.changes.is_empty() {
        out.push_str("\nNo changes to the contract.\n");
    }
    let sections = [
        (
            Severity::Error,
            "Breaking changes",
            "Old clients (or old servers' traffic) stop working.",
        ),
        (
            Severity::Warning,
            "Changes to review",
            "Planned removals, breaks of old servers' traffic or of generated code, behaviour changes.",
        ),
        (
            Severity::Info,
            "Compatible changes",
            "Additions, relaxations and documentation.",
        ),
    ];
    for (severity, title, blurb) in sections {
        let group: Vec<&Change> = report
            .changes
            .iter()
            .filter(|c| c.severity == severity)
            .collect();
        if group.is_empty() {
            continue;
        }
        out.push_str(&format!("\n## {title}\n\n{blurb}\n\n"));
        for c in group {
            out.push_str(&md_line(c));
        }
    }
    let v = &report.version;
    out.push_str("\n## Version\n\n");
    match &v.problem {
        Some(problem) => out.push_str(&format!("{problem}.\n")),
        None => out.push_str(&format!(
            "{} → {}: {}; the changes need {}.{}\n",
            v.old,
            v.new,
            match v.actual {
                Some(Level::None) => "the same version".to_owned(),
                other => format!("a {} bump", other.map(Level::as_str).unwrap_or("?")),
            },
            if v.required == Level::None {
                "none".to_owned()
            } else {
                format!("a {} bump", v.required)
            },
            if v.ok {
                ""
            } else {
                " **The bump is too small.**"
            }
        )),
    }
    out
}

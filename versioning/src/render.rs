//! Reports as text: human (grouped by severity), JSON, GitHub Actions annotations, JUnit XML,
//! and a Markdown changelog. Each returns the text to print.

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
    let mut text =
        serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

fn gh_escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn gh_escape_property(s: &str) -> String {
    gh_escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub Actions workflow commands: `::error`, `::warning`, `::notice`, one per change, on
/// `file` at the line `line_of` finds for a pointer of the new document (or the old one's
/// pointer when `line_of` finds nothing), and one for the bump check.
pub fn github(report: &Report, file: &str, line_of: &dyn Fn(&str) -> Option<usize>) -> String {
    let mut out = String::new();
    for c in &report.changes {
        let command = match (c.accepted.is_some(), c.severity) {
            (true, _) | (_, Severity::Info) => "notice",
            (_, Severity::Warning) => "warning",
            (_, Severity::Error) => "error",
        };
        let mut props = vec![format!("file={}", gh_escape_property(file))];
        if let Some(line) = line_of(&c.new_pointer) {
            props.push(format!("line={line}"));
        }
        props.push(format!(
            "title={}",
            gh_escape_property(&format!("frameproof {}", c.rule))
        ));
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
        out.push_str(&format!(
            "::{command} {}::{}\n",
            props.join(","),
            gh_escape_data(&message)
        ));
    }
    let v = &report.version;
    if !v.ok {
        let message = verdict(report);
        out.push_str(&format!(
            "::error file={},title={}::{}\n",
            gh_escape_property(file),
            gh_escape_property("frameproof version bump"),
            gh_escape_data(message.trim_end())
        ));
    }
    out
}

fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// JUnit XML: one test case per change (a failure when it breaks what the policy counts and is
/// not accepted; skipped when accepted) and one for the version bump.
pub fn junit(report: &Report) -> String {
    let mut cases = Vec::new();
    let mut failures = 0;
    let mut skipped = 0;
    let v = &report.version;
    let bump = if v.ok {
        String::new()
    } else {
        failures += 1;
        format!(
            "\n      <failure type=\"version-bump\" message=\"{}\">{}</failure>\n    ",
            xml(&format!(
                "needs a {} bump, got {}",
                v.required,
                v.actual.map(Level::as_str).unwrap_or("none")
            )),
            xml(verdict(report).trim_end())
        )
    };
    cases.push(format!(
        "    <testcase name=\"version bump {} → {}\" classname=\"frameproof.diff\">{bump}</testcase>",
        xml(&v.old),
        xml(&v.new)
    ));
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
        let body = if let Some(reason) = &c.accepted {
            skipped += 1;
            format!(
                "\n      <skipped message=\"{}\"/>\n    ",
                xml(&format!("accepted: {reason}"))
            )
        } else if c.is_breaking(report.policy) {
            failures += 1;
            format!(
                "\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    ",
                c.rule,
                xml(&c.message),
                xml(&detail)
            )
        } else {
            format!(
                "\n      <system-out>{}</system-out>\n    ",
                xml(&format!("{}; {detail}", c.message))
            )
        };
        cases.push(format!(
            "    <testcase name=\"{} {}\" classname=\"frameproof.diff.{}\">{body}</testcase>",
            c.rule,
            xml(&pointers_text(c)),
            c.severity
        ));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"frameproof diff\">\n  <testsuite name=\"{} {} → {}\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\">\n{}\n  </testsuite>\n</testsuites>\n",
        xml(&report.new.name),
        xml(&report.old.version),
        xml(&report.new.version),
        cases.len(),
        cases.join("\n")
    )
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

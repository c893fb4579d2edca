//! Reports: human (grouped by connection), JSON lines, JUnit XML, GitHub Actions annotations,
//! SARIF 2.1.0. Each takes the violations and a summary and returns the text to print.

use std::collections::BTreeMap;

use serde_json::json;

use crate::capture::Stats;
use crate::violation::{Severity, Violation};

/// Counts for the end of a report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub errors: u64,
    pub warnings: u64,
    pub by_rule: BTreeMap<&'static str, u64>,
    pub stats: Stats,
    /// Violations counted but not kept (the report keeps at most a bound of them).
    pub not_shown: u64,
}

impl Summary {
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
    serde_json::to_string(v)
        .unwrap_or_else(|e| json!({"rule": "internal", "message": e.to_string()}).to_string())
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// JUnit XML: a test suite per capture file, a test case per connection, a failure per error.
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
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"frameproof validate\">\n",
    );
    for (file, conns) in by_file {
        let failures = conns
            .values()
            .filter(|vs| vs.iter().any(|v| v.severity == Severity::Error))
            .count();
        let tests = conns.len().max(1);
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\">\n",
            xml_escape(file)
        ));
        if conns.is_empty() {
            out.push_str("    <testcase name=\"capture\" classname=\"frameproof.validate\"/>\n");
        }
        for (conn, vs) in conns {
            let name = if conn.is_empty() { "capture" } else { conn };
            out.push_str(&format!(
                "    <testcase name=\"{}\" classname=\"frameproof.validate\">\n",
                xml_escape(name)
            ));
            for v in vs.iter().filter(|v| v.severity == Severity::Error) {
                out.push_str(&format!(
                    "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                    v.rule,
                    xml_escape(&v.message),
                    xml_escape(&format!(
                        "{} at {}",
                        where_(v),
                        if v.pointer.is_empty() {
                            "/"
                        } else {
                            &v.pointer
                        }
                    ))
                ));
            }
            let warnings: Vec<String> = vs
                .iter()
                .filter(|v| v.severity == Severity::Warning)
                .map(|v| format!("warning [{}] {}: {}", v.rule, where_(v), v.message))
                .collect();
            if !warnings.is_empty() {
                out.push_str(&format!(
                    "      <system-out>{}</system-out>\n",
                    xml_escape(&warnings.join("\n"))
                ));
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn gh_escape(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn gh_prop(s: &str) -> String {
    gh_escape(s).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub Actions workflow commands: one annotation per violation.
pub fn github(v: &Violation) -> String {
    let level = match v.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut props = Vec::new();
    if !v.location.file.is_empty() {
        props.push(format!("file={}", gh_prop(&v.location.file)));
    }
    if let Some(l) = v.location.line {
        props.push(format!("line={l}"));
    }
    props.push(format!(
        "title={}",
        gh_prop(&format!("frameproof {}", v.rule))
    ));
    let at = if v.pointer.is_empty() {
        "/"
    } else {
        &v.pointer
    };
    format!(
        "::{level} {}::{}",
        props.join(","),
        gh_escape(&format!("{} at {at}: {}", where_(v), v.message))
    )
}

/// SARIF 2.1.0, for code scanning.
pub fn sarif(violations: &[Violation]) -> String {
    let mut rules: BTreeMap<&str, ()> = BTreeMap::new();
    for v in violations {
        rules.insert(v.rule.id(), ());
    }
    let rule_list: Vec<serde_json::Value> = rules
        .keys()
        .map(|r| json!({"id": r, "shortDescription": {"text": format!("frameproof rule {r}")}}))
        .collect();
    let results: Vec<serde_json::Value> = violations
        .iter()
        .map(|v| {
            let mut region = json!({});
            if let Some(l) = v.location.line {
                region = json!({"startLine": l});
            }
            json!({
                "ruleId": v.rule,
                "level": match v.severity { Severity::Error => "error", Severity::Warning => "warning" },
                "message": {"text": format!("{}: {}", where_(v), v.message)},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": v.location.file},
                        "region": region,
                    },
                    "logicalLocations": [{"fullyQualifiedName": format!("{}#{}", v.location.connection, v.pointer)}],
                }],
                "properties": {
                    "connection": v.location.connection,
                    "frame": v.location.frame,
                    "harEntry": v.location.har_entry,
                    "pointer": v.pointer,
                    "keyword": v.keyword,
                    "item": v.item,
                    "excerpt": v.excerpt,
                },
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "frameproof", "informationUri": "https://example.invalid/frameproof", "rules": rule_list}},
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

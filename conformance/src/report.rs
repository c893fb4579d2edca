//! What a replay found: per transcript, per transport, per step; rendered for people, as JSON,
//! and as JUnit XML.

use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use frameproof_reports::{Case, Failure, Outcome as CaseOutcome, Report, Suite};

use crate::compare::Difference;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    Fail {
        reason: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        expected: Option<Value>,
        #[serde(skip_serializing_if = "Option::is_none")]
        actual: Option<Value>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        diff: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepResult {
    /// The transcript line, when the step comes from one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    pub conn: String,
    /// What the step was, e.g. "response r3 (tasks.update)".
    pub step: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

impl StepResult {
    pub fn pass(line: Option<u64>, conn: &str, step: impl Into<String>) -> StepResult {
        StepResult {
            line,
            conn: conn.to_owned(),
            step: step.into(),
            outcome: Outcome::Pass,
        }
    }

    pub fn fail(
        line: Option<u64>,
        conn: &str,
        step: impl Into<String>,
        reason: impl Into<String>,
    ) -> StepResult {
        StepResult {
            line,
            conn: conn.to_owned(),
            step: step.into(),
            outcome: Outcome::Fail {
                reason: reason.into(),
                expected: None,
                actual: None,
                diff: Vec::new(),
            },
        }
    }

    pub fn mismatch(
        line: Option<u64>,
        conn: &str,
        step: impl Into<String>,
        expected: &Value,
        actual: &Value,
        diffs: &[Difference],
    ) -> StepResult {
        StepResult {
            line,
            conn: conn.to_owned(),
            step: step.into(),
            outcome: Outcome::Fail {
                reason: "the live frame differs from the recording".into(),
                expected: Some(expected.clone()),
                actual: Some(actual.clone()),
                diff: diffs.iter().map(difference_line).collect(),
            },
        }
    }

    /// An expected frame that did not arrive, with the closest frame that did (`closest`: how
    /// it is named, and where it differs from the recording).
    pub fn missing(
        line: Option<u64>,
        conn: &str,
        step: impl Into<String>,
        reason: impl Into<String>,
        expected: &Value,
        closest: Option<(String, &Value, &[Difference])>,
    ) -> StepResult {
        // a few differences name the frame; a frame of another kind differs everywhere
        const SHOWN: usize = 6;
        let mut diff = Vec::new();
        if let Some((name, _, diffs)) = &closest {
            diff.push(format!("the closest frame that arrived: {name}"));
            diff.extend(
                diffs
                    .iter()
                    .take(SHOWN)
                    .map(|d| format!("  {}", difference_line(d))),
            );
            if diffs.len() > SHOWN {
                diff.push(format!("  … and {} more differences", diffs.len() - SHOWN));
            }
        }
        StepResult {
            line,
            conn: conn.to_owned(),
            step: step.into(),
            outcome: Outcome::Fail {
                reason: reason.into(),
                expected: Some(expected.clone()),
                actual: closest.map(|(_, frame, _)| frame.clone()),
                diff,
            },
        }
    }

    pub fn passed(&self) -> bool {
        self.outcome == Outcome::Pass
    }
}

/// One place where a live frame differs from the recording, as a report line.
fn difference_line(d: &Difference) -> String {
    let at = if d.pointer.is_empty() {
        "/"
    } else {
        &d.pointer
    };
    let actual = d
        .actual
        .as_ref()
        .map(short)
        .unwrap_or_else(|| "(missing)".into());
    format!(
        "{at}: recorded {}, live {actual} ({})",
        short(&d.expected),
        d.why
    )
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 80 {
        format!("{}…", s.chars().take(79).collect::<String>())
    } else {
        s
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TranscriptReport {
    pub transcript: String,
    /// `websocket`, `rest`, or `checks`.
    pub transport: String,
    pub steps: Vec<StepResult>,
    #[serde(serialize_with = "secs")]
    pub duration: Duration,
    /// Time spent waiting for the server (frames, REST answers); the rest is frameproof's own.
    #[serde(serialize_with = "secs")]
    pub waiting: Duration,
    /// The server's stderr when frameproof started it and the run failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_stderr: Option<String>,
}

fn secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

impl TranscriptReport {
    pub fn passed(&self) -> bool {
        self.steps.iter().all(StepResult::passed)
    }

    pub fn failures(&self) -> impl Iterator<Item = &StepResult> {
        self.steps.iter().filter(|s| !s.passed())
    }
}

/// For people: one line per transcript and transport, the failures in detail.
/// Every run, then the summary line.
pub fn human(reports: &[TranscriptReport]) -> String {
    let mut out: String = reports.iter().map(human_run).collect();
    out.push_str(&human_summary(reports));
    out
}

/// `N of M runs passed`.
pub fn human_summary(reports: &[TranscriptReport]) -> String {
    let passed = reports.iter().filter(|r| r.passed()).count();
    format!("{passed} of {} runs passed\n", reports.len())
}

/// One run: its verdict, and each failure with its differences.
pub fn human_run(r: &TranscriptReport) -> String {
    let mut out = String::new();
    let verdict = if r.passed() { "PASS" } else { "FAIL" };
    out.push_str(&format!(
        "{verdict} {} over {} ({} steps, {:.2} s, {:.2} s waiting for the server)\n",
        r.transcript,
        r.transport,
        r.steps.len(),
        r.duration.as_secs_f64(),
        r.waiting.as_secs_f64()
    ));
    for s in r.failures() {
        let line = s.line.map(|l| format!("line {l}, ")).unwrap_or_default();
        if let Outcome::Fail {
            reason,
            expected,
            actual,
            diff,
        } = &s.outcome
        {
            out.push_str(&format!("  ✗ {line}{}: {}: {reason}\n", s.conn, s.step));
            for d in diff {
                out.push_str(&format!("      {d}\n"));
            }
            if diff.is_empty() {
                if let Some(e) = expected {
                    out.push_str(&format!("      expected: {}\n", short(e)));
                }
                if let Some(a) = actual {
                    out.push_str(&format!("      actual:   {}\n", short(a)));
                }
            }
        }
    }
    if let (false, Some(stderr)) = (r.passed(), &r.server_stderr) {
        let tail: Vec<&str> = stderr.lines().rev().take(10).collect();
        if !tail.is_empty() {
            out.push_str("  server stderr (last lines):\n");
            for l in tail.into_iter().rev() {
                out.push_str(&format!("    {l}\n"));
            }
        }
    }
    out
}

/// Writes a report file whole or not at all (a temporary file renamed over it), so a reader
/// or an interrupted run never sees half a file.
pub fn write_file(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".partial");
    let temporary = std::path::PathBuf::from(temporary);
    std::fs::write(&temporary, text)?;
    std::fs::rename(&temporary, path)
}

/// JSON lines: one object per run.
pub fn json(reports: &[TranscriptReport]) -> String {
    frameproof_reports::json::lines(reports)
}

/// JUnit XML: a test suite per transcript and transport, a test case per step.
pub fn junit(reports: &[TranscriptReport]) -> String {
    let suites = reports
        .iter()
        .map(|r| Suite {
            name: format!("{} ({})", r.transcript, r.transport),
            time: Some(r.duration.as_secs_f64()),
            cases: r
                .steps
                .iter()
                .map(|s| {
                    let mut case = Case::new(
                        format!(
                            "{}{}: {}",
                            s.line.map(|l| format!("line {l} ")).unwrap_or_default(),
                            s.conn,
                            s.step
                        ),
                        format!("frameproof.conformance.{}", r.transport),
                    );
                    if let Outcome::Fail {
                        reason,
                        diff,
                        expected,
                        actual,
                    } = &s.outcome
                    {
                        let mut details = diff.join("\n");
                        if let Some(e) = expected {
                            details.push_str(&format!("\nexpected: {e}"));
                        }
                        if let Some(a) = actual {
                            details.push_str(&format!("\nactual: {a}"));
                        }
                        case.outcome = CaseOutcome::Failed(vec![Failure {
                            kind: None,
                            message: reason.clone(),
                            details,
                        }]);
                    }
                    case
                })
                .collect(),
        })
        .collect();
    frameproof_reports::junit::write(&Report {
        name: "frameproof conformance".into(),
        suites,
    })
}

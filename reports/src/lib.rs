//! The machine-readable reports of frameproof's tools, written in one place.
//!
//! Each capability (validate, conformance, diff) maps its results onto a small data model and
//! hands it to one writer per format:
//!
//! - [`json`]: JSON lines (one object per line) and whole JSON documents;
//! - [`junit`]: JUnit XML from a [`Report`] of [`Suite`]s of [`Case`]s;
//! - [`github`]: GitHub Actions workflow commands (`::error file=…::message`) from [`Finding`]s;
//! - [`sarif`]: SARIF 2.1.0 from a [`Tool`] and [`Finding`]s.
//!
//! The escaping each format needs lives here too, once: [`xml::escape_text`] and
//! [`xml::escape_attribute`] (which also replace the characters XML 1.0 forbids), and
//! [`github::escape_data`] and [`github::escape_property`].

pub mod github;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod xml;

/// A run as JUnit sees it: named test suites of test cases.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    /// The `name` of `<testsuites>`, e.g. `frameproof validate`.
    pub name: String,
    pub suites: Vec<Suite>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Suite {
    pub name: String,
    pub cases: Vec<Case>,
    /// Seconds, when the suite was timed.
    pub time: Option<f64>,
}

impl Suite {
    /// Cases with at least one failure.
    pub fn failures(&self) -> usize {
        self.cases
            .iter()
            .filter(|c| matches!(c.outcome, Outcome::Failed(_)))
            .count()
    }

    pub fn skipped(&self) -> usize {
        self.cases
            .iter()
            .filter(|c| matches!(c.outcome, Outcome::Skipped { .. }))
            .count()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub name: String,
    pub classname: String,
    pub outcome: Outcome,
    /// Seconds, when the case was timed.
    pub time: Option<f64>,
    /// Text that is neither a failure nor a reason to skip (warnings, notes).
    pub system_out: Option<String>,
}

impl Case {
    /// A passing case with no output.
    pub fn new(name: impl Into<String>, classname: impl Into<String>) -> Case {
        Case {
            name: name.into(),
            classname: classname.into(),
            outcome: Outcome::Passed,
            time: None,
            system_out: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Passed,
    /// One or more failures (a case may fail several ways: a connection with several errors).
    Failed(Vec<Failure>),
    Skipped {
        message: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// The failure's `type`, e.g. a rule id.
    pub kind: Option<String>,
    /// One line: the failure's `message` attribute.
    pub message: String,
    /// The element's text: where, what differed.
    pub details: String,
}

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Error,
    Warning,
    /// For information: GitHub's `notice`, SARIF's `note`.
    Note,
}

/// One thing a tool found, at a place: what GitHub annotations and SARIF results carry.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule_id: String,
    pub level: Level,
    pub message: String,
    /// The file it is in (a path or URI relative to the repository), when there is one.
    pub file: Option<String>,
    /// 1-based line in `file`, when known.
    pub line: Option<u64>,
    /// The JSON pointer of the value it is about, when there is one.
    pub pointer: Option<String>,
    /// The annotation's title; `frameproof <rule_id>` when not set.
    pub title: Option<String>,
    /// Set when the finding is accepted (an ignore file's reason): GitHub shows it as a
    /// notice, SARIF as a suppressed result.
    pub accepted: Option<String>,
    /// More facts for SARIF's property bag (connection, frame, …).
    pub properties: serde_json::Map<String, serde_json::Value>,
}

impl Finding {
    pub fn new(rule_id: impl Into<String>, level: Level, message: impl Into<String>) -> Finding {
        Finding {
            rule_id: rule_id.into(),
            level,
            message: message.into(),
            file: None,
            line: None,
            pointer: None,
            title: None,
            accepted: None,
            properties: serde_json::Map::new(),
        }
    }
}

/// The tool a SARIF run names, with the rules its results may cite.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Tool {
    pub name: String,
    pub version: String,
    pub information_uri: Option<String>,
    pub rules: Vec<RuleInfo>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RuleInfo {
    pub id: String,
    /// What breaks the rule, in a sentence.
    pub description: String,
}

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

#![warn(missing_docs)]

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
    /// One `<testsuite>` each, in this order.
    pub suites: Vec<Suite>,
}

/// A `<testsuite>`: its failure and skip counts are computed from its cases.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Suite {
    /// The suite's `name`: what was checked, e.g. the capture file validated.
    pub name: String,
    /// One `<testcase>` each, in this order.
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

    /// Cases skipped, for the suite's `skipped` attribute.
    pub fn skipped(&self) -> usize {
        self.cases
            .iter()
            .filter(|c| matches!(c.outcome, Outcome::Skipped { .. }))
            .count()
    }
}

/// A `<testcase>`: passed, failed one or more ways, or skipped.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// The case's `name`: what one check was about, e.g. a connection of a capture.
    pub name: String,
    /// The case's `classname`, which CI groups cases by, e.g. `frameproof.validate`.
    pub classname: String,
    /// Passed unless set otherwise (see [`Case::new`]).
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

/// How a case ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// No `<failure>` and no `<skipped>` element.
    Passed,
    /// One or more failures (a case may fail several ways: a connection with several errors).
    Failed(Vec<Failure>),
    /// Not run: a `<skipped>` element.
    Skipped {
        /// Why it was not run: the `message` attribute of `<skipped>`.
        message: String,
    },
}

/// A `<failure>` element of a failed case.
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
    /// The most serious: GitHub's `error`, SARIF's `error`.
    Error,
    /// Less serious than an error: GitHub's `warning`, SARIF's `warning`.
    Warning,
    /// For information: GitHub's `notice`, SARIF's `note`.
    Note,
}

/// One thing a tool found, at a place: what GitHub annotations and SARIF results carry.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The id of the rule broken, as SARIF's `ruleId` and in the default title; it is matched
    /// against [`Tool::rules`].
    pub rule_id: String,
    /// How much it matters; an accepted finding is a GitHub notice whatever its level.
    pub level: Level,
    /// The annotation's or result's message; may span lines (escaped per format).
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
    /// A finding with no place, title, acceptance or properties.
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
    /// The `driver.name` of the SARIF run, e.g. `frameproof`.
    pub name: String,
    /// The driver's `version`; left out when empty.
    pub version: String,
    /// The driver's `informationUri` (a URL to the tool's docs); left out when `None`.
    pub information_uri: Option<String>,
    /// The rules results may cite; a result whose rule is listed carries its `ruleIndex`.
    pub rules: Vec<RuleInfo>,
}

/// A rule as the SARIF driver lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleInfo {
    /// The rule's id, as findings' `rule_id` spell it.
    pub id: String,
    /// What breaks the rule, in a sentence.
    pub description: String,
}

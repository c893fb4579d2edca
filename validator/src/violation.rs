//! What a check finds: a [`Violation`] says where (source, connection, frame, pointer), what
//! (the rule and the schema keyword), and why, in a sentence a person understands.

use serde::Serialize;

use frameproof_schema::Direction;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// Where a frame came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The capture file, `<stdin>`, or `live` for the proxy.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub file: String,
    /// 1-based line in a JSONL file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// 0-based entry index in a HAR file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub har_entry: Option<u64>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub connection: String,
    /// 0-based index of the frame within its connection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frame: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// A stable rule id, e.g. `payload.schema`, `session.unknown_response_id`.
    pub rule: &'static str,
    pub severity: Severity,
    #[serde(flatten)]
    pub location: Location,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    /// The action or event concerned, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// JSON pointer into the frame (or the REST body) of the offending value.
    pub pointer: String,
    /// The JSON Schema keyword that failed, when a schema failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keyword: Option<String>,
    pub message: String,
    /// The offending value, shortened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<String>,
}

impl Violation {
    pub fn new(
        rule: &'static str,
        severity: Severity,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Violation {
            rule,
            severity,
            location: Location::default(),
            direction: None,
            item: None,
            pointer: pointer.into(),
            keyword: None,
            message: message.into(),
            excerpt: None,
        }
    }

    pub fn error(
        rule: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Violation::new(rule, Severity::Error, pointer, message)
    }

    pub fn warning(
        rule: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Violation::new(rule, Severity::Warning, pointer, message)
    }

    pub fn with_item(mut self, item: impl Into<String>) -> Self {
        self.item = Some(item.into());
        self
    }

    pub fn with_excerpt(mut self, value: &serde_json::Value) -> Self {
        self.excerpt = Some(excerpt(value));
        self
    }
}

/// A value as compact JSON, cut to 80 characters.
pub fn excerpt(value: &serde_json::Value) -> String {
    let text = value.to_string();
    shorten(&text, 80)
}

pub(crate) fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{cut}…")
}

//! The ignore file: changes a team has reviewed and accepted, each by rule id and pointer, with
//! a reason. TOML or JSON:
//!
//! ```toml
//! [[accept]]
//! rule = "response-enum-value-added"
//! pointer = "/$defs/TaskStatus/enum/4"
//! reason = "Every client renders unknown statuses as 'other' since 1.1 (#412)."
//! ```
//!
//! ```json
//! { "accept": [ { "rule": "...", "pointer": "...", "reason": "..." } ] }
//! ```
//!
//! The pointer matches a change's pointer in either document. Every entry needs a non-empty
//! reason and a rule id from the catalogue; anything else makes the file unusable.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::rules::RuleId;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IgnoreFile {
    #[serde(default)]
    pub accept: Vec<Accept>,
}

/// One accepted change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accept {
    /// A rule id, e.g. `response-field-removed`.
    pub rule: String,
    /// The change's JSON pointer in the old or the new document.
    pub pointer: String,
    /// Why the change is fine. Mandatory.
    pub reason: String,
}

#[derive(Debug, thiserror::Error)]
pub enum IgnoreError {
    #[error("{path}: cannot read the ignore file: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{origin}: not a valid {format} ignore file: {message}")]
    Syntax {
        origin: String,
        format: &'static str,
        message: String,
    },
    #[error("{origin}: accept entry {index} (rule `{rule}`): {message}")]
    Entry {
        origin: String,
        index: usize,
        rule: String,
        message: String,
    },
}

/// The two formats an ignore file may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IgnoreFormat {
    Toml,
    Json,
}

impl IgnoreFile {
    /// Reads a file: `.toml` is TOML, `.json` is JSON, anything else is tried as JSON then TOML.
    pub fn load(path: &Path) -> Result<IgnoreFile, IgnoreError> {
        let text = std::fs::read_to_string(path).map_err(|source| IgnoreError::Io {
            path: path.to_owned(),
            source,
        })?;
        let origin = path.display().to_string();
        match path.extension().and_then(|e| e.to_str()) {
            Some("toml") => IgnoreFile::parse(&text, IgnoreFormat::Toml, &origin),
            Some("json") => IgnoreFile::parse(&text, IgnoreFormat::Json, &origin),
            _ => IgnoreFile::parse(&text, IgnoreFormat::Json, &origin)
                .or_else(|_| IgnoreFile::parse(&text, IgnoreFormat::Toml, &origin)),
        }
    }

    pub fn parse(
        text: &str,
        format: IgnoreFormat,
        origin: &str,
    ) -> Result<IgnoreFile, IgnoreError> {
        let file: IgnoreFile = match format {
            IgnoreFormat::Json => serde_json::from_str(text).map_err(|e| IgnoreError::Syntax {
                origin: origin.to_owned(),
                format: "JSON",
                message: e.to_string(),
            })?,
            IgnoreFormat::Toml => toml::from_str(text).map_err(|e| IgnoreError::Syntax {
                origin: origin.to_owned(),
                format: "TOML",
                message: e.message().to_owned(),
            })?,
        };
        for (index, entry) in file.accept.iter().enumerate() {
            let fail = |message: String| IgnoreError::Entry {
                origin: origin.to_owned(),
                index,
                rule: entry.rule.clone(),
                message,
            };
            if RuleId::from_id(&entry.rule).is_none() {
                return Err(fail("no rule has this id; see docs/versioning.md".into()));
            }
            if entry.reason.trim().is_empty() {
                return Err(fail(
                    "a reason is mandatory: say why the change is fine".into(),
                ));
            }
            if let Err(e) = frameproof_schema::pointer::segments(&entry.pointer) {
                return Err(fail(e.to_string()));
            }
        }
        Ok(file)
    }

    /// The entry that accepts a change of `rule` at `old`/`new`, with its index.
    pub fn find(&self, rule: RuleId, old: &str, new: &str) -> Option<(usize, &Accept)> {
        self.accept
            .iter()
            .enumerate()
            .find(|(_, a)| a.rule == rule.id() && (a.pointer == old || a.pointer == new))
    }
}

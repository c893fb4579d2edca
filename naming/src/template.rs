//! `{name}` templates: REST paths (`/tasks/{id}`) and topic patterns (`task:{task_id}`).

use std::collections::BTreeMap;
use std::fmt;

/// One piece of a parsed template, in source order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplatePart {
    /// Text matched and rendered as it is (`/tasks/`, `task:`).
    Literal(String),
    /// A `{name}` placeholder, holding the name without braces; it follows the field-name rule.
    Param(String),
}

/// A parsed template. Parameters are separated by literal text, so rendering and matching are
/// unambiguous: `{a}{b}` is rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    source: String,
    parts: Vec<TemplatePart>,
}

/// Why a template does not parse (unbalanced braces, adjacent or repeated parameters, a
/// parameter name that breaks the field-name rule).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// The template as written, quoted in the message.
    pub template: String,
    /// What is wrong with it, as a sentence fragment.
    pub reason: String,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "template `{}`: {}", self.template, self.reason)
    }
}

impl std::error::Error for TemplateError {}

/// A template rendered without a value for one of its parameters (named here).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no value for `{{{0}}}`")]
pub struct MissingValue(pub String);

impl Template {
    /// Parses `{name}` placeholders out of `source`; names follow [`crate::check_field_name`],
    /// appear once, and are separated by literal text.
    pub fn parse(source: &str) -> Result<Template, TemplateError> {
        let err = |reason: String| TemplateError {
            template: source.to_owned(),
            reason,
        };
        let mut parts = Vec::new();
        let mut rest = source;
        while let Some(open) = rest.find(['{', '}']) {
            if rest.as_bytes()[open] == b'}' {
                return Err(err("`}` without a matching `{`".into()));
            }
            if open > 0 {
                parts.push(TemplatePart::Literal(rest[..open].to_owned()));
            } else if matches!(parts.last(), Some(TemplatePart::Param(_))) {
                return Err(err(
                    "two parameters must be separated by literal text".into()
                ));
            }
            let after = &rest[open + 1..];
            let close = after
                .find('}')
                .ok_or_else(|| err("`{` without a matching `}`".into()))?;
            let name = &after[..close];
            crate::check_field_name(name).map_err(|e| err(e.to_string()))?;
            if parts
                .iter()
                .any(|p| matches!(p, TemplatePart::Param(n) if n == name))
            {
                return Err(err(format!("parameter `{{{name}}}` appears twice")));
            }
            parts.push(TemplatePart::Param(name.to_owned()));
            rest = &after[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(TemplatePart::Literal(rest.to_owned()));
        }
        Ok(Template {
            source: source.to_owned(),
            parts,
        })
    }

    /// The template exactly as it was parsed.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Literals and parameters in source order; no two parameters are adjacent.
    pub fn parts(&self) -> &[TemplatePart] {
        &self.parts
    }

    /// Parameter names in order of appearance.
    pub fn params(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            TemplatePart::Param(n) => Some(n.as_str()),
            TemplatePart::Literal(_) => None,
        })
    }

    /// Renders the template, percent-encoding each value so that it stays one path segment.
    /// The error names the first parameter without a value.
    pub fn render(&self, values: &BTreeMap<String, String>) -> Result<String, MissingValue> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                TemplatePart::Literal(l) => out.push_str(l),
                TemplatePart::Param(n) => {
                    let v = values.get(n).ok_or_else(|| MissingValue(n.clone()))?;
                    out.push_str(&percent_encode(v));
                }
            }
        }
        Ok(out)
    }

    /// Matches a concrete string (a request path, a topic) and returns the decoded parameter
    /// values. A parameter matches one or more characters up to the next literal; it never
    /// spans a `/`.
    pub fn matches(&self, input: &str) -> Option<BTreeMap<String, String>> {
        let mut values = BTreeMap::new();
        let mut rest = input;
        let mut parts = self.parts.iter().peekable();
        while let Some(part) = parts.next() {
            match part {
                TemplatePart::Literal(l) => rest = rest.strip_prefix(l.as_str())?,
                TemplatePart::Param(n) => {
                    let end = match parts.peek() {
                        Some(TemplatePart::Literal(next)) => {
                            let slash = rest.find('/').unwrap_or(rest.len());
                            rest[..slash].find(next.as_str()).or_else(|| {
                                // the next literal may itself start with `/`
                                next.starts_with('/').then_some(slash)
                            })?
                        }
                        _ => rest.find('/').unwrap_or(rest.len()),
                    };
                    if end == 0 {
                        return None;
                    }
                    values.insert(n.clone(), percent_decode(&rest[..end])?);
                    rest = &rest[end..];
                }
            }
        }
        rest.is_empty().then_some(values)
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b':' | b'@')
}

/// Percent-encodes everything but RFC 3986's unreserved characters (and `:`/`@`, which are
/// allowed in a path segment and common in ids).
pub(crate) fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if is_unreserved(b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub(crate) fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendering_without_a_value_names_the_parameter() {
        let t = Template::parse("/tasks/{id}").unwrap();
        let e = t.render(&BTreeMap::new()).unwrap_err();
        assert_eq!(e, MissingValue("id".into()));
        assert_eq!(e.to_string(), "no value for `{id}`");
    }
    use proptest::prelude::*;

    #[test]
    fn parses_paths_and_topics() {
        let t = Template::parse("/tasks/{id}/comments/{comment_id}").unwrap();
        assert_eq!(t.params().collect::<Vec<_>>(), ["id", "comment_id"]);
        let t = Template::parse("task:{task_id}").unwrap();
        assert_eq!(t.params().collect::<Vec<_>>(), ["task_id"]);
    }

    #[test]
    fn rejects_malformed_templates() {
        for bad in [
            "/tasks/{id",
            "/tasks/id}",
            "/t/{}",
            "/t/{1x}",
            "/t/{a}{b}",
            "/t/{a}/{a}",
        ] {
            assert!(Template::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn matching() {
        let t = Template::parse("/api/tasks/{id}").unwrap();
        assert_eq!(
            t.matches("/api/tasks/t_1")
                .unwrap()
                .get("id")
                .map(String::as_str),
            Some("t_1")
        );
        assert!(t.matches("/api/tasks/").is_none());
        assert!(t.matches("/api/tasks/a/b").is_none());
        assert!(t.matches("/api/projects/1").is_none());
        let t = Template::parse("/api/rooms/{room}/history").unwrap();
        assert_eq!(
            t.matches("/api/rooms/r%2F1/history").unwrap()["room"],
            "r/1"
        );
    }

    proptest! {
        /// A path template renders and parses back to the same parameters for arbitrary values.
        #[test]
        fn render_then_match_round_trips(
            a in "\\PC{1,20}",
            b in "\\PC{1,20}",
        ) {
            let t = Template::parse("/api/orgs/{org}/tasks/{id}/x").unwrap();
            let values: BTreeMap<String, String> =
                [("org".to_owned(), a), ("id".to_owned(), b)].into_iter().collect();
            let rendered = t.render(&values).unwrap();
            prop_assert_eq!(t.matches(&rendered), Some(values));
        }

        #[test]
        fn topic_round_trips(room in "[a-zA-Z0-9_-]{1,12}") {
            let t = Template::parse("chat:{room}").unwrap();
            let values: BTreeMap<String, String> = [("room".to_owned(), room)].into_iter().collect();
            let rendered = t.render(&values).unwrap();
            prop_assert_eq!(t.matches(&rendered), Some(values));
        }
    }
}

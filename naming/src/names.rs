//! Name rules. Each check returns a sentence that says what is wrong and how to fix it.

/// A name, code or version that breaks a rule: its message says what is wrong and how to fix
/// it; a version that does not parse keeps the parser's error as its source.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NameError {
    /// A naming rule (the message names the rule and an example).
    #[error("{0}")]
    Rule(String),
    /// Not a semantic version.
    #[error("`{version}` is not a semantic version like `1.2.0`: {source}")]
    Version {
        version: String,
        #[source]
        source: semver::Error,
    },
}

fn rule(message: String) -> Result<(), NameError> {
    Err(NameError::Rule(message))
}

/// An action name is `resource.verb`: two or more dot-separated segments of lower snake case,
/// e.g. `time_entries.start` or `orgs.members.list`.
pub fn check_action_name(name: &str) -> Result<(), NameError> {
    let segments: Vec<&str> = name.split('.').collect();
    if segments.len() < 2 {
        return rule(format!(
            "action name `{name}` must look like `resource.verb` (e.g. `tasks.update`): \
             at least two dot-separated segments"
        ));
    }
    for segment in &segments {
        if !is_snake_segment(segment) {
            return rule(format!(
                "action name `{name}` has segment `{segment}`: each segment must be lower snake case \
                 (a-z, 0-9, `_`, starting with a letter)"
            ));
        }
    }
    Ok(())
}

/// An error code is lower snake case, e.g. `not_found`.
pub fn check_error_code(code: &str) -> Result<(), NameError> {
    if is_snake_segment(code) {
        Ok(())
    } else {
        rule(format!(
            "error code `{code}` must be lower snake case (a-z, 0-9, `_`, starting with a letter), \
             e.g. `not_found`"
        ))
    }
}

/// An event name starts with a letter and uses letters, digits, `_`, `.`, `:` or `-`.
/// `TaskUpdated`, `NEW_MESSAGE` and `task.updated` are all accepted: existing protocols differ.
pub fn check_event_name(name: &str) -> Result<(), NameError> {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-'));
    if first_ok && rest_ok {
        Ok(())
    } else {
        rule(format!(
            "event name `{name}` must start with a letter and contain only letters, digits, \
             `_`, `.`, `:` or `-`"
        ))
    }
}

/// A path or topic parameter names a field: letters, digits and `_`, not starting with a digit.
pub fn check_field_name(name: &str) -> Result<(), NameError> {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if first_ok && chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(())
    } else {
        rule(format!(
            "parameter `{{{name}}}` must name a field: letters, digits and `_`, not starting with a digit"
        ))
    }
}

/// Versions (`since`, contract versions) are semantic versions such as `1.2.0`.
pub fn check_version(version: &str) -> Result<(), NameError> {
    semver::Version::parse(version)
        .map(|_| ())
        .map_err(|source| NameError::Version {
            version: version.to_owned(),
            source,
        })
}

fn is_snake_segment(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_version_keeps_the_parser_error() {
        let e = check_version("1.x").expect_err("not semver");
        assert!(e
            .to_string()
            .starts_with("`1.x` is not a semantic version like `1.2.0`: "));
        let source = std::error::Error::source(&e).expect("a source");
        assert!(source.is::<semver::Error>());
        assert!(matches!(
            check_action_name("start"),
            Err(NameError::Rule(_))
        ));
    }

    #[test]
    fn action_names() {
        assert!(check_action_name("time_entries.start").is_ok());
        assert!(check_action_name("orgs.members.list").is_ok());
        assert!(check_action_name("start").is_err());
        assert!(check_action_name("Tasks.update").is_err());
        assert!(check_action_name("tasks..update").is_err());
        assert!(check_action_name("tasks.update-all").is_err());
    }

    #[test]
    fn event_names() {
        for ok in ["TaskUpdated", "NEW_MESSAGE", "task.updated", "ADDED"] {
            assert!(check_event_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "1Task", "task updated", "tâche"] {
            assert!(check_event_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn versions() {
        assert!(check_version("1.0.0").is_ok());
        assert!(check_version("1.0").is_err());
        assert!(check_version("v1.0.0").is_err());
    }
}

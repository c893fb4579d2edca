//! Name rules. Each check returns a sentence that says what is wrong and how to fix it.

/// An action name is `resource.verb`: two or more dot-separated segments of lower snake case,
/// e.g. `time_entries.start` or `orgs.members.list`.
pub fn check_action_name(name: &str) -> Result<(), String> {
    let segments: Vec<&str> = name.split('.').collect();
    if segments.len() < 2 {
        return Err(format!(
            "action name `{name}` must look like `resource.verb` (e.g. `tasks.update`): \
             at least two dot-separated segments"
        ));
    }
    for segment in &segments {
        if !is_snake_segment(segment) {
            return Err(format!(
                "action name `{name}` has segment `{segment}`: each segment must be lower snake case \
                 (a-z, 0-9, `_`, starting with a letter)"
            ));
        }
    }
    Ok(())
}

/// An error code is lower snake case, e.g. `not_found`.
pub fn check_error_code(code: &str) -> Result<(), String> {
    if is_snake_segment(code) {
        Ok(())
    } else {
        Err(format!(
            "error code `{code}` must be lower snake case (a-z, 0-9, `_`, starting with a letter), \
             e.g. `not_found`"
        ))
    }
}

/// An event name starts with a letter and uses letters, digits, `_`, `.`, `:` or `-`.
/// `TaskUpdated`, `NEW_MESSAGE` and `task.updated` are all accepted: existing protocols differ.
pub fn check_event_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-'));
    if first_ok && rest_ok {
        Ok(())
    } else {
        Err(format!(
            "event name `{name}` must start with a letter and contain only letters, digits, \
             `_`, `.`, `:` or `-`"
        ))
    }
}

/// A path or topic parameter names a field: letters, digits and `_`, not starting with a digit.
pub fn check_field_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if first_ok && chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(())
    } else {
        Err(format!(
            "parameter `{{{name}}}` must name a field: letters, digits and `_`, not starting with a digit"
        ))
    }
}

/// Versions (`since`, contract versions) are semantic versions such as `1.2.0`.
pub fn check_version(version: &str) -> Result<(), String> {
    semver::Version::parse(version)
        .map(|_| ())
        .map_err(|e| format!("`{version}` is not a semantic version like `1.2.0`: {e}"))
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

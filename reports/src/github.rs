//! GitHub Actions workflow commands: `::error file=F,line=N,title=T::message`.
//!
//! The escaping is the one GitHub's toolkit applies (`@actions/core`'s `command.ts`) and the
//! runner undoes: in the message `%`, carriage return and line feed become `%25`, `%0D`,
//! `%0A`; in a property value `:` and `,` also become `%3A` and `%2C` (they separate the
//! properties from each other and from the message).

use crate::{Finding, Level};

/// Escapes a command's message.
pub fn escape_data(s: &str) -> String {
    escape(s, false)
}

/// Escapes a property value (`file=`, `title=`).
pub fn escape_property(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, property: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            c => out.push(c),
        }
    }
    out
}

/// The command a finding becomes: `error`, `warning` or `notice` (an accepted finding is a
/// notice whatever its level).
pub fn command(f: &Finding) -> &'static str {
    match (f.accepted.is_some(), f.level) {
        (true, _) | (_, Level::Note) => "notice",
        (_, Level::Warning) => "warning",
        (_, Level::Error) => "error",
    }
}

/// One annotation, without a newline at the end.
pub fn annotation(f: &Finding) -> String {
    let mut props = Vec::new();
    if let Some(file) = &f.file {
        props.push(format!("file={}", escape_property(file)));
    }
    if let Some(line) = f.line {
        props.push(format!("line={line}"));
    }
    let title = match &f.title {
        Some(t) => escape_property(t),
        None => escape_property(&format!("frameproof {}", f.rule_id)),
    };
    props.push(format!("title={title}"));
    format!(
        "::{} {}::{}",
        command(f),
        props.join(","),
        escape_data(&f.message)
    )
}

/// Annotations, each ended by a newline.
pub fn annotations<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> String {
    let mut out = String::new();
    for f in findings {
        out.push_str(&annotation(f));
        out.push('\n');
    }
    out
}

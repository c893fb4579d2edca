//! Identifiers for generated code: TypeScript names from contract names, and a namer that keeps
//! every generated name unique.

use std::collections::{BTreeMap, BTreeSet};

/// Words TypeScript reserves (or that would shadow a global type in a type position).
const RESERVED: &[&str] = &[
    "any",
    "as",
    "await",
    "bigint",
    "boolean",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "declare",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "implements",
    "import",
    "in",
    "infer",
    "instanceof",
    "interface",
    "keyof",
    "let",
    "never",
    "new",
    "null",
    "number",
    "object",
    "package",
    "private",
    "protected",
    "public",
    "readonly",
    "return",
    "static",
    "string",
    "super",
    "switch",
    "symbol",
    "this",
    "throw",
    "true",
    "try",
    "type",
    "typeof",
    "undefined",
    "unique",
    "unknown",
    "var",
    "void",
    "while",
    "with",
    "yield",
    // global types a generated alias must not shadow
    "Array",
    "Record",
    "Promise",
    "Error",
    "Date",
    "Map",
    "Set",
    "Object",
    "String",
    "Number",
    "Boolean",
    "Function",
    "Symbol",
    "BigInt",
    "JSON",
    "Partial",
    "Readonly",
    "WebSocket",
];

/// A TypeScript identifier from any text: characters outside `[A-Za-z0-9_$]` become `_`, a
/// leading digit gets a `_` in front, reserved words get a `_` behind.
pub fn ident(raw: &str) -> String {
    let mut out: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '$' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() {
        out.push('_');
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if RESERVED.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// `time_entries.start` → `TimeEntriesStart`, `NEW_MESSAGE` → `NewMessage`, `task:updated` →
/// `TaskUpdated`, `TaskUpdated` stays.
pub fn pascal(raw: &str) -> String {
    let words: Vec<&str> = raw
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = String::new();
    for w in words {
        let all_upper = w.chars().all(|c| !c.is_ascii_lowercase());
        let mut chars = w.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            let rest: String = chars.collect();
            if all_upper {
                out.push_str(&rest.to_ascii_lowercase());
            } else {
                out.push_str(&rest);
            }
        }
    }
    ident(&out)
}

/// `time_entries.start` → `timeEntriesStart`.
pub fn camel(raw: &str) -> String {
    let p = pascal(raw);
    let mut chars = p.chars();
    match chars.next() {
        Some(first) => ident(&format!("{}{}", first.to_ascii_lowercase(), chars.as_str())),
        None => "_".into(),
    }
}

/// A property key: bare when it is an identifier, quoted otherwise.
pub fn prop_key(name: &str) -> String {
    let bare = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if bare {
        name.to_owned()
    } else {
        js_string(name)
    }
}

/// A JavaScript string literal (double quotes), safe inside `<script>` too.
pub fn js_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Hands out unique names: the first asker of a name gets it, later ones get a suffix.
#[derive(Debug, Default, Clone)]
pub struct Namer {
    taken: BTreeSet<String>,
}

impl Namer {
    /// A namer with nothing taken yet.
    pub fn new() -> Namer {
        Namer::default()
    }

    /// Reserves a name that generated code defines itself.
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_owned());
    }

    /// A unique name based on `wanted`.
    pub fn claim(&mut self, wanted: &str) -> String {
        let base = ident(wanted);
        if self.taken.insert(base.clone()) {
            return base;
        }
        for n in 2.. {
            let candidate = format!("{base}{n}");
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
        base
    }
}

/// Unique component keys (`^[A-Za-z0-9._-]+$`, as AsyncAPI and OpenAPI require) for def names.
pub fn component_keys<'a>(names: impl Iterator<Item = &'a String>) -> BTreeMap<String, String> {
    let mut taken = BTreeSet::new();
    let mut out = BTreeMap::new();
    for name in names {
        let base: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let base = if base.is_empty() { "_".into() } else { base };
        let mut key = base.clone();
        let mut n = 2;
        while !taken.insert(key.clone()) {
            key = format!("{base}_{n}");
            n += 1;
        }
        out.insert(name.clone(), key);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        assert_eq!(pascal("time_entries.start"), "TimeEntriesStart");
        assert_eq!(pascal("NEW_MESSAGE"), "NewMessage");
        assert_eq!(pascal("task:updated"), "TaskUpdated");
        assert_eq!(pascal("TaskUpdated"), "TaskUpdated");
        assert_eq!(pascal("orgs.members.list"), "OrgsMembersList");
        assert_eq!(camel("time_entries.start"), "timeEntriesStart");
        assert_eq!(ident("Page<Task>"), "Page_Task_");
        assert_eq!(ident("2fa"), "_2fa");
        assert_eq!(ident("string"), "string_");
        assert_eq!(prop_key("a-b"), "\"a-b\"");
        assert_eq!(prop_key("ok_1"), "ok_1");
        assert_eq!(js_string("</script>"), "\"\\u003c/script\\u003e\"");
    }

    #[test]
    fn namer_is_unique() {
        let mut n = Namer::new();
        n.reserve("Client");
        assert_eq!(n.claim("Client"), "Client2");
        assert_eq!(n.claim("Task"), "Task");
        assert_eq!(n.claim("Task"), "Task2");
    }

    #[test]
    fn component_keys_are_unique_and_valid() {
        let names = ["a b".to_string(), "a_b".to_string(), "Ok".to_string()];
        let keys = component_keys(names.iter());
        assert_eq!(keys["a b"], "a_b");
        assert_eq!(keys["a_b"], "a_b_2");
        assert_eq!(keys["Ok"], "Ok");
    }
}

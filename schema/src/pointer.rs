//! RFC 6901 JSON pointers, as the envelope layout uses them.

use serde_json::Value;

/// Splits a pointer into unescaped segments. `""` is the whole document.
pub fn segments(pointer: &str) -> Result<Vec<String>, String> {
    if pointer.is_empty() {
        return Ok(Vec::new());
    }
    let rest = pointer
        .strip_prefix('/')
        .ok_or_else(|| format!("JSON pointer `{pointer}` must be empty or start with `/`"))?;
    rest.split('/')
        .map(|s| {
            if s.contains('~') && !valid_escapes(s) {
                Err(format!(
                    "JSON pointer `{pointer}` has `~` not followed by 0 or 1"
                ))
            } else {
                Ok(s.replace("~1", "/").replace("~0", "~"))
            }
        })
        .collect()
}

fn valid_escapes(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter()
        .enumerate()
        .all(|(i, &c)| c != b'~' || matches!(b.get(i + 1), Some(b'0' | b'1')))
}

/// Escapes one segment for use in a pointer.
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Appends a segment to a pointer.
pub fn push(pointer: &str, segment: &str) -> String {
    format!("{pointer}/{}", escape(segment))
}

/// Looks a pointer up in a value (`serde_json::Value::pointer` with a parsed pointer).
pub fn get<'v>(value: &'v Value, segments: &[String]) -> Option<&'v Value> {
    segments.iter().try_fold(value, |v, seg| match v {
        Value::Object(map) => map.get(seg),
        Value::Array(items) => seg.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses() {
        assert_eq!(segments("").unwrap(), Vec::<String>::new());
        assert_eq!(segments("/a/b~1c/d~0").unwrap(), ["a", "b/c", "d~"]);
        assert!(segments("a").is_err());
        assert!(segments("/a~2").is_err());
        assert_eq!(push("/actions", "tasks/x"), "/actions/tasks~1x");
    }
}

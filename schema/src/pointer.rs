//! RFC 6901 JSON pointers, as the envelope layout uses them.

use serde_json::Value;

/// A string that is not an RFC 6901 JSON pointer; holds the pointer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PointerError {
    #[error("JSON pointer `{0}` must be empty or start with `/`")]
    NoLeadingSlash(String),
    #[error("JSON pointer `{0}` has `~` not followed by 0 or 1")]
    BadEscape(String),
}

/// Splits a pointer into unescaped segments. `""` is the whole document.
pub fn segments(pointer: &str) -> Result<Vec<String>, PointerError> {
    if pointer.is_empty() {
        return Ok(Vec::new());
    }
    let rest = pointer
        .strip_prefix('/')
        .ok_or_else(|| PointerError::NoLeadingSlash(pointer.to_owned()))?;
    rest.split('/')
        .map(|s| {
            if s.contains('~') && !valid_escapes(s) {
                Err(PointerError::BadEscape(pointer.to_owned()))
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

/// Sets `new` at a parsed pointer, creating objects on the way (a member that is not an object
/// is replaced by one; an array index that exists is followed, one that does not is a member).
pub fn set(value: &mut Value, segments: &[String], new: Value) {
    let Some((first, rest)) = segments.split_first() else {
        *value = new;
        return;
    };
    if let Value::Array(items) = value {
        if let Some(item) = first.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
            set(item, rest, new);
            return;
        }
    }
    if !value.is_object() {
        *value = Value::Object(serde_json::Map::new());
    }
    if let Value::Object(map) = value {
        set(map.entry(first.clone()).or_insert(Value::Null), rest, new);
    }
}

/// Removes what a parsed pointer names; returns it. The whole document cannot be removed.
pub fn remove(value: &mut Value, segments: &[String]) -> Option<Value> {
    let (last, parents) = segments.split_last()?;
    let parent = parents.iter().try_fold(value, |v, seg| match v {
        Value::Object(map) => map.get_mut(seg),
        Value::Array(items) => seg.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
        _ => None,
    })?;
    match parent {
        Value::Object(map) => map.remove(last),
        Value::Array(items) => {
            let i = last.parse::<usize>().ok().filter(|i| *i < items.len())?;
            Some(items.remove(i))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses() {
        assert_eq!(segments("").unwrap(), Vec::<String>::new());
        assert_eq!(segments("/a/b~1c/d~0").unwrap(), ["a", "b/c", "d~"]);
        assert_eq!(segments("a"), Err(PointerError::NoLeadingSlash("a".into())));
        assert_eq!(
            segments("/a~2"),
            Err(PointerError::BadEscape("/a~2".into()))
        );
        assert_eq!(
            segments("/a~2").unwrap_err().to_string(),
            "JSON pointer `/a~2` has `~` not followed by 0 or 1"
        );
        assert_eq!(push("/actions", "tasks/x"), "/actions/tasks~1x");
    }

    #[test]
    fn sets_and_removes() {
        let mut v = serde_json::json!({"a": [1, {"b": 2}], "s": "x"});
        set(&mut v, &segments("/a/1/c").unwrap(), 3.into());
        set(&mut v, &segments("/s/t").unwrap(), 4.into());
        set(&mut v, &segments("/n~1m").unwrap(), 5.into());
        assert_eq!(
            v,
            serde_json::json!({"a": [1, {"b": 2, "c": 3}], "s": {"t": 4}, "n/m": 5})
        );
        assert_eq!(remove(&mut v, &segments("/a/0").unwrap()), Some(1.into()));
        assert_eq!(remove(&mut v, &segments("/s/t").unwrap()), Some(4.into()));
        assert_eq!(remove(&mut v, &segments("/nope/x").unwrap()), None);
        assert_eq!(remove(&mut v, &[]), None);
        assert_eq!(
            v,
            serde_json::json!({"a": [{"b": 2, "c": 3}], "s": {}, "n/m": 5})
        );
    }
}

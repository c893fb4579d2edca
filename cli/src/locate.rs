//! Finds where a JSON pointer's value stands in a document's text, so a diagnostic can point at
//! it. A small scanner over the text (serde_json keeps no positions); it never fails, it only
//! finds less: the span of the deepest member of the pointer that exists.

/// Returns `(byte offset, length)` of the value at `pointer`, or of its nearest existing parent.
pub(crate) fn locate(text: &str, pointer: &str) -> Option<(usize, usize)> {
    let segments = frameproof::pointer::segments(pointer).ok()?;
    let bytes = text.as_bytes();
    let mut pos = skip_ws(bytes, 0);
    let mut best = value_span(bytes, pos);
    for seg in &segments {
        match bytes.get(pos)? {
            b'{' => {
                let mut p = skip_ws(bytes, pos + 1);
                let mut found = None;
                while bytes.get(p) == Some(&b'"') {
                    let key_end = string_end(bytes, p)?;
                    let key: String = serde_json::from_str(text.get(p..key_end)?).ok()?;
                    p = skip_ws(bytes, key_end);
                    p = skip_ws(bytes, p + 1); // ':'
                    if &key == seg {
                        found = Some((p, key_end));
                        break;
                    }
                    p = skip_ws(bytes, value_end(bytes, p)?);
                    if bytes.get(p) == Some(&b',') {
                        p = skip_ws(bytes, p + 1);
                    }
                }
                let Some((value_at, _)) = found else {
                    return best;
                };
                pos = value_at;
            }
            b'[' => {
                let index: usize = seg.parse().ok()?;
                let mut p = skip_ws(bytes, pos + 1);
                for _ in 0..index {
                    p = skip_ws(bytes, value_end(bytes, p)?);
                    if bytes.get(p) != Some(&b',') {
                        return best;
                    }
                    p = skip_ws(bytes, p + 1);
                }
                pos = p;
            }
            _ => return best,
        }
        best = value_span(bytes, pos);
    }
    best
}

fn value_span(bytes: &[u8], pos: usize) -> Option<(usize, usize)> {
    let end = value_end(bytes, pos)?;
    // a whole object can be long: point at its first line only
    let len = bytes[pos..end]
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(end - pos)
        .max(1);
    Some((pos, len))
}

fn skip_ws(bytes: &[u8], mut pos: usize) -> usize {
    while bytes.get(pos).is_some_and(|b| b.is_ascii_whitespace()) {
        pos += 1;
    }
    pos
}

fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut p = start + 1;
    while p < bytes.len() {
        match bytes[p] {
            b'\\' => p += 2,
            b'"' => return Some(p + 1),
            _ => p += 1,
        }
    }
    None
}

/// The byte after the value starting at `pos`.
fn value_end(bytes: &[u8], pos: usize) -> Option<usize> {
    match bytes.get(pos)? {
        b'"' => string_end(bytes, pos),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut p = pos;
            while p < bytes.len() {
                match bytes[p] {
                    b'"' => {
                        p = string_end(bytes, p)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(p + 1);
                        }
                    }
                    _ => {}
                }
                p += 1;
            }
            None
        }
        _ => {
            let mut p = pos;
            while p < bytes.len()
                && !matches!(bytes[p], b',' | b'}' | b']')
                && !bytes[p].is_ascii_whitespace()
            {
                p += 1;
            }
            Some(p)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::locate;

    #[test]
    fn finds_nested_values() {
        let text = r#"{"a": {"b~c": [1, {"x": "y"}]}, "d": true}"#;
        let (start, len) = locate(text, "/a/b~0c/1/x").unwrap();
        assert_eq!(&text[start..start + len], "\"y\"");
        let (start, len) = locate(text, "/d").unwrap();
        assert_eq!(&text[start..start + len], "true");
        // a missing member falls back to its parent
        let (start, _) = locate(text, "/a/zzz").unwrap();
        assert_eq!(&text[start..start + 1], "{");
    }
}

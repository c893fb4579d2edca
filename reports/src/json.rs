//! JSON: lines of one object each (streamed as results come), or one pretty document.

use serde::Serialize;

/// One value on one line (no newline at the end). A value serde cannot write (a map with
/// non-string keys) becomes an `internal` error object rather than a broken line.
pub fn line<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|e| {
        serde_json::json!({"rule": "internal", "message": e.to_string()}).to_string()
    })
}

/// Values as JSON lines, each ended by a newline.
pub fn lines<'a, T: Serialize + 'a>(values: impl IntoIterator<Item = &'a T>) -> String {
    let mut out = String::new();
    for v in values {
        out.push_str(&line(v));
        out.push('\n');
    }
    out
}

/// One pretty document, ended by a newline.
pub fn document<T: Serialize + ?Sized>(value: &T) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_else(|e| {
        serde_json::to_string_pretty(&serde_json::json!({"error": e.to_string()}))
            .unwrap_or_default()
    });
    text.push('\n');
    text
}

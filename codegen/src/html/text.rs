//! Text helpers shared by every part of the page: escaping, prose, anchors, frames.

use std::fmt::Write as _;

use serde_json::Value;

/// HTML-escaped text (safe in element content and in double- or single-quoted attributes).
pub(super) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escaped text with `code` spans and paragraphs.
pub(super) fn prose(text: &str) -> String {
    let mut out = String::new();
    for para in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
        let escaped = esc(para.trim());
        let mut html = String::new();
        let mut in_code = false;
        for (i, part) in escaped.split('`').enumerate() {
            if i > 0 {
                html.push_str(if in_code { "</code>" } else { "<code>" });
                in_code = !in_code;
            }
            html.push_str(part);
        }
        if in_code {
            html.push_str("</code>");
        }
        let _ = write!(out, "<p>{}</p>", html.replace('\n', " "));
    }
    out
}

/// An element id: `prefix-name` with anything but `[A-Za-z0-9._-]` turned into `-`.
pub(super) fn anchor(prefix: &str, name: &str) -> String {
    let id: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("{prefix}-{id}")
}

/// A link to a card, its text in `code`.
pub(super) fn code_link(prefix: &str, name: &str) -> String {
    format!(
        "<a href=\"#{}\"><code>{}</code></a>",
        anchor(prefix, name),
        esc(name)
    )
}

pub(super) fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// JSON compact, for a value written as text (`"a"`, `3`).
pub(super) fn compact(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// A frame as the page shows it: a caption, a copy button, the JSON text.
pub(super) fn frame_block(caption: &str, text: &str) -> String {
    format!(
        "<div class=\"frame\"><div class=\"frame-head\"><span class=\"opt\">{}</span><button type=\"button\" class=\"copy\" title=\"copy to the clipboard\">copy</button></div><pre><code>{}</code></pre></div>",
        esc(caption),
        esc(text)
    )
}

/// JSON for a `<script type="application/json">` element: `<` is written as `\u003c`, so no
/// value can close the element (`</script>`) or open a comment.
pub(super) fn script_json(v: &Value) -> String {
    serde_json::to_string(v)
        .unwrap_or_default()
        .replace('<', "\\u003c")
}

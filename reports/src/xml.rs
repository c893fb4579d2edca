//! The one XML escaper of frameproof's reports.
//!
//! XML 1.0 allows tab, line feed, carriage return and the characters from U+0020 up, except
//! U+FFFE and U+FFFF (and surrogates, which a Rust string cannot hold). Any other character
//! (U+0000–U+0008, U+000B, U+000C, U+000E–U+001F, U+FFFE, U+FFFF) cannot be written at all,
//! not even as a character reference, so it is replaced with U+FFFD: a parser would refuse the
//! whole document over one such character in a message.

use std::borrow::Cow;

/// Where the escaped text goes: an attribute value loses its tabs and line breaks to
/// attribute-value normalization unless they are written as character references.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Text,
    Attribute,
}

/// Escapes text content: `&`, `<`, `>`, quotes; a carriage return as `&#13;` (a parser turns
/// a raw one into a line feed); forbidden characters become U+FFFD.
pub fn escape_text(s: &str) -> Cow<'_, str> {
    escape(s, Place::Text)
}

/// Escapes an attribute value (written between double quotes): as [`escape_text`], and tabs
/// and line feeds as character references so they survive attribute-value normalization.
pub fn escape_attribute(s: &str) -> Cow<'_, str> {
    escape(s, Place::Attribute)
}

/// Whether XML 1.0 allows the character anywhere in a document.
pub fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn escape(s: &str, place: Place) -> Cow<'_, str> {
    let needs = |c: char| {
        matches!(c, '&' | '<' | '>' | '"' | '\'' | '\r')
            || !allowed(c)
            || (place == Place::Attribute && matches!(c, '\t' | '\n'))
    };
    if !s.chars().any(needs) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\t' if place == Place::Attribute => out.push_str("&#9;"),
            '\n' if place == Place::Attribute => out.push_str("&#10;"),
            c if !allowed(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_characters_become_replacement_characters() {
        assert_eq!(
            escape_text("a\u{0}b\u{8}c\u{B}\u{1F}\u{FFFE}\u{FFFF}"),
            "a\u{FFFD}b\u{FFFD}c\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}"
        );
        assert_eq!(
            escape_text("\t\n\u{FFFD}\u{10000}"),
            "\t\n\u{FFFD}\u{10000}"
        );
    }

    #[test]
    fn markup_and_line_breaks() {
        assert_eq!(
            escape_text("<a href=\"x\">&'</a>]]>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;]]&gt;"
        );
        assert_eq!(escape_text("a\r\nb"), "a&#13;\nb");
        assert_eq!(escape_attribute("a\r\n\tb"), "a&#13;&#10;&#9;b");
        assert!(matches!(escape_attribute("plain"), Cow::Borrowed(_)));
    }
}

//! From bytes to a parsed frame, safely: the size limit first, then one strict parse onto a
//! [`Tape`] that reports invalid UTF-8, nesting over the depth limit and duplicate keys (which
//! `serde_json::Value` would resolve silently), never panicking and never holding more than the
//! frame.

use crate::rule::Rule;
use crate::tape::{Doc, Tape, TapeError};
use crate::violation::{shorten, Violation};

/// Limits on what one frame may be, and on what reading a capture may hold. All are settings;
/// what goes over them is reported as a violation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of one frame (16 MiB); a capture line or HAR message is allowed this and the
    /// room its record's envelope and escaping take.
    pub max_frame_bytes: usize,
    /// Nesting depth of arrays and objects (at most 128, serde_json's own bound).
    pub max_depth: usize,
    /// Connections of a capture tracked at once (10,000); past it the least recently active
    /// one is given up and reported (`capture.sessions_dropped`).
    pub max_sessions: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_frame_bytes: 16 * 1024 * 1024,
            max_depth: 64,
            max_sessions: 10_000,
        }
    }
}

/// Parses one text frame onto `tape`. The error is the violation to report.
pub(crate) fn parse_frame<'a>(
    bytes: &'a [u8],
    limits: &Limits,
    tape: &'a mut Tape,
) -> Result<Doc<'a>, Box<Violation>> {
    let too_large = |limit: usize| {
        Box::new(Violation::error(
            Rule::FrameTooLarge,
            "",
            format!(
                "the frame is {} bytes, over the {limit} byte limit",
                bytes.len()
            ),
        ))
    };
    if bytes.len() > limits.max_frame_bytes {
        return Err(too_large(limits.max_frame_bytes));
    }
    // One pass of serde_json over the text checks syntax, the tape's visitor depth and duplicate
    // keys; the cause of a failure is worked out only for frames that fail.
    let failure = match std::str::from_utf8(bytes) {
        Ok(text) => match tape.parse(text, limits.max_depth) {
            Ok(doc) => return Ok(doc),
            Err(TapeError::TooLarge) => return Err(too_large(u32::MAX as usize)),
            Err(TapeError::Json(e)) => Some(e.to_string()),
        },
        Err(_) => None,
    };
    if let Some(at) = too_deep(bytes, limits.max_depth) {
        return Err(Box::new(Violation::error(
            Rule::FrameTooDeep,
            "",
            format!(
                "the frame nests deeper than {} levels (at byte {at})",
                limits.max_depth
            ),
        )));
    }
    let Some(message) = failure else {
        let at = std::str::from_utf8(bytes)
            .err()
            .map_or(0, |u| u.valid_up_to());
        return Err(Box::new(Violation::error(
            Rule::FrameUtf8,
            "",
            format!("the frame is not valid UTF-8 (at byte {at})"),
        )));
    };
    let (rule, message) = if message.starts_with("duplicate key") {
        (Rule::FrameDuplicateKey, message)
    } else {
        (Rule::FrameJson, format!("not valid JSON: {message}"))
    };
    let mut v = Violation::error(rule, "", message);
    let start = &bytes[..bytes.len().min(80 * 4)];
    v.set_excerpt(shorten(&String::from_utf8_lossy(start), 80));
    Err(Box::new(v))
}

/// The byte offset where nesting first exceeds `max`, found without parsing.
fn too_deep(bytes: &[u8], max: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > max {
                    return Some(i);
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(bytes: &[u8]) -> &'static str {
        match parse_frame(bytes, &Limits::default(), &mut Tape::default()) {
            Ok(_) => "ok",
            Err(v) => v.rule.id(),
        }
    }

    #[test]
    fn hostile_frames_are_violations() {
        assert_eq!(rule(br#"{"a": 1}"#), "ok");
        assert_eq!(rule(br#"{"a": 1, "a": 2}"#), Rule::FrameDuplicateKey);
        assert_eq!(
            rule(br#"{"a": [1, {"b": 1, "b": 2}]}"#),
            Rule::FrameDuplicateKey
        );
        assert_eq!(rule(b"{\"a\": \"\xff\"}"), "frame.utf8");
        assert_eq!(rule(b"{\"a\": 1"), Rule::FrameJson);
        assert_eq!(rule(b"1e400"), Rule::FrameJson);
        assert_eq!(rule(b"123456789012345678901234567890"), "ok");
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert_eq!(rule(deep.as_bytes()), Rule::FrameTooDeep);
        // brackets inside strings do not count
        let s = format!("{{\"a\": \"{}\"}}", "[".repeat(500));
        assert_eq!(rule(s.as_bytes()), "ok");
        let limits = Limits {
            max_frame_bytes: 10,
            ..Limits::default()
        };
        assert_eq!(
            parse_frame(b"[1,2,3,4,5,6,7]", &limits, &mut Tape::default())
                .map(|_| ())
                .map_err(|v| v.rule),
            Err(Rule::FrameTooLarge)
        );
    }
}

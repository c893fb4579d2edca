//! Comparing a recorded frame with a live one. Values the server generates (ids, timestamps,
//! tokens) differ between runs: a string the server sent that the client had not sent before is
//! and looks like an id or a token (it has a digit and no spaces) is *correlated*: the first time it is seen, the recorded value is bound to the live one, and
//! from then on it must stay bound, and client frames carry the live value. Date-times match any
//! date-time. Everything else matches exactly, unless a matcher from the transcript header says
//! otherwise (by JSON pointer, `*` for one segment; by format; by regex).

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use frameproof_schema::transcript::Matcher;

/// One place where the live frame differs from the recording.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    pub pointer: String,
    pub expected: Value,
    pub actual: Option<Value>,
    pub why: String,
}

struct CompiledMatcher {
    pointer: Option<Vec<String>>,
    format: Option<String>,
    regex: Option<regex::Regex>,
}

/// Recorded ↔ live values, and what the client has said (which must then match exactly).
pub struct Bindings {
    forward: HashMap<String, String>,
    backward: HashMap<String, String>,
    /// Recorded values bound by the comparison under way (taken back if the frame differs).
    fresh: Vec<String>,
    client_said: HashSet<String>,
    matchers: Vec<CompiledMatcher>,
}

fn looks_like_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 20
        && b[4] == b'-'
        && b[7] == b'-'
        && (b[10] == b'T' || b[10] == b't')
        && b[13] == b':'
        && b[..4].iter().all(u8::is_ascii_digit)
}

fn looks_like_uuid(s: &str) -> bool {
    s.len() == 36
        && s.chars().enumerate().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

/// Ids and tokens (`task_7`, `at_3f…`) are generated; words and enum values (`in_progress`)
/// are not, and must match exactly.
fn looks_generated(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_digit()) && !s.bytes().any(|b| b.is_ascii_whitespace())
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Replaces whole-word occurrences of `from` in `text` (so `task_1` in `task:task_1`, but not in `task_12`).
fn replace_word(text: &str, from: &str, to: &str) -> String {
    if from.is_empty() || !text.contains(from) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        if text[i..].starts_with(from) {
            let before_ok = i == 0 || !is_word(bytes[i - 1]);
            let end = i + from.len();
            let after_ok = end >= text.len() || !is_word(bytes[end]);
            if before_ok && after_ok {
                out.push_str(to);
                i = end;
                continue;
            }
        }
        let ch = text[i..].chars().next().unwrap_or(' ');
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

impl Bindings {
    pub fn new(matchers: &[Matcher]) -> Result<Bindings, String> {
        let matchers = matchers
            .iter()
            .map(|m| {
                Ok(CompiledMatcher {
                    pointer: m
                        .pointer
                        .as_deref()
                        .map(frameproof_schema::pointer::segments)
                        .transpose()?,
                    format: m.format.clone(),
                    regex: m
                        .regex
                        .as_deref()
                        .map(|r| {
                            regex::Regex::new(r).map_err(|e| format!("matcher regex `{r}`: {e}"))
                        })
                        .transpose()?,
                })
            })
            .collect::<Result<_, String>>()?;
        Ok(Bindings {
            forward: HashMap::new(),
            backward: HashMap::new(),
            fresh: Vec::new(),
            client_said: HashSet::new(),
            matchers,
        })
    }

    /// Remembers the strings of a (recorded) client frame: the server echoing them is not generating them.
    pub fn client_sent(&mut self, recorded: &Value) {
        match recorded {
            Value::String(s) => {
                self.client_said.insert(s.clone());
            }
            Value::Array(items) => items.iter().for_each(|v| self.client_sent(v)),
            Value::Object(map) => map.values().for_each(|v| self.client_sent(v)),
            _ => {}
        }
    }

    /// Puts the live server's values into a recorded client frame.
    pub fn substitute(&self, value: &mut Value) {
        match value {
            Value::String(s) => {
                if let Some(live) = self.forward.get(s.as_str()) {
                    *s = live.clone();
                } else {
                    let mut text = s.clone();
                    for (rec, live) in &self.forward {
                        if rec.len() >= 3 {
                            text = replace_word(&text, rec, live);
                        }
                    }
                    *s = text;
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.substitute(v)),
            Value::Object(map) => map.values_mut().for_each(|v| self.substitute(v)),
            _ => {}
        }
    }

    /// Substitutes into a plain string (a REST path).
    pub fn substitute_str(&self, text: &str) -> String {
        let mut v = Value::String(text.to_owned());
        self.substitute(&mut v);
        v.as_str().unwrap_or(text).to_owned()
    }

    fn matcher_for(&self, path: &[String]) -> Option<&CompiledMatcher> {
        self.matchers.iter().find(|m| match &m.pointer {
            None => false,
            Some(p) => p.len() == path.len() && p.iter().zip(path).all(|(a, b)| a == "*" || a == b),
        })
    }

    /// Compares a recorded server frame with the live one, binding generated values. A frame
    /// that differs binds nothing: the next client frame is not sent with a value taken from a
    /// frame that was not the one recorded.
    pub fn compare(&mut self, expected: &Value, actual: &Value) -> Vec<Difference> {
        let mut out = Vec::new();
        let mut path = Vec::new();
        self.fresh.clear();
        self.walk(expected, Some(actual), &mut path, &mut out);
        if !out.is_empty() {
            for recorded in std::mem::take(&mut self.fresh) {
                if let Some(live) = self.forward.remove(&recorded) {
                    self.backward.remove(&live);
                }
            }
        }
        out
    }

    fn walk(
        &mut self,
        expected: &Value,
        actual: Option<&Value>,
        path: &mut Vec<String>,
        out: &mut Vec<Difference>,
    ) {
        let here: String = path.iter().fold(String::new(), |acc, s| {
            frameproof_schema::pointer::push(&acc, s)
        });
        let diff = |why: &str, out: &mut Vec<Difference>| {
            out.push(Difference {
                pointer: here.clone(),
                expected: expected.clone(),
                actual: actual.cloned(),
                why: why.to_owned(),
            })
        };
        let Some(actual) = actual else {
            diff("missing", out);
            return;
        };
        if let Some(m) = self.matcher_for(path) {
            let ok = match (m.format.as_deref(), &m.regex, actual) {
                (Some("any"), _, _) => true,
                (Some("date-time"), _, Value::String(s)) => looks_like_date_time(s),
                (Some("uuid"), _, Value::String(s)) => looks_like_uuid(s),
                (Some("generated"), _, _) => self.bind(expected, actual),
                (_, Some(re), Value::String(s)) => re.is_match(s),
                (_, Some(re), other) => re.is_match(&other.to_string()),
                _ => expected == actual,
            };
            if !ok {
                diff("does not match the transcript's matcher", out);
            }
            return;
        }
        match (expected, actual) {
            (Value::Object(e), Value::Object(a)) => {
                for (k, ev) in e {
                    path.push(k.clone());
                    self.walk(ev, a.get(k), path, out);
                    path.pop();
                }
                for (k, av) in a {
                    if !e.contains_key(k) {
                        out.push(Difference {
                            pointer: frameproof_schema::pointer::push(&here, k),
                            expected: Value::Null,
                            actual: Some(av.clone()),
                            why: "not in the recording".into(),
                        });
                    }
                }
            }
            (Value::Array(e), Value::Array(a)) => {
                if e.len() != a.len() {
                    diff(
                        &format!("{} items recorded, {} live", e.len(), a.len()),
                        out,
                    );
                    return;
                }
                for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                    path.push(i.to_string());
                    self.walk(ev, Some(av), path, out);
                    path.pop();
                }
            }
            (Value::String(e), Value::String(a)) => {
                if e == a && self.backward.get(a).is_none_or(|r| r == e) {
                    // equal: also binds, so a later client frame keeps the value
                    if !self.client_said.contains(e) {
                        self.forward.entry(e.clone()).or_insert_with(|| a.clone());
                        self.backward.entry(a.clone()).or_insert_with(|| e.clone());
                    }
                    return;
                }
                if self.client_said.contains(e) {
                    diff("the client sent this value; the server must echo it", out);
                } else if looks_like_date_time(e) {
                    if !looks_like_date_time(a) {
                        diff("not a date-time", out);
                    }
                } else if !looks_generated(e) {
                    diff("differs", out);
                } else if !self.bind(expected, actual) {
                    diff(
                        "a generated value that differs from the one seen before",
                        out,
                    );
                }
            }
            _ => {
                if expected != actual {
                    diff("differs", out);
                }
            }
        }
    }

    fn bind(&mut self, expected: &Value, actual: &Value) -> bool {
        let (Value::String(e), Value::String(a)) = (expected, actual) else {
            return expected == actual;
        };
        match (self.forward.get(e), self.backward.get(a)) {
            (Some(live), _) => live == a,
            (None, Some(rec)) => rec == e,
            (None, None) => {
                self.forward.insert(e.clone(), a.clone());
                self.backward.insert(a.clone(), e.clone());
                self.fresh.push(e.clone());
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Before: a mismatched frame still bound its generated ids, so the next client frame went
    /// out with the wrong id and the server was blamed for it.
    #[test]
    fn a_frame_that_differs_binds_nothing() {
        let mut b = Bindings::new(&[]).expect("no matchers");
        let recorded = json!({"id": "r1", "data": {"id": "task_7", "title": "A"}});
        let wrong = json!({"id": "r1", "data": {"id": "task_9", "title": "B"}});
        assert!(!b.compare(&recorded, &wrong).is_empty());
        let mut next = json!({"payload": {"id": "task_7"}});
        b.substitute(&mut next);
        assert_eq!(
            next["payload"]["id"], "task_7",
            "nothing bound from the mismatch"
        );
        let right = json!({"id": "r1", "data": {"id": "task_8", "title": "A"}});
        assert!(b.compare(&recorded, &right).is_empty());
        b.substitute(&mut next);
        assert_eq!(next["payload"]["id"], "task_8");
    }

    #[test]
    fn generated_values_bind_and_substitute() {
        let mut b = Bindings::new(&[]).unwrap();
        b.client_sent(&json!({"id": "r1", "payload": {"title": "Design"}}));
        let d = b.compare(
            &json!({"id": "r1", "data": {"id": "task_7", "title": "Design", "at": "2026-03-05T14:30:00Z"}}),
            &json!({"id": "r1", "data": {"id": "task_42", "title": "Design", "at": "2026-11-23T10:00:00.5Z"}}),
        );
        assert!(d.is_empty(), "{d:?}");
        let mut next = json!({"topics": ["task:task_7"], "id": "task_7", "other": "task_77"});
        b.substitute(&mut next);
        assert_eq!(
            next,
            json!({"topics": ["task:task_42"], "id": "task_42", "other": "task_77"})
        );
        // once bound, a different live value is a difference
        let d = b.compare(&json!({"id": "task_7"}), &json!({"id": "task_43"}));
        assert_eq!(d.len(), 1);
        // echoes of what the client sent must match exactly
        let d = b.compare(&json!({"title": "Design"}), &json!({"title": "Designer"}));
        assert_eq!(
            d[0].why,
            "the client sent this value; the server must echo it"
        );
    }

    #[test]
    fn shapes_and_matchers() {
        let m = vec![Matcher {
            pointer: Some("/data/*/n".into()),
            format: Some("any".into()),
            regex: None,
        }];
        let mut b = Bindings::new(&m).unwrap();
        assert!(b
            .compare(&json!({"data": [{"n": 1}]}), &json!({"data": [{"n": 2}]}))
            .is_empty());
        let d = b.compare(
            &json!({"a": 1, "b": [1, 2]}),
            &json!({"a": 2, "b": [1], "c": true}),
        );
        let pointers: Vec<&str> = d.iter().map(|d| d.pointer.as_str()).collect();
        assert_eq!(pointers, ["/a", "/b", "/c"]);
    }
}

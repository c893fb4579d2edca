//! HAR 1.2, read one entry at a time: REST exchanges, and WebSocket connections with Chrome's
//! `_webSocketMessages`. The file is never held in memory whole: entries stream through a
//! callback as serde reads them.
//!
//! Tools disagree on a message's `time`: Chrome and mitmproxy write epoch seconds, Playwright
//! epoch milliseconds. [`HarMessage::time_ms`] reads both.

use std::fmt;
use std::io::Read;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct HarEntry {
    pub request: HarRequest,
    pub response: HarResponse,
    #[serde(rename = "_webSocketMessages")]
    pub web_socket_messages: Option<Vec<HarMessage>>,
    #[serde(rename = "_resourceType")]
    pub resource_type: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct HarRequest {
    pub method: String,
    pub url: String,
    #[serde(rename = "queryString")]
    pub query_string: Vec<HarPair>,
    pub headers: Vec<HarPair>,
    #[serde(rename = "postData")]
    pub post_data: Option<HarPostData>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct HarPair {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct HarPostData {
    #[serde(rename = "mimeType")]
    pub mime_type: String,
    pub text: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct HarResponse {
    pub status: u16,
    pub headers: Vec<HarPair>,
    pub content: HarContent,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct HarContent {
    #[serde(rename = "mimeType")]
    pub mime_type: String,
    pub text: Option<String>,
    pub encoding: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct HarMessage {
    /// `send` (client → server) or `receive`.
    #[serde(rename = "type")]
    pub kind: String,
    pub time: f64,
    /// 1 text, 2 binary (base64 data).
    pub opcode: u8,
    pub data: String,
}

impl HarMessage {
    /// Milliseconds since the epoch, whether the tool wrote seconds or milliseconds.
    pub fn time_ms(&self) -> f64 {
        // epoch seconds are ~1.7e9 today; epoch milliseconds ~1.7e12
        if self.time > 1e11 {
            self.time
        } else {
            self.time * 1000.0
        }
    }
}

impl HarEntry {
    pub fn is_websocket(&self) -> bool {
        self.web_socket_messages.is_some()
            || self.request.url.starts_with("ws://")
            || self.request.url.starts_with("wss://")
            || self.response.status == 101
    }

    /// The response body as text (decoding base64 content).
    pub fn response_text(&self) -> Option<String> {
        let text = self.response.content.text.as_ref()?;
        if self.response.content.encoding.as_deref() == Some("base64") {
            frameproof_schema::base64::decode(text)
                .ok()
                .map(|b| String::from_utf8_lossy(&b).into_owned())
        } else {
            Some(text.clone())
        }
    }
}

/// Splits a URL into its path and decoded query pairs (scheme and host are dropped).
pub fn split_url(url: &str) -> (String, Vec<(String, String)>) {
    let after_scheme = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let path_and_query = match after_scheme.find('/') {
        Some(i) if url.contains("://") => &after_scheme[i..],
        Some(_) => after_scheme,
        None => "/",
    };
    let without_fragment = path_and_query.split('#').next().unwrap_or("");
    let (path, query) = without_fragment
        .split_once('?')
        .unwrap_or((without_fragment, ""));
    let pairs = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (form_decode(k), form_decode(v))
        })
        .collect();
    (path.to_owned(), pairs)
}

fn form_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                if let Some(b) = s
                    .get(i + 1..i + 3)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    out.push(b);
                    i += 2;
                } else {
                    out.push(b'%');
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A HAR file that could not be read as one.
#[derive(Debug, thiserror::Error)]
#[error("not a readable HAR file: {0}")]
pub struct HarError(pub String);

/// Streams the entries of a HAR file to `on_entry` (with each entry's index).
pub fn read_entries<R: Read>(
    input: R,
    mut on_entry: impl FnMut(u64, HarEntry),
) -> Result<u64, HarError> {
    let mut de = serde_json::Deserializer::from_reader(std::io::BufReader::new(input));
    let mut count = 0u64;
    Root {
        on_entry: &mut on_entry,
        count: &mut count,
    }
    .deserialize(&mut de)
    .map_err(|e| HarError(e.to_string()))?;
    de.end().map_err(|e| HarError(e.to_string()))?;
    Ok(count)
}

struct Root<'a, F> {
    on_entry: &'a mut F,
    count: &'a mut u64,
}

impl<'de, F: FnMut(u64, HarEntry)> DeserializeSeed<'de> for Root<'_, F> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, F: FnMut(u64, HarEntry)> Visitor<'de> for Root<'_, F> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a HAR object with a `log`")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut saw_log = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "log" {
                saw_log = true;
                map.next_value_seed(Log {
                    on_entry: &mut *self.on_entry,
                    count: &mut *self.count,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        if saw_log {
            Ok(())
        } else {
            Err(de::Error::custom("no `log` member"))
        }
    }
}

struct Log<'a, F> {
    on_entry: &'a mut F,
    count: &'a mut u64,
}

impl<'de, F: FnMut(u64, HarEntry)> DeserializeSeed<'de> for Log<'_, F> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, F: FnMut(u64, HarEntry)> Visitor<'de> for Log<'_, F> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a HAR `log` object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "entries" {
                map.next_value_seed(Entries {
                    on_entry: &mut *self.on_entry,
                    count: &mut *self.count,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

struct Entries<'a, F> {
    on_entry: &'a mut F,
    count: &'a mut u64,
}

impl<'de, F: FnMut(u64, HarEntry)> DeserializeSeed<'de> for Entries<'_, F> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(u64, HarEntry)> Visitor<'de> for Entries<'_, F> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of HAR entries")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(entry) = seq.next_element::<HarEntry>()? {
            (self.on_entry)(*self.count, entry);
            *self.count += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_into_path_and_query() {
        let (p, q) = split_url("http://127.0.0.1:8080/api/tasks?project_id=p%201&limit=5#x");
        assert_eq!(p, "/api/tasks");
        assert_eq!(
            q,
            [
                ("project_id".into(), "p 1".into()),
                ("limit".into(), "5".into())
            ]
        );
        assert_eq!(split_url("ws://h/ws").0, "/ws");
    }

    #[test]
    fn times_in_seconds_and_milliseconds_agree() {
        let chrome = HarMessage {
            time: 1_763_913_600.25,
            ..HarMessage::default()
        };
        let playwright = HarMessage {
            time: 1_763_913_600_250.0,
            ..HarMessage::default()
        };
        assert!((chrome.time_ms() - playwright.time_ms()).abs() < 1e-3);
    }

    #[test]
    fn streams_entries_and_reports_garbage() {
        let har = r#"{"log": {"version": "1.2", "creator": {"name": "x"}, "entries": [
            {"request": {"method": "GET", "url": "http://h/api/projects"}, "response": {"status": 200, "content": {"text": "[]"}}},
            {"request": {"method": "GET", "url": "ws://h/ws"}, "response": {"status": 101},
             "_webSocketMessages": [{"type": "send", "time": 1.5, "opcode": 1, "data": "{}"}]}
        ]}}"#;
        let mut seen = Vec::new();
        let n = read_entries(har.as_bytes(), |i, e| seen.push((i, e.is_websocket()))).unwrap();
        assert_eq!(n, 2);
        assert_eq!(seen, [(0, false), (1, true)]);
        assert!(read_entries(&b"{\"log\": {\"entries\": [1]}}"[..], |_, _| {}).is_err());
        assert!(read_entries(&b"[]"[..], |_, _| {}).is_err());
    }
}

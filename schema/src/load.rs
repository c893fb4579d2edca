//! Reading and writing contract documents, and their fingerprint.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::document::Contract;

/// Why a document could not be read at all (as opposed to [`crate::Problem`]s found in a document
/// that was read). Every variant says where.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: cannot read the file: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{origin}:{line}:{column}: not valid JSON: {message}")]
    Syntax {
        origin: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{origin}:{line}:{column}: at {pointer}: {message}")]
    Shape {
        origin: String,
        pointer: String,
        line: usize,
        column: usize,
        message: String,
    },
}

/// Refuses a JSON object that names one key twice. serde_json keeps the last value silently;
/// in a contract, two actions under one name are a mistake to report, not to hide.
pub(crate) fn unique_keys<'de, D, V>(d: D) -> Result<BTreeMap<String, V>, D::Error>
where
    D: Deserializer<'de>,
    V: Deserialize<'de>,
{
    struct Unique<V>(PhantomData<V>);
    impl<'de, V: Deserialize<'de>> Visitor<'de> for Unique<V> {
        type Value = BTreeMap<String, V>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an object with unique keys")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some(key) = map.next_key::<String>()? {
                if out.contains_key(&key) {
                    return Err(serde::de::Error::custom(format!(
                        "`{key}` is defined twice; names must be unique"
                    )));
                }
                let value = map.next_value()?;
                out.insert(key, value);
            }
            Ok(out)
        }
    }
    d.deserialize_map(Unique(PhantomData))
}

impl Contract {
    /// Parses a document. `origin` names it in errors (a file name, `<stdin>`).
    pub fn from_json_str(text: &str, origin: &str) -> Result<Contract, LoadError> {
        let mut de = serde_json::Deserializer::from_str(text);
        let result: Result<Contract, _> = serde_path_to_error::deserialize(&mut de);
        match result {
            Ok(c) => {
                de.end().map_err(|e| syntax(origin, &e))?;
                Ok(c)
            }
            Err(err) => {
                let pointer = path_to_pointer(err.path());
                let inner = err.into_inner();
                if inner.is_syntax() || inner.is_eof() {
                    Err(syntax(origin, &inner))
                } else {
                    let message = inner.to_string();
                    // serde_json appends " at line L column C"; keep the sentence only
                    let message = message
                        .rsplit_once(" at line ")
                        .map(|(m, _)| m.to_owned())
                        .unwrap_or(message);
                    Err(LoadError::Shape {
                        origin: origin.to_owned(),
                        pointer,
                        line: inner.line(),
                        column: inner.column(),
                        message,
                    })
                }
            }
        }
    }

    pub fn load(path: impl AsRef<Path>) -> Result<Contract, LoadError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
            path: path.to_owned(),
            source,
        })?;
        Contract::from_json_str(&text, &path.display().to_string())
    }

    /// The document as pretty JSON with a final newline: the form to check in.
    pub fn to_json_pretty(&self) -> String {
        let value = serde_json::to_value(self).unwrap_or(Value::Null);
        let mut out = String::new();
        write_canonical(&value, &mut out, Some(0));
        out.push('\n');
        out
    }

    /// `sha256:<hex>` of the document's canonical JSON (keys sorted, no whitespace) without the
    /// fingerprint itself.
    pub fn compute_fingerprint(&self) -> String {
        let mut value = serde_json::to_value(self).unwrap_or(Value::Null);
        if let Value::Object(map) = &mut value {
            map.remove("fingerprint");
        }
        let mut canonical = String::new();
        write_canonical(&value, &mut canonical, None);
        let digest = Sha256::digest(canonical.as_bytes());
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        format!("sha256:{hex}")
    }
}

fn syntax(origin: &str, e: &serde_json::Error) -> LoadError {
    let message = e.to_string();
    let message = message
        .rsplit_once(" at line ")
        .map(|(m, _)| m.to_owned())
        .unwrap_or(message);
    LoadError::Syntax {
        origin: origin.to_owned(),
        line: e.line(),
        column: e.column(),
        message,
    }
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out.push_str(&format!("/{index}")),
            Segment::Map { key } => out = crate::pointer::push(&out, key),
            Segment::Enum { variant } => out = crate::pointer::push(&out, variant),
            Segment::Unknown => out.push_str("/?"),
        }
    }
    if out.is_empty() {
        "/".into()
    } else {
        out
    }
}

/// Writes JSON with object keys sorted, whatever map order serde_json was built with, so the
/// fingerprint and the checked-in file do not depend on a feature flag elsewhere in the build.
fn write_canonical(v: &Value, out: &mut String, indent: Option<usize>) {
    let newline = |out: &mut String, level: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(level));
    };
    match v {
        Value::Object(map) => {
            if map.is_empty() {
                out.push_str("{}");
                return;
            }
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if let Some(level) = indent {
                    newline(out, level + 1);
                }
                out.push_str(&Value::String((*k).clone()).to_string());
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                write_canonical(&map[*k], out, indent.map(|l| l + 1));
            }
            if let Some(level) = indent {
                newline(out, level);
            }
            out.push('}');
        }
        Value::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if let Some(level) = indent {
                    newline(out, level + 1);
                }
                write_canonical(item, out, indent.map(|l| l + 1));
            }
            if let Some(level) = indent {
                newline(out, level);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

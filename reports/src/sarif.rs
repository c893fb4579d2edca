//! SARIF 2.1.0, for code scanning: one run of one tool, a result per finding.

use serde_json::{json, Map, Value};

use crate::{Finding, Level, Tool};

/// Where the document says its schema is (the copy GitHub's documentation points at).
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(l: Level) -> &'static str {
    match l {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Note => "note",
    }
}

/// A file path as a relative URI reference: every byte but letters, digits, `/` and
/// `-._~!$&'()*+,;=@` percent-encoded (a space, `%`, `\`, non-ASCII; `:` too, which in a
/// first segment would read as a scheme).
pub fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn result(f: &Finding, rule_index: Option<usize>) -> Value {
    let mut r = Map::new();
    r.insert("ruleId".into(), json!(f.rule_id));
    if let Some(i) = rule_index {
        r.insert("ruleIndex".into(), json!(i));
    }
    r.insert("level".into(), json!(level(f.level)));
    r.insert("message".into(), json!({"text": f.message}));
    let mut location = Map::new();
    if let Some(file) = &f.file {
        let mut physical = Map::new();
        physical.insert("artifactLocation".into(), json!({"uri": uri(file)}));
        if let Some(line) = f.line.filter(|l| *l >= 1) {
            physical.insert("region".into(), json!({"startLine": line}));
        }
        location.insert("physicalLocation".into(), Value::Object(physical));
    }
    if let Some(pointer) = f.pointer.as_deref().filter(|p| !p.is_empty()) {
        // a JSON pointer names a member of a document: SARIF's "member" kind of logical
        // location (the empty pointer, the whole document, names none)
        location.insert(
            "logicalLocations".into(),
            json!([{"fullyQualifiedName": pointer, "kind": "member"}]),
        );
    }
    if !location.is_empty() {
        r.insert("locations".into(), json!([location]));
    }
    if let Some(reason) = &f.accepted {
        r.insert(
            "suppressions".into(),
            json!([{"kind": "external", "justification": reason}]),
        );
    }
    let mut properties = f.properties.clone();
    if let Some(pointer) = &f.pointer {
        properties.insert("pointer".into(), json!(pointer));
    }
    if !properties.is_empty() {
        r.insert("properties".into(), Value::Object(properties));
    }
    Value::Object(r)
}

/// The document as a value.
pub fn value(tool: &Tool, findings: &[Finding]) -> Value {
    let rules: Vec<Value> = tool
        .rules
        .iter()
        .map(|r| json!({"id": r.id, "shortDescription": {"text": r.description}}))
        .collect();
    let mut driver = Map::new();
    driver.insert("name".into(), json!(tool.name));
    if !tool.version.is_empty() {
        driver.insert("version".into(), json!(tool.version));
    }
    if let Some(uri) = &tool.information_uri {
        driver.insert("informationUri".into(), json!(uri));
    }
    driver.insert("rules".into(), Value::Array(rules));
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let index = tool.rules.iter().position(|r| r.id == f.rule_id);
            result(f, index)
        })
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": Value::Object(driver)},
            "results": results,
        }],
    })
}

/// The document, pretty, without a newline at the end.
pub fn write(tool: &Tool, findings: &[Finding]) -> String {
    serde_json::to_string_pretty(&value(tool, findings)).unwrap_or_default()
}

//! The example contract the rules' examples edit, and the rule catalogue as Markdown (the
//! reference section of `docs/versioning.md` is this text; a test keeps them in step).

use serde_json::{json, Value};

use frameproof_schema::{pointer, Contract, Envelope};

use crate::model::Level;
use crate::rules::{Edit, Group, Rule, RuleId, RULES};

/// A small contract: `items.get`, `items.update`, the event `ItemUpdated`, and the schemas
/// `GetItem`, `UpdateItem` (payloads, closed), `Item` (response and event data, open) and
/// `Status`.
pub fn example_contract() -> Value {
    let envelope = serde_json::to_value(Envelope::frameproof()).unwrap_or(Value::Null);
    json!({
        "frameproof": "1.0",
        "name": "shop",
        "version": "1.0.0",
        "fingerprint": "",
        "transport": {
            "websocket": { "path": "/ws", "subprotocols": ["shop.v1"], "max_frame_bytes": 65536 },
            "rest": { "base_path": "/api" },
            "auth": {
                "methods": [{ "kind": "query", "param": "token" }],
                "rest_header": "Authorization: Bearer",
                "close_code": 4401
            },
            "heartbeat": { "interval_ms": 30000, "timeout_ms": 10000 }
        },
        "envelope": envelope,
        "errors": {
            "not_found": { "status": 404, "description": "No such item." },
            "validation_failed": {
                "status": 422, "description": "The payload is invalid.",
                "any_action": true, "rpc_code": -32602
            }
        },
        "actions": {
            "items.get": {
                "description": "One item.",
                "since": "1.0.0",
                "payload": { "$ref": "#/$defs/GetItem" },
                "response": { "$ref": "#/$defs/Item" },
                "errors": ["not_found"],
                "emits": [],
                "websocket": true,
                "rest": { "method": "GET", "path": "/api/items/{id}", "path_params": ["id"], "query_params": [], "body": false }
            },
            "items.update": {
                "description": "Change an item.",
                "since": "1.0.0",
                "payload": { "$ref": "#/$defs/UpdateItem" },
                "response": { "$ref": "#/$defs/Item" },
                "errors": ["not_found"],
                "emits": ["ItemUpdated"],
                "websocket": true,
                "rest": { "method": "PATCH", "path": "/api/items/{id}", "path_params": ["id"], "query_params": [], "body": true }
            }
        },
        "events": {
            "ItemUpdated": {
                "description": "An item changed.",
                "since": "1.0.0",
                "data": { "$ref": "#/$defs/Item" },
                "scope": { "kind": "topic", "pattern": "item:{id}" }
            }
        },
        "$defs": {
            "GetItem": {
                "type": "object",
                "properties": { "id": { "type": "string" } },
                "required": ["id"],
                "additionalProperties": false
            },
            "UpdateItem": {
                "type": "object",
                "properties": {
                    "id": { "type": "string" },
                    "name": { "type": ["string", "null"], "maxLength": 100 }
                },
                "required": ["id"],
                "additionalProperties": false
            },
            "Item": {
                "type": "object",
                "properties": {
                    "id": { "type": "string" },
                    "name": { "type": "string" },
                    "status": { "$ref": "#/$defs/Status" }
                },
                "required": ["id", "name", "status"]
            },
            "Status": { "type": "string", "enum": ["active", "archived"] }
        },
        "frames": { "client": true, "server": true }
    })
}

/// Why a rule's example cannot be built: an edit that does not fit the example document, or
/// a document that does not load (a mistake in the catalogue, which the tests catch).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExampleError {
    /// The edit's pointer is not a JSON pointer.
    #[error("{0}")]
    Pointer(#[source] pointer::PointerError),
    /// What `set_pointer` could not do, and where.
    #[error("{0}")]
    Edit(String),
    /// An edit's value is not JSON.
    #[error("{pointer}: {source}")]
    Value {
        pointer: String,
        #[source]
        source: serde_json::Error,
    },
    /// The edited document does not load.
    #[error("{0}")]
    Load(#[source] frameproof_schema::LoadError),
}

/// Sets (or with `None` removes) the member at `at`, creating missing parent objects.
pub fn set_pointer(doc: &mut Value, at: &str, value: Option<Value>) -> Result<(), ExampleError> {
    let edit = |message: String| ExampleError::Edit(message);
    let segments = pointer::segments(at).map_err(ExampleError::Pointer)?;
    let Some((last, parents)) = segments.split_last() else {
        return match value {
            Some(v) => {
                *doc = v;
                Ok(())
            }
            None => Err(edit("cannot remove the whole document".into())),
        };
    };
    let mut cur = doc;
    for seg in parents {
        cur = match cur {
            Value::Object(m) => m
                .entry(seg.clone())
                .or_insert_with(|| Value::Object(serde_json::Map::new())),
            Value::Array(items) => {
                let i: usize = seg
                    .parse()
                    .map_err(|_| edit(format!("{at}: `{seg}` is not an index")))?;
                items
                    .get_mut(i)
                    .ok_or_else(|| edit(format!("{at}: no item {i}")))?
            }
            _ => return Err(edit(format!("{at}: `{seg}` is inside a scalar"))),
        };
    }
    match (cur, value) {
        (Value::Object(m), Some(v)) => {
            m.insert(last.clone(), v);
        }
        (Value::Object(m), None) => {
            m.remove(last);
        }
        (Value::Array(items), v) => {
            let i: usize = last
                .parse()
                .map_err(|_| edit(format!("{at}: `{last}` is not an index")))?;
            match v {
                Some(v) if i < items.len() => {
                    if let Some(slot) = items.get_mut(i) {
                        *slot = v;
                    }
                }
                Some(v) if i == items.len() => items.push(v),
                Some(_) => return Err(edit(format!("{at}: no item {i}"))),
                None if i < items.len() => {
                    items.remove(i);
                }
                None => {}
            }
        }
        _ => return Err(edit(format!("{at}: the parent is a scalar"))),
    }
    Ok(())
}

fn apply(doc: &mut Value, edits: &[Edit], after: bool) -> Result<(), ExampleError> {
    for edit in edits {
        let text = if after { edit.after } else { edit.before };
        let value = match text {
            Some(t) => Some(
                serde_json::from_str(t).map_err(|source| ExampleError::Value {
                    pointer: edit.pointer.to_owned(),
                    source,
                })?,
            ),
            None => None,
        };
        set_pointer(doc, edit.pointer, value)?;
    }
    Ok(())
}

/// The rule's example as two documents (old, new).
pub fn example_pair(rule: RuleId) -> Result<(Value, Value), ExampleError> {
    let mut old = example_contract();
    let mut new = example_contract();
    apply(&mut old, rule.meta().example, false)?;
    apply(&mut new, rule.meta().example, true)?;
    Ok((old, new))
}

/// The rule's example as two loaded contracts.
pub fn example_contracts(rule: RuleId) -> Result<(Contract, Contract), ExampleError> {
    let (old, new) = example_pair(rule)?;
    let load = |v: Value, which: &str| {
        Contract::from_json_str(&v.to_string(), which).map_err(ExampleError::Load)
    };
    Ok((load(old, "old")?, load(new, "new")?))
}

/// `wire (clients, servers) + codegen`, `codegen`, `compatible`.
fn category(breaks: crate::model::Breaks) -> String {
    let wire: Vec<&str> = breaks
        .labels()
        .into_iter()
        .filter(|l| *l != "codegen")
        .collect();
    let mut parts = Vec::new();
    if !wire.is_empty() {
        parts.push(format!("wire ({})", wire.join(", ")));
    }
    if breaks.codegen {
        parts.push("codegen".to_owned());
    }
    if parts.is_empty() {
        "compatible".to_owned()
    } else {
        parts.join(" + ")
    }
}

fn breaks_cell(rule: &Rule) -> String {
    let mut text = category(rule.breaks);
    if !rule.refined.is_empty() {
        text.push_str(&format!("; {}", rule.refined));
    }
    text
}

fn bump_cell(rule: &Rule) -> String {
    if rule.breaks.any() {
        format!(
            "major (minor before 1.0); {} if its sides are left out of the policy",
            rule.level
        )
    } else {
        match rule.level {
            Level::Minor => "minor (patch before 1.0)".into(),
            other => other.as_str().into(),
        }
    }
}

fn edit_text(edit: &Edit) -> String {
    let show = |t: Option<&str>| t.unwrap_or("(absent)").to_owned();
    if edit.before == edit.after {
        format!("{}\n  both:   {}\n", edit.pointer, show(edit.before))
    } else {
        format!(
            "{}\n  before: {}\n  after:  {}\n",
            edit.pointer,
            show(edit.before),
            show(edit.after)
        )
    }
}

/// The rule catalogue as Markdown: an index table, then one section per rule with its
/// severity, breaks, bump, reasoning, example and what frameproof reports for it.
pub fn catalogue_markdown() -> String {
    let mut out = String::new();
    out.push_str("| id | severity | category (what it breaks) | bump |\n|---|---|---|---|\n");
    for r in RULES {
        let bump = if r.breaks.any() {
            "major".to_owned()
        } else {
            r.level.as_str().to_owned()
        };
        out.push_str(&format!(
            "| [`{id}`](#{id}) | {} | {}{} | {bump} |\n",
            r.severity,
            category(r.breaks),
            if r.refined.is_empty() { "" } else { " (+)" },
            id = r.rule.id(),
        ));
    }
    let mut group: Option<Group> = None;
    for r in RULES {
        if group != Some(r.group) {
            group = Some(r.group);
            out.push_str(&format!("\n### {}\n", r.group.title()));
        }
        out.push_str(&format!("\n#### `{}`\n\n", r.rule.id()));
        out.push_str(&format!("{}\n\n", r.summary));
        out.push_str(&format!(
            "- severity: **{}**\n- category: {}\n- bump: {}\n\n",
            r.severity,
            breaks_cell(r),
            bump_cell(r)
        ));
        out.push_str(&format!("{}\n\n", r.reasoning));
        out.push_str("```text\n");
        for edit in r.example {
            out.push_str(&edit_text(edit));
        }
        out.push_str("```\n");
        if let Ok((old, new)) = example_contracts(r.rule) {
            let reported: Vec<String> = crate::contract::diff(&old, &new)
                .into_iter()
                .filter(|c| c.rule == r.rule)
                .map(|c| format!("> {}", c.message))
                .collect();
            if !reported.is_empty() {
                out.push_str(&format!("\nReported as:\n\n{}\n", reported.join("\n>\n")));
            }
        }
    }
    out
}

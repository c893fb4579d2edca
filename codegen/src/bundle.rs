//! One JSON Schema 2020-12 bundle of every frame and type: the contract's `$defs` (unchanged,
//! so their `#/$defs/...` references hold), the contract's whole-frame schemas per direction
//! (`frame.client`, `frame.server`), one schema per message (`frame.<action>.request`,
//! `.response`, `.error`, `frame.<event>.event`, `frame.control.<kind>`), and at the root any
//! frame in either direction.

use frameproof_schema::{Contract, Direction};
use serde_json::{json, Map, Value};

use crate::schema_util::Frames;

fn insert(defs: &mut Map<String, Value>, wanted: &str, schema: Value) -> String {
    let mut key = wanted.to_owned();
    let mut n = 2;
    while defs.contains_key(&key) {
        key = format!("{wanted}_{n}");
        n += 1;
    }
    defs.insert(key.clone(), schema);
    key
}

fn pointer_to(key: &str) -> String {
    format!("#/$defs/{}", key.replace('~', "~0").replace('/', "~1"))
}

/// The bundle of a contract.
pub fn json_schema_bundle(contract: &Contract) -> Value {
    let frames = Frames::new(contract);
    let mut defs: Map<String, Value> = contract
        .defs
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let client = insert(&mut defs, "frame.client", contract.frames.client.clone());
    let server = insert(&mut defs, "frame.server", contract.frames.server.clone());
    for (name, spec) in &contract.actions {
        if !spec.websocket {
            continue;
        }
        insert(
            &mut defs,
            &format!("frame.{name}.request"),
            frames.request(name, spec),
        );
        insert(
            &mut defs,
            &format!("frame.{name}.response"),
            frames.ok(spec),
        );
        let codes = frames.action_error_codes(spec);
        insert(
            &mut defs,
            &format!("frame.{name}.error"),
            frames.error(Some(&codes)),
        );
    }
    // a socket that carries no requests carries no error responses either
    if contract.actions.values().any(|a| a.websocket) {
        insert(&mut defs, "frame.error", frames.error(None));
    }
    for (name, spec) in &contract.events {
        insert(
            &mut defs,
            &format!("frame.{name}.event"),
            frames.event(name, spec),
        );
    }
    for c in frames.controls() {
        let kind = c.kind.as_str().to_owned();
        let dir = match c.direction {
            Direction::Client => "client",
            Direction::Server => "server",
        };
        insert(
            &mut defs,
            &format!("frame.control.{dir}.{kind}"),
            c.schema.clone(),
        );
    }
    let mut description = format!(
        "Every frame and type of the contract `{}` {} (envelope profile `{}`). The root accepts any frame in either direction; `$defs` holds each message's frame (`frame.<action>.request` ...) and every shared type.",
        contract.name, contract.version, contract.envelope.profile
    );
    if !contract.description.is_empty() {
        description = format!("{}\n\n{description}", contract.description);
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("{} {} frames and types", contract.name, contract.version),
        "description": description,
        "anyOf": [
            { "$ref": pointer_to(&client) },
            { "$ref": pointer_to(&server) },
        ],
        "$defs": defs,
    })
}

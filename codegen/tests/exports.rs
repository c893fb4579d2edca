//! The exports: the AsyncAPI document's operations and replies (the official AsyncAPI tools
//! check it in `asyncapi_tools.rs`), OpenAPI 3.1 validated by `@apidevtools/swagger-parser`, and
//! the JSON Schema bundle compiled by a 2020-12 validator that accepts generated frames and
//! rejects wrong ones.
//! Each for the reference contract and for the field notes' custom-envelope contracts.

mod common;

use std::path::PathBuf;

use frameproof_codegen::Contract;
use serde_json::{json, Value};

fn contracts() -> Vec<(&'static str, Contract)> {
    let root = common::workspace_dir().join("examples");
    ["timetracker", "chat-rest-events", "topic-sync"]
        .into_iter()
        .map(|name| {
            let path = root.join(name).join("contract.json");
            let c = Contract::load(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, c)
        })
        .collect()
}

fn write_json(name: &str, doc: &Value) -> PathBuf {
    let dir = common::fresh_dir(&format!("export-{name}"));
    let path = dir.join("doc.json");
    std::fs::write(&path, serde_json::to_string_pretty(doc).unwrap_or_default())
        .unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    path
}

#[test]
fn asyncapi_has_every_action_event_and_reply() {
    let contract = common::reference_contract();
    let doc = frameproof_codegen::asyncapi(&contract);
    let ops = doc["operations"].as_object().cloned().unwrap_or_default();
    for (name, spec) in &contract.actions {
        let op = ops.get(name.as_str());
        if !spec.websocket {
            assert!(op.is_none(), "{name} is REST only");
            continue;
        }
        let op = op.unwrap_or_else(|| panic!("no operation for {name}"));
        assert_eq!(op["action"], "send");
        assert_eq!(
            op["reply"]["messages"].as_array().map(Vec::len),
            Some(2),
            "{name}: ok and error replies"
        );
    }
    for name in contract.events.keys() {
        assert_eq!(
            ops[&format!("receive.{name}")]["action"],
            "receive",
            "{name}"
        );
    }
    assert_eq!(doc["channels"]["socket"]["address"], "/ws");
    assert_eq!(
        doc["channels"]["socket"]["bindings"]["ws"]["query"]["properties"]["token"]["type"],
        "string"
    );
    // refs point into components, never into $defs
    let text = doc.to_string();
    assert!(!text.contains("#/$defs/"), "a $defs reference was left");
    assert!(doc["components"]["schemas"]["Task"].is_object());
}

#[test]
fn openapi_validates() {
    for (name, contract) in contracts() {
        let doc = frameproof_codegen::openapi(&contract);
        assert_eq!(doc["openapi"], "3.1.0");
        let path = write_json(&format!("openapi-{name}"), &doc);
        let out = common::node_script("openapi-check.mjs", &[&path.display().to_string()], &[]);
        let text = String::from_utf8_lossy(&out.stdout);
        println!("{name}: {text}");
        assert!(text.contains(", 0 errors"), "{name}: {text}");
    }
}

#[test]
fn openapi_maps_every_rest_action() {
    let contract = common::reference_contract();
    let doc = frameproof_codegen::openapi(&contract);
    let update = &doc["paths"]["/api/tasks/{id}"]["patch"];
    assert_eq!(update["operationId"], "tasks.update");
    assert_eq!(update["parameters"][0]["in"], "path");
    assert_eq!(update["parameters"][0]["name"], "id");
    assert_eq!(update["parameters"][0]["required"], true);
    let body = &update["requestBody"]["content"]["application/json"]["schema"];
    assert!(
        body["properties"].get("id").is_none(),
        "path parameters leave the body"
    );
    assert!(body["properties"].get("title").is_some());
    // one response per status; codes sharing a status are grouped
    let responses = update["responses"].as_object().cloned().unwrap_or_default();
    assert!(responses.contains_key("200"));
    let not_found = &responses["404"];
    let codes = &not_found["content"]["application/json"]["schema"]["properties"]["error"]
        ["properties"]["code"]["enum"];
    assert_eq!(codes, &json!(["not_found", "unknown_action"]));
    assert!(responses.contains_key("409"));
    assert!(responses.contains_key("401"));
    let list = &doc["paths"]["/api/tasks"]["get"];
    let names: Vec<&str> = list["parameters"]
        .as_array()
        .map(|ps| ps.iter().filter_map(|p| p["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(names, ["project_id", "status"]);
    assert!(list.get("requestBody").is_none());
    let refresh = &doc["paths"]["/api/auth/refresh"]["post"];
    assert_eq!(
        refresh["security"],
        json!([]),
        "auth.refresh needs no token"
    );
    let mut count = 0;
    for item in doc["paths"]
        .as_object()
        .cloned()
        .unwrap_or_default()
        .values()
    {
        count += item.as_object().map(|m| m.len()).unwrap_or(0);
    }
    let rest = contract
        .actions
        .values()
        .filter(|a| a.rest.is_some())
        .count();
    assert_eq!(count, rest, "one operation per REST action");
}

#[test]
fn json_schema_bundle_accepts_frames_and_rejects_wrong_ones() {
    for (name, contract) in contracts() {
        let bundle = frameproof_codegen::json_schema_bundle(&contract);
        assert_eq!(
            bundle["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        let validator = jsonschema::draft202012::new(&bundle)
            .unwrap_or_else(|e| panic!("{name}: the bundle does not compile: {e}"));
        let defs = bundle["$defs"].as_object().cloned().unwrap_or_default();
        let mut rng = frameproof_schema::sample::Rng::new(11);
        let mut checked = 0;
        for (key, schema) in &defs {
            // the per-direction unions (if/then by name) are checked through the messages
            if !key.starts_with("frame.") || key == "frame.client" || key == "frame.server" {
                continue;
            }
            let one = jsonschema::draft202012::new(
                &json!({ "$ref": format!("#/$defs/{key}"), "$defs": bundle["$defs"] }),
            )
            .unwrap_or_else(|e| panic!("{name}: {key}: {e}"));
            for _ in 0..5 {
                // a topic event's sample gets a topic its pattern accepts (samples honour
                // `pattern`)
                let frame = frameproof_schema::sample::sample(schema, &contract.defs, &mut rng);
                assert!(
                    one.is_valid(&frame),
                    "{name}: {key} rejects its own sample {frame}"
                );
                assert!(
                    validator.is_valid(&frame),
                    "{name}: the bundle rejects {key}'s sample {frame}"
                );
                checked += 1;
            }
        }
        assert!(checked >= 15, "{name}: checked {checked} frames");
        assert!(
            !validator.is_valid(&json!({"unrelated": true})),
            "{name}: accepts anything"
        );
    }
    let contract = common::reference_contract();
    let bundle = frameproof_codegen::json_schema_bundle(&contract);
    let validator = jsonschema::draft202012::new(&bundle).unwrap_or_else(|e| panic!("{e}"));
    assert!(validator
        .is_valid(&json!({"id": "r1", "action": "projects.get", "payload": {"id": "proj_1"}})));
    assert!(
        !validator.is_valid(&json!({"id": "r1", "action": "projects.get", "payload": {"name": 1}}))
    );
    assert!(validator
        .is_valid(&json!({"event": "TaskDeleted", "topic": "task:1", "data": {"task_id": "1"}})));
    assert!(!validator.is_valid(&json!({"event": "TaskDeleted", "topic": "task:1", "data": {}})));
}

/// Before: only the refresh action was exempt, so the OpenAPI export put a bearer requirement
/// on a login route. `#[action(public)]` says an action needs no credential.
#[test]
fn a_public_action_needs_no_token_in_the_openapi_export() {
    use frameproof::Action;
    use schemars::JsonSchema;
    use serde::{Deserialize, Serialize};

    /// A session's tokens.
    #[derive(Serialize, Deserialize, JsonSchema)]
    struct Session {
        access_token: String,
    }
    /// Log in with a password.
    #[derive(Serialize, Deserialize, JsonSchema, Action)]
    #[action(name = "session.login", response = Session, public, errors(unauthorized))]
    struct Login {
        email: String,
        password: String,
    }
    /// Who is logged in.
    #[derive(Serialize, Deserialize, JsonSchema, Action)]
    #[action(name = "session.whoami", response = String)]
    struct WhoAmI {}

    let contract = frameproof::Contract::builder("login", "1.0.0")
        .action::<Login>()
        .action::<WhoAmI>()
        .build()
        .expect("a sound contract");
    assert!(contract.actions["session.login"].public);
    assert!(!contract.actions["session.whoami"].public);
    let doc = frameproof_codegen::openapi(&contract);
    assert_eq!(
        doc["paths"]["/api/session/login"]["post"]["security"],
        json!([])
    );
    assert!(doc["paths"]["/api/session/whoami"]["post"]
        .get("security")
        .is_none());
    assert_eq!(doc["security"], json!([{"token": []}]));
    // before: no `servers`, which linters flag
    assert_eq!(
        doc["servers"],
        json!([{"url": "/", "description": "The host that serves this document."}])
    );
    let named =
        frameproof_codegen::openapi_for_servers(&contract, &["https://api.example.com".into()]);
    assert_eq!(
        named["servers"],
        json!([{"url": "https://api.example.com"}])
    );
    let path = write_json("openapi-login", &doc);
    let out = common::node_script("openapi-check.mjs", &[&path.display().to_string()], &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(", 0 errors"), "{text}");
}

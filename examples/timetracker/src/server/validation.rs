//! The reference server's own answers to refused requests. frameproof-server checks every
//! frame against the contract before a handler runs; this module (its `on_refusal` hook)
//! answers the way this server always has, so recorded transcripts keep matching: payload
//! errors located in the payload (`/title`, not `/payload/title`) with the schema
//! validator's own words, envelope problems as `bad_request`, and REST-only actions or unknown
//! routes as `unknown_action`.

use std::collections::HashMap;
use std::sync::OnceLock;

use frameproof::Contract;
use frameproof_server::Refusal;
use serde_json::{json, Value};

use super::error::ApiError;

/// The contract and its compiled payload schemas, built once per process: building the
/// contract and compiling its schemas is the expensive part of starting a server.
pub(crate) struct Compiled {
    pub(crate) contract: Contract,
    payloads: HashMap<String, jsonschema::Validator>,
}

static COMPILED: OnceLock<Result<Compiled, String>> = OnceLock::new();

/// The process-wide [`Compiled`] contract.
pub(crate) fn compiled() -> Result<&'static Compiled, String> {
    COMPILED.get_or_init(compile).as_ref().map_err(Clone::clone)
}

fn compile() -> Result<Compiled, String> {
    let contract = crate::contract();
    let mut payloads = HashMap::new();
    for (name, spec) in &contract.actions {
        let v = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&contract.standalone(&spec.payload))
            .map_err(|e| format!("the payload schema of `{name}` does not compile: {e}"))?;
        payloads.insert(name.clone(), v);
    }
    Ok(Compiled { contract, payloads })
}

impl Compiled {
    /// Whether `code` is an error `action` may answer with.
    pub(crate) fn declared(&self, action: &str, code: &str) -> bool {
        self.contract
            .actions
            .get(action)
            .is_some_and(|spec| spec.errors.iter().any(|c| c == code))
            || self.contract.errors.get(code).is_some_and(|e| e.any_action)
    }

    /// How a refused request is answered (`None`: frameproof-server's default answer).
    pub(crate) fn refusal(&self, r: &Refusal<'_>) -> Option<ApiError> {
        let rule = |name: &str| r.violations.iter().find(|v| v.rule == name);
        if let Some(v) = rule("rest.unknown_route") {
            return Some(ApiError::unknown_action(format!(
                "no action is served at {}",
                v.message
                    .trim_end_matches(" is not a route of the contract's REST mapping")
            )));
        }
        if let Some(e) = r.body.and_then(body_error) {
            return Some(e);
        }
        if let Some(v) = rule("frame.unknown_action").or_else(|| rule("frame.rest_only")) {
            return Some(ApiError::unknown_action(v.message.clone()));
        }
        if let Some(v) = r
            .violations
            .iter()
            .find(|v| v.rule.id().starts_with("frame."))
        {
            // the validator says what is wrong with it ("not valid JSON: …"); say what "it" is
            let message = match v.rule {
                frameproof_server::Rule::FrameJson => format!("the frame is {}", v.message),
                _ => v.message.clone(),
            };
            return Some(ApiError::bad_request(message));
        }
        if let (Some(action), Some(payload)) = (r.action, r.payload) {
            if let Some(validator) = self.payloads.get(action) {
                if let Err(e) = check(validator, payload, "the payload") {
                    return Some(e);
                }
            }
        }
        None
    }
}

/// A REST body that is not a JSON object is a bad request, not a schema failure.
fn body_error(body: &str) -> Option<ApiError> {
    if body.trim().is_empty() {
        return None;
    }
    match serde_json::from_str::<Value>(body) {
        Ok(Value::Object(_)) => None,
        Ok(_) => Some(ApiError::bad_request("the body must be a JSON object")),
        Err(e) => Some(ApiError::bad_request(format!(
            "the body is not valid JSON: {e}"
        ))),
    }
}

/// Runs a validator and turns its errors into `validation_failed` with pointers.
fn check(validator: &jsonschema::Validator, instance: &Value, what: &str) -> Result<(), ApiError> {
    let mut details = Vec::new();
    for e in validator.iter_errors(instance) {
        let mut pointer = e.instance_path().as_str().to_owned();
        if let jsonschema::error::ValidationErrorKind::Required { property } = e.kind() {
            if let Some(p) = property.as_str() {
                pointer = format!("{pointer}/{}", p.replace('~', "~0").replace('/', "~1"));
            }
        }
        let mut message = e.to_string();
        if message.len() > 300 {
            message = e.masked_with("the value").to_string();
        }
        details.push(json!({ "pointer": pointer, "message": message }));
    }
    if details.is_empty() {
        return Ok(());
    }
    let first = details
        .first()
        .and_then(|d| d.get("message"))
        .and_then(Value::as_str)
        .unwrap_or("invalid")
        .to_owned();
    let at = details
        .first()
        .and_then(|d| d.get("pointer"))
        .and_then(Value::as_str)
        .filter(|p| !p.is_empty())
        .map(|p| format!(" at {p}"))
        .unwrap_or_default();
    Err(ApiError::invalid_all(
        format!("{what} does not match its schema{at}: {first}"),
        details,
    ))
}

//! Probes written as raw text, where JSON Schema and serde may read the same bytes differently
//! and a `serde_json::Value` cannot even hold the case: `-0` and `5e0` (integers to JSON Schema,
//! floats to a parser), a lone surrogate (`"\ud800"`: well-formed JSON text, no Unicode string),
//! a key named twice (JSON leaves it open; the contract refuses it). Each probe is a valid sample
//! request of an action with one payload member rewritten in its text; the contract's verdict
//! (the validator reading those bytes) and the server's (its answer) must agree, and a
//! disagreement names the action and the member.

use serde_json::{json, Value};

use frameproof_schema::sample::{sample, Rng};
use frameproof_schema::{Contract, Direction};
use frameproof_validator::{Severity, Validator};

/// How a probe rewrites a payload member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawProbe {
    /// An integer member written `-0`.
    NegativeZero,
    /// An integer member written with an exponent (`5e0`).
    Exponent,
    /// A string member holding a lone surrogate (`"\ud800"`).
    LoneSurrogate,
    /// A member named twice in the payload.
    DuplicateKey,
}

impl RawProbe {
    /// How the probe reads in a finding.
    pub fn describe(self) -> &'static str {
        match self {
            RawProbe::NegativeZero => "`-0`",
            RawProbe::Exponent => "an integer with an exponent",
            RawProbe::LoneSurrogate => "a lone surrogate (`\\ud800`)",
            RawProbe::DuplicateKey => "a key named twice",
        }
    }
}

/// One probe: the request's text and where it was rewritten.
#[derive(Debug, Clone)]
pub(crate) struct ProbeText {
    pub probe: RawProbe,
    pub action: String,
    /// The payload member rewritten (`/estimate_minutes`).
    pub field: String,
    /// The plain request the probe was made from (its payload: a valid sample).
    pub payload: Value,
    pub text: String,
}

/// Stands in for the member's value while the frame is written, then is replaced in the text.
const MARK: &str = "@@frameproof-raw-probe@@";

/// The id every probe request carries.
pub(crate) const PROBE_ID: &str = "fuzz-raw-probe";

/// The probes of one action, from a sample payload made with `seed`; none when the action has
/// no member a probe applies to.
pub(crate) fn probes_of(contract: &Contract, action: &str, seed: u64) -> Vec<ProbeText> {
    let Some(spec) = contract.actions.get(action) else {
        return Vec::new();
    };
    let payload = sample(&spec.payload, &contract.defs, &mut Rng::new(seed));
    let Some(members) = payload.as_object() else {
        return Vec::new();
    };
    let schema = frameproof_schema::resolve_ref(&spec.payload, &contract.defs);
    let mut out = Vec::new();
    for (name, value) in members {
        let member_schema = schema
            .get("properties")
            .and_then(|p| p.get(name))
            .map(|s| frameproof_schema::resolve_ref(s, &contract.defs));
        for (probe, replacement) in rewrites(value, member_schema) {
            let mut marked = payload.clone();
            marked[name.as_str()] = json!(MARK);
            let frame = contract
                .request_frame(json!(PROBE_ID), action, marked)
                .to_string();
            let member = format!("{}:\"{MARK}\"", json!(name));
            let text = match probe {
                RawProbe::DuplicateKey => {
                    let once = format!("{}:{value}", json!(name));
                    frame.replacen(&member, &format!("{once},{once}"), 1)
                }
                _ => frame.replacen(&format!("\"{MARK}\""), &replacement, 1),
            };
            out.push(ProbeText {
                probe,
                action: action.to_owned(),
                field: frameproof_schema::pointer::push("", name),
                payload: payload.clone(),
                text,
            });
        }
    }
    out
}

/// The probes that apply to one member and the text each writes in its place.
fn rewrites(value: &Value, schema: Option<&Value>) -> Vec<(RawProbe, String)> {
    let mut out = vec![(RawProbe::DuplicateKey, String::new())];
    let integer = schema.is_some_and(|s| {
        s.get("type") == Some(&json!("integer"))
            || s.get("type")
                .and_then(Value::as_array)
                .is_some_and(|t| t.contains(&json!("integer")))
    });
    if let (true, Some(n)) = (integer, value.as_i64()) {
        let allows_zero = schema.is_some_and(|s| {
            s.get("minimum")
                .and_then(Value::as_f64)
                .is_none_or(|m| m <= 0.0)
                && s.get("maximum")
                    .and_then(Value::as_f64)
                    .is_none_or(|m| m >= 0.0)
                && s.get("exclusiveMinimum").is_none()
                && s.get("multipleOf").is_none()
        });
        if allows_zero {
            out.push((RawProbe::NegativeZero, "-0".to_owned()));
        }
        out.push((RawProbe::Exponent, format!("{n}e0")));
    }
    let plain_string = value.is_string()
        && schema.is_some_and(|s| {
            ["pattern", "format", "enum", "const", "maxLength"]
                .iter()
                .all(|k| s.get(*k).is_none())
        });
    if plain_string {
        out.push((RawProbe::LoneSurrogate, "\"\\ud800\"".to_owned()));
    }
    out
}

/// Whether the contract accepts the probe's bytes as a request.
pub(crate) fn contract_accepts(validator: &Validator, text: &str) -> Result<(), String> {
    let errors: Vec<String> = validator
        .check_frame(Direction::Client, text.as_bytes())
        .violations
        .into_iter()
        .filter(|v| v.severity == Severity::Error)
        .map(|v| format!("{}", v.rule))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join(", "))
    }
}

/// Whether an answer refuses its request as input (`validation_failed`, `bad_request`), as
/// opposed to answering it (an ok response, or an error of the application's own rules).
pub(crate) fn refuses_input(contract: &Contract, answer: &Value) -> bool {
    contract
        .frame_error(answer)
        .is_some_and(|e| matches!(e.label().as_str(), "validation_failed" | "bad_request"))
}

/// The finding when the contract and the server disagree; `None` when they agree.
pub(crate) fn disagreement(
    probe: &ProbeText,
    contract_verdict: &Result<(), String>,
    refused: bool,
    answer: &Value,
) -> Option<String> {
    let what = format!(
        "{} at `{}` of `{}`",
        probe.probe.describe(),
        probe.field,
        probe.action
    );
    match (contract_verdict, refused) {
        (Ok(()), true) => Some(format!(
            "{what}: the contract accepts it, the server refused it\nrequest: {}\nanswer: {answer}",
            probe.text
        )),
        (Err(rules), false) => Some(format!(
            "{what}: the contract refuses it ({rules}), the server accepted it\nrequest: {}\nanswer: {answer}",
            probe.text
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_rewrite_one_member_in_the_text() {
        let contract = frameproof_schema::Contract::from_json_str(
            &std::fs::read_to_string(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../examples/timetracker/contract.json"),
            )
            .expect("the reference contract"),
            "contract.json",
        )
        .expect("loads");
        let probes = probes_of(&contract, "tasks.create", 7);
        let kinds: Vec<(RawProbe, &str)> =
            probes.iter().map(|p| (p.probe, p.field.as_str())).collect();
        assert!(
            kinds.contains(&(RawProbe::DuplicateKey, "/project_id")),
            "{kinds:?}"
        );
        assert!(
            kinds.contains(&(RawProbe::LoneSurrogate, "/project_id")),
            "{kinds:?}"
        );
        let minutes = probes
            .iter()
            .find(|p| p.probe == RawProbe::NegativeZero)
            .expect("estimate_minutes is an integer that allows 0");
        assert!(
            minutes.text.contains("\"estimate_minutes\":-0"),
            "{}",
            minutes.text
        );
        let twice = probes
            .iter()
            .find(|p| p.probe == RawProbe::DuplicateKey && p.field == "/title")
            .expect("a title named twice");
        assert_eq!(
            twice.text.matches("\"title\":").count(),
            2,
            "{}",
            twice.text
        );
        let validator = Validator::new(&contract).expect("compiles");
        assert!(contract_accepts(&validator, &minutes.text).is_ok());
        let refused = contract_accepts(&validator, &twice.text).expect_err("a duplicate key");
        assert!(refused.contains("frame.duplicate_key"), "{refused}");
    }
}

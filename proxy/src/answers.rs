//! What the proxy (or the layer) answers on the contract's behalf: errors with a code and a
//! status that the contract's own error table agrees with, in the contract's REST error body
//! and WebSocket error frame.

use axum::body::Body;
use axum::http::{header, HeaderValue, Response, StatusCode};
use serde_json::{json, Value};

use frameproof_validator::{Validator, Violation};

/// The `details` of a `validation_failed` answer: `{"errors": [{pointer, rule, message}]}`,
/// the shape the reference server uses.
pub(crate) fn validation_details(violations: &[Violation]) -> Value {
    let errors: Vec<Value> = violations
        .iter()
        .map(|v| json!({"pointer": v.pointer, "rule": v.rule, "message": v.message}))
        .collect();
    json!({ "errors": errors })
}

/// The code and status for an answer the proxy makes itself. HTTP says `natural` (413 for a
/// body over the limit, 504 for an upstream that did not answer); the contract may disagree:
/// a code the contract maps to `natural` wins, else `fallback` with the contract's status for
/// it, else `fallback` with `natural`.
pub(crate) fn code_and_status(
    validator: &Validator,
    natural: u16,
    fallback: &str,
) -> (String, u16) {
    let errors = &validator.contract().errors;
    if let Some((code, _)) = errors.iter().find(|(_, e)| e.status == natural) {
        return (code.clone(), natural);
    }
    match errors.get(fallback) {
        Some(e) => (fallback.to_owned(), e.status),
        None => (fallback.to_owned(), natural),
    }
}

/// A REST error answer: `{"error": <the contract's error object>}` with the contract's status.
pub(crate) fn rest_error(
    validator: &Validator,
    natural: u16,
    fallback: &str,
    message: &str,
    details: Option<Value>,
) -> Response<Body> {
    let (code, status) = code_and_status(validator, natural, fallback);
    rest_error_as(validator, &code, status, message, details)
}

/// A REST error answer with a code the caller chose (its status from the contract).
pub(crate) fn rest_error_as(
    validator: &Validator,
    code: &str,
    status: u16,
    message: &str,
    details: Option<Value>,
) -> Response<Body> {
    let body = validator
        .contract()
        .rest_error_body(code, message, details)
        .to_string();
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// The `validation_failed` answer to a REST request that broke the contract.
pub(crate) fn rest_rejection(validator: &Validator, violations: &[Violation]) -> Response<Body> {
    let code = "validation_failed";
    let status = validator
        .contract()
        .errors
        .get(code)
        .map_or(422, |e| e.status);
    let message = violations.first().map_or_else(
        || "the request is invalid".to_owned(),
        |v| v.message.clone(),
    );
    rest_error_as(
        validator,
        code,
        status,
        &message,
        Some(validation_details(violations)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_contract_status_table_wins() {
        let contract = frameproof_schema::Contract::builder("x", "1.0.0")
            .build()
            .expect("sound");
        let validator = Validator::new(&contract).expect("compiles");
        // the standard table maps `unavailable` to 503 and has no 413 or 504 code
        assert_eq!(
            code_and_status(&validator, 504, "unavailable"),
            ("unavailable".into(), 503)
        );
        let (code, status) = code_and_status(&validator, 413, "bad_request");
        assert_eq!(contract.errors[&code].status, status);
        let (code, status) = code_and_status(&validator, 503, "internal");
        assert_eq!((code.as_str(), status), ("unavailable", 503));
    }
}

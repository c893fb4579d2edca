//! A REST exchange: the route resolves to an action through the mapping, the request carries a
//! valid payload, the status fits the ok/error mapping, and the body is the response or a
//! declared error with the status its code has.
//!
//! The REST error body is `{"error": <the envelope's error object>}`.

use std::collections::BTreeMap;

use serde_json::Value;

use frameproof_naming::HttpMethod;
use frameproof_schema::transcript::RestExchange;

use crate::compiled::Validator;
use crate::frame::value_violations;
use crate::parse::parse_frame;
use crate::rule::Rule;
use crate::tape::Tape;
use crate::violation::Violation;

/// The verdict on one REST exchange.
#[derive(Debug, Clone)]
pub struct RestCheck {
    /// The action the route resolved to.
    pub action: Option<String>,
    /// Everything wrong with the exchange; empty when it conforms.
    pub violations: Vec<Violation>,
}

impl Validator {
    /// Checks one REST exchange: the route, the payload, the status and the body.
    pub fn check_rest(&self, exchange: &RestExchange) -> RestCheck {
        self.check_rest_parts(
            &exchange.method,
            &exchange.path,
            &exchange.query,
            exchange.body.as_ref(),
            exchange.status,
            exchange.response.as_ref(),
        )
    }

    /// [`Validator::check_rest`] on the exchange's parts, borrowed.
    fn check_rest_parts(
        &self,
        method: &str,
        path: &str,
        query: &[(String, String)],
        body: Option<&Value>,
        status: u16,
        response: Option<&Value>,
    ) -> RestCheck {
        let mut check = self.check_rest_request(method, path, query, body);
        if let Some(action) = &check.action {
            let found = self.check_rest_response(action, status, response);
            check.violations.extend(found);
        }
        check
    }

    /// The request half of an exchange, before a handler runs (a server that refuses invalid
    /// requests checks this): the route resolves to an action and the payload rebuilt from
    /// path, query and body matches its schema.
    pub fn check_rest_request(
        &self,
        method: &str,
        path: &str,
        query: &[(String, String)],
        body: Option<&Value>,
    ) -> RestCheck {
        let mut violations = Vec::new();
        let contract = &self.inner.contract;
        let route = method
            .parse::<HttpMethod>()
            .ok()
            .and_then(|m| contract.action_for_route(m, path));
        let Some((action, _, params)) = route else {
            return RestCheck {
                action: None,
                violations: vec![Violation::error(
                    Rule::RestUnknownRoute,
                    "",
                    format!("{method} {path} is not a route of the contract's REST mapping"),
                )],
            };
        };
        let action = action.to_owned();
        let params: BTreeMap<String, String> = params;
        match contract.rest_payload(&action, &params, query, body) {
            Err(e) => {
                violations.push(Violation::error(Rule::RestPayload, "", e).with_item(&action))
            }
            Ok(payload) => {
                if let Some(spec) = self.inner.actions.get(&action) {
                    violations.extend(value_violations(
                        &spec.payload,
                        &payload,
                        "",
                        Rule::RestPayload,
                        Some(&action),
                    ));
                }
            }
        }
        RestCheck {
            action: Some(action),
            violations,
        }
    }

    /// The response half of an exchange for `action`: the status fits the ok/error mapping
    /// and the body is the response, or a declared error with the status its code has.
    pub fn check_rest_response(
        &self,
        action: &str,
        status: u16,
        response: Option<&Value>,
    ) -> Vec<Violation> {
        let spec = self.inner.actions.get(action);
        if !(200..300).contains(&status) {
            return self.check_rest_error(action, status, response);
        }
        match (spec, response) {
            (Some(spec), Some(body)) => {
                value_violations(&spec.response, body, "", Rule::RestResponse, Some(action))
            }
            (Some(_), None) => {
                vec![
                    Violation::error(Rule::RestResponse, "", "the ok response has no JSON body")
                        .with_item(action),
                ]
            }
            _ => Vec::new(),
        }
    }

    /// [`Validator::check_rest`] with the bodies as the raw text that travelled (what a HAR
    /// file or a proxy has): a body that names a key twice is reported as `rest.duplicate_key`
    /// (servers differ on which of the two they keep), and the rest of the checks run on the
    /// body as a plain JSON parser reads it (the last of the two). A body that is not JSON is
    /// treated as no body, as in [`Validator::check_rest`].
    #[allow(clippy::too_many_arguments)]
    pub fn check_rest_raw(
        &self,
        method: &str,
        path: &str,
        query: &[(String, String)],
        body: Option<&str>,
        status: u16,
        response: Option<&str>,
    ) -> RestCheck {
        let mut repeated = Vec::new();
        let body = body.and_then(|t| self.raw_body(t, "request", &mut repeated));
        let response = response.and_then(|t| self.raw_body(t, "response", &mut repeated));
        let mut check = self.check_rest_parts(
            method,
            path,
            query,
            body.as_ref(),
            status,
            response.as_ref(),
        );
        for v in &mut repeated {
            v.item.clone_from(&check.action);
        }
        repeated.append(&mut check.violations);
        check.violations = repeated;
        check
    }

    /// [`Validator::check_rest_request`] with the body as raw text (see
    /// [`Validator::check_rest_raw`]).
    pub fn check_rest_request_raw(
        &self,
        method: &str,
        path: &str,
        query: &[(String, String)],
        body: Option<&str>,
    ) -> RestCheck {
        let mut repeated = Vec::new();
        let body = body.and_then(|t| self.raw_body(t, "request", &mut repeated));
        let mut check = self.check_rest_request(method, path, query, body.as_ref());
        for v in &mut repeated {
            v.item.clone_from(&check.action);
        }
        repeated.append(&mut check.violations);
        check.violations = repeated;
        check
    }

    /// [`Validator::check_rest_response`] with the body as raw text (see
    /// [`Validator::check_rest_raw`]).
    pub fn check_rest_response_raw(
        &self,
        action: &str,
        status: u16,
        response: Option<&str>,
    ) -> Vec<Violation> {
        let mut out = Vec::new();
        let response = response.and_then(|t| self.raw_body(t, "response", &mut out));
        for v in &mut out {
            v.item = Some(action.to_owned());
        }
        out.extend(self.check_rest_response(action, status, response.as_ref()));
        out
    }

    /// A REST body read strictly (once, onto a tape): a key named twice is reported; the value
    /// is what a plain parser makes of the text.
    fn raw_body(&self, text: &str, which: &str, out: &mut Vec<Violation>) -> Option<Value> {
        if text.trim().is_empty() {
            return None;
        }
        let mut tape = Tape::default();
        match parse_frame(text.as_bytes(), &self.inner.limits, &mut tape) {
            Ok(doc) => Some(doc.root().to_value()),
            Err(v) => {
                if v.rule == Rule::FrameDuplicateKey {
                    let message = format!("the {which} body names a key twice: {}", v.message);
                    out.push(Violation::error(Rule::RestDuplicateKey, "", message));
                }
                serde_json::from_str(text).ok()
            }
        }
    }

    fn check_rest_error(
        &self,
        action: &str,
        status: u16,
        response: Option<&Value>,
    ) -> Vec<Violation> {
        let contract = &self.inner.contract;
        let Some((read, problems)) = response.and_then(|r| contract.read_rest_error(r)) else {
            return vec![Violation::error(
                Rule::RestError,
                "/error",
                format!(
                    "status {status} without a `{{\"error\": {{\"code\", \"message\"}}}}` body"
                ),
            )
            .with_item(action)];
        };
        let at = |p: &str| format!("/{}{p}", frameproof_schema::wire::REST_ERROR_MEMBER);
        let mut out: Vec<Violation> = problems
            .iter()
            .map(|p| {
                Violation::error(Rule::RestError, at(&p.pointer), p.message.clone())
                    .with_item(action)
            })
            .collect();
        let Some(read) = read else {
            return out;
        };
        let code_at = at(&contract.envelope.response.error_code);
        let shown = read
            .code
            .as_str()
            .map_or_else(|| read.code.to_string(), str::to_owned);
        match read
            .name
            .as_deref()
            .and_then(|n| contract.errors.get_key_value(n))
        {
            None => out.push(
                Violation::error(
                    Rule::ErrorUnknownCode,
                    code_at,
                    format!("`{shown}` is not in the contract's error table"),
                )
                .with_item(action),
            ),
            Some((code, spec)) => {
                if spec.status != status {
                    out.push(
                        Violation::error(
                            Rule::RestStatus,
                            "",
                            format!(
                                "error `{code}` must come with HTTP status {}, not {status}",
                                spec.status
                            ),
                        )
                        .with_item(action),
                    );
                }
                let declared = self
                    .inner
                    .actions
                    .get(action)
                    .is_some_and(|a| a.errors.iter().any(|e| e == code));
                if !declared && !spec.any_action {
                    out.push(
                        Violation::error(Rule::ErrorUndeclared, code_at, format!("`{action}` answered with error `{code}`, which it does not declare"))
                            .with_item(action),
                    );
                }
            }
        }
        out
    }
}

//! Every request the proxy receives: a WebSocket upgrade at the contract's socket path is
//! bridged (`websocket`), anything else is forwarded to the upstream server as it is, and REST
//! exchanges under the contract's base path are validated and recorded.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use frameproof_schema::transcript::RestExchange;

use crate::redact::{credential_params, redact_query};
use crate::Shared;

/// Headers that belong to one hop, not to the exchange.
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "host",
    "content-length",
];

pub(crate) fn forwardable(
    headers: &HeaderMap,
) -> impl Iterator<Item = (&header::HeaderName, &HeaderValue)> {
    headers
        .iter()
        .filter(|(name, _)| !HOP_BY_HOP.contains(&name.as_str()))
}

pub async fn handle(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let wants_upgrade = req
        .headers()
        .get(header::UPGRADE)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"websocket"));
    if wants_upgrade {
        return crate::websocket::upgrade(shared, req).await;
    }
    forward(shared, req).await
}

fn error_body(status: StatusCode, code: &str, message: String) -> Response {
    (
        status,
        axum::Json(json!({"error": {"code": code, "message": message}})),
    )
        .into_response()
}

async fn forward(shared: Arc<Shared>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body = match axum::body::to_bytes(body, shared.config.max_body_bytes).await {
        Ok(b) => b,
        Err(_) => {
            return error_body(
                StatusCode::PAYLOAD_TOO_LARGE,
                "bad_request",
                format!(
                    "the body is over the proxy's {} byte limit",
                    shared.config.max_body_bytes
                ),
            )
        }
    };
    let path_and_query = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let url = format!("{}{}", shared.config.upstream, path_and_query);
    let mut request = shared.http.request(parts.method.clone(), &url);
    for (name, value) in forwardable(&parts.headers) {
        request = request.header(name, value);
    }
    let upstream = match request.body(body.clone()).send().await {
        Ok(r) => r,
        Err(e) => {
            return error_body(
                StatusCode::BAD_GATEWAY,
                "unavailable",
                format!(
                    "the upstream server at {} did not answer: {e}",
                    shared.config.upstream
                ),
            )
        }
    };
    let status = upstream.status();
    let headers = upstream.headers().clone();
    let response_body = match upstream.bytes().await {
        Ok(b) => b,
        Err(e) => {
            return error_body(
                StatusCode::BAD_GATEWAY,
                "unavailable",
                format!("the upstream response broke off: {e}"),
            )
        }
    };
    observe(
        &shared,
        parts.method.as_str(),
        parts.uri.path(),
        parts.uri.query().unwrap_or(""),
        &body,
        status.as_u16(),
        &response_body,
    );
    let mut out = Response::builder().status(status);
    for (name, value) in forwardable(&headers) {
        out = out.header(name, value);
    }
    out.body(Body::from(response_body))
        .unwrap_or_else(|_| StatusCode::BAD_GATEWAY.into_response())
}

pub(crate) fn parse_query(query: &str) -> Vec<(String, String)> {
    frameproof_validator::har::split_url(&format!("/?{query}")).1
}

/// Whether a request path is one of the contract's REST routes' (under its base path).
pub(crate) fn under_base_path(contract: &frameproof_schema::Contract, path: &str) -> bool {
    let base = contract.transport.rest.base_path.trim_end_matches('/');
    path.strip_prefix(base)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Validates and records one REST exchange under the contract's base path.
fn observe(
    shared: &Shared,
    method: &str,
    path: &str,
    query: &str,
    body: &Bytes,
    status: u16,
    response: &Bytes,
) {
    let contract = shared.validator.contract();
    if !under_base_path(contract, path) {
        return;
    }
    let request_json: Option<Value> = (!body.is_empty())
        .then(|| serde_json::from_slice(body).ok())
        .flatten();
    let response_json: Option<Value> = serde_json::from_slice(response).ok();
    let pairs = parse_query(query);
    let check = shared.validator.check_rest(
        method,
        path,
        &pairs,
        request_json.as_ref(),
        status,
        response_json.as_ref(),
    );
    for mut v in check.violations {
        v.location.file = "live".into();
        v.location.connection = "rest".into();
        shared.report(&v);
    }
    if let Some(recorder) = &shared.recorder {
        let params = credential_params(contract);
        let (redacted, _) = redact_query(query, &params, "rest");
        if let Ok(mut r) = recorder.lock() {
            r.rest(
                "rest",
                RestExchange {
                    method: method.to_owned(),
                    path: path.to_owned(),
                    query: parse_query(&redacted),
                    body: request_json,
                    status,
                    response: response_json,
                },
            );
        }
    }
}

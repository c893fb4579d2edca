//! The HTTP twin: the contract's REST routes (payload from path, query and body; statuses from
//! the error table; 405 with `Allow` for a known path and another method) and the single RPC
//! endpoint (a request frame POSTed, its response frame back).

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::Value;

use frameproof_schema::HttpMethod;

use crate::ctx::Principal;
use crate::dispatch::{self, Caller};
use crate::error::Error;
use crate::hooks::{Outgoing, Refusal, Transport};
use crate::service::Shared;
use frameproof_validator::Violation;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let t = &shared.contract.transport;
    let ws_path = t.websocket.path.clone();
    let rpc = t.rest.rpc_endpoint.clone();
    let mut router = Router::new();
    match rpc {
        Some(rpc) if rpc == ws_path => {
            router = router.route(&ws_path, get(crate::websocket::upgrade).post(rpc_endpoint));
        }
        Some(rpc) => {
            router = router
                .route(&ws_path, get(crate::websocket::upgrade))
                .route(&rpc, post(rpc_endpoint));
        }
        None => router = router.route(&ws_path, get(crate::websocket::upgrade)),
    }
    router.fallback(rest).with_state(shared)
}

/// The credential of an HTTP request: the header the contract names (`Authorization:
/// Bearer`), authenticated by the service's hook. `Err`: a credential that was refused.
async fn principal(shared: &Shared, headers: &HeaderMap) -> Result<Option<Principal>, Error> {
    let Some(authenticate) = &shared.authenticate else {
        return Ok(None);
    };
    let setting = &shared.contract.transport.auth.rest_header;
    let (name, prefix) = setting
        .split_once(':')
        .map_or((setting.as_str(), ""), |(n, p)| (n.trim(), p.trim()));
    let Some(value) = headers.get(name).and_then(|v| v.to_str().ok()) else {
        return Ok(None);
    };
    let token = value
        .strip_prefix(prefix)
        .unwrap_or(value)
        .trim()
        .to_owned();
    authenticate(token).await.map(Some)
}

/// Runs the outgoing hook on an HTTP answer and makes the response.
fn answer(shared: &Shared, action: Option<&str>, status: StatusCode, mut body: Value) -> Response {
    let mut status = status;
    if let Some(hook) = &shared.outgoing {
        let mut out = Outgoing {
            contract: &shared.contract,
            transport: Transport::Http,
            action,
            event: None,
            status: Some(status.as_u16()),
            frame: &mut body,
            send: true,
        };
        hook(&mut out);
        if let Some(changed) = out.status.and_then(|s| StatusCode::from_u16(s).ok()) {
            status = changed;
        }
    }
    if body.is_null() {
        return status.into_response();
    }
    (status, Json(body)).into_response()
}

fn no_credential(shared: &Shared) -> Error {
    let header = &shared.contract.transport.auth.rest_header;
    Error::new(
        "unauthorized",
        format!("send a credential: `{header} <token>`"),
    )
}

fn error_response(shared: &Shared, e: &Error) -> Response {
    error_answer(shared, None, e)
}

/// An error answer for `action`: the status from the contract's error table.
fn error_answer(shared: &Shared, action: Option<&str>, e: &Error) -> Response {
    let status = shared
        .contract
        .errors
        .get(&e.code)
        .and_then(|spec| StatusCode::from_u16(spec.status).ok())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = shared
        .contract
        .rest_error_body(&e.code, &e.message, e.details.clone());
    answer(shared, action, status, body)
}

/// A REST request: the route, the caller, the payload, the handler.
async fn rest(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    let query = query_pairs(uri.query().unwrap_or(""));
    let contract = &shared.contract;
    let route = method
        .as_str()
        .parse::<HttpMethod>()
        .ok()
        .and_then(|verb| contract.action_for_route(verb, &path));
    let Some((action, _, params)) = route else {
        return not_a_route(&shared, method.as_str(), &path);
    };
    let action = action.to_owned();
    // the refresh action renews a credential that may have run out: it is served without one
    let refresh = contract.transport.auth.refresh_action.as_deref() == Some(action.as_str());
    let caller = match principal(&shared, &headers).await {
        Ok(p) => Caller {
            principal: p.map(Arc::new),
            connection: None,
        },
        Err(_) if refresh => Caller {
            principal: None,
            connection: None,
        },
        Err(e) => return error_answer(&shared, Some(&action), &e),
    };
    if shared.settings.require_credential && caller.principal.is_none() && !refresh {
        return error_answer(&shared, Some(&action), &no_credential(&shared));
    }
    let text = (!body.is_empty()).then(|| String::from_utf8_lossy(&body).into_owned());
    let json_body: Option<Value> = text.as_deref().and_then(|t| serde_json::from_str(t).ok());
    let params: BTreeMap<String, String> = params;
    let payload = contract.rest_payload(&action, &params, &query, json_body.as_ref());
    let check =
        shared
            .validator
            .check_rest_request_raw(method.as_str(), &path, &query, text.as_deref());
    if !check.violations.is_empty() {
        for v in &check.violations {
            (shared.report)(v);
        }
        let e = shared.refuse(&Refusal {
            transport: Transport::Http,
            action: Some(&action),
            frame: None,
            payload: payload.as_ref().ok(),
            body: text.as_deref(),
            violations: &check.violations,
        });
        return error_answer(&shared, Some(&action), &e);
    }
    let payload = match payload {
        Ok(p) => p,
        Err(e) => return error_answer(&shared, Some(&action), &Error::validation_failed(e)),
    };
    match dispatch::call(&shared, &caller, &action, payload).await {
        Ok(data) => answer(&shared, Some(&action), StatusCode::OK, data),
        Err(e) => error_answer(&shared, Some(&action), &e),
    }
}

/// No route at this method: the application's answer (`on_refusal`), or 405 with the methods
/// the path has, or 404.
fn not_a_route(shared: &Shared, method: &str, path: &str) -> Response {
    if let Some(hook) = &shared.refusal {
        let violations = [Violation::error(
            frameproof_validator::Rule::RestUnknownRoute,
            "",
            format!("{method} {path} is not a route of the contract's REST mapping"),
        )];
        let answer = hook(&Refusal {
            transport: Transport::Http,
            action: None,
            frame: None,
            payload: None,
            body: None,
            violations: &violations,
        });
        if let Some(e) = answer {
            return error_response(shared, &e);
        }
    }
    let allowed: Vec<&str> = HttpMethod::ALL
        .into_iter()
        .filter(|m| shared.contract.action_for_route(*m, path).is_some())
        .map(HttpMethod::as_str)
        .collect();
    if allowed.is_empty() {
        let e = Error::new(
            "not_found",
            format!("{path} is not a route of this service"),
        );
        let mut r = error_response(shared, &e);
        *r.status_mut() = StatusCode::NOT_FOUND;
        return r;
    }
    let mut r = answer(shared, None, StatusCode::METHOD_NOT_ALLOWED, Value::Null);
    if let Ok(v) = HeaderValue::from_str(&allowed.join(", ")) {
        r.headers_mut().insert(header::ALLOW, v);
    }
    r
}

fn query_pairs(query: &str) -> Vec<(String, String)> {
    frameproof_validator::har::split_url(&format!("/?{query}")).1
}

/// The RPC endpoint: the request frame (or batch) in, its answer out; `202` when nothing
/// answers (notifications).
async fn rpc_endpoint(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let caller = match principal(&shared, &headers).await {
        Ok(p) => Caller {
            principal: p.map(Arc::new),
            connection: None,
        },
        Err(e) => return error_response(&shared, &e),
    };
    if shared.settings.require_credential && caller.principal.is_none() {
        return error_response(&shared, &no_credential(&shared));
    }
    let text = String::from_utf8_lossy(&body);
    match dispatch::answer_frame(&shared, &caller, &text).await {
        Some(frame) => answer(&shared, None, StatusCode::OK, frame),
        None => answer(&shared, None, StatusCode::ACCEPTED, Value::Null),
    }
}

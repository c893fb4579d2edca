//! Validation inside your own axum server, without a proxy in between: a tower layer that checks
//! every REST exchange under the contract's base path — route, payload, status, body — and hands
//! each violation to a sink. With `enforce`, a request whose route or payload fails is answered
//! with the contract's `validation_failed` error and never reaches the handler.
//!
//! WebSocket upgrades pass through untouched: validate their frames with a
//! [`frameproof_validator::Session`] in the socket handler, one per connection.
//!
//! ```no_run
//! # use axum::{routing::get, Router};
//! # use frameproof_proxy::ContractLayer;
//! # use frameproof_validator::Validator;
//! # fn app(contract: &frameproof_schema::Contract) -> Router {
//! let validator = Validator::new(contract).expect("compiles");
//! Router::new()
//!     .route("/api/projects", get(|| async { "[]" }))
//!     .layer(ContractLayer::new(validator).on_violation(|v| eprintln!("{}: {}", v.rule, v.message)))
//! # }
//! ```

use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes, HttpBody};
use axum::http::{header, Request, Response};
use futures_util::future::BoxFuture;
use tower::{Layer, Service};

use frameproof_validator::{Rule, Validator, Violation};

use crate::http::parse_query;
use crate::ViolationSink;

/// Checks the REST exchanges of the service it wraps against a contract.
#[derive(Clone)]
pub struct ContractLayer {
    validator: Validator,
    on_violation: ViolationSink,
    enforce: bool,
    max_body_bytes: usize,
}

impl ContractLayer {
    /// Reports nowhere until [`ContractLayer::on_violation`] says where.
    pub fn new(validator: Validator) -> ContractLayer {
        ContractLayer {
            validator,
            on_violation: Arc::new(|_| {}),
            enforce: false,
            max_body_bytes: 16 * 1024 * 1024,
        }
    }

    /// Called with every violation, as the exchange that has it completes.
    pub fn on_violation(mut self, sink: impl Fn(&Violation) + Send + Sync + 'static) -> Self {
        self.on_violation = Arc::new(sink);
        self
    }

    /// Answer a request that fails its route or payload with `validation_failed` (with the
    /// violations as details) instead of calling the handler.
    pub fn enforce(mut self, yes: bool) -> Self {
        self.enforce = yes;
        self
    }

    /// Bodies are buffered to be checked, up to this size; a larger request is refused with
    /// 413, a larger response passes through unchecked (with a warning).
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    fn report(&self, mut v: Violation) {
        v.location.file = "live".into();
        v.location.connection = "rest".into();
        (self.on_violation)(&v);
    }

    /// The contract's `validation_failed` error in its REST form (`{"error": ...}`), with the
    /// status the error table gives it.
    fn rejection(&self, violations: &[Violation]) -> Response<Body> {
        crate::answers::rest_rejection(&self.validator, violations)
    }
}

impl<S> Layer<S> for ContractLayer {
    type Service = ContractService<S>;

    fn layer(&self, inner: S) -> ContractService<S> {
        ContractService {
            inner,
            layer: Arc::new(self.clone()),
        }
    }
}

/// The service [`ContractLayer`] wraps around yours.
#[derive(Clone)]
pub struct ContractService<S> {
    inner: S,
    layer: Arc<ContractLayer>,
}

impl<S> Service<Request<Body>> for ContractService<S>
where
    S: Service<Request<Body>, Response = Response<Body>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Response<Body>, Infallible>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        // the service that was polled ready is the one to call; a fresh clone takes its place
        let fresh = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, fresh);
        let layer = self.layer.clone();
        let path = request.uri().path().to_owned();
        let websocket = request.headers().contains_key(header::UPGRADE);
        let rpc = request.method() == axum::http::Method::POST
            && layer
                .validator
                .contract()
                .transport
                .rest
                .rpc_endpoint
                .as_deref()
                == Some(path.as_str());
        if rpc && !websocket {
            return Box::pin(check_rpc(layer, inner, request));
        }
        if websocket
            || !layer
                .validator
                .contract()
                .is_rest_traffic(request.method().as_str(), &path)
        {
            return Box::pin(inner.call(request));
        }
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let Ok(body) = axum::body::to_bytes(body, layer.max_body_bytes).await else {
                layer.report(Violation::error(
                    Rule::RestPayload,
                    "",
                    format!(
                        "the request body is over {} bytes (or broke off)",
                        layer.max_body_bytes
                    ),
                ));
                return Ok(crate::answers::rest_error(
                    &layer.validator,
                    413,
                    "bad_request",
                    &format!("the request body is over {} bytes", layer.max_body_bytes),
                    None,
                ));
            };
            let method = parts.method.as_str().to_owned();
            let query = parse_query(parts.uri.query().unwrap_or(""));
            // checked from the raw text: a key named twice is caught, whichever the server keeps
            let text = (!body.is_empty()).then(|| String::from_utf8_lossy(&body));
            let request_check =
                layer
                    .validator
                    .check_rest_request_raw(&method, &path, &query, text.as_deref());
            if layer.enforce && !request_check.violations.is_empty() {
                let rejection = layer.rejection(&request_check.violations);
                request_check
                    .violations
                    .into_iter()
                    .for_each(|v| layer.report(v));
                return Ok(rejection);
            }
            let response = inner
                .call(Request::from_parts(parts, Body::from(body)))
                .await?;
            let mut violations = request_check.violations;
            let (parts, body) = response.into_parts();
            // a streamed or oversized body passes through as it is, never cut short
            let fits = body
                .size_hint()
                .upper()
                .is_some_and(|n| n <= layer.max_body_bytes as u64);
            let response = if fits {
                let bytes = axum::body::to_bytes(body, layer.max_body_bytes)
                    .await
                    .unwrap_or_else(|_| Bytes::new());
                if let Some(action) = &request_check.action {
                    let text = (!bytes.is_empty()).then(|| String::from_utf8_lossy(&bytes));
                    violations.extend(layer.validator.check_rest_response_raw(
                        action,
                        parts.status.as_u16(),
                        text.as_deref(),
                    ));
                }
                Response::from_parts(parts, Body::from(bytes))
            } else {
                let mut v = Violation::warning(
                    Rule::RestUnchecked,
                    "",
                    format!(
                        "the response body is streamed or over {} bytes: not checked",
                        layer.max_body_bytes
                    ),
                );
                v.item = request_check.action.clone();
                violations.push(v);
                Response::from_parts(parts, body)
            };
            violations.into_iter().for_each(|v| layer.report(v));
            Ok(response)
        })
    }
}

/// An exchange with the contract's RPC endpoint: passed on as it is, then the request frame
/// and the frames of the answer are checked together (reported, never refused: an RPC
/// endpoint's own errors are frames the client must see).
async fn check_rpc<S>(
    layer: Arc<ContractLayer>,
    mut inner: S,
    request: Request<Body>,
) -> Result<Response<Body>, Infallible>
where
    S: Service<Request<Body>, Response = Response<Body>, Error = Infallible>,
{
    let limit = layer.max_body_bytes;
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, limit).await else {
        layer.report(Violation::error(
            Rule::RestPayload,
            "",
            format!("the request body is over {limit} bytes (or broke off)"),
        ));
        return Ok(crate::answers::rest_error(
            &layer.validator,
            413,
            "bad_request",
            &format!("the request body is over {limit} bytes"),
            None,
        ));
    };
    let response = inner
        .call(Request::from_parts(parts, Body::from(body.clone())))
        .await?;
    let (parts, answer) = response.into_parts();
    let fits = answer
        .size_hint()
        .upper()
        .is_some_and(|n| n <= limit as u64);
    if !fits {
        layer.report(Violation::warning(
            Rule::RestUnchecked,
            "",
            format!("the RPC answer is streamed or over {limit} bytes: not checked"),
        ));
        return Ok(Response::from_parts(parts, answer));
    }
    let bytes = axum::body::to_bytes(answer, limit)
        .await
        .unwrap_or_else(|_| Bytes::new());
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let found = layer.validator.check_rpc_exchange(
        &String::from_utf8_lossy(&body),
        parts.status.as_u16(),
        content_type,
        &String::from_utf8_lossy(&bytes),
    );
    found.into_iter().for_each(|v| layer.report(v));
    Ok(Response::from_parts(parts, Body::from(bytes)))
}

//! REST: every request that is not a WebSocket upgrade is forwarded to the upstream as it is,
//! behind [`crate::ContractLayer`] (the same checks, and with `--enforce` the same refusals, as
//! in your own server). Bodies are bounded both ways, the upstream has a time to answer, and
//! exchanges under the contract's base path are recorded with their credentials redacted.

use std::convert::Infallible;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, Request, Response, StatusCode};
use serde_json::Value;

use frameproof_schema::transcript::{ConnectionInfo, RestExchange, RPC_TRANSPORT};
use frameproof_schema::Direction;
use frameproof_validator::Validator;

use crate::answers::rest_error;
use crate::config::{Limits, Timeouts};
use crate::recorder::Recorder;
use crate::redact::Credentials;

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

pub(crate) fn parse_query(query: &str) -> Vec<(String, String)> {
    frameproof_validator::har::split_url(&format!("/?{query}")).1
}

/// Forwards REST requests to the upstream (the service inside the proxy's `ContractLayer`).
pub(crate) struct Forwarder {
    pub upstream: String,
    pub http: reqwest::Client,
    pub validator: Validator,
    pub limits: Limits,
    pub timeouts: Timeouts,
    pub recorder: Option<Arc<Recorder>>,
    pub credentials: Arc<Credentials>,
    /// Exchanges with the RPC endpoint recorded so far (each is a connection of its own).
    pub exchanges: std::sync::atomic::AtomicU64,
}

impl Forwarder {
    pub(crate) fn client(timeouts: &Timeouts) -> reqwest::Result<reqwest::Client> {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeouts.upstream_connect)
            .timeout(timeouts.upstream_response)
            .build()
    }

    pub(crate) async fn call(
        self: Arc<Self>,
        req: Request<Body>,
    ) -> Result<Response<Body>, Infallible> {
        Ok(self.forward(req).await)
    }

    async fn forward(&self, req: Request<Body>) -> Response<Body> {
        let (parts, body) = req.into_parts();
        let limit = self.limits.max_body_bytes;
        let Ok(body) = axum::body::to_bytes(body, limit).await else {
            return rest_error(
                &self.validator,
                413,
                "bad_request",
                &format!("the request body is over the proxy's {limit} byte limit"),
                None,
            );
        };
        let path_and_query = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        let url = format!("{}{}", self.upstream, path_and_query);
        let mut request = self.http.request(parts.method.clone(), &url);
        for (name, value) in forwardable(&parts.headers) {
            request = request.header(name, value);
        }
        let upstream = match request.body(body.clone()).send().await {
            Ok(r) => r,
            Err(e) => return self.upstream_failed(&e),
        };
        let status = upstream.status();
        let headers = upstream.headers().clone();
        let response_body = match read_bounded(upstream, limit).await {
            Ok(b) => b,
            Err(BodyError::TooLarge) => {
                return rest_error(
                    &self.validator,
                    502,
                    "unavailable",
                    &format!("the upstream's answer is over the proxy's {limit} byte limit"),
                    None,
                )
            }
            Err(BodyError::Broken(e)) => return self.upstream_failed(&e),
        };
        let rpc = parts.method == axum::http::Method::POST
            && self
                .validator
                .contract()
                .transport
                .rest
                .rpc_endpoint
                .as_deref()
                == Some(parts.uri.path());
        if rpc {
            let content_type = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok());
            self.record_rpc(&body, content_type, &response_body);
        } else {
            self.record(
                parts.method.as_str(),
                parts.uri.path(),
                parts.uri.query().unwrap_or(""),
                &body,
                status.as_u16(),
                &response_body,
            );
        }
        let mut out = Response::builder().status(status);
        for (name, value) in forwardable(&headers) {
            out = out.header(name, value);
        }
        out.body(Body::from(response_body))
            .unwrap_or_else(|_| Response::new(Body::empty()))
    }

    fn upstream_failed(&self, e: &reqwest::Error) -> Response<Body> {
        let (natural, what) = if e.is_timeout() {
            (
                504,
                format!(
                    "did not answer within {} ms",
                    self.timeouts.upstream_response.as_millis()
                ),
            )
        } else if e.is_connect() {
            (502, format!("could not be reached: {e}"))
        } else {
            (502, format!("failed: {e}"))
        };
        rest_error(
            &self.validator,
            natural,
            "unavailable",
            &format!("the upstream server at {} {what}", self.upstream),
            None,
        )
    }

    /// Records one exchange with the RPC endpoint as a connection of its own (transport
    /// `rpc`): the request frame, then each frame of the answer.
    fn record_rpc(&self, request: &Bytes, content_type: Option<&str>, answer: &Bytes) {
        let Some(recorder) = &self.recorder else {
            return;
        };
        let n = self
            .exchanges
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let conn = format!("rpc-{n}");
        let info = ConnectionInfo {
            role: "client".into(),
            transport: Some(RPC_TRANSPORT.into()),
            ..ConnectionInfo::default()
        };
        recorder.connection(&conn, info, true);
        let text = String::from_utf8_lossy(request);
        recorder.text(
            &conn,
            Direction::Client,
            &text,
            serde_json::from_str(&text).ok(),
        );
        let answer = String::from_utf8_lossy(answer);
        for frame in frameproof_validator::rpc::answer_frames(content_type, &answer) {
            recorder.text(
                &conn,
                Direction::Server,
                &frame,
                serde_json::from_str(&frame).ok(),
            );
        }
    }

    /// Records one REST exchange under the contract's base path, credentials redacted.
    fn record(
        &self,
        method: &str,
        path: &str,
        query: &str,
        body: &Bytes,
        status: u16,
        response: &Bytes,
    ) {
        let Some(recorder) = &self.recorder else {
            return;
        };
        if !self.validator.contract().is_rest_traffic(method, path) {
            return;
        }
        let mut request_json: Option<Value> = (!body.is_empty())
            .then(|| serde_json::from_slice(body).ok())
            .flatten();
        let mut response_json: Option<Value> = serde_json::from_slice(response).ok();
        if self.credentials.is_credential_route(method, path) {
            for json in [&mut request_json, &mut response_json]
                .into_iter()
                .flatten()
            {
                self.credentials.redact_members(json, "rest");
            }
        }
        let (redacted, _) = self.credentials.redact_query(query, "rest");
        recorder.rest(
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

enum BodyError {
    TooLarge,
    Broken(reqwest::Error),
}

/// The upstream's answer, read chunk by chunk up to `limit` bytes.
async fn read_bounded(mut response: reqwest::Response, limit: usize) -> Result<Bytes, BodyError> {
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge);
    }
    let mut out = bytes::BytesMut::new();
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Broken)? {
        if out.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge);
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out.freeze())
}

/// A plain-text answer for requests outside the contract (a bad upgrade, say).
pub(crate) fn plain(status: StatusCode, text: impl Into<String>) -> Response<Body> {
    let mut r = Response::new(Body::from(text.into()));
    *r.status_mut() = status;
    r
}

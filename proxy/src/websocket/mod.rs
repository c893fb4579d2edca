//! A WebSocket through the proxy: the upstream handshake first (so a refusal reaches the client
//! as the same HTTP status, and a server that does not answer in time as the contract's
//! `unavailable`), then the client's handshake, then [`bridge`] moves frames both ways.
//!
//! Files: `bridge` (the loop over both sockets), `release` (giving back a large message's
//! memory), `check` (one text frame: validate, redact,
//! record, refuse), `close` (close codes and closing handshakes), `send` (large messages go out
//! as fragments), `pings` (one pong per ping).

mod bridge;
mod check;
mod close;
mod pings;
mod release;
mod send;

use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::WebSocketStream;

use frameproof_schema::transcript::ConnectionInfo;

use self::release::Aligned;
use crate::answers::rest_error;
use crate::http::plain;
use crate::redact::placeholder;
use crate::server::ConnectionPermit;
use crate::Shared;

/// Bytes read from a socket at a time. tungstenite zero-fills its read buffer up to this size on
/// every read (128 KiB by default): on the frame sizes of real-time APIs that memset is most of
/// a small frame's cost, so the proxy reads in 8 KiB steps (larger frames take more reads).
const READ_BUFFER: usize = 8 * 1024;

/// The socket settings of both legs: the contract's message limit on whole messages and on
/// single frames, small read steps, and a send buffer bounded by the fragment size.
pub(crate) fn socket_config(shared: &Shared) -> WebSocketConfig {
    let max = shared.max_message_bytes;
    let fragment = shared.config.limits.fragment_bytes.max(1024);
    WebSocketConfig::default()
        .read_buffer_size(READ_BUFFER)
        // every message is written out as it is sent: the send buffer never holds more than
        // one fragment
        .write_buffer_size(0)
        .max_write_buffer_size(max.saturating_add(fragment).saturating_mul(2))
        .max_message_size(Some(max))
        .max_frame_size(Some(max))
}

pub(crate) async fn upgrade(
    shared: Arc<Shared>,
    permit: ConnectionPermit,
    mut req: Request<Body>,
) -> Response<Body> {
    let contract = shared.validator.contract();
    // the contract's socket path is a template (`/rooms/{roomId}/live`)
    let socket_path = &contract.transport.websocket.path;
    let on_socket_path = frameproof_schema::Template::parse(socket_path)
        .map_or(req.uri().path() == socket_path, |t| {
            t.matches(req.uri().path()).is_some()
        });
    if !on_socket_path {
        return plain(StatusCode::NOT_FOUND, "not the contract's WebSocket path");
    }
    let Some(key) = req.headers().get(header::SEC_WEBSOCKET_KEY).cloned() else {
        return plain(
            StatusCode::BAD_REQUEST,
            "a WebSocket upgrade needs Sec-WebSocket-Key",
        );
    };
    if req
        .headers()
        .get(header::SEC_WEBSOCKET_VERSION)
        .is_none_or(|v| v.as_bytes() != b"13")
    {
        let mut r = plain(StatusCode::UPGRADE_REQUIRED, "WebSocket version 13 only");
        r.headers_mut().insert(
            header::SEC_WEBSOCKET_VERSION,
            HeaderValue::from_static("13"),
        );
        return r;
    }
    let conn = format!(
        "c{}",
        shared.next_connection.fetch_add(1, Ordering::Relaxed)
    );
    let query = req.uri().query().unwrap_or("").to_owned();
    let (path, headers) = (req.uri().path().to_owned(), req.headers().clone());
    let (upstream, response) = match connect_upstream(&shared, &path, &headers, &query).await {
        Ok(pair) => pair,
        Err(answer) => return *answer,
    };
    let chosen = response
        .headers()
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .cloned();
    // the contract version the client speaks, where the contract says how it is named
    let offered = req
        .headers()
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|v| v.to_str().ok());
    let subprotocol = chosen.as_ref().and_then(|v| v.to_str().ok()).or(offered);
    let version = contract
        .transport
        .versioning
        .as_ref()
        .and_then(|v| v.from_handshake(&query, subprotocol));
    if let Some(recorder) = &shared.recorder {
        let (_, in_query) = shared.credentials.redact_query(&query, &conn);
        let in_header = req.headers().contains_key(header::AUTHORIZATION)
            || req.headers().contains_key(header::COOKIE);
        let mut info = ConnectionInfo {
            role: "client".into(),
            version: version.clone(),
            ..ConnectionInfo::default()
        };
        if in_query || in_header {
            info.credentials
                .insert("token".into(), placeholder(&conn).into());
        }
        recorder.connection(&conn, info, true);
    }
    let on_upgrade = hyper::upgrade::on(&mut req);
    let config = socket_config(&shared);
    let tracker = shared.tracker.clone();
    tracker.spawn(async move {
        let _permit = permit;
        match on_upgrade.await {
            Ok(upgraded) => {
                let client = WebSocketStream::from_raw_socket(
                    Aligned::frames(TokioIo::new(upgraded)),
                    Role::Server,
                    Some(config),
                )
                .await;
                bridge::run(shared, conn, version, client, upstream).await;
            }
            Err(_) => {
                // the client left during its own handshake: the upstream is told so
                let mut upstream = upstream;
                let wait = shared.config.timeouts.close;
                close::leave(
                    &mut upstream,
                    1001,
                    "client went away during the handshake",
                    wait,
                )
                .await;
                if let Some(r) = &shared.recorder {
                    r.close(&conn, 1006, "client went away during the handshake");
                }
            }
        }
    });
    let mut answer = Response::new(Body::empty());
    *answer.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let headers = answer.headers_mut();
    headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    headers.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
    if let Ok(accept) = HeaderValue::from_str(&derive_accept_key(key.as_bytes())) {
        headers.insert(header::SEC_WEBSOCKET_ACCEPT, accept);
    }
    if let Some(chosen) = chosen {
        headers.insert(header::SEC_WEBSOCKET_PROTOCOL, chosen);
    }
    answer
}

pub(crate) type Upstream = WebSocketStream<Aligned<TcpStream>>;
pub(crate) type Client = WebSocketStream<Aligned<TokioIo<hyper::upgrade::Upgraded>>>;
type UpstreamResponse = tokio_tungstenite::tungstenite::handshake::client::Response;

/// Opens the upstream socket within the connect time-out; an `Err` is the answer to give.
async fn connect_upstream(
    shared: &Shared,
    path: &str,
    headers: &HeaderMap,
    query: &str,
) -> Result<(Upstream, UpstreamResponse), Box<Response<Body>>> {
    let ws_base = shared
        .config
        .upstream
        .replacen("http://", "ws://", 1)
        .replacen("https://", "wss://", 1);
    let url = if query.is_empty() {
        format!("{ws_base}{path}")
    } else {
        format!("{ws_base}{path}?{query}")
    };
    let mut request = url.as_str().into_client_request().map_err(|e| {
        Box::new(plain(
            StatusCode::BAD_GATEWAY,
            format!("bad upstream URL: {e}"),
        ))
    })?;
    for name in [
        header::SEC_WEBSOCKET_PROTOCOL,
        header::AUTHORIZATION,
        header::COOKIE,
        header::ORIGIN,
    ] {
        if let Some(v) = headers.get(&name) {
            request.headers_mut().insert(name, v.clone());
        }
    }
    let wait = shared.config.timeouts.upstream_connect;
    let fail = |natural: u16, message: String| {
        Box::new(rest_error(
            &shared.validator,
            natural,
            "unavailable",
            &message,
            None,
        ))
    };
    let uri = request.uri();
    if uri.scheme_str() != Some("ws") {
        return Err(fail(
            502,
            format!("the upstream {ws_base} is not plain ws:// (TLS towards the upstream is not built in)"),
        ));
    }
    let host = uri
        .host()
        .unwrap_or("127.0.0.1")
        .trim_matches(['[', ']'])
        .to_owned();
    let port = uri.port_u16().unwrap_or(80);
    let config = socket_config(shared);
    let connect = async move {
        let tcp = TcpStream::connect((host.as_str(), port)).await?;
        // a proxy adds latency to every frame: small writes go out at once (no Nagle delay)
        let _ = tcp.set_nodelay(true);
        let socket = Aligned::after_http_head(tcp);
        tokio_tungstenite::client_async_with_config(request, socket, Some(config)).await
    };
    match tokio::time::timeout(wait, connect).await {
        Ok(Ok(pair)) => Ok(pair),
        Ok(Err(tokio_tungstenite::tungstenite::Error::Http(refused))) => {
            // the server refused the handshake: the client sees the same answer
            let status =
                StatusCode::from_u16(refused.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
            let body = refused.body().clone().unwrap_or_default();
            let mut r = Response::new(Body::from(body));
            *r.status_mut() = status;
            Err(Box::new(r))
        }
        Ok(Err(e)) => Err(fail(
            502,
            format!("the upstream WebSocket at {ws_base} could not be reached: {e}"),
        )),
        Err(_) => Err(fail(
            504,
            format!(
                "the upstream WebSocket at {ws_base} did not complete its handshake within {} ms",
                wait.as_millis()
            ),
        )),
    }
}

//! Accepting connections: at most `max_connections` at once (an upgraded WebSocket keeps its
//! place until it ends), each client given `header_read` to send its request head, and on
//! shutdown no new connection accepted while open ones are told to finish.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, Response};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower::Service;

use crate::Shared;

/// A place among the connections the proxy serves at once; freed when the last holder drops it.
pub(crate) type ConnectionPermit = Arc<OwnedSemaphorePermit>;

pub(crate) async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let places = Arc::new(Semaphore::new(shared.config.limits.max_connections.max(1)));
    let mut stop = shared.stop.clone();
    loop {
        let place = tokio::select! {
            p = places.clone().acquire_owned() => match p {
                Ok(p) => Arc::new(p),
                Err(_) => return,
            },
            () = crate::stopping(&mut stop) => return,
        };
        let tcp = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((tcp, _)) => tcp,
                Err(_) => {
                    // out of descriptors or a reset during accept: try again shortly
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
            () = crate::stopping(&mut stop) => return,
        };
        // a proxy adds latency to every frame: small writes go out at once (no Nagle delay)
        let _ = tcp.set_nodelay(true);
        let tracker = shared.tracker.clone();
        tracker.spawn(connection(shared.clone(), TokioIo::new(tcp), place));
    }
}

/// One HTTP/1.1 connection, until it closes, upgrades, or the proxy stops.
async fn connection(
    shared: Arc<Shared>,
    io: TokioIo<tokio::net::TcpStream>,
    place: ConnectionPermit,
) {
    let handler = shared.clone();
    let service = hyper::service::service_fn(move |req: Request<Incoming>| {
        let shared = handler.clone();
        let place = place.clone();
        async move { Ok::<_, Infallible>(handle(shared, place, req.map(Body::new)).await) }
    });
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(shared.config.timeouts.header_read)
        .serve_connection(io, service)
        .with_upgrades();
    tokio::pin!(conn);
    let mut stop = shared.stop.clone();
    tokio::select! {
        _ = conn.as_mut() => {}
        () = crate::stopping(&mut stop) => {
            conn.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(shared.config.timeouts.drain, conn).await;
        }
    }
}

async fn handle(
    shared: Arc<Shared>,
    place: ConnectionPermit,
    req: Request<Body>,
) -> Response<Body> {
    let wants_upgrade = req
        .headers()
        .get(header::UPGRADE)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"websocket"));
    if wants_upgrade {
        return crate::websocket::upgrade(shared, place, req).await;
    }
    let mut rest = shared.rest.clone();
    match rest.call(req).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

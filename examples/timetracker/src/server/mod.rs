//! The reference server: a WebSocket-first time tracker with a REST fallback, serving
//! [`crate::contract`].
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use timetracker::server::{start, ServerConfig};
//! let server = start(ServerConfig { port: 0, ..ServerConfig::default() }).await?;
//! println!("{} {}", server.ws_url(), server.rest_url());
//! for user in server.users() {
//!     println!("{} {} {}", user.user_id, user.org_id, user.access_token);
//! }
//! server.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! The transports (the WebSocket and its REST twin: auth, control frames, heartbeat, bounded
//! queues, event fan-out) are frameproof-server's. Layout: [`store`] (persistence), `service`
//! (the service layer: a typed method per action), `handlers` (a frameproof-server handler per
//! action, and the hooks), `validation` (how refused requests are answered), `auth` (users and
//! tokens), [`faults`] (deliberate divergences).

mod auth;
mod clock;
mod error;
pub mod faults;
mod handlers;
mod seed;
mod service;
pub mod store;
mod validation;

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use frameproof_server::Settings;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use auth::Role;
pub use error::ApiError;
pub use faults::{Fault, UnknownFault};
pub use store::{MemoryStore, Store};

/// Close code for a connection whose outbound queue overflowed.
pub const CLOSE_SLOW_CONSUMER: u16 = 4503;
/// Close code for a connection that did not answer a heartbeat ping in time.
pub const CLOSE_HEARTBEAT_TIMEOUT: u16 = 4408;
/// Close code when the server shuts down (the standard "going away").
pub const CLOSE_GOING_AWAY: u16 = 1001;

pub use crate::CLOSE_UNAUTHORIZED;

/// How to run the server. `Default` follows the contract's transport settings.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Address to bind; loopback by default.
    pub host: IpAddr,
    /// Port to bind; 0 picks a free one.
    pub port: u16,
    /// How often the server pings each connection.
    pub heartbeat_interval: Duration,
    /// How long a ping may go unanswered before the connection is closed with 4408.
    pub heartbeat_timeout: Duration,
    /// How long access tokens live.
    pub token_ttl: Duration,
    /// How long a connection opened without a token has to send its `auth` frame.
    pub auth_timeout: Duration,
    /// Frames each connection may have queued before it is closed with 4503.
    pub outbound_queue: usize,
    /// Simulated processing time added to every action (0 by default).
    pub latency: Duration,
    /// Deliberate divergences from the contract.
    pub faults: Vec<Fault>,
    /// Seed predictable tokens (`at_fixed_<user_id>`, `rt_fixed_<user_id>`) so recorded
    /// transcripts can be replayed against a fresh server. For tests and demos only.
    pub fixed_credentials: bool,
    /// Wraps the server's router before it serves: how middleware such as frameproof's
    /// `ContractLayer` is embedded.
    pub wrap_app: Option<WrapApp>,
}

/// A function from the server's router to the router that is served.
#[derive(Clone)]
pub struct WrapApp(pub Arc<dyn Fn(Router) -> Router + Send + Sync>);

impl WrapApp {
    pub fn new(wrap: impl Fn(Router) -> Router + Send + Sync + 'static) -> WrapApp {
        WrapApp(Arc::new(wrap))
    }
}

impl std::fmt::Debug for WrapApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WrapApp(..)")
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        let owned;
        let contract = match validation::compiled() {
            Ok(c) => &c.contract,
            Err(_) => {
                owned = crate::contract();
                &owned
            }
        };
        let hb = contract.transport.heartbeat;
        let auth_timeout = contract
            .transport
            .auth
            .methods
            .iter()
            .find_map(|m| match m {
                frameproof::AuthMethod::FirstMessage { timeout_ms } => Some(*timeout_ms),
                _ => None,
            })
            .unwrap_or(5_000);
        ServerConfig {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 8080,
            heartbeat_interval: Duration::from_millis(hb.interval_ms),
            heartbeat_timeout: Duration::from_millis(hb.timeout_ms),
            token_ttl: Duration::from_secs(15 * 60),
            auth_timeout: Duration::from_millis(auth_timeout),
            outbound_queue: 256,
            latency: Duration::ZERO,
            faults: Vec::new(),
            fixed_credentials: false,
            wrap_app: None,
        }
    }
}

/// A seeded user with the tokens issued at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeededUser {
    pub user_id: String,
    pub org_id: String,
    pub name: String,
    pub role: Role,
    pub access_token: String,
    pub refresh_token: String,
}

/// A started server. Dropping it asks the server to stop; [`RunningServer::shutdown`] also
/// waits for it.
pub struct RunningServer {
    /// The bound address.
    pub addr: SocketAddr,
    users: Vec<SeededUser>,
    config: ServerConfig,
    service: frameproof_server::Service,
    ws_path: String,
    rest_base: String,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl RunningServer {
    /// `ws://host:port/ws`
    pub fn ws_url(&self) -> String {
        format!("ws://{}{}", self.addr, self.ws_path)
    }

    /// `http://host:port/api`
    pub fn rest_url(&self) -> String {
        format!("http://{}{}", self.addr, self.rest_base)
    }

    /// `http://host:port`
    pub fn http_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The seeded users and their tokens.
    pub fn users(&self) -> &[SeededUser] {
        &self.users
    }

    /// One seeded user by id (`usr_alice`, `usr_bob`, `usr_carol`).
    pub fn user(&self, user_id: &str) -> Option<&SeededUser> {
        self.users.iter().find(|u| u.user_id == user_id)
    }

    /// The configuration the server runs with.
    pub fn config(&self) -> &ServerConfig {
        &self.config
    }

    /// Open WebSocket connections, authenticated or not.
    pub fn connection_count(&self) -> usize {
        self.service.connections()
    }

    /// Authenticated WebSocket connections (those that receive events).
    pub fn authenticated_count(&self) -> usize {
        self.service.authenticated_connections()
    }

    /// Closes every connection (1001), stops accepting, and waits (at most a few seconds).
    pub async fn shutdown(mut self) {
        self.service
            .close_all(CLOSE_GOING_AWAY, "the server is shutting down");
        self.stop.send_replace(true);
        if let Some(mut task) = self.task.take() {
            if tokio::time::timeout(Duration::from_secs(5), &mut task)
                .await
                .is_err()
            {
                task.abort();
            }
        }
        let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
        while self.connection_count() > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.service
            .close_all(CLOSE_GOING_AWAY, "the server is shutting down");
        self.stop.send_replace(true);
    }
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, what.to_owned())
}

/// Seeds an in-memory store, binds the listener and serves until shut down.
pub async fn start(config: ServerConfig) -> io::Result<RunningServer> {
    start_with_store(config, Arc::new(MemoryStore::new())).await
}

/// Like [`start`] with another [`Store`]; the seed data is written into it first.
pub async fn start_with_store(
    config: ServerConfig,
    store: Arc<dyn Store>,
) -> io::Result<RunningServer> {
    if config.heartbeat_interval.is_zero() || config.heartbeat_timeout.is_zero() {
        return Err(invalid(
            "the heartbeat interval and timeout must be above zero",
        ));
    }
    if config.outbound_queue == 0 {
        return Err(invalid("the outbound queue must hold at least one frame"));
    }
    if config.auth_timeout.is_zero() {
        return Err(invalid("the auth timeout must be above zero"));
    }
    let compiled = validation::compiled().map_err(io::Error::other)?;
    let contract = &compiled.contract;
    let faults = faults::Faults::new(&config.faults);
    let directory = Arc::new(auth::Directory::new(seed::users(), config.token_ttl));
    seed::data(store.as_ref());
    let users = seed_tokens(&directory, config.fixed_credentials);
    let ws_path = contract.transport.websocket.path.clone();
    let rest_base = contract.transport.rest.base_path.clone();
    let app = Arc::new(handlers::App {
        service: service::Service::new(store, directory, faults.clone(), config.latency),
        compiled,
    });
    // what this server promised before it ran on frameproof-server (README: close codes,
    // back-pressure, bad input, tenancy), over the crate's defaults
    let settings = Settings {
        outbound_queue: config.outbound_queue,
        slow_consumer_close: CLOSE_SLOW_CONSUMER,
        heartbeat: Some((config.heartbeat_interval, config.heartbeat_timeout)),
        heartbeat_close: CLOSE_HEARTBEAT_TIMEOUT,
        auth_timeout: Some(config.auth_timeout),
        refuse_duplicate_ids: true,
        topics_per_tenant: true,
        require_credential: true,
        ..Settings::default()
    };
    let builder = frameproof_server::Service::builder(contract.clone()).settings(settings);
    let service = handlers::builder(&app, builder)
        .build()
        .map_err(io::Error::other)?;
    let app = faults.wrap_routes(service.router(), contract);
    let wrap_app = config.wrap_app.clone();
    let (stop, shutdown) = watch::channel(false);
    let listener = tokio::net::TcpListener::bind((config.host, config.port)).await?;
    let addr = listener.local_addr()?;
    let app = match wrap_app {
        Some(wrap) => (wrap.0)(app),
        None => app,
    };
    let mut stopping = shutdown;
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopping.wait_for(|stop| *stop).await;
            })
            .await
    });
    Ok(RunningServer {
        addr,
        users,
        config,
        service,
        ws_path,
        rest_base,
        stop,
        task: Some(task),
    })
}

/// The seeded users with their tokens: random, or predictable ones (`fixed_credentials`) so
/// that recorded transcripts replay against a fresh server.
fn seed_tokens(directory: &auth::Directory, fixed: bool) -> Vec<SeededUser> {
    directory
        .users()
        .iter()
        .map(|u| SeededUser {
            user_id: u.id.clone(),
            org_id: u.org_id.clone(),
            name: u.name.clone(),
            role: u.role,
            access_token: if fixed {
                directory
                    .register_access(format!("at_fixed_{}", u.id), &u.id)
                    .0
            } else {
                directory.issue_access(&u.id).0
            },
            refresh_token: if fixed {
                directory.register_refresh(format!("rt_fixed_{}", u.id), &u.id)
            } else {
                directory.issue_refresh(&u.id)
            },
        })
        .collect()
}

//! Serve a frameproof contract: a typed handler per action, served over the WebSocket and its
//! HTTP twin (the REST routes, or the single RPC endpoint) from the contract, in the contract's
//! envelope (any preset: frameproof, JSON-RPC, custom), with events routed by their declared
//! scope and fanned out across instances through a [`Backplane`] (in-process, or Redis pub/sub).
//!
//! ```no_run
//! # use frameproof_server::{Service, Error};
//! # async fn demo(contract: frameproof_schema::Contract) -> Result<(), Box<dyn std::error::Error>> {
//! // let service = Service::builder(contract)
//! //     .handle(|ctx, req: StartTimer| async move { Ok(TimeEntry { .. }) })
//! //     .authenticate(|token| async move { directory.check(token) })
//! //     .build()?;
//! // axum::serve(listener, service.router()).await?;
//! # Ok(()) }
//! ```
//!
//! Where things live: `service` (the builder and the startup checks), `handler` (typed
//! handlers behind one boxed signature), `dispatch` (payload in, handler, frame or REST answer
//! out), `ctx` (what a handler sees: the principal, `emit`), `hooks` (the application's say over
//! outgoing frames and refusals), `events` (this instance's
//! connections and who receives an event), `backplane` (fan-out across instances), `tickets` (one-time socket credentials),
//! `websocket` (the socket: auth, control frames, requests, the bounded outbound queue,
//! heartbeat), `http` (REST routes and the RPC endpoint).

#![warn(missing_docs)]

mod backplane;
mod ctx;
mod dispatch;
mod error;
mod events;
mod handler;
mod hooks;
mod http;
mod service;
mod tickets;
mod websocket;

pub use backplane::{Backplane, BackplaneError, InProcess, Published, RedisBackplane};
pub use ctx::{Ctx, Principal};
pub use error::{Error, StartupError};
/// What a refusal carries: the validator's findings and their rules.
pub use frameproof_validator::{Rule, Violation};
pub use hooks::{Outgoing, Refusal, Transport};
pub use service::{Service, ServiceBuilder, Settings};
pub use tickets::{InProcessTickets, Ticket, TicketStore, MAX_OUTSTANDING_TICKETS};

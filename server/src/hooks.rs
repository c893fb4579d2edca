//! The application's say over what the service sends and how it refuses: two optional hooks
//! that see a frame (or a REST answer) just before it leaves, and a refused request just
//! before it is answered. Services that must keep an answer shape of their own (a server
//! ported onto this crate whose clients know its error details), or that diverge on purpose
//! (a fault-injecting reference server exercising contract checkers), use them; without them
//! nothing extra runs.

use std::sync::Arc;

use serde_json::Value;

use frameproof_schema::Contract;
use frameproof_validator::Violation;

use crate::error::Error;

/// Which transport a request came over, or a frame leaves by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// The WebSocket.
    WebSocket,
    /// The REST routes or the RPC endpoint.
    Http,
}

/// A frame (WebSocket) or the answer of a REST route or the RPC endpoint about to leave, for
/// [`crate::ServiceBuilder::on_outgoing`] to change or hold back.
pub struct Outgoing<'a> {
    /// The contract served: read and change the frame through its wire functions.
    pub contract: &'a Contract,
    /// Whether it leaves over the WebSocket or over HTTP.
    pub transport: Transport,
    /// The action a response answers (`None` for events, control replies and refusals that
    /// name no action).
    pub action: Option<&'a str>,
    /// The event a frame carries.
    pub event: Option<&'a str>,
    /// The HTTP status (HTTP only): set it to answer with another.
    pub status: Option<u16>,
    /// The frame, or the HTTP body (`Value::Null` when there is none).
    pub frame: &'a mut Value,
    /// Set to `false` to send nothing (WebSocket frames only; an HTTP request is always
    /// answered).
    pub send: bool,
}

/// A request the service refuses before any handler runs, for
/// [`crate::ServiceBuilder::on_refusal`] to answer its own way.
pub struct Refusal<'a> {
    /// Whether the request came over the WebSocket or over HTTP.
    pub transport: Transport,
    /// The action the request names, when it names one the contract has.
    pub action: Option<&'a str>,
    /// The frame as parsed (WebSocket and RPC endpoint), when it parsed.
    pub frame: Option<&'a Value>,
    /// The payload: from the frame, or rebuilt from path, query and body (REST).
    pub payload: Option<&'a Value>,
    /// The raw body of a REST request.
    pub body: Option<&'a str>,
    /// What is wrong, as the validator found it (`rest.unknown_route` for a REST request
    /// that matches no route).
    pub violations: &'a [Violation],
}

pub(crate) type OnOutgoing = Arc<dyn Fn(&mut Outgoing<'_>) + Send + Sync>;
pub(crate) type OnRefusal = Arc<dyn Fn(&Refusal<'_>) -> Option<Error> + Send + Sync>;

//! Two JSON-RPC 2.0 contracts, both built from derives with no post-processing:
//!
//! - [`calculator`]: the example service of the JSON-RPC 2.0 specification (§ 7): `subtract`
//!   with positional or named params, `sum`, `get_data` without params, and the notifications
//!   `update`, `notify_hello`, `notify_sum`; batches; numeric error codes.
//! - [`eth_node`]: the part of an Ethereum node's JSON-RPC API that exercises subscriptions
//!   handed out by a result: `eth_subscribe` answers with a subscription id, `eth_subscription`
//!   notifications carry it, `eth_unsubscribe` ends it. Served over WebSocket and over one
//!   HTTP RPC endpoint (ganache, from npm, is the real server the tests run it against).

pub mod calculator;
pub mod eth_node;

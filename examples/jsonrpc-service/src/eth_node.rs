//! An Ethereum node's JSON-RPC API, the part that hands out subscriptions, as ganache serves
//! it over WebSocket and HTTP on one port.

use frameproof::{Action, Contract, ErrorSpec, Event};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A quantity or data string: `0x`-prefixed hex.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(extend("pattern" = "^0x[0-9a-fA-F]*$"))]
pub struct Hex(pub String);

/// No params: `[]`, or left out.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(with = "Option<[String; 0]>")]
pub struct NoParams(pub Option<[String; 0]>);

/// `eth_chainId`: the chain id as a hex quantity.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "eth_chainId", response = Hex)]
pub struct ChainId(pub NoParams);

/// A network id: a decimal string. The node chooses it (ganache's is its start time in
/// milliseconds), so the pattern also tells conformance that it differs from run to run.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(extend("pattern" = "^[0-9]+$"))]
pub struct NetworkId(pub String);

/// `net_version`: the network id as a decimal string.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "net_version", response = NetworkId)]
pub struct NetVersion(pub NoParams);

/// `eth_blockNumber`: the latest block's number.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "eth_blockNumber", response = Hex)]
pub struct BlockNumber(pub NoParams);

/// `eth_getBalance [address, block]`: the balance in wei.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "eth_getBalance", response = Hex)]
pub struct GetBalance(pub Hex, pub String);

/// `evm_mine`: mines a block (a development node's method); answers `"0x0"`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "evm_mine", response = Hex)]
pub struct Mine(pub NoParams);

/// What `eth_subscribe` can follow.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum SubscriptionKind {
    NewHeads,
    Logs,
    NewPendingTransactions,
    Syncing,
}

/// `eth_subscribe [kind]` or `[kind, options]`: answers with the new subscription's id.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[serde(untagged)]
#[action(name = "eth_subscribe", response = Hex, opens_subscription = "")]
pub enum Subscribe {
    Kind((SubscriptionKind,)),
    WithOptions(SubscriptionKind, serde_json::Value),
}

/// `eth_unsubscribe [id]`: ends a subscription; answers whether it existed.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "eth_unsubscribe", response = bool, closes_subscription = "/0")]
pub struct Unsubscribe(pub (Hex,));

/// A block header, as `newHeads` delivers it (the members every client reads).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BlockHeader {
    pub number: Hex,
    pub hash: Hex,
    pub parent_hash: Hex,
    pub timestamp: Hex,
    #[serde(flatten)]
    pub rest: serde_json::Map<String, serde_json::Value>,
}

/// `eth_subscription`: a notification for one subscription.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Event)]
#[event(name = "eth_subscription", subscription = "/subscription")]
pub struct SubscriptionNotice {
    pub subscription: Hex,
    pub result: serde_json::Value,
}

fn server_error(code: i64, description: &str) -> ErrorSpec {
    ErrorSpec {
        status: 500,
        description: description.to_owned(),
        any_action: true,
        rpc_code: Some(code),
    }
}

pub fn contract() -> Contract {
    Contract::builder("eth-node", "1.0.0")
        .description("An Ethereum node's JSON-RPC subscriptions: eth_subscribe, eth_subscription, eth_unsubscribe.")
        .jsonrpc()
        .configure_transport(|t| {
            t.websocket.path = "/".into();
            t.rest.base_path = String::new();
            t.rest.rpc_endpoint = Some("/".into());
        })
        // a node has none of frameproof's application errors, only JSON-RPC's and EIP-1474's
        .without_error("unauthorized")
        .without_error("token_expired")
        .without_error("forbidden")
        .without_error("not_found")
        .without_error("conflict")
        .without_error("rate_limited")
        .without_error("unavailable")
        .error_spec("server_error", server_error(-32000, "Invalid input / server error (EIP-1474)."))
        .error_spec(
            "not_supported",
            server_error(-32004, "Method not supported (EIP-1474), e.g. subscriptions over HTTP."),
        )
        .action::<ChainId>()
        .action::<NetVersion>()
        .action::<BlockNumber>()
        .action::<GetBalance>()
        .action::<Mine>()
        .action::<Subscribe>()
        .action::<Unsubscribe>()
        .event::<SubscriptionNotice>()
        .build()
        .unwrap_or_else(|e| panic!("the eth-node contract is unsound: {e}"))
}

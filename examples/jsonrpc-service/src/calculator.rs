//! The JSON-RPC 2.0 specification's example service.

use frameproof::{Action, Contract};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `subtract`: by position (`[42, 23]`) or by name (`{"minuend": 42, "subtrahend": 23}`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[serde(untagged)]
#[action(name = "subtract", response = i64)]
pub enum Subtract {
    Positional(i64, i64),
    Named { minuend: i64, subtrahend: i64 },
}

/// `sum` of any number of integers.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "sum", response = i64)]
pub struct Sum(pub Vec<i64>);

/// `get_data`: no params; answers `["hello", 5]`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "get_data", response = (String, i64))]
pub struct GetData;

/// `update`: a notification (no id, no answer).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "update", notification)]
pub struct Update(pub Vec<i64>);

/// `notify_hello`: a notification.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "notify_hello", notification)]
pub struct NotifyHello(pub Vec<i64>);

/// `notify_sum`: a notification.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "notify_sum", notification)]
pub struct NotifySum(pub Vec<i64>);

pub fn contract() -> Contract {
    Contract::builder("jsonrpc-calculator", "1.0.0")
        .description("The example service of the JSON-RPC 2.0 specification, section 7.")
        .jsonrpc()
        .configure_transport(|t| {
            t.websocket.path = "/".into();
            t.rest.base_path = String::new();
            t.rest.rpc_endpoint = Some("/".into());
        })
        .action::<Subtract>()
        .action::<Sum>()
        .action::<GetData>()
        .action::<Update>()
        .action::<NotifyHello>()
        .action::<NotifySum>()
        .build()
        .unwrap_or_else(|e| panic!("the calculator contract is unsound: {e}"))
}

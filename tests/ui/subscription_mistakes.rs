use frameproof::{Action, Event};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "eth_subscribe", opens_subscription = "", closes_subscription = "0", rest = false)]
pub struct Both(pub String);

#[derive(Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "notify", notification, opens_subscription = "/id", rest = false)]
pub struct NotifyAndOpen(pub String);

#[derive(Serialize, Deserialize, JsonSchema, Event)]
#[event(name = "eth_subscription", scope = "subscription")]
pub struct Notice {
    pub subscription: String,
}

fn main() {}

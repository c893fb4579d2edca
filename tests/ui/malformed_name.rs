use frameproof::{Action, Event};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "")]
pub struct GetTask {
    pub id: String,
}

fn main() {}

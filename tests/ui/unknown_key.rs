use frameproof::{Action, Event};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, JsonSchema, Action)]
#[action(nmae = "tasks.get", response = ())]
pub struct GetTask {
    pub id: String,
}

fn main() {}

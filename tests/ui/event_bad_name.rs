use frameproof::{Action, Event};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, JsonSchema, Event)]
#[event(name = "")]
pub struct TaskUpdated {
    pub id: String,
}

fn main() {}

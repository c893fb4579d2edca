use frameproof::{Action, Event};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "tasks.update")]
pub struct UpdateTask {
    pub title: String,
}

fn main() {}

use frameproof::{Action, Event};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "tasks.list", errors(NotFound))]
pub struct ListTasks {}

fn main() {}

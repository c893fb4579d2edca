use frameproof::{Action, Event};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "tasks.list", since = "1.0.0", since = "1.1.0")]
pub struct ListTasks {}

fn main() {}

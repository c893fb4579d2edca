use frameproof::{Action, Event};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "tasks", since = "soon", rest(method = "get"), colour = "red")]
pub struct ListTasks {}

fn main() {}

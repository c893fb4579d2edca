use frameproof::{Action, Event};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, JsonSchema)]
pub struct TaskListed {}

#[derive(Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "tasks.list", emits(TaskListed))]
pub struct ListTasks {}

fn main() {}

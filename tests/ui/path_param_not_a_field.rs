use frameproof::{Action, Event};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "tasks.archive", rest(method = "POST", path = "/tasks/{task_id}/archive"))]
pub struct ArchiveTask {
    pub id: String,
}

fn main() {}

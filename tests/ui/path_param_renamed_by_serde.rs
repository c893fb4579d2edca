use frameproof::{Action, Event};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, JsonSchema, Action)]
#[serde(rename_all = "camelCase")]
#[action(name = "tasks.move", rest(path = "/tasks/{task_id}/move"))]
pub struct MoveTask {
    pub task_id: String,
    pub column: String,
}

fn main() {}

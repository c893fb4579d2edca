use frameproof::{Action, Event};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "tasks.fetch", rest(method = "FETCH"))]
pub struct FetchTask {
    pub id: String,
}

fn main() {}

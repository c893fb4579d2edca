use frameproof::{Action, Event};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "projects.get")]
pub struct GetProject {
    pub id: Option<String>,
}

fn main() {}

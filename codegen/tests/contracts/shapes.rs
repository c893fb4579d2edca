//! A contract built from Rust types covering serde's shapes (see shapes.rs).

use std::collections::{BTreeMap, HashMap};

use frameproof::{Action, Contract, Envelope, Event};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Internally tagged.
#[derive(Serialize, Deserialize, JsonSchema, Clone)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(crate) enum Shape {
    /// A circle.
    Circle {
        radius: f64,
    },
    Rect {
        w: f64,
        h: f64,
    },
    Empty,
}

/// Adjacently tagged.
#[derive(Serialize, Deserialize, JsonSchema, Clone)]
#[serde(tag = "t", content = "c")]
pub(crate) enum Adjacent {
    Num(i32),
    Text(String),
    Pair(u8, bool),
    Unit,
    Obj { a: String },
}

/// Externally tagged (serde's default).
#[derive(Serialize, Deserialize, JsonSchema, Clone)]
pub(crate) enum External {
    Unit,
    Newtype(String),
    Tuple(i32, String),
    Struct { x: i32 },
}

/// Untagged and recursive.
#[derive(Serialize, Deserialize, JsonSchema, Clone)]
#[serde(untagged)]
pub(crate) enum Loose {
    Int(i64),
    Str(String),
    List(Vec<Loose>),
}

/// Unit variants only: a string enum.
#[derive(Serialize, Deserialize, JsonSchema, Clone, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) enum Level {
    Low,
    VeryHigh,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone)]
pub(crate) struct Tree {
    pub name: String,
    pub children: Vec<Tree>,
    pub parent: Option<Box<Tree>>,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone)]
pub(crate) struct Pair(pub u8, pub String);

#[derive(Serialize, Deserialize, JsonSchema, Clone)]
pub(crate) struct Meters(pub f64);

#[derive(Serialize, Deserialize, JsonSchema, Clone)]
#[serde(tag = "mode")]
pub(crate) enum Mode {
    Fast { speed: u8 },
    Slow,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone)]
pub(crate) struct Flat {
    pub flat_a: String,
    #[serde(flatten)]
    pub mode: Mode,
}

/// Everything at once.
#[derive(Serialize, Deserialize, JsonSchema, Clone)]
pub(crate) struct Everything {
    /// A documented field.
    pub text: String,
    pub maybe: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<u32>,
    pub map: HashMap<String, i32>,
    pub levels: BTreeMap<String, Vec<Level>>,
    pub tuple: (u8, String, bool),
    pub pair: Pair,
    pub meters: Meters,
    pub big: i64,
    pub ubig: u64,
    pub small: u16,
    pub ratio: f32,
    pub anything: Value,
    #[deprecated = "use text"]
    pub old: bool,
    pub shape: Shape,
    pub adjacent: Vec<Adjacent>,
    pub external: Vec<External>,
    pub loose: Loose,
    pub level: Level,
    pub tree: Tree,
    #[serde(flatten)]
    pub flat: Flat,
    pub fixed: [u8; 3],
    pub unit: (),
}

/// Echo a value.
#[derive(Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "shapes.echo", response = Everything, emits(ShapeChanged))]
pub(crate) struct Echo {
    pub value: Everything,
}

/// A shape changed.
#[derive(Serialize, Deserialize, JsonSchema, Event)]
#[event(name = "ShapeChanged", scope = "tenant")]
pub(crate) struct ShapeChanged {
    pub shape: Shape,
}

pub(crate) fn contract() -> Contract {
    Contract::builder("shapes", "1.0.0")
        .action::<Echo>()
        .event::<ShapeChanged>()
        .build()
        .unwrap_or_else(|e| panic!("the shapes contract: {e:?}"))
}

/// The same contract with the JSON-RPC 2.0 envelope.
pub(crate) fn jsonrpc_contract() -> Contract {
    Contract::builder("shapes", "1.0.0")
        .envelope(Envelope::jsonrpc())
        .action::<Echo>()
        .event::<ShapeChanged>()
        .build()
        .unwrap_or_else(|e| panic!("the JSON-RPC contract: {e:?}"))
}

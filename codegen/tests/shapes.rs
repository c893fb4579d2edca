//! Faithful to serde's JSON: a contract built from Rust types covering serde's shapes
//! (internally, adjacently and externally tagged and untagged enums, `Option` in both views,
//! maps, tuples, newtypes, recursion, flatten, int64, deprecated fields, `serde_json::Value`).
//! Values serialized by serde_json must type-check against the generated types (`tsc --strict`),
//! wrong values must not (`@ts-expect-error`), and the zod validators must accept the same values,
//! reject the wrong ones, and accept values sampled from every schema of the reference contract.

mod common;
mod contracts;

use contracts::shapes::*;
use frameproof_codegen::{Int64Mode, TsOptions};
use frameproof_schema::sample::{sample, Rng};
use serde_json::{json, Value};

#[allow(deprecated)]
fn values() -> Vec<Everything> {
    let tree = Tree {
        name: "root".into(),
        children: vec![Tree {
            name: "leaf".into(),
            children: vec![],
            parent: None,
        }],
        parent: Some(Box::new(Tree {
            name: "up".into(),
            children: vec![],
            parent: None,
        })),
    };
    let base = Everything {
        text: "hello".into(),
        maybe: None,
        skipped: None,
        map: [("a".to_owned(), 1)].into_iter().collect(),
        levels: [("x".to_owned(), vec![Level::Low, Level::VeryHigh])]
            .into_iter()
            .collect(),
        tuple: (1, "two".into(), true),
        pair: Pair(7, "seven".into()),
        meters: Meters(1.5),
        big: -9_007_199_254_740_000,
        ubig: 18_000_000_000_000_000_000,
        small: 65535,
        ratio: 0.25,
        anything: json!({"free": ["form", 1, null]}),
        old: false,
        shape: Shape::Circle { radius: 2.0 },
        adjacent: vec![
            Adjacent::Num(3),
            Adjacent::Text("t".into()),
            Adjacent::Pair(1, false),
            Adjacent::Unit,
            Adjacent::Obj { a: "a".into() },
        ],
        external: vec![
            External::Unit,
            External::Newtype("n".into()),
            External::Tuple(1, "t".into()),
            External::Struct { x: 5 },
        ],
        loose: Loose::List(vec![
            Loose::Int(1),
            Loose::Str("s".into()),
            Loose::List(vec![]),
        ]),
        level: Level::VeryHigh,
        tree,
        flat: Flat {
            flat_a: "f".into(),
            mode: Mode::Fast { speed: 9 },
        },
        fixed: [1, 2, 3],
        unit: (),
    };
    let mut second = base.clone();
    second.maybe = Some("there".into());
    second.skipped = Some(4);
    second.shape = Shape::Empty;
    second.flat.mode = Mode::Slow;
    second.loose = Loose::Int(-1);
    let mut third = base.clone();
    third.shape = Shape::Rect { w: 1.0, h: 2.0 };
    third.loose = Loose::Str("only".into());
    vec![base, second, third]
}

/// Wrong values: each breaks one field of a valid value.
fn wrong() -> Vec<(&'static str, Value)> {
    let valid = serde_json::to_value(&values()[0]).unwrap_or(Value::Null);
    let with = |pointer: &str, v: Value| {
        let mut out = valid.clone();
        if let Some(slot) = out.pointer_mut(pointer) {
            *slot = v;
        }
        out
    };
    vec![
        (
            "circle without radius",
            with("/shape", json!({"type": "circle"})),
        ),
        (
            "adjacent content of the wrong type",
            with("/adjacent/0", json!({"t": "Num", "c": "three"})),
        ),
        (
            "unknown external variant",
            with("/external/0", json!("Other")),
        ),
        (
            "external struct with the wrong field",
            with("/external/3", json!({"Struct": {"y": 1}})),
        ),
        ("a level in the wrong case", with("/level", json!("low"))),
        ("a tuple too short", with("/tuple", json!([1, "two"]))),
        (
            "maybe must be present (serialize view) and a string or null",
            with("/maybe", json!(5)),
        ),
        ("a map of integers", with("/map", json!({"a": "one"}))),
        ("the flattened tag", with("/mode", json!("Medium"))),
    ]
}

#[test]
fn serde_values_type_check_and_wrong_ones_do_not() {
    let contract = contract();
    let dir = common::fresh_dir("shapes");
    let files = frameproof_codegen::typescript(
        &contract,
        &TsOptions {
            zod: true,
            int64: Int64Mode::Number,
        },
    );
    let types = &files[0].contents;
    // the shapes, spelled out
    assert!(
        types.contains("export type Level = \"LOW\" | \"VERY_HIGH\";"),
        "{types}"
    );
    assert!(types.contains("@deprecated"), "deprecated field");
    assert!(
        types.contains("maybe: string | null;"),
        "serialize view: present, nullable"
    );
    assert!(types.contains("skipped?: number | null;") || types.contains("skipped?: number;"));
    assert!(
        types.contains("tuple: [number, string, boolean];"),
        "{types}"
    );
    assert!(types.contains("Record<string, number>"), "maps");
    assert!(types.contains("/** A documented field. */"));
    common::write(&dir.join("gen"), &files);
    common::link_node_modules(&dir);

    let mut ts = String::from(
        "import type { ShapesEchoResponse, ShapesEchoPayload, EventFrame } from \"./gen/index.js\";\n\n",
    );
    for (i, v) in values().iter().enumerate() {
        let json = serde_json::to_string_pretty(v).unwrap_or_default();
        ts.push_str(&format!(
            "export const response{i}: ShapesEchoResponse = {json};\n"
        ));
        ts.push_str(&format!(
            "export const payload{i}: ShapesEchoPayload = {{ value: {json} }};\n"
        ));
    }
    for (i, (why, v)) in wrong().iter().enumerate() {
        ts.push_str(&format!(
            "// {why}\n// @ts-expect-error\nexport const wrong{i}: ShapesEchoResponse = {};\n",
            serde_json::to_string(v).unwrap_or_default()
        ));
    }
    ts.push_str(
        "export const event: EventFrame<\"ShapeChanged\"> = { event: \"ShapeChanged\", org_id: \"o\", data: { shape: { type: \"empty\" } } };\n",
    );
    std::fs::write(dir.join("values.ts"), ts).unwrap_or_else(|e| panic!("values.ts: {e}"));
    common::write_tsconfig(
        &dir,
        &["gen/index.ts", "gen/zod.ts", "values.ts"],
        &["es2022"],
        Some("out"),
    );
    common::tsc(&dir, &["-p", ".", "--pretty", "false"]);

    // zod: the same values pass, the wrong ones fail
    let good: Vec<Value> = values()
        .iter()
        .map(|v| serde_json::to_value(v).unwrap_or(Value::Null))
        .collect();
    let bad: Vec<Value> = wrong().into_iter().map(|(_, v)| v).collect();
    let cases = json!({
        "zod": dir.join("out/gen/zod.js").display().to_string(),
        "checks": [
            { "action": "shapes.echo", "part": "response", "valid": good, "invalid": bad },
            { "action": "shapes.echo", "part": "payload",
              "valid": good.iter().map(|v| json!({"value": v})).collect::<Vec<_>>(),
              "invalid": [ {"value": 1}, {} ] },
        ],
    });
    let file = dir.join("cases.json");
    std::fs::write(&file, cases.to_string()).unwrap_or_else(|e| panic!("cases.json: {e}"));
    let out = common::node_script("zod-check.mjs", &[&file.display().to_string()], &[]);
    println!("{}", String::from_utf8_lossy(&out.stdout));
}

/// Values sampled from every payload, response and event schema of the reference contract pass
/// its zod validators.
#[test]
fn reference_zod_accepts_sampled_values() {
    let contract = common::reference_contract();
    let dir = common::fresh_dir("zod-reference");
    let files = frameproof_codegen::typescript(
        &contract,
        &TsOptions {
            zod: true,
            int64: Int64Mode::Number,
        },
    );
    common::write(&dir.join("gen"), &files);
    common::link_node_modules(&dir);
    common::write_tsconfig(
        &dir,
        &["gen/index.ts", "gen/zod.ts"],
        &["es2022"],
        Some("out"),
    );
    common::tsc(&dir, &["-p", "."]);
    let mut checks = Vec::new();
    let mut rng = Rng::new(7);
    for (name, spec) in &contract.actions {
        for (part, schema) in [("payload", &spec.payload), ("response", &spec.response)] {
            let valid: Vec<Value> = (0..8)
                .map(|_| sample(schema, &contract.defs, &mut rng))
                .collect();
            checks.push(json!({ "action": name, "part": part, "valid": valid, "invalid": [] }));
        }
    }
    for (name, spec) in &contract.events {
        let valid: Vec<Value> = (0..8)
            .map(|_| sample(&spec.data, &contract.defs, &mut rng))
            .collect();
        checks.push(json!({ "event": name, "valid": valid, "invalid": [ 42 ] }));
    }
    checks.push(json!({ "action": "tasks.update", "part": "payload",
        "valid": [ {"id": "t", "status": null}, {"id": "t", "title": "x"} ],
        "invalid": [ {"id": "t", "status": "doing"}, {"title": "x"}, {"id": "t", "extra": 1}, {"id": "t", "title": ""} ] }));
    let cases =
        json!({ "zod": dir.join("out/gen/zod.js").display().to_string(), "checks": checks });
    let file = dir.join("cases.json");
    std::fs::write(&file, cases.to_string()).unwrap_or_else(|e| panic!("cases.json: {e}"));
    common::node_script("zod-check.mjs", &[&file.display().to_string()], &[]);
}

/// The same contract with the JSON-RPC 2.0 envelope: the generated client speaks it (numeric
/// error codes mapped back to the contract's names, notifications as events) against a fake
/// JSON-RPC server in `tests/node/jsonrpc.test.mjs`.
#[test]
fn jsonrpc_envelope_client() {
    let contract = jsonrpc_contract();
    let dir = common::fresh_dir("jsonrpc");
    let files = frameproof_codegen::typescript(&contract, &TsOptions::default());
    let types = &files[0].contents;
    assert!(
        types.contains("jsonrpc: \"2.0\";"),
        "the envelope's constants are typed"
    );
    common::write(&dir, &files);
    common::write_tsconfig(&dir, &["index.ts"], &["es2022"], Some("out"));
    common::tsc(&dir, &["-p", "."]);
    let mut cmd = std::process::Command::new("node");
    cmd.args(["--test", "--test-reporter=spec"])
        .arg(common::node_dir().join("jsonrpc.test.mjs"))
        .current_dir(common::node_dir())
        .env("FP_GEN", dir.join("out"));
    let out = common::run(&mut cmd, "node --test jsonrpc.test.mjs");
    let report = String::from_utf8_lossy(&out.stdout);
    println!("{report}");
    assert!(
        report.contains("ℹ fail 0") && !report.contains("ℹ pass 0"),
        "{report}"
    );
}

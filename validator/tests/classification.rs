//! The validator classifies frames on its parse tape (its fast path); the schema crate's wire
//! model classifies parsed values (`Contract::classify`) for every other crate. Both must say
//! the same of every frame: the examples' frames taken from their protocols' specifications,
//! the reference server's recorded transcripts, and copies of each with one top-level member
//! left out (which turns many of them into other kinds, or into none).

use std::path::{Path, PathBuf};

use frameproof_schema::{Contract, Direction};
use frameproof_validator::Validator;
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `(direction, frame)` of every frame line in a spec file (`direction`) or a transcript
/// (`dir`); headers and other records are skipped.
fn frames(path: &Path) -> Vec<(Direction, Value)> {
    let text = std::fs::read_to_string(path).expect("frames file");
    text.lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter_map(|record| {
            let dir = record.get("direction").or_else(|| record.get("dir"))?;
            let direction = match dir.as_str()? {
                "client" => Direction::Client,
                "server" => Direction::Server,
                _ => return None,
            };
            Some((direction, record.get("frame")?.clone()))
        })
        .collect()
}

/// The frame itself and a copy without each of its top-level members.
fn with_members_left_out(frame: &Value) -> Vec<Value> {
    let mut out = vec![frame.clone()];
    if let Value::Object(map) = frame {
        for key in map.keys() {
            let mut copy = map.clone();
            copy.remove(key);
            out.push(Value::Object(copy));
        }
    }
    out
}

#[test]
fn the_wire_model_and_the_validator_classify_every_frame_alike() {
    let spec = |path: &str| vec![root().join(path)];
    let cases = [
        (
            "examples/jsonrpc-service/calculator.contract.json",
            spec("examples/jsonrpc-service/tests/spec/jsonrpc-2.0.jsonl"),
        ),
        (
            "examples/mcp/contract.json",
            spec("examples/mcp/tests/spec/mcp.jsonl"),
        ),
        (
            "examples/opcode-gateway/contract.json",
            spec("examples/opcode-gateway/tests/spec/discord-gateway.jsonl"),
        ),
        (
            "examples/timetracker/contract.json",
            transcripts(&root().join("examples/timetracker/transcripts")),
        ),
    ];
    let mut compared = 0;
    let mut kinds = std::collections::BTreeSet::new();
    for (contract_path, files) in cases {
        let contract = Contract::load(root().join(contract_path)).expect("contract");
        let validator = Validator::new(&contract).expect("validator");
        for file in files {
            for (direction, frame) in frames(&file) {
                for variant in with_members_left_out(&frame) {
                    let text = variant.to_string();
                    let by_tape = validator.check_frame(direction, text.as_bytes()).kind;
                    let by_wire = contract.classify(direction, &variant);
                    assert_eq!(
                        by_tape,
                        by_wire,
                        "{}: {direction:?} frame {text}",
                        file.display()
                    );
                    let name = format!("{by_wire:?}");
                    kinds.insert(name.split([' ', '(']).next().unwrap_or_default().to_owned());
                    compared += 1;
                }
            }
        }
    }
    // every kind was met, so agreement is not agreement on one easy case
    assert!(compared > 700, "only {compared} frames compared");
    for kind in [
        "Request",
        "Ok",
        "Error",
        "Event",
        "Control",
        "Batch",
        "Unreadable",
    ] {
        assert!(
            kinds.contains(kind),
            "no {kind} frame among {compared}: {kinds:?}"
        );
    }
}

fn transcripts(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("transcripts")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    files
}

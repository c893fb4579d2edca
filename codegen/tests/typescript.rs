//! The TypeScript output for the reference contract: pinned by snapshots, free of `any`, and
//! accepted by `tsc --strict` (TypeScript pinned in `tests/node/package-lock.json`) in every
//! int64 mode with the zod validators, together with a usage file whose `@ts-expect-error`
//! lines prove that the types reject wrong actions, payloads, events, topics and error codes,
//! and a browser usage file compiled against the DOM's WebSocket and fetch.

mod common;

use std::path::Path;

use frameproof_codegen::{GeneratedFile, Int64Mode, TsOptions};

fn files(options: &TsOptions) -> Vec<GeneratedFile> {
    frameproof_codegen::typescript(&common::reference_contract(), options)
}

fn file<'a>(files: &'a [GeneratedFile], name: &str) -> &'a str {
    files
        .iter()
        .find(|f| f.path == name)
        .map(|f| f.contents.as_str())
        .unwrap_or_else(|| panic!("no {name} generated"))
}

#[test]
fn reference_typescript_is_pinned() {
    let out = files(&TsOptions {
        zod: true,
        int64: Int64Mode::Number,
    });
    let names: Vec<&str> = out.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(names, ["types.ts", "client.ts", "zod.ts", "index.ts"]);
    insta::assert_snapshot!("reference_types_ts", file(&out, "types.ts"));
    insta::assert_snapshot!("reference_zod_ts", file(&out, "zod.ts"));
    insta::assert_snapshot!("reference_index_ts", file(&out, "index.ts"));
    // the runtime part of client.ts is the static `src/ts/runtime.ts`; pin what is generated
    let client = file(&out, "client.ts");
    let marker = "// ───────────────────────── this contract";
    let at = client
        .find(marker)
        .unwrap_or_else(|| panic!("client.ts has no `{marker}` section"));
    insta::assert_snapshot!("reference_client_ts_contract_part", &client[at..]);
}

/// `any` never appears as a type (comments aside).
#[test]
fn no_any_in_the_output() {
    for mode in [Int64Mode::Number, Int64Mode::BigInt, Int64Mode::String] {
        for f in files(&TsOptions {
            zod: true,
            int64: mode,
        }) {
            for (n, line) in f.contents.lines().enumerate() {
                let code = line.trim_start();
                if code.starts_with("//") || code.starts_with('*') || code.starts_with("/*") {
                    continue;
                }
                for bad in [
                    ": any", "<any", "any>", "any[]", "as any", "| any", "any |", "z.any(",
                ] {
                    assert!(
                        !code.contains(bad),
                        "{}:{}: `{bad}` in `{line}`",
                        f.path,
                        n + 1
                    );
                }
            }
        }
    }
}

fn typecheck(dir: &Path, files: &[GeneratedFile], extra: &[&str], lib: &[&str]) {
    let gen = dir.join("gen");
    common::write(&gen, files);
    common::link_node_modules(dir);
    let mut roots = vec!["gen/index.ts"];
    if files.iter().any(|f| f.path == "zod.ts") {
        roots.push("gen/zod.ts");
    }
    for e in extra {
        let from = common::node_dir().join("typecheck").join(e);
        std::fs::copy(&from, dir.join(e)).unwrap_or_else(|err| panic!("copy {e}: {err}"));
        roots.push(e);
    }
    common::write_tsconfig(dir, &roots, lib, None);
    let out = common::tsc(dir, &["-p", ".", "--pretty", "false"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !text.contains("error"),
        "tsc reported errors in {}:\n{text}",
        dir.display()
    );
}

#[test]
fn reference_output_passes_tsc_strict() {
    let dir = common::fresh_dir("tsc-number");
    typecheck(
        &dir,
        &files(&TsOptions {
            zod: true,
            int64: Int64Mode::Number,
        }),
        &["usage.ts"],
        &["es2022"],
    );
}

#[test]
fn reference_output_passes_tsc_strict_with_the_dom() {
    let dir = common::fresh_dir("tsc-dom");
    typecheck(
        &dir,
        &files(&TsOptions {
            zod: false,
            int64: Int64Mode::Number,
        }),
        &["usage-dom.ts"],
        &["es2022", "dom"],
    );
}

#[test]
fn bigint_and_string_int64_pass_tsc_strict() {
    for (name, mode, expect) in [
        ("tsc-bigint", Int64Mode::BigInt, "amount_cents: bigint;"),
        ("tsc-string", Int64Mode::String, "amount_cents: string;"),
    ] {
        let out = files(&TsOptions {
            zod: true,
            int64: mode,
        });
        assert!(file(&out, "types.ts").contains(expect), "{name}: {expect}");
        let client = file(&out, "client.ts");
        assert!(
            client.contains("\"Money\": {\n        \"p\": {\n          \"amount_cents\": \"i\""),
            "{name}: the client knows where int64 values sit"
        );
        typecheck(&common::fresh_dir(name), &out, &[], &["es2022"]);
    }
}

#[test]
fn number_mode_documents_precision() {
    let out = files(&TsOptions::default());
    let types = file(&out, "types.ts");
    assert!(types.contains("@format int64 — a JSON number; values beyond Number.MAX_SAFE_INTEGER"));
    assert!(types.contains("  amount_cents: number;"));
    assert!(types
        .contains("export type Topic = `chat:${string}` | `user:${string}` | `task:${string}`;"));
}

/// The field notes' contracts with custom envelopes (events as whole frames, topic events with
/// optional members, no control frames) compile too.
#[test]
fn custom_envelope_contracts_pass_tsc_strict() {
    for name in ["chat-rest-events", "topic-sync"] {
        let path = common::workspace_dir()
            .join("examples")
            .join(name)
            .join("contract.json");
        let contract =
            frameproof_codegen::Contract::load(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let out = frameproof_codegen::typescript(
            &contract,
            &TsOptions {
                zod: true,
                int64: Int64Mode::Number,
            },
        );
        typecheck(
            &common::fresh_dir(&format!("tsc-{name}")),
            &out,
            &[],
            &["es2022"],
        );
    }
}

//! Helpers shared by the integration tests: the reference contract, the Node tooling under
//! `tests/node` (installed from its package-lock with `npm ci` when missing), processes that must
//! succeed, and Debian's Chromium. A missing prerequisite fails the test with what to install.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;

use frameproof_codegen::{Contract, GeneratedFile};

pub(crate) fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub(crate) fn workspace_dir() -> PathBuf {
    crate_dir()
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(crate_dir)
}

pub(crate) fn reference_contract() -> Contract {
    let path = workspace_dir().join("examples/timetracker/contract.json");
    Contract::load(&path).unwrap_or_else(|e| panic!("the reference contract: {e}"))
}

/// The Node package with the test tooling (tsc, zod, ws, parsers, playwright-core).
pub(crate) fn node_dir() -> PathBuf {
    crate_dir().join("tests/node")
}

/// A fresh directory under the crate's target tmp dir.
pub(crate) fn fresh_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("frameproof-codegen")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
    dir
}

pub(crate) fn write(dir: &Path, files: &[GeneratedFile]) {
    frameproof_codegen::write_files(dir, files)
        .unwrap_or_else(|e| panic!("write into {}: {e}", dir.display()));
}

/// Runs a process that must succeed; on failure the panic shows its output.
pub(crate) fn run(cmd: &mut Command, what: &str) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot start {:?}: {e}", cmd.get_program()));
    if !out.status.success() {
        panic!(
            "{what} failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    out
}

static NODE_SETUP: Mutex<bool> = Mutex::new(false);

/// Node 20+ and the tooling from `tests/node/package-lock.json` (`npm ci` when missing).
pub(crate) fn ensure_node() {
    let mut done = NODE_SETUP.lock().unwrap_or_else(|p| p.into_inner());
    if *done {
        return;
    }
    let version = Command::new("node")
        .arg("--version")
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "these tests need Node.js 20 or newer on the PATH (`node --version` failed: {e})"
            )
        });
    let text = String::from_utf8_lossy(&version.stdout).trim().to_owned();
    let major: u32 = text
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    assert!(
        major >= 20,
        "these tests need Node.js 20 or newer, found `{text}`"
    );
    let dir = node_dir();
    if !dir.join("node_modules/.package-lock.json").exists() {
        run(
            Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
                .current_dir(&dir),
            "npm ci in codegen/tests/node (needs the npm registry)",
        );
    }
    *done = true;
}

/// Links the test tooling's `node_modules` into `dir`, so files there resolve `zod`, `ws`, ...
pub(crate) fn link_node_modules(dir: &Path) {
    let link = dir.join("node_modules");
    if !link.exists() {
        std::os::unix::fs::symlink(node_dir().join("node_modules"), &link)
            .unwrap_or_else(|e| panic!("link node_modules into {}: {e}", dir.display()));
    }
}

/// Runs the pinned TypeScript compiler with `args` in `dir`; panics with every diagnostic.
pub(crate) fn tsc(dir: &Path, args: &[&str]) -> Output {
    run(&mut tsc_command("typescript", dir, args), "tsc")
}

/// The `tsc` of one of the TypeScript packages in `tests/node/package.json` (`typescript`, or an
/// npm alias of another version such as `typescript-7`), to run with `args` in `dir`.
pub(crate) fn tsc_command(package: &str, dir: &Path, args: &[&str]) -> Command {
    ensure_node();
    let tsc = node_dir()
        .join("node_modules")
        .join(package)
        .join("bin/tsc");
    let mut cmd = Command::new("node");
    cmd.arg(tsc).args(args).current_dir(dir);
    cmd
}

/// Writes a `tsconfig.json` (strict, ES2022, Node ESM resolution, no ambient types) and a
/// `package.json` marking `dir` as ES modules. `skipLibCheck`: zod's own .d.ts (4.6) names `URL`,
/// which neither ES2022 nor `types: []` declares; the generated files are checked in full.
pub(crate) fn write_tsconfig(dir: &Path, files: &[&str], lib: &[&str], out_dir: Option<&str>) {
    let mut options = serde_json::json!({
        "strict": true,
        "target": "es2022",
        "module": "nodenext",
        "moduleResolution": "nodenext",
        "lib": lib,
        "types": [],
        "noUnusedLocals": true,
        "noImplicitReturns": true,
        "noUncheckedIndexedAccess": true,
        "noFallthroughCasesInSwitch": true,
        "skipLibCheck": true,
    });
    match out_dir {
        Some(out) => {
            options["outDir"] = serde_json::json!(out);
            options["rootDir"] = serde_json::json!(".");
        }
        None => {
            options["noEmit"] = serde_json::json!(true);
        }
    }
    let config = serde_json::json!({ "compilerOptions": options, "files": files });
    std::fs::write(
        dir.join("tsconfig.json"),
        serde_json::to_string_pretty(&config).unwrap_or_default(),
    )
    .unwrap_or_else(|e| panic!("tsconfig.json: {e}"));
    std::fs::write(dir.join("package.json"), "{\"type\":\"module\"}\n")
        .unwrap_or_else(|e| panic!("package.json: {e}"));
}

/// Runs a Node script from `tests/node` with environment variables.
pub(crate) fn node_script(script: &str, args: &[&str], env: &[(&str, String)]) -> Output {
    ensure_node();
    let mut cmd = Command::new("node");
    cmd.arg(node_dir().join(script))
        .args(args)
        .current_dir(node_dir());
    for (k, v) in env {
        cmd.env(k, v);
    }
    run(&mut cmd, script)
}

/// Debian's Chromium (`apt-get install -y chromium`), or `FRAMEPROOF_CHROMIUM`.
pub(crate) fn chromium() -> PathBuf {
    let path = std::env::var_os("FRAMEPROOF_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    assert!(
        path.exists(),
        "this test drives headless Chromium at {}, which is missing: install it with `apt-get install -y chromium` (CI's .ci/run does) or point FRAMEPROOF_CHROMIUM at a Chromium binary",
        path.display()
    );
    path
}

/// Generates the client for the reference contract into `dir` and compiles it to ES modules
/// in `dir/out` (tsc strict).
pub(crate) fn compile_client(dir: &Path, int64: frameproof_codegen::Int64Mode) {
    let files = frameproof_codegen::typescript(
        &reference_contract(),
        &frameproof_codegen::TsOptions { zod: false, int64 },
    );
    write(dir, &files);
    write_tsconfig(dir, &["index.ts"], &["es2022"], Some("out"));
    tsc(dir, &["-p", "."]);
    assert!(dir.join("out/client.js").exists(), "tsc wrote no client.js");
}

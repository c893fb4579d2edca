//! The TypeScript client generated from the MCP contract, compiled by the real `tsc` (strict:
//! method names such as `tools/list` become valid identifiers) and run in Node against the
//! reference MCP server over the contract's RPC endpoint: requests answered by server-sent
//! event streams, the session header handed out by `initialize` sent back, a notification
//! sent without an id, a progress notification dispatched to its handler.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::everything_server;

fn node_tools() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../codegen/tests/node/node_modules")
}

fn run(cmd: &mut Command, what: &str) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{what} failed:\n{text}");
    text
}

const SCRIPT: &str = r#"
import { createClient } from "./out/index.js";
const client = createClient({ url: process.env.MCP_URL, transport: "rest" });
const progress = [];
client.on("notifications/progress", (data) => progress.push(data));
const init = await client.request("initialize", {
  protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "generated", version: "0.1.0" },
});
await client.notify("notifications/initialized", {});
const tools = await client.request("tools/list", {});
const echo = await client.request("tools/call", { name: "echo", arguments: { message: "typed" } });
const slow = await client.request("tools/call", {
  name: "trigger-long-running-operation", arguments: { duration: 1, steps: 2 },
  _meta: { progressToken: "gen-1" },
});
let failure = null;
try {
  await client.request("resources/read", { uri: "demo://no/such/resource" });
} catch (e) {
  failure = { code: e.code, transport: e.transport };
}
console.log(JSON.stringify({
  server: init.serverInfo.name, tools: tools.tools.length, echo: echo.content[0].text,
  slow: slow.content.length, progress: progress.length, failure, last: client.lastTransport,
}));
client.close();
"#;

#[test]
fn the_generated_client_speaks_to_the_reference_server_over_the_rpc_endpoint() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("mcp-generated-client");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a directory");
    let tools = node_tools();
    assert!(
        tools.join("typescript/bin/tsc").exists(),
        "the pinned TypeScript compiler is missing: run scripts/test.sh (npm ci in codegen/tests/node)"
    );
    let files = frameproof_codegen::typescript(
        &mcp_example::contract(),
        &frameproof_codegen::TsOptions::default(),
    );
    for f in &files {
        let path = dir.join(&f.path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("dirs");
        std::fs::write(&path, &f.contents).expect("write");
    }
    let config = serde_json::json!({
        "compilerOptions": {
            "strict": true, "target": "es2022", "module": "nodenext", "moduleResolution": "nodenext",
            "lib": ["es2022"], "types": [], "noUncheckedIndexedAccess": true,
            "outDir": "out", "rootDir": "."
        },
        "files": ["index.ts"]
    });
    std::fs::write(dir.join("tsconfig.json"), config.to_string()).expect("tsconfig");
    std::fs::write(dir.join("package.json"), "{\"type\":\"module\"}\n").expect("package.json");
    run(
        Command::new("node")
            .arg(tools.join("typescript/bin/tsc"))
            .args(["-p", "."])
            .current_dir(&dir),
        "tsc",
    );
    std::fs::write(dir.join("run.mjs"), SCRIPT).expect("script");
    let server = everything_server();
    let out = run(
        Command::new("node")
            .arg("run.mjs")
            .current_dir(&dir)
            .env("MCP_URL", format!("http://127.0.0.1:{}", server.port)),
        "node run.mjs",
    );
    drop(server);
    let line = out
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .unwrap_or_default();
    eprintln!("generated client: {line}");
    let result: serde_json::Value =
        serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(result["server"], "mcp-servers/everything", "{out}");
    assert!(result["tools"].as_u64().is_some_and(|n| n > 5), "{out}");
    assert_eq!(result["echo"], "Echo: typed", "{out}");
    assert_eq!(result["slow"], 1, "{out}");
    assert_eq!(result["progress"], 2, "{out}");
    assert_eq!(result["last"], "rest", "{out}");
    // the reference server answers an unknown resource with -32602 (invalid params, not the
    // spec's -32002): the numeric code comes back as the contract's name for it
    assert_eq!(result["failure"]["transport"], "rest", "{out}");
    assert_eq!(result["failure"]["code"], "validation_failed", "{out}");
}

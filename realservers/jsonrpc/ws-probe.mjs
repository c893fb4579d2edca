// Drives a running JSON-RPC server (ganache) over WebSocket and prints every frame
// sent (>>) and received (<<) with ms since start; [bin] marks binary frames.
// Usage: node ws-probe.mjs ws://127.0.0.1:8645
import WebSocket from "ws";

const url = process.argv[2] || "ws://127.0.0.1:8645";
const t0 = Date.now();
const log = (dir, data, isBinary) =>
  console.log(`${String(Date.now() - t0).padStart(5)}ms ${dir} ${isBinary ? "[bin] " : ""}${data}`);
const strip = (s) => s.replace(/,"stack":"(?:[^"\\]|\\.)*"/g, ',"stack":"…"'); // stack traces are long
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const subs = []; // subscription ids handed out in eth_subscribe results

const ws = new WebSocket(url);
ws.on("message", (data, isBinary) => {
  const text = data.toString();
  log("<<", strip(text), isBinary);
  try {
    for (const m of [].concat(JSON.parse(text)))
      if (m && typeof m.result === "string" && /^(s\d|40)/.test(String(m.id))) subs.push(m.result);
  } catch {}
});
ws.on("close", (code, reason) => log("--", `close ${code} ${reason}`));
ws.on("error", (e) => log("--", `error ${e.message}`));
await new Promise((r) => ws.once("open", r));
const send = (s, binary = false) => { log(">>", s, binary); ws.send(binary ? Buffer.from(s) : s, { binary }); };
const step = async (label, frames, wait = 300) => {
  console.log(`# ${label}`);
  for (const f of [].concat(frames)) typeof f === "string" ? send(f) : send(f.bin, true);
  await sleep(wait);
};

await step("single request", '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}');
await step("string id", '{"jsonrpc":"2.0","id":"a-1","method":"net_version"}');
await step("unknown method", '{"jsonrpc":"2.0","id":2,"method":"no_such_method","params":[]}');
await step("notification (no id)", '{"jsonrpc":"2.0","method":"eth_blockNumber","params":[]}');
await step("batch", '[{"jsonrpc":"2.0","id":10,"method":"eth_chainId"},{"jsonrpc":"2.0","id":"eleven","method":"no_such_method"},{"jsonrpc":"2.0","method":"eth_blockNumber"},{"jsonrpc":"2.0","id":12,"method":"net_version"}]');
await step("empty batch", "[]");
await step("binary frame request", [{ bin: '{"jsonrpc":"2.0","id":4,"method":"eth_chainId"}' }]);
await step("subscribe newHeads", '{"jsonrpc":"2.0","id":"s1","method":"eth_subscribe","params":["newHeads"]}');
await step("subscribe logs", '{"jsonrpc":"2.0","id":"s2","method":"eth_subscribe","params":["logs",{}]}');
await step("subscribe bad type", '{"jsonrpc":"2.0","id":"s3","method":"eth_subscribe","params":["nope"]}');
await step("evm_mine x3 pipelined", [20, 21, 22].map((i) => `{"jsonrpc":"2.0","id":${i},"method":"evm_mine","params":[]}`), 600);
await step("5 requests pipelined", [30, 31, 32, 33, 34].map((i) => `{"jsonrpc":"2.0","id":${i},"method":"eth_blockNumber"}`));
await step("subscribe inside a batch, then mine in the same batch", '[{"jsonrpc":"2.0","id":40,"method":"eth_subscribe","params":["newHeads"]},{"jsonrpc":"2.0","id":41,"method":"evm_mine"}]', 500);
console.log(`# unsubscribe all: ${JSON.stringify(subs)}`);
for (const id of subs) send(`{"jsonrpc":"2.0","id":"u-${id}","method":"eth_unsubscribe","params":["${id}"]}`);
await sleep(300);
await step("unsubscribe again (already gone)", `{"jsonrpc":"2.0","id":"u-again","method":"eth_unsubscribe","params":["${subs[0]}"]}`);
await step("evm_mine after unsubscribe (expect no eth_subscription)", '{"jsonrpc":"2.0","id":50,"method":"evm_mine","params":[]}', 600);
await step("parse error (last: may close the socket)", '{"jsonrpc":"2.0","id":3,', 500);
ws.close(1000, "done");
await sleep(200);
process.exit(0);

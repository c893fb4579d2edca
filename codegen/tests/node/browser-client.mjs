// The generated client in a real browser: headless Chromium (Debian's, driven by playwright-core)
// loads a page from a tiny same-origin server that serves the compiled client and proxies
// `/api` and `/ws` to the reference server. The page connects two users over the WebSocket,
// performs actions, sees the broadcasts, gets a typed error, and falls back to REST when its
// socket URL refuses. Env: FP_HTTP_URL, FP_ALICE_TOKEN, FP_BOB_TOKEN, FP_GEN, FP_CHROMIUM.
// Prints a JSON report; exits 1 when a check fails.

import http from "node:http";
import net from "node:net";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, normalize } from "node:path";
import { chromium } from "playwright-core";

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run through \`cargo test -p frameproof-codegen --test browser_client\``);
  return v;
}
const target = new URL(need("FP_HTTP_URL"));
const gen = need("FP_GEN");

const PAGE = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>frameproof client in a browser</title></head>
<body><h1>client test</h1><pre id="log"></pre>
<script type="module">
import { createClient, FrameproofError } from "/gen/index.js";
const q = new URLSearchParams(location.search);
const out = { events: [], states: [] };
window.__result = out;
const wait = (ms) => new Promise((r) => setTimeout(r, ms));
try {
  const bob = createClient({ token: q.get("bob") });
  const alice = createClient({ token: q.get("alice") });
  bob.onStateChange((s) => out.states.push(s));
  bob.on("ProjectCreated", (data, frame) => out.events.push({ name: data.project.name, org: frame.org_id }));
  await bob.connect();
  const name = "Browser project " + Date.now();
  const p = await alice.request("projects.create", { name, hourly_rate: { amount_cents: 12345, currency: "GBP" } });
  out.created = { id: p.id, name: p.name, transport: alice.lastTransport };
  for (let i = 0; i < 250 && out.events.length === 0; i++) await wait(20);
  try {
    await alice.request("projects.get", { id: "proj_404" });
  } catch (e) {
    out.error = { isFrameproofError: e instanceof FrameproofError, code: e.code, status: e.status, transport: e.transport };
  }
  await bob.subscribe("task:task_3");
  const topic = new Promise((r) => bob.on("TaskUpdated", (d, f) => r({ topic: f.topic, task: d.task_id })));
  await alice.request("tasks.update", { id: "task_3", title: "From the browser" });
  out.topic = await Promise.race([topic, wait(5000).then(() => null)]);
  const rest = createClient({ token: q.get("alice"), wsUrl: "ws://127.0.0.1:" + q.get("closed") + "/ws" });
  const list = await rest.request("projects.list", {});
  out.fallback = { transport: rest.lastTransport, count: list.length };
  rest.close();
  out.userAgent = navigator.userAgent;
  document.getElementById("log").textContent = JSON.stringify(out, null, 2);
} catch (e) {
  out.failure = String((e && e.stack) || e);
}
out.done = true;
</script></body></html>`;

let upgrades = 0;
const server = http.createServer((req, res) => {
  const url = new URL(req.url, "http://page");
  if (url.pathname === "/") {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(PAGE);
    return;
  }
  if (url.pathname.startsWith("/gen/")) {
    const file = normalize(join(gen, url.pathname.slice(5)));
    if (!file.startsWith(gen) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" });
    res.end(readFileSync(file));
    return;
  }
  if (url.pathname.startsWith("/api/")) {
    const up = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on("error", () => res.writeHead(502).end());
    req.pipe(up);
    return;
  }
  res.writeHead(404).end();
});
server.on("upgrade", (req, socket, head) => {
  upgrades++;
  const up = net.connect(Number(target.port), target.hostname, () => {
    const lines = [`${req.method} ${req.url} HTTP/1.1`];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const k = req.rawHeaders[i];
      lines.push(`${k}: ${k.toLowerCase() === "host" ? target.host : req.rawHeaders[i + 1]}`);
    }
    up.write(lines.join("\r\n") + "\r\n\r\n");
    if (head.length > 0) up.write(head);
    socket.pipe(up).pipe(socket);
  });
  const drop = () => {
    socket.destroy();
    up.destroy();
  };
  up.on("error", drop);
  socket.on("error", drop);
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const closed = await new Promise((resolve) => {
  const s = net.createServer();
  s.listen(0, "127.0.0.1", () => {
    const port = s.address().port;
    s.close(() => resolve(port));
  });
});

const failures = [];
const check = (ok, what) => {
  if (!ok) failures.push(what);
};
const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "fp-chromium-")), {
  executablePath: process.env.FP_CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let result = null;
try {
  const page = await context.newPage();
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  const q = new URLSearchParams({ alice: need("FP_ALICE_TOKEN"), bob: need("FP_BOB_TOKEN"), closed: String(closed) });
  await page.goto(`http://127.0.0.1:${server.address().port}/?${q}`);
  await page.waitForFunction(() => window.__result && window.__result.done, null, { timeout: 30000 });
  result = await page.evaluate(() => window.__result);
  check(!result.failure, `the page failed: ${result.failure}`);
  check(result.created?.transport === "websocket", "alice's action went over the WebSocket");
  check(result.events.some((e) => e.name === result.created?.name && e.org === "org_acme"), "bob saw the ProjectCreated broadcast");
  check(result.error?.isFrameproofError && result.error.code === "not_found" && result.error.status === 404, "a typed not_found error");
  check(result.topic?.topic === "task:task_3", "bob saw the TaskUpdated topic event");
  check(result.fallback?.transport === "rest" && result.fallback.count > 0, "the REST fallback answered");
  check(result.states.includes("open"), "bob's state became open");
  check(upgrades >= 2, `the page opened WebSockets through the proxy (${upgrades})`);
  check(pageErrors.length === 0, `no page errors: ${pageErrors.join("; ")}`);
} finally {
  await context.close();
  server.closeAllConnections?.();
  server.close();
}
console.log(JSON.stringify({ result, upgrades, failures }, null, 2));
process.exit(failures.length > 0 ? 1 : 0);

// Drives Debian's headless Chromium against the reference server and writes what the browser
// saw as a HAR 1.2 file, built from the DevTools protocol's Network events the way DevTools
// does (REST entries, and WebSocket entries with `_webSocketMessages`, `time` in epoch seconds).
// usage: node capture-har.mjs HTTP_ORIGIN TOKEN OUT.har (SCENARIO=timetracker, the default, or
// SCENARIO=jsonrpc for a JSON-RPC node such as ganache; TOKEN is then unused)
import { writeFileSync } from "node:fs";
import { chromium } from "playwright-core";

const [origin, token, out] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage();
const cdp = await page.context().newCDPSession(page);
await cdp.send("Network.enable");

const requests = new Map(); // requestId → entry under construction
const sockets = new Map();  // requestId → websocket entry
let wallOffset = null;      // epoch seconds minus monotonic seconds

cdp.on("Network.requestWillBeSent", (e) => {
  if (wallOffset === null && e.wallTime) wallOffset = e.wallTime - e.timestamp;
  requests.set(e.requestId, {
    startedDateTime: new Date(e.wallTime * 1000).toISOString(),
    request: {
      method: e.request.method, url: e.request.url, httpVersion: "HTTP/1.1", headers: [],
      queryString: [...new URL(e.request.url).searchParams].map(([name, value]) => ({ name, value })),
      cookies: [], headersSize: -1, bodySize: e.request.postData ? e.request.postData.length : 0,
      ...(e.request.postData ? { postData: { mimeType: "application/json", text: e.request.postData } } : {}),
    },
  });
});
cdp.on("Network.responseReceived", (e) => {
  const entry = requests.get(e.requestId);
  if (entry) entry.response = { status: e.response.status, statusText: e.response.statusText || "", httpVersion: "HTTP/1.1",
    headers: [], cookies: [], content: { size: 0, mimeType: e.response.mimeType }, redirectURL: "", headersSize: -1, bodySize: -1 };
});
cdp.on("Network.loadingFinished", async (e) => {
  const entry = requests.get(e.requestId);
  if (!entry || !entry.response) return;
  try {
    const body = await cdp.send("Network.getResponseBody", { requestId: e.requestId });
    entry.response.content.text = body.body;
    if (body.base64Encoded) entry.response.content.encoding = "base64";
  } catch { /* no body */ }
  entry.done = true;
});
cdp.on("Network.webSocketCreated", (e) => {
  sockets.set(e.requestId, {
    startedDateTime: new Date().toISOString(), _resourceType: "websocket",
    request: { method: "GET", url: e.url, httpVersion: "HTTP/1.1", headers: [], queryString: [], cookies: [], headersSize: -1, bodySize: 0 },
    response: { status: 101, statusText: "Switching Protocols", httpVersion: "HTTP/1.1", headers: [], cookies: [],
      content: { size: 0, mimeType: "x-unknown" }, redirectURL: "", headersSize: -1, bodySize: 0 },
    _webSocketMessages: [],
  });
});
const frame = (type) => (e) => {
  const ws = sockets.get(e.requestId);
  if (ws) ws._webSocketMessages.push({ type, time: e.timestamp + (wallOffset ?? 0), opcode: e.response.opcode, data: e.response.payloadData });
};
cdp.on("Network.webSocketFrameSent", frame("send"));
cdp.on("Network.webSocketFrameReceived", frame("receive"));

const scenarios = {
  // the reference server: REST, then the socket, from a page of its own origin
  timetracker: async () => {
    // a page of the server's own origin: its REST API answers the navigation (401 without a token)
    await page.goto(`${origin}/api/projects`);
    const result = await page.evaluate(async ({ origin, token }) => {
      const auth = { Authorization: `Bearer ${token}` };
      const projects = await (await fetch("/api/projects", { headers: auth })).json();
      await fetch("/api/tasks?status=todo", { headers: auth });
      await fetch("/api/projects/proj_missing", { headers: auth });
      const ws = new WebSocket(`${origin.replace("http", "ws")}/ws?token=${token}`);
      const seen = [];
      await new Promise((resolve) => { ws.onopen = resolve; });
      const answered = new Promise((resolve) => {
        ws.onmessage = (m) => { const f = JSON.parse(m.data); seen.push(f); if (seen.filter((x) => x.id).length >= 4) resolve(); };
      });
      const send = (f) => ws.send(JSON.stringify(f));
      send({ type: "subscribe", topics: ["chat:general"] });
      send({ id: "b1", action: "projects.list", payload: {} });
      send({ id: "b2", action: "time_entries.start", payload: { project_id: projects[0].id, description: "from a browser", billable: true } });
      send({ id: "b3", action: "chat.send", payload: { room: "general", body: { kind: "text", text: "hello from Chromium" } } });
      send({ id: "b4", action: "time_entries.stop", payload: {} });
      await answered;
      await new Promise((r) => setTimeout(r, 300));
      ws.close();
      return seen.length;
    }, { origin, token });
    return result;
  },
  // a JSON-RPC node (ganache): calls and a batch POSTed to its one endpoint, then the socket:
  // a subscription, its notices, its end. The capture starts once the page (the node's origin,
  // whose GET is no JSON-RPC call) is open, as when DevTools is opened on a loaded page.
  jsonrpc: async () => {
    await page.goto(`${origin}/`);
    requests.clear();
    return page.evaluate(async ({ origin }) => {
      const post = async (body) => (await fetch("/", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).json();
      await post({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] });
      await post([{ jsonrpc: "2.0", id: 2, method: "net_version", params: [] }, { jsonrpc: "2.0", id: "3", method: "eth_blockNumber", params: [] }]);
      const ws = new WebSocket(`${origin.replace("http", "ws")}/`);
      await new Promise((resolve) => { ws.onopen = resolve; });
      const seen = [];
      let waiting = null;
      ws.onmessage = (m) => { const f = JSON.parse(m.data); seen.push(f); if (waiting && waiting.test(f)) { const w = waiting; waiting = null; w.resolve(f); } };
      const call = (frame, test) => new Promise((resolve) => { waiting = { test, resolve }; ws.send(JSON.stringify(frame)); });
      const sub = await call({ jsonrpc: "2.0", id: "s1", method: "eth_subscribe", params: ["newHeads"] }, (f) => f.id === "s1");
      await call({ jsonrpc: "2.0", id: "m1", method: "evm_mine", params: [] }, (f) => f.id === "m1");
      if (!seen.some((f) => f.method === "eth_subscription")) {
        await new Promise((resolve) => { waiting = { test: (f) => f.method === "eth_subscription", resolve }; });
      }
      await call({ jsonrpc: "2.0", id: "u1", method: "eth_unsubscribe", params: [sub.result] }, (f) => f.id === "u1");
      ws.close();
      return seen.length;
    }, { origin });
  },
};
const result = await scenarios[process.env.SCENARIO || "timetracker"]();
await new Promise((r) => setTimeout(r, 300));
await browser.close();

const entries = [...requests.values()].filter((e) => e.response).map(({ done, ...e }) => ({ time: 0, timings: { send: 0, wait: 0, receive: 0 }, cache: {}, ...e }));
for (const ws of sockets.values()) entries.push({ time: 0, timings: { send: 0, wait: 0, receive: 0 }, cache: {}, ...ws });
const har = { log: { version: "1.2", creator: { name: "frameproof capture-har (Chromium DevTools protocol)", version: "1" }, pages: [], entries } };
writeFileSync(out, JSON.stringify(har, null, 1));
console.log(JSON.stringify({ entries: entries.length, frames_seen_by_page: result }));

// The generated client (compiled to JS by the Rust test) against the reference server.
// Run by codegen/tests/client_node.rs, which starts the servers and passes their URLs and
// tokens in FP_* variables. Node 20 has no global WebSocket: the `ws` package is injected.

import { test, after } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { pathToFileURL } from "node:url";
import { WebSocket, WebSocketServer } from "ws";

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run this file through \`cargo test -p frameproof-codegen --test client_node\``);
  return v;
}

const HTTP = need("FP_HTTP_URL");
const WS = need("FP_WS_URL");
const ALICE = need("FP_ALICE_TOKEN");
const BOB = need("FP_BOB_TOKEN");
const CAROL = need("FP_CAROL_TOKEN");
const CAROL_REFRESH = need("FP_CAROL_REFRESH");
const gen = await import(pathToFileURL(`${need("FP_GEN")}/index.js`).href);
const genBig = await import(pathToFileURL(`${need("FP_GEN_BIGINT")}/index.js`).href);
const { createClient, FrameproofError, isActionError } = gen;

const open = [];
function client(options, module = gen) {
  const c = module.createClient({ url: HTTP, WebSocket, reconnect: { initialDelayMs: 50, maxDelayMs: 400 }, ...options });
  open.push(c);
  return c;
}
after(() => {
  for (const c of open) c.close();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Resolves with the first value `register` passes to its callback, or fails after `ms`. */
function next(register, ms = 5000, what = "an event") {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
    const stop = register((...args) => {
      clearTimeout(timer);
      if (typeof stop === "function") stop();
      resolve(args);
    });
  });
}

async function until(predicate, ms = 5000, what = "the condition") {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (predicate()) return;
    await sleep(20);
  }
  throw new Error(`${what} did not happen within ${ms} ms`);
}

async function rejection(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail("expected a rejection");
}

/** A closed port: connections to it are refused. */
async function closedPort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  const port = s.address().port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A TCP proxy to the server's port that can drop every connection and refuse new ones. */
async function tcpProxy(target) {
  const { hostname, port } = new URL(target);
  const sockets = new Set();
  const accepted = [];
  let refusing = false;
  const server = net.createServer((down) => {
    accepted.push(Date.now());
    if (refusing) {
      down.destroy();
      return;
    }
    const up = net.connect(Number(port), hostname);
    sockets.add(down).add(up);
    down.pipe(up).pipe(down);
    const drop = () => {
      down.destroy();
      up.destroy();
      sockets.delete(down);
      sockets.delete(up);
    };
    down.on("error", drop).on("close", drop);
    up.on("error", drop).on("close", drop);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `ws://127.0.0.1:${server.address().port}/ws`,
    accepted,
    dropAll() {
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    refuse(on) {
      refusing = on;
    },
    close: () => new Promise((r) => server.close(r)),
  };
}

test("requests over the WebSocket resolve with the typed response", async () => {
  const alice = client({ token: ALICE });
  const states = [];
  alice.onStateChange((s) => states.push(s));
  const projects = await alice.request("projects.list", {});
  assert.equal(alice.lastTransport, "websocket");
  assert.equal(alice.state, "open");
  assert.deepEqual(states.slice(0, 2), ["connecting", "open"]);
  assert.ok(projects.some((p) => p.id === "proj_1" && p.hourly_rate.currency === "EUR"));
  const project = await alice.request("projects.get", { id: "proj_2" });
  assert.equal(project.name, "Mobile app");
  const tasks = await alice.request("tasks.list", { status: "todo" });
  assert.ok(Array.isArray(tasks));
  assert.ok(tasks.every((t) => t.status === "todo"));
});

test("contract errors reject with a typed error carrying the code", async () => {
  const alice = client({ token: ALICE });
  const e = await rejection(alice.request("projects.get", { id: "proj_404" }));
  assert.ok(e instanceof FrameproofError);
  assert.ok(isActionError(e, "projects.get"));
  assert.equal(e.code, "not_found");
  assert.equal(e.status, 404);
  assert.equal(e.transport, "websocket");
  assert.equal(e.action, "projects.get");
  const invalid = await rejection(alice.request("tasks.create", { project_id: "proj_1", title: "" }));
  assert.equal(invalid.code, "validation_failed");
  assert.equal(invalid.status, 422);
  const result = await alice.tryRequest("projects.get", { id: "proj_404" });
  assert.equal(result.ok, false);
  assert.equal(result.error.code, "not_found");
});

test("broadcasts reach the organisation's connections, typed by event", async () => {
  const alice = client({ token: ALICE });
  const bob = client({ token: BOB });
  const carol = client({ token: CAROL });
  await Promise.all([bob.connect(), carol.connect()]);
  const foreign = [];
  carol.on("ProjectCreated", (data) => foreign.push(data));
  const seen = next((cb) => bob.on("ProjectCreated", cb), 5000, "ProjectCreated at bob");
  const any = next((cb) => bob.onAny((name, data, frame) => name === "ProjectCreated" && cb(data, frame)), 5000, "onAny");
  const name = `WS project ${Date.now()}`;
  const created = await alice.request("projects.create", { name, hourly_rate: { amount_cents: 9900, currency: "EUR" } });
  const [data, frame] = await seen;
  assert.equal(data.project.id, created.id);
  assert.equal(data.project.name, name);
  assert.equal(frame.event, "ProjectCreated");
  assert.equal(frame.org_id, "org_acme");
  await any;
  await sleep(200);
  assert.equal(foreign.length, 0, "another org's connection must not see it");
});

test("topic subscriptions deliver topic events and can be undone", async () => {
  const alice = client({ token: ALICE });
  const bob = client({ token: BOB });
  await bob.subscribe("task:task_1");
  assert.deepEqual(bob.topics, ["task:task_1"]);
  const seen = next((cb) => bob.on("TaskUpdated", cb), 5000, "TaskUpdated");
  await alice.request("tasks.update", { id: "task_1", title: `Renamed ${Date.now()}` });
  const [data, frame] = await seen;
  assert.equal(data.task_id, "task_1");
  assert.ok(data.changed.includes("title"));
  assert.equal(frame.topic, "task:task_1");
  const denied = await rejection(bob.subscribe("user:usr_alice"));
  assert.equal(denied.code, "forbidden");
  assert.deepEqual(bob.topics, ["task:task_1"], "a refused topic is not kept");
  await bob.unsubscribe("task:task_1");
  const after = [];
  bob.on("TaskUpdated", (d) => after.push(d));
  await alice.request("tasks.update", { id: "task_1", title: `Again ${Date.now()}` });
  await sleep(300);
  assert.equal(after.length, 0);
});

test("falls back to REST when the WebSocket cannot connect; broadcasts still reach socket clients", async () => {
  const port = await closedPort();
  const alice = client({ token: ALICE, wsUrl: `ws://127.0.0.1:${port}/ws`, connectTimeoutMs: 2000 });
  const bob = client({ token: BOB });
  await bob.connect();
  const started = Date.now();
  const projects = await alice.request("projects.list", { include_archived: true });
  assert.ok(Date.now() - started < 1000, `a refused socket falls back at once (${Date.now() - started} ms)`);
  assert.equal(alice.lastTransport, "rest");
  assert.ok(projects.some((p) => p.id === "proj_3" && p.archived));
  assert.notEqual(alice.state, "open");
  const one = await alice.request("projects.get", { id: "proj_1" });
  assert.equal(one.id, "proj_1");
  const todo = await alice.request("tasks.list", { status: "todo", project_id: "proj_1" });
  assert.ok(todo.every((t) => t.status === "todo" && t.project_id === "proj_1"));
  const e = await rejection(alice.request("projects.get", { id: "proj_404" }));
  assert.equal(e.code, "not_found");
  assert.equal(e.status, 404);
  assert.equal(e.transport, "rest");
  const seen = next((cb) => bob.on("TaskCreated", cb), 5000, "TaskCreated at bob");
  const task = await alice.request("tasks.create", { project_id: "proj_1", title: "Over REST", labels: ["fallback"] });
  assert.equal(alice.lastTransport, "rest");
  const [data, frame] = await seen;
  assert.equal(data.task.id, task.id);
  assert.equal(frame.org_id, "org_acme");
  const deleted = await alice.request("tasks.delete", { id: task.id });
  assert.equal(deleted.id, task.id);
  const wsOnly = await rejection(alice.request("projects.list", {}, { transport: "websocket" }));
  assert.equal(wsOnly.code, "websocket_unavailable");
});

test("without a WebSocket implementation every request goes over REST", async () => {
  const alice = client({ token: ALICE, WebSocket: null });
  const page = await alice.request("time_entries.list", { limit: 2 });
  assert.equal(alice.lastTransport, "rest");
  assert.equal(page.items.length, 2);
  const unauthorized = client({ token: "at_wrong", WebSocket: null });
  const e = await rejection(unauthorized.request("projects.list", {}));
  assert.equal(e.code, "unauthorized");
  assert.equal(e.status, 401);
});

test("REST-only actions (auth.refresh) go over REST even with the socket open", async () => {
  const carol = client({ token: CAROL });
  await carol.connect();
  const pair = await carol.request("auth.refresh", { refresh_token: CAROL_REFRESH });
  assert.equal(carol.lastTransport, "rest");
  assert.equal(typeof pair.access_token, "string");
  assert.equal(typeof pair.expires_at, "string");
  assert.equal(carol.state, "open");
});

test("answers the server's heartbeats and its own pings keep the connection", async () => {
  // the server pings every 200 ms and closes after 1 s without a pong
  const alice = client({ token: ALICE, heartbeat: { intervalMs: 100, timeoutMs: 1000 } });
  const states = [];
  alice.onStateChange((s) => states.push(s));
  await alice.connect();
  await sleep(1800);
  assert.equal(alice.state, "open");
  assert.deepEqual(states, ["connecting", "open"], "no reconnect happened");
  await alice.request("projects.list", {});
  assert.equal(alice.lastTransport, "websocket");
});

test("reconnects with exponential back-off and jitter, and re-subscribes", async () => {
  const proxy = await tcpProxy(WS);
  const bob = client({ token: BOB, wsUrl: proxy.url });
  const alice = client({ token: ALICE });
  try {
    const states = [];
    bob.onStateChange((s) => states.push(s));
    await bob.subscribe("task:task_2");
    proxy.refuse(true);
    const before = proxy.accepted.length;
    proxy.dropAll();
    await until(() => bob.state === "reconnecting", 3000, "reconnecting");
    await until(() => proxy.accepted.length >= before + 7, 10000, "seven reconnect attempts");
    const times = proxy.accepted.slice(before, before + 7);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    // delays 50·2^n ms, capped at 400, each shortened by up to half at random
    assert.ok(gaps[gaps.length - 1] > gaps[0], `back-off grows: ${gaps.join(", ")} ms`);
    assert.ok(gaps[gaps.length - 1] < 750, `capped by maxDelayMs (uncapped it would be ≥ 800): ${gaps.join(", ")} ms`);
    // a request while the socket is down goes over REST
    const projects = await bob.request("projects.list", {});
    assert.equal(bob.lastTransport, "rest");
    assert.ok(projects.length > 0);
    proxy.refuse(false);
    await until(() => bob.state === "open", 5000, "reopened");
    assert.ok(states.includes("reconnecting"));
    // the subscription was renewed on the new connection
    const seen = next((cb) => bob.on("TaskUpdated", cb), 5000, "TaskUpdated after the reconnect");
    await sleep(100);
    await alice.request("tasks.update", { id: "task_2", title: `After reconnect ${Date.now()}` });
    const [data] = await seen;
    assert.equal(data.task_id, "task_2");
    await bob.request("projects.list", {});
    assert.equal(bob.lastTransport, "websocket");
  } finally {
    bob.close();
    proxy.refuse(true);
    proxy.dropAll();
    await proxy.close();
  }
});

test("requests time out; a silent server is dropped by the heartbeat", async () => {
  const server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  const connections = [];
  server.on("connection", (socket) => connections.push(socket));
  await new Promise((r) => server.once("listening", r));
  const url = `ws://127.0.0.1:${server.address().port}/ws`;
  const silent = client({ token: ALICE, wsUrl: url, heartbeat: { intervalMs: 150, timeoutMs: 150 } });
  try {
    const e = await rejection(silent.request("projects.list", {}, { timeoutMs: 200, transport: "websocket" }));
    assert.equal(e.code, "timeout");
    assert.equal(e.transport, "websocket");
    await until(() => connections.length >= 2, 5000, "a reconnect after the heartbeat timeout");
  } finally {
    silent.close();
    for (const c of connections) c.terminate();
    await new Promise((r) => server.close(r));
  }
});

test("on TokenExpired: refreshes over REST and re-authenticates the same socket", async () => {
  const http = need("FP_SHORT_HTTP_URL");
  // a fresh pair, so that the token's 3 s start now
  const first = client({ token: need("FP_SHORT_ALICE_TOKEN"), WebSocket: null, url: http });
  const pair = await first.request("auth.refresh", { refresh_token: need("FP_SHORT_ALICE_REFRESH") });
  const tokens = [];
  const alice = client({ url: http, token: pair.access_token, refreshToken: pair.refresh_token, onTokens: (t) => tokens.push(t) });
  const states = [];
  alice.onStateChange((s) => states.push(s));
  const expired = next((cb) => alice.on("TokenExpired", cb), 6000, "TokenExpired");
  await alice.connect();
  const [data] = await expired;
  assert.equal(typeof data.expired_at, "string");
  await until(() => tokens.length >= 1, 5000, "a refresh");
  assert.notEqual(tokens[0].access_token, pair.access_token);
  assert.equal(alice.accessToken, tokens[0].access_token);
  // the same socket works again (no reconnect happened)
  const projects = await alice.request("projects.list", {});
  assert.ok(projects.length > 0);
  assert.equal(alice.lastTransport, "websocket");
  assert.deepEqual(states, ["connecting", "open"]);
  alice.close();
  // an expired token over REST: token_expired → refresh → retried once
  const late = [];
  const rest = client({ url: http, token: pair.access_token, refreshToken: tokens[0].refresh_token, WebSocket: null, onTokens: (t) => late.push(t) });
  const list = await rest.request("projects.list", {});
  assert.ok(list.length > 0);
  assert.equal(late.length, 1);
});

test("--bigint: int64 values stay exact over both transports", async () => {
  const alice = client({ token: ALICE }, genBig);
  const size = 2n ** 60n + 1n;
  const msg = await alice.request("chat.send", { room: "general", body: { kind: "attachment", url: "https://example.com/a", name: "a.bin", size_bytes: size } });
  assert.equal(alice.lastTransport, "websocket");
  assert.equal(typeof msg.body.size_bytes, "bigint");
  assert.equal(msg.body.size_bytes, size);
  const projects = await alice.request("projects.list", {});
  assert.equal(typeof projects[0].hourly_rate.amount_cents, "bigint");
  const rest = client({ token: ALICE, WebSocket: null }, genBig);
  const again = await rest.request("chat.send", { room: "general", body: { kind: "attachment", url: "https://example.com/b", name: "b.bin", size_bytes: size + 2n } });
  assert.equal(rest.lastTransport, "rest");
  assert.equal(again.body.size_bytes, size + 2n);
  const history = await rest.request("chat.history", { room: "general", limit: 10 });
  assert.ok(history.some((m) => m.body.kind === "attachment" && m.body.size_bytes === size + 2n));
  const p = await rest.request("projects.create", { name: `Big ${Date.now()}`, hourly_rate: { amount_cents: 9007199254740993n, currency: "USD" } });
  assert.equal(p.hourly_rate.amount_cents, 9007199254740993n);
});

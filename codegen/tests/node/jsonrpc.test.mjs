// The client generated for a JSON-RPC 2.0 contract (codegen/tests/shapes.rs) against a fake
// JSON-RPC server: requests are `{"jsonrpc","id","method","params"}`, errors carry numeric
// codes (mapped back to the contract's names), notifications are the events.

import { test } from "node:test";
import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import { WebSocket, WebSocketServer } from "ws";

const gen = await import(pathToFileURL(`${process.env.FP_GEN}/index.js`).href);

test("requests, numeric errors and notifications over JSON-RPC", async () => {
  const server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await new Promise((r) => server.once("listening", r));
  const received = [];
  server.on("connection", (socket) => {
    socket.on("message", (raw) => {
      const frame = JSON.parse(String(raw));
      received.push(frame);
      if (frame.params?.value?.text === "fail") {
        socket.send(JSON.stringify({ jsonrpc: "2.0", id: frame.id, error: { code: -32602, message: "bad text", data: { field: "text" } } }));
        return;
      }
      socket.send(JSON.stringify({ jsonrpc: "2.0", method: "ShapeChanged", params: { shape: { type: "empty" } } }));
      socket.send(JSON.stringify({ jsonrpc: "2.0", id: frame.id, result: frame.params.value }));
    });
  });
  const client = gen.createClient({ url: "http://127.0.0.1:1", wsUrl: `ws://127.0.0.1:${server.address().port}/`, WebSocket });
  try {
    const events = [];
    client.on("ShapeChanged", (data, frame) => events.push([data, frame]));
    const value = { text: "ok", shape: { type: "circle", radius: 1 } };
    const echoed = await client.request("shapes.echo", { value });
    assert.deepEqual(echoed, value);
    assert.equal(received[0].jsonrpc, "2.0");
    assert.equal(received[0].method, "shapes.echo");
    assert.deepEqual(received[0].params, { value });
    assert.equal(events.length, 1);
    assert.deepEqual(events[0][0], { shape: { type: "empty" } });
    await assert.rejects(client.request("shapes.echo", { value: { text: "fail" } }), (e) => {
      assert.ok(e instanceof gen.FrameproofError);
      assert.equal(e.code, "validation_failed");
      assert.equal(e.status, 422);
      assert.deepEqual(e.details, { field: "text" });
      return true;
    });
  } finally {
    client.close();
    for (const c of server.clients) c.terminate();
    await new Promise((r) => server.close(r));
  }
});

test("a REST error body under numeric codes is read through the envelope's layout", async () => {
  // over REST the body holds the same error object as the socket's error frame: `code` a
  // number mapped back to the contract's name, `data` the details
  const fetch = async () => ({
    status: 409,
    headers: { get: () => "application/json" },
    text: async () => JSON.stringify({ error: { code: -32602, message: "bad text", data: { field: "text" } } }),
  });
  const client = gen.createClient({ url: "http://127.0.0.1:1", transport: "rest", fetch });
  try {
    await assert.rejects(client.request("shapes.echo", { value: { text: "x" } }), (e) => {
      assert.ok(e instanceof gen.FrameproofError);
      assert.equal(e.transport, "rest");
      assert.equal(e.code, "validation_failed");
      assert.equal(e.message, "bad text");
      assert.deepEqual(e.details, { field: "text" });
      return true;
    });
  } finally {
    client.close();
  }
});

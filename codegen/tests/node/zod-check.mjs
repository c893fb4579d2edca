// Checks generated zod validators against values: `node zod-check.mjs cases.json`, where
// cases.json is {"zod": "<compiled zod.js>", "checks": [{"action", "part"} | {"event"},
// "valid": [...], "invalid": [...]}]. Exits 1 when a valid value fails or an invalid one passes.

import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const cases = JSON.parse(readFileSync(process.argv[2], "utf8"));
const { ActionSchemas, EventSchemas } = await import(pathToFileURL(cases.zod).href);
const failures = [];
let passed = 0;
for (const check of cases.checks) {
  const schema = check.event ? EventSchemas[check.event] : ActionSchemas[check.action]?.[check.part];
  const what = check.event ? `event ${check.event}` : `${check.action} ${check.part}`;
  if (!schema) {
    failures.push(`${what}: no validator`);
    continue;
  }
  check.valid.forEach((value, i) => {
    const r = schema.safeParse(value);
    if (r.success) passed++;
    else failures.push(`${what}: valid value #${i} rejected: ${JSON.stringify(r.error.issues).slice(0, 400)}\n  ${JSON.stringify(value).slice(0, 400)}`);
  });
  check.invalid.forEach((value, i) => {
    const r = schema.safeParse(value);
    if (!r.success) passed++;
    else failures.push(`${what}: invalid value #${i} accepted: ${JSON.stringify(value).slice(0, 400)}`);
  });
}
console.log(`${passed} passed, ${failures.length} failed`);
if (failures.length > 0) {
  console.error(failures.join("\n"));
  process.exit(1);
}

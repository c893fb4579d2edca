// Parses an AsyncAPI document with the official parser: `node asyncapi-check.mjs doc.json`.
// Prints the diagnostics; exits 1 when any has severity error (or the document did not parse).

import { readFileSync } from "node:fs";
import { Parser } from "@asyncapi/parser";

const text = readFileSync(process.argv[2], "utf8");
const parser = new Parser();
const { document, diagnostics } = await parser.parse(text);
const errors = diagnostics.filter((d) => d.severity === 0);
const warnings = diagnostics.filter((d) => d.severity === 1);
for (const d of diagnostics) {
  const level = ["error", "warning", "info", "hint"][d.severity] ?? String(d.severity);
  console.log(`${level} ${d.code} at /${d.path.join("/")}: ${d.message}`);
}
if (!document || errors.length > 0) {
  console.log(`${errors.length} errors`);
  process.exit(1);
}
const operations = document.operations().all();
const send = operations.filter((o) => o.action() === "send").length;
const receive = operations.filter((o) => o.action() === "receive").length;
console.log(
  `parsed: ${document.channels().all().length} channel(s), ${operations.length} operations (${send} send, ${receive} receive), ${document.components().messages().all().length} messages, ${document.components().schemas().all().length} schemas; 0 errors, ${warnings.length} warnings`,
);

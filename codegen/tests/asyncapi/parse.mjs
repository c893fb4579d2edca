// Parses AsyncAPI documents with the official parser (`@asyncapi/parser`, which validates them
// against the specification's JSON Schema and its rules): `node parse.mjs a.json b.json ...`.
// For each document: one line per diagnostic, then a summary line
// `<file>: asyncapi <version>; N channel(s), N operations ...; E errors, W warnings`.
// Exits 1 when any document has an error (or did not parse).

import { readFileSync } from "node:fs";
import { Parser } from "@asyncapi/parser";

const parser = new Parser();
let failed = false;
for (const file of process.argv.slice(2)) {
  const { document, diagnostics } = await parser.parse(readFileSync(file, "utf8"), {
    source: file,
  });
  const errors = diagnostics.filter((d) => d.severity === 0);
  const warnings = diagnostics.filter((d) => d.severity === 1);
  for (const d of diagnostics) {
    const level = ["error", "warning", "info", "hint"][d.severity] ?? String(d.severity);
    console.log(`${file}: ${level} ${d.code} at /${d.path.join("/")}: ${d.message}`);
  }
  if (!document || errors.length > 0) {
    failed = true;
    console.log(`${file}: not parsed; ${errors.length} errors, ${warnings.length} warnings`);
    continue;
  }
  const operations = document.operations().all();
  const send = operations.filter((o) => o.action() === "send").length;
  const receive = operations.filter((o) => o.action() === "receive").length;
  console.log(
    `${file}: asyncapi ${document.version()}; ${document.channels().all().length} channel(s), ${operations.length} operations (${send} send, ${receive} receive), ${document.components().messages().all().length} messages, ${document.components().schemas().all().length} schemas; ${errors.length} errors, ${warnings.length} warnings`,
  );
}
process.exit(failed ? 1 : 0);

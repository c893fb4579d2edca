// Renders an AsyncAPI document with the official HTML template, through the official generator:
// `node render.mjs doc.json OUT_DIR` writes OUT_DIR/index.html (one file: scripts and styles
// inline). The template is the one installed here, never downloaded (`install: false`).
//
// The generator first transpiles the template into its `__transpiled` folder (about 40 s). The
// prebuilt copy the package ships cannot be used: it requires files by absolute paths of the
// machine that published it. So the first render here transpiles, and later renders reuse the
// result as long as every absolute path it requires exists.

import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const Generator = require("@asyncapi/generator");

const [doc, out] = process.argv.slice(2);
if (!doc || !out) {
  console.error("usage: node render.mjs doc.json OUT_DIR");
  process.exit(2);
}
const template = dirname(require.resolve("@asyncapi/html-template/package.json"));
const transpiled = join(template, "__transpiled", "index.html.js");
const usable =
  existsSync(transpiled) &&
  [...readFileSync(transpiled, "utf8").matchAll(/require\('(\/[^']+)'\)/g)].every((m) =>
    existsSync(m[1]),
  );
const started = performance.now();
const generator = new Generator("@asyncapi/html-template", out, {
  forceWrite: true,
  install: false,
  compile: !usable,
  templateParams: { singleFile: "true" },
});
await generator.generateFromFile(doc);
console.log(
  `rendered ${doc} into ${join(out, "index.html")} in ${Math.round(performance.now() - started)} ms (${usable ? "transpiled template reused" : "template transpiled"})`,
);

// ajv 8 over the same corpus as the criterion benchmark: JSON.parse, then validators compiled
// from the contract's schemas, dispatched by action or event name (responses by the action
// they answer). Prints frames per second as JSON.
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const [contractPath, corpusPath, seconds = "5"] = process.argv.slice(2);
const contract = JSON.parse(readFileSync(contractPath, "utf8"));
const corpus = readFileSync(corpusPath, "utf8").trim().split("\n").map((l) => JSON.parse(l));

const ajv = new Ajv2020({ allErrors: false, strict: false });
addFormats(ajv);
// schemars' numeric formats are annotations (the range is in minimum/maximum)
for (const f of ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "uint", "int", "float", "double"]) ajv.addFormat(f, true);
ajv.addSchema({ $id: "contract", $defs: contract.$defs });
const compile = (schema) => {
  const s = JSON.parse(JSON.stringify(schema).replaceAll('"#/$defs/', '"contract#/$defs/'));
  return ajv.compile(s);
};
const payload = {}, response = {}, data = {};
for (const [name, a] of Object.entries(contract.actions)) {
  payload[name] = compile(a.payload);
  response[name] = compile(a.response);
}
for (const [name, e] of Object.entries(contract.events)) data[name] = compile(e.data);
const control = {};
for (const c of contract.envelope.control) control[`${c.direction}:${c.when["/type"]}`] = compile(c.schema);

const frames = corpus.map((c) => ({ text: c.frame, kind: c.kind, name: c.name }));
function pass() {
  let invalid = 0;
  const pending = new Map();
  for (const f of frames) {
    const v = JSON.parse(f.text);
    if (v.type !== undefined) {
      const check = control[`${f.kind === "control" ? "client" : "server"}:${v.type}`];
      if (!check || !check(v)) invalid++;
    } else if (v.action !== undefined) {
      const check = payload[v.action];
      if (!check || !check(v.payload)) invalid++;
      pending.set(v.id, v.action);
    } else if (v.status !== undefined) {
      const action = pending.get(v.id);
      pending.delete(v.id);
      if (!action || !response[action](v.data)) invalid++;
    } else {
      const check = data[v.event];
      if (!check || !check(v.data)) invalid++;
    }
  }
  return invalid;
}
for (let i = 0; i < 20; i++) pass(); // warm up the JIT
const start = process.hrtime.bigint();
let passes = 0, invalid = 0;
while (Number(process.hrtime.bigint() - start) / 1e9 < Number(seconds)) {
  invalid += pass();
  passes++;
}
const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
console.log(JSON.stringify({ engine: "ajv", frames: frames.length, passes, invalid, frames_per_second: Math.round((frames.length * passes) / elapsed) }));

// Validates an OpenAPI document with @apidevtools/swagger-parser: `node openapi-check.mjs doc.json`.
// validate() throws on any error (schema of the spec, $refs, path parameters, operation ids).

import SwaggerParser from "@apidevtools/swagger-parser";

try {
  const api = await SwaggerParser.validate(process.argv[2]);
  const operations = Object.values(api.paths ?? {}).flatMap((item) =>
    Object.keys(item).filter((k) => ["get", "post", "put", "patch", "delete"].includes(k)),
  );
  console.log(`valid: OpenAPI ${api.openapi}, ${Object.keys(api.paths ?? {}).length} paths, ${operations.length} operations, 0 errors`);
} catch (e) {
  console.log(`invalid: ${e.message}`);
  if (e.details) console.log(JSON.stringify(e.details, null, 2).slice(0, 5000));
  process.exit(1);
}

//! OpenAPI 3.1 of the REST mapping: a path per route template, an operation per action with its
//! path and query parameters, its JSON body (the payload without the path parameters), the ok
//! response and one response per error status (codes sharing a status grouped), and the
//! contract's `$defs` as `components/schemas`.

use std::collections::BTreeMap;

use frameproof_schema::{ActionSpec, Contract, RestRoute};
use serde_json::{json, Map, Value};

use crate::names::component_keys;
use crate::schema_util::{object_fields, resolve, rewrite_refs, Frames};

struct Ctx<'a> {
    contract: &'a Contract,
    keys: BTreeMap<String, String>,
}

impl Ctx<'_> {
    fn schema(&self, schema: &Value) -> Value {
        let mut s = schema.clone();
        let keys = &self.keys;
        rewrite_refs(&mut s, &|name: &str| {
            keys.get(name).map(|k| format!("#/components/schemas/{k}"))
        });
        s
    }

    fn parameters(&self, spec: &ActionSpec, route: &RestRoute) -> Vec<Value> {
        let fields = object_fields(&spec.payload, &self.contract.defs).unwrap_or_default();
        let mut out = Vec::new();
        for (names, location) in [(&route.path_params, "path"), (&route.query_params, "query")] {
            for name in names {
                let field = fields.iter().find(|f| &f.name == name);
                let schema = field.map(|f| self.schema(f.schema)).unwrap_or(json!({}));
                let required = location == "path" || field.is_some_and(|f| f.required);
                let mut p =
                    json!({ "name": name, "in": location, "required": required, "schema": schema });
                if let Some(d) = field
                    .and_then(|f| f.schema.get("description"))
                    .and_then(Value::as_str)
                {
                    p["description"] = json!(d);
                }
                let is_array = field
                    .map(|f| resolve(f.schema, &self.contract.defs))
                    .and_then(|s| s.get("type"))
                    .is_some_and(|t| {
                        t == "array"
                            || t.as_array()
                                .is_some_and(|ts| ts.iter().any(|x| x == "array"))
                    });
                if location == "query" && is_array {
                    p["style"] = json!("form");
                    p["explode"] = json!(true);
                }
                out.push(p);
            }
        }
        out
    }

    /// The JSON body: the payload without the path parameters.
    fn body(&self, spec: &ActionSpec, route: &RestRoute) -> (Value, bool) {
        let resolved = resolve(&spec.payload, &self.contract.defs);
        let required_of = |s: &Value| -> bool {
            s.get("required")
                .and_then(Value::as_array)
                .is_some_and(|r| {
                    r.iter().any(|x| {
                        x.as_str()
                            .is_some_and(|n| !route.path_params.iter().any(|p| p == n))
                    })
                })
        };
        if route.path_params.is_empty() {
            return (self.schema(&spec.payload), required_of(resolved));
        }
        let mut s = resolved.clone();
        if let Some(Value::Object(props)) = s.get_mut("properties") {
            for p in &route.path_params {
                props.remove(p);
            }
        }
        if let Some(Value::Array(req)) = s.get_mut("required") {
            req.retain(|r| {
                !r.as_str()
                    .is_some_and(|n| route.path_params.iter().any(|p| p == n))
            });
        }
        let required = required_of(&s);
        (self.schema(&s), required)
    }
}

fn http_reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Error",
    }
}

/// The OpenAPI 3.1 document of a contract's REST mapping, served from the host that serves
/// the document (`servers: [{"url": "/"}]`); [`openapi_for_servers`] names the servers.
pub fn openapi(contract: &Contract) -> Value {
    openapi_for_servers(contract, &[])
}

/// [`openapi`] with a `servers` entry per URL (`https://api.example.com`); none: `/`.
pub fn openapi_for_servers(contract: &Contract, servers: &[String]) -> Value {
    let ctx = Ctx {
        contract,
        keys: component_keys(contract.defs.keys()),
    };
    let frames = Frames::new(contract);
    let mut paths: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    for (name, spec) in &contract.actions {
        let Some(route) = &spec.rest else { continue };
        let op = operation(&ctx, &frames, name, spec, route);
        paths
            .entry(route.path.clone())
            .or_default()
            .insert(route.method.as_str().to_ascii_lowercase(), op);
    }
    let schemas: Map<String, Value> = contract
        .defs
        .iter()
        .map(|(k, v)| (ctx.keys[k].clone(), ctx.schema(v)))
        .collect();
    let scheme = security_scheme(&contract.transport.auth.rest_header);
    let description = document_description(contract);
    let info =
        json!({ "title": contract.name, "version": contract.version, "description": description });
    let servers: Vec<Value> = if servers.is_empty() {
        vec![json!({ "url": "/", "description": "The host that serves this document." })]
    } else {
        servers.iter().map(|url| json!({ "url": url })).collect()
    };
    json!({
        "openapi": "3.1.0",
        "info": info,
        "servers": servers,
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": { "token": scheme },
        },
        "security": [ { "token": [] } ],
        "x-frameproof-fingerprint": contract.fingerprint,
    })
}

/// The operation of an action served over REST.
fn operation(
    ctx: &Ctx<'_>,
    frames: &Frames,
    name: &str,
    spec: &ActionSpec,
    route: &RestRoute,
) -> Value {
    let contract = ctx.contract;
    let description = operation_description(name, spec);
    let summary = spec
        .description
        .split(". ")
        .next()
        .unwrap_or_default()
        .trim_end_matches('.')
        .replace('\n', " ");
    let mut op = json!({
        "operationId": name,
        "summary": if summary.is_empty() { name.to_owned() } else { summary },
        "description": description.trim(),
        "tags": [name.split('.').next().unwrap_or(name)],
        "x-frameproof-action": name,
        "x-frameproof-since": spec.since,
    });
    let params = ctx.parameters(spec, route);
    if !params.is_empty() {
        op["parameters"] = Value::Array(params);
    }
    if route.body {
        let (schema, required) = ctx.body(spec, route);
        op["requestBody"] = json!({
            "required": required,
            "content": { "application/json": { "schema": schema } },
        });
    }
    let mut responses = Map::new();
    responses.insert(
        "200".into(),
        json!({
            "description": format!("The response of `{name}`."),
            "content": { "application/json": { "schema": ctx.schema(&spec.response) } },
        }),
    );
    error_responses(contract, frames, spec, &mut responses);
    op["responses"] = Value::Object(responses);
    if spec.deprecated.is_some() {
        op["deprecated"] = json!(true);
    }
    // a login, and the refresh action, are called without an access token
    if spec.public || Some(name) == contract.transport.auth.refresh_action.as_deref() {
        op["security"] = json!([]);
    }
    op
}

/// What an operation says beyond its summary: where else it is served, what it emits, since
/// when, and whether it is deprecated.
fn operation_description(name: &str, spec: &ActionSpec) -> String {
    let mut description = spec.description.clone();
    if spec.websocket {
        description.push_str(&format!("\n\nAlso over the WebSocket as `{name}`."));
    }
    if !spec.emits.is_empty() {
        description.push_str(&format!("\n\nEmits: {}.", spec.emits.join(", ")));
    }
    description.push_str(&format!("\n\nSince {}.", spec.since));
    if let Some(d) = &spec.deprecated {
        description.push_str(&format!(
            "\n\nDeprecated{}",
            crate::schema_util::deprecation_note(d)
        ));
    }
    description
}

/// An error response per HTTP status the action's error codes map to, naming the codes.
fn error_responses(
    contract: &Contract,
    frames: &Frames,
    spec: &ActionSpec,
    responses: &mut Map<String, Value>,
) {
    let codes = frames.action_error_codes(spec);
    let mut by_status: BTreeMap<u16, Vec<&String>> = BTreeMap::new();
    for code in &codes {
        if let Some(e) = contract.errors.get(code) {
            by_status.entry(e.status).or_default().push(code);
        }
    }
    for (status, codes) in by_status {
        let text: Vec<String> = codes
            .iter()
            .map(|c| {
                let d = contract
                    .errors
                    .get(*c)
                    .map(|e| e.description.as_str())
                    .unwrap_or("");
                if d.is_empty() {
                    format!("`{c}`")
                } else {
                    format!("`{c}`: {d}")
                }
            })
            .collect();
        responses.insert(
            status.to_string(),
            json!({
                "description": format!("{} — {}", http_reason(status), text.join(" ")),
                "content": { "application/json": { "schema": contract.rest_error_body_schema(&codes.iter().map(|c| c.as_str()).collect::<Vec<_>>()) } },
            }),
        );
    }
}

/// The `token` security scheme, from the contract's REST auth header (`Authorization: Bearer`
/// is HTTP bearer auth; anything else an API key in that header).
fn security_scheme(header: &str) -> Value {
    match header.split_once(':') {
        Some((name, prefix))
            if name.trim().eq_ignore_ascii_case("authorization")
                && prefix.trim().eq_ignore_ascii_case("bearer") =>
        {
            json!({ "type": "http", "scheme": "bearer", "description": "The access token (the same as the WebSocket's)." })
        }
        Some((name, _)) => {
            json!({ "type": "apiKey", "in": "header", "name": name.trim(), "description": format!("`{header} <token>`") })
        }
        None => json!({ "type": "apiKey", "in": "header", "name": header.trim() }),
    }
}

/// The document's description: the contract's, and what a server does with a method a path
/// does not serve.
fn document_description(contract: &Contract) -> String {
    let mut description = contract.description.clone();
    if !description.is_empty() {
        description.push_str("\n\n");
    }
    // what a server of this contract does for a method a path does not have (frameproof-server
    // does it), so that tools probing unsupported methods know what to expect
    description.push_str(
        "A path called with a method it does not serve is answered `405 Method Not Allowed`, \
         with an `Allow` header naming the methods it does serve.",
    );
    description
}

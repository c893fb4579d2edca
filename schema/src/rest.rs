//! The REST mapping of an action, stored resolved so that no reader needs the convention.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::document::Contract;
use crate::schema_walk::{json_types, object_fields, resolve};

use frameproof_naming::HttpMethod;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestRoute {
    #[serde(serialize_with = "ser_method", deserialize_with = "de_method")]
    pub method: HttpMethod,
    /// The full path template including the REST base path, e.g. `/api/tasks/{id}`.
    pub path: String,
    /// Payload fields taken from the path, in order.
    #[serde(default)]
    pub path_params: Vec<String>,
    /// Payload fields carried in the query string (GET and DELETE).
    #[serde(default)]
    pub query_params: Vec<String>,
    /// Whether the other payload fields travel as a JSON body (every method but GET and DELETE).
    pub body: bool,
}

fn ser_method<S: Serializer>(m: &HttpMethod, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(m.as_str())
}

fn de_method<'de, D: Deserializer<'de>>(d: D) -> Result<HttpMethod, D::Error> {
    let s = String::deserialize(d)?;
    s.parse().map_err(serde::de::Error::custom)
}

/// Joins a base path and a route path without doubling or losing the `/`.
pub(crate) fn join_path(base: &str, path: &str) -> String {
    let base = base.trim_end_matches('/');
    if path.is_empty() || path == "/" {
        if base.is_empty() {
            "/".to_owned()
        } else {
            base.to_owned()
        }
    } else if path.starts_with('/') {
        format!("{base}{path}")
    } else {
        format!("{base}/{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::join_path;

    #[test]
    fn joins() {
        assert_eq!(join_path("/api", "/tasks"), "/api/tasks");
        assert_eq!(join_path("/api/", "tasks/{id}"), "/api/tasks/{id}");
        assert_eq!(join_path("", "/tasks"), "/tasks");
        assert_eq!(join_path("/api", ""), "/api");
    }
}

/// A REST request for an action, built from its payload through the mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct RestRequest {
    pub method: HttpMethod,
    /// The concrete path, parameters filled in and percent-encoded.
    pub path: String,
    pub query: Vec<(String, String)>,
    /// The JSON body (methods with a body), the payload's other fields.
    pub body: Option<serde_json::Value>,
}

/// Why an action's payload cannot become a REST request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RestError {
    #[error("no action `{0}`")]
    NoAction(String),
    #[error("`{0}` is not served over REST")]
    NotServed(String),
    /// The route's path is not a template (a contract that was not checked).
    #[error("{0}")]
    Template(#[source] frameproof_naming::TemplateError),
    #[error("`{0}`'s payload must be an object to travel over REST")]
    NotAnObject(String),
    #[error("the payload has no `{param}` for the path `{path}`")]
    MissingPathParam { param: String, path: String },
    #[error("`{0}` must be a scalar to fill the path")]
    PathParamNotScalar(String),
    /// The path template names a parameter the route does not list.
    #[error("{0}")]
    NoValue(#[source] frameproof_naming::MissingValue),
    #[error("`{0}` must hold scalars to travel in the query")]
    QueryItemNotScalar(String),
    #[error("`{0}` is an object; it cannot travel in the query string")]
    QueryObject(String),
}

impl Contract {
    /// Maps an action's payload to its REST request: path parameters into the path, the other
    /// fields into the query string (GET, DELETE: arrays as repeated keys, `null`s left out) or
    /// the JSON body.
    pub fn rest_request(&self, action: &str, payload: &Value) -> Result<RestRequest, RestError> {
        let spec = self
            .actions
            .get(action)
            .ok_or_else(|| RestError::NoAction(action.to_owned()))?;
        let route = spec
            .rest
            .as_ref()
            .ok_or_else(|| RestError::NotServed(action.to_owned()))?;
        let template =
            frameproof_naming::Template::parse(&route.path).map_err(RestError::Template)?;
        let empty = Map::new();
        let fields = match payload {
            Value::Object(m) => m,
            Value::Null => &empty,
            _ if route.path_params.is_empty() && route.body => {
                return Ok(RestRequest {
                    method: route.method,
                    path: route.path.clone(),
                    query: Vec::new(),
                    body: Some(payload.clone()),
                })
            }
            _ => return Err(RestError::NotAnObject(action.to_owned())),
        };
        let mut values = BTreeMap::new();
        for p in &route.path_params {
            let v = fields.get(p).ok_or_else(|| RestError::MissingPathParam {
                param: p.clone(),
                path: route.path.clone(),
            })?;
            values.insert(
                p.clone(),
                scalar_text(v).ok_or_else(|| RestError::PathParamNotScalar(p.clone()))?,
            );
        }
        let path = template.render(&values).map_err(RestError::NoValue)?;
        let rest: Map<String, Value> = fields
            .iter()
            .filter(|(k, _)| !route.path_params.contains(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if route.body {
            return Ok(RestRequest {
                method: route.method,
                path,
                query: Vec::new(),
                body: Some(Value::Object(rest)),
            });
        }
        let mut query = Vec::new();
        for (k, v) in rest {
            match v {
                Value::Null => {}
                Value::Array(items) => {
                    for item in items {
                        query.push((
                            k.clone(),
                            scalar_text(&item)
                                .ok_or_else(|| RestError::QueryItemNotScalar(k.clone()))?,
                        ));
                    }
                }
                other => query.push((
                    k.clone(),
                    scalar_text(&other).ok_or_else(|| RestError::QueryObject(k.clone()))?,
                )),
            }
        }
        Ok(RestRequest {
            method: route.method,
            path,
            query,
            body: None,
        })
    }

    /// Rebuilds an action's payload from a REST request: path parameters, then the query string
    /// (values typed by the payload schema: `"3"` is the integer 3 where the field is an
    /// integer) or the JSON body. The result is what the WebSocket would have carried.
    pub fn rest_payload(
        &self,
        action: &str,
        path_params: &BTreeMap<String, String>,
        query: &[(String, String)],
        body: Option<&Value>,
    ) -> Result<Value, String> {
        let spec = self
            .actions
            .get(action)
            .ok_or_else(|| format!("no action `{action}`"))?;
        let route = spec
            .rest
            .as_ref()
            .ok_or_else(|| format!("`{action}` is not served over REST"))?;
        let fields = object_fields(&spec.payload, &self.defs);
        let typed = |name: &str, raw: &str| -> Value {
            let schema = fields.as_ref().and_then(|f| f.get(name)).map(|f| f.schema);
            coerce(raw, schema, &self.defs)
        };
        let mut out = match body {
            Some(Value::Object(m)) if route.body => m.clone(),
            Some(Value::Null) | None => Map::new(),
            Some(other) if route.body && path_params.is_empty() => return Ok(other.clone()),
            Some(_) if route.body => return Err("the JSON body must be an object".into()),
            Some(_) => {
                return Err(format!(
                    "{} carries the payload in the query string, not a body",
                    route.method
                ))
            }
        };
        if !route.body {
            for (k, raw) in query {
                let is_array = fields
                    .as_ref()
                    .and_then(|f| f.get(k.as_str()))
                    .and_then(|f| json_types(f.schema, &self.defs))
                    .is_some_and(|t| t.iter().any(|t| t == "array"));
                if is_array {
                    let item_schema = fields
                        .as_ref()
                        .and_then(|f| f.get(k.as_str()))
                        .and_then(|f| resolve(f.schema, &self.defs).get("items"));
                    let item = coerce(raw, item_schema, &self.defs);
                    match out
                        .entry(k.clone())
                        .or_insert_with(|| Value::Array(Vec::new()))
                    {
                        Value::Array(items) => items.push(item),
                        _ => return Err(format!("`{k}` given twice")),
                    }
                } else if out.insert(k.clone(), typed(k, raw)).is_some() {
                    return Err(format!("query parameter `{k}` given twice"));
                }
            }
        } else if !query.is_empty() {
            return Err(format!(
                "{} carries the payload in a JSON body; unexpected query parameter `{}`",
                route.method, query[0].0
            ));
        }
        for (k, raw) in path_params {
            let v = typed(k, raw);
            if let Some(existing) = out.get(k) {
                if existing != &v {
                    return Err(format!(
                        "the path says {k} = {v}, the body says {k} = {existing}"
                    ));
                }
            }
            out.insert(k.clone(), v);
        }
        Ok(Value::Object(out))
    }
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Types a query or path value by the field's schema; a value that does not fit stays a string
/// (and then fails the schema, which is the right report).
fn coerce(raw: &str, schema: Option<&Value>, defs: &BTreeMap<String, Value>) -> Value {
    let types = schema.and_then(|s| json_types(s, defs)).unwrap_or_default();
    let has = |t: &str| types.iter().any(|x| x == t);
    if has("integer") {
        if let Ok(i) = raw.parse::<i64>() {
            return Value::from(i);
        }
        if let Ok(u) = raw.parse::<u64>() {
            return Value::from(u);
        }
        // `5.0` is the integer 5 to JSON Schema, in a query as in a body
        if let Some(mut whole) = raw
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
        {
            crate::wire::integral_numbers(&mut whole);
            if whole.is_i64() || whole.is_u64() {
                return whole;
            }
        }
    }
    if has("number") {
        if let Some(n) = raw
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
        {
            return Value::Number(n);
        }
    }
    if has("boolean") && (raw == "true" || raw == "false") {
        return Value::Bool(raw == "true");
    }
    if has("null") && raw == "null" && !has("string") {
        return Value::Null;
    }
    Value::String(raw.to_owned())
}

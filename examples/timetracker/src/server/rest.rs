//! The REST fallback: every route comes from the contract's REST mapping. A request becomes
//! the action's payload (path parameters plus query parameters, or plus the JSON body) and goes
//! to the same service layer as a WebSocket request.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use frameproof::{Contract, HttpMethod, Template};
use serde_json::{Map, Value};

use super::error::ApiError;
use super::faults::{Fault, Faults};
use super::service::Origin;
use super::AppState;

/// One REST route: where an action is served.
pub(crate) struct Route {
    method: HttpMethod,
    template: Template,
    action: String,
    /// Whether the payload's other fields come as a JSON body (else in the query string).
    body: bool,
}

/// The route table of the contract (with the `rest-route` fault applied).
pub(crate) fn routes(contract: &Contract, faults: &Faults) -> Result<Vec<Route>, String> {
    let mut table = Vec::new();
    for (name, spec) in &contract.actions {
        let Some(rest) = &spec.rest else { continue };
        let mut path = rest.path.clone();
        if faults.has(Fault::RestRoute) && name == "tasks.update" {
            path = path.replacen("/tasks/", "/task/", 1);
        }
        let template = Template::parse(&path).map_err(|e| e.to_string())?;
        table.push(Route {
            method: rest.method,
            template,
            action: name.clone(),
            body: rest.body,
        });
    }
    Ok(table)
}

fn error_response(state: &AppState, e: &ApiError) -> Response {
    let mut status = state
        .service
        .contract()
        .errors
        .get(e.code)
        .and_then(|spec| StatusCode::from_u16(spec.status).ok())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if e.code == "not_found" && state.service.has_fault(Fault::RestStatus) {
        status = StatusCode::BAD_REQUEST;
    }
    let contract = state.service.contract();
    let mut body = contract.rest_error_body(e.code, &e.message, e.details.clone());
    if state.service.has_fault(Fault::RestErrorShape) {
        // the fault: an error object with its code alone (no message, no details)
        body = contract.rest_error_body(e.code, "", None);
        if let Some(error) = body.get_mut(frameproof::wire::REST_ERROR_MEMBER) {
            let at = frameproof::pointer::segments(&contract.envelope.response.error_message)
                .unwrap_or_default();
            frameproof::pointer::remove(error, &at);
        }
    }
    (status, Json(body)).into_response()
}

/// The axum fallback: finds the route, authenticates, builds the payload, dispatches.
pub(crate) async fn handle(
    State(state): State<Arc<AppState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match serve(&state, &method, &uri, &headers, &body).await {
        Ok(data) => (StatusCode::OK, Json(data)).into_response(),
        Err(e) => error_response(&state, &e),
    }
}

async fn serve(
    state: &AppState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Value, ApiError> {
    let path = uri.path();
    let no_route = || ApiError::unknown_action(format!("no action is served at {method} {path}"));
    let http_method: HttpMethod = method.as_str().parse().map_err(|_| no_route())?;
    let (route, path_params) = state
        .routes
        .iter()
        .filter(|r| r.method == http_method)
        .find_map(|r| r.template.matches(path).map(|params| (r, params)))
        .ok_or_else(no_route)?;
    let contract = state.service.contract();

    let refresh = contract.transport.auth.refresh_action.as_deref() == Some(route.action.as_str());
    let caller = if refresh {
        None
    } else {
        Some(authenticate(state, headers)?)
    };

    let mut payload = if route.body {
        body_object(body)?
    } else {
        query_object(contract, &route.action, uri)?
    };
    merge_path_params(&mut payload, path_params)?;
    state
        .service
        .dispatch(
            caller.as_ref(),
            &route.action,
            Value::Object(payload),
            Origin::Rest,
        )
        .await
}

fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<super::auth::User, ApiError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| ApiError::unauthorized("send `Authorization: Bearer <access token>`"))?;
    let token = value
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            ApiError::unauthorized("the Authorization header must be `Bearer <access token>`")
        })?;
    state
        .service
        .directory()
        .check(token)
        .into_result()
        .map(|(user, _)| user)
}

fn body_object(body: &Bytes) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::bad_request("the body must be a JSON object")),
        Err(e) => Err(ApiError::bad_request(format!(
            "the body is not valid JSON: {e}"
        ))),
    }
}

fn merge_path_params(
    payload: &mut Map<String, Value>,
    params: BTreeMap<String, String>,
) -> Result<(), ApiError> {
    for (name, value) in params {
        match payload.get(&name) {
            Some(existing) if existing != &Value::String(value.clone()) => {
                return Err(ApiError::invalid(
                    &format!("/{name}"),
                    format!("`{name}` in the body differs from the path ({value})"),
                ));
            }
            _ => {
                payload.insert(name, Value::String(value));
            }
        }
    }
    Ok(())
}

/// The query string as payload members, each converted to the type its schema expects.
fn query_object(
    contract: &Contract,
    action: &str,
    uri: &Uri,
) -> Result<Map<String, Value>, ApiError> {
    let Query(pairs) = Query::<Vec<(String, String)>>::try_from_uri(uri)
        .map_err(|e| ApiError::bad_request(format!("the query string cannot be read: {e}")))?;
    let schema = contract.actions.get(action).map(|a| &a.payload);
    let mut grouped: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in pairs {
        grouped.entry(k).or_default().push(v);
    }
    let mut out = Map::new();
    for (name, mut values) in grouped {
        let field = schema.and_then(|s| property_schema(contract, s, &name));
        let types = field
            .map(|f| schema_types(contract, f, 0))
            .unwrap_or_default();
        let value = if types.iter().any(|t| t == "array") {
            Value::Array(values.iter().map(|v| Value::String(v.clone())).collect())
        } else {
            let raw = values.pop().unwrap_or_default();
            convert(&raw, &types)
        };
        out.insert(name, value);
    }
    Ok(out)
}

fn resolve<'a>(contract: &'a Contract, schema: &'a Value) -> &'a Value {
    frameproof::resolve_ref(schema, &contract.defs)
}

fn property_schema<'a>(
    contract: &'a Contract,
    payload: &'a Value,
    name: &str,
) -> Option<&'a Value> {
    resolve(contract, payload).get("properties")?.get(name)
}

/// The JSON types a schema admits, looking through `$ref`, `anyOf` and `oneOf`.
fn schema_types(contract: &Contract, schema: &Value, depth: usize) -> Vec<String> {
    if depth > 8 {
        return Vec::new();
    }
    let schema = resolve(contract, schema);
    let mut types = Vec::new();
    match schema.get("type") {
        Some(Value::String(t)) => types.push(t.clone()),
        Some(Value::Array(list)) => {
            types.extend(list.iter().filter_map(Value::as_str).map(str::to_owned))
        }
        _ => {}
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(list) = schema.get(key).and_then(Value::as_array) {
            for s in list {
                types.extend(schema_types(contract, s, depth + 1));
            }
        }
    }
    types
}

/// A query value as the schema's type; a value that does not parse stays a string, so the
/// schema check reports it.
fn convert(raw: &str, types: &[String]) -> Value {
    let has = |t: &str| types.iter().any(|x| x == t);
    if has("string") {
        return Value::String(raw.to_owned());
    }
    if has("integer") {
        if let Ok(n) = raw.parse::<i64>() {
            return Value::from(n);
        }
        if let Ok(n) = raw.parse::<u64>() {
            return Value::from(n);
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
    if has("boolean") {
        match raw {
            "true" => return Value::Bool(true),
            "false" => return Value::Bool(false),
            _ => {}
        }
    }
    if has("null") && raw == "null" {
        return Value::Null;
    }
    Value::String(raw.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn converts_by_type() {
        let t = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(convert("5", &t(&["integer", "null"])), json!(5));
        assert_eq!(convert("x", &t(&["integer", "null"])), json!("x"));
        assert_eq!(convert("true", &t(&["boolean", "null"])), json!(true));
        assert_eq!(convert("5", &t(&["string", "null"])), json!("5"));
        assert_eq!(convert("todo", &t(&["string", "null"])), json!("todo"));
    }

    #[test]
    fn finds_types_through_refs() {
        let contract = crate::contract();
        let payload = &contract.actions["tasks.list"].payload;
        let status = property_schema(&contract, payload, "status");
        let types = status
            .map(|s| schema_types(&contract, s, 0))
            .unwrap_or_default();
        assert!(types.contains(&"string".to_owned()) && types.contains(&"null".to_owned()));
        let limit = property_schema(
            &contract,
            &contract.actions["chat.history"].payload,
            "limit",
        );
        let types = limit
            .map(|s| schema_types(&contract, s, 0))
            .unwrap_or_default();
        assert!(types.contains(&"integer".to_owned()));
    }
}

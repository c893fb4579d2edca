//! The REST mapping of an action, stored resolved so that no reader needs the convention.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

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

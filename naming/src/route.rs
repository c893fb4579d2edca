//! The REST convention: how an action name becomes a method and a path.
//!
//! `resource.verb` maps to a route under the REST base path. Resource segments become path
//! segments with `_` turned into `-`; the verb picks the method:
//!
//! | verb      | method | path                    |
//! |-----------|--------|-------------------------|
//! | `list`    | GET    | `/{resource}`           |
//! | `get`     | GET    | `/{resource}/{id}`      |
//! | `create`  | POST   | `/{resource}`           |
//! | `update`  | PATCH  | `/{resource}/{id}`      |
//! | `replace` | PUT    | `/{resource}/{id}`      |
//! | `delete`  | DELETE | `/{resource}/{id}`      |
//! | any other | POST   | `/{resource}/{verb}`    |

use std::fmt;
use std::str::FromStr;

/// The HTTP methods a REST mapping may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HttpMethod {
    /// `GET`: reads; the payload travels in the query string.
    Get,
    /// `POST`: creates, and every verb without a method of its own; JSON body.
    Post,
    /// `PUT`: replaces the whole resource; JSON body.
    Put,
    /// `PATCH`: updates part of a resource; JSON body.
    Patch,
    /// `DELETE`: removes; the payload travels in the query string.
    Delete,
}

impl HttpMethod {
    /// Every method, in the order error messages list them.
    pub const ALL: [HttpMethod; 5] = [
        HttpMethod::Get,
        HttpMethod::Post,
        HttpMethod::Put,
        HttpMethod::Patch,
        HttpMethod::Delete,
    ];

    /// The method as HTTP spells it, upper case (`"GET"`); [`FromStr`] accepts only this form.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
        }
    }

    /// GET and DELETE carry the payload in the query string; the others in a JSON body.
    pub fn has_body(self) -> bool {
        !matches!(self, HttpMethod::Get | HttpMethod::Delete)
    }
}

impl fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for HttpMethod {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        HttpMethod::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| {
                format!("`{s}` is not a supported HTTP method: use one of GET, POST, PUT, PATCH, DELETE (upper case)")
            })
    }
}

/// A route derived from an action name, relative to the REST base path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteConvention {
    /// The method the verb picks (`get` → GET, `update` → PATCH, any other verb → POST).
    pub method: HttpMethod,
    /// The path below the REST base path, with `{id}` for the verbs that address one item
    /// (`/time-entries/{id}`).
    pub path: String,
}

/// The conventional route of an action (see the module docs). The name should already have
/// passed [`crate::check_action_name`]; a name without a dot maps to `POST /{name}`.
pub fn conventional_route(action: &str) -> RouteConvention {
    let (resource, verb) = action.rsplit_once('.').unwrap_or((action, ""));
    let base: String = resource
        .split('.')
        .map(|s| format!("/{}", s.replace('_', "-")))
        .collect();
    let (method, path) = match verb {
        "list" => (HttpMethod::Get, base),
        "create" => (HttpMethod::Post, base),
        "get" => (HttpMethod::Get, format!("{base}/{{id}}")),
        "update" => (HttpMethod::Patch, format!("{base}/{{id}}")),
        "replace" => (HttpMethod::Put, format!("{base}/{{id}}")),
        "delete" => (HttpMethod::Delete, format!("{base}/{{id}}")),
        "" => (HttpMethod::Post, base),
        other => (
            HttpMethod::Post,
            format!("{base}/{}", other.replace('_', "-")),
        ),
    };
    RouteConvention { method, path }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(name: &str) -> String {
        let r = conventional_route(name);
        format!("{} {}", r.method, r.path)
    }

    #[test]
    fn the_documented_examples() {
        assert_eq!(route("time_entries.start"), "POST /time-entries/start");
        assert_eq!(route("time_entries.stop"), "POST /time-entries/stop");
        assert_eq!(route("projects.list"), "GET /projects");
        assert_eq!(route("projects.get"), "GET /projects/{id}");
        assert_eq!(route("tasks.create"), "POST /tasks");
        assert_eq!(route("tasks.update"), "PATCH /tasks/{id}");
        assert_eq!(route("tasks.delete"), "DELETE /tasks/{id}");
        assert_eq!(route("tasks.replace"), "PUT /tasks/{id}");
        assert_eq!(
            route("notifications.mark_read"),
            "POST /notifications/mark-read"
        );
        assert_eq!(route("orgs.members.list"), "GET /orgs/members");
    }

    #[test]
    fn methods_parse_upper_case_only() {
        assert_eq!("PATCH".parse::<HttpMethod>(), Ok(HttpMethod::Patch));
        assert!("patch".parse::<HttpMethod>().is_err());
        assert!("FETCH".parse::<HttpMethod>().is_err());
    }
}

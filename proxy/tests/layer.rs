//! `ContractLayer` inside the reference server itself (no proxy hop): clean REST traffic is
//! clean, a fault of the server's REST twin is reported, WebSocket upgrades pass through, and
//! with `enforce` an invalid request is refused before the handler sees it.

use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

use frameproof_proxy::ContractLayer;
use frameproof_test_kit::ws::Client;
use frameproof_validator::{Severity, Validator, Violation};
use timetracker::server::{Fault, RunningServer, ServerConfig, WrapApp};

async fn server(faults: Vec<Fault>, enforce: bool) -> (RunningServer, Arc<Mutex<Vec<Violation>>>) {
    let found = Arc::new(Mutex::new(Vec::new()));
    let sink = found.clone();
    let validator = Validator::new(&timetracker::contract()).expect("compiles");
    let layer = ContractLayer::new(validator)
        .enforce(enforce)
        .on_violation(move |v| sink.lock().expect("lock").push(v.clone()));
    let server = timetracker::server::start(ServerConfig {
        port: 0,
        faults,
        wrap_app: Some(WrapApp::new(move |app| app.layer(layer.clone()))),
        ..ServerConfig::default()
    })
    .await
    .expect("server");
    (server, found)
}

fn token(s: &RunningServer) -> String {
    s.user("usr_alice").expect("seeded").access_token.clone()
}

async fn get_json(http: &reqwest::Client, url: String, token: String) -> Value {
    http.get(url)
        .bearer_auth(token)
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json")
}

/// The first id in a value that starts with `prefix`.
fn find_id(v: &Value, prefix: &str) -> Option<String> {
    match v {
        Value::Object(m) => m
            .get("id")
            .and_then(Value::as_str)
            .filter(|id| id.starts_with(prefix))
            .map(str::to_owned)
            .or_else(|| m.values().find_map(|x| find_id(x, prefix))),
        Value::Array(a) => a.iter().find_map(|x| find_id(x, prefix)),
        _ => None,
    }
}

/// REST calls of several shapes: list, get, a 404, a body, a path parameter plus body.
async fn rest_traffic(s: &RunningServer) -> Vec<u16> {
    let http = reqwest::Client::new();
    let base = s.rest_url();
    let mut statuses = Vec::new();
    let projects: Value = get_json(&http, format!("{base}/projects"), token(s)).await;
    let project = find_id(&projects, "proj_").expect("a seeded project");
    let tasks: Value = get_json(&http, format!("{base}/tasks"), token(s)).await;
    let task = find_id(&tasks, "task_").expect("a seeded task");
    for (method, path, body) in [
        ("GET", format!("/projects/{project}"), None),
        ("GET", "/projects/proj_nope".to_owned(), None),
        (
            "POST",
            "/time-entries/start".to_owned(),
            Some(json!({"project_id": project, "description": "layer", "billable": true})),
        ),
        (
            "PATCH",
            format!("/tasks/{task}"),
            Some(json!({"title": "renamed through the layer"})),
        ),
    ] {
        let mut r = http
            .request(method.parse().expect("method"), format!("{base}{path}"))
            .bearer_auth(token(s));
        if let Some(b) = body {
            r = r.json(&b);
        }
        statuses.push(r.send().await.expect("send").status().as_u16());
    }
    statuses
}

fn rules(found: &Arc<Mutex<Vec<Violation>>>) -> Vec<&'static str> {
    let mut r: Vec<_> = found
        .lock()
        .expect("lock")
        .iter()
        .map(|v| v.rule.id())
        .collect();
    r.sort_unstable();
    r.dedup();
    r
}

#[tokio::test]
async fn clean_traffic_is_clean_and_websockets_pass_through() {
    let (s, found) = server(Vec::new(), false).await;
    let statuses = rest_traffic(&s).await;
    assert_eq!(statuses, [200, 404, 200, 200]);
    // the upgrade is not the layer's business: the socket works as before
    let url = format!("{}?token={}", s.ws_url(), token(&s));
    let mut ws = Client::connect(&url).await;
    ws.send(json!({"id": "w1", "action": "projects.list", "payload": {}}))
        .await;
    let mut answered = false;
    if let Some(v) = ws
        .find(std::time::Duration::from_secs(3), |v| v["id"] == "w1")
        .await
    {
        assert_eq!(v["status"], "ok", "{v}");
        answered = true;
    }
    assert!(answered, "the socket answered through the layer");
    assert!(
        rules(&found).is_empty(),
        "{:?}",
        found.lock().expect("lock")
    );
    s.shutdown().await;
}

#[tokio::test]
async fn a_fault_of_the_rest_twin_is_reported() {
    let (s, found) = server(vec![Fault::RestStatus], false).await;
    rest_traffic(&s).await;
    assert!(
        rules(&found).contains(&"rest.status"),
        "{:?}",
        rules(&found)
    );
    let all = found.lock().expect("lock").clone();
    let v = all.iter().find(|v| v.rule == "rest.status").expect("found");
    assert_eq!(v.location.file, "live");
    assert_eq!(v.severity, Severity::Error);
    assert!(v.item.is_some(), "{v:?}");
    s.shutdown().await;
}

#[tokio::test]
async fn enforce_refuses_invalid_requests_before_the_handler() {
    let (s, found) = server(Vec::new(), true).await;
    let http = reqwest::Client::new();
    let base = s.rest_url();
    let tasks: Value = get_json(&http, format!("{base}/tasks"), token(&s)).await;
    let task = find_id(&tasks, "task_").expect("a seeded task");
    let r = http
        .patch(format!("{base}/tasks/{task}"))
        .bearer_auth(token(&s))
        .json(&json!({"status": "doing", "title": "must not land"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["error"]["code"], "validation_failed", "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("doing"),
        "{body}"
    );
    assert!(
        rules(&found).contains(&"rest.payload"),
        "{:?}",
        rules(&found)
    );
    // the handler never ran: the title is unchanged
    let after: Value = get_json(&http, format!("{base}/tasks/{task}"), token(&s)).await;
    assert_ne!(after["title"], "must not land", "{after}");
    // a route the mapping does not have is refused too
    let r = http
        .get(format!("{base}/nowhere"))
        .bearer_auth(token(&s))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 422);
    assert!(rules(&found).contains(&"rest.unknown_route"));
    s.shutdown().await;
}

//! Records the reference system's transcripts through `frameproof proxy`: each scenario runs
//! real clients against a fresh reference server (fixed seeded credentials) through a recording
//! proxy, and the recording is completed with what only the scenario knows (which user each
//! connection is, the org, matchers for volatile values, frames that must not arrive).
//! `cargo run -p frameproof-conformance --example record-transcripts -- examples/timetracker/transcripts`

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{json, Value};

use frameproof_proxy::{start, ProxyConfig};
use frameproof_test_kit::ws::Client;
use timetracker::server::{RunningServer, ServerConfig};

struct Session {
    server: RunningServer,
    proxy: frameproof_proxy::RunningProxy,
    /// connection id in the recording (c1, c2, ...) → user
    users: Vec<String>,
    rest_user: Option<String>,
    http: reqwest::Client,
    expect_none: Vec<(String, u64)>,
    dir: PathBuf,
}

impl Session {
    async fn new(ttl: Duration) -> Session {
        let server = timetracker::server::start(ServerConfig {
            port: 0,
            fixed_credentials: true,
            token_ttl: ttl,
            ..ServerConfig::default()
        })
        .await
        .expect("server");
        let dir = std::env::temp_dir().join(format!("frameproof-record-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut config = ProxyConfig::new(SocketAddr::from(([127, 0, 0, 1], 0)), server.http_url());
        config.record = Some(dir.clone());
        let proxy = start(&timetracker::contract(), config)
            .await
            .expect("proxy");
        Session {
            server,
            proxy,
            users: Vec::new(),
            rest_user: None,
            http: reqwest::Client::new(),
            expect_none: Vec::new(),
            dir,
        }
    }

    fn token(&self, user: &str) -> String {
        format!("at_fixed_{user}")
    }

    async fn connect(&mut self, user: &str) -> Client {
        let url = format!("ws://{}/ws?token={}", self.proxy.addr, self.token(user));
        let ws = Client::connect(&url).await;
        self.users.push(user.to_owned());
        // the proxy numbers connections in the order they arrive
        tokio::time::sleep(Duration::from_millis(20)).await;
        ws
    }

    async fn rest(&mut self, user: &str, method: &str, path: &str, body: Option<Value>) -> Value {
        self.rest_user = Some(user.to_owned());
        let url = format!("http://{}{path}", self.proxy.addr);
        let mut req = self.http.request(
            reqwest::Method::from_bytes(method.as_bytes()).expect("method"),
            url,
        );
        if !path.ends_with("/auth/refresh") {
            req = req.bearer_auth(self.token(user));
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.expect("rest");
        r.json().await.unwrap_or(Value::Null)
    }

    async fn finish(self, out: &Path, name: &str, description: &str) {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let recording = self
            .proxy
            .shutdown()
            .await
            .expect("shutdown")
            .expect("recording");
        self.server.shutdown().await;
        let text = std::fs::read_to_string(&recording.path).expect("read");
        let mut lines = text.lines();
        let mut header: Value = serde_json::from_str(lines.next().expect("header")).expect("json");
        let org = |u: &str| {
            if u == "usr_carol" {
                "org_globex"
            } else {
                "org_acme"
            }
        };
        let conn_name = |c: &str| -> String {
            c.strip_prefix('c')
                .and_then(|n| n.parse::<usize>().ok())
                .and_then(|n| self.users.get(n - 1).cloned())
                .or_else(|| (c == "rest").then(|| self.rest_user.clone()).flatten())
                .unwrap_or_else(|| c.to_owned())
        };
        let mut conns: Vec<Value> = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for u in self.users.iter().chain(self.rest_user.iter()) {
            if seen.insert(u.clone()) {
                let role = if conns.is_empty() {
                    "actor"
                } else {
                    "observer"
                };
                conns.push(json!({"id": u, "role": role, "org": org(u), "user": u, "credentials": {"token": format!("$credential:{u}")}}));
            }
        }
        header["connections"] = json!(conns);
        header["description"] = json!(description);
        header["matchers"] = json!([
            {"pointer": "/data/duration_seconds", "format": "any"},
            {"pointer": "/data/items/*/duration_seconds", "format": "any"},
        ]);
        let mut out_lines = vec![header.to_string()];
        let mut refreshed: Option<String> = None;
        for line in lines {
            let mut r: Value = serde_json::from_str(line).expect("record");
            let c = r["conn"].as_str().unwrap_or("").to_owned();
            r["conn"] = json!(conn_name(&c));
            // placeholders name users, not proxy connection numbers; no fixed secret stays
            let mut text = r.to_string();
            for (i, u) in self.users.iter().enumerate() {
                text = text.replace(
                    &format!("$credential:c{}\"", i + 1),
                    &format!("$credential:{u}\""),
                );
            }
            for u in ["usr_alice", "usr_bob", "usr_carol"] {
                text = text.replace(
                    &format!("rt_fixed_{u}"),
                    &format!("$credential:{u}:refresh"),
                );
                text = text.replace(&format!("at_fixed_{u}"), &format!("$credential:{u}"));
            }
            // an auth frame sends the token the refresh before it returned (the proxy redacted it)
            if let Ok(v) = serde_json::from_str::<Value>(&text) {
                if let Some(t) = v
                    .pointer("/rest/response/access_token")
                    .and_then(Value::as_str)
                {
                    refreshed = Some(t.to_owned());
                }
                if v.pointer("/frame/type") == Some(&json!("auth")) {
                    if let Some(t) = &refreshed {
                        let mut v = v;
                        v["frame"]["token"] = json!(t);
                        text = v.to_string();
                    }
                }
            }
            // drop timing: replays keep order, not time
            let mut r: Value = serde_json::from_str(&text).expect("json");
            if let Some(o) = r.as_object_mut() {
                o.remove("t");
            }
            // a close the server initiated or the client's own close is not replayed as a step
            if r.get("close").is_some() {
                continue;
            }
            out_lines.push(r.to_string());
        }
        for (user, ms) in &self.expect_none {
            out_lines.push(json!({"conn": user, "expect_none": {"within_ms": ms}}).to_string());
        }
        let path = out.join(format!("{name}.jsonl"));
        std::fs::write(&path, out_lines.join("\n") + "\n").expect("write");
        let _ = std::fs::remove_dir_all(&self.dir);
        println!("{}: {} records", path.display(), out_lines.len() - 1);
    }
}

/// Lets every event of the last step reach everyone before the next.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(150)).await;
}

#[tokio::main]
async fn main() {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "examples/timetracker/transcripts".into()),
    );
    std::fs::create_dir_all(&out).expect("dir");
    let long = Duration::from_secs(900);

    // 01 timers
    let mut s = Session::new(long).await;
    let mut alice = s.connect("usr_alice").await;
    let mut bob = s.connect("usr_bob").await;
    let mut carol = s.connect("usr_carol").await;
    let projects = alice.request_as("p1", "projects.list", json!({})).await;
    let project = projects["data"][0]["id"]
        .as_str()
        .unwrap_or("proj_1")
        .to_owned();
    alice
        .request_as(
            "t1",
            "time_entries.start",
            json!({"project_id": project, "description": "API integration", "billable": true}),
        )
        .await;
    settle().await;
    alice
        .request_as(
            "t2",
            "time_entries.start",
            json!({"project_id": project, "description": "again", "billable": false}),
        )
        .await;
    alice
        .request_as(
            "t3",
            "time_entries.list",
            json!({"project_id": project, "limit": 5}),
        )
        .await;
    alice.request_as("t4", "time_entries.stop", json!({})).await;
    settle().await;
    bob.request_as("b1", "time_entries.stop", json!({})).await;
    s.expect_none.push(("usr_carol".into(), 300));
    let _ = (&mut carol, &mut bob);
    s.finish(&out, "01-timers", "alice starts a timer (bob sees it, carol of another org does not), a second start conflicts, lists and stops; bob has no timer to stop").await;

    // 02 projects
    let mut s = Session::new(long).await;
    let mut alice = s.connect("usr_alice").await;
    let mut bob = s.connect("usr_bob").await;
    alice
        .request_as("p1", "projects.list", json!({"include_archived": true}))
        .await;
    let created = alice.request_as("p2", "projects.create", json!({"name": "Conformance", "client": "Frameproof", "hourly_rate": {"amount_cents": 10000, "currency": "EUR"}})).await;
    settle().await;
    let id = created["data"]["id"].as_str().unwrap_or("").to_owned();
    bob.request_as("b1", "projects.get", json!({"id": id}))
        .await;
    alice
        .request_as(
            "p3",
            "projects.create",
            json!({"name": "Conformance", "hourly_rate": {"amount_cents": 1, "currency": "USD"}}),
        )
        .await;
    alice
        .request_as("p4", "projects.get", json!({"id": "proj_missing"}))
        .await;
    s.rest("usr_alice", "GET", &format!("/api/projects/{id}"), None)
        .await;
    s.finish(&out, "02-projects", "projects: list, create (broadcast), get, a duplicate name conflicts, a missing project is not found; REST read of the new project").await;

    // 03 tasks and topics
    let mut s = Session::new(long).await;
    let mut alice = s.connect("usr_alice").await;
    let mut bob = s.connect("usr_bob").await;
    let projects = alice.request_as("p1", "projects.list", json!({})).await;
    let project = projects["data"][0]["id"]
        .as_str()
        .unwrap_or("proj_1")
        .to_owned();
    alice
        .request_as(
            "k1",
            "tasks.list",
            json!({"project_id": project, "status": "todo"}),
        )
        .await;
    let task = alice.request_as("k2", "tasks.create", json!({"project_id": project, "title": "Write the conformance suite", "labels": ["qa"], "estimate_minutes": 90})).await;
    settle().await;
    let tid = task["data"]["id"].as_str().unwrap_or("").to_owned();
    bob.send(json!({"type": "subscribe", "topics": [format!("task:{tid}"), "user:usr_bob"]}))
        .await;
    bob.wait_for(|v| v["type"] == "subscribed").await;
    alice
        .request_as(
            "k3",
            "tasks.update",
            json!({"id": tid, "status": "in_progress", "assignee_id": "usr_bob"}),
        )
        .await;
    settle().await;
    bob.send(json!({"type": "unsubscribe", "topics": [format!("task:{tid}")]}))
        .await;
    bob.wait_for(|v| v["type"] == "unsubscribed").await;
    alice
        .request_as(
            "k4",
            "tasks.update",
            json!({"id": tid, "title": "Write and run the conformance suite"}),
        )
        .await;
    alice
        .request_as("k5", "tasks.delete", json!({"id": tid}))
        .await;
    alice
        .request_as("k6", "tasks.delete", json!({"id": tid}))
        .await;
    settle().await;
    s.finish(&out, "03-tasks-and-topics", "tasks: create (tenant broadcast), bob subscribes to the task and his user topic, update with assignment (topic event + notification), unsubscribe, update unseen, delete twice").await;

    // 04 chat
    let mut s = Session::new(long).await;
    let mut alice = s.connect("usr_alice").await;
    let mut bob = s.connect("usr_bob").await;
    for ws in [&mut alice, &mut bob] {
        ws.send(json!({"type": "subscribe", "topics": ["chat:general"]}))
            .await;
        ws.wait_for(|v| v["type"] == "subscribed").await;
    }
    bob.send(json!({"type": "subscribe", "topics": ["user:usr_bob"]}))
        .await;
    bob.wait_for(|v| v["type"] == "subscribed").await;
    alice
        .request_as(
            "m1",
            "chat.send",
            json!({"room": "general", "body": {"kind": "text", "text": "Standup in 5"}}),
        )
        .await;
    settle().await;
    alice.request_as("m2", "chat.send", json!({"room": "general", "body": {"kind": "mention", "user_id": "usr_bob", "text": "@bob ready?"}})).await;
    settle().await;
    bob.request_as("b1", "chat.send", json!({"room": "general", "body": {"kind": "attachment", "url": "https://files.example/plan.pdf", "name": "plan.pdf", "size_bytes": 48213}})).await;
    settle().await;
    bob.request_as(
        "b2",
        "chat.history",
        json!({"room": "general", "limit": 10}),
    )
    .await;
    bob.request_as(
        "b3",
        "chat.send",
        json!({"room": "admin-ops", "body": {"kind": "text", "text": "let me in"}}),
    )
    .await;
    s.rest(
        "usr_alice",
        "GET",
        "/api/chat/general/history?limit=2",
        None,
    )
    .await;
    s.finish(&out, "04-chat", "chat: both subscribe to chat:general, text, mention (notification to bob) and attachment messages, history over both transports, an admin room is forbidden to bob").await;

    // 05 invoices
    let mut s = Session::new(long).await;
    let mut alice = s.connect("usr_alice").await;
    let mut bob = s.connect("usr_bob").await;
    let projects = alice.request_as("p1", "projects.list", json!({})).await;
    let project = projects["data"][0]["id"]
        .as_str()
        .unwrap_or("proj_1")
        .to_owned();
    alice.request_as("i1",
        "invoices.create",
        json!({"project_id": project, "from": "2024-01-01", "to": "2026-12-31", "due_days": 14}),
    )
    .await;
    settle().await;
    alice
        .request_as(
            "i2",
            "invoices.create",
            json!({"project_id": project, "from": "2024-01-01", "to": "2026-12-31"}),
        )
        .await;
    bob.request_as(
        "b1",
        "invoices.create",
        json!({"project_id": project, "from": "2024-01-01", "to": "2026-12-31"}),
    )
    .await;
    alice
        .request_as(
            "i3",
            "invoices.create",
            json!({"project_id": "proj_missing", "from": "2024-01-01", "to": "2026-12-31"}),
        )
        .await;
    s.finish(&out, "05-invoices", "invoices: billable time invoiced once (broadcast), again there is nothing to invoice, a member is forbidden, a missing project is not found").await;

    // 06 notifications
    let mut s = Session::new(long).await;
    let mut bob = s.connect("usr_bob").await;
    let list = bob
        .request_as("n1", "notifications.list", json!({"unread_only": true}))
        .await;
    let ids: Vec<Value> = list["data"]
        .as_array()
        .map(|a| a.iter().map(|n| n["id"].clone()).collect())
        .unwrap_or_default();
    if !ids.is_empty() {
        bob.request_as("n2", "notifications.mark_read", json!({"ids": ids}))
            .await;
    }
    bob.request_as("n3", "notifications.list", json!({})).await;
    bob.request_as(
        "n4",
        "notifications.mark_read",
        json!({"ids": ["ntf_missing"]}),
    )
    .await;
    s.finish(
        &out,
        "06-notifications",
        "notifications: list unread, mark them read, list all, a missing notification is not found",
    )
    .await;

    // 07 tenant isolation
    let mut s = Session::new(long).await;
    let mut alice = s.connect("usr_alice").await;
    let mut carol = s.connect("usr_carol").await;
    let theirs = carol.request_as("c1", "projects.list", json!({})).await;
    let globex_project = theirs["data"][0]["id"].as_str().unwrap_or("").to_owned();
    alice
        .request_as("a1", "projects.get", json!({"id": globex_project}))
        .await;
    let tasks = carol.request_as("c2", "tasks.list", json!({})).await;
    let globex_task = tasks["data"][0]["id"].as_str().unwrap_or("").to_owned();
    alice
        .send(json!({"id": "s1", "type": "subscribe", "topics": [format!("task:{globex_task}")]}))
        .await;
    alice.wait_for(|v| v["id"] == "s1").await;
    alice
        .request_as(
            "a2",
            "tasks.update",
            json!({"id": globex_task, "title": "hijack"}),
        )
        .await;
    carol
        .request_as(
            "c3",
            "time_entries.start",
            json!({"project_id": globex_project, "description": "robots", "billable": true}),
        )
        .await;
    settle().await;
    s.rest(
        "usr_alice",
        "GET",
        &format!("/api/projects/{globex_project}"),
        None,
    )
    .await;
    s.expect_none.push(("usr_alice".into(), 300));
    s.finish(&out, "07-tenant-isolation", "two orgs: alice cannot read, subscribe to or change globex's resources over either transport, and never sees carol's broadcast").await;

    // 08 protocol errors and heartbeat
    let mut s = Session::new(long).await;
    let mut alice = s.connect("usr_alice").await;
    alice.send_text("{\"id\": \"x1\", \"action\": ").await;
    alice.wait_for(|v| v["status"] == "error").await;
    alice
        .request_as("e1", "time_entries.pause", json!({}))
        .await;
    alice
        .request_as(
            "e2",
            "tasks.create",
            json!({"project_id": "proj_1", "title": ""}),
        )
        .await;
    alice
        .request_as(
            "e3",
            "tasks.update",
            json!({"id": "task_1", "status": "doing"}),
        )
        .await;
    alice.send(json!({"id": "hb1", "type": "ping"})).await;
    alice.wait_for(|v| v["type"] == "pong").await;
    alice
        .request_as("e4", "projects.get", json!({"id": "proj_1", "extra": true}))
        .await;
    s.finish(&out, "08-protocol-errors", "malformed JSON, an unknown action and schema failures get the contract's errors and the connection survives; application ping/pong").await;

    // 09 token expiry (short-lived tokens: replay with a server started with a 2 s token TTL)
    let mut s = Session::new(Duration::from_secs(2)).await;
    let mut alice = s.connect("usr_alice").await;
    alice.request_as("x1", "projects.list", json!({})).await;
    alice.wait_for(|v| v["event"] == "TokenExpired").await;
    alice.request_as("x2", "projects.list", json!({})).await;
    let pair = s
        .rest(
            "usr_alice",
            "POST",
            "/api/auth/refresh",
            Some(json!({"refresh_token": "rt_fixed_usr_alice"})),
        )
        .await;
    let token = pair["access_token"].as_str().unwrap_or("").to_owned();
    alice.send(json!({"type": "auth", "token": token})).await;
    alice.wait_for(|v| v["type"] == "authenticated").await;
    alice.request_as("x3", "projects.list", json!({})).await;
    let dir = out.join("short-ttl");
    std::fs::create_dir_all(&dir).expect("dir");
    s.finish(&dir, "09-token-expiry", "the token expires (TokenExpired), requests fail with token_expired, a REST refresh, an auth frame on the same socket, requests work again").await;
}

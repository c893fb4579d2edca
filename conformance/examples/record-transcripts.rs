//! Records the reference system's transcripts through `frameproof proxy`: each scenario runs
//! real clients against a fresh reference server (fixed seeded credentials) through a recording
//! proxy, and the recording is completed with what only the scenario knows (which user each
//! connection is, the org, matchers for volatile values, frames that must not arrive).
//! `cargo run -p frameproof-conformance --example record-transcripts -- examples/timetracker/transcripts`

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use frameproof_proxy::{start, ProxyConfig};
use timetracker::server::{RunningServer, ServerConfig};

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

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

    async fn connect(&mut self, user: &str) -> Ws {
        let url = format!("ws://{}/ws?token={}", self.proxy.addr, self.token(user));
        let (ws, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("connect");
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

async fn send(ws: &mut Ws, v: Value) {
    ws.send(Message::text(v.to_string())).await.expect("send");
}

async fn until(ws: &mut Ws, want: impl Fn(&Value) -> bool) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let m = tokio::time::timeout_at(deadline, ws.next())
            .await
            .expect("in time")
            .expect("open")
            .expect("frame");
        if let Message::Text(t) = m {
            let v: Value = serde_json::from_str(t.as_str()).expect("json");
            if want(&v) {
                return v;
            }
        }
    }
}

async fn req(ws: &mut Ws, id: &str, action: &str, payload: Value) -> Value {
    send(ws, json!({"id": id, "action": action, "payload": payload})).await;
    until(ws, |v| v["id"] == id).await
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
    let projects = req(&mut alice, "p1", "projects.list", json!({})).await;
    let project = projects["data"][0]["id"]
        .as_str()
        .unwrap_or("proj_1")
        .to_owned();
    req(
        &mut alice,
        "t1",
        "time_entries.start",
        json!({"project_id": project, "description": "API integration", "billable": true}),
    )
    .await;
    settle().await;
    req(
        &mut alice,
        "t2",
        "time_entries.start",
        json!({"project_id": project, "description": "again", "billable": false}),
    )
    .await;
    req(
        &mut alice,
        "t3",
        "time_entries.list",
        json!({"project_id": project, "limit": 5}),
    )
    .await;
    req(&mut alice, "t4", "time_entries.stop", json!({})).await;
    settle().await;
    req(&mut bob, "b1", "time_entries.stop", json!({})).await;
    s.expect_none.push(("usr_carol".into(), 300));
    let _ = (&mut carol, &mut bob);
    s.finish(&out, "01-timers", "alice starts a timer (bob sees it, carol of another org does not), a second start conflicts, lists and stops; bob has no timer to stop").await;

    // 02 projects
    let mut s = Session::new(long).await;
    let mut alice = s.connect("usr_alice").await;
    let mut bob = s.connect("usr_bob").await;
    req(
        &mut alice,
        "p1",
        "projects.list",
        json!({"include_archived": true}),
    )
    .await;
    let created = req(&mut alice, "p2", "projects.create", json!({"name": "Conformance", "client": "Frameproof", "hourly_rate": {"amount_cents": 10000, "currency": "EUR"}})).await;
    settle().await;
    let id = created["data"]["id"].as_str().unwrap_or("").to_owned();
    req(&mut bob, "b1", "projects.get", json!({"id": id})).await;
    req(
        &mut alice,
        "p3",
        "projects.create",
        json!({"name": "Conformance", "hourly_rate": {"amount_cents": 1, "currency": "USD"}}),
    )
    .await;
    req(
        &mut alice,
        "p4",
        "projects.get",
        json!({"id": "proj_missing"}),
    )
    .await;
    s.rest("usr_alice", "GET", &format!("/api/projects/{id}"), None)
        .await;
    s.finish(&out, "02-projects", "projects: list, create (broadcast), get, a duplicate name conflicts, a missing project is not found; REST read of the new project").await;

    // 03 tasks and topics
    let mut s = Session::new(long).await;
    let mut alice = s.connect("usr_alice").await;
    let mut bob = s.connect("usr_bob").await;
    let projects = req(&mut alice, "p1", "projects.list", json!({})).await;
    let project = projects["data"][0]["id"]
        .as_str()
        .unwrap_or("proj_1")
        .to_owned();
    req(
        &mut alice,
        "k1",
        "tasks.list",
        json!({"project_id": project, "status": "todo"}),
    )
    .await;
    let task = req(&mut alice, "k2", "tasks.create", json!({"project_id": project, "title": "Write the conformance suite", "labels": ["qa"], "estimate_minutes": 90})).await;
    settle().await;
    let tid = task["data"]["id"].as_str().unwrap_or("").to_owned();
    send(
        &mut bob,
        json!({"type": "subscribe", "topics": [format!("task:{tid}"), "user:usr_bob"]}),
    )
    .await;
    until(&mut bob, |v| v["type"] == "subscribed").await;
    req(
        &mut alice,
        "k3",
        "tasks.update",
        json!({"id": tid, "status": "in_progress", "assignee_id": "usr_bob"}),
    )
    .await;
    settle().await;
    send(
        &mut bob,
        json!({"type": "unsubscribe", "topics": [format!("task:{tid}")]}),
    )
    .await;
    until(&mut bob, |v| v["type"] == "unsubscribed").await;
    req(
        &mut alice,
        "k4",
        "tasks.update",
        json!({"id": tid, "title": "Write and run the conformance suite"}),
    )
    .await;
    req(&mut alice, "k5", "tasks.delete", json!({"id": tid})).await;
    req(&mut alice, "k6", "tasks.delete", json!({"id": tid})).await;
    settle().await;
    s.finish(&out, "03-tasks-and-topics", "tasks: create (tenant broadcast), bob subscribes to the task and his user topic, update with assignment (topic event + notification), unsubscribe, update unseen, delete twice").await;

    // 04 chat
    let mut s = Session::new(long).await;
    let mut alice = s.connect("usr_alice").await;
    let mut bob = s.connect("usr_bob").await;
    for ws in [&mut alice, &mut bob] {
        send(ws, json!({"type": "subscribe", "topics": ["chat:general"]})).await;
        until(ws, |v| v["type"] == "subscribed").await;
    }
    send(
        &mut bob,
        json!({"type": "subscribe", "topics": ["user:usr_bob"]}),
    )
    .await;
    until(&mut bob, |v| v["type"] == "subscribed").await;
    req(
        &mut alice,
        "m1",
        "chat.send",
        json!({"room": "general", "body": {"kind": "text", "text": "Standup in 5"}}),
    )
    .await;
    settle().await;
    req(&mut alice, "m2", "chat.send", json!({"room": "general", "body": {"kind": "mention", "user_id": "usr_bob", "text": "@bob ready?"}})).await;
    settle().await;
    req(&mut bob, "b1", "chat.send", json!({"room": "general", "body": {"kind": "attachment", "url": "https://files.example/plan.pdf", "name": "plan.pdf", "size_bytes": 48213}})).await;
    settle().await;
    req(
        &mut bob,
        "b2",
        "chat.history",
        json!({"room": "general", "limit": 10}),
    )
    .await;
    req(
        &mut bob,
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
    let projects = req(&mut alice, "p1", "projects.list", json!({})).await;
    let project = projects["data"][0]["id"]
        .as_str()
        .unwrap_or("proj_1")
        .to_owned();
    req(
        &mut alice,
        "i1",
        "invoices.create",
        json!({"project_id": project, "from": "2024-01-01", "to": "2026-12-31", "due_days": 14}),
    )
    .await;
    settle().await;
    req(
        &mut alice,
        "i2",
        "invoices.create",
        json!({"project_id": project, "from": "2024-01-01", "to": "2026-12-31"}),
    )
    .await;
    req(
        &mut bob,
        "b1",
        "invoices.create",
        json!({"project_id": project, "from": "2024-01-01", "to": "2026-12-31"}),
    )
    .await;
    req(
        &mut alice,
        "i3",
        "invoices.create",
        json!({"project_id": "proj_missing", "from": "2024-01-01", "to": "2026-12-31"}),
    )
    .await;
    s.finish(&out, "05-invoices", "invoices: billable time invoiced once (broadcast), again there is nothing to invoice, a member is forbidden, a missing project is not found").await;

    // 06 notifications
    let mut s = Session::new(long).await;
    let mut bob = s.connect("usr_bob").await;
    let list = req(
        &mut bob,
        "n1",
        "notifications.list",
        json!({"unread_only": true}),
    )
    .await;
    let ids: Vec<Value> = list["data"]
        .as_array()
        .map(|a| a.iter().map(|n| n["id"].clone()).collect())
        .unwrap_or_default();
    if !ids.is_empty() {
        req(
            &mut bob,
            "n2",
            "notifications.mark_read",
            json!({"ids": ids}),
        )
        .await;
    }
    req(&mut bob, "n3", "notifications.list", json!({})).await;
    req(
        &mut bob,
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
    let theirs = req(&mut carol, "c1", "projects.list", json!({})).await;
    let globex_project = theirs["data"][0]["id"].as_str().unwrap_or("").to_owned();
    req(
        &mut alice,
        "a1",
        "projects.get",
        json!({"id": globex_project}),
    )
    .await;
    let tasks = req(&mut carol, "c2", "tasks.list", json!({})).await;
    let globex_task = tasks["data"][0]["id"].as_str().unwrap_or("").to_owned();
    send(
        &mut alice,
        json!({"id": "s1", "type": "subscribe", "topics": [format!("task:{globex_task}")]}),
    )
    .await;
    until(&mut alice, |v| v["id"] == "s1").await;
    req(
        &mut alice,
        "a2",
        "tasks.update",
        json!({"id": globex_task, "title": "hijack"}),
    )
    .await;
    req(
        &mut carol,
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
    alice
        .send(Message::text("{\"id\": \"x1\", \"action\": "))
        .await
        .expect("send");
    until(&mut alice, |v| v["status"] == "error").await;
    req(&mut alice, "e1", "time_entries.pause", json!({})).await;
    req(
        &mut alice,
        "e2",
        "tasks.create",
        json!({"project_id": "proj_1", "title": ""}),
    )
    .await;
    req(
        &mut alice,
        "e3",
        "tasks.update",
        json!({"id": "task_1", "status": "doing"}),
    )
    .await;
    send(&mut alice, json!({"id": "hb1", "type": "ping"})).await;
    until(&mut alice, |v| v["type"] == "pong").await;
    req(
        &mut alice,
        "e4",
        "projects.get",
        json!({"id": "proj_1", "extra": true}),
    )
    .await;
    s.finish(&out, "08-protocol-errors", "malformed JSON, an unknown action and schema failures get the contract's errors and the connection survives; application ping/pong").await;

    // 09 token expiry (short-lived tokens: replay with a server started with a 2 s token TTL)
    let mut s = Session::new(Duration::from_secs(2)).await;
    let mut alice = s.connect("usr_alice").await;
    req(&mut alice, "x1", "projects.list", json!({})).await;
    until(&mut alice, |v| v["event"] == "TokenExpired").await;
    req(&mut alice, "x2", "projects.list", json!({})).await;
    let pair = s
        .rest(
            "usr_alice",
            "POST",
            "/api/auth/refresh",
            Some(json!({"refresh_token": "rt_fixed_usr_alice"})),
        )
        .await;
    let token = pair["access_token"].as_str().unwrap_or("").to_owned();
    send(&mut alice, json!({"type": "auth", "token": token})).await;
    until(&mut alice, |v| v["type"] == "authenticated").await;
    req(&mut alice, "x3", "projects.list", json!({})).await;
    let dir = out.join("short-ttl");
    std::fs::create_dir_all(&dir).expect("dir");
    s.finish(&dir, "09-token-expiry", "the token expires (TokenExpired), requests fail with token_expired, a REST refresh, an auth frame on the same socket, requests work again").await;
}

//! Test clients for the reference server: frameproof-test-kit's WebSocket client (it records
//! every frame and keeps unconsumed frames for later) connecting as a seeded user, and a REST
//! client that derives each call from the contract's REST mapping.

#![allow(dead_code, unused_imports)]

use frameproof::Contract;
use serde_json::Value;
use timetracker::server::{start, RunningServer, ServerConfig};

/// The WebSocket test client; `WAIT` is how long a test waits for a frame it expects.
pub(crate) use frameproof_test_kit::ws::{Client, ConnectError, Ended, WAIT};

pub(crate) async fn server() -> RunningServer {
    server_with(ServerConfig::default()).await
}

pub(crate) async fn server_with(config: ServerConfig) -> RunningServer {
    start(ServerConfig { port: 0, ..config })
        .await
        .expect("the server starts")
}

pub(crate) fn token(server: &RunningServer, user: &str) -> String {
    server
        .user(user)
        .expect("a seeded user")
        .access_token
        .clone()
}

pub(crate) fn refresh_token(server: &RunningServer, user: &str) -> String {
    server
        .user(user)
        .expect("a seeded user")
        .refresh_token
        .clone()
}

/// Connecting as a seeded user of the reference server.
pub(crate) trait SeededUser: Sized {
    /// Connects with `?token=` of a seeded user.
    fn user(server: &RunningServer, user: &str) -> impl std::future::Future<Output = Self>;
}

impl SeededUser for Client {
    async fn user(server: &RunningServer, user: &str) -> Client {
        Client::connect(&format!(
            "{}?token={}",
            server.ws_url(),
            token(server, user)
        ))
        .await
    }
}

/// A REST client that maps an action and its payload to the contract's route.
pub(crate) struct Rest {
    http: reqwest::Client,
    origin: String,
    contract: &'static Contract,
}

/// The contract, built once per test binary.
pub(crate) fn contract() -> &'static Contract {
    static CONTRACT: std::sync::OnceLock<Contract> = std::sync::OnceLock::new();
    CONTRACT.get_or_init(timetracker::contract)
}

pub(crate) struct Reply {
    pub status: u16,
    pub body: Value,
}

impl Reply {
    pub(crate) fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or_default()
    }
}

impl Rest {
    pub(crate) fn new(server: &RunningServer) -> Rest {
        Rest {
            http: reqwest::Client::new(),
            origin: server.http_url(),
            contract: contract(),
        }
    }

    /// Calls `action` with `payload` the way the contract maps it to REST
    /// (`Contract::rest_request`, the mapping every other crate uses).
    pub(crate) async fn call(&self, token: Option<&str>, action: &str, payload: Value) -> Reply {
        let request = self
            .contract
            .rest_request(action, &payload)
            .unwrap_or_else(|e| panic!("{action} over REST: {e}"));
        let method =
            reqwest::Method::from_bytes(request.method.as_str().as_bytes()).expect("a method");
        let url = format!("{}{}", self.origin, request.path);
        let mut req = self.http.request(method, url).query(&request.query);
        if let Some(body) = &request.body {
            req = req.json(body);
        }
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        Rest::reply(req).await
    }

    /// A raw request: method, path (from the server root), token, body.
    pub(crate) async fn raw(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
    ) -> Reply {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
        let mut req = self
            .http
            .request(method, format!("{}{}", self.origin, path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req
                .header("content-type", "application/json")
                .body(b.to_owned());
        }
        Rest::reply(req).await
    }

    async fn reply(req: reqwest::RequestBuilder) -> Reply {
        let resp = req.send().await.expect("an HTTP response");
        let status = resp.status().as_u16();
        let text = resp.text().await.expect("a body");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Reply { status, body }
    }

    /// The data of a 200 reply (panics otherwise).
    pub(crate) async fn ok(&self, token: &str, action: &str, payload: Value) -> Value {
        let r = self.call(Some(token), action, payload).await;
        assert_eq!(r.status, 200, "{action} over REST failed: {}", r.body);
        r.body
    }
}

/// A compiled draft 2020-12 validator (remote references off: the crate has no resolver
/// features enabled).
pub(crate) fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(schema)
        .expect("the schema compiles")
}

/// The validation errors of an instance, as text.
pub(crate) fn problems(v: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path().as_str()))
        .collect()
}

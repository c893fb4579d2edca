//! Checks generated from the contract, no transcript needed: heartbeat, unknown actions,
//! malformed frames, unauthenticated access over both transports, tenant isolation, and that
//! every REST route exists and answers with a status from the mapping.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::sync::mpsc;

use frameproof_schema::sample::{sample, Rng};
use frameproof_schema::{AuthMethod, Contract, Scope};

use crate::error::fail;
use crate::live::{Incoming, LiveConn};
use crate::replay::Target;
use crate::report::{StepResult, TranscriptReport};
use crate::Error;

/// Two users of different tenants, for the isolation checks.
/// How long a handshake or a REST call of a check may take.
const NETWORK: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
pub struct CheckUsers {
    /// A token of a user of tenant A.
    pub a: String,
    /// A second token of tenant A (to see A's own broadcasts).
    pub a2: Option<String>,
    /// A token of a user of tenant B.
    pub b: Option<String>,
    /// User A's refresh credential and how long to wait for A's token to expire: enables the
    /// token-expiry check (run it against a server with short-lived tokens).
    pub expiry: Option<(String, Duration)>,
}

/// How long the checks wait.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// For an answer or an expected frame.
    pub timeout: Duration,
    /// How long the isolation check listens on the other tenant's connection for a frame that
    /// must not arrive (a leak delivered later escapes).
    pub quiet: Duration,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            timeout: Duration::from_secs(3),
            quiet: Duration::from_secs(2),
        }
    }
}

struct Conn<'c> {
    contract: &'c Contract,
    live: LiveConn,
    rx: mpsc::Receiver<(String, Incoming)>,
    /// Ids of the requests this connection sent.
    sent: Vec<Value>,
    /// Ids of answers that came back under an id the client never sent (at most a few).
    stray: Vec<Value>,
}

impl<'c> Conn<'c> {
    async fn open(
        target: &Target,
        contract: &'c Contract,
        token: Option<&str>,
    ) -> Result<Conn<'c>, Error> {
        let param = contract
            .transport
            .auth
            .methods
            .iter()
            .find_map(|m| match m {
                AuthMethod::Query { param } => Some(param.clone()),
                _ => None,
            });
        let url = match (token, param) {
            (Some(t), Some(p)) => format!("{}?{p}={t}", target.ws_url),
            _ => target.ws_url.clone(),
        };
        let (tx, rx) = mpsc::channel(4096);
        let live = LiveConn::connect(&url, "check".into(), tx, NETWORK).await?;
        Ok(Conn {
            contract,
            live,
            rx,
            sent: Vec::new(),
            stray: Vec::new(),
        })
    }

    async fn send(&mut self, v: &Value) -> Result<(), Error> {
        if let Some(id) = self.contract.request_id(v) {
            self.sent.push(id.clone());
        }
        self.live.send_text(v.to_string()).await
    }

    /// Keeps the id of an answer to a request this connection never sent.
    fn note_stray(&mut self, frame: &Value) {
        const KEEP: usize = 4;
        if let Some(id) = self.contract.response_id(frame) {
            if !id.is_null() && !self.sent.contains(id) && self.stray.len() < KEEP {
                self.stray.push(id.clone());
            }
        }
    }

    /// Why the answer to `id` was not seen: `otherwise`, unless answers came back under ids
    /// the client never sent, which is then the cause to name.
    fn no_answer(&self, id: &str, otherwise: &str) -> Error {
        if self.stray.is_empty() {
            return Error::Failed(otherwise.to_owned());
        }
        let ids: Vec<String> = self.stray.iter().map(Value::to_string).collect();
        fail!(
            "answers came back under ids the client never sent ({}), and none under `{id}`",
            ids.join(", ")
        )
    }

    /// The next frame satisfying `want` within `wait`; `Err` when the connection closed.
    async fn until(
        &mut self,
        wait: Duration,
        want: impl Fn(&Value) -> bool,
    ) -> Result<Option<Value>, Option<u16>> {
        let deadline = Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, self.rx.recv()).await {
                Ok(Some((_, Incoming::Frame(f, _)))) if want(&f) => return Ok(Some(f)),
                Ok(Some((_, Incoming::Frame(f, _)))) => self.note_stray(&f),
                Ok(Some((_, Incoming::Closed(close)))) => return Err(close.map(|c| c.0)),
                Ok(Some((_, Incoming::Binary(_)))) => continue,
                _ => return Ok(None),
            }
        }
    }
}

fn control(contract: &Contract, kind: frameproof_schema::ControlKind) -> Option<Value> {
    contract.control_frame(kind)
}

fn request(contract: &Contract, id: &str, action: &str, payload: Value) -> Value {
    contract.request_frame(json!(id), action, payload)
}

fn response_id_is(contract: &Contract, frame: &Value, id: &str) -> bool {
    contract.response_id(frame) == Some(&json!(id))
}

fn error_code(contract: &Contract, frame: &Value) -> Option<String> {
    contract.frame_error(frame).map(|e| e.label())
}

/// Runs every generated check and reports each as a step.
pub async fn run(
    contract: &Contract,
    target: &Target,
    users: &CheckUsers,
    options: &CheckOptions,
) -> TranscriptReport {
    let timeout = options.timeout;
    let started = Instant::now();
    let mut steps = Vec::new();
    let step = |name: &str, r: Result<(), Error>| match r {
        Ok(()) => StepResult::pass(None, "check", name),
        Err(e) => StepResult::fail(None, "check", name, e.chain()),
    };
    let http = match crate::live::http_client(NETWORK) {
        Ok(http) => http,
        Err(e) => {
            steps.push(step("the HTTP client of the checks", Err(e)));
            return TranscriptReport {
                transcript: "generated checks".into(),
                transport: "checks".into(),
                steps,
                duration: started.elapsed(),
                waiting: Duration::ZERO,
                server_stderr: None,
            };
        }
    };

    // heartbeat: an application ping is answered within the contract's timeout
    let hb = Duration::from_millis(contract.transport.heartbeat.timeout_ms);
    steps.push(step(
        "heartbeat answered",
        heartbeat(contract, target, &users.a, hb).await,
    ));
    steps.push(step(
        "unknown action gets the declared error",
        unknown_action(contract, target, &users.a, timeout).await,
    ));
    steps.push(step(
        "malformed JSON gets an error frame and the connection survives",
        malformed(contract, target, &users.a, timeout).await,
    ));
    steps.push(step(
        "an unauthenticated WebSocket is refused",
        unauthenticated_ws(contract, target, timeout).await,
    ));
    steps.push(step(
        "an unauthenticated REST call is refused",
        unauthenticated_rest(contract, target, &http).await,
    ));
    if let (Some(a2), Some(b)) = (&users.a2, &users.b) {
        steps.push(step(
            "tenant isolation: no events of another tenant",
            isolation(contract, target, &users.a, a2, b, options, &http).await,
        ));
    }
    if let Some((refresh, wait)) = &users.expiry {
        steps.push(step(
            "an expired token gets the notice and a refreshed token works on the same socket",
            expiry(contract, target, &users.a, refresh, *wait, timeout, &http).await,
        ));
    }
    for (name, result) in routes(contract, target, &users.a, &http).await {
        steps.push(step(
            &format!("REST route of `{name}` exists and answers from the mapping"),
            result,
        ));
    }
    TranscriptReport {
        transcript: "generated checks".into(),
        transport: "checks".into(),
        steps,
        duration: started.elapsed(),
        waiting: Duration::ZERO,
        server_stderr: None,
    }
}

async fn heartbeat(
    contract: &Contract,
    target: &Target,
    token: &str,
    within: Duration,
) -> Result<(), Error> {
    let ping = control(contract, frameproof_schema::ControlKind::Ping)
        .ok_or(fail!("the envelope has no ping frame"))?;
    let pong = control(contract, frameproof_schema::ControlKind::Pong)
        .ok_or(fail!("the envelope has no pong frame"))?;
    let mut c = Conn::open(target, contract, Some(token)).await?;
    c.send(&ping).await?;
    let key = pong
        .as_object()
        .and_then(|m| m.iter().next())
        .map(|(k, v)| (k.clone(), v.clone()));
    let got = c
        .until(within, |f| {
            key.as_ref().is_some_and(|(k, v)| f.get(k) == Some(v))
        })
        .await
        .map_err(|code| fail!("the connection closed ({code:?})"))?;
    got.map(|_| ())
        .ok_or_else(|| fail!("no pong within {} ms", within.as_millis()))
}

async fn unknown_action(
    contract: &Contract,
    target: &Target,
    token: &str,
    timeout: Duration,
) -> Result<(), Error> {
    let mut c = Conn::open(target, contract, Some(token)).await?;
    c.send(&request(
        contract,
        "chk-unknown",
        "frameproof.no_such_action",
        json!({}),
    ))
    .await?;
    let answer = c
        .until(timeout, |f| response_id_is(contract, f, "chk-unknown"))
        .await
        .map_err(|code| fail!("the connection closed ({code:?})"))?
        .ok_or_else(|| c.no_answer("chk-unknown", "no answer"))?;
    match error_code(contract, &answer).as_deref() {
        Some("unknown_action") => Ok(()),
        other => Err(fail!(
            "answered with {other:?}, not `unknown_action`: {answer}"
        )),
    }
}

async fn malformed(
    contract: &Contract,
    target: &Target,
    token: &str,
    timeout: Duration,
) -> Result<(), Error> {
    let mut c = Conn::open(target, contract, Some(token)).await?;
    c.live.send_text("{this is not json".into()).await?;
    let answer = c
        .until(timeout, |f| error_code(contract, f).is_some())
        .await
        .map_err(|code| fail!("the connection closed ({code:?}) instead of answering"))?
        .ok_or(fail!("no error frame"))?;
    let code = error_code(contract, &answer).unwrap_or_default();
    if code != "bad_request" && code != "validation_failed" {
        return Err(fail!("answered `{code}`"));
    }
    // still alive
    c.send(&request(
        contract,
        "chk-alive",
        "frameproof.no_such_action",
        json!({}),
    ))
    .await?;
    c.until(timeout, |f| response_id_is(contract, f, "chk-alive"))
        .await
        .map_err(|code| fail!("the connection closed ({code:?}) after the malformed frame"))?
        .map(|_| ())
        .ok_or_else(|| {
            c.no_answer(
                "chk-alive",
                "the connection stopped answering after the malformed frame",
            )
        })
}

async fn unauthenticated_ws(
    contract: &Contract,
    target: &Target,
    timeout: Duration,
) -> Result<(), Error> {
    let bad = Conn::open(target, contract, Some("frameproof-invalid-token")).await;
    let mut conn = match bad {
        Err(Error::HandshakeRefused { .. }) => return Ok(()),
        Err(e) => return Err(e),
        Ok(c) => c,
    };
    // accepted: the server must close it (or answer unauthorized) before serving anything
    conn.send(&request(
        contract,
        "chk-auth",
        "frameproof.no_such_action",
        json!({}),
    ))
    .await
    .ok();
    match conn.until(timeout, |_| true).await {
        Err(_) => Ok(()),
        Ok(Some(f)) if error_code(contract, &f).as_deref() == Some("unauthorized") => Ok(()),
        Ok(other) => Err(fail!(
            "a bad token was accepted; the server answered {other:?}"
        )),
    }
}

async fn unauthenticated_rest(
    contract: &Contract,
    target: &Target,
    http: &reqwest::Client,
) -> Result<(), Error> {
    // the refresh action authenticates with its payload, not a bearer token
    let refresh = contract.transport.auth.refresh_action.as_deref();
    let (name, route) = contract
        .actions
        .iter()
        .filter(|(n, _)| Some(n.as_str()) != refresh)
        .find_map(|(n, a)| {
            a.rest
                .as_ref()
                .filter(|r| r.path_params.is_empty())
                .map(|r| (n, r))
        })
        .ok_or(fail!("no REST route without path parameters to try"))?;
    let url = format!("{}{}", target.http_url.trim_end_matches('/'), route.path);
    let r = http
        .request(
            reqwest::Method::from_bytes(route.method.as_str().as_bytes())
                .map_err(|e| fail!("{e}"))?,
            url,
        )
        .json(&json!({}))
        .send()
        .await
        .map_err(Error::Http)?;
    let unauthorized = contract
        .errors
        .get("unauthorized")
        .map(|e| e.status)
        .unwrap_or(401);
    if r.status().as_u16() == unauthorized {
        Ok(())
    } else {
        Err(fail!(
            "`{name}` without credentials answered {}",
            r.status()
        ))
    }
}

#[allow(clippy::too_many_arguments)]
async fn isolation(
    contract: &Contract,
    target: &Target,
    a: &str,
    a2: &str,
    b: &str,
    options: &CheckOptions,
    http: &reqwest::Client,
) -> Result<(), Error> {
    let timeout = options.timeout;
    let mut actor = Conn::open(target, contract, Some(a)).await?;
    let mut same = Conn::open(target, contract, Some(a2)).await?;
    let mut other = Conn::open(target, contract, Some(b)).await?;
    // find an action whose success emits a tenant event, by trying sampled payloads
    let mut rng = Rng::new(7);
    let mut created: Option<Value> = None;
    'search: for (name, spec) in &contract.actions {
        let tenant_event = spec.emits.iter().any(|e| {
            contract
                .events
                .get(e)
                .is_some_and(|ev| ev.scope == Scope::Tenant)
        });
        if !spec.websocket || !tenant_event {
            continue;
        }
        for attempt in 0..5 {
            let id = format!("chk-iso-{name}-{attempt}");
            let payload = sample(&spec.payload, &contract.defs, &mut rng);
            actor.send(&request(contract, &id, name, payload)).await?;
            let answer = actor
                .until(timeout, |f| response_id_is(contract, f, &id))
                .await
                .map_err(|c| fail!("closed {c:?}"))?;
            if let Some(ans) = answer.filter(|f| error_code(contract, f).is_none()) {
                created = contract.response_data(&ans).cloned();
                let seen = same
                    .until(timeout, |f| contract.event_name(f).is_some())
                    .await
                    .map_err(|c| fail!("closed {c:?}"))?;
                if seen.is_some() {
                    break 'search;
                }
            }
        }
    }
    let Some(created) = created else {
        return Err(actor.no_answer(
            "chk-iso-…",
            "no action with a tenant event succeeded with generated payloads; cannot check isolation",
        ));
    };
    if let Ok(Some(leak)) = other
        .until(options.quiet, |f| contract.event_name(f).is_some())
        .await
    {
        return Err(fail!("a connection of another tenant received {leak}"));
    }
    // and cannot read what was created, over either transport
    if let Some(id) = created.get("id").and_then(Value::as_str) {
        for (name, spec) in contract.actions.iter().filter(|(n, _)| n.ends_with(".get")) {
            let payload = json!({"id": id});
            if spec.websocket {
                other
                    .send(&request(contract, "chk-iso-read", name, payload.clone()))
                    .await?;
                if let Ok(Some(ans)) = other
                    .until(timeout, |f| response_id_is(contract, f, "chk-iso-read"))
                    .await
                {
                    if error_code(contract, &ans).is_none() {
                        return Err(fail!(
                            "another tenant read `{id}` with `{name}` over the WebSocket"
                        ));
                    }
                }
            }
            if let Ok(req) = contract.rest_request(name, &payload) {
                let url = format!("{}{}", target.http_url.trim_end_matches('/'), req.path);
                if let Ok(r) = http.get(url).bearer_auth(b).send().await {
                    if r.status().is_success() {
                        return Err(fail!("another tenant read `{id}` with `{name}` over REST"));
                    }
                }
            }
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn expiry(
    contract: &Contract,
    target: &Target,
    token: &str,
    refresh: &str,
    wait: Duration,
    timeout: Duration,
    http: &reqwest::Client,
) -> Result<(), Error> {
    let auth = &contract.transport.auth;
    let expired_event = auth
        .expired_event
        .as_deref()
        .ok_or(fail!("the contract names no expired_event"))?;
    let refresh_action = auth
        .refresh_action
        .as_deref()
        .ok_or(fail!("the contract names no refresh_action"))?;
    let probe = contract
        .actions
        .iter()
        .find(|(_, a)| {
            a.websocket
                && a.rest.as_ref().is_some_and(|r| {
                    r.method == frameproof_naming::HttpMethod::Get && r.path_params.is_empty()
                })
        })
        .map(|(n, _)| n.clone())
        .ok_or(fail!("no parameterless read action to probe with"))?;
    let mut c = Conn::open(target, contract, Some(token)).await?;
    c.until(wait, |f| contract.event_name(f) == Some(expired_event))
        .await
        .map_err(|code| fail!("the connection closed ({code:?}) instead of notifying"))?
        .ok_or_else(|| fail!("no `{expired_event}` within {} ms", wait.as_millis()))?;
    c.send(&request(contract, "chk-exp-1", &probe, json!({})))
        .await?;
    let refused = c
        .until(timeout, |f| response_id_is(contract, f, "chk-exp-1"))
        .await
        .map_err(|code| fail!("closed ({code:?})"))?;
    match refused
        .as_ref()
        .and_then(|f| error_code(contract, f))
        .as_deref()
    {
        Some("token_expired") | Some("unauthorized") => {}
        other => return Err(fail!("a request with the expired token answered {other:?}")),
    }
    // refresh over REST: the action's one required string field carries the refresh token
    let spec = &contract.actions[refresh_action];
    let field = frameproof_schema::sample::sample(&spec.payload, &contract.defs, &mut Rng::new(1))
        .as_object()
        .and_then(|m| m.keys().next().cloned())
        .ok_or(fail!("the refresh action's payload has no field"))?;
    let req = contract
        .rest_request(refresh_action, &json!({ field: refresh }))
        .map_err(Error::Rest)?;
    let url = format!("{}{}", target.http_url.trim_end_matches('/'), req.path);
    let method =
        reqwest::Method::from_bytes(req.method.as_str().as_bytes()).map_err(|e| fail!("{e}"))?;
    let mut r = http.request(method, url).query(&req.query);
    if let Some(b) = &req.body {
        r = r.json(b);
    }
    let resp = r.send().await.map_err(Error::Http)?;
    let status = resp.status();
    let body: Value = resp.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        return Err(fail!("`{refresh_action}` answered {status}: {body}"));
    }
    let fresh = body
        .as_object()
        .and_then(|m| {
            m.iter()
                .find(|(k, _)| k.contains("access"))
                .and_then(|(_, v)| v.as_str())
        })
        .ok_or_else(|| fail!("no access token in the refresh answer {body}"))?;
    let frame = contract
        .auth_frame(fresh)
        .ok_or(fail!("the envelope has no auth frame with a token member"))?;
    c.send(&frame).await?;
    c.send(&request(contract, "chk-exp-2", &probe, json!({})))
        .await?;
    let answer = c
        .until(timeout, |f| response_id_is(contract, f, "chk-exp-2"))
        .await
        .map_err(|code| fail!("the connection closed ({code:?}) after the new token"))?
        .ok_or_else(|| c.no_answer("chk-exp-2", "no answer after the new token"))?;
    match error_code(contract, &answer) {
        None => Ok(()),
        Some(code) => Err(fail!(
            "after the new token the request still fails with `{code}`"
        )),
    }
}

async fn routes(
    contract: &Contract,
    target: &Target,
    token: &str,
    http: &reqwest::Client,
) -> Vec<(String, Result<(), Error>)> {
    let mut out = Vec::new();
    let mut rng = Rng::new(11);
    for (name, spec) in &contract.actions {
        if spec.rest.is_none() {
            continue;
        }
        let payload = sample(&spec.payload, &contract.defs, &mut rng);
        let result = async {
            let req = contract.rest_request(name, &payload).map_err(Error::Rest)?;
            let url = format!("{}{}", target.http_url.trim_end_matches('/'), req.path);
            let method = reqwest::Method::from_bytes(req.method.as_str().as_bytes())
                .map_err(|e| fail!("{e}"))?;
            let mut r = http
                .request(method, url)
                .query(&req.query)
                .bearer_auth(token);
            if let Some(b) = &req.body {
                r = r.json(b);
            }
            let resp = r.send().await.map_err(Error::Http)?;
            let status = resp.status().as_u16();
            let body: Value = resp.json().await.unwrap_or(Value::Null);
            if (200..300).contains(&status) {
                return Ok(());
            }
            let code = contract
                .rest_error(&body)
                .map(|e| e.label())
                .unwrap_or_default();
            let code = code.as_str();
            if code == "unknown_action" {
                return Err(fail!(
                    "{} {} is not served ({status} unknown_action)",
                    req.method,
                    req.path
                ));
            }
            if let Some(spec) = contract.errors.get(code) {
                if spec.status != status {
                    return Err(fail!(
                        "answered `{code}` with HTTP {status}; the contract gives `{code}` HTTP {}",
                        spec.status
                    ));
                }
            }
            let allowed: Vec<u16> = contract
                .errors
                .iter()
                .filter(|(c, e)| e.any_action || spec.errors.iter().any(|d| d == *c))
                .map(|(_, e)| e.status)
                .collect();
            if allowed.contains(&status) {
                Ok(())
            } else {
                Err(fail!(
                    "answered {status} (`{code}`), a status none of its errors has"
                ))
            }
        }
        .await;
        out.push((name.clone(), result));
    }
    out
}

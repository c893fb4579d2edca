//! `frameproof fuzz`: property-based testing of a live server from the contract. Strategies
//! derived from each action's payload schema generate valid payloads and targeted invalid ones
//! (a wrong type, a missing required field, an unknown field, a bad enum value); each is sent
//! over both transports. Properties: every answer validates against the contract (the response
//! schema, or a declared error code with its HTTP status); the transports agree on whether the
//! payload was valid, and on success versus error for reads; the server neither crashes nor
//! drops the connection. The seed is printed and reproduces a run; a failing case is shrunk.

use std::sync::Mutex;
use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use serde_json::{json, Value};
use tokio::sync::mpsc;

use frameproof_naming::HttpMethod;
use frameproof_schema::sample::{sample, Rng};
use frameproof_schema::transcript::RestExchange;
use frameproof_schema::{AuthMethod, Contract, Direction, RestRequest, RestRoute};
use frameproof_validator::{Severity, Validator};

use crate::error::fail;
pub use crate::fuzz_raw::RawProbe;
use crate::fuzz_raw::{contract_accepts, disagreement, probes_of, refuses_input, ProbeText};
use crate::live::{Incoming, LiveConn};
use crate::replay::Target;
use crate::Error;

/// How a generated payload is spoiled (or not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mutation {
    Valid,
    WrongType,
    MissingRequired,
    UnknownField,
    BadEnum,
    /// An integer member written as a float (`5.0`): still valid by JSON Schema, so the server
    /// must take it (serde alone refuses it for an integer field).
    IntegralFloat,
    /// An integer member one past its declared maximum: invalid by the contract, so the server
    /// must refuse it (a server whose type is wider than the contract says would not).
    PastMaximum,
    /// A valid sample rewritten in its text (`-0`, `5e0`, a lone surrogate, a key named
    /// twice): the server must take it exactly when the contract does.
    Raw(RawProbe),
}

impl Mutation {
    /// Whether the contract still accepts a payload spoiled this way.
    pub fn keeps_it_valid(self) -> bool {
        matches!(self, Mutation::Valid | Mutation::IntegralFloat)
    }
}

#[derive(Debug, Clone)]
pub struct FuzzCase {
    pub action: String,
    pub mutation: Mutation,
    pub payload: Value,
    /// The payload member the mutation changed, when it changed one on purpose
    /// (`/estimate_minutes`).
    pub field: Option<String>,
}

impl FuzzCase {
    /// `` at `/by` `` when the case changed a member on purpose.
    fn at(&self) -> String {
        self.field
            .as_ref()
            .map(|f| format!(" at `{f}`"))
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone)]
pub struct FuzzReport {
    pub seed: u64,
    pub cases: u32,
    /// Raw-text probes sent after the cases (see [`RawProbe`]).
    pub raw_probes: u32,
    /// The smallest failing case and why, if any.
    pub failure: Option<(FuzzCase, String)>,
}

fn resolve<'a>(c: &'a Contract, s: &'a Value) -> &'a Value {
    frameproof_schema::resolve_ref(s, &c.defs)
}

/// Builds the payload of a case; `None` when the mutation does not apply to this schema.
pub fn payload(
    contract: &Contract,
    action: &str,
    seed: u64,
    mutation: Mutation,
    pick: usize,
) -> Option<(Value, Option<String>)> {
    let spec = contract.actions.get(action)?;
    let mut field = None;
    let mut value = sample(&spec.payload, &contract.defs, &mut Rng::new(seed));
    let schema = resolve(contract, &spec.payload);
    let props = schema.get("properties").and_then(Value::as_object);
    match mutation {
        Mutation::Valid => {}
        // written as text by `fuzz_raw`, never built as a value
        Mutation::Raw(_) => return None,
        Mutation::WrongType => {
            let keys: Vec<String> = value.as_object()?.keys().cloned().collect();
            let k = keys.get(pick % keys.len().max(1))?;
            value[k.as_str()] = json!({"frameproof_fuzz": [1, 2, 3]});
        }
        Mutation::MissingRequired => {
            let required: Vec<&str> = schema
                .get("required")?
                .as_array()?
                .iter()
                .filter_map(Value::as_str)
                .collect();
            let k = required.get(pick % required.len().max(1))?;
            value.as_object_mut()?.remove(*k);
        }
        Mutation::UnknownField => {
            if schema.get("additionalProperties") != Some(&json!(false)) {
                return None;
            }
            value
                .as_object_mut()?
                .insert("frameproof_fuzz_unknown".into(), json!(true));
        }
        Mutation::BadEnum => {
            let enums: Vec<&String> = props?
                .iter()
                .filter(|(k, s)| {
                    value.get(k.as_str()).is_some_and(|v| !v.is_null())
                        && resolve(contract, s).get("enum").is_some()
                })
                .map(|(k, _)| k)
                .collect();
            let k = enums.get(pick % enums.len().max(1))?;
            value[k.as_str()] = json!("frameproof_fuzz_not_a_value");
        }
        Mutation::IntegralFloat | Mutation::PastMaximum => {
            let integers: Vec<(&String, &Value)> = props?
                .iter()
                .filter(|(k, _)| value.get(k.as_str()).is_some_and(Value::is_number))
                .map(|(k, s)| (k, resolve(contract, s)))
                .filter(|(_, s)| is_integer(s))
                .collect();
            let (k, s) = integers.get(pick % integers.len().max(1))?;
            field = Some(frameproof_schema::pointer::push("", k));
            value[k.as_str()] = if mutation == Mutation::IntegralFloat {
                let n = value[k.as_str()].as_f64()?;
                float_written(n.trunc())
            } else {
                let max = s.get("maximum")?.as_u64()?;
                json!(max.checked_add(1)?)
            };
        }
    }
    Some((value, field))
}

/// An integer-typed schema (`integer`, or `["integer", "null"]`).
fn is_integer(schema: &Value) -> bool {
    match schema.get("type") {
        Some(Value::String(t)) => t == "integer",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "integer"),
        _ => false,
    }
}

/// A whole number as a JSON float (`5.0`), which serde_json keeps as a float.
fn float_written(n: f64) -> Value {
    serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
}

struct Live {
    conn: LiveConn,
    rx: mpsc::Receiver<(String, Incoming)>,
    next: u64,
}

/// How long a handshake or a REST call of a fuzz case may take.
const NETWORK: Duration = Duration::from_secs(10);

async fn open(contract: &Contract, target: &Target, token: &str) -> Result<Live, Error> {
    let param = contract
        .transport
        .auth
        .methods
        .iter()
        .find_map(|m| match m {
            AuthMethod::Query { param } => Some(param.clone()),
            _ => None,
        });
    let url = match param {
        Some(p) => format!("{}?{p}={token}", target.ws_url),
        None => target.ws_url.clone(),
    };
    let (tx, rx) = mpsc::channel(4096);
    let conn = LiveConn::connect(&url, "fuzz".into(), tx, NETWORK).await?;
    Ok(Live { conn, rx, next: 0 })
}

/// The errors among violations, one line each (`rule at pointer: message`).
fn errors_of(violations: Vec<frameproof_validator::Violation>) -> Vec<String> {
    violations
        .into_iter()
        .filter(|v| v.severity == Severity::Error)
        .map(|v| format!("{} at {}: {}", v.rule, v.pointer, v.message))
        .collect()
}

/// Waits for the answer to `id`. Events that arrive meanwhile (those the case's action emits,
/// and any other) are checked against the contract: one that breaks it fails the case.
async fn answer(
    live: &mut Live,
    validator: &Validator,
    id: &str,
    wait: Duration,
) -> Result<Value, Error> {
    let id = json!(id);
    answer_where(live, validator, wait, |contract, f| {
        contract.response_id(f) == Some(&id)
    })
    .await
}

/// Waits for the first frame `is_answer` accepts, checking events on the way (see [`answer`]).
async fn answer_where(
    live: &mut Live,
    validator: &Validator,
    wait: Duration,
    is_answer: impl Fn(&Contract, &Value) -> bool,
) -> Result<Value, Error> {
    let contract = validator.contract();
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, live.rx.recv()).await {
            Ok(Some((_, Incoming::Frame(f, raw)))) => {
                if is_answer(contract, &f) {
                    return Ok(f);
                }
                if let Some(event) = contract.event_name(&f) {
                    let found = errors_of(
                        validator
                            .check_frame(Direction::Server, raw.as_bytes())
                            .violations,
                    );
                    if !found.is_empty() {
                        return Err(fail!(
                            "event `{event}` breaks the contract: {}\nevent: {raw}",
                            found.join("; ")
                        ));
                    }
                }
            }
            Ok(Some((_, Incoming::Closed(close)))) => {
                return Err(match close {
                    Some((code, reason)) => {
                        fail!("the server closed the connection with {code} `{reason}`")
                    }
                    None => fail!("the connection ended without a close frame"),
                })
            }
            Ok(Some((_, Incoming::Binary(n)))) => {
                return Err(fail!("the server sent a binary frame of {n} bytes"))
            }
            Ok(None) => return Err(fail!("the connection ended")),
            Err(_) => return Err(fail!("no answer within {wait:?}")),
        }
    }
}

fn error_code(contract: &Contract, frame: &Value) -> Option<String> {
    contract.frame_error(frame).map(|e| e.label())
}

struct Runner<'a> {
    contract: &'a Contract,
    validator: Validator,
    target: &'a Target,
    token: String,
    http: reqwest::Client,
    live: Option<Live>,
}

/// Why a case failed: the server broke a property, or the network failed under it (which is
/// no finding about the server's contract, and ends the run as unusable).
enum CaseFailure {
    Property(String),
    Transport(Error),
}

impl From<Error> for CaseFailure {
    fn from(why: Error) -> CaseFailure {
        CaseFailure::Property(why.chain())
    }
}

impl From<String> for CaseFailure {
    fn from(why: String) -> CaseFailure {
        CaseFailure::Property(why)
    }
}

impl From<&str> for CaseFailure {
    fn from(why: &str) -> CaseFailure {
        CaseFailure::Property(why.to_owned())
    }
}

impl Runner<'_> {
    async fn connect(&mut self) -> Result<(), CaseFailure> {
        if self.live.is_none() {
            let live = open(self.contract, self.target, &self.token)
                .await
                .map_err(CaseFailure::Transport)?;
            self.live = Some(live);
        }
        Ok(())
    }

    /// One case: the payload over the WebSocket, then (where the action has a route) over
    /// REST, each answer held to the contract and the two transports to each other.
    async fn case(&mut self, case: &FuzzCase) -> Result<(), CaseFailure> {
        let ws_answer = self.send_over_websocket(case).await?;
        let ws_code = self.judge_websocket_answer(case, &ws_answer)?;
        // the same payload over REST
        let Some(route) = self
            .contract
            .actions
            .get(&case.action)
            .and_then(|a| a.rest.clone())
        else {
            return self.alive().await;
        };
        let Ok(req) = self.contract.rest_request(&case.action, &case.payload) else {
            // a mutation that cannot travel over REST (an object in the path)
            return self.alive().await;
        };
        let (status, body) = self.send_over_rest(&req).await?;
        self.judge_rest_answer(case, &route, &req, (status, &body), ws_code.as_deref())?;
        self.alive().await
    }

    /// Sends the case's request on the connection; its answer, checked against the contract
    /// in a session of its own.
    async fn send_over_websocket(&mut self, case: &FuzzCase) -> Result<Value, CaseFailure> {
        self.connect().await?;
        let live = self.live.as_mut().ok_or("no connection")?;
        live.next += 1;
        let id = format!("fuzz-{}", live.next);
        let request = self
            .contract
            .request_frame(json!(id), &case.action, case.payload.clone());
        let mut session = self.validator.session();
        session.observe(Direction::Client, request.to_string().as_bytes());
        live.conn
            .send_text(request.to_string())
            .await
            .map_err(CaseFailure::Transport)?;
        let ws_answer = answer(live, &self.validator, &id, Duration::from_secs(5)).await?;
        let found = errors_of(session.observe(Direction::Server, ws_answer.to_string().as_bytes()));
        if !found.is_empty() {
            return Err(format!(
                "the WebSocket answer breaks the contract: {}\nanswer: {ws_answer}",
                found.join("; ")
            )
            .into());
        }
        Ok(ws_answer)
    }

    /// Whether the WebSocket answer refused what it must and accepted what it must; its error
    /// code, if any.
    fn judge_websocket_answer(
        &self,
        case: &FuzzCase,
        ws_answer: &Value,
    ) -> Result<Option<String>, CaseFailure> {
        let ws_code = error_code(self.contract, ws_answer);
        // a server may refuse a valid payload for its own rules (a cursor it never issued); it
        // may not refuse the integer `5.0` at the member the case wrote it in
        let refused_at_field = case.field.as_ref().is_some_and(|field| {
            let name = field.trim_start_matches('/');
            self.contract.frame_error(ws_answer).is_some_and(|e| {
                let details = e.details.map(|d| d.to_string()).unwrap_or_default();
                let message = e.message.unwrap_or_default();
                details.contains(&format!("{field}\""))
                    || message.contains("floating point")
                    || message.contains(&format!("`{name}`"))
            })
        });
        if case.mutation == Mutation::IntegralFloat
            && ws_code.as_deref() == Some("validation_failed")
            && refused_at_field
        {
            return Err(format!(
                "the contract accepts this payload ({:?}{}), the server refused it over the WebSocket: {ws_answer}",
                case.mutation,
                case.at()
            )
            .into());
        }
        if !case.mutation.keeps_it_valid() && ws_code.as_deref() != Some("validation_failed") {
            return Err(format!(
                "an invalid payload ({:?}{}) was not refused with validation_failed over the WebSocket: {ws_answer}",
                case.mutation,
                case.at()
            )
            .into());
        }
        Ok(ws_code)
    }

    /// The same request over REST: its status and body.
    async fn send_over_rest(&self, req: &RestRequest) -> Result<(u16, Value), CaseFailure> {
        let url = format!("{}{}", self.target.http_url.trim_end_matches('/'), req.path);
        let method = reqwest::Method::from_bytes(req.method.as_str().as_bytes())
            .map_err(|e| e.to_string())?;
        let mut r = self
            .http
            .request(method, url)
            .query(&req.query)
            .bearer_auth(&self.token);
        if let Some(b) = &req.body {
            r = r.json(b);
        }
        let resp = r
            .send()
            .await
            .map_err(|e| CaseFailure::Transport(Error::RestCall(e)))?;
        let status = resp.status().as_u16();
        let body: Value = resp.json().await.unwrap_or(Value::Null);
        Ok((status, body))
    }

    /// The REST answer held to the contract, and to the WebSocket's answer: both refuse the
    /// payload as invalid or neither does, and a read succeeds on both or on neither.
    fn judge_rest_answer(
        &self,
        case: &FuzzCase,
        route: &RestRoute,
        req: &RestRequest,
        (status, body): (u16, &Value),
        ws_code: Option<&str>,
    ) -> Result<(), CaseFailure> {
        let check = self.validator.check_rest(&RestExchange {
            method: req.method.as_str().to_owned(),
            path: req.path.clone(),
            query: req.query.clone(),
            body: req.body.clone(),
            status,
            response: Some(body.clone()),
        });
        let found: Vec<String> = check
            .violations
            .iter()
            .filter(|v| v.rule != "rest.payload")
            .map(|v| format!("{} at {}: {}", v.rule, v.pointer, v.message))
            .collect();
        if !found.is_empty() {
            return Err(format!(
                "the REST answer breaks the contract: {}\n{status} {body}",
                found.join("; ")
            )
            .into());
        }
        let rest_code = self.contract.rest_error(body).map(|e| e.label());
        let rest_invalid = rest_code.as_deref() == Some("validation_failed");
        let ws_invalid = ws_code == Some("validation_failed");
        if rest_invalid != ws_invalid {
            return Err(format!(
                "the transports disagree on the payload's validity ({:?}{}): WebSocket {ws_code:?}, REST {status} {rest_code:?}",
                case.mutation,
                case.at()
            )
            .into());
        }
        if route.method == HttpMethod::Get && ws_code.is_none() != rest_code.is_none() {
            return Err(format!("a read succeeds on one transport only: WebSocket {ws_code:?}, REST {status} {rest_code:?}").into());
        }
        Ok(())
    }

    /// Every raw-text probe of every action, until one finds a disagreement: how many were
    /// sent, and the finding. A network failure ends the run as unusable.
    async fn raw_probes(
        &mut self,
        actions: &[String],
        seed: u64,
    ) -> Result<(u32, Option<(FuzzCase, String)>), Error> {
        let mut sent = 0;
        for action in actions {
            for probe in probes_of(self.contract, action, seed) {
                sent += 1;
                match self.raw_probe(&probe).await {
                    Ok(()) => {}
                    Err(CaseFailure::Transport(why)) => {
                        return Err(Error::NetworkFailed(Box::new(why)))
                    }
                    Err(CaseFailure::Property(why)) => {
                        let case = FuzzCase {
                            action: probe.action.clone(),
                            mutation: Mutation::Raw(probe.probe),
                            payload: probe.payload.clone(),
                            field: Some(probe.field.clone()),
                        };
                        return Ok((sent, Some((case, why))));
                    }
                }
            }
        }
        Ok((sent, None))
    }

    /// One raw-text probe over the WebSocket: the plain sample first (a server that refuses
    /// the sample itself says nothing about the probe), then the probe's bytes; the contract's
    /// verdict on those bytes and the server's must agree.
    async fn raw_probe(&mut self, probe: &ProbeText) -> Result<(), CaseFailure> {
        self.connect().await?;
        let live = self.live.as_mut().ok_or("no connection")?;
        live.next += 1;
        let plain_id = format!("fuzz-raw-plain-{}", live.next);
        let plain =
            self.contract
                .request_frame(json!(plain_id), &probe.action, probe.payload.clone());
        live.conn
            .send_text(plain.to_string())
            .await
            .map_err(CaseFailure::Transport)?;
        let plain_answer = answer(live, &self.validator, &plain_id, Duration::from_secs(5)).await?;
        if refuses_input(self.contract, &plain_answer) {
            return Ok(());
        }
        live.conn
            .send_text(probe.text.clone())
            .await
            .map_err(CaseFailure::Transport)?;
        // bytes the server could not read are answered without their id
        let probe_id = json!(crate::fuzz_raw::PROBE_ID);
        let probe_answer =
            answer_where(
                live,
                &self.validator,
                Duration::from_secs(5),
                |c, f| match c.response_id(f) {
                    Some(id) => *id == probe_id || (id.is_null() && c.frame_error(f).is_some()),
                    None => c.frame_error(f).is_some(),
                },
            )
            .await?;
        let verdict = contract_accepts(&self.validator, &probe.text);
        let refused = refuses_input(self.contract, &probe_answer);
        if let Some(finding) = disagreement(probe, &verdict, refused, &probe_answer) {
            return Err(CaseFailure::Property(finding));
        }
        self.alive().await
    }

    /// The connection still answers after the case.
    async fn alive(&mut self) -> Result<(), CaseFailure> {
        let live = self.live.as_mut().ok_or("no connection")?;
        live.next += 1;
        let id = format!("fuzz-alive-{}", live.next);
        let probe = self
            .contract
            .request_frame(json!(id), "frameproof.fuzz_probe", json!({}));
        live.conn
            .send_text(probe.to_string())
            .await
            .map_err(CaseFailure::Transport)?;
        answer(live, &self.validator, &id, Duration::from_secs(5))
            .await
            .map(|_| ())
            .map_err(CaseFailure::from)
    }
}

/// The mutations a case draws from: valid payloads three times as often as each spoiling.
fn mutations() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => Just(Mutation::Valid),
        1 => Just(Mutation::WrongType),
        1 => Just(Mutation::MissingRequired),
        1 => Just(Mutation::UnknownField),
        1 => Just(Mutation::BadEnum),
        1 => Just(Mutation::IntegralFloat),
        1 => Just(Mutation::PastMaximum),
    ]
}

/// Runs `cases` cases from `seed` against the server.
pub fn run(
    contract: &Contract,
    target: &Target,
    token: &str,
    seed: u64,
    cases: u32,
) -> Result<FuzzReport, Error> {
    let validator = Validator::new(contract).map_err(Error::Contract)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Error::Runtime)?;
    let actions: Vec<String> = contract
        .actions
        .iter()
        .filter(|(_, a)| a.websocket)
        .map(|(n, _)| n.clone())
        .collect();
    if actions.is_empty() {
        return Err(Error::NothingToFuzz);
    }
    let runner = Mutex::new(Runner {
        contract,
        validator,
        target,
        token: token.to_owned(),
        http: crate::live::http_client(NETWORK)?,
        live: None,
    });
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 64,
        // a server that answers slowly or not at all cannot turn shrinking into minutes
        max_shrink_time: 30_000,
        ..Config::default()
    };
    let mut test =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes));
    let strategy = (0..actions.len(), any::<u64>(), mutations(), any::<usize>());
    // the server must be reachable before any case says anything about it
    {
        let mut r = runner
            .lock()
            .map_err(|_| fail!("the fuzz runner is poisoned"))?;
        match runtime.block_on(r.connect()) {
            Ok(()) => {}
            Err(CaseFailure::Transport(why)) => return Err(Error::Unreachable(Box::new(why))),
            Err(CaseFailure::Property(why)) => {
                return Err(Error::Unreachable(Box::new(Error::Failed(why))))
            }
        }
    }
    let transport_failed: Mutex<Option<Error>> = Mutex::new(None);
    let last_failure: Mutex<Option<(FuzzCase, String)>> = Mutex::new(None);
    let result = test.run(&strategy, |(a, s, m, pick)| {
        let action = &actions[a];
        let Some((payload, field)) = payload(contract, action, s, m, pick) else {
            return Ok(());
        };
        let case = FuzzCase {
            action: action.clone(),
            mutation: m,
            payload,
            field,
        };
        if transport_failed.lock().map_or(true, |t| t.is_some()) {
            // the network failed: the remaining cases say nothing about the server
            return Ok(());
        }
        let mut r = runner
            .lock()
            .map_err(|_| TestCaseError::fail("runner poisoned"))?;
        match runtime.block_on(r.case(&case)) {
            Ok(()) => Ok(()),
            Err(CaseFailure::Transport(why)) => {
                if let Ok(mut t) = transport_failed.lock() {
                    *t = Some(why);
                }
                Ok(())
            }
            Err(CaseFailure::Property(why)) => {
                // a dropped connection is reopened for the next case
                r.live = None;
                if let Ok(mut last) = last_failure.lock() {
                    *last = Some((case, why.clone()));
                }
                Err(TestCaseError::fail(why))
            }
        }
    });
    if let Some(why) = transport_failed.into_inner().ok().flatten() {
        return Err(Error::NetworkFailed(Box::new(why)));
    }
    let mut failure = match result {
        Ok(()) => None,
        Err(_) => last_failure.lock().ok().and_then(|l| l.clone()),
    };
    let mut raw_probes = 0;
    if failure.is_none() {
        let mut r = runner
            .lock()
            .map_err(|_| fail!("the fuzz runner is poisoned"))?;
        let (sent, found) = runtime.block_on(r.raw_probes(&actions, seed))?;
        raw_probes = sent;
        failure = found;
    }
    Ok(FuzzReport {
        seed,
        cases,
        raw_probes,
        failure,
    })
}

//! The recording's connections made live: opened with their credentials, each spread over the
//! instances, each with a session that checks every live frame against the contract.

use super::*;

/// What a connection does in the recording (the header's `role`): the actor sends the requests
/// (in a REST run, its requests go over REST unless the options name another connection), an
/// observer only receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Actor,
    Observer,
    /// No role, or one this replay does not know: informative only.
    Unspecified,
}

impl Role {
    pub(super) fn of(info: &ConnectionInfo) -> Role {
        match info.role.as_str() {
            "actor" => Role::Actor,
            "observer" => Role::Observer,
            _ => Role::Unspecified,
        }
    }
}

#[derive(Default)]
pub(super) struct ConnState {
    pub(super) live: Option<LiveConn>,
    pub(super) expected: Vec<Expectation>,
    pub(super) unclaimed: Vec<Value>,
    pub(super) token: Option<String>,
    /// Recorded request id → action, for naming steps.
    pub(super) actions: HashMap<String, String>,
    /// Answers of requests sent over REST, by recorded id: (action, status, body).
    pub(super) rest_answers: HashMap<String, (String, u16, Value)>,
    /// The server closed this connection (code and reason; `None` without a close frame), not
    /// yet held against the recording.
    pub(super) server_closed: Option<Option<(u16, String)>>,
    /// Binary frames the server sent, not yet reported (their sizes).
    pub(super) binary: Vec<usize>,
    /// Every live frame is checked against the contract in this connection's session, as well
    /// as compared with the recording (a matcher never switches the contract off).
    pub(super) session: Option<frameproof_validator::Session>,
    /// The replay closed this connection (the server's answer to that close is no news).
    pub(super) closed_by_us: bool,
}

impl Engine<'_> {
    /// The instance a connection talks to: connections in the order they first appear, spread
    /// over the target and the other instances in turn.
    pub(super) fn target_of(&self, conn: &str) -> &Target {
        let n = 1 + self.options.instances.len();
        let index = self.order.iter().position(|c| c == conn).unwrap_or(0) % n;
        match index {
            0 => self.target,
            i => &self.options.instances[i - 1],
        }
    }

    pub(super) fn info(&self, conn: &str) -> Option<&ConnectionInfo> {
        self.header.connection(conn)
    }

    pub(super) fn state(&mut self, conn: &str) -> &mut ConnState {
        if !self.conns.contains_key(conn) {
            self.order.push(conn.to_owned());
        }
        self.conns.entry(conn.to_owned()).or_default()
    }

    /// The connection's token (resolved from the header's placeholder).
    pub(super) fn token_of(&self, conn: &str) -> Result<Option<String>, Error> {
        if let Some(t) = self.conns.get(conn).and_then(|c| c.token.clone()) {
            return Ok(Some(t));
        }
        match self
            .info(conn)
            .and_then(|i| i.credentials.get("token"))
            .and_then(Value::as_str)
        {
            Some(placeholder) => self.options.credentials.resolve(placeholder).map(Some),
            None => Ok(None),
        }
    }

    pub(super) async fn ensure_open(&mut self, conn: &str, line: u64) -> bool {
        self.report_server_close(conn, Some(line));
        if self.conns.get(conn).is_some_and(|c| c.live.is_some()) {
            return true;
        }
        self.state(conn).closed_by_us = false;
        let token = match self.token_of(conn) {
            Ok(t) => t,
            Err(e) => {
                self.steps.push(StepResult::fail(
                    Some(line),
                    conn,
                    "open the connection",
                    e.chain(),
                ));
                return false;
            }
        };
        let methods = &self.contract.transport.auth.methods;
        let query = methods.iter().find_map(|m| match m {
            AuthMethod::Query { param } => Some(param.clone()),
            _ => None,
        });
        let mut params: Vec<String> = Vec::new();
        if let (Some(t), Some(param)) = (&token, &query) {
            params.push(format!("{param}={t}"));
        }
        // a connection recorded at an older contract version says so again
        let version = self.info(conn).and_then(|i| i.version.clone());
        if let (Some(v), Some(versioning)) = (version, &self.contract.transport.versioning) {
            for m in &versioning.methods {
                if let frameproof_schema::VersionMethod::Query { param } = m {
                    params.push(format!("{param}={v}"));
                }
            }
        }
        let ws_url = self.target_of(conn).ws_url.clone();
        let url = if params.is_empty() {
            ws_url
        } else {
            format!("{ws_url}?{}", params.join("&"))
        };
        let started = Instant::now();
        let within = self.options.network_timeout;
        let result = LiveConn::connect(&url, conn.to_owned(), self.tx.clone(), within).await;
        self.waiting += started.elapsed();
        match result {
            Ok(mut live) => {
                if let (Some(t), None) = (&token, &query) {
                    // first-message authentication
                    if let Some(frame) = self.auth_frame(t) {
                        let _ = live.send_text(frame.to_string()).await;
                    }
                }
                let state = self.state(conn);
                state.live = Some(live);
                state.token = token;
                true
            }
            Err(e) => {
                self.steps.push(StepResult::fail(
                    Some(line),
                    conn,
                    "open the connection",
                    e.chain(),
                ));
                false
            }
        }
    }

    fn auth_frame(&self, token: &str) -> Option<Value> {
        let control = self
            .contract
            .envelope
            .control
            .iter()
            .find(|c| c.kind == ControlKind::Auth)?;
        let mut frame = json!({});
        for (p, v) in &control.when {
            set(&mut frame, p, v.clone());
        }
        set(
            &mut frame,
            control.token.as_deref()?,
            Value::String(token.to_owned()),
        );
        Some(frame)
    }

    pub(super) fn session(&mut self, conn: &str) -> &mut frameproof_validator::Session {
        let validator = self.validator.clone();
        let rpc = self.is_rpc(conn);
        let state = self.state(conn);
        state.session.get_or_insert_with(|| {
            let s = if rpc {
                validator.rpc_session()
            } else {
                validator.session()
            };
            s.with_location("live", conn.to_owned())
        })
    }

    /// A live server frame that breaks the contract fails a step naming the rule, whatever the
    /// recording's matchers allow. Session bookkeeping rules are left to the comparison.
    pub(super) fn check_live(&mut self, conn: &str, frame: &Value, raw: &str) {
        // the text as it arrived: a key named twice is seen, as `validate` sees it
        let found = self
            .session(conn)
            .observe(Direction::Server, raw.as_bytes());
        for v in found {
            if v.severity != frameproof_validator::Severity::Error
                || v.rule.id().starts_with("session.")
            {
                continue;
            }
            let at = if v.pointer.is_empty() {
                "/"
            } else {
                &v.pointer
            };
            let mut step = StepResult::fail(
                None,
                conn,
                "a live frame keeps the contract",
                format!("[{}] at {at}: {}", v.rule, v.message),
            );
            if let crate::Outcome::Fail { actual, .. } = &mut step.outcome {
                *actual = Some(frame.clone());
            }
            self.steps.push(step);
        }
    }

    /// A close the recording does not have fails a step that names its code and reason;
    /// binary frames are reported, never dropped.
    pub(super) fn report_server_close(&mut self, conn: &str, line: Option<u64>) {
        let state = self.state(conn);
        let binary = std::mem::take(&mut state.binary);
        let close = state.server_closed.take();
        for n in binary {
            self.steps.push(StepResult::fail(
                line,
                conn,
                "unexpected frame",
                format!("the server sent a binary frame of {n} bytes; the recording has none"),
            ));
        }
        if let Some(close) = close {
            self.steps.push(StepResult::fail(
                line,
                conn,
                "the connection stays open",
                format!(
                    "{}; the recording goes on without a close",
                    describe_close(&close)
                ),
            ));
        }
    }
}

/// Sets a value at a JSON pointer, creating objects on the way.
fn set(root: &mut Value, ptr: &str, value: Value) {
    let Ok(segs) = pointer::segments(ptr) else {
        return;
    };
    let mut cur = root;
    for (i, seg) in segs.iter().enumerate() {
        if !cur.is_object() {
            *cur = json!({});
        }
        let Value::Object(map) = cur else { return };
        if i + 1 == segs.len() {
            map.insert(seg.clone(), value);
            return;
        }
        cur = map.entry(seg.clone()).or_insert_with(|| json!({}));
    }
}

/// How the server ended a connection, for a step's message.
pub(super) fn describe_close(close: &Option<(u16, String)>) -> String {
    match close {
        Some((code, reason)) if reason.is_empty() => {
            format!("the server closed the connection with {code}")
        }
        Some((code, reason)) => format!("the server closed the connection with {code} `{reason}`"),
        None => "the server's connection ended without a close frame".into(),
    }
}

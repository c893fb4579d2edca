//! The REST leg: the actor's requests as REST calls, their answers against the recorded
//! WebSocket responses, and recorded REST exchanges replayed.

use super::*;

impl Engine<'_> {
    pub(super) async fn call(
        &mut self,
        conn: &str,
        method: &str,
        path: &str,
        query: &[(String, String)],
        body: Option<&Value>,
        token: Option<&str>,
    ) -> Result<(u16, Value), Error> {
        let base = self.target_of(conn).http_url.clone();
        let url = format!("{}{}", base.trim_end_matches('/'), path);
        let method = reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| fail!("{e}"))?;
        let mut req = self.http.request(method, url).query(query);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let started = Instant::now();
        let result = req.send().await;
        let out = match result {
            Err(e) => Err(Error::RestCall(e)),
            Ok(r) => {
                let status = r.status().as_u16();
                let text = r.text().await.unwrap_or_default();
                Ok((
                    status,
                    serde_json::from_str(&text).unwrap_or(Value::String(text)),
                ))
            }
        };
        self.waiting += started.elapsed();
        out
    }

    pub(super) async fn rest_request(
        &mut self,
        line: u64,
        conn: &str,
        recorded_id: String,
        action: &str,
        payload: &Value,
    ) {
        let request = match self.contract.rest_request(action, payload) {
            Ok(r) => r,
            Err(e) => {
                self.steps.push(StepResult::fail(
                    Some(line),
                    conn,
                    format!("`{action}` over REST"),
                    e.to_string(),
                ));
                return;
            }
        };
        let token = match self.token_of(conn) {
            Ok(t) => t,
            Err(e) => {
                self.steps.push(StepResult::fail(
                    Some(line),
                    conn,
                    "resolve credentials",
                    e.chain(),
                ));
                return;
            }
        };
        match self
            .call(
                conn,
                request.method.as_str(),
                &request.path,
                &request.query,
                request.body.as_ref(),
                token.as_deref(),
            )
            .await
        {
            Ok((status, body)) => {
                self.state(conn)
                    .rest_answers
                    .insert(recorded_id, (action.to_owned(), status, body));
            }
            Err(e) => self.steps.push(StepResult::fail(
                Some(line),
                conn,
                format!("`{action}` over REST"),
                e.chain(),
            )),
        }
    }

    /// A REST answer against the recorded WebSocket response, through the status table.
    pub(super) fn compare_rest_answer(
        &mut self,
        line: u64,
        conn: &str,
        action: &str,
        recorded: &Value,
        status: u16,
        body: &Value,
    ) {
        let step = format!("`{action}` over REST");
        let recorded_ok = match self
            .validator
            .check_frame(Direction::Server, recorded.to_string().as_bytes())
            .kind
        {
            FrameKind::Error { code, .. } => Err(code),
            _ => Ok(()),
        };
        match recorded_ok {
            Ok(()) => {
                if !(200..300).contains(&status) {
                    let mut s = StepResult::fail(
                        Some(line),
                        conn,
                        step,
                        format!("the WebSocket answered ok; REST answered {status}"),
                    );
                    if let crate::Outcome::Fail {
                        expected, actual, ..
                    } = &mut s.outcome
                    {
                        *expected = self.contract.response_data(recorded).cloned();
                        *actual = Some(body.clone());
                    }
                    self.steps.push(s);
                    return;
                }
                // matchers are written in frame coordinates (`/data/duration_seconds`): the REST
                // answer goes where the frame holds its data, so they mean the same over both
                // transports
                let live = self.contract.with_response_data(recorded, body.clone());
                let shape = Shape::of(self.contract, recorded, &|_| Some(action.to_owned()));
                let diffs = self.bindings.compare(recorded, &live, &shape);
                self.steps.push(if diffs.is_empty() {
                    StepResult::pass(Some(line), conn, step)
                } else {
                    StepResult::mismatch(Some(line), conn, step, recorded, &live, &diffs)
                });
            }
            Err(code) => {
                let code = code.unwrap_or_default();
                let want = self
                    .contract
                    .errors
                    .get(&code)
                    .map(|e| e.status)
                    .unwrap_or(0);
                let got_code = self
                    .contract
                    .rest_error(body)
                    .map(|e| e.label())
                    .unwrap_or_default();
                if status == want && got_code == code {
                    // the whole error, not only its code: the REST error object goes where the
                    // frame holds its error, and is compared as the frame's would be
                    let error = body
                        .get(frameproof_schema::wire::REST_ERROR_MEMBER)
                        .cloned()
                        .unwrap_or(Value::Null);
                    let live = self.contract.with_error_object(recorded, error);
                    let diffs = self.bindings.compare(recorded, &live, &Shape::unknown());
                    self.steps.push(if diffs.is_empty() {
                        StepResult::pass(Some(line), conn, step)
                    } else {
                        StepResult::mismatch(Some(line), conn, step, recorded, &live, &diffs)
                    });
                } else {
                    self.steps.push(StepResult::fail(
                        Some(line),
                        conn,
                        step,
                        format!(
                            "the WebSocket answered error `{code}` (HTTP {want} by the contract); REST answered {status} with code `{got_code}`"
                        ),
                    ));
                }
            }
        }
    }

    pub(super) async fn rest_record(
        &mut self,
        line: u64,
        conn: &str,
        ex: &frameproof_schema::transcript::RestExchange,
    ) {
        let path = self.bindings.substitute_str(&ex.path);
        let query: Vec<(String, String)> = ex
            .query
            .iter()
            .map(|(k, v)| (k.clone(), self.bindings.substitute_str(v)))
            .collect();
        let mut body = ex.body.clone();
        if let Some(b) = &body {
            self.bindings.client_sent(b);
        }
        if let Some(b) = body.as_mut() {
            self.bindings.substitute(b);
            if let Err(e) = self.options.credentials.resolve_value(b) {
                self.steps.push(StepResult::fail(
                    Some(line),
                    conn,
                    "resolve credentials",
                    e.chain(),
                ));
                return;
            }
        }
        let token = self.token_of(conn).ok().flatten();
        let step = format!("REST {} {}", ex.method, ex.path);
        match self
            .call(
                conn,
                &ex.method,
                &path,
                &query,
                body.as_ref(),
                token.as_deref(),
            )
            .await
        {
            Err(e) => self
                .steps
                .push(StepResult::fail(Some(line), conn, step, e.chain())),
            Ok((status, live)) => {
                if status != ex.status {
                    let mut s = StepResult::fail(
                        Some(line),
                        conn,
                        step,
                        format!("recorded HTTP {}, live {status}", ex.status),
                    );
                    if let crate::Outcome::Fail {
                        expected, actual, ..
                    } = &mut s.outcome
                    {
                        *expected = ex.response.clone();
                        *actual = Some(live);
                    }
                    self.steps.push(s);
                    return;
                }
                let mut recorded = ex.response.clone().unwrap_or(Value::Null);
                let _ = self.options.credentials.resolve_value(&mut recorded);
                let shape = Shape::of_rest_answer(self.contract, &ex.method, &ex.path);
                let diffs = self.bindings.compare(&recorded, &live, &shape);
                self.steps.push(if diffs.is_empty() {
                    StepResult::pass(Some(line), conn, step)
                } else {
                    StepResult::mismatch(Some(line), conn, step, &recorded, &live, &diffs)
                });
            }
        }
    }
}

//! Exchanges with the contract's RPC endpoint (a request POSTed, its answer's frames).

use super::*;

impl Engine<'_> {
    /// Whether a connection of the recording is an exchange with the RPC endpoint.
    pub(super) fn is_rpc(&self, conn: &str) -> bool {
        self.info(conn)
            .and_then(|i| i.transport.as_deref())
            .is_some_and(|t| t == frameproof_schema::transcript::RPC_TRANSPORT)
    }

    /// POSTs a frame to the contract's RPC endpoint; the frames of the answer arrive on the
    /// connection as if the server had sent them over the socket, and are compared so.
    pub(super) async fn rpc_send(&mut self, line: u64, conn: &str, frame: &Value) {
        let Some(endpoint) = self.contract.transport.rest.rpc_endpoint.clone() else {
            self.steps.push(StepResult::fail(
                Some(line),
                conn,
                "send over the RPC endpoint",
                "the contract has no RPC endpoint (transport.rest.rpc_endpoint)",
            ));
            return;
        };
        let text = frame.to_string();
        let _ = self
            .session(conn)
            .observe(Direction::Client, text.as_bytes());
        let url = format!(
            "{}{endpoint}",
            self.target_of(conn).http_url.trim_end_matches('/')
        );
        let mut req = self
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            // MCP's HTTP transport answers either way and refuses a client that takes only one
            .header(
                reqwest::header::ACCEPT,
                "application/json, text/event-stream",
            )
            .body(text);
        if let Ok(Some(t)) = self.token_of(conn) {
            req = req.bearer_auth(t);
        }
        let session_header = self.contract.transport.rest.rpc_session_header.clone();
        if let (Some(name), Some(value)) = (&session_header, &self.rpc_session) {
            req = req.header(name.as_str(), value.as_str());
        }
        let started = Instant::now();
        let answer = match req.send().await {
            Ok(r) => {
                // the session the endpoint hands out holds this run's later exchanges together
                let handed = session_header
                    .as_deref()
                    .and_then(|name| r.headers().get(name))
                    .and_then(|v| v.to_str().ok());
                if let Some(value) = handed {
                    self.rpc_session = Some(value.to_owned());
                }
                let content_type = r
                    .headers()
                    .get(reqwest::header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                r.text().await.map(|body| (content_type, body))
            }
            Err(e) => Err(e),
        };
        self.waiting += started.elapsed();
        match answer {
            Ok((content_type, body)) => {
                for raw in frameproof_validator::rpc::answer_frames(content_type.as_deref(), &body)
                {
                    let value = serde_json::from_str(&raw).unwrap_or(Value::String(raw.clone()));
                    self.take(conn.to_owned(), Incoming::Frame(value, raw));
                }
            }
            Err(e) => self.steps.push(StepResult::fail(
                Some(line),
                conn,
                "send over the RPC endpoint",
                format!("the RPC call failed: {e}"),
            )),
        }
    }
}

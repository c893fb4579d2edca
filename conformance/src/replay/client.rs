//! Client frames made live and sent: over the socket, as a REST call, or to the RPC endpoint.

use super::*;

impl Engine<'_> {
    /// A recorded client message, sent once the frames recorded before it have arrived.
    pub(super) async fn client_message(
        &mut self,
        line: u64,
        conn: &str,
        bytes: &[u8],
        binary: bool,
    ) {
        self.barrier().await;
        if self.is_rpc(conn) {
            // an exchange with the RPC endpoint travels as one again
            match serde_json::from_slice::<Value>(bytes) {
                Ok(recorded) => {
                    if let Some(frame) = self.prepare_client_frame(line, conn, recorded) {
                        self.rpc_send(line, conn, &frame).await;
                    }
                }
                Err(e) => self.steps.push(StepResult::fail(
                    Some(line),
                    conn,
                    "read a request frame",
                    e.to_string(),
                )),
            }
            return;
        }
        if !self.ensure_open(conn, line).await {
            return;
        }
        if binary {
            if let Some(live) = self.conns.get_mut(conn).and_then(|c| c.live.as_mut()) {
                let _ = live.send_binary(bytes.to_vec()).await;
            }
            return;
        }
        match serde_json::from_slice::<Value>(bytes) {
            Ok(frame) => self.client_frame(line, conn, frame).await,
            Err(_) => {
                let text = String::from_utf8_lossy(bytes).into_owned();
                if let Some(live) = self.conns.get_mut(conn).and_then(|c| c.live.as_mut()) {
                    if let Err(e) = live.send_text(text).await {
                        self.steps.push(StepResult::fail(
                            Some(line),
                            conn,
                            "send a frame",
                            e.chain(),
                        ));
                    }
                }
            }
        }
    }

    /// A recorded client frame made live: values the server generated bound to this run's,
    /// credentials resolved.
    fn prepare_client_frame(&mut self, line: u64, conn: &str, recorded: Value) -> Option<Value> {
        self.bindings.client_sent(&recorded);
        let mut frame = recorded;
        self.bindings.substitute(&mut frame);
        if let Err(e) = self.options.credentials.resolve_value(&mut frame) {
            self.steps.push(StepResult::fail(
                Some(line),
                conn,
                "resolve credentials",
                e.chain(),
            ));
            return None;
        }
        Some(frame)
    }

    async fn client_frame(&mut self, line: u64, conn: &str, recorded: Value) {
        let Some(frame) = self.prepare_client_frame(line, conn, recorded) else {
            return;
        };
        let kind = self
            .validator
            .check_frame(Direction::Client, frame.to_string().as_bytes())
            .kind;
        if let FrameKind::Control {
            kind: ControlKind::Auth,
            ..
        } = kind
        {
            // later REST calls of this connection use the new token
            let token = self
                .contract
                .envelope
                .control
                .iter()
                .find(|c| c.kind == ControlKind::Auth)
                .and_then(|c| c.token.as_deref())
                .and_then(|p| frame.pointer(p))
                .and_then(Value::as_str)
                .map(str::to_owned);
            if let Some(t) = token {
                self.state(conn).token = Some(t);
            }
        }
        // a batch's items are named by their ids too (their answers' schemas are the actions')
        let items: Vec<(String, String)> = self
            .contract
            .batch_items(&frame)
            .into_iter()
            .flatten()
            .filter_map(|item| {
                let id = self.contract.request_id(item)?;
                let action = self.contract.request_action(item)?;
                Some((id_key(id), action.to_owned()))
            })
            .collect();
        self.state(conn).actions.extend(items);
        // over HTTP, what has no REST route of its own goes to the RPC endpoint (a batch, an
        // action served only there)
        let rpc_fallback = self.transport == Transport::Rest
            && self.contract.transport.rest.rpc_endpoint.is_some()
            && self.actor.as_deref().is_none_or(|a| a == conn)
            && match &kind {
                FrameKind::Batch(_) => true,
                FrameKind::Request { action, .. } => self
                    .contract
                    .actions
                    .get(action)
                    .is_some_and(|a| a.rest.is_none()),
                _ => false,
            };
        if rpc_fallback {
            if self.actor.is_none() {
                self.actor = Some(conn.to_owned());
            }
            self.rpc_send(line, conn, &frame).await;
            return;
        }
        if let FrameKind::Request { id, action } = &kind {
            let recorded_id = id_key(id);
            self.state(conn)
                .actions
                .insert(recorded_id.clone(), action.clone());
            if self.actor.is_none() {
                self.actor = Some(conn.to_owned());
            }
            let over_rest = self.transport == Transport::Rest
                && self.actor.as_deref() == Some(conn)
                && self
                    .contract
                    .actions
                    .get(action)
                    .is_some_and(|a| a.rest.is_some());
            if over_rest {
                let payload = self
                    .contract
                    .request_payload(&frame)
                    .cloned()
                    .unwrap_or(Value::Null);
                self.rest_request(line, conn, recorded_id, action, &payload)
                    .await;
                return;
            }
        }
        let text = frame.to_string();
        // the connection's session sees what was sent, so answers are checked against the
        // schema of the action they answer
        let _ = self
            .session(conn)
            .observe(Direction::Client, text.as_bytes());
        if let Some(live) = self.conns.get_mut(conn).and_then(|c| c.live.as_mut()) {
            if let Err(e) = live.send_text(text).await {
                self.steps.push(StepResult::fail(
                    Some(line),
                    conn,
                    "send a frame",
                    e.chain(),
                ));
            }
        }
    }
}

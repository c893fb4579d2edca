//! The connection card: WebSocket path, REST base path, authentication, token refresh,
//! heartbeat, envelope.

use std::fmt::Write as _;

use frameproof_schema::AuthMethod;

use super::text::{anchor, esc};
use super::Doc;

impl Doc<'_> {
    pub(super) fn connection(&self) -> String {
        let t = &self.contract.transport;
        let auth: Vec<String> = t
            .auth
            .methods
            .iter()
            .map(|m| match m {
                AuthMethod::Query { param } => format!("token in the query string: <code>{}?{}=&lt;token&gt;</code>", esc(&t.websocket.path), esc(param)),
                AuthMethod::FirstMessage { timeout_ms } => format!("an <code>auth</code> control frame as the first message, within {timeout_ms} ms"),
                AuthMethod::Ticket { action, param } => format!("a ticket from <code>{}</code> as <code>?{}=</code>", esc(action), esc(param)),
                AuthMethod::Header { name } => format!("the <code>{}</code> handshake header", esc(name)),
            })
            .collect();
        let mut out = String::from("<article class=\"card\" id=\"connection\" data-search=\"connection websocket rest auth token heartbeat refresh\"><dl class=\"kv\">");
        let _ = write!(
            out,
            "<dt>WebSocket</dt><dd><code>{}</code>{}</dd>",
            esc(&t.websocket.path),
            t.websocket
                .max_frame_bytes
                .map(|m| format!(" · frames up to {m} bytes"))
                .unwrap_or_default()
        );
        let _ = write!(
            out,
            "<dt>REST</dt><dd>base path <code>{}</code> · <code>{} &lt;token&gt;</code></dd>",
            esc(&t.rest.base_path),
            esc(&t.auth.rest_header)
        );
        let _ = write!(
            out,
            "<dt>authentication</dt><dd>{}</dd>",
            auth.join("; or ")
        );
        if let (Some(ev), Some(act)) = (&t.auth.expired_event, &t.auth.refresh_action) {
            let _ = write!(
                out,
                "<dt>token refresh</dt><dd>on <a href=\"#{}\"><code>{}</code></a>: call <a href=\"#{}\"><code>{}</code></a>, then send <code>{{\"type\":\"auth\",\"token\":…}}</code> on the same socket</dd>",
                anchor("event", ev), esc(ev), anchor("action", act), esc(act)
            );
        }
        let _ = write!(out, "<dt>heartbeat</dt><dd>the server pings every {} ms; no answer within {} ms closes the connection</dd>", t.heartbeat.interval_ms, t.heartbeat.timeout_ms);
        let _ = write!(
            out,
            "<dt>envelope</dt><dd>profile <code>{}</code></dd>",
            esc(&self.contract.envelope.profile)
        );
        out.push_str("</dl></article>");
        out
    }
}

//! The live console: its markup, and what the page's scripts need to build forms and to check
//! frames (the envelope, transport, schemas and examples), embedded as JSON. The page reaches no
//! server until the person using it clicks connect or send.

use serde_json::{json, Map, Value};

use super::text::script_json;
use super::Doc;
use crate::schema_util::Frames;

const MARKUP: &str = r#"<section id="console-section"><h2>Console</h2><article class="card console" id="console">
<p class="opt">Connect to a server, send any action, and watch responses and events arrive. Every frame from the server is checked here against the contract; a violation is shown beside its frame with its JSON pointer. Nothing is sent anywhere until you click connect or send.</p>
<div class="console-grid">
<fieldset class="conn"><legend>Server</legend>
<label>WebSocket URL <input id="fp-ws-url" type="url" spellcheck="false" autocomplete="off"></label>
<label>REST base URL <input id="fp-rest-url" type="url" spellcheck="false" autocomplete="off"></label>
<label>Credential <input id="fp-token" type="text" spellcheck="false" autocomplete="off" placeholder="access token"></label>
<label>Authenticate with <select id="fp-auth"></select></label>
<div class="buttons"><button type="button" id="fp-connect">connect</button><button type="button" id="fp-disconnect" disabled>disconnect</button><span id="fp-status" class="status">not connected</span></div>
</fieldset>
<fieldset class="compose"><legend>Request</legend>
<label>Action <select id="fp-action"></select></label>
<div id="fp-form" class="payload-form"></div>
<div class="buttons"><button type="button" id="fp-send-ws">send over WebSocket</button><button type="button" id="fp-send-rest">send over REST</button></div>
<div id="fp-form-error" class="form-error"></div>
</fieldset>
</div>
<div class="log-head"><h4 class="part">Frames</h4><button type="button" id="fp-clear">clear</button></div>
<ol id="fp-log" class="log"></ol>
</article></section>"#;

impl Doc<'_> {
    pub(super) fn console(&self) -> String {
        format!(
            "{MARKUP}\n<script type=\"application/json\" id=\"fp-contract\">{}</script>",
            script_json(&self.console_data())
        )
    }

    /// What the console needs: the envelope's pointers and control frames, the transport (paths,
    /// auth methods), every whole-frame schema a server frame is checked against, and the
    /// examples that prefill the forms.
    fn console_data(&self) -> Value {
        let contract = self.contract;
        let frames = Frames::new(contract);
        let mut actions = Map::new();
        for (name, spec) in &contract.actions {
            let codes = frames.action_error_codes(spec);
            let names: Vec<&str> = codes.iter().map(String::as_str).collect();
            actions.insert(
                name.clone(),
                json!({
                    "websocket": spec.websocket,
                    "rest": spec.rest,
                    "payload": spec.payload,
                    "response": spec.response,
                    "example": self.examples.action(name, spec).payload,
                    "request_frame": frames.request(name, spec),
                    "ok_frame": frames.ok(spec),
                    "error_frame": frames.error(Some(&codes)),
                    "rest_error": contract.rest_error_body_schema(&names),
                }),
            );
        }
        let events: Map<String, Value> = contract
            .events
            .iter()
            .map(|(name, spec)| (name.clone(), frames.event(name, spec)))
            .collect();
        json!({
            "envelope": contract.envelope,
            "transport": contract.transport,
            "defs": contract.defs,
            "actions": actions,
            "events": events,
            "unknown_error_frame": frames.error(None),
        })
    }
}

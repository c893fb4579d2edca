//! An action's card: its WebSocket frames beside its REST twin, payload and response tables,
//! errors, emitted events.

use std::fmt::Write as _;

use frameproof_schema::{ActionSpec, RestRoute};
use serde_json::Value;

use super::examples::ActionExample;
use super::text::{anchor, code_link, esc, frame_block, pretty, prose};
use super::Doc;

impl Doc<'_> {
    pub(super) fn action(&self, name: &str, spec: &ActionSpec) -> String {
        let example = self.examples.action(name, spec);
        let search = format!(
            "{} {} {} {}",
            name,
            spec.description,
            spec.rest
                .as_ref()
                .map(|r| format!("{} {}", r.method.as_str(), r.path))
                .unwrap_or_default(),
            spec.emits.join(" ")
        )
        .to_lowercase();
        let mut out = String::new();
        let _ = write!(
            out,
            "<article class=\"card{}\" id=\"{}\" data-search=\"{}\"><h3><span class=\"name\">{}</span>{}{}{}<button type=\"button\" class=\"try\" data-action=\"{}\">try in the console</button></h3>",
            if spec.deprecated.is_some() { " deprecated" } else { "" },
            anchor("action", name),
            esc(&search),
            esc(name),
            if spec.websocket { "<span class=\"badge ws\">WebSocket</span>" } else { "" },
            if spec.rest.is_some() { "<span class=\"badge rest\">REST</span>" } else { "" },
            self.since(&spec.since, spec.deprecated.as_ref()),
            esc(name),
        );
        let _ = write!(
            out,
            "<div class=\"desc\">{}</div>",
            prose(&spec.description)
        );
        out.push_str(&Self::deprecation(spec.deprecated.as_ref()));
        out.push_str("<div class=\"forms\">");
        if spec.websocket {
            out.push_str(&self.websocket_form(name, &example));
        }
        if let Some(route) = &spec.rest {
            out.push_str(&self.rest_form(name, route, &example));
        }
        out.push_str("</div><h4 class=\"part\">Payload</h4>");
        out.push_str(&self.fields(&spec.payload));
        out.push_str("<h4 class=\"part\">Response</h4>");
        out.push_str(&self.fields(&spec.response));
        out.push_str(&self.error_table(spec));
        if !spec.emits.is_empty() {
            let emits: Vec<String> = spec.emits.iter().map(|e| code_link("event", e)).collect();
            let _ = write!(
                out,
                "<h4 class=\"part\">Emits</h4><div>{}</div>",
                emits.join(", ")
            );
        }
        out.push_str("</article>");
        out
    }

    fn websocket_form(&self, name: &str, example: &ActionExample) -> String {
        let id = Value::String("req_1".into());
        let request = self
            .contract
            .request_frame(id.clone(), name, example.payload.clone());
        let ok = self.contract.ok_frame(id, example.response.clone());
        format!(
            "<div class=\"form ws\"><h5>WebSocket</h5>{}{}</div>",
            frame_block("send", &pretty(&request)),
            frame_block("receive", &pretty(&ok))
        )
    }

    fn rest_form(&self, name: &str, route: &RestRoute, example: &ActionExample) -> String {
        let mut block = format!(
            "<div class=\"form rest\"><h5>REST</h5><div class=\"route\"><span class=\"method\">{}</span>{}</div>",
            route.method.as_str(),
            esc(&route.path)
        );
        let listed = |params: &[String]| {
            params
                .iter()
                .map(|p| format!("<code>{}</code>", esc(p)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut notes = Vec::new();
        if !route.path_params.is_empty() {
            notes.push(format!("path: {}", listed(&route.path_params)));
        }
        if !route.query_params.is_empty() {
            notes.push(format!("query: {}", listed(&route.query_params)));
        }
        if route.body {
            notes.push("JSON body: the other payload fields".into());
        }
        if !notes.is_empty() {
            let _ = write!(block, "<div class=\"opt\">{}</div>", notes.join(" · "));
        }
        if let Ok(req) = self.contract.rest_request(name, &example.payload) {
            let query: Vec<String> = req.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let anonymous = self.contract.transport.auth.refresh_action.as_deref() == Some(name);
            let mut text = format!(
                "{} {}{}{}",
                req.method.as_str(),
                req.path,
                if query.is_empty() { "" } else { "?" },
                query.join("&"),
            );
            if !anonymous {
                let _ = write!(
                    text,
                    "\n{} <token>",
                    self.contract.transport.auth.rest_header
                );
            }
            if let Some(body) = &req.body {
                let _ = write!(text, "\nContent-Type: application/json\n\n{}", pretty(body));
            }
            block.push_str(&frame_block("request", &text));
            block.push_str(&frame_block("200 OK", &pretty(&example.response)));
        }
        block.push_str("</div>");
        block
    }

    fn error_table(&self, spec: &ActionSpec) -> String {
        let mut out = String::from("<h4 class=\"part\">Errors</h4><table><colgroup><col style=\"width:22%\"><col style=\"width:10%\"><col></colgroup><thead><tr><th>code</th><th>HTTP</th><th>meaning</th></tr></thead><tbody>");
        for code in &spec.errors {
            let e = self.contract.errors.get(code);
            let _ = write!(
                out,
                "<tr><td class=\"code\"><a href=\"#{}\">{}</a></td><td>{}</td><td>{}</td></tr>",
                anchor("error", code),
                esc(code),
                e.map(|e| e.status.to_string()).unwrap_or_default(),
                e.map(|e| prose(&e.description)).unwrap_or_default()
            );
        }
        let any: Vec<String> = self
            .contract
            .errors
            .iter()
            .filter(|(_, e)| e.any_action)
            .map(|(c, _)| code_link("error", c))
            .collect();
        let _ = write!(
            out,
            "<tr><td colspan=\"3\" class=\"opt\">and the protocol errors any request may get: {}</td></tr></tbody></table>",
            any.join(", ")
        );
        out
    }
}

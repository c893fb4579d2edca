//! The cards of events and shared types, and the since/deprecation marks every card carries.

use std::fmt::Write as _;

use frameproof_schema::{Deprecation, EventSpec, Scope};
use serde_json::Value;

use super::text::{anchor, code_link, esc, frame_block, pretty, prose};
use super::Doc;

impl Doc<'_> {
    pub(super) fn event(&self, name: &str, spec: &EventSpec) -> String {
        let frame = self.examples.event(name, spec);
        let (scope, scope_text) = match &spec.scope {
            Scope::Tenant => (
                "tenant".to_owned(),
                "Every connection of the acting user's organisation.".to_owned(),
            ),
            Scope::Topic { pattern } => (
                format!("topic {pattern}"),
                format!("Connections subscribed to a topic matching `{pattern}` (subscribe with a `subscribe` control frame)."),
            ),
            Scope::Connection => ("connection".to_owned(), "Only the connection concerned.".to_owned()),
            Scope::Subscription { id } => (
                "subscription".to_owned(),
                format!("The connection that opened the subscription whose id the data carries at `{id}`."),
            ),
        };
        let mut out = String::new();
        let _ = write!(
            out,
            "<article class=\"card{}\" id=\"{}\" data-search=\"{}\"><h3><span class=\"name\">{}</span><span class=\"badge scope\">{}</span>{}</h3>",
            if spec.deprecated.is_some() { " deprecated" } else { "" },
            anchor("event", name),
            esc(&format!("{name} {} {scope} event", spec.description).to_lowercase()),
            esc(name),
            esc(&scope),
            self.since(&spec.since, spec.deprecated.as_ref())
        );
        let _ = write!(
            out,
            "<div class=\"desc\">{}{}</div>",
            prose(&spec.description),
            prose(&scope_text)
        );
        out.push_str(&Self::deprecation(spec.deprecated.as_ref()));
        let emitted_by: Vec<String> = self
            .contract
            .actions
            .iter()
            .filter(|(_, a)| a.emits.iter().any(|e| e == name))
            .map(|(a, _)| code_link("action", a))
            .collect();
        if !emitted_by.is_empty() {
            let _ = write!(
                out,
                "<div class=\"opt\">emitted by {}</div>",
                emitted_by.join(", ")
            );
        }
        let _ = write!(
            out,
            "<div class=\"forms\"><div class=\"form ws\"><h5>Frame</h5>{}</div></div>",
            frame_block("receive", &pretty(&frame))
        );
        out.push_str("<h4 class=\"part\">Data</h4>");
        out.push_str(&self.fields(&spec.data));
        out.push_str("</article>");
        out
    }

    pub(super) fn type_card(&self, name: &str, schema: &Value) -> String {
        let desc = schema
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default();
        format!(
            "<article class=\"card\" id=\"{}\" data-search=\"{}\"><h3><span class=\"name\">{}</span><span class=\"badge\">type</span></h3><div class=\"desc\">{}</div>{}</article>",
            anchor("type", name),
            esc(&format!("{name} {desc} type").to_lowercase()),
            esc(name),
            prose(desc),
            self.fields(schema)
        )
    }

    pub(super) fn since(&self, since: &str, dep: Option<&Deprecation>) -> String {
        let mut out = format!("<span class=\"badge\">since {}</span>", esc(since));
        if let Some(d) = dep {
            let _ = write!(
                out,
                "<span class=\"badge dep\">deprecated{}</span>",
                d.since
                    .as_ref()
                    .map(|s| format!(" since {}", esc(s)))
                    .unwrap_or_default()
            );
        }
        out
    }

    pub(super) fn deprecation(dep: Option<&Deprecation>) -> String {
        let Some(d) = dep else {
            return String::new();
        };
        let note = if d.note.is_empty() {
            String::new()
        } else {
            format!(
                ": {}",
                prose(&d.note)
                    .trim_start_matches("<p>")
                    .trim_end_matches("</p>")
            )
        };
        format!(
            "<div class=\"deprecation\"><strong>Deprecated</strong>{}{}</div>",
            d.since
                .as_ref()
                .map(|s| format!(" since {}", esc(s)))
                .unwrap_or_default(),
            note
        )
    }
}

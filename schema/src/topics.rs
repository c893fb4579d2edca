//! The topics a client may subscribe to, stated in the contract: a topic no event of the
//! contract is ever published on (`tsk:1`, `chat:` with no room) is refused by the server, so
//! the subscribe and unsubscribe frames say so too. Their topic lists get a `pattern` built
//! from the topic events' templates (`task:{task_id}` → `task:.+`), unless the contract's own
//! control schema already gives one.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::document::{Direction, EventSpec, Scope};
use crate::envelope::{ControlKind, Envelope};
use crate::pointer;
use frameproof_naming::{Template, TemplatePart};

/// Adds the topic pattern to the client's subscribe and unsubscribe frames.
pub(crate) fn state_topic_patterns(envelope: &mut Envelope, events: &BTreeMap<String, EventSpec>) {
    let Some(pattern) = topic_pattern(events) else {
        return;
    };
    for control in &mut envelope.control {
        let lists_topics = matches!(
            control.kind,
            ControlKind::Subscribe | ControlKind::Unsubscribe
        );
        if control.direction != Direction::Client || !lists_topics {
            continue;
        }
        let Some(at) = control.topics.as_deref() else {
            continue;
        };
        if let Some(items) = member_schema(&mut control.schema, at).and_then(|l| l.get_mut("items"))
        {
            if let Some(items) = items.as_object_mut() {
                items
                    .entry("pattern")
                    .or_insert_with(|| Value::String(pattern.clone()));
            }
        }
    }
}

/// `^(?:task:.+|user:.+)$`: any topic an event of the contract is published on; `None`
/// without topic events.
fn topic_pattern(events: &BTreeMap<String, EventSpec>) -> Option<String> {
    let mut alternatives: Vec<String> = events
        .values()
        .filter_map(|e| match &e.scope {
            Scope::Topic { pattern } => Template::parse(pattern).ok(),
            _ => None,
        })
        .map(|t| {
            t.parts()
                .iter()
                .map(|part| match part {
                    TemplatePart::Literal(text) => escape(text),
                    TemplatePart::Param(_) => ".+".to_owned(),
                })
                .collect()
        })
        .collect();
    alternatives.sort();
    alternatives.dedup();
    (!alternatives.is_empty()).then(|| format!("^(?:{})$", alternatives.join("|")))
}

/// The schema of the member at `at` in an object schema, following `properties`.
fn member_schema<'s>(schema: &'s mut Value, at: &str) -> Option<&'s mut Value> {
    pointer::segments(at)
        .ok()?
        .iter()
        .try_fold(schema, |s, name| s.get_mut("properties")?.get_mut(name))
}

/// `text` as a regular expression that matches it literally.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topic_event(pattern: &str) -> EventSpec {
        EventSpec {
            description: String::new(),
            since: "1.0.0".into(),
            deprecated: None,
            data: Value::Bool(true),
            scope: Scope::Topic {
                pattern: pattern.into(),
            },
        }
    }

    #[test]
    fn the_pattern_takes_every_topic_template_literally() {
        let events = [
            ("A".to_owned(), topic_event("task:{task_id}")),
            ("B".to_owned(), topic_event("task:{task_id}")),
            ("C".to_owned(), topic_event("price.{pair}/live")),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            topic_pattern(&events).as_deref(),
            Some(r"^(?:price\..+/live|task:.+)$")
        );
        assert_eq!(topic_pattern(&BTreeMap::new()), None);
    }
}

//! The rules of the protocol features beyond one request and one response: control frames and
//! their replies, ordering rules, batches, notifications and subscriptions handed out by a
//! result. Each problem names where in the document and why.

use std::collections::BTreeSet;

use crate::check::Problem;
use crate::document::{Contract, Scope, SubscriptionRole};
use crate::envelope::OrderRule;
use crate::pointer::{self, push};

impl Contract {
    pub(crate) fn check_protocol(&self, p: &mut Vec<Problem>) {
        self.check_control_kinds(p);
        self.check_ordering(p);
        self.check_batch(p);
        self.check_notifications(p);
        self.check_subscriptions(p);
    }

    /// The names a frame can go by in an ordering rule.
    fn frame_names(&self) -> BTreeSet<&str> {
        let mut names: BTreeSet<&str> = self.actions.keys().map(String::as_str).collect();
        names.extend(self.events.keys().map(String::as_str));
        names.extend(self.envelope.control.iter().map(|c| c.kind.as_str()));
        names
    }

    fn check_control_kinds(&self, p: &mut Vec<Problem>) {
        let control = &self.envelope.control;
        for (j, c) in control.iter().enumerate() {
            let at = format!("/envelope/control/{j}");
            if c.when.is_empty() {
                p.push(Problem::new(
                    push(&at, "when"),
                    format!(
                        "the `{}` frame needs at least one member that recognises it",
                        c.kind
                    ),
                ));
            }
            for ptr in c.when.keys() {
                if let Err(e) = pointer::segments(ptr) {
                    p.push(Problem::new(push(&at, "when"), e.to_string()));
                }
            }
            if let Some(reply) = &c.reply {
                let answered = control
                    .iter()
                    .any(|r| &r.kind == reply && r.direction != c.direction);
                if !answered {
                    p.push(Problem::new(
                        push(&at, "reply"),
                        format!(
                            "the `{}` frame is answered by `{reply}`, but no control frame of \
                             that kind travels the other way",
                            c.kind
                        ),
                    ));
                }
            }
            let twin = control[..j]
                .iter()
                .position(|o| o.direction == c.direction && o.when == c.when);
            if let Some(first) = twin {
                p.push(Problem::new(
                    push(&at, "when"),
                    format!(
                        "the `{}` frame is recognised by the same members as control frame {first} \
                         (`{}`): one of them can never be told apart",
                        c.kind, control[first].kind
                    ),
                ));
            }
        }
    }

    fn check_ordering(&self, p: &mut Vec<Problem>) {
        let names = self.frame_names();
        for (i, rule) in self.envelope.ordering.iter().enumerate() {
            let at = format!("/envelope/ordering/{i}");
            let lists: Vec<(&str, &Vec<String>)> = match rule {
                OrderRule::First { frames, .. } => vec![("frames", frames)],
                OrderRule::Before { only, until, .. } => vec![("only", only), ("until", until)],
            };
            for (field, list) in lists {
                if list.is_empty() {
                    p.push(Problem::new(push(&at, field), "name at least one frame"));
                }
                for (k, name) in list.iter().enumerate() {
                    if !names.contains(name.as_str()) {
                        p.push(Problem::new(
                            format!("{at}/{field}/{k}"),
                            format!(
                                "`{name}` is neither a control kind, an action nor an event of this contract"
                            ),
                        ));
                    }
                }
            }
        }
    }

    fn check_batch(&self, p: &mut Vec<Problem>) {
        if let Some(batch) = &self.envelope.batch {
            if let Err(e) = pointer::segments(&batch.pointer) {
                p.push(Problem::new("/envelope/batch/pointer", e.to_string()));
            }
        }
    }

    fn check_notifications(&self, p: &mut Vec<Problem>) {
        for (name, spec) in &self.actions {
            if !spec.notification {
                continue;
            }
            let at = push("/actions", name);
            if spec.subscription.is_some() {
                p.push(Problem::new(
                    push(&at, "subscription"),
                    format!("`{name}` is a notification: it gets no answer, so it cannot open or end a subscription"),
                ));
            }
            if !spec.errors.is_empty() {
                p.push(Problem::new(
                    push(&at, "errors"),
                    format!(
                        "`{name}` is a notification: it gets no answer, so it returns no errors"
                    ),
                ));
            }
        }
    }

    fn check_subscriptions(&self, p: &mut Vec<Problem>) {
        let mut opens = false;
        for (name, spec) in &self.actions {
            let Some(role) = &spec.subscription else {
                continue;
            };
            let (field, ptr) = match role {
                SubscriptionRole::Opens { id } => {
                    opens = true;
                    ("opens", id)
                }
                SubscriptionRole::Closes { id } => ("closes", id),
            };
            if let Err(e) = pointer::segments(ptr) {
                p.push(Problem::new(
                    format!("{}/subscription/id", push("/actions", name)),
                    format!("{field}: {e}"),
                ));
            }
        }
        for (name, spec) in &self.events {
            if let Scope::Subscription { id } = &spec.scope {
                let at = push(&push("/events", name), "scope");
                if let Err(e) = pointer::segments(id) {
                    p.push(Problem::new(&at, e.to_string()));
                }
                if !opens {
                    p.push(Problem::new(
                        at,
                        format!("`{name}` goes to a subscription's subscribers, but no action opens a subscription"),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::document::{Contract, Direction, LintLevel, Scope};
    use crate::envelope::{ControlFrame, ControlKind, OrderRule};

    fn contract() -> Contract {
        Contract::builder("x", "1.0.0").build().expect("sound")
    }

    fn problems(c: &Contract) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        c.check_protocol_into(&mut out);
        out
    }

    impl Contract {
        fn check_protocol_into(&self, out: &mut Vec<String>) {
            let mut p = Vec::new();
            self.check_protocol(&mut p);
            out.extend(p.into_iter().map(|p| p.to_string()));
        }
    }

    #[test]
    fn ordering_rules_name_frames_the_contract_has() {
        let mut c = contract();
        c.envelope.ordering = vec![
            OrderRule::First {
                direction: Direction::Server,
                frames: vec!["hello".into()],
            },
            OrderRule::Before {
                direction: Direction::Client,
                only: vec!["auth".into()],
                until: vec![],
            },
        ];
        let found = problems(&c);
        assert_eq!(
            found,
            vec![
                "/envelope/ordering/0/frames/0: `hello` is neither a control kind, an action nor an event of this contract",
                "/envelope/ordering/1/until: name at least one frame",
            ]
        );
    }

    #[test]
    fn a_reply_travels_the_other_way_and_recognisers_differ() {
        let mut c = contract();
        c.envelope.control.push(
            ControlFrame::new(
                ControlKind::named("identify"),
                Direction::Client,
                [("/op".to_owned(), json!(2))],
                json!(true),
            )
            .answered_by(ControlKind::named("ready")),
        );
        c.envelope.control.push(ControlFrame::new(
            ControlKind::named("resume"),
            Direction::Client,
            [("/op".to_owned(), json!(2))],
            json!(true),
        ));
        let found = problems(&c);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].contains("answered by `ready`"), "{found:?}");
        assert!(found[1].contains("can never be told apart"), "{found:?}");
    }

    #[test]
    fn subscription_events_need_an_action_that_opens_one() {
        let mut c = contract();
        let event = crate::document::EventSpec {
            description: String::new(),
            since: "1.0.0".into(),
            deprecated: None,
            data: json!({"type": "object"}),
            scope: Scope::Subscription { id: "/sub".into() },
        };
        c.events.insert("tick".into(), event);
        let found = problems(&c);
        assert!(
            found
                .iter()
                .any(|p| p.contains("no action opens a subscription")),
            "{found:?}"
        );
    }

    #[test]
    fn naming_is_a_warning_unless_the_contract_denies_it() {
        let mut c = contract();
        let spec = crate::document::ActionSpec {
            description: String::new(),
            since: "1.0.0".into(),
            deprecated: None,
            payload: json!({"type": "object"}),
            response: json!({"type": "string"}),
            errors: Vec::new(),
            emits: Vec::new(),
            websocket: true,
            rest: None,
            notification: false,
            public: false,
            subscription: None,
        };
        c.actions.insert("textDocument/hover".into(), spec);
        // the document no longer matches its frames and fingerprint; only naming is asked here
        let naming = |c: &Contract| {
            c.check()
                .into_iter()
                .filter(|p| p.pointer.starts_with("/actions/textDocument"))
                .count()
        };
        assert_eq!(naming(&c), 0);
        assert_eq!(c.warnings().len(), 1, "{:?}", c.warnings());
        c.lints.naming = LintLevel::Deny;
        assert_eq!(naming(&c), 1);
        assert!(c.warnings().is_empty());
        c.lints.naming = LintLevel::Allow;
        assert_eq!(naming(&c), 0);
        assert!(c.warnings().is_empty());
    }
}

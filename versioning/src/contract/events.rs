//! Events: their data schemas and scopes.

use super::*;

impl<'a> Differ<'a> {
    pub(super) fn events(&mut self) {
        let (o, n) = (&self.old.events, &self.new.events);
        let names: BTreeSet<&String> = o.keys().chain(n.keys()).collect();
        for name in names {
            let at = p("/events", name);
            match (o.get(name), n.get(name)) {
                (Some(a), None) => {
                    let (rule, message) = match &a.deprecated {
                        Some(_) => (
                            RuleId::EventRemovedAfterDeprecation,
                            format!("the event `{name}` was removed after its deprecation"),
                        ),
                        None => (
                            RuleId::EventRemoved,
                            format!(
                                "the event `{name}` was removed without being deprecated first"
                            ),
                        ),
                    };
                    self.push(rule, at, "/events", message);
                }
                (None, Some(_)) => self.push(
                    RuleId::EventAdded,
                    "/events",
                    at,
                    format!("a new event `{name}`"),
                ),
                (Some(a), Some(b)) => self.event_pair(name, &at, a, b),
                (None, None) => {}
            }
        }
    }

    fn event_pair(&mut self, name: &str, at: &str, a: &'a EventSpec, b: &'a EventSpec) {
        let what = format!("the event `{name}`");
        self.item_common(
            &what,
            at,
            (&a.description, &b.description),
            (&a.since, &b.since),
            (a.deprecated.as_ref(), b.deprecated.as_ref()),
        );
        let sp = p(at, "scope");
        let scope_text = |s: &Scope| match s {
            Scope::Tenant => "the tenant".to_owned(),
            Scope::Connection => "one connection".to_owned(),
            Scope::Topic { pattern } => format!("topic `{pattern}`"),
            Scope::Subscription { id } => format!("a subscription (id at `{id}`)"),
        };
        match (&a.scope, &b.scope) {
            (Scope::Topic { pattern: x }, Scope::Topic { pattern: y }) if x != y => {
                if shape(x) == shape(y) {
                    self.push(
                        RuleId::EventTopicParamRenamed,
                        p(&sp, "pattern"),
                        p(&sp, "pattern"),
                        format!("{what}'s topic pattern `{x}` is now `{y}` (same topics)"),
                    );
                } else {
                    self.push(
                        RuleId::EventScopeChanged,
                        p(&sp, "pattern"),
                        p(&sp, "pattern"),
                        format!(
                            "{what} went to {}, now to {}",
                            scope_text(&a.scope),
                            scope_text(&b.scope)
                        ),
                    );
                }
            }
            (x, y) if x != y => self.push(
                RuleId::EventScopeChanged,
                sp.clone(),
                sp,
                format!("{what} went to {}, now to {}", scope_text(x), scope_text(y)),
            ),
            _ => {}
        }
        self.walker.compare_root(
            &format!("event `{name}` data"),
            Role::Response,
            Loc::new(&a.data, p(at, "data")),
            Loc::new(&b.data, p(at, "data")),
            &format!("{name} data"),
        );
    }
}

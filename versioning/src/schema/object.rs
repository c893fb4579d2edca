//! Object members: added, removed, required or optional, and what happens to unknown members.

use super::*;

/// An object's members as the comparison needs them.
struct ObjectView<'a> {
    props: BTreeMap<String, (Loc<'a>, bool)>,
    props_ptr: String,
    extra: Extra<'a>,
}

enum Extra<'a> {
    Open,
    Closed(String),
    Schema(Loc<'a>),
}

impl Extra<'_> {
    fn is_closed(&self) -> bool {
        matches!(self, Extra::Closed(_))
    }
}

fn is_object_like(m: &Map<String, Value>) -> bool {
    match type_names(m) {
        Some(t) => t.contains(&"object"),
        None => {
            m.contains_key("properties")
                || m.contains_key("required")
                || m.contains_key("additionalProperties")
                || m.contains_key("allOf")
        }
    }
}

pub(super) fn required_names(m: &Map<String, Value>) -> BTreeSet<&str> {
    m.get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn object_view<'a>(
    loc: &Loc<'a>,
    defs: &'a BTreeMap<String, Value>,
    depth: usize,
) -> Option<ObjectView<'a>> {
    let m = loc.map();
    if !is_object_like(m) {
        return None;
    }
    let mut view = ObjectView {
        props: BTreeMap::new(),
        props_ptr: loc.kw("properties"),
        extra: Extra::Open,
    };
    let required = required_names(m);
    if let Some(props) = m.get("properties").and_then(Value::as_object) {
        for (name, p) in props {
            view.props.insert(
                name.clone(),
                (
                    Loc::new(p, pointer::push(&loc.at("properties"), name)),
                    required.contains(name.as_str()),
                ),
            );
        }
    }
    for name in &required {
        view.props
            .entry((*name).to_owned())
            .or_insert_with(|| (Loc::new(&ANY, loc.at("required")), true));
    }
    view.extra = match (
        m.get("additionalProperties"),
        m.get("unevaluatedProperties"),
    ) {
        (Some(Value::Bool(false)), _) => Extra::Closed(loc.at("additionalProperties")),
        (_, Some(Value::Bool(false))) => Extra::Closed(loc.at("unevaluatedProperties")),
        (Some(Value::Object(_)), _) => match m.get("additionalProperties") {
            Some(v) => Extra::Schema(Loc::new(v, loc.at("additionalProperties"))),
            None => Extra::Open,
        },
        _ => Extra::Open,
    };
    if depth < 8 {
        if let Some(parts) = m.get("allOf").and_then(Value::as_array) {
            for (i, part) in parts.iter().enumerate() {
                let (part, _) = resolve(Loc::new(part, format!("{}/allOf/{i}", loc.ptr)), defs);
                if let Some(sub) = object_view(&part, defs, depth + 1) {
                    for (name, p) in sub.props {
                        view.props.entry(name).or_insert(p);
                    }
                    if sub.extra.is_closed() && !view.extra.is_closed() {
                        view.extra = sub.extra;
                    }
                }
            }
        }
    }
    Some(view)
}

impl<'a> Walker<'a> {
    pub(super) fn object(
        &mut self,
        o: &Branch<'a>,
        n: &Branch<'a>,
        role: Role,
        label: &str,
        depth: usize,
    ) {
        let (Some(ov), Some(nv)) = (
            object_view(&o.loc, self.old_defs, 0),
            object_view(&n.loc, self.new_defs, 0),
        ) else {
            return;
        };
        let names: BTreeSet<&String> = ov.props.keys().chain(nv.props.keys()).collect();
        for name in names {
            let field = format!("{label}.{name}");
            match (ov.props.get(name), nv.props.get(name)) {
                (Some((ol, oreq)), Some((nl, nreq))) => {
                    if oreq != nreq {
                        self.requiredness(ol, nl, *nreq, role, &field);
                    }
                    self.compare(ol.clone(), nl.clone(), &field, role, depth + 1);
                }
                (Some((ol, oreq)), None) => self.member_removed(ol, *oreq, &nv, role, &field),
                (None, Some((nl, nreq))) => self.member_added(nl, *nreq, &ov, role, &field),
                (None, None) => {}
            }
        }
        self.unknown_members(o, n, &ov.extra, &nv.extra, role, label, depth);
    }

    /// A member that became required or optional.
    fn requiredness(&mut self, ol: &Loc<'a>, nl: &Loc<'a>, nreq: bool, role: Role, field: &str) {
        let (rule, message) = match (role, nreq) {
            (Role::Request, true) => (
                RuleId::RequestFieldBecameRequired,
                format!("`{field}` is now required; old clients may leave it out"),
            ),
            (Role::Request, false) => (
                RuleId::RequestFieldBecameOptional,
                format!("`{field}` is now optional"),
            ),
            (Role::Response, false) => (
                RuleId::ResponseFieldBecameOptional,
                format!("`{field}` is now optional; old clients rely on it being there"),
            ),
            (Role::Response, true) => (
                RuleId::ResponseFieldBecameRequired,
                format!("`{field}` is now required; old servers may still leave it out"),
            ),
        };
        self.change(rule, ol.ptr.clone(), nl.ptr.clone(), message);
    }

    /// A member the new version no longer has. Removing a deprecated member is its own rule
    /// (the deprecation announced it), breaking what the plain removal would.
    fn member_removed(
        &mut self,
        ol: &Loc<'a>,
        oreq: bool,
        nv: &ObjectView<'a>,
        role: Role,
        field: &str,
    ) {
        let closed = nv.extra.is_closed();
        let (rule, extra, why) = match role {
            Role::Request if closed => (
                RuleId::RequestFieldRemoved,
                Breaks::NONE,
                "the payload rejects unknown fields, so old clients that still send it are refused",
            ),
            Role::Request => (
                RuleId::RequestFieldNowIgnored,
                Breaks::NONE,
                "old clients may still send it; it is ignored now",
            ),
            Role::Response => {
                let servers = Breaks::of(false, closed, false);
                if oreq {
                    (
                        RuleId::ResponseFieldRemoved,
                        servers,
                        "old clients still read it",
                    )
                } else {
                    (
                        RuleId::ResponseOptionalFieldRemoved,
                        servers,
                        "old code that reads it no longer compiles",
                    )
                }
            }
        };
        let deprecated = ol.map().get("deprecated").and_then(Value::as_bool) == Some(true);
        let change = if deprecated {
            Change::new(
                RuleId::FieldRemovedAfterDeprecation,
                ol.ptr.clone(),
                nv.props_ptr.clone(),
                format!(
                    "`{field}` was removed after its deprecation ({})",
                    rule.id()
                ),
            )
            .also_breaks(rule.meta().breaks.union(extra))
        } else {
            Change::new(
                rule,
                ol.ptr.clone(),
                nv.props_ptr.clone(),
                format!("`{field}` was removed; {why}"),
            )
            .also_breaks(extra)
        };
        self.emit(change);
    }

    /// A member the old version did not have.
    fn member_added(
        &mut self,
        nl: &Loc<'a>,
        nreq: bool,
        ov: &ObjectView<'a>,
        role: Role,
        field: &str,
    ) {
        let (rule, extra, message) = match role {
            Role::Request if nreq => (
                RuleId::RequestFieldAddedRequired,
                Breaks::NONE,
                format!("`{field}` is a new required field; old clients do not send it"),
            ),
            Role::Request => (
                RuleId::RequestFieldAdded,
                Breaks::NONE,
                format!("`{field}` is a new optional field"),
            ),
            Role::Response if ov.extra.is_closed() => (
                RuleId::ResponseClosedObjectExtended,
                Breaks::of(false, nreq, false),
                format!("`{field}` is new in an object that rejected unknown fields"),
            ),
            Role::Response if nreq => (
                RuleId::ResponseFieldAdded,
                Breaks::NONE,
                format!("`{field}` is a new required field; old servers do not send it"),
            ),
            Role::Response => (
                RuleId::ResponseOptionalFieldAdded,
                Breaks::NONE,
                format!("`{field}` is a new optional field"),
            ),
        };
        self.emit(
            Change::new(rule, ov.props_ptr.clone(), nl.ptr.clone(), message).also_breaks(extra),
        );
    }

    /// Members not listed: now rejected, now accepted, or their schema compared (an open object
    /// is one whose unknown members may be anything).
    #[allow(clippy::too_many_arguments)]
    fn unknown_members(
        &mut self,
        o: &Branch<'a>,
        n: &Branch<'a>,
        old: &Extra<'a>,
        new: &Extra<'a>,
        role: Role,
        label: &str,
        depth: usize,
    ) {
        let extra_label = format!("{label}{{*}}");
        match (old, new) {
            (Extra::Closed(_), Extra::Closed(_)) | (Extra::Open, Extra::Open) => {}
            (Extra::Open | Extra::Schema(_), Extra::Closed(np)) => {
                let rule = role.pick(
                    RuleId::RequestUnknownFieldsRejected,
                    RuleId::ResponseUnknownFieldsRejected,
                );
                let op = o.loc.kw("additionalProperties");
                self.change(
                    rule,
                    op,
                    np.clone(),
                    format!("`{label}` now rejects unknown fields"),
                );
            }
            (Extra::Closed(op), Extra::Open | Extra::Schema(_)) => {
                let rule = role.pick(
                    RuleId::RequestUnknownFieldsAccepted,
                    RuleId::ResponseUnknownFieldsAllowed,
                );
                let np = n.loc.kw("additionalProperties");
                self.change(
                    rule,
                    op.clone(),
                    np,
                    format!("`{label}` no longer rejects unknown fields"),
                );
            }
            (Extra::Schema(a), Extra::Schema(b)) => {
                self.compare(a.clone(), b.clone(), &extra_label, role, depth + 1);
            }
            (Extra::Open, Extra::Schema(b)) => {
                self.compare(
                    Loc::new(&ANY, o.loc.ptr.clone()),
                    b.clone(),
                    &extra_label,
                    role,
                    depth + 1,
                );
            }
            (Extra::Schema(a), Extra::Open) => {
                self.compare(
                    a.clone(),
                    Loc::new(&ANY, n.loc.ptr.clone()),
                    &extra_label,
                    role,
                    depth + 1,
                );
            }
        }
    }
}

//! The envelope's shape and the control frames.

use super::*;

impl<'a> Differ<'a> {
    pub(super) fn envelope(&mut self) {
        let (o, n) = (&self.old.envelope, &self.new.envelope);
        if o.profile != n.profile {
            self.push(
                RuleId::MetadataChanged,
                "/envelope/profile",
                "/envelope/profile",
                format!(
                    "the envelope profile label was `{}`, now `{}`",
                    o.profile, n.profile
                ),
            );
        }
        let mut differing = Vec::new();
        let strip = |v: Value, keys: &[&str]| -> Value {
            match v {
                Value::Object(mut m) => {
                    for k in keys {
                        m.remove(*k);
                    }
                    Value::Object(m)
                }
                other => other,
            }
        };
        let (oreq, nreq) = (
            strip(
                serde_json::to_value(&o.request).unwrap_or(Value::Null),
                &["id_schema"],
            ),
            strip(
                serde_json::to_value(&n.request).unwrap_or(Value::Null),
                &["id_schema"],
            ),
        );
        leaf_diff(&oreq, &nreq, "/envelope/request", &mut differing);
        let (ores, nres) = (
            serde_json::to_value(&o.response).unwrap_or(Value::Null),
            serde_json::to_value(&n.response).unwrap_or(Value::Null),
        );
        leaf_diff(&ores, &nres, "/envelope/response", &mut differing);
        let (oev, nev) = (
            strip(
                serde_json::to_value(&o.event).unwrap_or(Value::Null),
                &["optional"],
            ),
            strip(
                serde_json::to_value(&n.event).unwrap_or(Value::Null),
                &["optional"],
            ),
        );
        leaf_diff(&oev, &nev, "/envelope/event", &mut differing);
        for at in differing {
            let what = frameproof_schema::pointer::segments(&at)
                .ok()
                .and_then(|s| s.get(1..).map(|s| s.join(".")))
                .unwrap_or_else(|| at.clone());
            self.push(
                RuleId::EnvelopeChanged,
                at.clone(),
                at,
                format!("the envelope's `{what}` changed"),
            );
        }
        self.walker.compare_root(
            "envelope request id",
            Role::Request,
            Loc::new(&o.request.id_schema, "/envelope/request/id_schema"),
            Loc::new(&n.request.id_schema, "/envelope/request/id_schema"),
            "request id",
        );
        let op = "/envelope/event/optional";
        let members: BTreeSet<&String> = o
            .event
            .optional
            .keys()
            .chain(n.event.optional.keys())
            .collect();
        for m in members {
            let at = p(op, m);
            match (o.event.optional.get(m), n.event.optional.get(m)) {
                (Some(a), Some(b)) => self.walker.compare_root(
                    &format!("envelope event member `{m}`"),
                    Role::Response,
                    Loc::new(a, at.clone()),
                    Loc::new(b, at),
                    &format!("event member {m}"),
                ),
                (Some(_), None) => self.push(
                    RuleId::EnvelopeChanged,
                    at,
                    op,
                    format!("the optional event member `{m}` was removed"),
                ),
                (None, Some(_)) => self.push(
                    RuleId::EnvelopeChanged,
                    op,
                    at,
                    format!("events may carry a new optional member `{m}`"),
                ),
                (None, None) => {}
            }
        }
        self.control_frames();
    }

    fn control_frames(&mut self) {
        let keyed = |frames: &'a [ControlFrame]| -> Vec<(String, usize, &'a ControlFrame)> {
            let mut seen: BTreeMap<String, usize> = BTreeMap::new();
            frames
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    let kind = f.kind.as_str();
                    let base = format!("{kind} ({})", f.direction.as_str());
                    let count = seen.entry(base.clone()).or_insert(0);
                    *count += 1;
                    let key = if *count == 1 {
                        base
                    } else {
                        format!("{base} #{count}")
                    };
                    (key, i, f)
                })
                .collect()
        };
        let ok = keyed(&self.old.envelope.control);
        let nk = keyed(&self.new.envelope.control);
        let cp = "/envelope/control";
        for (key, i, of) in &ok {
            let op = format!("{cp}/{i}");
            match nk.iter().find(|(k, _, _)| k == key) {
                None => self.push(
                    RuleId::ControlFrameRemoved,
                    op,
                    cp,
                    format!("the control frame `{key}` was removed"),
                ),
                Some((_, j, nf)) => {
                    let np = format!("{cp}/{j}");
                    let strip = |f: &ControlFrame| -> Value {
                        let mut v = serde_json::to_value(f).unwrap_or(Value::Null);
                        if let Value::Object(m) = &mut v {
                            m.remove("schema");
                        }
                        v
                    };
                    let mut differing = Vec::new();
                    leaf_diff(&strip(of), &strip(nf), "", &mut differing);
                    for at in differing {
                        self.push(
                            RuleId::EnvelopeChanged,
                            format!("{op}{at}"),
                            format!("{np}{at}"),
                            format!("the control frame `{key}` changed at `{at}`"),
                        );
                    }
                    let role = match of.direction {
                        Direction::Client => Role::Request,
                        Direction::Server => Role::Response,
                    };
                    self.walker.compare_root(
                        &format!("control frame `{key}`"),
                        role,
                        Loc::new(&of.schema, p(&op, "schema")),
                        Loc::new(&nf.schema, p(&np, "schema")),
                        &format!("{key} frame"),
                    );
                }
            }
        }
        for (key, j, _) in &nk {
            if !ok.iter().any(|(k, _, _)| k == key) {
                self.push(
                    RuleId::ControlFrameAdded,
                    cp,
                    format!("{cp}/{j}"),
                    format!("a new control frame `{key}`"),
                );
            }
        }
    }
}

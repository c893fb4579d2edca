//! Union variants (`oneOf`/`anyOf`), matched across versions by their tag, key, `$ref` or type.

use super::*;

/// How a union's variant is recognised across versions.
fn branch_key(b: &Branch<'_>, defs: &BTreeMap<String, Value>) -> String {
    let m = b.loc.map();
    let required = required_names(m);
    if let Some(props) = m.get("properties").and_then(Value::as_object) {
        let mut names: Vec<&String> = props.keys().collect();
        names.sort();
        for name in &names {
            if !required.contains(name.as_str()) {
                continue;
            }
            let Some(p) = props.get(*name) else { continue };
            let (p, _) = resolve(Loc::new(p, ""), defs);
            if let Some(tag) = single_value(p.v) {
                return format!("{name}: {}", json_text(tag));
            }
        }
        if required.len() == 1 && props.len() == 1 {
            if let Some(name) = names.first() {
                return format!("{{\"{name}\": ...}}");
            }
        }
    }
    if let Some(def) = &b.def {
        return format!("$defs/{def}");
    }
    let types: Option<BTreeSet<&'static str>> =
        type_names(m).map(|ts| ts.into_iter().filter_map(canonical_type).collect());
    types_text(&types)
}

impl<'a> Walker<'a> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn pair(
        &mut self,
        ob: Vec<Branch<'a>>,
        nb: Vec<Branch<'a>>,
        o_at: &str,
        n_at: &str,
        label: &str,
        role: Role,
        depth: usize,
    ) {
        if let ([o], [n]) = (ob.as_slice(), nb.as_slice()) {
            self.compare_branch(o, n, role, depth);
            return;
        }
        let (opool, okeyed) = self.split(ob, self.old_defs);
        let (npool, nkeyed) = self.split(nb, self.new_defs);
        let accepted_by =
            |keyed: &[(String, Branch<'a>)], v: &Value, defs: &BTreeMap<String, Value>| {
                keyed.iter().any(|(_, b)| {
                    let m = b.loc.map();
                    values_of(&b.loc, m).is_none()
                        && types_of(m, defs, 0).is_none_or(|t| accepts(&t, value_type(v)))
                })
            };
        for (v, ptr, _) in &opool {
            if !npool.iter().any(|(w, _, _)| w == v) && !accepted_by(&nkeyed, v, self.new_defs) {
                let rule = role.pick(
                    RuleId::RequestEnumValueRemoved,
                    RuleId::ResponseEnumValueRemoved,
                );
                self.change(
                    rule,
                    ptr.clone(),
                    n_at.to_owned(),
                    format!("`{label}` no longer has the value {}", json_text(v)),
                );
            }
        }
        for (v, ptr, _) in &npool {
            if !opool.iter().any(|(w, _, _)| w == v) && !accepted_by(&okeyed, v, self.old_defs) {
                let rule = role.pick(
                    RuleId::RequestEnumValueAdded,
                    RuleId::ResponseEnumValueAdded,
                );
                self.change(
                    rule,
                    o_at.to_owned(),
                    ptr.clone(),
                    format!("`{label}` has a new value {}", json_text(v)),
                );
            }
        }
        for (v, _, ol) in &opool {
            if let Some((_, _, nl)) = npool.iter().find(|(w, _, _)| w == v) {
                self.annotations(ol, nl, label);
            }
        }
        for (key, o) in &okeyed {
            match nkeyed.iter().find(|(k, _)| k == key) {
                Some((_, n)) => self.compare_branch(o, n, role, depth),
                None => {
                    let rule = role.pick(
                        RuleId::RequestVariantRemoved,
                        RuleId::ResponseVariantRemoved,
                    );
                    self.change(
                        rule,
                        o.loc.ptr.clone(),
                        n_at.to_owned(),
                        format!("`{label}` lost the variant `{key}`"),
                    );
                }
            }
        }
        for (key, n) in &nkeyed {
            if !okeyed.iter().any(|(k, _)| k == key) {
                let rule = role.pick(RuleId::RequestVariantAdded, RuleId::ResponseVariantAdded);
                self.change(
                    rule,
                    o_at.to_owned(),
                    n.loc.ptr.clone(),
                    format!("`{label}` has a new variant `{key}`"),
                );
            }
        }
    }

    /// Splits branches into the values of pure-value branches and keyed structural variants.
    #[allow(clippy::type_complexity)]
    fn split(
        &self,
        branches: Vec<Branch<'a>>,
        defs: &BTreeMap<String, Value>,
    ) -> (Vec<(Value, String, Loc<'a>)>, Vec<(String, Branch<'a>)>) {
        let mut pool = Vec::new();
        let mut keyed: Vec<(String, Branch<'a>)> = Vec::new();
        for b in branches {
            let m = b.loc.map();
            if is_pure_values(m) {
                for (v, ptr) in values_of(&b.loc, m).unwrap_or_default() {
                    pool.push((v, ptr, b.loc.clone()));
                }
                continue;
            }
            let base = branch_key(&b, defs);
            let mut key = base.clone();
            let mut n = 2;
            while keyed.iter().any(|(k, _)| *k == key) {
                key = format!("{base} #{n}");
                n += 1;
            }
            keyed.push((key, b));
        }
        (pool, keyed)
    }
}

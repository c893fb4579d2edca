//! Named schemas (`$defs`): renamed, removed, added, and changed where nothing uses them (a used
//! schema is compared where it is used).

use super::*;

impl<'a> Differ<'a> {
    pub(super) fn defs(&mut self) {
        let (o, n) = (&self.old.defs, &self.new.defs);
        let mut old_only: BTreeSet<&String> = o.keys().filter(|k| !n.contains_key(*k)).collect();
        let mut new_only: BTreeSet<&String> = n.keys().filter(|k| !o.contains_key(*k)).collect();
        let mut renames: Vec<(String, String)> = Vec::new();
        for (a, b) in &self.walker.def_pairs {
            if old_only.contains(a) && new_only.contains(b) {
                old_only.remove(a);
                new_only.remove(b);
                renames.push((a.clone(), b.clone()));
            }
        }
        // unreferenced definitions that are the same schema under another name
        let candidates: Vec<&String> = old_only.iter().copied().collect();
        for a in candidates {
            let found = new_only
                .iter()
                .copied()
                .find(|b| o.get(a).is_some() && o.get(a) == n.get(*b));
            if let Some(b) = found {
                old_only.remove(a);
                new_only.remove(b);
                renames.push((a.clone(), b.clone()));
            }
        }
        for (a, b) in renames {
            self.push(
                RuleId::DefRenamed,
                p("/$defs", &a),
                p("/$defs", &b),
                format!("the schema `{a}` is now named `{b}`: the wire is the same, generated type names change"),
            );
        }
        for a in old_only {
            self.push(
                RuleId::DefRemoved,
                p("/$defs", a),
                "/$defs",
                format!("the schema `{a}` was removed"),
            );
        }
        for b in new_only {
            self.push(
                RuleId::DefAdded,
                "/$defs",
                p("/$defs", b),
                format!("a new schema `{b}`"),
            );
        }
        for (name, a) in o {
            if let Some(b) = n.get(name) {
                if a != b
                    && !self
                        .walker
                        .def_pairs
                        .contains(&(name.clone(), name.clone()))
                {
                    let at = p("/$defs", name);
                    self.push(
                        RuleId::DefChanged,
                        at.clone(),
                        at,
                        format!("the schema `{name}`, which nothing uses, changed"),
                    );
                }
            }
        }
    }
}

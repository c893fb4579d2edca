//! Array items and tuples (`prefixItems`).

use super::*;

impl<'a> Walker<'a> {
    pub(super) fn array(
        &mut self,
        o: &Loc<'a>,
        n: &Loc<'a>,
        role: Role,
        label: &str,
        depth: usize,
    ) {
        let (om, nm) = (o.map(), n.map());
        let op = om.get("prefixItems").and_then(Value::as_array);
        let np = nm.get("prefixItems").and_then(Value::as_array);
        match (op, np) {
            (Some(a), Some(b)) if a.len() == b.len() => {
                for (i, (x, y)) in a.iter().zip(b).enumerate() {
                    self.compare(
                        Loc::new(x, format!("{}/prefixItems/{i}", o.ptr)),
                        Loc::new(y, format!("{}/prefixItems/{i}", n.ptr)),
                        &format!("{label}[{i}]"),
                        role,
                        depth + 1,
                    );
                }
            }
            (None, None) => {}
            _ => {
                let len = |p: Option<&Vec<Value>>| match p {
                    Some(p) => format!("a tuple of {}", p.len()),
                    None => "not a tuple".into(),
                };
                self.change(
                    role.changed_type(),
                    o.kw("prefixItems"),
                    n.kw("prefixItems"),
                    format!("`{label}` was {}, now {}", len(op), len(np)),
                );
            }
        }
        if om.contains_key("items") || nm.contains_key("items") {
            let oi = om
                .get("items")
                .map(|v| Loc::new(v, o.at("items")))
                .unwrap_or_else(|| Loc::new(&ANY, o.ptr.clone()));
            let ni = nm
                .get("items")
                .map(|v| Loc::new(v, n.at("items")))
                .unwrap_or_else(|| Loc::new(&ANY, n.ptr.clone()));
            self.compare(oi, ni, &format!("{label}[]"), role, depth + 1);
        }
    }
}

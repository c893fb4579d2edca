//! Bounds (lengths, counts, numeric ranges, integer formats), formats, patterns, `multipleOf`
//! and `uniqueItems`: each narrowed or widened.

use super::*;

#[derive(Debug, Clone, Copy)]
struct Bound {
    value: f64,
    exclusive: bool,
}

fn integer_format_range(format: &str) -> Option<(f64, f64)> {
    let two = |bits: i32| 2f64.powi(bits);
    Some(match format {
        "int8" => (-two(7), two(7) - 1.0),
        "uint8" => (0.0, two(8) - 1.0),
        "int16" => (-two(15), two(15) - 1.0),
        "uint16" => (0.0, two(16) - 1.0),
        "int32" => (-two(31), two(31) - 1.0),
        "uint32" => (0.0, two(32) - 1.0),
        "int64" => (-two(63), two(63) - 1.0),
        "uint64" => (0.0, two(64) - 1.0),
        "uint" => (0.0, f64::INFINITY),
        "int" => (f64::NEG_INFINITY, f64::INFINITY),
        _ => return None,
    })
}

/// The exact bounds of an integer format, as text (f64 cannot hold 2^63 - 1).
fn integer_format_text(format: &str) -> Option<(&'static str, &'static str)> {
    Some(match format {
        "int8" => ("-128", "127"),
        "uint8" => ("0", "255"),
        "int16" => ("-32768", "32767"),
        "uint16" => ("0", "65535"),
        "int32" => ("-2147483648", "2147483647"),
        "uint32" => ("0", "4294967295"),
        "int64" => ("-9223372036854775808", "9223372036854775807"),
        "uint64" => ("0", "18446744073709551615"),
        _ => return None,
    })
}

fn number_text(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// `[0, 4294967295] (uint32)`, `(0, 10]`, `[1, ∞)`.
fn range_text(
    m: &Map<String, Value>,
    lo: Option<(Bound, &str)>,
    hi: Option<(Bound, &str)>,
) -> String {
    let format = m.get("format").and_then(Value::as_str);
    let exact = format.and_then(integer_format_text);
    let end = |b: Option<(Bound, &str)>, upper: bool| match b {
        None if upper => "∞".to_owned(),
        None => "-∞".to_owned(),
        Some((b, "format")) => match exact {
            Some((l, h)) => if upper { h } else { l }.to_owned(),
            None => number_text(b.value),
        },
        Some((b, _)) => number_text(b.value),
    };
    let open = if lo.is_some_and(|(b, _)| b.exclusive) || lo.is_none() {
        "("
    } else {
        "["
    };
    let close = if hi.is_some_and(|(b, _)| b.exclusive) || hi.is_none() {
        ")"
    } else {
        "]"
    };
    let by = format
        .filter(|f| integer_format_range(f).is_some())
        .map(|f| format!(" ({f})"))
        .unwrap_or_default();
    format!("{open}{}, {}{close}{by}", end(lo, false), end(hi, true))
}

fn num(m: &Map<String, Value>, key: &str) -> Option<f64> {
    m.get(key).and_then(Value::as_f64)
}

/// The tightest lower (`upper == false`) or upper bound, with the keyword that sets it.
fn numeric_bound(m: &Map<String, Value>, upper: bool) -> Option<(Bound, &'static str)> {
    let (incl, excl) = if upper {
        ("maximum", "exclusiveMaximum")
    } else {
        ("minimum", "exclusiveMinimum")
    };
    let mut candidates: Vec<(Bound, &'static str)> = Vec::new();
    if let Some(v) = num(m, incl) {
        candidates.push((
            Bound {
                value: v,
                exclusive: false,
            },
            incl,
        ));
    }
    if let Some(v) = num(m, excl) {
        candidates.push((
            Bound {
                value: v,
                exclusive: true,
            },
            excl,
        ));
    }
    if let Some((lo, hi)) = m
        .get("format")
        .and_then(Value::as_str)
        .and_then(integer_format_range)
    {
        let v = if upper { hi } else { lo };
        if v.is_finite() {
            candidates.push((
                Bound {
                    value: v,
                    exclusive: false,
                },
                "format",
            ));
        }
    }
    // tighter = larger lower bound / smaller upper bound; exclusive is tighter at equal values
    candidates.into_iter().reduce(|a, b| {
        let b_tighter = if upper {
            b.0.value < a.0.value || (b.0.value == a.0.value && b.0.exclusive && !a.0.exclusive)
        } else {
            b.0.value > a.0.value || (b.0.value == a.0.value && b.0.exclusive && !a.0.exclusive)
        };
        if b_tighter {
            b
        } else {
            a
        }
    })
}

/// Whether the new bound admits less (narrowed) or more (widened) than the old one.
fn bound_delta(old: Option<Bound>, new: Option<Bound>, upper: bool) -> (bool, bool) {
    match (old, new) {
        (None, None) => (false, false),
        (None, Some(_)) => (true, false),
        (Some(_), None) => (false, true),
        (Some(o), Some(n)) => {
            let (tighter_value, looser_value) = if upper {
                (n.value < o.value, n.value > o.value)
            } else {
                (n.value > o.value, n.value < o.value)
            };
            let same = n.value == o.value;
            (
                tighter_value || (same && n.exclusive && !o.exclusive),
                looser_value || (same && !n.exclusive && o.exclusive),
            )
        }
    }
}

fn bound_text(b: Option<Bound>) -> String {
    match b {
        None => "none".into(),
        Some(b) => number_text(b.value),
    }
}

fn string_format(m: &Map<String, Value>) -> Option<&str> {
    m.get("format")
        .and_then(Value::as_str)
        .filter(|f| integer_format_range(f).is_none())
}

impl<'a> Walker<'a> {
    pub(super) fn constraint(
        &mut self,
        role: Role,
        narrowed: bool,
        old: String,
        new: String,
        message: String,
    ) {
        self.change(role.constraint(narrowed), old, new, message);
    }

    /// Every constraint keyword, each compared on its own.
    pub(super) fn constraints(&mut self, o: &Loc<'a>, n: &Loc<'a>, role: Role, label: &str) {
        self.count_bounds(o, n, role, label);
        self.numeric_range(o, n, role, label);
        self.string_format(o, n, role, label);
        self.pattern(o, n, role, label);
        self.multiple_of(o, n, role, label);
        self.unique_items(o, n, role, label);
    }

    /// One change when the new constraint admits less, one when it admits more (a changed
    /// pattern may do both).
    fn narrowed_or_widened(
        &mut self,
        role: Role,
        (narrowed, widened): (bool, bool),
        (old, new): (String, String),
        message: String,
    ) {
        if narrowed {
            self.constraint(role, true, old.clone(), new.clone(), message.clone());
        }
        if widened {
            self.constraint(role, false, old, new, message);
        }
    }

    /// The bounds of a length or a count: a changed minimum or maximum is one change each.
    fn count_bounds(&mut self, o: &Loc<'a>, n: &Loc<'a>, role: Role, label: &str) {
        let (om, nm) = (o.map(), n.map());
        for (min_k, max_k, what) in [
            ("minLength", "maxLength", "length"),
            ("minItems", "maxItems", "number of items"),
            ("minProperties", "maxProperties", "number of members"),
        ] {
            for (key, upper) in [(min_k, false), (max_k, true)] {
                let ob = om.get(key).and_then(Value::as_f64).map(|v| Bound {
                    value: v,
                    exclusive: false,
                });
                let nb = nm.get(key).and_then(Value::as_f64).map(|v| Bound {
                    value: v,
                    exclusive: false,
                });
                // an absent minimum count is 0
                let (ob, nb) = if upper {
                    (ob, nb)
                } else {
                    let zero = Some(Bound {
                        value: 0.0,
                        exclusive: false,
                    });
                    (ob.or(zero), nb.or(zero))
                };
                let (narrowed, widened) = bound_delta(ob, nb, upper);
                if narrowed || widened {
                    let message = format!(
                        "`{label}`: {key} (the {what}) was {}, now {}",
                        bound_text(ob),
                        bound_text(nb)
                    );
                    self.constraint(role, narrowed, o.kw(key), n.kw(key), message);
                }
            }
        }
    }

    /// The numeric range, from `minimum`/`maximum`, their exclusive forms and integer `format`s,
    /// as one change (the tightest keyword on each side names where).
    fn numeric_range(&mut self, o: &Loc<'a>, n: &Loc<'a>, role: Role, label: &str) {
        let (om, nm) = (o.map(), n.map());
        let (olo, ohi) = (numeric_bound(om, false), numeric_bound(om, true));
        let (nlo, nhi) = (numeric_bound(nm, false), numeric_bound(nm, true));
        let (lo_n, lo_w) = bound_delta(olo.map(|b| b.0), nlo.map(|b| b.0), false);
        let (hi_n, hi_w) = bound_delta(ohi.map(|b| b.0), nhi.map(|b| b.0), true);
        if lo_n || lo_w || hi_n || hi_w {
            let message = format!(
                "`{label}`: range was {}, now {}",
                range_text(om, olo, ohi),
                range_text(nm, nlo, nhi)
            );
            let (ob, nb, which) = if lo_n || lo_w {
                (olo, nlo, "minimum")
            } else {
                (ohi, nhi, "maximum")
            };
            let (okey, nkey) = (
                ob.map(|b| b.1).unwrap_or(which),
                nb.map(|b| b.1).unwrap_or(which),
            );
            self.narrowed_or_widened(
                role,
                (lo_n || hi_n, lo_w || hi_w),
                (o.kw(okey), n.kw(nkey)),
                message,
            );
        }
    }

    /// A non-integer `format`: `float` to `double` widens; any other change is both ways.
    fn string_format(&mut self, o: &Loc<'a>, n: &Loc<'a>, role: Role, label: &str) {
        let (om, nm) = (o.map(), n.map());
        let (of, nf) = (string_format(om), string_format(nm));
        if of != nf {
            let message = format!(
                "`{label}`: format was {}, now {}",
                of.map(|f| format!("`{f}`"))
                    .unwrap_or_else(|| "none".into()),
                nf.map(|f| format!("`{f}`"))
                    .unwrap_or_else(|| "none".into())
            );
            let numeric = |f: Option<&str>| matches!(f, Some("float" | "double") | None);
            let (narrowed, widened) = match (of, nf) {
                (Some("float"), Some("double")) => (false, true),
                (Some("double"), Some("float")) => (true, false),
                _ if numeric(of) && numeric(nf) => (false, false),
                (None, Some(_)) => (true, false),
                (Some(_), None) => (false, true),
                _ => (true, true),
            };
            self.narrowed_or_widened(
                role,
                (narrowed, widened),
                (o.kw("format"), n.kw("format")),
                message,
            );
        }
    }

    fn pattern(&mut self, o: &Loc<'a>, n: &Loc<'a>, role: Role, label: &str) {
        let (om, nm) = (o.map(), n.map());
        let (op, np) = (om.get("pattern"), nm.get("pattern"));
        if op != np {
            let message = format!(
                "`{label}`: pattern was {}, now {}",
                op.map(json_text).unwrap_or_else(|| "none".into()),
                np.map(json_text).unwrap_or_else(|| "none".into())
            );
            let (narrowed, widened) = match (op, np) {
                (None, Some(_)) => (true, false),
                (Some(_), None) => (false, true),
                _ => (true, true),
            };
            self.narrowed_or_widened(
                role,
                (narrowed, widened),
                (o.kw("pattern"), n.kw("pattern")),
                message,
            );
        }
    }

    /// `multipleOf`: a multiple of the old divisor narrows, a divisor of it widens.
    fn multiple_of(&mut self, o: &Loc<'a>, n: &Loc<'a>, role: Role, label: &str) {
        let (om, nm) = (o.map(), n.map());
        let (omul, nmul) = (num(om, "multipleOf"), num(nm, "multipleOf"));
        if omul != nmul {
            let divides = |a: f64, b: f64| a != 0.0 && (b / a).fract() == 0.0;
            let (narrowed, widened) = match (omul, nmul) {
                (None, Some(_)) => (true, false),
                (Some(_), None) => (false, true),
                (Some(a), Some(b)) if divides(a, b) => (true, false),
                (Some(a), Some(b)) if divides(b, a) => (false, true),
                _ => (true, true),
            };
            let message = format!(
                "`{label}`: multipleOf was {}, now {}",
                omul.map(|v| v.to_string()).unwrap_or_else(|| "none".into()),
                nmul.map(|v| v.to_string()).unwrap_or_else(|| "none".into())
            );
            self.narrowed_or_widened(
                role,
                (narrowed, widened),
                (o.kw("multipleOf"), n.kw("multipleOf")),
                message,
            );
        }
    }

    fn unique_items(&mut self, o: &Loc<'a>, n: &Loc<'a>, role: Role, label: &str) {
        let (om, nm) = (o.map(), n.map());
        let ou = om
            .get("uniqueItems")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let nu = nm
            .get("uniqueItems")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if ou != nu {
            let message = if nu {
                format!("`{label}`: items must now be unique")
            } else {
                format!("`{label}`: items need no longer be unique")
            };
            self.constraint(role, nu, o.kw("uniqueItems"), n.kw("uniqueItems"), message);
        }
    }
}

//! Structural comparison of two JSON Schemas, with variance.
//!
//! A schema is compared where it is used, in a role: a **request** schema (a payload, a client
//! control frame, the request id) is produced by clients and read by servers; a **response**
//! schema (a response, event data, a server control frame) is produced by servers and read by
//! clients. The same difference means opposite things in the two roles: a narrowed request
//! refuses what old clients send, a widened response sends old clients what they cannot read.
//!
//! Both schemas are normalized as they are walked: `$ref`s are followed into each document's
//! `$defs` (a pair of definitions is compared once per role, and a cycle stops the walk),
//! `type: [X, "null"]`, `anyOf: [X, {"type": "null"}]` and `enum: [..., null]` all mean
//! "X or null", a union of `const`s is an `enum`, union variants are matched by their tag
//! (`oneOf` of objects with a `const` tag property), their only key, their `$ref` or their type,
//! `allOf` parts of objects are merged (serde's `flatten`), and integer `format`s
//! (`uint32`, `int64`...) are ranges.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::OnceLock;

use serde_json::{Map, Value};

use frameproof_schema::pointer;

use crate::model::{Breaks, Change};
use crate::rules::RuleId;

static ANY: Value = Value::Bool(true);

fn empty_map() -> &'static Map<String, Value> {
    static EMPTY: OnceLock<Map<String, Value>> = OnceLock::new();
    EMPTY.get_or_init(Map::new)
}

/// Deeper than this, a schema is not walked further (a guard; real schemas are far shallower).
const MAX_DEPTH: usize = 96;

/// Documentation keywords: compared as documentation, never as constraints.
const ANNOTATIONS: &[&str] = &[
    "description",
    "title",
    "$comment",
    "examples",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
];

/// Keywords that never constrain and are not compared here.
const IGNORED: &[&str] = &["$schema", "$id", "$anchor", "$defs", "definitions"];

/// Keywords the structural comparison understands.
const HANDLED: &[&str] = &[
    "type",
    "enum",
    "const",
    "properties",
    "required",
    "additionalProperties",
    "unevaluatedProperties",
    "items",
    "prefixItems",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minProperties",
    "maxProperties",
];

/// Keywords an `allOf` part may have for the part to be merged as a piece of an object.
const MERGEABLE: &[&str] = &[
    "type",
    "properties",
    "required",
    "additionalProperties",
    "$ref",
];

/// Who produces and who reads the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Role {
    /// Produced by clients, read by servers.
    Request,
    /// Produced by servers, read by clients.
    Response,
}

impl Role {
    fn pick(self, request: RuleId, response: RuleId) -> RuleId {
        match self {
            Role::Request => request,
            Role::Response => response,
        }
    }
    fn narrowed_type(self) -> RuleId {
        self.pick(RuleId::RequestTypeNarrowed, RuleId::ResponseTypeNarrowed)
    }
    fn widened_type(self) -> RuleId {
        self.pick(RuleId::RequestTypeWidened, RuleId::ResponseTypeWidened)
    }
    fn changed_type(self) -> RuleId {
        self.pick(RuleId::RequestTypeChanged, RuleId::ResponseTypeChanged)
    }
    fn constraint(self, narrowed: bool) -> RuleId {
        match (self, narrowed) {
            (Role::Request, true) => RuleId::RequestConstraintNarrowed,
            (Role::Request, false) => RuleId::RequestConstraintWidened,
            (Role::Response, true) => RuleId::ResponseConstraintNarrowed,
            (Role::Response, false) => RuleId::ResponseConstraintWidened,
        }
    }
}

/// A schema and where it stands in its document.
#[derive(Debug, Clone)]
pub(crate) struct Loc<'a> {
    pub v: &'a Value,
    pub ptr: String,
}

impl<'a> Loc<'a> {
    pub fn new(v: &'a Value, ptr: impl Into<String>) -> Loc<'a> {
        Loc { v, ptr: ptr.into() }
    }
    fn map(&self) -> &'a Map<String, Value> {
        self.v.as_object().unwrap_or_else(|| empty_map())
    }
    fn at(&self, key: &str) -> String {
        pointer::push(&self.ptr, key)
    }
    /// The keyword's pointer when it is there, else the schema's.
    fn kw(&self, key: &str) -> String {
        if self.map().contains_key(key) {
            self.at(key)
        } else {
            self.ptr.clone()
        }
    }
}

/// One alternative of a (possibly union) schema, resolved.
#[derive(Debug, Clone)]
struct Branch<'a> {
    loc: Loc<'a>,
    def: Option<String>,
    label: String,
}

#[derive(Debug, Default)]
struct Alts<'a> {
    /// Where `null` is admitted, if it is.
    null: Option<String>,
    branches: Vec<Branch<'a>>,
    /// The first definition entered on the way (the schema's named type).
    def: Option<String>,
    /// Where the (first) flattened union stands: `.../oneOf`.
    union: Option<String>,
    /// Every schema resolved on the way that is not a branch itself (a `$ref`'s target that
    /// is a union), with the definition it is: their documentation is compared too.
    containers: Vec<(Option<String>, Loc<'a>)>,
}

/// Walks pairs of schemas and collects changes.
pub(crate) struct Walker<'a> {
    old_defs: &'a BTreeMap<String, Value>,
    new_defs: &'a BTreeMap<String, Value>,
    usage: String,
    pub out: Vec<Change>,
    memo: HashMap<(String, String, Role), Vec<Change>>,
    active: HashSet<(String, String, Role)>,
    /// (old def, new def) pairs that were compared.
    pub def_pairs: BTreeSet<(String, String)>,
}

/// `#/$defs/Name` → `Name` (unescaped), for local references only.
pub(crate) fn ref_name(reference: &str) -> Option<String> {
    frameproof_schema::def_name_of_ref(reference)
}

/// Follows `$ref` chains (and single-part `allOf` wrappers) to the schema that says something.
/// Returns the last definition entered.
fn resolve<'a>(loc: Loc<'a>, defs: &'a BTreeMap<String, Value>) -> (Loc<'a>, Option<String>) {
    let mut cur = loc;
    let mut def = None;
    for _ in 0..32 {
        let Some(m) = cur.v.as_object() else { break };
        if let Some(r) = m.get("$ref").and_then(Value::as_str) {
            match ref_name(r).and_then(|n| defs.get(&n).map(|v| (n, v))) {
                Some((name, v)) => {
                    cur = Loc::new(v, pointer::push("/$defs", &name));
                    def = Some(name);
                    continue;
                }
                None => break,
            }
        }
        if let Some([only]) = m.get("allOf").and_then(Value::as_array).map(Vec::as_slice) {
            if m.keys().all(|k| {
                k == "allOf" || ANNOTATIONS.contains(&k.as_str()) || IGNORED.contains(&k.as_str())
            }) {
                cur = Loc::new(only, format!("{}/allOf/0", cur.ptr));
                continue;
            }
        }
        break;
    }
    (cur, def)
}

fn is_annotation_or_ignored(k: &str) -> bool {
    ANNOTATIONS.contains(&k) || IGNORED.contains(&k)
}

/// `anyOf`/`oneOf` with nothing else that constrains: a union to flatten.
fn pure_union(m: &Map<String, Value>) -> Option<(&'static str, &Vec<Value>)> {
    let (key, arr) = if let Some(a) = m.get("anyOf").and_then(Value::as_array) {
        ("anyOf", a)
    } else {
        ("oneOf", m.get("oneOf").and_then(Value::as_array)?)
    };
    let pure = m.keys().all(|k| k == key || is_annotation_or_ignored(k));
    pure.then_some((key, arr))
}

fn type_names(m: &Map<String, Value>) -> Option<Vec<&str>> {
    match m.get("type")? {
        Value::String(s) => Some(vec![s.as_str()]),
        Value::Array(a) => Some(a.iter().filter_map(Value::as_str).collect()),
        _ => None,
    }
}

/// A schema that admits only `null`.
fn is_null_schema(v: &Value) -> bool {
    let Some(m) = v.as_object() else {
        return false;
    };
    let only_null = match (m.get("type"), m.get("const"), m.get("enum")) {
        (Some(_), _, _) => {
            type_names(m).is_some_and(|t| !t.is_empty() && t.iter().all(|t| *t == "null"))
        }
        (None, Some(Value::Null), _) => true,
        (None, None, Some(Value::Array(vs))) => !vs.is_empty() && vs.iter().all(Value::is_null),
        _ => false,
    };
    only_null
        && m.keys()
            .all(|k| matches!(k.as_str(), "type" | "const" | "enum") || is_annotation_or_ignored(k))
}

fn collect_alts<'a>(
    loc: Loc<'a>,
    label: &str,
    defs: &'a BTreeMap<String, Value>,
    depth: usize,
    out: &mut Alts<'a>,
) {
    let (loc, def) = resolve(loc, defs);
    let label = def.clone().unwrap_or_else(|| label.to_owned());
    if depth == 0 {
        out.def.clone_from(&def);
    }
    match loc.v {
        Value::Bool(false) => {}
        Value::Object(m) => {
            if depth < 16 {
                if let Some((key, arr)) = pure_union(m) {
                    out.union.get_or_insert_with(|| loc.at(key));
                    out.containers.push((def.clone(), loc.clone()));
                    for (i, b) in arr.iter().enumerate() {
                        let here = Loc::new(b, format!("{}/{key}/{i}", loc.ptr));
                        if is_null_schema(b) {
                            out.null.get_or_insert(here.ptr);
                        } else {
                            collect_alts(here, &label, defs, depth + 1, out);
                        }
                    }
                    return;
                }
            }
            if is_null_schema(loc.v) {
                out.null.get_or_insert(loc.ptr.clone());
                return;
            }
            let types = type_names(m);
            let values_have_null = match (m.get("enum"), m.get("const")) {
                (Some(Value::Array(vs)), _) => Some(vs.iter().any(Value::is_null)),
                (_, Some(c)) => Some(c.is_null()),
                _ => None,
            };
            let admits_null = match (&types, values_have_null) {
                (Some(t), Some(v)) => t.contains(&"null") && v,
                (Some(t), None) => t.contains(&"null"),
                (None, Some(v)) => v,
                // no type, no values: any value, null included, unless combinators say more
                (None, None) => !["anyOf", "oneOf", "allOf", "not"]
                    .iter()
                    .any(|k| m.contains_key(*k)),
            };
            if admits_null {
                let at = if values_have_null == Some(true) {
                    loc.kw(if m.contains_key("enum") {
                        "enum"
                    } else {
                        "const"
                    })
                } else {
                    loc.kw("type")
                };
                out.null.get_or_insert(at);
            }
            out.branches.push(Branch { loc, def, label });
        }
        _ => {
            // `true`, or not a schema at all: anything
            out.null.get_or_insert(loc.ptr.clone());
            out.branches.push(Branch { loc, def, label });
        }
    }
}

const ALL_TYPES: [&str; 6] = ["array", "boolean", "integer", "number", "object", "string"];

fn canonical_type(t: &str) -> Option<&'static str> {
    ALL_TYPES.iter().copied().find(|x| *x == t)
}

fn value_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The non-null types a schema admits; `None` is any type.
fn types_of(
    m: &Map<String, Value>,
    defs: &BTreeMap<String, Value>,
    depth: usize,
) -> Option<BTreeSet<&'static str>> {
    let mut own: Option<BTreeSet<&'static str>> =
        type_names(m).map(|ts| ts.into_iter().filter_map(canonical_type).collect());
    if own.is_none() {
        if let Some(values) = values_of(&Loc::new(&ANY, ""), m) {
            own = Some(values.iter().map(|(v, _)| value_type(v)).collect());
        }
    }
    if depth < 8 {
        if let Some(parts) = m.get("allOf").and_then(Value::as_array) {
            for part in parts {
                let (part, _) = resolve(Loc::new(part, ""), defs);
                if let Some(pm) = part.v.as_object() {
                    if let Some(pt) = types_of(pm, defs, depth + 1) {
                        own = Some(match own {
                            None => pt,
                            Some(o) => o.intersection(&pt).copied().collect(),
                        });
                    }
                }
            }
        }
    }
    own
}

/// `enum` (without `null`) or `const` values, with their pointers.
fn values_of(loc: &Loc<'_>, m: &Map<String, Value>) -> Option<Vec<(Value, String)>> {
    if let Some(Value::Array(vs)) = m.get("enum") {
        return Some(
            vs.iter()
                .enumerate()
                .filter(|(_, v)| !v.is_null())
                .map(|(i, v)| (v.clone(), format!("{}/enum/{i}", loc.ptr)))
                .collect(),
        );
    }
    match m.get("const") {
        Some(Value::Null) | None => None,
        Some(c) => Some(vec![(c.clone(), loc.at("const"))]),
    }
}

fn accepts(set: &BTreeSet<&'static str>, t: &str) -> bool {
    set.contains(t) || (t == "integer" && set.contains("number"))
}

fn all_types() -> BTreeSet<&'static str> {
    ALL_TYPES.iter().copied().collect()
}

fn types_text(t: &Option<BTreeSet<&'static str>>) -> String {
    match t {
        None => "any type".into(),
        Some(s) if s.is_empty() => "no type".into(),
        Some(s) => s.iter().copied().collect::<Vec<_>>().join(" | "),
    }
}

fn json_text(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "?".into())
}

fn values_text(vs: &[(Value, String)]) -> String {
    vs.iter()
        .map(|(v, _)| json_text(v))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A branch made only of values (`{"const": "a", "description": ...}`, `{"enum": [...]}`):
/// unions of these are compared as one `enum`.
fn is_pure_values(m: &Map<String, Value>) -> bool {
    (m.contains_key("enum") || m.contains_key("const"))
        && m.keys()
            .all(|k| matches!(k.as_str(), "type" | "enum" | "const") || is_annotation_or_ignored(k))
}

fn required_names(m: &Map<String, Value>) -> BTreeSet<&str> {
    m.get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// The one value a schema allows (`const`, or a one-value `enum`).
fn single_value(v: &Value) -> Option<&Value> {
    let m = v.as_object()?;
    if let Some(c) = m.get("const") {
        return Some(c);
    }
    match m.get("enum") {
        Some(Value::Array(vs)) if vs.len() == 1 => vs.first(),
        _ => None,
    }
}

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

/// Whether an `allOf` is only object pieces (merged) rather than constraints we do not model.
fn all_of_mergeable(m: &Map<String, Value>, defs: &BTreeMap<String, Value>) -> bool {
    let Some(parts) = m.get("allOf").and_then(Value::as_array) else {
        return true;
    };
    parts.iter().all(|p| {
        let (p, _) = resolve(Loc::new(p, ""), defs);
        p.v.as_object().is_some_and(|pm| {
            pm.keys()
                .all(|k| MERGEABLE.contains(&k.as_str()) || is_annotation_or_ignored(k))
        })
    })
}

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
    pub fn new(
        old_defs: &'a BTreeMap<String, Value>,
        new_defs: &'a BTreeMap<String, Value>,
    ) -> Walker<'a> {
        Walker {
            old_defs,
            new_defs,
            usage: String::new(),
            out: Vec::new(),
            memo: HashMap::new(),
            active: HashSet::new(),
            def_pairs: BTreeSet::new(),
        }
    }

    /// Compares the schemas of one use (`usage` names it in reports: "action `x` payload").
    pub fn compare_root(
        &mut self,
        usage: &str,
        role: Role,
        old: Loc<'a>,
        new: Loc<'a>,
        label: &str,
    ) {
        self.usage = usage.to_owned();
        self.compare(old, new, label, role, 0);
    }

    fn emit(&mut self, mut change: Change) {
        if !self.usage.is_empty() {
            change.used_by = vec![self.usage.clone()];
        }
        self.out.push(change);
    }

    fn change(
        &mut self,
        rule: RuleId,
        old: impl Into<String>,
        new: impl Into<String>,
        message: String,
    ) {
        self.emit(Change::new(rule, old, new, message));
    }

    fn compare(&mut self, o: Loc<'a>, n: Loc<'a>, label: &str, role: Role, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        self.annotations(&o, &n, label);
        let mut ao = Alts::default();
        collect_alts(o.clone(), label, self.old_defs, 0, &mut ao);
        let mut an = Alts::default();
        collect_alts(n.clone(), label, self.new_defs, 0, &mut an);
        match (&ao.null, &an.null) {
            (Some(op), None) => {
                let rule = role.narrowed_type();
                self.change(
                    rule,
                    op.clone(),
                    n.ptr.clone(),
                    format!("`{label}` no longer admits null"),
                );
            }
            (None, Some(np)) => {
                let rule = role.widened_type();
                self.change(
                    rule,
                    o.ptr.clone(),
                    np.clone(),
                    format!("`{label}` now admits null"),
                );
            }
            _ => {}
        }
        if let (Some(a), Some(b)) = (&ao.def, &an.def) {
            self.def_pairs.insert((a.clone(), b.clone()));
        }
        for (i, (odef, oc)) in ao.containers.iter().enumerate() {
            let same = an
                .containers
                .iter()
                .enumerate()
                .find(|(j, (ndef, _))| match (odef, ndef) {
                    (Some(a), Some(b)) => a == b || (i == 0 && *j == 0),
                    (None, None) => i == *j,
                    _ => i == 0 && *j == 0,
                });
            if let Some((_, (_, nc))) = same {
                self.annotations(oc, nc, label);
            }
        }
        let o_at = ao.union.clone().unwrap_or_else(|| o.ptr.clone());
        let n_at = an.union.clone().unwrap_or_else(|| n.ptr.clone());
        self.pair(ao.branches, an.branches, &o_at, &n_at, label, role, depth);
    }

    #[allow(clippy::too_many_arguments)]
    fn pair(
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

    fn compare_branch(&mut self, o: &Branch<'a>, n: &Branch<'a>, role: Role, depth: usize) {
        if let (Some(a), Some(b)) = (&o.def, &n.def) {
            self.def_pairs.insert((a.clone(), b.clone()));
        }
        let key = (o.def.is_some() || n.def.is_some())
            .then(|| (o.loc.ptr.clone(), n.loc.ptr.clone(), role));
        if let Some(k) = &key {
            if self.active.contains(k) {
                return;
            }
            if let Some(done) = self.memo.get(k) {
                let replay = done.clone();
                for c in replay {
                    self.emit(c);
                }
                return;
            }
            self.active.insert(k.clone());
        }
        let start = self.out.len();
        self.branch_body(o, n, role, depth);
        if let Some(k) = key {
            self.active.remove(&k);
            let produced = self
                .out
                .get(start..)
                .map(<[Change]>::to_vec)
                .unwrap_or_default();
            self.memo.insert(k, produced);
        }
    }

    fn branch_body(&mut self, o: &Branch<'a>, n: &Branch<'a>, role: Role, depth: usize) {
        let label = n.label.clone();
        let label = label.as_str();
        self.annotations(&o.loc, &n.loc, label);
        let om = o.loc.map();
        let nm = n.loc.map();
        let ot = types_of(om, self.old_defs, 0);
        let nt = types_of(nm, self.new_defs, 0);
        let oset = ot.clone().unwrap_or_else(all_types);
        let nset = nt.clone().unwrap_or_else(all_types);
        let narrowed = oset.iter().any(|t| !accepts(&nset, t));
        let widened = nset.iter().any(|t| !accepts(&oset, t));
        let overlap = oset
            .iter()
            .any(|t| accepts(&nset, t) || (*t == "number" && nset.contains("integer")));
        let (otp, ntp) = (o.loc.kw("type"), n.loc.kw("type"));
        let what = format!("`{label}` was {}, now {}", types_text(&ot), types_text(&nt));
        if narrowed && widened {
            self.change(role.changed_type(), otp, ntp, what);
            if !overlap {
                return;
            }
        } else if narrowed {
            self.change(role.narrowed_type(), otp, ntp, what);
        } else if widened {
            self.change(role.widened_type(), otp, ntp, what);
        }
        self.values(o, n, role, label);
        self.constraints(&o.loc, &n.loc, role, label);
        self.object(o, n, role, label, depth);
        self.array(&o.loc, &n.loc, role, label, depth);
        self.unknown_keywords(&o.loc, &n.loc, label);
    }

    fn values(&mut self, o: &Branch<'a>, n: &Branch<'a>, role: Role, label: &str) {
        let ov = values_of(&o.loc, o.loc.map());
        let nv = values_of(&n.loc, n.loc.map());
        match (ov, nv) {
            (Some(ov), Some(nv)) => {
                for (v, ptr) in &ov {
                    if !nv.iter().any(|(w, _)| w == v) {
                        let rule = role.pick(
                            RuleId::RequestEnumValueRemoved,
                            RuleId::ResponseEnumValueRemoved,
                        );
                        let at = n.loc.kw(if n.loc.map().contains_key("enum") {
                            "enum"
                        } else {
                            "const"
                        });
                        self.change(
                            rule,
                            ptr.clone(),
                            at,
                            format!("`{label}` no longer has the value {}", json_text(v)),
                        );
                    }
                }
                for (v, ptr) in &nv {
                    if !ov.iter().any(|(w, _)| w == v) {
                        let rule = role.pick(
                            RuleId::RequestEnumValueAdded,
                            RuleId::ResponseEnumValueAdded,
                        );
                        let at = o.loc.kw(if o.loc.map().contains_key("enum") {
                            "enum"
                        } else {
                            "const"
                        });
                        self.change(
                            rule,
                            at,
                            ptr.clone(),
                            format!("`{label}` has a new value {}", json_text(v)),
                        );
                    }
                }
            }
            (Some(ov), None) => {
                let at = o.loc.kw(if o.loc.map().contains_key("enum") {
                    "enum"
                } else {
                    "const"
                });
                self.change(
                    role.widened_type(),
                    at,
                    n.loc.ptr.clone(),
                    format!("`{label}` is no longer restricted to {}", values_text(&ov)),
                );
            }
            (None, Some(nv)) => {
                let at = n.loc.kw(if n.loc.map().contains_key("enum") {
                    "enum"
                } else {
                    "const"
                });
                self.change(
                    role.narrowed_type(),
                    o.loc.ptr.clone(),
                    at,
                    format!("`{label}` is now restricted to {}", values_text(&nv)),
                );
            }
            (None, None) => {}
        }
    }

    fn constraint(
        &mut self,
        role: Role,
        narrowed: bool,
        old: String,
        new: String,
        message: String,
    ) {
        self.change(role.constraint(narrowed), old, new, message);
    }

    fn constraints(&mut self, o: &Loc<'a>, n: &Loc<'a>, role: Role, label: &str) {
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
            if lo_n || hi_n {
                self.constraint(role, true, o.kw(okey), n.kw(nkey), message.clone());
            }
            if lo_w || hi_w {
                self.constraint(role, false, o.kw(okey), n.kw(nkey), message);
            }
        }
        // non-integer formats
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
            if narrowed {
                self.constraint(role, true, o.kw("format"), n.kw("format"), message.clone());
            }
            if widened {
                self.constraint(role, false, o.kw("format"), n.kw("format"), message);
            }
        }
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
            if narrowed {
                self.constraint(
                    role,
                    true,
                    o.kw("pattern"),
                    n.kw("pattern"),
                    message.clone(),
                );
            }
            if widened {
                self.constraint(role, false, o.kw("pattern"), n.kw("pattern"), message);
            }
        }
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
            if narrowed {
                self.constraint(
                    role,
                    true,
                    o.kw("multipleOf"),
                    n.kw("multipleOf"),
                    message.clone(),
                );
            }
            if widened {
                self.constraint(role, false, o.kw("multipleOf"), n.kw("multipleOf"), message);
            }
        }
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

    fn object(&mut self, o: &Branch<'a>, n: &Branch<'a>, role: Role, label: &str, depth: usize) {
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
                        let (rule, message) = match (role, *nreq) {
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
                                format!(
                                    "`{field}` is now optional; old clients rely on it being there"
                                ),
                            ),
                            (Role::Response, true) => (
                                RuleId::ResponseFieldBecameRequired,
                                format!(
                                    "`{field}` is now required; old servers may still leave it out"
                                ),
                            ),
                        };
                        self.change(rule, ol.ptr.clone(), nl.ptr.clone(), message);
                    }
                    self.compare(ol.clone(), nl.clone(), &field, role, depth + 1);
                }
                (Some((ol, oreq)), None) => {
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
                            if *oreq {
                                (RuleId::ResponseFieldRemoved, servers, "old clients still read it")
                            } else {
                                (RuleId::ResponseOptionalFieldRemoved, servers, "old code that reads it no longer compiles")
                            }
                        }
                    };
                    let deprecated =
                        ol.map().get("deprecated").and_then(Value::as_bool) == Some(true);
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
                (None, Some((nl, nreq))) => {
                    let (rule, extra, message) = match role {
                        Role::Request if *nreq => (
                            RuleId::RequestFieldAddedRequired,
                            Breaks::NONE,
                            format!(
                                "`{field}` is a new required field; old clients do not send it"
                            ),
                        ),
                        Role::Request => (
                            RuleId::RequestFieldAdded,
                            Breaks::NONE,
                            format!("`{field}` is a new optional field"),
                        ),
                        Role::Response if ov.extra.is_closed() => (
                            RuleId::ResponseClosedObjectExtended,
                            Breaks::of(false, *nreq, false),
                            format!("`{field}` is new in an object that rejected unknown fields"),
                        ),
                        Role::Response if *nreq => (
                            RuleId::ResponseFieldAdded,
                            Breaks::NONE,
                            format!(
                                "`{field}` is a new required field; old servers do not send it"
                            ),
                        ),
                        Role::Response => (
                            RuleId::ResponseOptionalFieldAdded,
                            Breaks::NONE,
                            format!("`{field}` is a new optional field"),
                        ),
                    };
                    self.emit(
                        Change::new(rule, ov.props_ptr.clone(), nl.ptr.clone(), message)
                            .also_breaks(extra),
                    );
                }
                (None, None) => {}
            }
        }
        let extra_label = format!("{label}{{*}}");
        match (&ov.extra, &nv.extra) {
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

    fn array(&mut self, o: &Loc<'a>, n: &Loc<'a>, role: Role, label: &str, depth: usize) {
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

    fn unknown_keywords(&mut self, o: &Loc<'a>, n: &Loc<'a>, label: &str) {
        let (om, nm) = (o.map(), n.map());
        let merge_o = all_of_mergeable(om, self.old_defs);
        let merge_n = all_of_mergeable(nm, self.new_defs);
        let keys: BTreeSet<&String> = om.keys().chain(nm.keys()).collect();
        for k in keys {
            let k = k.as_str();
            if HANDLED.contains(&k) || is_annotation_or_ignored(k) {
                continue;
            }
            if k == "allOf" && merge_o && merge_n {
                continue;
            }
            if om.get(k) != nm.get(k) {
                self.change(
                    RuleId::SchemaKeywordChanged,
                    o.kw(k),
                    n.kw(k),
                    format!(
                        "`{label}`: `{k}` changed; frameproof cannot tell which way, review it"
                    ),
                );
            }
        }
        // a non-object value where a schema should be
        if !o.v.is_object() && !o.v.is_boolean() && o.v != n.v {
            self.change(
                RuleId::SchemaKeywordChanged,
                o.ptr.clone(),
                n.ptr.clone(),
                format!("`{label}` is not a schema and changed"),
            );
        }
    }

    fn annotations(&mut self, o: &Loc<'a>, n: &Loc<'a>, label: &str) {
        let (Some(om), Some(nm)) = (o.v.as_object(), n.v.as_object()) else {
            return;
        };
        for k in [
            "description",
            "title",
            "$comment",
            "examples",
            "readOnly",
            "writeOnly",
        ] {
            if om.get(k) != nm.get(k) {
                self.change(
                    RuleId::DescriptionChanged,
                    o.kw(k),
                    n.kw(k),
                    format!("`{label}`: {k} changed"),
                );
            }
        }
        if om.get("default") != nm.get("default") {
            let text = |v: Option<&Value>| v.map(json_text).unwrap_or_else(|| "none".into());
            self.change(
                RuleId::DefaultChanged,
                o.kw("default"),
                n.kw("default"),
                format!(
                    "`{label}`: default was {}, now {}",
                    text(om.get("default")),
                    text(nm.get("default"))
                ),
            );
        }
        let od = om
            .get("deprecated")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let nd = nm
            .get("deprecated")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if od != nd {
            let (rule, message) = if nd {
                (RuleId::Deprecated, format!("`{label}` is now deprecated"))
            } else {
                (
                    RuleId::Undeprecated,
                    format!("`{label}` is no longer deprecated"),
                )
            };
            self.change(rule, o.kw("deprecated"), n.kw("deprecated"), message);
        }
    }
}

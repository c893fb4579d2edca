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

mod alternatives;
mod array;
mod constraints;
mod keywords;
mod object;
mod types;
mod unions;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::OnceLock;

use serde_json::{Map, Value};

use frameproof_schema::pointer;

use crate::model::{Breaks, Change};
use crate::rules::RuleId;

use alternatives::{collect_alts, resolve, Alts, Branch};
use object::required_names;
use types::{
    accepts, all_types, canonical_type, is_pure_values, single_value, type_names, types_of,
    types_text, value_type, values_of,
};

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
    pub(crate) fn new(v: &'a Value, ptr: impl Into<String>) -> Loc<'a> {
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

fn is_annotation_or_ignored(k: &str) -> bool {
    ANNOTATIONS.contains(&k) || IGNORED.contains(&k)
}

fn json_text(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "?".into())
}

impl<'a> Walker<'a> {
    pub(crate) fn new(
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
    pub(crate) fn compare_root(
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
}

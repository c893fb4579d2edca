//! Comparing two contract documents item by item: header, transport, envelope, errors,
//! actions, events and named schemas. Schemas go through [`crate::schema`].

mod actions;
mod auth;
mod defs;
mod envelope;
mod errors;
mod events;
mod transport;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use frameproof_schema::{
    pointer, ActionSpec, AuthMethod, AuthSettings, Contract, ControlFrame, Deprecation, Direction,
    ErrorCodeType, EventSpec, RestRoute, Scope,
};

use crate::model::Change;
use crate::rules::RuleId;
use crate::schema::{Loc, Role, Walker};

/// Every change between two documents, merged (one change per rule and pair of pointers, with
/// all the uses that reach it) and sorted: errors first, then by pointer.
pub fn diff(old: &Contract, new: &Contract) -> Vec<Change> {
    let mut d = Differ {
        old,
        new,
        out: Vec::new(),
        walker: Walker::new(&old.defs, &new.defs),
    };
    d.header();
    d.transport();
    d.envelope();
    d.errors();
    d.actions();
    d.events();
    d.defs();
    let mut all = d.out;
    all.append(&mut d.walker.out);
    merge(all)
}

fn merge(changes: Vec<Change>) -> Vec<Change> {
    let mut merged: BTreeMap<(RuleId, String, String), Change> = BTreeMap::new();
    for c in changes {
        let key = (c.rule, c.old_pointer.clone(), c.new_pointer.clone());
        match merged.get_mut(&key) {
            Some(existing) => {
                existing.breaks = existing.breaks.union(c.breaks);
                for u in c.used_by {
                    if !existing.used_by.contains(&u) {
                        existing.used_by.push(u);
                    }
                }
            }
            None => {
                merged.insert(key, c);
            }
        }
    }
    let mut out: Vec<Change> = merged.into_values().collect();
    for c in &mut out {
        c.used_by.sort();
    }
    out.sort_by(|a, b| {
        (a.severity, &a.old_pointer, &a.new_pointer, a.rule.id()).cmp(&(
            b.severity,
            &b.old_pointer,
            &b.new_pointer,
            b.rule.id(),
        ))
    });
    out
}

struct Differ<'a> {
    old: &'a Contract,
    new: &'a Contract,
    out: Vec<Change>,
    walker: Walker<'a>,
}

fn p(base: &str, segment: &str) -> String {
    pointer::push(base, segment)
}

fn text<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "?".into())
}

/// A path with its parameters as placeholders: `/items/{id}` and `/items/{item_id}` are the
/// same shape.
fn shape(template: &str) -> String {
    let mut out = String::with_capacity(template.len());
    let mut depth = 0usize;
    for ch in template.chars() {
        match ch {
            '{' => {
                if depth == 0 {
                    out.push_str("{}");
                }
                depth += 1;
            }
            '}' if depth > 0 => depth -= 1,
            _ if depth > 0 => {}
            _ => out.push(ch),
        }
    }
    out
}

fn version(v: &str) -> Option<semver::Version> {
    semver::Version::parse(v.trim()).ok()
}

/// Pointers under `at` where two JSON values differ (members present on one side only count).
fn leaf_diff(old: &Value, new: &Value, at: &str, out: &mut Vec<String>) {
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for k in keys {
                let here = p(at, k);
                match (a.get(k), b.get(k)) {
                    (Some(x), Some(y)) => leaf_diff(x, y, &here, out),
                    _ => out.push(here),
                }
            }
        }
        _ if old != new => out.push(at.to_owned()),
        _ => {}
    }
}

impl<'a> Differ<'a> {
    fn push(
        &mut self,
        rule: RuleId,
        old: impl Into<String>,
        new: impl Into<String>,
        message: String,
    ) {
        self.out.push(Change::new(rule, old, new, message));
    }

    fn header(&mut self) {
        let (o, n) = (self.old, self.new);
        if o.name != n.name {
            self.push(
                RuleId::MetadataChanged,
                "/name",
                "/name",
                format!("the contract's name was `{}`, now `{}`", o.name, n.name),
            );
        }
        if o.frameproof != n.frameproof {
            self.push(
                RuleId::MetadataChanged,
                "/frameproof",
                "/frameproof",
                format!(
                    "the document format was {}, now {}",
                    o.frameproof, n.frameproof
                ),
            );
        }
        if o.description != n.description {
            self.push(
                RuleId::DescriptionChanged,
                "/description",
                "/description",
                "the contract's description changed".into(),
            );
        }
    }

    fn item_common(
        &mut self,
        what: &str,
        at: &str,
        (od, nd): (&str, &str),
        (osince, nsince): (&str, &str),
        (odep, ndep): (Option<&Deprecation>, Option<&Deprecation>),
    ) {
        if od != nd {
            self.push(
                RuleId::DescriptionChanged,
                p(at, "description"),
                p(at, "description"),
                format!("{what}'s description changed"),
            );
        }
        if osince != nsince {
            let sp = p(at, "since");
            match (version(osince), version(nsince)) {
                (Some(a), Some(b)) if b > a => self.push(
                    RuleId::SinceRaised,
                    sp.clone(),
                    sp,
                    format!("{what} now claims to be new in {b}, not {a}: connections that negotiated an older version may no longer use it"),
                ),
                (Some(a), Some(b)) if b < a => self.push(
                    RuleId::SinceLowered,
                    sp.clone(),
                    sp,
                    format!("{what} now claims to be available since {b}, not {a}"),
                ),
                _ => self.push(
                    RuleId::MetadataChanged,
                    sp.clone(),
                    sp,
                    format!("{what}'s `since` was `{osince}`, now `{nsince}`"),
                ),
            }
        }
        let dp = p(at, "deprecated");
        match (odep, ndep) {
            (None, Some(d)) => {
                let note = if d.note.is_empty() {
                    String::new()
                } else {
                    format!(": {}", d.note)
                };
                self.push(
                    RuleId::Deprecated,
                    at,
                    dp,
                    format!("{what} is now deprecated{note}"),
                );
            }
            (Some(_), None) => self.push(
                RuleId::Undeprecated,
                dp,
                at,
                format!("{what} is no longer deprecated"),
            ),
            (Some(a), Some(b)) if a != b => self.push(
                RuleId::DescriptionChanged,
                dp.clone(),
                dp,
                format!("{what}'s deprecation note changed"),
            ),
            _ => {}
        }
    }
}

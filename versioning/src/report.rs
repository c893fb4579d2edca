//! A diff with its verdict: the changes under a bump policy, accepted changes, and whether the
//! new version number is a big enough bump.

use std::collections::BTreeMap;

use serde::Serialize;

use frameproof_schema::Contract;

use crate::ignore::{Accept, IgnoreFile};
use crate::model::{Breaks, Change, Level, Severity};

/// Which breaks require a major bump (and fail `--check`). All three by default; a team that
/// always deploys servers before clients may leave `servers` out, one that ships no generated
/// code may leave `codegen` out.
pub type Policy = Breaks;

/// The default policy: every side counts.
pub const ALL_SIDES: Policy = Breaks::of(true, true, true);

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Side {
    pub name: String,
    pub version: String,
}

/// Which changes require which bump.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Requirement {
    pub level: Level,
    /// Rule id → how many changes of that rule need this level.
    pub rules: BTreeMap<&'static str, usize>,
}

/// Whether the version number moved enough.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionCheck {
    pub old: String,
    pub new: String,
    /// The bump that was made; `None` when the versions cannot be compared or went down.
    pub actual: Option<Level>,
    /// The smallest bump the changes need (semantic versioning; before 1.0.0 breaking changes
    /// need a minor bump and additions a patch).
    pub required: Level,
    pub ok: bool,
    /// Why the check could not pass, beyond a small bump.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// True when a version is not semantic: the input is unusable for the check.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unusable: bool,
    /// Per level, from major down, the rules that need it.
    pub requirements: Vec<Requirement>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub changes: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub accepted: usize,
    /// Changes that break something the policy counts, accepted ones left out.
    pub breaking: usize,
    pub breaks_clients: usize,
    pub breaks_servers: usize,
    pub breaks_codegen: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub old: Side,
    pub new: Side,
    pub policy: Policy,
    pub summary: Summary,
    pub version: VersionCheck,
    pub changes: Vec<Change>,
    /// Ignore entries no change matched: stale, to clean up.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unused_accepts: Vec<Accept>,
}

impl Report {
    /// Diffs two documents and judges the result.
    pub fn new(old: &Contract, new: &Contract, policy: Policy, ignores: &IgnoreFile) -> Report {
        let changes = crate::contract::diff(old, new);
        Report::from_changes(old, new, changes, policy, ignores)
    }

    pub fn from_changes(
        old: &Contract,
        new: &Contract,
        mut changes: Vec<Change>,
        policy: Policy,
        ignores: &IgnoreFile,
    ) -> Report {
        let mut used = vec![false; ignores.accept.len()];
        for c in &mut changes {
            c.needs = if c.is_breaking(policy) {
                Level::Major
            } else {
                c.rule.meta().level
            };
            if let Some((i, accept)) = ignores.find(c.rule, &c.old_pointer, &c.new_pointer) {
                c.accepted = Some(accept.reason.clone());
                if let Some(u) = used.get_mut(i) {
                    *u = true;
                }
            }
        }
        let unused_accepts = ignores
            .accept
            .iter()
            .zip(&used)
            .filter(|(_, used)| !**used)
            .map(|(a, _)| a.clone())
            .collect();
        let counted = || changes.iter().filter(|c| c.accepted.is_none());
        let breaking = |c: &&Change| c.is_breaking(policy);
        let summary = Summary {
            changes: changes.len(),
            errors: changes
                .iter()
                .filter(|c| c.severity == Severity::Error)
                .count(),
            warnings: changes
                .iter()
                .filter(|c| c.severity == Severity::Warning)
                .count(),
            infos: changes
                .iter()
                .filter(|c| c.severity == Severity::Info)
                .count(),
            accepted: changes.iter().filter(|c| c.accepted.is_some()).count(),
            breaking: counted().filter(breaking).count(),
            breaks_clients: counted()
                .filter(|c| c.breaks.clients && policy.clients)
                .count(),
            breaks_servers: counted()
                .filter(|c| c.breaks.servers && policy.servers)
                .count(),
            breaks_codegen: counted()
                .filter(|c| c.breaks.codegen && policy.codegen)
                .count(),
        };
        let version = version_check(&old.version, &new.version, &changes);
        Report {
            old: Side {
                name: old.name.clone(),
                version: old.version.clone(),
            },
            new: Side {
                name: new.name.clone(),
                version: new.version.clone(),
            },
            policy,
            summary,
            version,
            changes,
            unused_accepts,
        }
    }

    /// Changes that count: not accepted, and breaking under the policy.
    pub fn breaking(&self) -> impl Iterator<Item = &Change> {
        self.changes
            .iter()
            .filter(|c| c.accepted.is_none() && c.is_breaking(self.policy))
    }
}

/// The level a change needs for a given old version: one less before 1.0.0.
fn scaled(level: Level, pre_one: bool) -> Level {
    match (pre_one, level) {
        (true, Level::Major) => Level::Minor,
        (true, Level::Minor) => Level::Patch,
        (_, other) => other,
    }
}

fn version_check(old: &str, new: &str, changes: &[Change]) -> VersionCheck {
    let ov = semver::Version::parse(old.trim()).ok();
    let nv = semver::Version::parse(new.trim()).ok();
    let pre_one = ov.as_ref().is_some_and(|v| v.major == 0);
    let mut by_level: BTreeMap<Level, BTreeMap<&'static str, usize>> = BTreeMap::new();
    for c in changes.iter().filter(|c| c.accepted.is_none()) {
        let level = scaled(c.needs, pre_one);
        *by_level
            .entry(level)
            .or_default()
            .entry(c.rule.id())
            .or_default() += 1;
    }
    let required = by_level.keys().next_back().copied().unwrap_or(Level::None);
    let requirements = by_level
        .into_iter()
        .rev()
        .filter(|(level, _)| *level != Level::None)
        .map(|(level, rules)| Requirement { level, rules })
        .collect();
    let mut check = VersionCheck {
        old: old.to_owned(),
        new: new.to_owned(),
        actual: None,
        required,
        ok: false,
        problem: None,
        unusable: false,
        requirements,
    };
    let (Some(ov), Some(nv)) = (ov, nv) else {
        let bad = if semver::Version::parse(old.trim()).is_err() {
            old
        } else {
            new
        };
        check.problem = Some(format!("`{bad}` is not a semantic version"));
        check.unusable = true;
        return check;
    };
    if nv < ov {
        check.problem = Some(format!("the new version {nv} is lower than the old {ov}"));
        return check;
    }
    let actual = if nv == ov {
        Level::None
    } else if nv.major > ov.major {
        Level::Major
    } else if nv.minor > ov.minor {
        Level::Minor
    } else {
        Level::Patch
    };
    check.actual = Some(actual);
    check.ok = actual >= required;
    check
}

//! What a diff produces: changes, each with its rule, severity, what it breaks and where it
//! stands in both documents.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::rules::RuleId;

/// How loudly a change is reported. The order is the order of a report: errors first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// An unannounced break of the wire for old clients (or for both sides).
    Error,
    /// A break to review: only old servers' traffic or generated code, a planned removal of
    /// something deprecated, or a behaviour change the schemas cannot show.
    Warning,
    /// Compatible: an addition, a relaxation, documentation.
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a change breaks, per side of the wire and for generated code.
///
/// - `clients`: an **old client** (written or generated against the old contract) talking to a
///   **new server**: its requests must still be accepted, and everything the new server sends
///   (responses, errors, events) must still be understood.
/// - `servers`: the traffic of an **old server**, still running during a rolling deploy or after
///   a rollback, or recorded in transcripts, judged by the new contract: the requests it was
///   sent must still be valid, and what it sends must still be valid (a new client or a
///   validator configured with the new contract reads it).
/// - `codegen`: code regenerated from the new contract (TypeScript types, a client) no longer
///   compiles against call sites written for the old one, although the wire may be fine.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Breaks {
    pub clients: bool,
    pub servers: bool,
    pub codegen: bool,
}

impl Breaks {
    pub const NONE: Breaks = Breaks {
        clients: false,
        servers: false,
        codegen: false,
    };

    pub const fn of(clients: bool, servers: bool, codegen: bool) -> Breaks {
        Breaks {
            clients,
            servers,
            codegen,
        }
    }

    pub fn union(self, other: Breaks) -> Breaks {
        Breaks {
            clients: self.clients || other.clients,
            servers: self.servers || other.servers,
            codegen: self.codegen || other.codegen,
        }
    }

    /// What remains of these breaks under a policy (the sides that count).
    pub fn within(self, policy: Breaks) -> Breaks {
        Breaks {
            clients: self.clients && policy.clients,
            servers: self.servers && policy.servers,
            codegen: self.codegen && policy.codegen,
        }
    }

    pub fn any(self) -> bool {
        self.clients || self.servers || self.codegen
    }

    /// `["clients", "servers", "codegen"]`, the ones that are set.
    pub fn labels(self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.clients {
            out.push("clients");
        }
        if self.servers {
            out.push("servers");
        }
        if self.codegen {
            out.push("codegen");
        }
        out
    }
}

impl fmt::Display for Breaks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let labels = self.labels();
        if labels.is_empty() {
            f.write_str("nothing")
        } else {
            f.write_str(&labels.join(", "))
        }
    }
}

/// A semantic version bump, smallest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    None,
    Patch,
    Minor,
    Major,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Patch => "patch",
            Level::Minor => "minor",
            Level::Major => "major",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One difference between the two documents.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    #[serde(serialize_with = "rule_id")]
    pub rule: RuleId,
    pub severity: Severity,
    /// What this change breaks (the rule's own breaks, refined by where it happened).
    pub breaks: Breaks,
    pub message: String,
    /// Where the change stands in the old document: the changed member, or for an addition the
    /// nearest member that exists there (the object that gained it).
    pub old_pointer: String,
    /// The same in the new document; for a removal, the object that lost the member.
    pub new_pointer: String,
    /// The actions, events and frames whose schemas reach this change.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub used_by: Vec<String>,
    /// The bump this change needs under the report's policy.
    pub needs: Level,
    /// Set when an ignore file accepts the change: the reason given there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted: Option<String>,
}

fn rule_id<S: Serializer>(rule: &RuleId, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(rule.id())
}

impl Change {
    /// A change of `rule` with the rule's severity and breaks.
    pub fn new(
        rule: RuleId,
        old_pointer: impl Into<String>,
        new_pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Change {
        let meta = rule.meta();
        Change {
            rule,
            severity: meta.severity,
            breaks: meta.breaks,
            message: message.into(),
            old_pointer: old_pointer.into(),
            new_pointer: new_pointer.into(),
            used_by: Vec::new(),
            needs: meta.level,
            accepted: None,
        }
    }

    /// Adds breaks that depend on where the change happened.
    pub fn also_breaks(mut self, extra: Breaks) -> Change {
        self.breaks = self.breaks.union(extra);
        self
    }

    /// Whether the change is breaking for any side the policy counts.
    pub fn is_breaking(&self, policy: Breaks) -> bool {
        self.breaks.within(policy).any()
    }

    /// Matches an ignore entry's pointer: either document's pointer.
    pub fn at(&self, pointer: &str) -> bool {
        self.old_pointer == pointer || self.new_pointer == pointer
    }
}

//! One frame through the proxy: validated in the connection's session (large frames on a
//! blocking thread, so one huge frame cannot hold up other connections), its violations made
//! safe to write, recorded with credentials redacted, and — with `--enforce` — refused with
//! the contract's `validation_failed` when the frame itself is wrong.

use std::collections::HashSet;
use std::sync::Arc;

use bytes::Bytes;
use serde_json::Value;

use frameproof_schema::Direction;
use frameproof_validator::{FrameCheck, FrameKind, Rule, Session, Severity, Violation};

use crate::answers::validation_details;
use crate::Shared;

/// Rules whose failure `--enforce` stops at the proxy: the frame itself is wrong.
const ENFORCED: &[Rule] = &[
    Rule::FrameJson,
    Rule::FrameUtf8,
    Rule::FrameTooLarge,
    Rule::FrameTooDeep,
    Rule::FrameDuplicateKey,
    Rule::FrameEnvelope,
    Rule::FrameUnknownAction,
    Rule::FrameRestOnly,
    Rule::FrameBinary,
    Rule::PayloadSchema,
    Rule::ControlSchema,
];

/// What to do with a frame once checked.
pub(crate) enum Verdict {
    Forward,
    /// Do not forward; answer the sender with this frame.
    Refuse(String),
}

/// The checking half of one bridged connection.
pub(crate) struct Checker {
    shared: Arc<Shared>,
    conn: String,
    /// `None` only while a blocking thread holds it.
    session: Option<Session>,
    /// Ids of refresh-action requests in flight: their answers hold new tokens.
    refresh_ids: HashSet<String>,
    /// Whether the recording already names this connection's credential.
    credential_declared: bool,
}

enum Observed {
    Plain(Vec<Violation>),
    Detailed(FrameCheck),
}

impl Checker {
    pub(super) fn new(shared: Arc<Shared>, conn: String, version: Option<&str>) -> Checker {
        let mut session = shared
            .validator
            .session()
            .with_location("live", conn.clone());
        if let Some(v) = version {
            session = session.with_version(v);
        }
        Checker {
            shared,
            conn,
            session: Some(session),
            refresh_ids: HashSet::new(),
            credential_declared: false,
        }
    }

    fn session(&mut self) -> &mut Session {
        let shared = &self.shared;
        let conn = &self.conn;
        self.session.get_or_insert_with(|| {
            shared
                .validator
                .session()
                .with_location("live", conn.clone())
        })
    }

    /// Requests sent and not yet answered.
    pub(super) fn outstanding(&mut self) -> usize {
        self.session().outstanding()
    }

    pub(super) async fn text(&mut self, dir: Direction, text: Bytes) -> Verdict {
        let detailed = self.shared.recorder.is_some() || self.shared.config.enforce;
        match self.observe(dir, text.clone(), detailed).await {
            Observed::Plain(mut violations) => {
                self.make_safe(&text, &mut violations, &[]);
                self.report(&violations);
                Verdict::Forward
            }
            Observed::Detailed(check) => self.after_detailed(dir, &text, check),
        }
    }

    pub(super) fn binary(&mut self, dir: Direction, bytes: &[u8]) -> Verdict {
        let found = self.session().observe_binary(dir, bytes);
        self.report(&found);
        if let Some(r) = &self.shared.recorder {
            r.binary(&self.conn, dir, bytes);
        }
        if dir == Direction::Client && self.refuses(&found) {
            return Verdict::Refuse(self.refusal(Value::Null, &found, None));
        }
        Verdict::Forward
    }

    /// Reports what is still wrong when the connection ends.
    pub(super) fn finish(mut self) {
        if let Some(session) = self.session.take() {
            let left = session.finish();
            self.report(&left);
        }
    }

    /// Validates in the session; frames over the offload size on a blocking thread.
    async fn observe(&mut self, dir: Direction, text: Bytes, detailed: bool) -> Observed {
        let run = move |session: &mut Session, text: &[u8]| {
            if detailed {
                Observed::Detailed(session.observe_detailed(dir, text))
            } else {
                Observed::Plain(session.observe(dir, text))
            }
        };
        if text.len() <= self.shared.config.limits.offload_bytes {
            return run(self.session(), &text);
        }
        let mut session = self.session.take();
        let joined = tokio::task::spawn_blocking(move || {
            let observed = session.as_mut().map(|s| run(s, &text));
            (session, observed)
        })
        .await;
        match joined {
            Ok((session, Some(observed))) => {
                self.session = session;
                observed
            }
            // the check failed unexpectedly: the session starts afresh, the frame passes on
            _ => Observed::Plain(Vec::new()),
        }
    }

    fn after_detailed(&mut self, dir: Direction, text: &[u8], check: FrameCheck) -> Verdict {
        let FrameCheck {
            kind,
            value,
            mut violations,
        } = check;
        let text = String::from_utf8_lossy(text);
        let (recorded, secrets) = self.redact(dir, &kind, value, &text);
        self.make_safe(text.as_bytes(), &mut violations, &secrets);
        self.report(&violations);
        if let Some(r) = &self.shared.recorder {
            match recorded {
                Recorded::Json(v) => r.text(&self.conn, dir, &text, Some(v)),
                Recorded::Text(t) => r.text(&self.conn, dir, &t, None),
            }
        }
        if dir != Direction::Client || !self.refuses(&violations) {
            return Verdict::Forward;
        }
        let id = match &kind {
            FrameKind::Request { id, .. } => id.clone(),
            _ => self.readable_id(&text),
        };
        let answer = self.refusal(id, &violations, Some(&kind));
        Verdict::Refuse(answer)
    }

    fn refuses(&self, violations: &[Violation]) -> bool {
        self.shared.config.enforce
            && violations
                .iter()
                .any(|v| v.severity == Severity::Error && ENFORCED.contains(&v.rule))
    }

    /// The `validation_failed` frame answering a refused client frame; the session sees it as
    /// the server's answer, and the recording holds it.
    fn refusal(&mut self, id: Value, violations: &[Violation], kind: Option<&FrameKind>) -> String {
        let first = violations.iter().find(|v| ENFORCED.contains(&v.rule));
        let message = first.map_or_else(
            || "rejected by frameproof proxy".to_owned(),
            |v| {
                let at = if v.pointer.is_empty() {
                    "/"
                } else {
                    &v.pointer
                };
                format!("rejected by frameproof proxy: {} at {at}", v.message)
            },
        );
        let frame = self.shared.validator.error_frame(
            id,
            "validation_failed",
            &message,
            Some(validation_details(violations)),
        );
        let text = frame.to_string();
        if let Some(kind) = kind {
            self.session().withdraw(kind);
        }
        let found = self.session().observe(Direction::Server, text.as_bytes());
        self.report(&found);
        if let Some(r) = &self.shared.recorder {
            r.text(&self.conn, Direction::Server, &text, Some(frame));
        }
        text
    }

    /// The request id of a frame the strict checks refused, read leniently, so the client can
    /// match the refusal to its request.
    fn readable_id(&self, text: &str) -> Value {
        let contract = self.shared.validator.contract();
        serde_json::from_str::<Value>(text)
            .ok()
            .and_then(|v| contract.request_id(&v).cloned())
            .filter(|id| id.is_string() || id.is_number())
            .unwrap_or(Value::Null)
    }

    /// What to record for a frame, and the secrets taken out of it.
    fn redact(
        &mut self,
        dir: Direction,
        kind: &FrameKind,
        value: Option<Value>,
        text: &str,
    ) -> (Recorded, Vec<String>) {
        let credentials = self.shared.credentials.clone();
        let Some(mut value) = value else {
            if credentials.names_a_credential(text) {
                let secrets = self.lenient_secrets(text);
                return (
                    Recorded::Text(credentials.refused_marker(text, "not strictly valid JSON")),
                    secrets,
                );
            }
            return (Recorded::Text(text.to_owned()), Vec::new());
        };
        let mut secrets = Vec::new();
        match (dir, kind) {
            (Direction::Client, FrameKind::Request { id, action })
                if credentials.is_credential_action(action) =>
            {
                self.refresh_ids.insert(id.to_string());
                secrets = credentials.redact_members(&mut value, &self.conn);
            }
            (Direction::Client, _) => {
                secrets = credentials.redact_auth_frame(&mut value, &self.conn);
                if !secrets.is_empty() {
                    self.declare_credential();
                }
            }
            (Direction::Server, FrameKind::Ok { id } | FrameKind::Error { id, .. })
                if self.refresh_ids.remove(&id.to_string()) =>
            {
                secrets = credentials.redact_members(&mut value, &self.conn);
            }
            _ => {}
        }
        (Recorded::Json(value), secrets)
    }

    /// The recording names the connection's credential once an auth frame carried it.
    fn declare_credential(&mut self) {
        if self.credential_declared {
            return;
        }
        self.credential_declared = true;
        if let Some(r) = &self.shared.recorder {
            let mut info = frameproof_schema::transcript::ConnectionInfo::default();
            info.credentials.insert(
                "token".into(),
                crate::redact::placeholder(&self.conn).into(),
            );
            r.connection(&self.conn, info, false);
        }
    }

    /// Secrets in a frame only a lenient parse can read (a key named twice: every value).
    fn lenient_secrets(&self, text: &str) -> Vec<String> {
        let credentials = &self.shared.credentials;
        let mut secrets = Vec::new();
        let stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
        if let Some(Ok(mut v)) = stream.take(1).next() {
            secrets.extend(credentials.redact_auth_frame(&mut v.clone(), &self.conn));
            secrets.extend(credentials.redact_members(&mut v, &self.conn));
        }
        // a key named twice keeps only its last value in a lenient parse: take every quoted
        // string that follows a credential member's name as well
        secrets.extend(credentials.quoted_after_members(text));
        secrets
    }

    /// Violations about a frame that carries a credential lose their excerpts and values.
    fn make_safe(&self, text: &[u8], violations: &mut [Violation], secrets: &[String]) {
        if violations.is_empty() {
            return;
        }
        let credentials = &self.shared.credentials;
        let text = String::from_utf8_lossy(text);
        let mut secrets = secrets.to_vec();
        let sensitive = !secrets.is_empty()
            || credentials.names_a_credential(&text)
            || violations.iter().any(|v| {
                v.item
                    .as_deref()
                    .is_some_and(|i| credentials.is_credential_action(i))
            });
        if !sensitive {
            return;
        }
        if secrets.is_empty() {
            secrets = self.lenient_secrets(&text);
        }
        for v in violations.iter_mut() {
            credentials.scrub(v, &secrets);
        }
    }

    fn report(&self, violations: &[Violation]) {
        for v in violations {
            let mut v = v.clone();
            v.location.file = "live".into();
            self.shared.report(&v);
        }
    }
}

enum Recorded {
    Json(Value),
    Text(String),
}

//! One connection, both directions: responses answer outstanding requests and match *that*
//! action's response schema and error list; events arrive only on subscribed topics and the
//! connection's own tenant; nothing newer than the negotiated version is used; requests left
//! unanswered are reported when the session finishes.

use std::collections::HashSet;
use std::sync::Arc;

use frameproof_schema::{ControlKind, Direction, Scope};

use crate::compiled::Validator;
use crate::frame::{FrameCheck, FrameKind, Kind};
use crate::in_flight::{show, InFlight, Pending};
use crate::parse::parse_frame;
use crate::tape::{Tape, TapeNode};
use crate::violation::{Location, Violation};

/// Outstanding requests tracked per connection; past this a capture is not a conversation.
const MAX_OUTSTANDING: usize = 65_536;

/// A session's tape keeps its grown buffers up to this many bytes; past it (after a big
/// frame) they are given back, so an idle session is small whatever it once carried.
const KEPT_TAPE_BYTES: usize = 64 * 1024;

pub struct Session {
    validator: Validator,
    outstanding: InFlight,
    subscriptions: HashSet<String, ahash::RandomState>,
    tenant: Option<String>,
    version: Option<semver::Version>,
    frames: u64,
    location: Location,
    overflow_reported: bool,
    /// Application pings not yet answered by a pong.
    pings: u64,
    /// The first tenant seen in a tenant event, when the connection's own is not known.
    first_tenant: Option<String>,
    /// Where frames are parsed; its buffers are reused from frame to frame.
    tape: Tape,
}

impl Session {
    pub(crate) fn new(validator: Validator) -> Session {
        Session {
            validator,
            outstanding: InFlight::default(),
            subscriptions: HashSet::default(),
            tenant: None,
            version: None,
            frames: 0,
            location: Location::default(),
            overflow_reported: false,
            pings: 0,
            first_tenant: None,
            tape: Tape::default(),
        }
    }

    /// The tenant (org) the connection belongs to: tenant events for another are violations.
    pub fn with_tenant(mut self, tenant: impl Into<String>) -> Session {
        self.tenant = Some(tenant.into());
        self
    }

    /// The contract version the client negotiated: newer actions and events are violations.
    pub fn with_version(mut self, version: &str) -> Session {
        self.version = semver::Version::parse(version).ok();
        self
    }

    /// The file and connection every violation of this session names.
    pub fn with_location(
        mut self,
        file: impl Into<String>,
        connection: impl Into<String>,
    ) -> Session {
        self.location.file = file.into();
        self.location.connection = connection.into();
        self
    }

    /// Observes one text frame and returns what is wrong with it, alone and in context.
    pub fn observe(&mut self, direction: Direction, bytes: &[u8]) -> Vec<Violation> {
        self.observe_text(direction, bytes, false).violations
    }

    /// Observes one binary frame (always a violation for JSON contracts).
    pub fn observe_binary(&mut self, direction: Direction, bytes: &[u8]) -> Vec<Violation> {
        let check = self.validator.check_binary(direction, bytes);
        self.after_check(direction, Kind::Unreadable, check.violations, None)
    }

    /// A text frame of `len` bytes that was not read because it is over the frame limit (a
    /// capture reader skipped it): reported as `frame.too_large`, counted as a frame.
    pub fn observe_oversized(&mut self, direction: Direction, len: u64) -> Vec<Violation> {
        let limit = self.validator.inner.limits.max_frame_bytes;
        let v = Violation::error(
            "frame.too_large",
            "",
            format!("the frame is {len} bytes as recorded, over the {limit} byte limit; not read"),
        );
        self.after_check(direction, Kind::Unreadable, vec![v], None)
    }

    /// Like [`Session::observe`], also returning the frame's classification and value.
    pub fn observe_detailed(&mut self, direction: Direction, bytes: &[u8]) -> FrameCheck {
        self.observe_text(direction, bytes, true)
    }

    /// The frame goes onto the session's own tape, reused from frame to frame, and is checked
    /// there; an owned value is built only when asked for.
    fn observe_text(&mut self, direction: Direction, bytes: &[u8], with_value: bool) -> FrameCheck {
        let mut tape = std::mem::take(&mut self.tape);
        let check = match parse_frame(bytes, &self.validator.inner.limits, &mut tape) {
            Ok(doc) => {
                let root = doc.root();
                let (kind, violations) = self.validator.check_parsed(direction, root);
                let kept = if with_value {
                    kind.to_frame_kind()
                } else {
                    FrameKind::Unreadable
                };
                let violations = self.after_check(direction, kind, violations, Some(root));
                FrameCheck {
                    kind: kept,
                    value: with_value.then(|| root.to_value()),
                    violations,
                }
            }
            Err(v) => {
                let mut v = *v;
                v.direction = Some(direction);
                let violations = self.after_check(direction, Kind::Unreadable, vec![v], None);
                FrameCheck {
                    kind: FrameKind::Unreadable,
                    value: None,
                    violations,
                }
            }
        };
        tape.shrink_past(KEPT_TAPE_BYTES);
        self.tape = tape;
        check
    }

    /// Requests waiting for their response.
    pub(crate) fn in_flight(&self) -> usize {
        self.outstanding.len()
    }

    /// Bytes held by the session's reusable parse buffers.
    #[cfg(test)]
    pub(crate) fn tape_capacity(&self) -> usize {
        self.tape.capacity_bytes()
    }

    fn after_check(
        &mut self,
        direction: Direction,
        kind: Kind<'_>,
        violations: Vec<Violation>,
        frame: Option<TapeNode<'_>>,
    ) -> Vec<Violation> {
        let index = self.frames;
        self.frames += 1;
        let mut out = violations;
        match (kind, frame) {
            (Kind::Request { id, action }, _) => self.on_request(id, action, index, &mut out),
            (Kind::Ok { id }, Some(frame)) => self.on_response(id, None, Some(frame), &mut out),
            (Kind::Error { id, code }, _) => self.on_response(id, code.as_deref(), None, &mut out),
            (
                Kind::Event {
                    name,
                    tenant,
                    topic,
                },
                _,
            ) => self.on_event(name, tenant, topic, &mut out),
            (Kind::Control { kind, topics }, frame) => {
                // a control frame may carry an id: the client's is outstanding until the
                // server acknowledges it (echoing the id) or answers with an error
                let id = frame.and_then(|v| crate::frame::control_id(&self.validator, v));
                if let Some(id) = id {
                    if direction == Direction::Client {
                        let action = Arc::from(format!("{kind:?} frame").to_lowercase());
                        let pending = Pending {
                            action,
                            frame: index,
                        };
                        self.outstanding.insert(id, pending);
                    } else {
                        self.outstanding.remove(id);
                    }
                }
                if kind == ControlKind::Auth {
                    // an auth frame may name the contract version the client speaks
                    let named = frame.and_then(|v| {
                        self.validator
                            .inner
                            .contract
                            .transport
                            .versioning
                            .as_ref()?
                            .from_auth_frame(&v.to_value())
                    });
                    if let Some(v) = named {
                        self.version = semver::Version::parse(&v).ok();
                    }
                }
                self.on_control(kind, &topics, &mut out);
            }
            _ => {}
        }
        for v in &mut out {
            v.location.file.clone_from(&self.location.file);
            v.location.connection.clone_from(&self.location.connection);
            v.location.frame = Some(index);
            v.direction.get_or_insert(direction);
        }
        out
    }

    fn on_control(&mut self, kind: ControlKind, topics: &[&str], out: &mut Vec<Violation>) {
        match kind {
            ControlKind::Subscribe => self
                .subscriptions
                .extend(topics.iter().map(|t| (*t).to_owned())),
            ControlKind::Unsubscribe => {
                for t in topics {
                    self.subscriptions.remove(*t);
                }
            }
            ControlKind::Ping => self.pings += 1,
            ControlKind::Pong => {
                if self.pings == 0 {
                    out.push(Violation::error(
                        "session.unexpected_pong",
                        "",
                        "a pong without a ping to answer",
                    ));
                }
                self.pings = self.pings.saturating_sub(1);
            }
            _ => {}
        }
    }

    fn on_request(
        &mut self,
        id: Option<TapeNode<'_>>,
        action: &str,
        index: u64,
        out: &mut Vec<Violation>,
    ) {
        let inner = &self.validator.inner;
        let spec = inner.actions.get(action);
        if let Some(spec) = spec {
            if let Some(note) = &spec.deprecated {
                let why = if note.is_empty() {
                    String::new()
                } else {
                    format!(": {note}")
                };
                out.push(
                    Violation::warning("deprecated", "", format!("`{action}` is deprecated{why}"))
                        .with_item(action),
                );
            }
            if let (Some(negotiated), Some(since)) = (&self.version, &spec.since) {
                if since > negotiated {
                    out.push(
                        Violation::error(
                            "session.version",
                            "",
                            format!("`{action}` arrived in {since}, newer than the connection's version {negotiated}"),
                        )
                        .with_item(action),
                    );
                }
            }
        }
        let Some(id) = id.filter(|id| !id.is_null_value()) else {
            return;
        };
        if let Some(first) = self.outstanding.get(id) {
            let key = show(id);
            out.push(
                Violation::error(
                    "session.duplicate_id",
                    "",
                    format!(
                        "request id {key} is already in flight (frame {}, `{}`); ids must be unique until answered",
                        first.frame, first.action
                    ),
                )
                .with_item(action),
            );
            return;
        }
        if self.outstanding.len() >= MAX_OUTSTANDING {
            if !self.overflow_reported {
                self.overflow_reported = true;
                out.push(Violation::error(
                    "session.too_many_outstanding",
                    "",
                    format!("more than {MAX_OUTSTANDING} requests are unanswered; later ones are not tracked"),
                ));
            }
            return;
        }
        let action = spec.map_or_else(|| Arc::from(action), |s| s.name.clone());
        let pending = Pending {
            action,
            frame: index,
        };
        self.outstanding.insert(id, pending);
    }

    fn on_response(
        &mut self,
        id: Option<TapeNode<'_>>,
        error_code: Option<&str>,
        ok_frame: Option<TapeNode<'_>>,
        out: &mut Vec<Violation>,
    ) {
        let id = id.filter(|id| !id.is_null_value());
        let Some(id) = id else {
            if ok_frame.is_some() {
                out.push(Violation::error(
                    "session.unknown_response_id",
                    "",
                    "response to id null, which no outstanding request has",
                ));
            }
            // an error about a frame that could not be read carries no id
            return;
        };
        let Some(request) = self.outstanding.remove(id) else {
            let key = show(id);
            out.push(Violation::error(
                "session.unknown_response_id",
                "",
                format!("response to id {key}, which no outstanding request has"),
            ));
            return;
        };
        let action = request.action;
        if let Some(frame) = ok_frame {
            out.extend(self.validator.check_response_data(&action, frame));
        }
        if let Some(code) = error_code.filter(|_| !action.ends_with(" frame")) {
            let inner = &self.validator.inner;
            let declared = inner
                .actions
                .get(&*action)
                .is_some_and(|a| a.errors.iter().any(|e| e == code));
            let any = inner
                .contract
                .errors
                .get(code)
                .is_some_and(|e| e.any_action);
            if !declared && !any {
                out.push(
                    Violation::error(
                        "error.undeclared",
                        "",
                        format!(
                            "`{action}` answered with error `{code}`, which it does not declare"
                        ),
                    )
                    .with_item(&*action),
                );
            }
        }
        for v in out.iter_mut() {
            v.item.get_or_insert_with(|| action.to_string());
        }
    }

    fn on_event(
        &mut self,
        name: &str,
        tenant: Option<&str>,
        topic: Option<&str>,
        out: &mut Vec<Violation>,
    ) {
        let inner = &self.validator.inner;
        let Some(spec) = inner.events.get(name) else {
            return;
        };
        if let Some(note) = &spec.deprecated {
            out.push(
                Violation::warning("deprecated", "", format!("`{name}` is deprecated: {note}"))
                    .with_item(name),
            );
        }
        if let (Some(negotiated), Some(since)) = (&self.version, &spec.since) {
            if since > negotiated {
                out.push(
                    Violation::error(
                        "session.version",
                        "",
                        format!("`{name}` arrived in {since}, newer than the connection's version {negotiated}"),
                    )
                    .with_item(name),
                );
            }
        }
        match &spec.scope {
            Scope::Tenant => {
                // without the connection's tenant, the first one seen stands for it: events of
                // two tenants on one connection are a leak either way
                if self.tenant.is_none() {
                    if let Some(t) = tenant {
                        let first = self.first_tenant.get_or_insert_with(|| t.to_owned());
                        if first != t {
                            out.push(
                                Violation::error(
                                    "session.cross_tenant",
                                    "",
                                    format!("`{name}` of tenant `{t}` reached a connection that received tenant `{first}`'s events"),
                                )
                                .with_item(name),
                            );
                        }
                    }
                }
                if let (Some(mine), Some(theirs)) = (&self.tenant, tenant) {
                    if mine != theirs {
                        out.push(
                            Violation::error(
                                "session.cross_tenant",
                                "",
                                format!("`{name}` of tenant `{theirs}` reached a connection of tenant `{mine}`"),
                            )
                            .with_item(name),
                        );
                    }
                }
            }
            Scope::Topic { .. } => {
                if let Some(t) = topic {
                    if !self.subscriptions.contains(t) {
                        out.push(
                            Violation::error(
                                "session.unsubscribed_topic",
                                "",
                                format!("`{name}` on topic `{t}`, which this connection has not subscribed to"),
                            )
                            .with_item(name),
                        );
                    }
                }
            }
            Scope::Connection => {}
        }
    }

    /// Requests (and control frames with an id) sent and not yet answered.
    pub fn outstanding(&self) -> usize {
        self.outstanding.len()
    }

    /// Takes back a client frame that never reached the server (a proxy refused it): a ping
    /// it counted is no longer waiting for its pong, topics it subscribed are not subscribed.
    /// (A refused request is settled by the error frame that answers it.)
    pub fn withdraw(&mut self, kind: &FrameKind) {
        if let FrameKind::Control { kind, topics } = kind {
            match kind {
                ControlKind::Ping => self.pings = self.pings.saturating_sub(1),
                ControlKind::Subscribe => topics.iter().for_each(|t| {
                    self.subscriptions.remove(t);
                }),
                _ => {}
            }
        }
    }

    /// Ends the session: every request still unanswered is a violation.
    pub fn finish(self) -> Vec<Violation> {
        let left = self.outstanding.into_sorted();
        let mut out: Vec<Violation> = Vec::new();
        if self.pings > 0 {
            let mut v = Violation::error(
                "session.unanswered_ping",
                "",
                format!(
                    "{} application ping(s) never answered with a pong",
                    self.pings
                ),
            );
            v.location.file.clone_from(&self.location.file);
            v.location.connection.clone_from(&self.location.connection);
            v.direction = Some(Direction::Server);
            out.push(v);
        }
        out.extend(left.into_iter().map(|(id, o)| {
            let mut v = Violation::error(
                "session.unanswered",
                "",
                format!("request {id} (`{}`) was never answered", o.action),
            )
            .with_item(&*o.action);
            v.location = Location {
                file: self.location.file.clone(),
                connection: self.location.connection.clone(),
                frame: Some(o.frame),
                ..Location::default()
            };
            v.direction = Some(Direction::Client);
            v
        }));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_gives_back_the_buffers_of_a_big_frame() {
        let validator = Validator::new(&timetracker::contract()).expect("compiles");
        let mut session = validator.session();
        let small = br#"{"id":"1","action":"projects.get","payload":{"id":"p\u0031"}}"#;
        session.observe(Direction::Client, small);
        let kept = session.tape_capacity();
        assert!(kept > 0 && kept <= KEPT_TAPE_BYTES, "{kept}");
        // an 8 MB frame: a million values, escaped strings among them
        let items: Vec<String> = (0..500_000).map(|i| format!("{i},\"s\\n{i}\"")).collect();
        let big = format!(
            "{{\"id\":\"2\",\"action\":\"projects.get\",\"payload\":{{\"id\":\"p\",\"x\":[{}]}}}}",
            items.join(",")
        );
        assert!(big.len() > 8_000_000);
        assert!(!session
            .observe(Direction::Client, big.as_bytes())
            .is_empty());
        let after = session.tape_capacity();
        assert!(
            after <= KEPT_TAPE_BYTES,
            "{after} bytes kept after a big frame"
        );
        // and small frames still parse without growing past it
        session.observe(Direction::Client, small);
        assert!(session.tape_capacity() <= KEPT_TAPE_BYTES);
    }
}

//! One connection, both directions: responses answer outstanding requests and match *that*
//! action's response schema and error list; events arrive only on subscribed topics and the
//! connection's own tenant; nothing newer than the negotiated version is used; requests left
//! unanswered are reported when the session finishes.

use std::collections::HashSet;
use std::sync::Arc;

use frameproof_schema::{ControlKind, Direction, Scope};

use crate::compiled::{FastMap, Subscribing, Validator};
use crate::frame::{join, FrameCheck, FrameKind, Kind};
use crate::in_flight::{show, InFlight, Key, Pending};
use crate::ordering::OrderState;
use crate::parse::parse_frame;
use crate::rule::Rule;
use crate::tape::{Tape, TapeNode};
use crate::violation::{Location, Violation};

/// Outstanding requests tracked per connection; past this a capture is not a conversation.
const MAX_OUTSTANDING: usize = 65_536;

/// Open subscriptions tracked per connection; ids past this are not remembered.
const MAX_SUBSCRIPTIONS: usize = 65_536;

/// A session's tape keeps its grown buffers up to this many bytes; past it (after a big
/// frame) they are given back, so an idle session is small whatever it once carried.
const KEPT_TAPE_BYTES: usize = 64 * 1024;

/// The checks of one connection that need memory: requests waiting for their response,
/// subscriptions, the credential's tenant, the ordering rules. Start one with
/// [`Validator::session`]; feed it frames in the order they travelled.
pub struct Session {
    validator: Validator,
    outstanding: InFlight,
    subscriptions: HashSet<String, ahash::RandomState>,
    tenant: Option<String>,
    version: Option<semver::Version>,
    frames: u64,
    location: Location,
    overflow_reported: bool,
    /// Control frames waiting for their reply, by the reply's kind (pings for their pong).
    awaiting: FastMap<ControlKind, u64>,
    /// Subscriptions handed out by a result and not yet ended (their ids as JSON).
    opened: HashSet<String, ahash::RandomState>,
    /// Where the contract's ordering rules stand on this connection.
    order: OrderState,
    /// Whether the ordering rules apply (not to one exchange with the RPC endpoint).
    ordered: bool,
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
            awaiting: FastMap::default(),
            opened: HashSet::default(),
            order: OrderState::default(),
            ordered: true,
            first_tenant: None,
            tape: Tape::default(),
        }
    }

    /// A session the contract's ordering rules do not apply to (an exchange over HTTP, which
    /// is no connection).
    pub fn without_ordering(mut self) -> Session {
        self.ordered = false;
        self
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
            Rule::FrameTooLarge,
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
            Ok(doc) if self.validator.batch_list(doc.root()).is_some() => {
                let root = doc.root();
                let (kinds, violations) = self.observe_batch(direction, root);
                FrameCheck {
                    kind: if with_value {
                        FrameKind::Batch(kinds)
                    } else {
                        FrameKind::Unreadable
                    },
                    value: with_value.then(|| root.to_value()),
                    violations,
                }
            }
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

    /// A batch: every frame inside is checked and tracked as if it came alone, under one
    /// frame index; pointers name the frame's place in the batch.
    fn observe_batch(
        &mut self,
        direction: Direction,
        root: TapeNode<'_>,
    ) -> (Vec<FrameKind>, Vec<Violation>) {
        let index = self.next_frame();
        let (items, at) = match self.validator.batch_list(root) {
            Some(list) => list,
            None => return (Vec::new(), Vec::new()),
        };
        let mut out = Vec::new();
        let mut kinds = Vec::new();
        let mut count = 0usize;
        for (i, item) in items.items().enumerate() {
            count += 1;
            let (kind, mut violations) = self.validator.check_parsed(direction, item);
            kinds.push(kind.to_frame_kind());
            self.track(direction, kind, Some(item), index, &mut violations);
            for v in &mut violations {
                v.pointer = format!("{at}/{i}{}", v.pointer);
            }
            out.extend(violations);
        }
        if count == 0 {
            out.push(Violation::error(
                Rule::FrameBatch,
                at,
                "an empty batch: a batch carries at least one frame",
            ));
        }
        (kinds, self.locate(direction, index, out))
    }

    fn next_frame(&mut self) -> u64 {
        let index = self.frames;
        self.frames += 1;
        index
    }

    fn after_check(
        &mut self,
        direction: Direction,
        kind: Kind<'_>,
        violations: Vec<Violation>,
        frame: Option<TapeNode<'_>>,
    ) -> Vec<Violation> {
        let index = self.next_frame();
        let mut out = violations;
        self.track(direction, kind, frame, index, &mut out);
        self.locate(direction, index, out)
    }

    /// Every violation names the session's file and connection, and the frame.
    fn locate(&self, direction: Direction, index: u64, mut out: Vec<Violation>) -> Vec<Violation> {
        for v in &mut out {
            v.location.file.clone_from(&self.location.file);
            v.location.connection.clone_from(&self.location.connection);
            v.location.frame = Some(index);
            v.direction.get_or_insert(direction);
        }
        out
    }

    /// The correlation key of a frame with this id: with multiplexed sessions, the session's
    /// member of the frame is part of it.
    fn key<'a>(
        &self,
        direction: Direction,
        id: TapeNode<'a>,
        frame: Option<TapeNode<'a>>,
    ) -> Key<'a> {
        let l = &self.validator.inner.layout;
        let at = match direction {
            Direction::Client => &l.req_session,
            Direction::Server => &l.res_session,
        };
        let scope = at
            .as_ref()
            .and_then(|p| frame.and_then(|f| f.get(p)))
            .filter(|s| !s.is_null_value());
        Key { scope, id }
    }

    /// What one frame means for the connection's state: requests wait for responses,
    /// subscriptions open and end, control frames wait for replies, ordering rules advance.
    fn track(
        &mut self,
        direction: Direction,
        kind: Kind<'_>,
        frame: Option<TapeNode<'_>>,
        index: u64,
        out: &mut Vec<Violation>,
    ) {
        let name: Option<String> = match (kind, frame) {
            (Kind::Request { id, action }, _) => {
                let key = id
                    .filter(|id| !id.is_null_value())
                    .map(|id| self.key(direction, id, frame));
                self.on_request(key, action, frame, index, out);
                Some(action.to_owned())
            }
            (Kind::Ok { id }, Some(f)) => {
                let key = id.map(|id| self.key(direction, id, frame));
                self.on_response(key, None, Some(f), out)
                    .map(|a| a.to_string())
            }
            (Kind::Error { id, code }, _) => {
                let key = id.map(|id| self.key(direction, id, frame));
                self.on_response(key, code.as_deref(), None, out)
                    .map(|a| a.to_string())
            }
            (
                Kind::Event {
                    name,
                    tenant,
                    topic,
                },
                f,
            ) => {
                self.on_event(name, tenant, topic, f, out);
                Some(name.to_owned())
            }
            (Kind::Control { kind, topics }, frame) => {
                self.on_control_frame(direction, &kind, &topics, frame, index, out);
                Some(kind.as_str().to_owned())
            }
            _ => None,
        };
        if let Some(name) = name.filter(|_| self.ordered) {
            let rules = &self.validator.inner.contract.envelope.ordering;
            self.order.observe(rules, direction, &name, out);
        }
    }

    fn on_control_frame(
        &mut self,
        direction: Direction,
        kind: &ControlKind,
        topics: &[&str],
        frame: Option<TapeNode<'_>>,
        index: u64,
        out: &mut Vec<Violation>,
    ) {
        // a control frame may carry an id: the client's is outstanding until the server
        // acknowledges it (echoing the id) or answers with an error
        let id = frame.and_then(|v| crate::frame::control_id(&self.validator, v));
        if let Some(id) = id {
            let key = self.key(direction, id, frame);
            if direction == Direction::Client {
                let action = Arc::from(format!("{kind} frame"));
                let pending = Pending {
                    action,
                    frame: index,
                    closes: None,
                    control: true,
                };
                self.outstanding.insert(key, pending);
            } else {
                self.outstanding.remove(key);
            }
        }
        if *kind == ControlKind::Auth {
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
        self.on_control(direction, kind, topics, out);
    }

    fn on_control(
        &mut self,
        direction: Direction,
        kind: &ControlKind,
        topics: &[&str],
        out: &mut Vec<Violation>,
    ) {
        match kind {
            ControlKind::Subscribe => self
                .subscriptions
                .extend(topics.iter().map(|t| (*t).to_owned())),
            ControlKind::Unsubscribe => {
                for t in topics {
                    self.subscriptions.remove(*t);
                }
            }
            _ => {}
        }
        let controls = &self.validator.inner.controls;
        // a reply: something of the other direction must be waiting for it
        let is_reply = controls
            .iter()
            .any(|c| c.direction != direction && c.reply.as_ref() == Some(kind));
        if is_reply {
            match self.awaiting.get_mut(kind).filter(|n| **n > 0) {
                Some(n) => *n -= 1,
                None if *kind == ControlKind::Pong => out.push(Violation::error(
                    Rule::SessionUnexpectedPong,
                    "",
                    "a pong without a ping to answer",
                )),
                None => out.push(
                    Violation::error(
                        Rule::SessionUnexpectedReply,
                        "",
                        format!("a `{kind}` frame, but nothing on this connection waits for one"),
                    )
                    .with_item(kind.as_str()),
                ),
            }
        }
        let reply = controls
            .iter()
            .find(|c| c.direction == direction && &c.kind == kind)
            .and_then(|c| c.reply.clone());
        if let Some(reply) = reply {
            *self.awaiting.entry(reply).or_insert(0) += 1;
        }
    }

    fn on_request(
        &mut self,
        key: Option<Key<'_>>,
        action: &str,
        frame: Option<TapeNode<'_>>,
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
                    Violation::warning(
                        Rule::Deprecated,
                        "",
                        format!("`{action}` is deprecated{why}"),
                    )
                    .with_item(action),
                );
            }
            if let (Some(negotiated), Some(since)) = (&self.version, &spec.since) {
                if since > negotiated {
                    out.push(
                        Violation::error(
                            Rule::SessionVersion,
                            "",
                            format!("`{action}` arrived in {since}, newer than the connection's version {negotiated}"),
                        )
                        .with_item(action),
                    );
                }
            }
        }
        let Some(id) = key else {
            return;
        };
        if let Some(first) = self.outstanding.get(id) {
            let key = id.show();
            out.push(
                Violation::error(
                    Rule::SessionDuplicateId,
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
                    Rule::SessionTooManyOutstanding,
                    "",
                    format!("more than {MAX_OUTSTANDING} requests are unanswered; later ones are not tracked"),
                ));
            }
            return;
        }
        // an action that ends a subscription names it in its payload
        let closes = match (spec.and_then(|s| s.subscription.as_ref()), frame) {
            (Some(Subscribing::Closes(at)), Some(frame)) => frame
                .get(&inner.layout.req_payload)
                .and_then(|payload| payload.get(at))
                .map(show),
            _ => None,
        };
        let action = spec.map_or_else(|| Arc::from(action), |s| s.name.clone());
        let pending = Pending {
            action,
            frame: index,
            closes,
            control: false,
        };
        self.outstanding.insert(id, pending);
    }

    /// Settles the request a response answers; returns the action answered.
    fn on_response(
        &mut self,
        key: Option<Key<'_>>,
        error_code: Option<&str>,
        ok_frame: Option<TapeNode<'_>>,
        out: &mut Vec<Violation>,
    ) -> Option<Arc<str>> {
        let id = key.filter(|k| !k.id.is_null_value());
        let Some(id) = id else {
            if ok_frame.is_some() {
                out.push(Violation::error(
                    Rule::SessionUnknownResponseId,
                    "",
                    "response to id null, which no outstanding request has",
                ));
            }
            // an error about a frame that could not be read carries no id
            return None;
        };
        let Some(request) = self.outstanding.remove(id) else {
            let key = id.show();
            out.push(Violation::error(
                Rule::SessionUnknownResponseId,
                "",
                format!("response to id {key}, which no outstanding request has"),
            ));
            return None;
        };
        let (action, control) = (request.action, request.control);
        if let Some(frame) = ok_frame {
            out.extend(self.validator.check_response_data(&action, frame));
            self.settle_subscription(&action, request.closes, frame, out);
        }
        if let Some(code) = error_code.filter(|_| !control) {
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
                        Rule::ErrorUndeclared,
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
        Some(action)
    }

    /// An ok response to an action that opens a subscription hands out its id; one to an
    /// action that ends a subscription ends it.
    fn settle_subscription(
        &mut self,
        action: &str,
        closes: Option<String>,
        frame: TapeNode<'_>,
        out: &mut Vec<Violation>,
    ) {
        if let Some(id) = closes {
            self.opened.remove(&id);
            return;
        }
        let inner = &self.validator.inner;
        let Some(Subscribing::Opens(at)) = inner
            .actions
            .get(action)
            .and_then(|a| a.subscription.as_ref())
        else {
            return;
        };
        let id = frame
            .get(&inner.layout.res_data)
            .and_then(|data| data.get(at));
        match id {
            Some(id) if self.opened.len() < MAX_SUBSCRIPTIONS => {
                self.opened.insert(show(id));
            }
            Some(_) => {}
            None => out.push(
                Violation::error(
                    Rule::ResponseSubscription,
                    format!("{}{}", inner.layout.res_data_ptr, join(at)),
                    format!("`{action}` opens a subscription, but its response carries no id here"),
                )
                .with_item(action),
            ),
        }
    }

    fn on_event(
        &mut self,
        name: &str,
        tenant: Option<&str>,
        topic: Option<&str>,
        frame: Option<TapeNode<'_>>,
        out: &mut Vec<Violation>,
    ) {
        let inner = &self.validator.inner;
        let Some(spec) = inner.events.get(name) else {
            return;
        };
        if let Some(note) = &spec.deprecated {
            out.push(
                Violation::warning(
                    Rule::Deprecated,
                    "",
                    format!("`{name}` is deprecated: {note}"),
                )
                .with_item(name),
            );
        }
        if let (Some(negotiated), Some(since)) = (&self.version, &spec.since) {
            if since > negotiated {
                out.push(
                    Violation::error(
                        Rule::SessionVersion,
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
                                    Rule::SessionCrossTenant,
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
                                Rule::SessionCrossTenant,
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
                                Rule::SessionUnsubscribedTopic,
                                "",
                                format!("`{name}` on topic `{t}`, which this connection has not subscribed to"),
                            )
                            .with_item(name),
                        );
                    }
                }
            }
            Scope::Subscription { .. } => {
                let id = spec.subscription_id.as_ref().and_then(|at| {
                    frame
                        .and_then(|f| f.get(&inner.layout.ev_data))
                        .and_then(|data| data.get(at))
                });
                // a missing id is the frame check's to report
                if let Some(id) = id.map(show) {
                    if !self.opened.contains(&id) {
                        out.push(
                            Violation::error(
                                Rule::SessionUnknownSubscription,
                                "",
                                format!("`{name}` for subscription {id}, which this connection was never handed or has ended"),
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
            if *kind == ControlKind::Subscribe {
                topics.iter().for_each(|t| {
                    self.subscriptions.remove(t);
                });
            }
            let reply = self
                .validator
                .inner
                .controls
                .iter()
                .find(|c| c.direction == Direction::Client && &c.kind == kind)
                .and_then(|c| c.reply.as_ref());
            if let Some(n) = reply.and_then(|r| self.awaiting.get_mut(r)) {
                *n = n.saturating_sub(1);
            }
        }
    }

    /// Ends the session: every request still unanswered is a violation.
    pub fn finish(self) -> Vec<Violation> {
        let left = self.outstanding.into_sorted();
        let mut out: Vec<Violation> = Vec::new();
        let mut awaiting: Vec<(&ControlKind, &u64)> =
            self.awaiting.iter().filter(|(_, n)| **n > 0).collect();
        awaiting.sort();
        for (reply, n) in awaiting {
            let mut v = if *reply == ControlKind::Pong {
                Violation::error(
                    Rule::SessionUnansweredPing,
                    "",
                    format!("{n} application ping(s) never answered with a pong"),
                )
            } else {
                Violation::error(
                    Rule::SessionUnansweredControl,
                    "",
                    format!("{n} control frame(s) never answered with `{reply}`"),
                )
                .with_item(reply.as_str())
            };
            v.location.file.clone_from(&self.location.file);
            v.location.connection.clone_from(&self.location.connection);
            v.direction = self
                .validator
                .inner
                .controls
                .iter()
                .find(|c| &c.kind == reply)
                .map(|c| c.direction);
            out.push(v);
        }
        out.extend(left.into_iter().map(|(id, o)| {
            let mut v = Violation::error(
                Rule::SessionUnanswered,
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

//! The connection registry: who is connected, in which org, subscribed to which topics, and
//! the fan-out of events to them.
//!
//! Every connection has a bounded outbound queue (its [`Outbox`]). Fan-out never waits: it uses
//! `try_send`, and a connection whose queue is full (its client stopped reading) is told to close
//! with [`CLOSE_SLOW_CONSUMER`] instead of buffering without bound. One slow consumer therefore
//! never delays the others.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::ws::Utf8Bytes;
use serde_json::Value;
use tokio::sync::{mpsc, watch};

/// Close code for a connection whose outbound queue overflowed.
pub const CLOSE_SLOW_CONSUMER: u16 = 4503;
/// Close code for a connection that did not answer a heartbeat ping in time.
pub const CLOSE_HEARTBEAT_TIMEOUT: u16 = 4408;
/// Close code when the server shuts down (the standard "going away").
pub const CLOSE_GOING_AWAY: u16 = 1001;

/// Why the server closes a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CloseReason {
    pub code: u16,
    pub reason: String,
}

/// Asks a connection's tasks to close it; the first request wins.
#[derive(Clone)]
pub(crate) struct Closer(Arc<watch::Sender<Option<CloseReason>>>);

impl Closer {
    pub(crate) fn new() -> Closer {
        Closer(Arc::new(watch::channel(None).0))
    }

    pub(crate) fn close(&self, code: u16, reason: impl Into<String>) {
        let reason = reason.into();
        self.0.send_if_modified(|current| {
            if current.is_some() {
                return false;
            }
            *current = Some(CloseReason { code, reason });
            true
        });
    }

    pub(crate) fn subscribe(&self) -> watch::Receiver<Option<CloseReason>> {
        self.0.subscribe()
    }
}

/// The sending side of a connection's bounded outbound queue.
#[derive(Clone)]
pub(crate) struct Outbox {
    tx: mpsc::Sender<Utf8Bytes>,
    closer: Closer,
}

impl Outbox {
    pub(crate) fn new(tx: mpsc::Sender<Utf8Bytes>, closer: Closer) -> Outbox {
        Outbox { tx, closer }
    }

    /// Queues a frame without waiting. A full queue closes the connection with 4503.
    pub(crate) fn push(&self, frame: Utf8Bytes) {
        match self.tx.try_send(frame) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(_)) => self.closer.close(
                CLOSE_SLOW_CONSUMER,
                "outbound queue full: the client is not reading",
            ),
            // the connection is already gone
            Err(mpsc::error::TrySendError::Closed(_)) => {}
        }
    }

    pub(crate) fn push_json(&self, frame: &Value) {
        self.push(Utf8Bytes::from(frame.to_string()));
    }
}

/// Who receives an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// Every connection of the org.
    Tenant { org: String },
    /// The org's connections subscribed to the topic.
    Topic { org: String, topic: String },
}

struct Conn {
    org: String,
    outbox: Outbox,
    topics: HashSet<String>,
    /// False while the connection's token is expired: it receives no events then.
    active: bool,
}

#[derive(Default)]
struct Inner {
    conns: HashMap<u64, Conn>,
    /// (org, topic) → connections; orgs never share a topic.
    topics: HashMap<(String, String), HashSet<u64>>,
}

/// The registry of authenticated WebSocket connections.
pub(crate) struct Hub {
    inner: Mutex<Inner>,
    leak: Leak,
}

/// Whether tenant events reach other orgs too (the `cross-org-leak` faults).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Leak {
    None,
    Now,
    /// After this long: past a conformance suite's short quiet window.
    After(std::time::Duration),
}

impl Hub {
    pub(crate) fn new(leak: Leak) -> Hub {
        Hub {
            inner: Mutex::new(Inner::default()),
            leak,
        }
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn register(&self, id: u64, org: &str, outbox: Outbox) {
        self.inner().conns.insert(
            id,
            Conn {
                org: org.to_owned(),
                outbox,
                topics: HashSet::new(),
                active: true,
            },
        );
    }

    /// Pauses (`false`) or resumes event delivery to a connection, keeping its subscriptions.
    pub(crate) fn set_active(&self, id: u64, active: bool) {
        if let Some(conn) = self.inner().conns.get_mut(&id) {
            conn.active = active;
        }
    }

    pub(crate) fn unregister(&self, id: u64) {
        let mut inner = self.inner();
        if let Some(conn) = inner.conns.remove(&id) {
            for topic in conn.topics {
                let key = (conn.org.clone(), topic);
                if let Some(set) = inner.topics.get_mut(&key) {
                    set.remove(&id);
                    if set.is_empty() {
                        inner.topics.remove(&key);
                    }
                }
            }
        }
    }

    pub(crate) fn subscribe(&self, id: u64, topics: &[String]) {
        let mut inner = self.inner();
        let Some(conn) = inner.conns.get_mut(&id) else {
            return;
        };
        let org = conn.org.clone();
        for t in topics {
            conn.topics.insert(t.clone());
        }
        for t in topics {
            inner
                .topics
                .entry((org.clone(), t.clone()))
                .or_default()
                .insert(id);
        }
    }

    pub(crate) fn unsubscribe(&self, id: u64, topics: &[String]) {
        let mut inner = self.inner();
        let Some(conn) = inner.conns.get_mut(&id) else {
            return;
        };
        let org = conn.org.clone();
        for t in topics {
            conn.topics.remove(t);
        }
        for t in topics {
            let key = (org.clone(), t.clone());
            if let Some(set) = inner.topics.get_mut(&key) {
                set.remove(&id);
                if set.is_empty() {
                    inner.topics.remove(&key);
                }
            }
        }
    }

    /// Sends an event to its recipients without waiting on any of them.
    pub(crate) fn publish(
        &self,
        contract: &frameproof::Contract,
        event: &str,
        target: &Target,
        data: Value,
    ) {
        let frame = match target {
            Target::Tenant { org } => contract.event_frame(event, data, Some(org), None),
            Target::Topic { topic, .. } => contract.event_frame(event, data, None, Some(topic)),
        };
        let frame = Utf8Bytes::from(frame.to_string());
        let inner = self.inner();
        match target {
            Target::Tenant { org } => {
                let mut late = Vec::new();
                for conn in inner.conns.values().filter(|c| c.active) {
                    match (&conn.org == org, self.leak) {
                        (true, _) | (false, Leak::Now) => conn.outbox.push(frame.clone()),
                        (false, Leak::After(_)) => late.push(conn.outbox.clone()),
                        (false, Leak::None) => {}
                    }
                }
                if let (Leak::After(delay), false) = (self.leak, late.is_empty()) {
                    tokio::spawn(async move {
                        tokio::time::sleep(delay).await;
                        late.iter().for_each(|outbox| outbox.push(frame.clone()));
                    });
                }
            }
            Target::Topic { org, topic } => {
                if let Some(ids) = inner.topics.get(&(org.clone(), topic.clone())) {
                    for id in ids {
                        if let Some(conn) = inner.conns.get(id).filter(|c| c.active) {
                            conn.outbox.push(frame.clone());
                        }
                    }
                }
            }
        }
    }

    /// How many authenticated connections are registered.
    pub(crate) fn len(&self) -> usize {
        self.inner().conns.len()
    }
}

//! This instance's connections and who among them receives an event. Every connection has a
//! bounded outbound queue; one that cannot take a frame is a slow consumer and is closed with
//! the configured close code rather than buffered without end.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, watch};

/// Who receives an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Target {
    /// Every connection of a tenant.
    Tenant(String),
    /// Every connection subscribed to a topic.
    Topic(String),
    /// Every connection of a tenant (first) subscribed to a topic (second).
    TenantTopic(String, String),
    /// One connection of this instance.
    Connection(u64),
    /// The connection(s) holding a subscription an action handed out (its id as JSON).
    Subscription(String),
}

/// Subscriptions one connection may hold.
const MAX_SUBSCRIPTIONS: usize = 4096;

/// Why a connection must close: code and reason.
pub(crate) type Closing = Option<(u16, String)>;

struct Conn {
    tenant: Option<String>,
    topics: HashSet<String>,
    outlet: Outlet,
    /// The contract version the connection speaks: newer events are not sent to it.
    version: Option<semver::Version>,
    /// Whether it receives events (not while its credential is expired).
    active: bool,
    /// Whether it has authenticated.
    authenticated: bool,
    /// Subscriptions handed out to it by a result (ids as JSON).
    subscriptions: HashSet<String>,
}

/// A connection's way in: its bounded outbound queue, and the signal that closes it when the
/// queue is full (a slow consumer). Cheap to clone: the connection answers its own requests
/// through it, without the hub's lock.
#[derive(Clone)]
pub(crate) struct Outlet {
    outbox: mpsc::Sender<String>,
    close: std::sync::Arc<watch::Sender<Closing>>,
    slow_close: u16,
}

impl Outlet {
    /// Asks the connection to close; the first reason given wins.
    pub(crate) fn close(&self, code: u16, reason: String) {
        self.close.send_if_modified(|current| {
            if current.is_some() {
                return false;
            }
            *current = Some((code, reason));
            true
        });
    }

    /// Queues a frame; a full queue closes the connection.
    pub(crate) fn send(&self, frame: String) {
        if let Err(mpsc::error::TrySendError::Full(_)) = self.outbox.try_send(frame) {
            self.close(
                self.slow_close,
                "slow consumer: the outbound queue is full".into(),
            );
        }
    }
}

pub(crate) struct Hub {
    conns: Mutex<HashMap<u64, Conn>>,
    next: AtomicU64,
    slow_close: u16,
    /// Each event's `since`, to hold newer events from connections of older versions.
    since: HashMap<String, semver::Version>,
}

/// A registered connection's ends: its outbound queue and the signal that it must close.
pub(crate) struct Registered {
    pub id: u64,
    pub outlet: Outlet,
    pub outbox: mpsc::Receiver<String>,
    pub close: watch::Receiver<Closing>,
}

impl Hub {
    pub(crate) fn new(slow_close: u16, since: HashMap<String, semver::Version>) -> Hub {
        Hub {
            conns: Mutex::new(HashMap::new()),
            next: AtomicU64::new(1),
            slow_close,
            since,
        }
    }

    pub(crate) fn set_active(&self, id: u64, active: bool) {
        if let Some(c) = self.conns().get_mut(&id) {
            c.active = active;
        }
    }

    pub(crate) fn set_version(&self, id: u64, version: Option<semver::Version>) {
        if let Some(c) = self.conns().get_mut(&id) {
            c.version = version;
        }
    }

    /// Whether a connection of `version` may receive `event`.
    fn speaks(&self, version: &Option<semver::Version>, event: &str) -> bool {
        match (version, self.since.get(event)) {
            (Some(v), Some(since)) => since <= v,
            _ => true,
        }
    }

    fn conns(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Conn>> {
        self.conns.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn register(&self, queue: usize) -> Registered {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = mpsc::channel(queue.max(1));
        let (close_tx, close_rx) = watch::channel(None);
        let outlet = Outlet {
            outbox: tx,
            close: std::sync::Arc::new(close_tx),
            slow_close: self.slow_close,
        };
        self.conns().insert(
            id,
            Conn {
                tenant: None,
                topics: HashSet::new(),
                outlet: outlet.clone(),
                version: None,
                active: true,
                authenticated: false,
                subscriptions: HashSet::new(),
            },
        );
        Registered {
            id,
            outlet,
            outbox: rx,
            close: close_rx,
        }
    }

    /// The connection authenticated: its principal's tenant.
    pub(crate) fn set_tenant(&self, id: u64, tenant: Option<String>) {
        if let Some(c) = self.conns().get_mut(&id) {
            c.tenant = tenant;
            c.authenticated = true;
        }
    }

    pub(crate) fn authenticated(&self) -> usize {
        self.conns().values().filter(|c| c.authenticated).count()
    }

    pub(crate) fn subscribe(&self, id: u64, topics: &[String]) {
        if let Some(c) = self.conns().get_mut(&id) {
            c.topics.extend(topics.iter().cloned());
        }
    }

    pub(crate) fn unsubscribe(&self, id: u64, topics: &[String]) {
        if let Some(c) = self.conns().get_mut(&id) {
            for t in topics {
                c.topics.remove(t);
            }
        }
    }

    /// A result handed this connection a subscription; `false` when it already holds
    /// `MAX_SUBSCRIPTIONS` (the id is then not kept).
    pub(crate) fn open_subscription(&self, id: u64, subscription: String) -> bool {
        match self.conns().get_mut(&id) {
            Some(c) if c.subscriptions.len() < MAX_SUBSCRIPTIONS => {
                c.subscriptions.insert(subscription);
                true
            }
            _ => false,
        }
    }

    pub(crate) fn close_subscription(&self, id: u64, subscription: &str) {
        if let Some(c) = self.conns().get_mut(&id) {
            c.subscriptions.remove(subscription);
        }
    }

    pub(crate) fn remove(&self, id: u64) {
        self.conns().remove(&id);
    }

    fn offer(&self, c: &Conn, frame: String) {
        c.outlet.send(frame);
    }

    /// Delivers an event frame to this instance's recipients (not to connections of a
    /// version older than the event).
    pub(crate) fn deliver(&self, event: &str, target: &Target, frame: &str) {
        let conns = self.conns();
        let speaks = |c: &&Conn| c.active && self.speaks(&c.version, event);
        match target {
            Target::Connection(id) => {
                if let Some(c) = conns.get(id).filter(|c| self.speaks(&c.version, event)) {
                    // a connection's own notices (its credential expired) reach it inactive
                    self.offer(c, frame.to_owned());
                }
            }
            Target::Tenant(t) => {
                for c in conns
                    .values()
                    .filter(|c| c.tenant.as_ref() == Some(t))
                    .filter(speaks)
                {
                    self.offer(c, frame.to_owned());
                }
            }
            Target::Topic(t) => {
                for c in conns
                    .values()
                    .filter(|c| c.topics.contains(t))
                    .filter(speaks)
                {
                    self.offer(c, frame.to_owned());
                }
            }
            Target::TenantTopic(tenant, t) => {
                for c in conns
                    .values()
                    .filter(|c| c.tenant.as_ref() == Some(tenant) && c.topics.contains(t))
                    .filter(speaks)
                {
                    self.offer(c, frame.to_owned());
                }
            }
            Target::Subscription(sub) => {
                for c in conns
                    .values()
                    .filter(|c| c.subscriptions.contains(sub))
                    .filter(speaks)
                {
                    self.offer(c, frame.to_owned());
                }
            }
        }
    }

    /// Closes every connection (the backplane is gone: they would miss events silently).
    pub(crate) fn close_all(&self, code: u16, reason: &str) {
        for c in self.conns().values() {
            c.outlet.close(code, reason.to_owned());
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.conns().len()
    }
}

//! Tickets: the contract's `ticket` auth method. A client calls the ticket action (over REST,
//! with its long-lived credential), gets a short-lived ticket, and opens the socket with it in
//! the query string — so the long-lived credential never appears in a URL, where proxies and
//! access logs keep it. A ticket opens one socket, once, within its time to live, on any
//! instance behind the same backplane.
//!
//! Tickets are kept under the SHA-256 of their value: a store's dump (Redis `KEYS`, a memory
//! snapshot) holds nothing a client could present.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use sha2::{Digest, Sha256};

use crate::backplane::BackplaneError;
use crate::ctx::Principal;
use crate::handler::BoxFuture;

/// At most this many tickets wait to be used on one instance (in-process store): past it,
/// issuing fails until some are used or expire.
pub const MAX_OUTSTANDING_TICKETS: usize = 100_000;

/// A ticket just issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    /// What the client puts in the socket URL's query (256 random bits, hex).
    pub value: String,
    /// When it stops opening sockets.
    pub expires_at: SystemTime,
}

/// Where tickets wait to be used. [`crate::Backplane::tickets`] offers a store shared by
/// the instances (Redis); otherwise tickets stay on the instance that issued them.
pub trait TicketStore: Send + Sync + 'static {
    /// Keeps `principal` (JSON) under `key` for `ttl`.
    fn put(
        &self,
        key: String,
        principal: String,
        ttl: Duration,
    ) -> BoxFuture<Result<(), BackplaneError>>;
    /// Takes what is kept under `key`, if it is still there: a second take finds nothing.
    fn take(&self, key: String) -> BoxFuture<Result<Option<String>, BackplaneError>>;
}

/// Tickets in this process's memory, at most [`MAX_OUTSTANDING_TICKETS`] by default.
pub struct InProcessTickets {
    waiting: Mutex<HashMap<String, (String, Instant)>>,
    capacity: usize,
}

impl Default for InProcessTickets {
    fn default() -> Self {
        InProcessTickets::with_capacity(MAX_OUTSTANDING_TICKETS)
    }
}

impl InProcessTickets {
    /// A store that holds at most `capacity` tickets waiting to be used.
    pub fn with_capacity(capacity: usize) -> InProcessTickets {
        InProcessTickets {
            waiting: Mutex::new(HashMap::new()),
            capacity,
        }
    }
}

impl TicketStore for InProcessTickets {
    fn put(
        &self,
        key: String,
        principal: String,
        ttl: Duration,
    ) -> BoxFuture<Result<(), BackplaneError>> {
        let now = Instant::now();
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        if waiting.len() >= self.capacity {
            waiting.retain(|_, (_, until)| *until > now);
        }
        let put = if waiting.len() >= self.capacity {
            Err(BackplaneError(format!(
                "{} tickets are waiting to be used",
                self.capacity
            )))
        } else {
            waiting.insert(key, (principal, now + ttl));
            Ok(())
        };
        Box::pin(async move { put })
    }

    fn take(&self, key: String) -> BoxFuture<Result<Option<String>, BackplaneError>> {
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        let taken = waiting
            .remove(&key)
            .filter(|(_, until)| *until > Instant::now())
            .map(|(principal, _)| principal);
        Box::pin(async move { Ok(taken) })
    }
}

/// Issues a ticket for `principal`, kept in `store` for `ttl`.
pub(crate) async fn issue(
    store: &Arc<dyn TicketStore>,
    principal: &Principal,
    ttl: Duration,
) -> Result<Ticket, BackplaneError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| BackplaneError(format!("no randomness: {e}")))?;
    let value = hex(&bytes);
    let kept = serde_json::to_string(principal).map_err(|e| BackplaneError(e.to_string()))?;
    store.put(key_of(&value), kept, ttl).await?;
    Ok(Ticket {
        value,
        expires_at: SystemTime::now() + ttl,
    })
}

/// The principal a ticket was issued for, if it is known, unused and alive; it is used up.
pub(crate) async fn redeem(
    store: &Arc<dyn TicketStore>,
    ticket: &str,
) -> Result<Option<Principal>, BackplaneError> {
    let Some(kept) = store.take(key_of(ticket)).await? else {
        return Ok(None);
    };
    serde_json::from_str(&kept)
        .map(Some)
        .map_err(|e| BackplaneError(format!("a stored ticket does not read back: {e}")))
}

/// The store's key for a ticket: its SHA-256, hex.
fn key_of(ticket: &str) -> String {
    hex(&Sha256::digest(ticket.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> Arc<dyn TicketStore> {
        Arc::new(InProcessTickets::default())
    }

    #[tokio::test]
    async fn a_ticket_opens_once() {
        let store = store();
        let alice = Principal::new("alice").in_tenant("acme");
        let ticket = issue(&store, &alice, Duration::from_secs(30))
            .await
            .expect("issued");
        assert_eq!(ticket.value.len(), 64, "{}", ticket.value);
        let first = redeem(&store, &ticket.value).await.expect("store");
        assert_eq!(first, Some(alice));
        assert_eq!(redeem(&store, &ticket.value).await.expect("store"), None);
        assert_eq!(redeem(&store, "made-up").await.expect("store"), None);
    }

    #[tokio::test]
    async fn an_expired_ticket_opens_nothing() {
        let store = store();
        let ticket = issue(&store, &Principal::new("bob"), Duration::from_millis(20))
            .await
            .expect("issued");
        tokio::time::sleep(Duration::from_millis(40)).await;
        assert_eq!(redeem(&store, &ticket.value).await.expect("store"), None);
    }

    #[tokio::test]
    async fn the_store_keeps_no_usable_ticket() {
        let inner = Arc::new(InProcessTickets::default());
        let store: Arc<dyn TicketStore> = inner.clone();
        let ticket = issue(&store, &Principal::new("carol"), Duration::from_secs(30))
            .await
            .expect("issued");
        assert_eq!(ticket.value.len(), 64);
        let waiting = inner.waiting.lock().expect("lock");
        assert_eq!(waiting.len(), 1);
        for (key, (kept, _)) in waiting.iter() {
            assert!(!key.contains(&ticket.value) && !kept.contains(&ticket.value));
        }
    }

    #[tokio::test]
    async fn outstanding_tickets_are_bounded() {
        let store: Arc<dyn TicketStore> = Arc::new(InProcessTickets::with_capacity(3));
        let dan = Principal::new("dan");
        for _ in 0..3 {
            issue(&store, &dan, Duration::from_millis(30))
                .await
                .expect("issued");
        }
        let refused = issue(&store, &dan, Duration::from_millis(30)).await;
        assert!(refused.is_err(), "{refused:?}");
        // expired ones make room again
        tokio::time::sleep(Duration::from_millis(50)).await;
        issue(&store, &dan, Duration::from_millis(30))
            .await
            .expect("issued after expiry");
    }
}

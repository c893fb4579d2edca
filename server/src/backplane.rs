//! Fan-out across instances: every event is published to the backplane and every instance
//! delivers what it receives to its own connections. In-process for one instance; Redis
//! pub/sub for several.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};

use crate::events::Target;
use crate::handler::BoxFuture;
use crate::tickets::TicketStore;

/// An event on its way to the instances: who receives it and the frame, built once by the
/// instance that emitted it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Published {
    pub(crate) event: String,
    pub(crate) target: Target,
    pub(crate) frame: String,
}

/// The backplane could not take an event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the backplane is unavailable: {0}")]
pub struct BackplaneError(pub String);

/// What delivers a message to this instance's connections.
pub(crate) type Deliver = Arc<dyn Fn(Published) + Send + Sync>;
/// Told `true` when the backplane's feed is up, `false` when it is lost.
pub(crate) type Status = Arc<dyn Fn(bool) + Send + Sync>;

/// A channel every instance publishes to and hears from.
pub trait Backplane: Send + Sync + 'static {
    /// Sends `message` to every instance, this one included; fails when the channel cannot take
    /// it (the emitter then sees `unavailable`).
    fn publish(&self, message: Published) -> BoxFuture<Result<(), BackplaneError>>;
    /// Feeds every message published by any instance to `deliver`, for as long as the
    /// service runs; `status` hears when the feed is lost and when it is back.
    fn run(&self, deliver: Deliver, status: Status) -> BoxFuture<()>;
    /// A ticket store every instance shares, so a ticket issued by one opens a socket on
    /// another (`None`: each instance keeps its own tickets).
    fn tickets(&self) -> Option<Arc<dyn TicketStore>> {
        None
    }
}

/// One instance: a published event is delivered here and now.
#[derive(Default)]
pub struct InProcess {
    deliver: OnceLock<Deliver>,
}

impl InProcess {
    /// A backplane for a single instance: nothing is shared, tickets stay local.
    pub fn new() -> InProcess {
        InProcess::default()
    }
}

impl Backplane for InProcess {
    fn publish(&self, message: Published) -> BoxFuture<Result<(), BackplaneError>> {
        if let Some(deliver) = self.deliver.get() {
            deliver(message);
        }
        Box::pin(async { Ok(()) })
    }

    fn run(&self, deliver: Deliver, status: Status) -> BoxFuture<()> {
        let _ = self.deliver.set(deliver);
        status(true);
        Box::pin(async {})
    }
}

/// Redis pub/sub: every instance publishes to one channel and subscribes to it. A publish
/// that Redis does not take within the time-out fails (the request is answered
/// `unavailable`); when the subscription drops, `status(false)` lets the service close its
/// connections (they would miss events), and it is re-established with back-off.
#[derive(Clone)]
pub struct RedisBackplane(Arc<Redis>);

struct Redis {
    client: redis::Client,
    channel: String,
    timeout: Duration,
    connection: tokio::sync::Mutex<Option<redis::aio::MultiplexedConnection>>,
}

impl RedisBackplane {
    /// `url`: `redis://127.0.0.1:6379`; `channel`: shared by the instances of one service.
    /// Publishes and (re)connections time out after 2 s.
    pub fn new(url: &str, channel: impl Into<String>) -> Result<RedisBackplane, BackplaneError> {
        RedisBackplane::with_timeout(url, channel, Duration::from_secs(2))
    }

    /// Like [`RedisBackplane::new`], with another time-out.
    pub fn with_timeout(
        url: &str,
        channel: impl Into<String>,
        timeout: Duration,
    ) -> Result<RedisBackplane, BackplaneError> {
        let client = redis::Client::open(url).map_err(|e| BackplaneError(e.to_string()))?;
        Ok(RedisBackplane(Arc::new(Redis {
            client,
            channel: channel.into(),
            timeout,
            connection: tokio::sync::Mutex::new(None),
        })))
    }
}

impl Redis {
    async fn publish_now(&self, payload: String) -> Result<(), BackplaneError> {
        let mut publish = redis::cmd("PUBLISH");
        publish.arg(&self.channel).arg(payload);
        self.query::<i64>(&publish, "publishing to Redis")
            .await
            .map(drop)
    }

    /// One command on the shared connection (made on first use, dropped on a failure so the
    /// next command reconnects), within the time-out.
    async fn query<T: redis::FromRedisValue>(
        &self,
        command: &redis::Cmd,
        what: &str,
    ) -> Result<T, BackplaneError> {
        let mut slot = self.connection.lock().await;
        if slot.is_none() {
            let connected =
                tokio::time::timeout(self.timeout, self.client.get_multiplexed_async_connection())
                    .await
                    .map_err(|_| BackplaneError("connecting to Redis timed out".into()))?
                    .map_err(|e| BackplaneError(e.to_string()))?;
            *slot = Some(connected);
        }
        let Some(conn) = slot.as_mut() else {
            return Err(BackplaneError("no connection".into()));
        };
        match tokio::time::timeout(self.timeout, command.query_async::<T>(conn)).await {
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(e)) => {
                *slot = None;
                Err(BackplaneError(format!("{what}: {e}")))
            }
            Err(_) => {
                *slot = None;
                Err(BackplaneError(format!("{what} timed out")))
            }
        }
    }

    /// Where a ticket's hash is kept: beside the channel, so services sharing a Redis keep
    /// their tickets apart.
    fn ticket_key(&self, key: &str) -> String {
        format!("{}:ticket:{key}", self.channel)
    }

    /// One subscription, until it drops.
    async fn listen(&self, deliver: &Deliver, status: &Status) -> Result<(), BackplaneError> {
        let mut pubsub = tokio::time::timeout(self.timeout, self.client.get_async_pubsub())
            .await
            .map_err(|_| BackplaneError("connecting to Redis timed out".into()))?
            .map_err(|e| BackplaneError(e.to_string()))?;
        pubsub
            .subscribe(&self.channel)
            .await
            .map_err(|e| BackplaneError(e.to_string()))?;
        status(true);
        let mut messages = pubsub.on_message();
        while let Some(message) = messages.next().await {
            let Ok(text) = message.get_payload::<String>() else {
                continue;
            };
            if let Ok(published) = serde_json::from_str::<Published>(&text) {
                deliver(published);
            }
        }
        Ok(())
    }
}

impl Backplane for RedisBackplane {
    fn publish(&self, message: Published) -> BoxFuture<Result<(), BackplaneError>> {
        let this = self.0.clone();
        Box::pin(async move {
            let payload =
                serde_json::to_string(&message).map_err(|e| BackplaneError(e.to_string()))?;
            this.publish_now(payload).await
        })
    }

    fn tickets(&self) -> Option<Arc<dyn TicketStore>> {
        Some(Arc::new(self.clone()))
    }

    fn run(&self, deliver: Deliver, status: Status) -> BoxFuture<()> {
        let this = self.0.clone();
        Box::pin(async move {
            let mut backoff = Duration::from_millis(100);
            loop {
                if this.listen(&deliver, &status).await.is_ok() {
                    backoff = Duration::from_millis(100);
                }
                status(false);
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(2));
            }
        })
    }
}

/// Redis keeps tickets for every instance: `SET … PX` to keep one for its time to live,
/// `GETDEL` (Redis 6.2 or later) to take it, so two instances cannot both redeem it.
impl TicketStore for RedisBackplane {
    fn put(
        &self,
        key: String,
        principal: String,
        ttl: Duration,
    ) -> BoxFuture<Result<(), BackplaneError>> {
        let this = self.0.clone();
        Box::pin(async move {
            let mut set = redis::cmd("SET");
            let millis = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
            set.arg(this.ticket_key(&key))
                .arg(principal)
                .arg("PX")
                .arg(millis);
            this.query::<()>(&set, "keeping a ticket in Redis").await
        })
    }

    fn take(&self, key: String) -> BoxFuture<Result<Option<String>, BackplaneError>> {
        let this = self.0.clone();
        Box::pin(async move {
            let mut take = redis::cmd("GETDEL");
            take.arg(this.ticket_key(&key));
            this.query::<Option<String>>(&take, "taking a ticket from Redis")
                .await
        })
    }
}

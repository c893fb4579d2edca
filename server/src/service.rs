//! The service: the contract, a handler per action, the hooks that are the application's, and
//! the startup checks (every action handled, nothing handled that the contract lacks).

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use frameproof_schema::{Action, Contract};
use frameproof_validator::{Validator, Violation};

use crate::backplane::{Backplane, InProcess, Published};
use crate::ctx::Principal;
use crate::error::{Error, StartupError};
use crate::events::{Hub, Target};
use crate::handler::{boxed, BoxFuture, BoxHandler};
use crate::hooks::{OnOutgoing, OnRefusal, Outgoing, Refusal, Transport};
use crate::tickets::{InProcessTickets, TicketStore};

/// Authenticates a credential (a token) into a principal; `Err`: refused, with the error to
/// answer (`unauthorized`, or say `token_expired`).
pub(crate) type Authenticate =
    Arc<dyn Fn(String) -> BoxFuture<Result<Principal, Error>> + Send + Sync>;
/// May this principal subscribe to this topic? `Err`: the error the subscribe is answered with.
pub(crate) type Authorize =
    Arc<dyn Fn(Option<&Principal>, &str) -> Result<(), Error> + Send + Sync>;
/// The data of the contract's expired event for a principal whose credential ran out.
pub(crate) type ExpiredData = Arc<dyn Fn(&Principal) -> Value + Send + Sync>;
/// Hears every violation of an incoming (and, with `validate_outgoing`, outgoing) frame.
pub(crate) type Report = Arc<dyn Fn(&Violation) + Send + Sync>;

/// Settings that are the server's, not the contract's.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Frames a connection may have queued for sending; past it the connection is closed.
    pub outbound_queue: usize,
    /// The close code of a connection whose outbound queue is full.
    pub slow_consumer_close: u16,
    /// The close code of the connections of an instance that lost its backplane (they would
    /// miss events): clients reconnect and resynchronise.
    pub backplane_lost_close: u16,
    /// Check outgoing frames against the contract too (a debug setting: a handler answering
    /// with an error code its action does not declare is reported).
    pub validate_outgoing: bool,
    /// How long a handler may take.
    pub handler_timeout: Duration,
    /// How often the socket pings, and how long a ping may go unanswered (`None`: the
    /// contract's `transport.heartbeat`). A deployment may tighten what the contract promises.
    pub heartbeat: Option<(Duration, Duration)>,
    /// The close code of a connection that stopped answering pings.
    pub heartbeat_close: u16,
    /// How long a connection may wait before its first-message auth frame (`None`: the
    /// contract's `first_message` time-out).
    pub auth_timeout: Option<Duration>,
    /// Refuse (`validation_failed` at `/id`) a request whose id is the id of a request of the
    /// same connection still running: its answers could not be told apart.
    pub refuse_duplicate_ids: bool,
    /// Topic events reach only subscribers in the emitting caller's tenant: tenants that
    /// name their topics alike (`chat:general`) never hear each other.
    pub topics_per_tenant: bool,
    /// Over HTTP, a request without a credential is refused `unauthorized` before its payload
    /// is read (the contract's refresh action excepted): a caller who cannot call an action
    /// learns that first, not what is wrong with its payload.
    pub require_credential: bool,
    /// How long a ticket from [`crate::Ctx::issue_ticket`] opens a socket.
    pub ticket_ttl: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            outbound_queue: 1024,
            slow_consumer_close: 1008,
            backplane_lost_close: 1012,
            validate_outgoing: false,
            handler_timeout: Duration::from_secs(30),
            heartbeat: None,
            heartbeat_close: 1001,
            auth_timeout: None,
            refuse_duplicate_ids: false,
            topics_per_tenant: false,
            require_credential: false,
            ticket_ttl: Duration::from_secs(30),
        }
    }
}

/// What every connection and request of one service shares.
pub(crate) struct Shared {
    pub contract: Contract,
    pub validator: Validator,
    pub handlers: HashMap<String, BoxHandler>,
    pub authenticate: Option<Authenticate>,
    pub authorize: Authorize,
    pub report: Report,
    pub expired_data: ExpiredData,
    pub outgoing: Option<OnOutgoing>,
    pub refusal: Option<OnRefusal>,
    pub settings: Settings,
    pub hub: Hub,
    pub backplane: Arc<dyn Backplane>,
    pub backplane_up: AtomicBool,
    /// Where issued tickets wait: the backplane's shared store, or this instance's.
    pub tickets: Arc<dyn TicketStore>,
}

impl Shared {
    /// Builds the event frame once and hands it to the backplane (a connection's own events
    /// stay on this instance).
    pub(crate) async fn publish(
        &self,
        name: &str,
        target: Target,
        data: Value,
    ) -> Result<(), Error> {
        self.publish_as(name, target, data, None).await
    }

    /// [`Shared::publish`], with the tenant the frame names when it is not the recipients'
    /// (`Ctx::mirror_to_tenant`).
    pub(crate) async fn publish_as(
        &self,
        name: &str,
        target: Target,
        data: Value,
        named: Option<&str>,
    ) -> Result<(), Error> {
        let (tenant, topic) = match &target {
            Target::Tenant(t) => (Some(t.as_str()), None),
            Target::Topic(t) | Target::TenantTopic(_, t) => (None, Some(t.as_str())),
            Target::Connection(_) | Target::Subscription(_) => (None, None),
        };
        let tenant = named.or(tenant);
        let mut frame = self.contract.event_frame(name, data, tenant, topic);
        if let Some(hook) = &self.outgoing {
            let mut out = Outgoing {
                contract: &self.contract,
                transport: Transport::WebSocket,
                action: None,
                event: Some(name),
                status: None,
                frame: &mut frame,
                send: true,
            };
            hook(&mut out);
            if !out.send {
                return Ok(());
            }
        }
        let frame = frame.to_string();
        if let Target::Connection(_) = target {
            self.hub.deliver(name, &target, &frame);
            return Ok(());
        }
        let event = name.to_owned();
        self.backplane
            .publish(Published {
                event,
                target,
                frame,
            })
            .await
            .map_err(|e| Error::new("unavailable", e.to_string()))
    }

    pub(crate) fn backplane_is_up(&self) -> bool {
        self.backplane_up.load(Ordering::Relaxed)
    }

    /// The application's answer to a refused request, or the default one.
    pub(crate) fn refuse(&self, refusal: &Refusal<'_>) -> Error {
        self.refusal
            .as_ref()
            .and_then(|hook| hook(refusal))
            .unwrap_or_else(|| crate::dispatch::refusal(refusal.violations))
    }

    /// Runs the outgoing hook on a frame leaving by the socket; `false`: hold it back.
    pub(crate) fn outgoing_ws(&self, action: Option<&str>, frame: &mut Value) -> bool {
        let Some(hook) = &self.outgoing else {
            return true;
        };
        let mut out = Outgoing {
            contract: &self.contract,
            transport: Transport::WebSocket,
            action,
            event: None,
            status: None,
            frame,
            send: true,
        };
        hook(&mut out);
        out.send
    }
}

/// A contract being served: build it with [`Service::builder`], serve [`Service::router`].
#[derive(Clone)]
pub struct Service {
    pub(crate) shared: Arc<Shared>,
}

/// A [`Service`] being set up: register a handler for every action, then build it; building
/// fails ([`crate::StartupError`]) when the handlers and the contract's actions differ.
pub struct ServiceBuilder {
    contract: Contract,
    handlers: HashMap<String, BoxHandler>,
    extra: Vec<String>,
    authenticate: Option<Authenticate>,
    authorize: Authorize,
    report: Report,
    expired_data: ExpiredData,
    outgoing: Option<OnOutgoing>,
    refusal: Option<OnRefusal>,
    settings: Settings,
    backplane: Arc<dyn Backplane>,
}

impl Service {
    /// Starts a service for `contract`: no handlers, no authenticator, every call authorized,
    /// default settings, an in-process backplane.
    pub fn builder(contract: Contract) -> ServiceBuilder {
        ServiceBuilder {
            contract,
            handlers: HashMap::new(),
            extra: Vec::new(),
            authenticate: None,
            authorize: Arc::new(|_, _| Ok(())),
            report: Arc::new(|_| {}),
            expired_data: Arc::new(|_| Value::Object(serde_json::Map::new())),
            outgoing: None,
            refusal: None,
            settings: Settings::default(),
            backplane: Arc::new(InProcess::new()),
        }
    }

    /// The contract this service serves.
    pub fn contract(&self) -> &Contract {
        &self.shared.contract
    }

    /// Whether events can travel: the backplane's feed is up (until then, and whenever it is
    /// lost, new sockets are refused with 503 and open ones closed).
    pub fn events_ready(&self) -> bool {
        self.shared.backplane_is_up()
    }

    /// Connections open on this instance.
    pub fn connections(&self) -> usize {
        self.shared.hub.len()
    }

    /// Connections open on this instance that have authenticated.
    pub fn authenticated_connections(&self) -> usize {
        self.shared.hub.authenticated()
    }

    /// Closes every connection of this instance with `code` (a server shutting down: 1001).
    pub fn close_all(&self, code: u16, reason: &str) {
        self.shared.hub.close_all(code, reason);
    }

    /// The axum router: the WebSocket at the contract's path, the REST routes, the RPC
    /// endpoint.
    pub fn router(&self) -> axum::Router {
        crate::http::router(self.shared.clone())
    }
}

impl ServiceBuilder {
    /// The handler of action `A`, typed by the action's payload and response.
    pub fn handle<A, F, Fut>(mut self, handler: F) -> Self
    where
        A: Action + DeserializeOwned + Send + 'static,
        A::Response: Serialize,
        F: Fn(crate::ctx::Ctx, A) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<A::Response, Error>> + Send + 'static,
    {
        let name = A::META.name.to_owned();
        if !self.contract.actions.contains_key(&name) {
            self.extra.push(name.clone());
        }
        self.handlers.insert(name, boxed::<A, F, Fut>(handler));
        self
    }

    /// Turns a credential into a principal (`None`: refused). Without it, connections and
    /// requests are anonymous.
    pub fn authenticate<F, Fut>(self, f: F) -> Self
    where
        F: Fn(String) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Option<Principal>> + Send + 'static,
    {
        let f = Arc::new(f);
        self.authenticate_with(move |token| {
            let f = f.clone();
            async move {
                f(token)
                    .await
                    .ok_or_else(|| Error::new("unauthorized", "the credential was refused"))
            }
        })
    }

    /// Like [`ServiceBuilder::authenticate`], with the error a refused credential is answered
    /// with (`token_expired` for one that ran out, so the client knows to refresh it rather
    /// than log in again).
    pub fn authenticate_with<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(String) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Principal, Error>> + Send + 'static,
    {
        let f = Arc::new(f);
        self.authenticate = Some(Arc::new(move |token| {
            let f = f.clone();
            Box::pin(async move { f(token).await })
        }));
        self
    }

    /// Whether a principal may subscribe to a topic (default: yes); a refused subscribe is
    /// answered `forbidden`.
    pub fn authorize_topic(
        self,
        f: impl Fn(Option<&Principal>, &str) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.authorize_topic_with(move |p, topic| {
            if f(p, topic) {
                Ok(())
            } else {
                Err(Error::new(
                    "forbidden",
                    format!("not allowed to subscribe to `{topic}`"),
                ))
            }
        })
    }

    /// Like [`ServiceBuilder::authorize_topic`], with the error a refused subscribe is
    /// answered with (`not_found` for a topic of nothing that exists, say).
    pub fn authorize_topic_with(
        mut self,
        f: impl Fn(Option<&Principal>, &str) -> Result<(), Error> + Send + Sync + 'static,
    ) -> Self {
        self.authorize = Arc::new(f);
        self
    }

    /// Sees every frame the socket sends (responses, events, control replies, refusals) and
    /// every answer of a REST route or the RPC endpoint just before it leaves (not the
    /// handshake's refusals), and may change it or (socket frames) hold it back. Events are
    /// seen once, when emitted, not once per recipient.
    pub fn on_outgoing(mut self, f: impl Fn(&mut Outgoing<'_>) + Send + Sync + 'static) -> Self {
        self.outgoing = Some(Arc::new(f));
        self
    }

    /// Answers a request refused before any handler (an invalid frame, payload or route) the
    /// application's way; `None` keeps the default answer (`unknown_action`, `bad_request` or
    /// `validation_failed` with the violations as details, 404/405 for a path that is no
    /// route).
    pub fn on_refusal(
        mut self,
        f: impl Fn(&Refusal<'_>) -> Option<Error> + Send + Sync + 'static,
    ) -> Self {
        self.refusal = Some(Arc::new(f));
        self
    }

    /// Hears every violation the service finds in the frames it checks.
    pub fn on_violation(mut self, f: impl Fn(&Violation) + Send + Sync + 'static) -> Self {
        self.report = Arc::new(f);
        self
    }

    /// The data of the contract's expired event (`transport.auth.expired_event`), sent on a
    /// socket whose principal's credential ran out (default: `{}`).
    pub fn expired_event_data(
        mut self,
        f: impl Fn(&Principal) -> Value + Send + Sync + 'static,
    ) -> Self {
        self.expired_data = Arc::new(f);
        self
    }

    /// Replaces the server settings ([`Settings::default`] unless set).
    pub fn settings(mut self, settings: Settings) -> Self {
        self.settings = settings;
        self
    }

    /// The backplane events travel through (default: in-process).
    pub fn backplane(mut self, backplane: Arc<dyn Backplane>) -> Self {
        self.backplane = backplane;
        self
    }

    /// Checks that the service serves exactly the contract, and starts the backplane's feed
    /// (call from within a tokio runtime).
    pub fn build(self) -> Result<Service, StartupError> {
        if !self.extra.is_empty() {
            return Err(StartupError::NotInContract(self.extra));
        }
        let unhandled: Vec<String> = self
            .contract
            .actions
            .keys()
            .filter(|a| !self.handlers.contains_key(*a))
            .cloned()
            .collect();
        if !unhandled.is_empty() {
            return Err(StartupError::Unhandled(unhandled));
        }
        let validator =
            Validator::new(&self.contract).map_err(|e| StartupError::Contract(e.to_string()))?;
        let since = self
            .contract
            .events
            .iter()
            .filter_map(|(name, e)| Some((name.clone(), semver::Version::parse(&e.since).ok()?)))
            .collect();
        let shared = Arc::new(Shared {
            hub: Hub::new(self.settings.slow_consumer_close, since),
            contract: self.contract,
            validator,
            handlers: self.handlers,
            authenticate: self.authenticate,
            authorize: self.authorize,
            report: self.report,
            expired_data: self.expired_data,
            outgoing: self.outgoing,
            refusal: self.refusal,
            settings: self.settings,
            backplane: self.backplane.clone(),
            backplane_up: AtomicBool::new(false),
            tickets: self
                .backplane
                .tickets()
                .unwrap_or_else(|| Arc::new(InProcessTickets::default())),
        });
        let weak = Arc::downgrade(&shared);
        let deliver = Arc::new(move |p: Published| {
            if let Some(s) = weak.upgrade() {
                s.hub.deliver(&p.event, &p.target, &p.frame);
            }
        });
        let weak = Arc::downgrade(&shared);
        let status = Arc::new(move |up: bool| {
            if let Some(s) = weak.upgrade() {
                let was = s.backplane_up.swap(up, Ordering::Relaxed);
                if was && !up {
                    let code = s.settings.backplane_lost_close;
                    s.hub
                        .close_all(code, "the event backplane is unavailable; reconnect");
                }
            }
        });
        tokio::spawn(self.backplane.run(deliver, status));
        Ok(Service { shared })
    }
}

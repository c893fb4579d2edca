//! What a handler sees: who is calling, and a way to emit the contract's events.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use frameproof_schema::{Event, ScopeMeta, Template};

use crate::error::Error;
use crate::events::Target;
use crate::hooks::Transport;
use crate::service::Shared;

/// An authenticated caller: who, and the tenant (org) their tenant-scoped events go to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    /// Who the caller is, as the authenticator names them; a later `auth` frame on the same
    /// socket must carry the same id.
    pub id: String,
    /// The tenant (org) whose tenant-scoped events this caller's sockets receive (`None`: none).
    pub tenant: Option<String>,
    /// When the credential expires: the socket then sends the contract's expired event and
    /// answers requests `token_expired` until an `auth` frame brings a fresh one.
    pub expires_at: Option<std::time::SystemTime>,
}

impl Principal {
    /// A principal outside any tenant whose credential does not expire.
    pub fn new(id: impl Into<String>) -> Principal {
        Principal {
            id: id.into(),
            tenant: None,
            expires_at: None,
        }
    }

    /// Puts the principal in `tenant`, so tenant-scoped events reach it.
    pub fn in_tenant(mut self, tenant: impl Into<String>) -> Principal {
        self.tenant = Some(tenant.into());
        self
    }

    /// Sets when the credential expires (see `expires_at`).
    pub fn expiring_at(mut self, at: std::time::SystemTime) -> Principal {
        self.expires_at = Some(at);
        self
    }
}

/// The context of one request.
#[derive(Clone)]
pub struct Ctx {
    pub(crate) principal: Option<Arc<Principal>>,
    /// The connection the request came on (`None` over HTTP).
    pub(crate) connection: Option<u64>,
    pub(crate) shared: Arc<Shared>,
}

impl Ctx {
    /// The authenticated caller (`None` when the request carried no accepted credential).
    pub fn principal(&self) -> Option<&Principal> {
        self.principal.as_deref()
    }

    /// The transport the request came over.
    pub fn transport(&self) -> Transport {
        match self.connection {
            Some(_) => Transport::WebSocket,
            None => Transport::Http,
        }
    }

    /// A ticket for the caller: a short-lived, one-time credential that opens one socket
    /// (the contract's `ticket` auth method), on any instance behind the backplane. The
    /// ticket action's handler calls this and answers with the ticket. Fails
    /// (`unauthorized`) for a caller without a principal, (`unavailable`) when the store
    /// cannot keep it.
    pub async fn issue_ticket(&self) -> Result<crate::Ticket, Error> {
        let principal = self.principal.as_deref().ok_or_else(|| {
            Error::new("unauthorized", "a ticket is issued to a signed-in caller")
        })?;
        crate::tickets::issue(
            &self.shared.tickets,
            principal,
            self.shared.settings.ticket_ttl,
        )
        .await
        .map_err(|e| Error::new("unavailable", e.to_string()))
    }

    /// Emits a tenant event as the caller's tenant emits it (its frame names the caller's
    /// tenant) to the connections of another tenant: a tenant that mirrors another's activity
    /// (a partner org, an operator's console). Fails (`internal`) for an event of another
    /// scope, or a caller without a tenant.
    pub async fn mirror_to_tenant<E: Event + Serialize>(
        &self,
        tenant: &str,
        event: &E,
    ) -> Result<(), Error> {
        let name = E::META.name;
        if !matches!(E::META.scope, ScopeMeta::Tenant) {
            return Err(Error::internal(format!("`{name}` is not a tenant event")));
        }
        let own = self
            .principal
            .as_ref()
            .and_then(|p| p.tenant.as_deref())
            .ok_or_else(|| Error::internal(format!("`{name}`: the caller has no tenant")))?;
        let data = serde_json::to_value(event)
            .map_err(|e| Error::internal(format!("`{name}` does not serialize: {e}")))?;
        self.shared
            .publish_as(name, Target::Tenant(tenant.to_owned()), data, Some(own))
            .await
    }

    /// Emits an event to the recipients its declared scope names: the caller's tenant, the
    /// connections subscribed to the topic rendered from the event's fields, or the calling
    /// connection, on every instance behind the backplane. Fails (`unavailable`) when the
    /// backplane cannot take it: an event is never dropped silently.
    pub async fn emit<E: Event + Serialize>(&self, event: &E) -> Result<(), Error> {
        let name = E::META.name;
        let data = serde_json::to_value(event)
            .map_err(|e| Error::internal(format!("`{name}` does not serialize: {e}")))?;
        let target = match E::META.scope {
            ScopeMeta::Tenant => {
                let tenant = self
                    .principal
                    .as_ref()
                    .and_then(|p| p.tenant.clone())
                    .ok_or_else(|| {
                        Error::internal(format!(
                            "`{name}` is a tenant event, but the caller has no tenant"
                        ))
                    })?;
                Target::Tenant(tenant)
            }
            ScopeMeta::Topic(pattern) => {
                let topic = render_topic(name, pattern, &data)?;
                let tenant = self.principal.as_ref().and_then(|p| p.tenant.clone());
                match tenant {
                    Some(t) if self.shared.settings.topics_per_tenant => {
                        Target::TenantTopic(t, topic)
                    }
                    _ => Target::Topic(topic),
                }
            }
            ScopeMeta::Connection => match self.connection {
                Some(c) => Target::Connection(c),
                // over HTTP there is no connection to tell
                None => return Ok(()),
            },
            ScopeMeta::Subscription(at) => {
                let id = data.pointer(at).filter(|v| !v.is_null()).ok_or_else(|| {
                    Error::internal(format!(
                        "`{name}` goes to a subscription, but its data has no id at `{at}`"
                    ))
                })?;
                Target::Subscription(id.to_string())
            }
        };
        self.shared.publish(name, target, data).await
    }
}

/// The topic of a topic event: its pattern with each `{field}` taken from the event's data.
fn render_topic(name: &str, pattern: &str, data: &serde_json::Value) -> Result<String, Error> {
    let template = Template::parse(pattern).map_err(|e| Error::internal(e.to_string()))?;
    let values = template
        .params()
        .map(|p| {
            let value = match data.get(p) {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(other) if !other.is_null() => other.to_string(),
                _ => {
                    return Err(Error::internal(format!(
                        "`{name}`'s topic `{pattern}` needs `{p}`, which its data lacks"
                    )))
                }
            };
            Ok((p.to_owned(), value))
        })
        .collect::<Result<_, Error>>()?;
    template.render(&values).map_err(|e| Error::internal(e.0))
}

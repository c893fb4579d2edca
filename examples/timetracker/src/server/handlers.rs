//! The reference server on frameproof-server: a typed handler per action, each calling its
//! method of the service layer; the events a method produced are emitted when it succeeds.
//! Authentication (the token directory), topic authorization, refusals (`validation`) and the
//! faults are hooks of the same service.

use std::sync::Arc;

use frameproof::{Action, Event, ScopeMeta};
use frameproof_server::{Ctx, Error, Principal, ServiceBuilder};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::json;

use crate::api::*;

use super::auth::User;
use super::clock;
use super::error::ApiError;
use super::faults::Leak;
use super::service::{Effects, Emitted, Service};
use super::validation::Compiled;

/// What every handler shares.
pub(crate) struct App {
    pub(crate) service: Service,
    pub(crate) compiled: &'static Compiled,
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Error {
        Error {
            code: e.code.to_owned(),
            message: e.message,
            details: e.details,
        }
    }
}

/// A method of the service layer, as a handler runs it.
type Method<A, R> = fn(&Service, &User, A, &mut Effects) -> Result<R, ApiError>;

/// Every action's handler, and the hooks that are the application's.
pub(crate) fn builder(app: &Arc<App>, builder: ServiceBuilder) -> ServiceBuilder {
    let b = builder;
    let b = on::<StartTimer, _>(b, app, Service::start_timer);
    let b = on::<StopTimer, _>(b, app, Service::stop_timer);
    let b = on::<ListTimeEntries, _>(b, app, |s, c, p, _| s.list_entries(c, p));
    let b = on::<ListProjects, _>(b, app, |s, c, p, _| Ok(s.list_projects(c, p)));
    let b = on::<GetProject, _>(b, app, |s, c, p, _| s.get_project(c, p));
    let b = on::<CreateProject, _>(b, app, Service::create_project);
    let b = on::<CreateTask, _>(b, app, Service::create_task);
    let b = on::<UpdateTask, _>(b, app, Service::update_task);
    let b = on::<DeleteTask, _>(b, app, Service::delete_task);
    let b = on::<ListTasks, _>(b, app, |s, c, p, _| Ok(s.list_tasks(c, p)));
    let b = on::<SendMessage, _>(b, app, Service::send_message);
    let b = on::<ChatHistory, _>(b, app, |s, c, p, _| s.chat_history(c, p));
    let b = on::<CreateInvoice, _>(b, app, Service::create_invoice);
    let b = on::<ListNotifications, _>(b, app, |s, c, p, _| Ok(s.list_notifications(c, p)));
    let b = on::<MarkNotificationsRead, _>(b, app, |s, c, p, _| s.mark_read(c, p));
    let refresh = app.clone();
    let b = b.handle(move |_ctx: Ctx, p: RefreshToken| {
        let app = refresh.clone();
        async move {
            app.service.pause().await;
            app.service.refresh(p).map_err(Error::from)
        }
    });
    hooks(app, b)
}

/// Authentication, topic authorization, the expired event, refusals and the outgoing faults.
fn hooks(app: &Arc<App>, b: ServiceBuilder) -> ServiceBuilder {
    let auth = app.clone();
    let topics = app.clone();
    let refusals = app.clone();
    let outgoing = app.clone();
    b.authenticate_with(move |token: String| {
        let app = auth.clone();
        async move {
            let (user, expires_at) = app.service.directory().check(&token).into_result()?;
            Ok(Principal::new(user.id)
                .in_tenant(user.org_id)
                .expiring_at(expires_at))
        }
    })
    .authorize_topic_with(move |principal, topic| {
        let user = caller(&topics, principal)?;
        topics
            .service
            .authorize_topic(&user, topic)
            .map_err(Error::from)
    })
    .expired_event_data(|p| {
        let at = p.expires_at.map(clock::rfc3339).unwrap_or_default();
        json!({ "expired_at": at })
    })
    .on_refusal(move |r| refusals.compiled.refusal(r).map(Error::from))
    .on_outgoing(move |out| outgoing.service.faults().on_outgoing(out))
}

/// The seeded user behind a principal.
fn caller(app: &App, principal: Option<&Principal>) -> Result<User, Error> {
    principal
        .and_then(|p| app.service.directory().user(&p.id))
        .cloned()
        .ok_or_else(|| ApiError::unauthorized("this action needs an access token").into())
}

/// The handler of action `A`: the caller, the method, its events, and an undeclared error
/// turned into `internal` (the `undeclared-error` fault lets `tasks.delete`'s through).
fn on<A, R>(b: ServiceBuilder, app: &Arc<App>, method: Method<A, R>) -> ServiceBuilder
where
    A: Action<Response = R> + DeserializeOwned + Send + 'static,
    R: Serialize + Send + 'static,
{
    let app = app.clone();
    b.handle(move |ctx: Ctx, payload: A| {
        let app = app.clone();
        async move {
            app.service.pause().await;
            let user = caller(&app, ctx.principal())?;
            let mut fx = Effects::default();
            match method(&app.service, &user, payload, &mut fx) {
                Ok(response) => {
                    publish(&app, &ctx, fx).await?;
                    Ok(response)
                }
                Err(e) => Err(answer_error(&app, A::META.name, e)),
            }
        }
    })
}

fn answer_error(app: &App, action: &str, e: ApiError) -> Error {
    let passes = app.compiled.declared(action, e.code)
        || (action == "tasks.delete"
            && app
                .service
                .faults()
                .has(super::faults::Fault::UndeclaredError));
    if passes {
        return e.into();
    }
    eprintln!("timetracker: `{action}` produced undeclared error {e}; answering `internal`");
    ApiError::internal(format!("the server failed while running `{action}`")).into()
}

/// Emits the events of a successful action (none when a `*-no-broadcast` fault silences its
/// transport).
async fn publish(app: &App, ctx: &Ctx, fx: Effects) -> Result<(), Error> {
    if app.service.faults().silenced(ctx.transport()) {
        return Ok(());
    }
    for event in fx.events {
        match event {
            Emitted::TimeEntryStarted(e) => emit(app, ctx, e).await?,
            Emitted::TimeEntryStopped(e) => emit(app, ctx, e).await?,
            Emitted::ProjectCreated(e) => emit(app, ctx, e).await?,
            Emitted::TaskCreated(e) => emit(app, ctx, e).await?,
            Emitted::TaskUpdated(e) => emit(app, ctx, e).await?,
            Emitted::TaskDeleted(e) => emit(app, ctx, e).await?,
            Emitted::ChatMessage(e) => emit(app, ctx, e).await?,
            Emitted::InvoiceCreated(e) => emit(app, ctx, e).await?,
            Emitted::NotificationCreated(e) => emit(app, ctx, e).await?,
        }
    }
    Ok(())
}

/// One event to its recipients; with a `cross-org-leak` fault, a tenant event also to every
/// other org (at once, or 1.5 s later).
async fn emit<E>(app: &App, ctx: &Ctx, event: E) -> Result<(), Error>
where
    E: Event + Serialize + Send + Sync + 'static,
{
    ctx.emit(&event).await?;
    let leak = app.service.faults().leak();
    if leak == Leak::None || !matches!(E::META.scope, ScopeMeta::Tenant) {
        return Ok(());
    }
    let own = ctx.principal().and_then(|p| p.tenant.clone());
    let others: Vec<String> = app
        .service
        .directory()
        .orgs()
        .into_iter()
        .filter(|o| Some(o) != own.as_ref())
        .collect();
    match leak {
        Leak::After(delay) => {
            let ctx = ctx.clone();
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                for org in others {
                    let _ = ctx.mirror_to_tenant(&org, &event).await;
                }
            });
        }
        _ => {
            for org in others {
                ctx.mirror_to_tenant(&org, &event).await?;
            }
        }
    }
    Ok(())
}

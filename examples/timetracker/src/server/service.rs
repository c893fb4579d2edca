//! The one service layer: a typed method per action, run by the handlers (`handlers.rs`)
//! whichever transport the request came over. A method runs against the [`Store`] and
//! collects the events its success produces in [`Effects`]; the handler emits them only when
//! the method succeeds.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::api::*;

use super::auth::{Directory, Role, User};
use super::clock;
use super::error::ApiError;
use super::faults::{Fault, Faults};
use super::store::{id_seq, EntryRecord, IdKind, Store};

/// An event an action produced, waiting for the action to succeed.
pub(crate) enum Emitted {
    TimeEntryStarted(TimeEntryStarted),
    TimeEntryStopped(TimeEntryStopped),
    ProjectCreated(ProjectCreated),
    TaskCreated(TaskCreated),
    TaskUpdated(TaskUpdated),
    TaskDeleted(TaskDeleted),
    ChatMessage(ChatMessage),
    InvoiceCreated(InvoiceCreated),
    NotificationCreated(NotificationCreated),
}

/// The events an action produced, emitted only when it succeeds.
#[derive(Default)]
pub(crate) struct Effects {
    pub(crate) events: Vec<Emitted>,
}

impl Effects {
    fn push(&mut self, event: impl Into<Emitted>) {
        self.events.push(event.into());
    }
}

macro_rules! emitted_from {
    ($($name:ident),*) => {$(
        impl From<$name> for Emitted {
            fn from(e: $name) -> Emitted {
                Emitted::$name(e)
            }
        }
    )*};
}

emitted_from!(
    TimeEntryStarted,
    TimeEntryStopped,
    ProjectCreated,
    TaskCreated,
    TaskUpdated,
    TaskDeleted,
    ChatMessage,
    InvoiceCreated,
    NotificationCreated
);

/// Room names starting with this are for admins only.
const ADMIN_ROOM_PREFIX: &str = "admin-";
const DEFAULT_PAGE: usize = 50;

/// Runs actions. Shared by every connection and every REST request.
pub(crate) struct Service {
    store: Arc<dyn Store>,
    directory: Arc<Directory>,
    faults: Faults,
    latency: Duration,
}

impl Service {
    pub(crate) fn new(
        store: Arc<dyn Store>,
        directory: Arc<Directory>,
        faults: Faults,
        latency: Duration,
    ) -> Service {
        Service {
            store,
            directory,
            faults,
            latency,
        }
    }

    pub(crate) fn directory(&self) -> &Directory {
        &self.directory
    }

    pub(crate) fn faults(&self) -> &Faults {
        &self.faults
    }

    /// The simulated processing time every action takes (`--latency-ms`).
    pub(crate) async fn pause(&self) {
        if !self.latency.is_zero() {
            tokio::time::sleep(self.latency).await;
        }
    }

    /// Whether `caller` may subscribe to `topic` (a subscribe frame is all or nothing).
    pub(crate) fn authorize_topic(&self, caller: &User, topic: &str) -> Result<(), ApiError> {
        let pointer = "/topics";
        if let Some(task_id) = topic.strip_prefix("task:") {
            if self.store.task(&caller.org_id, task_id).is_none() {
                return Err(ApiError::not_found(format!(
                    "task `{task_id}` does not exist"
                )));
            }
            Ok(())
        } else if let Some(user_id) = topic.strip_prefix("user:") {
            if user_id != caller.id {
                return Err(ApiError::forbidden(format!(
                    "`{topic}` is another user's topic; subscribe to `user:{}`",
                    caller.id
                )));
            }
            Ok(())
        } else if let Some(room) = topic.strip_prefix("chat:") {
            if room.is_empty() {
                return Err(ApiError::invalid(
                    pointer,
                    "a chat topic needs a room: `chat:{room}`",
                ));
            }
            check_room_access(caller, room)
        } else {
            Err(ApiError::invalid(
                pointer,
                format!("unknown topic `{topic}`: topics are `task:{{id}}`, `user:{{id}}` or `chat:{{room}}`"),
            ))
        }
    }

    /// `auth.refresh`: a fresh access token for a refresh token.
    pub(crate) fn refresh(&self, p: RefreshToken) -> Result<TokenPair, ApiError> {
        self.directory.refresh(&p.refresh_token)
    }

    // ------------------------------------------------------------ time entries

    pub(crate) fn start_timer(
        &self,
        c: &User,
        p: StartTimer,
        fx: &mut Effects,
    ) -> Result<TimeEntry, ApiError> {
        let project = self
            .store
            .project(&c.org_id, &p.project_id)
            .ok_or_else(|| project_not_found(&p.project_id))?;
        if project.archived {
            return Err(ApiError::conflict(format!(
                "project `{}` is archived; time cannot be tracked on it",
                project.id
            )));
        }
        let id = self.store.next_id(IdKind::Entry);
        let record = EntryRecord {
            seq: id_seq(&id).unwrap_or(0),
            id,
            org_id: c.org_id.clone(),
            user_id: c.id.clone(),
            project_id: project.id,
            description: p.description,
            billable: p.billable,
            started_at: SystemTime::now(),
            stopped_at: None,
            invoiced: false,
        };
        self.store.start_entry(record.clone())?;
        let entry = entry_view(&record);
        fx.push(TimeEntryStarted {
            user_id: entry.user_id.clone(),
            entry_id: entry.id.clone(),
            project_id: entry.project_id.clone(),
            started_at: entry.started_at.clone(),
        });
        Ok(entry)
    }

    pub(crate) fn stop_timer(
        &self,
        c: &User,
        _p: StopTimer,
        fx: &mut Effects,
    ) -> Result<TimeEntry, ApiError> {
        let record = self
            .store
            .stop_entry(&c.id, SystemTime::now())
            .ok_or_else(|| {
                ApiError::not_found("no timer is running; start one with time_entries.start")
            })?;
        let entry = entry_view(&record);
        fx.push(TimeEntryStopped {
            user_id: entry.user_id.clone(),
            entry_id: entry.id.clone(),
            duration_seconds: entry.duration_seconds.unwrap_or(0),
        });
        Ok(entry)
    }

    pub(crate) fn list_entries(
        &self,
        c: &User,
        p: ListTimeEntries,
    ) -> Result<TimeEntryPage, ApiError> {
        let after = match &p.cursor {
            None => None,
            Some(cursor) => Some(
                id_seq(cursor)
                    .filter(|_| cursor.starts_with("te_"))
                    .ok_or_else(|| {
                        ApiError::invalid(
                            "/cursor",
                            format!("`{cursor}` is not a cursor this server issued"),
                        )
                    })?,
            ),
        };
        let limit = p.limit.map_or(DEFAULT_PAGE, |l| l as usize);
        let mut matching = self
            .store
            .user_entries(&c.id)
            .into_iter()
            .filter(|e| p.project_id.as_ref().is_none_or(|pid| &e.project_id == pid))
            .filter(|e| after.is_none_or(|a| e.seq < a));
        let items: Vec<TimeEntry> = matching
            .by_ref()
            .take(limit)
            .map(|e| entry_view(&e))
            .collect();
        let next_cursor = match (matching.next(), items.last()) {
            (Some(_), Some(last)) => Some(last.id.clone()),
            _ => None,
        };
        Ok(TimeEntryPage { items, next_cursor })
    }

    // ------------------------------------------------------------ projects

    pub(crate) fn list_projects(&self, c: &User, p: ListProjects) -> Vec<Project> {
        let all = p.include_archived.unwrap_or(false);
        self.store
            .projects(&c.org_id)
            .into_iter()
            .filter(|p| all || !p.archived)
            .collect()
    }

    pub(crate) fn get_project(&self, c: &User, p: GetProject) -> Result<Project, ApiError> {
        self.store
            .project(&c.org_id, &p.id)
            .ok_or_else(|| project_not_found(&p.id))
    }

    pub(crate) fn create_project(
        &self,
        c: &User,
        p: CreateProject,
        fx: &mut Effects,
    ) -> Result<Project, ApiError> {
        let name = p.name.trim();
        if name.is_empty() {
            return Err(ApiError::invalid("/name", "the name must not be blank"));
        }
        if p.hourly_rate.amount_cents < 0 {
            return Err(ApiError::invalid(
                "/hourly_rate/amount_cents",
                "the hourly rate must not be negative",
            ));
        }
        let project = Project {
            id: self.store.next_id(IdKind::Project),
            name: name.to_owned(),
            client: p.client,
            hourly_rate: p.hourly_rate,
            archived: false,
            created_at: clock::rfc3339(SystemTime::now()),
        };
        self.store.insert_project(&c.org_id, project.clone())?;
        fx.push(ProjectCreated {
            project: project.clone(),
        });
        Ok(project)
    }

    // ------------------------------------------------------------ tasks

    fn member_or_not_found(&self, c: &User, user_id: &str) -> Result<(), ApiError> {
        match self.directory.member(&c.org_id, user_id) {
            Some(_) => Ok(()),
            None => Err(ApiError::not_found(format!(
                "user `{user_id}` does not exist"
            ))),
        }
    }

    pub(crate) fn create_task(
        &self,
        c: &User,
        p: CreateTask,
        fx: &mut Effects,
    ) -> Result<Task, ApiError> {
        let project = self
            .store
            .project(&c.org_id, &p.project_id)
            .ok_or_else(|| project_not_found(&p.project_id))?;
        let title = p.title.trim();
        if title.is_empty() {
            return Err(ApiError::invalid("/title", "the title must not be blank"));
        }
        if let Some(a) = &p.assignee_id {
            self.member_or_not_found(c, a)?;
        }
        let task = Task {
            id: self.store.next_id(IdKind::Task),
            project_id: project.id,
            title: title.to_owned(),
            description: p.description,
            status: TaskStatus::Todo,
            assignee_id: p.assignee_id,
            estimate_minutes: p.estimate_minutes,
            labels: p.labels,
            updated_at: clock::rfc3339(SystemTime::now()),
        };
        self.store.insert_task(&c.org_id, task.clone());
        fx.push(TaskCreated { task: task.clone() });
        if let Some(a) = &task.assignee_id {
            self.assigned(c, a, &task, fx)?;
        }
        Ok(task)
    }

    /// Tells `assignee` that `c` gave them `task` (not when people assign themselves).
    fn assigned(
        &self,
        c: &User,
        assignee: &str,
        task: &Task,
        fx: &mut Effects,
    ) -> Result<(), ApiError> {
        if assignee == c.id {
            return Ok(());
        }
        let title = format!("{} assigned you \"{}\" ({})", c.name, task.title, task.id);
        self.notify(assignee, NotificationKind::TaskAssigned, title, fx)
    }

    pub(crate) fn update_task(
        &self,
        c: &User,
        p: UpdateTask,
        fx: &mut Effects,
    ) -> Result<Task, ApiError> {
        if let Some(a) = &p.assignee_id {
            if self.store.task(&c.org_id, &p.id).is_none() {
                return Err(task_not_found(&p.id));
            }
            self.member_or_not_found(c, a)?;
        }
        if p.title.as_deref().is_some_and(|t| t.trim().is_empty()) {
            return Err(ApiError::invalid("/title", "the title must not be blank"));
        }
        let now = clock::rfc3339(SystemTime::now());
        let mut changed: Vec<String> = Vec::new();
        let mut apply = |t: &mut Task| -> Result<(), ApiError> {
            changed.clear();
            let was_cancelled = t.status == TaskStatus::Cancelled;
            if let Some(title) = &p.title {
                let title = title.trim();
                if t.title != title {
                    t.title = title.to_owned();
                    changed.push("title".into());
                }
            }
            if let Some(d) = &p.description {
                if t.description.as_ref() != Some(d) {
                    t.description = Some(d.clone());
                    changed.push("description".into());
                }
            }
            if let Some(s) = p.status {
                if t.status != s {
                    t.status = s;
                    changed.push("status".into());
                }
            }
            if let Some(a) = &p.assignee_id {
                if t.assignee_id.as_ref() != Some(a) {
                    t.assignee_id = Some(a.clone());
                    changed.push("assignee_id".into());
                }
            }
            if was_cancelled && !changed.is_empty() && p.status != Some(TaskStatus::Todo) {
                return Err(ApiError::conflict(format!(
                    "task `{}` is cancelled; reopen it (status `todo`) to change it",
                    t.id
                )));
            }
            if !changed.is_empty() {
                t.updated_at = now.clone();
            }
            Ok(())
        };
        let task = self
            .store
            .update_task(&c.org_id, &p.id, &mut apply)
            .ok_or_else(|| task_not_found(&p.id))??;
        if !changed.is_empty() {
            fx.push(TaskUpdated {
                task_id: task.id.clone(),
                task: task.clone(),
                changed: changed.clone(),
            });
        }
        if changed.iter().any(|f| f == "assignee_id") {
            if let Some(a) = &task.assignee_id {
                self.assigned(c, a, &task, fx)?;
            }
        }
        Ok(task)
    }

    pub(crate) fn delete_task(
        &self,
        c: &User,
        p: DeleteTask,
        fx: &mut Effects,
    ) -> Result<Deleted, ApiError> {
        if !self.store.delete_task(&c.org_id, &p.id) {
            if self.faults.has(Fault::UndeclaredError) {
                return Err(ApiError::conflict(format!(
                    "task `{}` cannot be deleted",
                    p.id
                )));
            }
            return Err(task_not_found(&p.id));
        }
        fx.push(TaskDeleted {
            task_id: p.id.clone(),
        });
        Ok(Deleted { id: p.id })
    }

    pub(crate) fn list_tasks(&self, c: &User, p: ListTasks) -> Vec<Task> {
        self.store
            .tasks(&c.org_id)
            .into_iter()
            .filter(|t| p.project_id.as_ref().is_none_or(|pid| &t.project_id == pid))
            .filter(|t| p.status.is_none_or(|s| t.status == s))
            .collect()
    }

    // ------------------------------------------------------------ chat

    pub(crate) fn send_message(
        &self,
        c: &User,
        p: SendMessage,
        fx: &mut Effects,
    ) -> Result<Message, ApiError> {
        check_room_name(&p.room)?;
        check_room_access(c, &p.room)?;
        if let MessageBody::Mention { user_id, .. } = &p.body {
            if self.directory.member(&c.org_id, user_id).is_none() {
                return Err(ApiError::invalid(
                    "/body/user_id",
                    format!("`{user_id}` is not a member of your organisation"),
                ));
            }
        }
        let message = Message {
            id: self.store.next_id(IdKind::Message),
            room: p.room.clone(),
            author_id: c.id.clone(),
            body: p.body,
            sent_at: clock::rfc3339(SystemTime::now()),
        };
        self.store.push_message(&c.org_id, message.clone());
        fx.push(ChatMessage {
            room: p.room.clone(),
            message: message.clone(),
        });
        if let MessageBody::Mention { user_id, text } = &message.body {
            let title = format!("{} mentioned you in #{}: {}", c.name, p.room, text);
            self.notify(user_id, NotificationKind::Mention, title, fx)?;
        }
        Ok(message)
    }

    pub(crate) fn chat_history(&self, c: &User, p: ChatHistory) -> Result<Vec<Message>, ApiError> {
        check_room_name(&p.room)?;
        check_room_access(c, &p.room)?;
        let limit = p.limit.map_or(DEFAULT_PAGE, |l| l as usize);
        Ok(self.store.messages(&c.org_id, &p.room, limit))
    }

    // ------------------------------------------------------------ invoices

    pub(crate) fn create_invoice(
        &self,
        c: &User,
        p: CreateInvoice,
        fx: &mut Effects,
    ) -> Result<Invoice, ApiError> {
        if c.role != Role::Admin {
            return Err(ApiError::forbidden("only admins can create invoices"));
        }
        let project = self
            .store
            .project(&c.org_id, &p.project_id)
            .ok_or_else(|| project_not_found(&p.project_id))?;
        let from = clock::parse_date(&p.from).ok_or_else(|| {
            ApiError::invalid("/from", format!("`{}` is not a date (YYYY-MM-DD)", p.from))
        })?;
        let to = clock::parse_date(&p.to).ok_or_else(|| {
            ApiError::invalid("/to", format!("`{}` is not a date (YYYY-MM-DD)", p.to))
        })?;
        if to < from {
            return Err(ApiError::invalid("/to", "the period ends before it starts"));
        }
        let entries = self.store.claim_billable(&c.org_id, &project.id, from, to);
        if entries.is_empty() {
            return Err(ApiError::new(
                "nothing_to_invoice",
                format!(
                    "project `{}` has no uninvoiced billable time between {} and {}",
                    project.id, p.from, p.to
                ),
            ));
        }
        let rate = project.hourly_rate.amount_cents;
        let currency = project.hourly_rate.currency;
        let lines: Vec<InvoiceLine> = entries
            .iter()
            .map(|e| {
                let secs = e
                    .stopped_at
                    .and_then(|s| s.duration_since(e.started_at).ok())
                    .unwrap_or_default()
                    .as_secs();
                let minutes = u32::try_from(secs.div_ceil(60)).unwrap_or(u32::MAX);
                let who = self
                    .directory
                    .user(&e.user_id)
                    .map_or(e.user_id.as_str(), |u| u.name.as_str());
                InvoiceLine {
                    description: format!(
                        "{} {}: {}",
                        clock::format_date(clock::day_of(e.started_at)),
                        who,
                        e.description
                    ),
                    minutes,
                    amount: Money {
                        amount_cents: (i64::from(minutes) * rate + 30) / 60,
                        currency,
                    },
                }
            })
            .collect();
        let total = Money {
            amount_cents: lines.iter().map(|l| l.amount.amount_cents).sum(),
            currency,
        };
        let now = SystemTime::now();
        let (year, _, _) = clock::civil_from_days(clock::day_of(now));
        let number = format!(
            "INV-{year}-{:04}",
            self.store.next_invoice_number(&c.org_id)
        );
        let invoice = Invoice {
            id: self.store.next_id(IdKind::Invoice),
            number,
            project_id: project.id,
            lines,
            total,
            status: InvoiceStatus::Draft,
            issued_at: clock::rfc3339(now),
            due_date: clock::format_date(clock::day_of(now) + i64::from(p.due_days)),
        };
        self.store.insert_invoice(&c.org_id, invoice.clone());
        fx.push(InvoiceCreated {
            invoice_id: invoice.id.clone(),
            project_id: invoice.project_id.clone(),
            number: invoice.number.clone(),
            total: invoice.total.clone(),
        });
        Ok(invoice)
    }

    // ------------------------------------------------------------ notifications

    fn notify(
        &self,
        user_id: &str,
        kind: NotificationKind,
        title: String,
        fx: &mut Effects,
    ) -> Result<(), ApiError> {
        let notification = Notification {
            id: self.store.next_id(IdKind::Notification),
            user_id: user_id.to_owned(),
            kind,
            title,
            read: false,
            created_at: clock::rfc3339(SystemTime::now()),
        };
        self.store.push_notification(notification.clone());
        fx.push(NotificationCreated {
            user_id: user_id.to_owned(),
            notification,
        });
        Ok(())
    }

    pub(crate) fn list_notifications(&self, c: &User, p: ListNotifications) -> Vec<Notification> {
        let unread_only = p.unread_only.unwrap_or(false);
        self.store
            .notifications(&c.id)
            .into_iter()
            .filter(|n| !unread_only || !n.read)
            .collect()
    }

    pub(crate) fn mark_read(
        &self,
        c: &User,
        p: MarkNotificationsRead,
    ) -> Result<MarkedRead, ApiError> {
        match self.store.mark_read(&c.id, &p.ids) {
            Ok(updated) => Ok(MarkedRead { updated }),
            Err(missing) => Err(ApiError::not_found(format!(
                "no notification {} of yours exists; nothing was marked",
                missing
                    .iter()
                    .map(|m| format!("`{m}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }
}

fn project_not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("project `{id}` does not exist"))
}

fn task_not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("task `{id}` does not exist"))
}

fn check_room_name(room: &str) -> Result<(), ApiError> {
    if room.is_empty() {
        return Err(ApiError::invalid(
            "/room",
            "the room name must not be empty",
        ));
    }
    Ok(())
}

fn check_room_access(c: &User, room: &str) -> Result<(), ApiError> {
    if room.starts_with(ADMIN_ROOM_PREFIX) && c.role != Role::Admin {
        return Err(ApiError::forbidden(format!(
            "`{room}` is an admin room; only admins may use rooms named `{ADMIN_ROOM_PREFIX}*`"
        )));
    }
    Ok(())
}

fn entry_view(e: &EntryRecord) -> TimeEntry {
    TimeEntry {
        id: e.id.clone(),
        user_id: e.user_id.clone(),
        project_id: e.project_id.clone(),
        description: e.description.clone(),
        billable: e.billable,
        started_at: clock::rfc3339(e.started_at),
        stopped_at: e.stopped_at.map(clock::rfc3339),
        duration_seconds: e
            .stopped_at
            .map(|s| s.duration_since(e.started_at).unwrap_or_default().as_secs()),
    }
}

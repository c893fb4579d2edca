//! The one service layer. Both transports call [`Service::dispatch`] with the caller, the
//! action's name and its payload as JSON, so an action behaves the same whichever way it came.
//!
//! `dispatch` checks the payload against the action's JSON Schema from the contract (compiled
//! once), deserializes the typed payload from [`crate::api`], runs the action against the
//! [`Store`], and on success publishes the events the action produced through the [`Hub`].
//! It also guards the contract: an error code the action does not declare becomes `internal`
//! (unless the `undeclared-error` fault asks for exactly that divergence).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

use frameproof::{ActionSpec, Contract, Direction};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

use crate::api::*;

use super::auth::{Directory, Role, User};
use super::clock;
use super::error::ApiError;
use super::faults::{Fault, Faults};
use super::hub::{Hub, Target};
use super::store::{id_seq, EntryRecord, IdKind, Store};

/// Which transport a request came over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    WebSocket,
    Rest,
}

/// The events an action produced, published only when it succeeds.
#[derive(Default)]
struct Effects {
    events: Vec<(&'static str, Target, Value)>,
}

impl Effects {
    fn tenant<T: Serialize>(
        &mut self,
        org: &str,
        name: &'static str,
        data: &T,
    ) -> Result<(), ApiError> {
        let target = Target::Tenant {
            org: org.to_owned(),
        };
        self.events.push((name, target, to_json(data)?));
        Ok(())
    }

    fn topic<T: Serialize>(
        &mut self,
        org: &str,
        topic: String,
        name: &'static str,
        data: &T,
    ) -> Result<(), ApiError> {
        let target = Target::Topic {
            org: org.to_owned(),
            topic,
        };
        self.events.push((name, target, to_json(data)?));
        Ok(())
    }
}

fn to_json<T: Serialize>(value: &T) -> Result<Value, ApiError> {
    serde_json::to_value(value).map_err(|e| ApiError::internal(format!("could not serialize: {e}")))
}

fn parse<T: DeserializeOwned>(mut payload: Value) -> Result<T, ApiError> {
    // `5.0` is the integer 5 to the contract: an integer field takes it too
    frameproof::wire::integral_numbers(&mut payload);
    serde_json::from_value(payload)
        .map_err(|e| ApiError::invalid("", format!("the payload does not fit: {e}")))
}

/// Room names starting with this are for admins only.
const ADMIN_ROOM_PREFIX: &str = "admin-";
const DEFAULT_PAGE: usize = 50;

fn build_validator(schema: &Value) -> Result<jsonschema::Validator, String> {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(schema)
        .map_err(|e| e.to_string())
}

/// The contract and its compiled schemas, built once per process: building the contract and
/// compiling its schemas is the expensive part of starting a server.
pub(crate) struct Compiled {
    pub(crate) contract: Contract,
    payload_validators: HashMap<String, jsonschema::Validator>,
    control_validators: HashMap<String, jsonschema::Validator>,
}

static COMPILED: OnceLock<Result<Compiled, String>> = OnceLock::new();

/// The process-wide [`Compiled`] contract.
pub(crate) fn compiled() -> Result<&'static Compiled, String> {
    COMPILED.get_or_init(compile).as_ref().map_err(Clone::clone)
}

fn compile() -> Result<Compiled, String> {
    let contract = crate::contract();
    let mut payload_validators = HashMap::new();
    for (name, spec) in &contract.actions {
        let v = build_validator(&contract.standalone(&spec.payload))
            .map_err(|e| format!("the payload schema of `{name}` does not compile: {e}"))?;
        payload_validators.insert(name.clone(), v);
    }
    let mut control_validators = HashMap::new();
    for c in contract
        .envelope
        .control
        .iter()
        .filter(|c| c.direction == Direction::Client)
    {
        let kind = c.kind.as_str();
        let v = build_validator(&c.schema)
            .map_err(|e| format!("the `{kind}` control frame schema does not compile: {e}"))?;
        control_validators.insert(kind.to_owned(), v);
    }
    Ok(Compiled {
        contract,
        payload_validators,
        control_validators,
    })
}

/// Runs actions. Shared by every connection and every REST request.
pub(crate) struct Service {
    compiled: &'static Compiled,
    store: Arc<dyn Store>,
    directory: Arc<Directory>,
    hub: Arc<Hub>,
    faults: Faults,
    latency: Duration,
}

impl Service {
    pub(crate) fn new(
        compiled: &'static Compiled,
        store: Arc<dyn Store>,
        directory: Arc<Directory>,
        hub: Arc<Hub>,
        faults: Faults,
        latency: Duration,
    ) -> Service {
        Service {
            compiled,
            store,
            directory,
            hub,
            faults,
            latency,
        }
    }

    pub(crate) fn contract(&self) -> &Contract {
        &self.compiled.contract
    }

    pub(crate) fn directory(&self) -> &Directory {
        &self.directory
    }

    pub(crate) fn hub(&self) -> &Hub {
        &self.hub
    }

    pub(crate) fn has_fault(&self, fault: Fault) -> bool {
        self.faults.has(fault)
    }

    /// Runs `action` for `caller` (`None` only for `auth.refresh`, which needs no access token).
    pub(crate) async fn dispatch(
        &self,
        caller: Option<&User>,
        action: &str,
        payload: Value,
        origin: Origin,
    ) -> Result<Value, ApiError> {
        if !self.latency.is_zero() {
            tokio::time::sleep(self.latency).await;
        }
        self.dispatch_now(caller, action, payload, origin)
    }

    fn dispatch_now(
        &self,
        caller: Option<&User>,
        action: &str,
        payload: Value,
        origin: Origin,
    ) -> Result<Value, ApiError> {
        let Some(spec) = self.compiled.contract.actions.get(action) else {
            return Err(ApiError::unknown_action(format!(
                "no action is named `{action}`"
            )));
        };
        if origin == Origin::WebSocket && !spec.websocket {
            let over = spec
                .rest
                .as_ref()
                .map(|r| format!(" ({} {})", r.method, r.path))
                .unwrap_or_default();
            return Err(ApiError::unknown_action(format!(
                "`{action}` is not served over the WebSocket; call it over REST{over}"
            )));
        }
        self.validate_payload(action, &payload)?;
        let mut fx = Effects::default();
        match self.run(caller, action, payload, &mut fx) {
            Ok(mut data) => {
                let silenced = match origin {
                    Origin::Rest => self.faults.has(Fault::RestNoBroadcast),
                    Origin::WebSocket => self.faults.has(Fault::WsMissingBroadcast),
                };
                if !silenced {
                    for (name, target, mut event) in fx.events {
                        if self.faults.has(Fault::EventShape) && name == "ProjectCreated" {
                            if let Some(project) = event.get_mut("project") {
                                rename_member(project, "created_at", "created");
                            }
                        }
                        self.hub
                            .publish(&self.compiled.contract, name, &target, event);
                    }
                }
                if self.faults.has(Fault::ResponseShape) && action.starts_with("time_entries.") {
                    rename_started_at(&mut data);
                }
                Ok(data)
            }
            Err(e) if self.declared(spec, e.code) => Err(e),
            Err(e) if self.faults.has(Fault::UndeclaredError) && action == "tasks.delete" => Err(e),
            Err(e) => {
                eprintln!(
                    "timetracker: `{action}` produced undeclared error {e}; answering `internal`"
                );
                Err(ApiError::internal(format!(
                    "the server failed while running `{action}`"
                )))
            }
        }
    }

    fn declared(&self, spec: &ActionSpec, code: &str) -> bool {
        spec.errors.iter().any(|c| c == code)
            || self
                .compiled
                .contract
                .errors
                .get(code)
                .is_some_and(|e| e.any_action)
    }

    fn validate_payload(&self, action: &str, payload: &Value) -> Result<(), ApiError> {
        let Some(validator) = self.compiled.payload_validators.get(action) else {
            return Err(ApiError::internal(format!("no schema for `{action}`")));
        };
        check(validator, payload, "the payload")
    }

    /// Checks a client control frame against the contract's schema for its `type`.
    /// `None` when the contract has no control frame of that type.
    pub(crate) fn validate_control(
        &self,
        kind: &str,
        frame: &Value,
    ) -> Option<Result<(), ApiError>> {
        let validator = self.compiled.control_validators.get(kind)?;
        Some(check(validator, frame, &format!("the `{kind}` frame")))
    }

    /// Whether `caller` may subscribe to `topic`. `index` places the error in the frame.
    pub(crate) fn authorize_topic(
        &self,
        caller: &User,
        topic: &str,
        index: usize,
    ) -> Result<(), ApiError> {
        let pointer = format!("/topics/{index}");
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
                    &pointer,
                    "a chat topic needs a room: `chat:{room}`",
                ));
            }
            check_room_access(caller, room)
        } else {
            Err(ApiError::invalid(
                &pointer,
                format!("unknown topic `{topic}`: topics are `task:{{id}}`, `user:{{id}}` or `chat:{{room}}`"),
            ))
        }
    }

    fn run(
        &self,
        caller: Option<&User>,
        action: &str,
        payload: Value,
        fx: &mut Effects,
    ) -> Result<Value, ApiError> {
        if action == "auth.refresh" {
            let p: RefreshToken = parse(payload)?;
            return to_json(&self.directory.refresh(&p.refresh_token)?);
        }
        let Some(c) = caller else {
            return Err(ApiError::unauthorized("this action needs an access token"));
        };
        match action {
            "time_entries.start" => to_json(&self.start_timer(c, parse(payload)?, fx)?),
            "time_entries.stop" => to_json(&self.stop_timer(c, parse(payload)?, fx)?),
            "time_entries.list" => to_json(&self.list_entries(c, parse(payload)?)?),
            "projects.list" => to_json(&self.list_projects(c, parse(payload)?)),
            "projects.get" => to_json(&self.get_project(c, parse(payload)?)?),
            "projects.create" => to_json(&self.create_project(c, parse(payload)?, fx)?),
            "tasks.create" => to_json(&self.create_task(c, parse(payload)?, fx)?),
            "tasks.update" => to_json(&self.update_task(c, parse(payload)?, fx)?),
            "tasks.delete" => to_json(&self.delete_task(c, parse(payload)?, fx)?),
            "tasks.list" => to_json(&self.list_tasks(c, parse(payload)?)),
            "chat.send" => to_json(&self.send_message(c, parse(payload)?, fx)?),
            "chat.history" => to_json(&self.chat_history(c, parse(payload)?)?),
            "invoices.create" => to_json(&self.create_invoice(c, parse(payload)?, fx)?),
            "notifications.list" => to_json(&self.list_notifications(c, parse(payload)?)),
            "notifications.mark_read" => to_json(&self.mark_read(c, parse(payload)?)?),
            other => Err(ApiError::unknown_action(format!(
                "`{other}` is in the contract but this server does not implement it"
            ))),
        }
    }

    // ------------------------------------------------------------ time entries

    fn start_timer(
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
        fx.tenant(
            &c.org_id,
            "TimeEntryStarted",
            &TimeEntryStarted {
                user_id: entry.user_id.clone(),
                entry_id: entry.id.clone(),
                project_id: entry.project_id.clone(),
                started_at: entry.started_at.clone(),
            },
        )?;
        Ok(entry)
    }

    fn stop_timer(&self, c: &User, _p: StopTimer, fx: &mut Effects) -> Result<TimeEntry, ApiError> {
        let record = self
            .store
            .stop_entry(&c.id, SystemTime::now())
            .ok_or_else(|| {
                ApiError::not_found("no timer is running; start one with time_entries.start")
            })?;
        let entry = entry_view(&record);
        fx.tenant(
            &c.org_id,
            "TimeEntryStopped",
            &TimeEntryStopped {
                user_id: entry.user_id.clone(),
                entry_id: entry.id.clone(),
                duration_seconds: entry.duration_seconds.unwrap_or(0),
            },
        )?;
        Ok(entry)
    }

    fn list_entries(&self, c: &User, p: ListTimeEntries) -> Result<TimeEntryPage, ApiError> {
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

    fn list_projects(&self, c: &User, p: ListProjects) -> Vec<Project> {
        let all = p.include_archived.unwrap_or(false);
        self.store
            .projects(&c.org_id)
            .into_iter()
            .filter(|p| all || !p.archived)
            .collect()
    }

    fn get_project(&self, c: &User, p: GetProject) -> Result<Project, ApiError> {
        self.store
            .project(&c.org_id, &p.id)
            .ok_or_else(|| project_not_found(&p.id))
    }

    fn create_project(
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
        fx.tenant(
            &c.org_id,
            "ProjectCreated",
            &ProjectCreated {
                project: project.clone(),
            },
        )?;
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

    fn create_task(&self, c: &User, p: CreateTask, fx: &mut Effects) -> Result<Task, ApiError> {
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
        fx.tenant(
            &c.org_id,
            "TaskCreated",
            &TaskCreated { task: task.clone() },
        )?;
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
        self.notify(
            &c.org_id,
            assignee,
            NotificationKind::TaskAssigned,
            title,
            fx,
        )
    }

    fn update_task(&self, c: &User, p: UpdateTask, fx: &mut Effects) -> Result<Task, ApiError> {
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
            fx.topic(
                &c.org_id,
                format!("task:{}", task.id),
                "TaskUpdated",
                &TaskUpdated {
                    task_id: task.id.clone(),
                    task: task.clone(),
                    changed: changed.clone(),
                },
            )?;
        }
        if changed.iter().any(|f| f == "assignee_id") {
            if let Some(a) = &task.assignee_id {
                self.assigned(c, a, &task, fx)?;
            }
        }
        Ok(task)
    }

    fn delete_task(&self, c: &User, p: DeleteTask, fx: &mut Effects) -> Result<Deleted, ApiError> {
        if !self.store.delete_task(&c.org_id, &p.id) {
            if self.faults.has(Fault::UndeclaredError) {
                return Err(ApiError::conflict(format!(
                    "task `{}` cannot be deleted",
                    p.id
                )));
            }
            return Err(task_not_found(&p.id));
        }
        fx.topic(
            &c.org_id,
            format!("task:{}", p.id),
            "TaskDeleted",
            &TaskDeleted {
                task_id: p.id.clone(),
            },
        )?;
        Ok(Deleted { id: p.id })
    }

    fn list_tasks(&self, c: &User, p: ListTasks) -> Vec<Task> {
        self.store
            .tasks(&c.org_id)
            .into_iter()
            .filter(|t| p.project_id.as_ref().is_none_or(|pid| &t.project_id == pid))
            .filter(|t| p.status.is_none_or(|s| t.status == s))
            .collect()
    }

    // ------------------------------------------------------------ chat

    fn send_message(
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
        fx.topic(
            &c.org_id,
            format!("chat:{}", p.room),
            "ChatMessage",
            &ChatMessage {
                room: p.room.clone(),
                message: message.clone(),
            },
        )?;
        if let MessageBody::Mention { user_id, text } = &message.body {
            let title = format!("{} mentioned you in #{}: {}", c.name, p.room, text);
            self.notify(&c.org_id, user_id, NotificationKind::Mention, title, fx)?;
        }
        Ok(message)
    }

    fn chat_history(&self, c: &User, p: ChatHistory) -> Result<Vec<Message>, ApiError> {
        check_room_name(&p.room)?;
        check_room_access(c, &p.room)?;
        let limit = p.limit.map_or(DEFAULT_PAGE, |l| l as usize);
        Ok(self.store.messages(&c.org_id, &p.room, limit))
    }

    // ------------------------------------------------------------ invoices

    fn create_invoice(
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
        fx.tenant(
            &c.org_id,
            "InvoiceCreated",
            &InvoiceCreated {
                invoice_id: invoice.id.clone(),
                project_id: invoice.project_id.clone(),
                number: invoice.number.clone(),
                total: invoice.total.clone(),
            },
        )?;
        Ok(invoice)
    }

    // ------------------------------------------------------------ notifications

    fn notify(
        &self,
        org: &str,
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
        fx.topic(
            org,
            format!("user:{user_id}"),
            "NotificationCreated",
            &NotificationCreated {
                user_id: user_id.to_owned(),
                notification,
            },
        )
    }

    fn list_notifications(&self, c: &User, p: ListNotifications) -> Vec<Notification> {
        let unread_only = p.unread_only.unwrap_or(false);
        self.store
            .notifications(&c.id)
            .into_iter()
            .filter(|n| !unread_only || !n.read)
            .collect()
    }

    fn mark_read(&self, c: &User, p: MarkNotificationsRead) -> Result<MarkedRead, ApiError> {
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

/// The `response-shape` fault: `started_at` → `start_time` in a TimeEntry or a page of them.
fn rename_member(data: &mut Value, from: &str, to: &str) {
    if let Some(obj) = data.as_object_mut() {
        if let Some(v) = obj.remove(from) {
            obj.insert(to.to_owned(), v);
        }
    }
}

fn rename_started_at(data: &mut Value) {
    if let Some(items) = data.get_mut("items").and_then(Value::as_array_mut) {
        for item in items {
            rename_started_at(item);
        }
    } else if let Some(obj) = data.as_object_mut() {
        if let Some(v) = obj.remove("started_at") {
            obj.insert("start_time".into(), v);
        }
    }
}

/// Runs a validator and turns its errors into `validation_failed` with pointers.
fn check(validator: &jsonschema::Validator, instance: &Value, what: &str) -> Result<(), ApiError> {
    let mut details = Vec::new();
    for e in validator.iter_errors(instance) {
        let mut pointer = e.instance_path().as_str().to_owned();
        if let jsonschema::error::ValidationErrorKind::Required { property } = e.kind() {
            if let Some(p) = property.as_str() {
                pointer = format!("{pointer}/{}", p.replace('~', "~0").replace('/', "~1"));
            }
        }
        let mut message = e.to_string();
        if message.len() > 300 {
            message = e.masked_with("the value").to_string();
        }
        details.push(json!({ "pointer": pointer, "message": message }));
    }
    if details.is_empty() {
        return Ok(());
    }
    let first = details
        .first()
        .and_then(|d| d.get("message"))
        .and_then(Value::as_str)
        .unwrap_or("invalid")
        .to_owned();
    let at = details
        .first()
        .and_then(|d| d.get("pointer"))
        .and_then(Value::as_str)
        .filter(|p| !p.is_empty())
        .map(|p| format!(" at {p}"))
        .unwrap_or_default();
    Err(ApiError::invalid_all(
        format!("{what} does not match its schema{at}: {first}"),
        details,
    ))
}

//! The contract's types: what travels in payloads, responses and events.
//!
//! Requests derive `Deserialize` (the server reads them) and responses and events `Serialize`
//! (the server writes them); both derive both so that clients and tests can use them too.
//! Timestamps are RFC 3339 strings and money is an integer number of cents with a currency.

use frameproof::{Action, Event};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------- shared shapes

/// An amount of money in the smallest unit of its currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Money {
    pub amount_cents: i64,
    pub currency: Currency,
}

/// A project's hourly rate: money in the smallest unit of its currency, never negative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HourlyRate {
    #[schemars(range(min = 0))]
    pub amount_cents: i64,
    pub currency: Currency,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Currency {
    EUR,
    USD,
    GBP,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TimeEntry {
    pub id: String,
    pub user_id: String,
    pub project_id: String,
    pub description: String,
    pub billable: bool,
    #[schemars(extend("format" = "date-time"))]
    pub started_at: String,
    /// `null` while the timer runs.
    #[schemars(extend("format" = "date-time"))]
    pub stopped_at: Option<String>,
    pub duration_seconds: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TimeEntryPage {
    pub items: Vec<TimeEntry>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Project {
    pub id: String,
    pub name: String,
    pub client: Option<String>,
    pub hourly_rate: HourlyRate,
    pub archived: bool,
    #[schemars(extend("format" = "date-time"))]
    pub created_at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    Todo,
    InProgress,
    Done,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Task {
    pub id: String,
    pub project_id: String,
    pub title: String,
    pub description: Option<String>,
    pub status: TaskStatus,
    pub assignee_id: Option<String>,
    pub estimate_minutes: Option<u32>,
    pub labels: Vec<String>,
    #[schemars(extend("format" = "date-time"))]
    pub updated_at: String,
}

/// What a chat message says: text, a file, or a mention of a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MessageBody {
    Text {
        text: String,
    },
    Attachment {
        url: String,
        name: String,
        size_bytes: u64,
    },
    Mention {
        user_id: String,
        text: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Message {
    pub id: String,
    pub room: String,
    pub author_id: String,
    pub body: MessageBody,
    #[schemars(extend("format" = "date-time"))]
    pub sent_at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    Draft,
    Sent,
    Paid,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct InvoiceLine {
    pub description: String,
    pub minutes: u32,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Invoice {
    pub id: String,
    pub number: String,
    pub project_id: String,
    pub lines: Vec<InvoiceLine>,
    pub total: Money,
    pub status: InvoiceStatus,
    #[schemars(extend("format" = "date-time"))]
    pub issued_at: String,
    #[schemars(extend("format" = "date"))]
    pub due_date: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    TaskAssigned,
    Mention,
    InvoicePaid,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Notification {
    pub id: String,
    pub user_id: String,
    pub kind: NotificationKind,
    pub title: String,
    pub read: bool,
    #[schemars(extend("format" = "date-time"))]
    pub created_at: String,
}

// ---------------------------------------------------------------- time entries

/// Start a timer on a project. A user has at most one running timer.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[serde(deny_unknown_fields)]
#[action(name = "time_entries.start", response = TimeEntry, emits(TimeEntryStarted),
         errors(not_found, conflict), since = "1.0.0")]
pub struct StartTimer {
    pub project_id: String,
    pub description: String,
    #[serde(default)]
    pub billable: bool,
}

/// Stop the caller's running timer.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, Action)]
#[serde(deny_unknown_fields)]
#[action(name = "time_entries.stop", response = TimeEntry, emits(TimeEntryStopped),
         errors(not_found), since = "1.0.0")]
pub struct StopTimer {}

/// The caller's time entries, newest first.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, Action)]
#[serde(deny_unknown_fields)]
#[action(name = "time_entries.list", response = TimeEntryPage, since = "1.0.0")]
pub struct ListTimeEntries {
    pub project_id: Option<String>,
    pub cursor: Option<String>,
    #[schemars(range(min = 1, max = 200))]
    pub limit: Option<u32>,
}

// ---------------------------------------------------------------- projects

/// The organisation's projects.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, Action)]
#[serde(deny_unknown_fields)]
#[action(name = "projects.list", response = Vec<Project>, since = "1.0.0")]
pub struct ListProjects {
    pub include_archived: Option<bool>,
}

/// One project.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[serde(deny_unknown_fields)]
#[action(name = "projects.get", response = Project, errors(not_found), since = "1.0.0")]
pub struct GetProject {
    pub id: String,
}

/// Create a project.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[serde(deny_unknown_fields)]
#[action(name = "projects.create", response = Project, emits(ProjectCreated),
         errors(conflict), since = "1.1.0")]
pub struct CreateProject {
    /// Not blank (the server trims it).
    #[schemars(length(min = 1, max = 120), regex(pattern = r"\S"))]
    pub name: String,
    pub client: Option<String>,
    pub hourly_rate: HourlyRate,
}

// ---------------------------------------------------------------- tasks

/// Create a task on a project's board.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[serde(deny_unknown_fields)]
#[action(name = "tasks.create", response = Task, emits(TaskCreated), errors(not_found), since = "1.0.0")]
pub struct CreateTask {
    pub project_id: String,
    /// Not blank (the server trims it).
    #[schemars(length(min = 1, max = 200), regex(pattern = r"\S"))]
    pub title: String,
    pub description: Option<String>,
    pub assignee_id: Option<String>,
    pub estimate_minutes: Option<u32>,
    #[serde(default)]
    pub labels: Vec<String>,
}

/// Change a task; absent fields stay as they are.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[serde(deny_unknown_fields)]
#[action(name = "tasks.update", response = Task, emits(TaskUpdated),
         errors(not_found, conflict), since = "1.0.0")]
pub struct UpdateTask {
    pub id: String,
    /// Not blank (the server trims it).
    #[schemars(length(min = 1, max = 200), regex(pattern = r"\S"))]
    pub title: Option<String>,
    pub description: Option<String>,
    pub status: Option<TaskStatus>,
    pub assignee_id: Option<String>,
}

/// What a delete answers: the id that is gone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Deleted {
    pub id: String,
}

/// Delete a task.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[serde(deny_unknown_fields)]
#[action(name = "tasks.delete", response = Deleted, emits(TaskDeleted), errors(not_found), since = "1.0.0")]
pub struct DeleteTask {
    pub id: String,
}

/// Tasks, optionally of one project or in one status.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, Action)]
#[serde(deny_unknown_fields)]
#[action(name = "tasks.list", response = Vec<Task>, since = "1.0.0")]
pub struct ListTasks {
    pub project_id: Option<String>,
    pub status: Option<TaskStatus>,
}

// ---------------------------------------------------------------- chat

/// Post a message to a chat room; subscribers of `chat:{room}` receive it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[serde(deny_unknown_fields)]
#[action(name = "chat.send", response = Message, emits(ChatMessage), errors(forbidden), since = "1.0.0")]
pub struct SendMessage {
    #[schemars(length(min = 1))]
    pub room: String,
    pub body: MessageBody,
}

/// A room's messages, newest last.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[serde(deny_unknown_fields)]
#[action(name = "chat.history", response = Vec<Message>, errors(forbidden),
         rest(method = "GET", path = "/chat/{room}/history"), since = "1.0.0")]
pub struct ChatHistory {
    #[schemars(length(min = 1))]
    pub room: String,
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
}

// ---------------------------------------------------------------- invoices

/// Invoice a project's billable time in a period.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[serde(deny_unknown_fields)]
#[action(name = "invoices.create", response = Invoice, emits(InvoiceCreated),
         errors(not_found, nothing_to_invoice, forbidden), since = "1.1.0")]
pub struct CreateInvoice {
    pub project_id: String,
    #[schemars(extend("format" = "date"))]
    pub from: String,
    #[schemars(extend("format" = "date"))]
    pub to: String,
    #[serde(default = "thirty")]
    #[schemars(range(min = 1, max = 120))]
    pub due_days: u32,
}

fn thirty() -> u32 {
    30
}

// ---------------------------------------------------------------- notifications

/// The caller's notifications, newest first.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, Action)]
#[serde(deny_unknown_fields)]
#[action(name = "notifications.list", response = Vec<Notification>, since = "1.0.0")]
pub struct ListNotifications {
    pub unread_only: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct MarkedRead {
    pub updated: u32,
}

/// Mark notifications as read.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[serde(deny_unknown_fields)]
#[action(name = "notifications.mark_read", response = MarkedRead, errors(not_found), since = "1.0.0")]
pub struct MarkNotificationsRead {
    #[schemars(length(min = 1))]
    pub ids: Vec<String>,
}

// ---------------------------------------------------------------- auth

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    #[schemars(extend("format" = "date-time"))]
    pub expires_at: String,
}

/// Exchange a refresh token for a fresh access token. Served over REST only: a client whose
/// socket reported `TokenExpired` refreshes here and sends the new token as an `auth` frame.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[serde(deny_unknown_fields)]
#[action(name = "auth.refresh", response = TokenPair, errors(unauthorized), websocket = false, since = "1.0.0")]
pub struct RefreshToken {
    pub refresh_token: String,
}

// ---------------------------------------------------------------- events

/// A user started a timer.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Event)]
#[event(name = "TimeEntryStarted", scope = "tenant")]
pub struct TimeEntryStarted {
    pub user_id: String,
    pub entry_id: String,
    pub project_id: String,
    #[schemars(extend("format" = "date-time"))]
    pub started_at: String,
}

/// A user stopped a timer.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Event)]
#[event(name = "TimeEntryStopped", scope = "tenant")]
pub struct TimeEntryStopped {
    pub user_id: String,
    pub entry_id: String,
    pub duration_seconds: u64,
}

/// A project was created.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Event)]
#[event(name = "ProjectCreated", scope = "tenant", since = "1.1.0")]
pub struct ProjectCreated {
    pub project: Project,
}

/// A task was created; boards add it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Event)]
#[event(name = "TaskCreated", scope = "tenant")]
pub struct TaskCreated {
    pub task: Task,
}

/// A task changed; viewers of `task:{task_id}` update it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Event)]
#[event(name = "TaskUpdated", topic = "task:{task_id}")]
pub struct TaskUpdated {
    pub task_id: String,
    pub task: Task,
    /// Names of the fields that changed.
    pub changed: Vec<String>,
}

/// A task was deleted.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Event)]
#[event(name = "TaskDeleted", topic = "task:{task_id}")]
pub struct TaskDeleted {
    pub task_id: String,
}

/// A message was posted to a room.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Event)]
#[event(name = "ChatMessage", topic = "chat:{room}")]
pub struct ChatMessage {
    pub room: String,
    pub message: Message,
}

/// An invoice was created.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Event)]
#[event(name = "InvoiceCreated", scope = "tenant", since = "1.1.0")]
pub struct InvoiceCreated {
    pub invoice_id: String,
    pub project_id: String,
    pub number: String,
    pub total: Money,
}

/// A notification for one user (topic `user:{user_id}`, which only that user may subscribe to).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Event)]
#[event(name = "NotificationCreated", topic = "user:{user_id}")]
pub struct NotificationCreated {
    pub user_id: String,
    pub notification: Notification,
}

/// The connection's access token has expired: refresh it over REST (`auth.refresh`) and send
/// the new one as an `auth` frame on the same socket. Requests fail with `token_expired` until then.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Event)]
#[event(name = "TokenExpired", scope = "connection")]
pub struct TokenExpired {
    #[schemars(extend("format" = "date-time"))]
    pub expired_at: String,
}

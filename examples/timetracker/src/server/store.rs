//! Persistence: the [`Store`] trait the service layer talks to, and [`MemoryStore`].
//!
//! Every method is one atomic step (a check and the write it guards happen under one lock), so
//! concurrent connections cannot, say, start two timers for one user. Records carry their org;
//! lookups take the caller's org and treat another org's record as absent.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::SystemTime;

use crate::api::{Invoice, Message, Notification, Project, Task};

use super::error::ApiError;

/// A time entry as stored: instants rather than strings, plus whether it has been invoiced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRecord {
    pub id: String,
    /// Increases with every entry; orders entries and backs the list cursor.
    pub seq: u64,
    pub org_id: String,
    pub user_id: String,
    pub project_id: String,
    pub description: String,
    pub billable: bool,
    pub started_at: SystemTime,
    pub stopped_at: Option<SystemTime>,
    pub invoiced: bool,
}

/// The kinds of generated ids; each has its own counter and prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdKind {
    Project,
    Task,
    Entry,
    Message,
    Invoice,
    Notification,
}

impl IdKind {
    pub fn prefix(self) -> &'static str {
        match self {
            IdKind::Project => "proj",
            IdKind::Task => "task",
            IdKind::Entry => "te",
            IdKind::Message => "msg",
            IdKind::Invoice => "inv",
            IdKind::Notification => "ntf",
        }
    }
}

/// The seq number of an id made by [`Store::next_id`] (`te_12` → 12).
pub fn id_seq(id: &str) -> Option<u64> {
    id.rsplit_once('_')?.1.parse().ok()
}

/// What the service layer needs from persistence. Implementations must be safe to share
/// between connections; each method is atomic.
pub trait Store: Send + Sync + 'static {
    /// A new id of this kind (`proj_5`), unique in the store.
    fn next_id(&self, kind: IdKind) -> String;

    /// The org's projects, by id.
    fn projects(&self, org: &str) -> Vec<Project>;
    fn project(&self, org: &str, id: &str) -> Option<Project>;
    /// Inserts a project unless the org already has one with the same name (case-insensitive),
    /// which is `conflict`.
    fn insert_project(&self, org: &str, project: Project) -> Result<(), ApiError>;

    /// Inserts a running entry unless its user already has one running (`conflict`).
    fn start_entry(&self, entry: EntryRecord) -> Result<(), ApiError>;
    /// Stops the user's running entry; `None` when nothing runs.
    fn stop_entry(&self, user_id: &str, at: SystemTime) -> Option<EntryRecord>;
    /// The user's entries, newest (highest seq) first.
    fn user_entries(&self, user_id: &str) -> Vec<EntryRecord>;
    /// Marks the project's billable, stopped, not yet invoiced entries started on a day in
    /// `from_day..=to_day` (days since the epoch) as invoiced and returns them, oldest first.
    fn claim_billable(
        &self,
        org: &str,
        project_id: &str,
        from_day: i64,
        to_day: i64,
    ) -> Vec<EntryRecord>;

    /// The org's tasks, by id.
    fn tasks(&self, org: &str) -> Vec<Task>;
    fn task(&self, org: &str, id: &str) -> Option<Task>;
    fn insert_task(&self, org: &str, task: Task);
    /// Applies `change` to the task under the store's lock and returns the result; `None` when
    /// the org has no such task. An error from `change` leaves the task as it was.
    fn update_task(
        &self,
        org: &str,
        id: &str,
        change: &mut dyn FnMut(&mut Task) -> Result<(), ApiError>,
    ) -> Option<Result<Task, ApiError>>;
    /// Removes the task; `false` when the org has no such task.
    fn delete_task(&self, org: &str, id: &str) -> bool;

    fn push_message(&self, org: &str, message: Message);
    /// The room's last `limit` messages, oldest first.
    fn messages(&self, org: &str, room: &str, limit: usize) -> Vec<Message>;

    /// The next invoice number of the org (1, 2, ...).
    fn next_invoice_number(&self, org: &str) -> u32;
    fn insert_invoice(&self, org: &str, invoice: Invoice);

    fn push_notification(&self, notification: Notification);
    /// The user's notifications, newest first.
    fn notifications(&self, user_id: &str) -> Vec<Notification>;
    /// Marks the user's notifications read and returns how many were unread. If any id is not a
    /// notification of the user, nothing changes and the unknown ids come back as the error.
    fn mark_read(&self, user_id: &str, ids: &[String]) -> Result<u32, Vec<String>>;
}

#[derive(Default)]
struct Data {
    counters: HashMap<IdKind, u64>,
    /// (org, project)
    projects: Vec<(String, Project)>,
    entries: Vec<EntryRecord>,
    tasks: Vec<(String, Task)>,
    /// (org, room) → messages, oldest first
    rooms: HashMap<(String, String), Vec<Message>>,
    invoice_numbers: HashMap<String, u32>,
    invoices: Vec<(String, Invoice)>,
    notifications: Vec<Notification>,
}

/// A [`Store`] in memory behind one mutex (never held across an `.await`).
#[derive(Default)]
pub struct MemoryStore {
    data: Mutex<Data>,
}

impl MemoryStore {
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    fn data(&self) -> MutexGuard<'_, Data> {
        self.data.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn by_id_seq<T>(items: &mut [T], id: impl Fn(&T) -> &str) {
    items.sort_by_key(|t| id_seq(id(t)).unwrap_or(u64::MAX));
}

impl Store for MemoryStore {
    fn next_id(&self, kind: IdKind) -> String {
        let mut data = self.data();
        let n = data.counters.entry(kind).or_insert(0);
        *n += 1;
        format!("{}_{}", kind.prefix(), n)
    }

    fn projects(&self, org: &str) -> Vec<Project> {
        let mut list: Vec<Project> = self
            .data()
            .projects
            .iter()
            .filter(|(o, _)| o == org)
            .map(|(_, p)| p.clone())
            .collect();
        by_id_seq(&mut list, |p| &p.id);
        list
    }

    fn project(&self, org: &str, id: &str) -> Option<Project> {
        self.data()
            .projects
            .iter()
            .find(|(o, p)| o == org && p.id == id)
            .map(|(_, p)| p.clone())
    }

    fn insert_project(&self, org: &str, project: Project) -> Result<(), ApiError> {
        let mut data = self.data();
        let wanted = project.name.trim().to_lowercase();
        if let Some((_, existing)) = data
            .projects
            .iter()
            .find(|(o, p)| o == org && p.name.trim().to_lowercase() == wanted)
        {
            return Err(ApiError::conflict(format!(
                "a project named `{}` already exists ({})",
                existing.name, existing.id
            )));
        }
        data.projects.push((org.to_owned(), project));
        Ok(())
    }

    fn start_entry(&self, entry: EntryRecord) -> Result<(), ApiError> {
        let mut data = self.data();
        if let Some(running) = data
            .entries
            .iter()
            .find(|e| e.user_id == entry.user_id && e.stopped_at.is_none())
        {
            return Err(ApiError::conflict(format!(
                "a timer is already running ({} on {}); stop it first",
                running.id, running.project_id
            )));
        }
        data.entries.push(entry);
        Ok(())
    }

    fn stop_entry(&self, user_id: &str, at: SystemTime) -> Option<EntryRecord> {
        let mut data = self.data();
        let entry = data
            .entries
            .iter_mut()
            .find(|e| e.user_id == user_id && e.stopped_at.is_none())?;
        entry.stopped_at = Some(at.max(entry.started_at));
        Some(entry.clone())
    }

    fn user_entries(&self, user_id: &str) -> Vec<EntryRecord> {
        let mut list: Vec<EntryRecord> = self
            .data()
            .entries
            .iter()
            .filter(|e| e.user_id == user_id)
            .cloned()
            .collect();
        list.sort_by_key(|e| std::cmp::Reverse(e.seq));
        list
    }

    fn claim_billable(
        &self,
        org: &str,
        project_id: &str,
        from_day: i64,
        to_day: i64,
    ) -> Vec<EntryRecord> {
        let mut data = self.data();
        let mut claimed = Vec::new();
        for e in data.entries.iter_mut() {
            let day = super::clock::day_of(e.started_at);
            if e.org_id == org
                && e.project_id == project_id
                && e.billable
                && e.stopped_at.is_some()
                && !e.invoiced
                && (from_day..=to_day).contains(&day)
            {
                e.invoiced = true;
                claimed.push(e.clone());
            }
        }
        claimed.sort_by_key(|e| e.seq);
        claimed
    }

    fn tasks(&self, org: &str) -> Vec<Task> {
        let mut list: Vec<Task> = self
            .data()
            .tasks
            .iter()
            .filter(|(o, _)| o == org)
            .map(|(_, t)| t.clone())
            .collect();
        by_id_seq(&mut list, |t| &t.id);
        list
    }

    fn task(&self, org: &str, id: &str) -> Option<Task> {
        self.data()
            .tasks
            .iter()
            .find(|(o, t)| o == org && t.id == id)
            .map(|(_, t)| t.clone())
    }

    fn insert_task(&self, org: &str, task: Task) {
        self.data().tasks.push((org.to_owned(), task));
    }

    fn update_task(
        &self,
        org: &str,
        id: &str,
        change: &mut dyn FnMut(&mut Task) -> Result<(), ApiError>,
    ) -> Option<Result<Task, ApiError>> {
        let mut data = self.data();
        let (_, task) = data
            .tasks
            .iter_mut()
            .find(|(o, t)| o == org && t.id == id)?;
        let mut draft = task.clone();
        Some(change(&mut draft).map(|()| {
            *task = draft.clone();
            draft
        }))
    }

    fn delete_task(&self, org: &str, id: &str) -> bool {
        let mut data = self.data();
        let before = data.tasks.len();
        data.tasks.retain(|(o, t)| !(o == org && t.id == id));
        data.tasks.len() != before
    }

    fn push_message(&self, org: &str, message: Message) {
        self.data()
            .rooms
            .entry((org.to_owned(), message.room.clone()))
            .or_default()
            .push(message);
    }

    fn messages(&self, org: &str, room: &str, limit: usize) -> Vec<Message> {
        let data = self.data();
        let Some(list) = data.rooms.get(&(org.to_owned(), room.to_owned())) else {
            return Vec::new();
        };
        list[list.len().saturating_sub(limit)..].to_vec()
    }

    fn next_invoice_number(&self, org: &str) -> u32 {
        let mut data = self.data();
        let n = data.invoice_numbers.entry(org.to_owned()).or_insert(0);
        *n += 1;
        *n
    }

    fn insert_invoice(&self, org: &str, invoice: Invoice) {
        self.data().invoices.push((org.to_owned(), invoice));
    }

    fn push_notification(&self, notification: Notification) {
        self.data().notifications.push(notification);
    }

    fn notifications(&self, user_id: &str) -> Vec<Notification> {
        let mut list: Vec<Notification> = self
            .data()
            .notifications
            .iter()
            .filter(|n| n.user_id == user_id)
            .cloned()
            .collect();
        by_id_seq(&mut list, |n| &n.id);
        list.reverse();
        list
    }

    fn mark_read(&self, user_id: &str, ids: &[String]) -> Result<u32, Vec<String>> {
        let mut data = self.data();
        let missing: Vec<String> = ids
            .iter()
            .filter(|id| {
                !data
                    .notifications
                    .iter()
                    .any(|n| &n.id == *id && n.user_id == user_id)
            })
            .cloned()
            .collect();
        if !missing.is_empty() {
            return Err(missing);
        }
        let mut updated = 0;
        for n in data.notifications.iter_mut() {
            if n.user_id == user_id && !n.read && ids.contains(&n.id) {
                n.read = true;
                updated += 1;
            }
        }
        Ok(updated)
    }
}

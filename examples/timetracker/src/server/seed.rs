//! The data every server starts with: two orgs, three users, a few projects, tasks, time
//! entries (January 2025, so there is something to invoice), a chat message and a notification.

use crate::api::*;

use super::auth::{Role, User};
use super::clock;
use super::store::{id_seq, EntryRecord, IdKind, Store};

pub(crate) fn users() -> Vec<User> {
    let user = |id: &str, org: &str, name: &str, role| User {
        id: id.into(),
        org_id: org.into(),
        name: name.into(),
        role,
    };
    vec![
        user("usr_alice", "org_acme", "Alice Archer", Role::Admin),
        user("usr_bob", "org_acme", "Bob Baker", Role::Member),
        user("usr_carol", "org_globex", "Carol Chen", Role::Admin),
    ]
}

fn money(amount_cents: i64, currency: Currency) -> Money {
    Money {
        amount_cents,
        currency,
    }
}

pub(crate) fn data(store: &dyn Store) {
    let created = clock::rfc3339(clock::at(2025, 1, 2, 9, 0));
    // ids are handed out in this order (projects, tasks, entries, message, notification): the
    // welcome notification names `task_2`
    let project_ids = projects(store, &created);
    let pid = |i: usize| project_ids.get(i).cloned().unwrap_or_default();
    tasks(store, &created, &pid);
    entries(store, &pid);
    welcome(store, created);
}

/// Four projects, one archived; their ids in order.
fn projects(store: &dyn Store, created: &str) -> Vec<String> {
    let projects = [
        (
            "org_acme",
            "Website relaunch",
            Some("Acme Retail"),
            money(9_500, Currency::EUR),
            false,
        ),
        (
            "org_acme",
            "Mobile app",
            None,
            money(12_000, Currency::USD),
            false,
        ),
        (
            "org_acme",
            "Legacy support",
            Some("Acme Retail"),
            money(6_000, Currency::EUR),
            true,
        ),
        (
            "org_globex",
            "Warehouse robots",
            Some("Globex Logistics"),
            money(11_000, Currency::GBP),
            false,
        ),
    ];
    let mut project_ids = Vec::new();
    for (org, name, client, rate, archived) in projects {
        let project = Project {
            id: store.next_id(IdKind::Project),
            name: name.into(),
            client: client.map(Into::into),
            hourly_rate: HourlyRate {
                amount_cents: rate.amount_cents,
                currency: rate.currency,
            },
            archived,
            created_at: created.to_owned(),
        };
        project_ids.push(project.id.clone());
        // names are distinct, so this cannot conflict
        let _ = store.insert_project(org, project);
    }
    project_ids
}

fn tasks(store: &dyn Store, created: &str, pid: &dyn Fn(usize) -> String) {
    let tasks = [
        (
            "org_acme",
            pid(0),
            "Design the landing page",
            TaskStatus::InProgress,
            Some("usr_alice"),
            Some(240),
            vec!["design"],
        ),
        (
            "org_acme",
            pid(0),
            "Migrate the blog",
            TaskStatus::Todo,
            Some("usr_bob"),
            Some(480),
            vec!["content"],
        ),
        (
            "org_acme",
            pid(1),
            "Offline mode",
            TaskStatus::Todo,
            None,
            None,
            vec![],
        ),
        (
            "org_globex",
            pid(3),
            "Calibrate the arm",
            TaskStatus::Todo,
            Some("usr_carol"),
            Some(90),
            vec!["hardware"],
        ),
    ];
    for (org, project_id, title, status, assignee, estimate, labels) in tasks {
        store.insert_task(
            org,
            Task {
                id: store.next_id(IdKind::Task),
                project_id,
                title: title.into(),
                description: None,
                status,
                assignee_id: assignee.map(Into::into),
                estimate_minutes: estimate,
                labels: labels.into_iter().map(Into::into).collect(),
                updated_at: created.to_owned(),
            },
        );
    }
}

/// Time entries in January 2025, so there is something to invoice.
fn entries(store: &dyn Store, pid: &dyn Fn(usize) -> String) {
    // (org, user, project, description, billable, day, from (h, m), to (h, m))
    let entries = [
        (
            "org_acme",
            "usr_alice",
            pid(0),
            "Landing page wireframes",
            true,
            6,
            (9, 0),
            (11, 30),
        ),
        (
            "org_acme",
            "usr_alice",
            pid(0),
            "Client call",
            true,
            7,
            (14, 0),
            (14, 45),
        ),
        (
            "org_acme",
            "usr_bob",
            pid(0),
            "Internal sync",
            false,
            7,
            (10, 0),
            (10, 30),
        ),
        (
            "org_globex",
            "usr_carol",
            pid(3),
            "Arm firmware",
            true,
            8,
            (8, 0),
            (12, 0),
        ),
    ];
    for (org, user, project_id, description, billable, day, from, to) in entries {
        let id = store.next_id(IdKind::Entry);
        let _ = store.start_entry(EntryRecord {
            seq: id_seq(&id).unwrap_or(0),
            id,
            org_id: org.into(),
            user_id: user.into(),
            project_id,
            description: description.into(),
            billable,
            started_at: clock::at(2025, 1, day, from.0, from.1),
            stopped_at: Some(clock::at(2025, 1, day, to.0, to.1)),
            invoiced: false,
        });
    }
}

/// A chat message in Acme's `general` room and a notification for Bob.
fn welcome(store: &dyn Store, created: String) {
    store.push_message(
        "org_acme",
        Message {
            id: store.next_id(IdKind::Message),
            room: "general".into(),
            author_id: "usr_alice".into(),
            body: MessageBody::Text {
                text: "Welcome to Acme's time tracker!".into(),
            },
            sent_at: created.clone(),
        },
    );
    store.push_notification(Notification {
        id: store.next_id(IdKind::Notification),
        user_id: "usr_bob".into(),
        kind: NotificationKind::TaskAssigned,
        title: "Alice Archer assigned you \"Migrate the blog\" (task_2)".into(),
        read: false,
        created_at: created,
    });
}

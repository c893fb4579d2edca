//! TRCR, a WebSocket-first time tracker with a REST fallback: frameproof's reference system.
//!
//! `api` holds the contract's types (what a user of frameproof writes); [`contract`] assembles
//! them into the contract document checked in as `examples/timetracker/contract.json`.

pub mod api;
pub mod server;

use frameproof::{AuthMethod, Contract, ControlKind, Envelope, VersionMethod, Versioning};

/// The WebSocket close code for a connection whose credentials are missing or invalid.
/// The server's other close codes are in [`server`] (4408 heartbeat, 4503 slow consumer).
pub const CLOSE_UNAUTHORIZED: u16 = 4401;

/// The reference system's contract.
pub fn contract() -> Contract {
    use api::*;
    Contract::builder("trcr", "1.2.0")
        .description("TRCR time tracker: timers, projects, tasks, chat, invoices and notifications over one WebSocket, with a REST twin.")
        // the auth frame may name the version the client speaks (`versioning` below):
        // `{"type": "auth", "token": "...", "version": "1.1.0"}`
        .envelope(Envelope::frameproof().allow_control_member(
            ControlKind::Auth,
            "version",
            serde_json::json!({ "type": "string", "minLength": 1 }),
        ))
        // the server refuses a topic no event is published on: say so in the subscribe frame
        .topics_from_events()
        .configure_transport(|t| {
            t.websocket.path = "/ws".into();
            t.websocket.max_frame_bytes = Some(1 << 20);
            t.rest.base_path = "/api".into();
            t.auth.methods = vec![
                AuthMethod::Query { param: "token".into() },
                AuthMethod::FirstMessage { timeout_ms: 5_000 },
            ];
            t.auth.expired_event = Some("TokenExpired".into());
            t.auth.refresh_action = Some("auth.refresh".into());
            t.auth.close_code = Some(CLOSE_UNAUTHORIZED);
            // clients name the contract version they were built against: `?v=1.1.0`
            t.versioning = Some(Versioning {
                methods: vec![
                    VersionMethod::Query { param: "v".into() },
                    VersionMethod::AuthFrame { pointer: "/version".into() },
                ],
            });
        })
        .error("nothing_to_invoice", 422, "The period has no billable time to invoice.")
        .action::<StartTimer>()
        .action::<StopTimer>()
        .action::<ListTimeEntries>()
        .action::<ListProjects>()
        .action::<GetProject>()
        .action::<CreateProject>()
        .action::<CreateTask>()
        .action::<UpdateTask>()
        .action::<DeleteTask>()
        .action::<ListTasks>()
        .action::<SendMessage>()
        .action::<ChatHistory>()
        .action::<CreateInvoice>()
        .action::<ListNotifications>()
        .action::<MarkNotificationsRead>()
        .action::<RefreshToken>()
        .event::<TimeEntryStarted>()
        .event::<TimeEntryStopped>()
        .event::<ProjectCreated>()
        .event::<TaskCreated>()
        .event::<TaskUpdated>()
        .event::<TaskDeleted>()
        .event::<ChatMessage>()
        .event::<InvoiceCreated>()
        .event::<NotificationCreated>()
        .event::<TokenExpired>()
        .build()
        .unwrap_or_else(|e| panic!("the reference contract is unsound: {e}"))
}

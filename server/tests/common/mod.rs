//! A small notes service on frameproof-server, and a WebSocket client, for the tests.

#![allow(dead_code, unused_imports)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use frameproof::{Action, Contract, Event};
use frameproof_server::{Ctx, Error, Principal, Service, ServiceBuilder};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub(crate) use frameproof_test_kit::ws::WAIT;

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub(crate) struct Note {
    pub id: String,
    pub text: String,
    pub author: String,
}

/// Write a note (its org hears `NoteCreated`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "notes.create", response = Note, emits(NoteCreated))]
pub(crate) struct CreateNote {
    #[schemars(length(min = 1))]
    pub text: String,
}

/// Read a note.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "notes.get", response = Note, errors(not_found))]
pub(crate) struct GetNote {
    pub id: String,
}

/// Change a note's text (its topic's subscribers hear `NoteEdited`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "notes.edit", response = Note, errors(not_found), emits(NoteEdited))]
pub(crate) struct EditNote {
    pub id: String,
    pub text: String,
}

/// A note was written in the org.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Event)]
#[event(name = "NoteCreated", scope = "tenant")]
pub(crate) struct NoteCreated {
    pub note: Note,
}

/// A note's text changed.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Event)]
#[event(name = "NoteEdited", topic = "note:{id}")]
pub(crate) struct NoteEdited {
    pub id: String,
    pub text: String,
}

pub(crate) fn contract() -> Contract {
    Contract::builder("notes", "1.0.0")
        .action::<CreateNote>()
        .action::<GetNote>()
        .action::<EditNote>()
        .event::<NoteCreated>()
        .event::<NoteEdited>()
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// tokens → principals: alice and bob in org_1, carol in org_2.
pub(crate) fn principal_of(token: &str) -> Option<Principal> {
    match token {
        "t-alice" => Some(Principal::new("alice").in_tenant("org_1")),
        "t-bob" => Some(Principal::new("bob").in_tenant("org_1")),
        "t-carol" => Some(Principal::new("carol").in_tenant("org_2")),
        _ => None,
    }
}

pub(crate) type Store = Arc<Mutex<HashMap<String, Note>>>;

/// The notes service: three handlers, the token hook, topics only for their org's notes.
pub(crate) fn notes_service(store: Store) -> ServiceBuilder {
    notes_handlers(Service::builder(contract()), store)
}

/// The notes service's handlers and token hook on a builder (of a contract holding the notes
/// actions and perhaps more).
pub(crate) fn notes_handlers(builder: ServiceBuilder, store: Store) -> ServiceBuilder {
    let (s1, s2, s3) = (store.clone(), store.clone(), store);
    builder
        .handle(move |ctx: Ctx, req: CreateNote| {
            let store = s1.clone();
            async move {
                let author = ctx.principal().map(|p| p.id.clone()).unwrap_or_default();
                let note = {
                    let mut notes = store.lock().unwrap_or_else(|e| e.into_inner());
                    let note = Note {
                        id: format!("n{}", notes.len() + 1),
                        text: req.text,
                        author,
                    };
                    notes.insert(note.id.clone(), note.clone());
                    note
                };
                ctx.emit(&NoteCreated { note: note.clone() }).await?;
                Ok(note)
            }
        })
        .handle(move |_ctx: Ctx, req: GetNote| {
            let store = s2.clone();
            async move {
                let notes = store.lock().unwrap_or_else(|e| e.into_inner());
                notes
                    .get(&req.id)
                    .cloned()
                    .ok_or_else(|| Error::not_found(format!("no note `{}`", req.id)))
            }
        })
        .handle(move |ctx: Ctx, req: EditNote| {
            let store = s3.clone();
            async move {
                let note = {
                    let mut notes = store.lock().unwrap_or_else(|e| e.into_inner());
                    let note = notes
                        .get_mut(&req.id)
                        .ok_or_else(|| Error::not_found(format!("no note `{}`", req.id)))?;
                    note.text = req.text.clone();
                    note.clone()
                };
                ctx.emit(&NoteEdited {
                    id: note.id.clone(),
                    text: note.text.clone(),
                })
                .await?;
                Ok(note)
            }
        })
        .authenticate(|token: String| async move { principal_of(&token) })
}

/// Serves a router on a free loopback port.
pub(crate) async fn serve(router: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    addr
}

/// A client connection (frameproof-test-kit's) that keeps every frame it sent and received,
/// in order, in `log`.
pub(crate) struct Client(pub frameproof_test_kit::ws::Client);

impl Client {
    pub(crate) async fn connect(url: &str) -> Client {
        Client(frameproof_test_kit::ws::Client::connect(url).await)
    }

    /// The next text frame (`Err`: the connection closed, with its close code if any).
    pub(crate) async fn next(&mut self) -> Result<Value, Option<u16>> {
        self.0.next().await.map_err(|ended| ended.code())
    }
}

impl std::ops::Deref for Client {
    type Target = frameproof_test_kit::ws::Client;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for Client {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

/// What the validator says about a client's whole conversation.
pub(crate) fn violations(
    contract: &Contract,
    log: &[(frameproof::Direction, String)],
) -> Vec<String> {
    let validator = frameproof_validator::Validator::new(contract).expect("compiles");
    let mut session = validator.session();
    let mut out = Vec::new();
    for (d, text) in log {
        out.extend(session.observe(*d, text.as_bytes()));
    }
    out.extend(session.finish());
    out.iter()
        .map(|v| format!("{} {} {}", v.rule, v.pointer, v.message))
        .collect()
}

pub(crate) use frameproof_test_kit::{free_port, Server as Redis};

/// Debian's redis-server on `port`, for as long as the value lives.
pub(crate) fn redis_server(port: u16) -> Redis {
    let bin = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .unwrap_or_else(|| {
            panic!("redis-server is missing: install Debian's redis-server (scripts/test.sh does)")
        });
    let mut command = Command::new(bin);
    command.args([
        "--port",
        &port.to_string(),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
    ]);
    frameproof_test_kit::start_server("redis-server", command, port, Duration::from_secs(10))
}

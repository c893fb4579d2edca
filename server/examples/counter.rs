//! A complete service on frameproof-server (docs/server.md shows this file).
use frameproof::{Action, Contract, Event};
use frameproof_server::{Ctx, Error, Principal, Service};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// Add to the org's counter.
#[derive(Serialize, Deserialize, JsonSchema, Action)]
#[action(name = "counter.add", response = i64, emits(CounterChanged), errors(conflict))]
pub struct Add {
    pub by: i64,
}

/// The org's counter changed.
#[derive(Serialize, Deserialize, JsonSchema, Event)]
#[event(name = "CounterChanged", scope = "tenant")]
pub struct CounterChanged {
    pub value: i64,
}

pub fn contract() -> Contract {
    Contract::builder("counter", "1.0.0")
        .action::<Add>()
        .event::<CounterChanged>()
        .build()
        .expect("a sound contract")
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let counter = Arc::new(AtomicI64::new(0));
    let service = Service::builder(contract())
        .handle(move |ctx: Ctx, req: Add| {
            let counter = counter.clone();
            async move {
                if req.by == 0 {
                    return Err(Error::new("conflict", "adding 0 changes nothing"));
                }
                let value = counter.fetch_add(req.by, Ordering::Relaxed) + req.by;
                ctx.emit(&CounterChanged { value }).await?;
                Ok(value)
            }
        })
        .authenticate(|token: String| async move {
            (token == "secret").then(|| Principal::new("ada").in_tenant("org_1"))
        })
        .build()?;
    // WebSocket at /ws?token=secret, REST at POST /api/counter/add (Authorization: Bearer secret)
    let listener = tokio::net::TcpListener::bind("127.0.0.1:8090").await?;
    axum::serve(listener, service.router()).await?;
    Ok(())
}

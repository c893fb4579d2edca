//! A connection receives events from the moment its handshake is answered. Before, it was
//! registered for events only when its socket task first ran, after the 101 had gone out: an
//! event emitted right after a client's handshake completed could miss it (seen as a flaky
//! `InvoiceCreated: did not arrive` when conformance replayed over REST on a loaded machine).

mod common;

use std::sync::{Arc, Mutex};

use common::{notes_service, serve, Client};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_right_after_the_handshake_arrives() {
    let store = Arc::new(Mutex::new(Default::default()));
    let service = notes_service(store).build().expect("a complete service");
    let addr = serve(service.router()).await;
    let http = reqwest::Client::new();
    for i in 0..200 {
        let mut bob = Client::connect(&format!("ws://{addr}/ws?token=t-bob")).await;
        let created = http
            .post(format!("http://{addr}/api/notes"))
            .bearer_auth("t-alice")
            .json(&json!({"text": format!("note {i}")}))
            .send()
            .await
            .expect("REST answers");
        assert_eq!(created.status(), 200);
        let event = bob.next().await;
        assert!(
            event
                .as_ref()
                .is_ok_and(|e| e["event"] == "NoteCreated"
                    && e["data"]["note"]["text"] == format!("note {i}")),
            "round {i}: the connection missed the event sent right after its handshake: {event:?}"
        );
    }
}

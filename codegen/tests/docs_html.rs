//! The HTML reference: self-contained (no external URL), deterministic, and in headless
//! Chromium (Debian's, driven by playwright-core) it names every action and event, its search
//! filters, it makes no network request, and its screenshots are not trivial (written under the
//! crate's target tmp dir: `frameproof-codegen/docs/docs.png`).

mod common;

use serde_json::json;
use timetracker::server::{start, Fault, ServerConfig};

#[test]
fn html_reference_is_self_contained_and_deterministic() {
    let contract = common::reference_contract();
    let html = frameproof_codegen::html_reference(&contract);
    assert_eq!(html, frameproof_codegen::html_reference(&contract));
    for bad in ["src=\"http", "href=\"http", "@import", "url(http", "<link "] {
        assert!(!html.contains(bad), "the page loads something: {bad}");
    }
    for name in contract.actions.keys().chain(contract.events.keys()) {
        assert!(html.contains(&format!(">{name}<")), "{name} is missing");
    }
    assert!(html.contains("POST</span>/api/time-entries/start"));
    assert!(
        html.contains("&quot;action&quot;: &quot;time_entries.start&quot;"),
        "an example frame"
    );
    assert!(html.contains("since 1.1.0"));
    assert!(html.contains("topic task:{task_id}"));
}

#[test]
fn html_reference_in_headless_chromium() {
    let chromium = common::chromium();
    let contract = common::reference_contract();
    let dir = common::fresh_dir("docs");
    let page = dir.join("index.html");
    std::fs::write(&page, frameproof_codegen::html_reference(&contract))
        .unwrap_or_else(|e| panic!("write the page: {e}"));
    let expect = json!({
        "actions": contract.actions.keys().collect::<Vec<_>>(),
        "events": contract.events.keys().collect::<Vec<_>>(),
    });
    let out = common::node_script(
        "docs-check.mjs",
        &[&page.display().to_string(), &dir.display().to_string()],
        &[
            ("FP_CHROMIUM", chromium.display().to_string()),
            ("FP_EXPECT", expect.to_string()),
        ],
    );
    let report = String::from_utf8_lossy(&out.stdout);
    println!("{report}");
    let size = std::fs::metadata(dir.join("docs.png"))
        .map(|m| m.len())
        .unwrap_or(0);
    assert!(size > 30_000, "docs.png is {size} bytes");
}

/// The console in headless Chromium against the reference server: nothing reaches the network
/// before connect; `projects.list` and `projects.create` are answered and found conforming;
/// a second page (bob) sees the `ProjectCreated` broadcast; against a server with the
/// response-shape fault, the `time_entries.start` response is flagged at `/data/started_at`.
/// Screenshots: `frameproof-codegen/docs-console/console-*.png` under the target tmp dir.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn console_against_the_reference_server() {
    let chromium = common::chromium();
    common::ensure_node();
    let contract = common::reference_contract();
    let dir = common::fresh_dir("docs-console");
    let page = dir.join("index.html");
    std::fs::write(&page, frameproof_codegen::html_reference(&contract))
        .unwrap_or_else(|e| panic!("write the page: {e}"));
    let faithful = start(ServerConfig {
        port: 0,
        fixed_credentials: true,
        wrap_app: Some(cross_origin_for_files()),
        ..ServerConfig::default()
    })
    .await
    .unwrap_or_else(|e| panic!("start the reference server: {e}"));
    let faulty = start(ServerConfig {
        port: 0,
        fixed_credentials: true,
        faults: vec![Fault::ResponseShape],
        wrap_app: Some(cross_origin_for_files()),
        ..ServerConfig::default()
    })
    .await
    .unwrap_or_else(|e| panic!("start the faulty server: {e}"));
    let env = vec![
        ("FP_CHROMIUM", chromium.display().to_string()),
        ("FP_WS_URL", faithful.ws_url()),
        ("FP_HTTP_URL", faithful.http_url()),
        ("FP_FAULTY_WS_URL", faulty.ws_url()),
        ("FP_FAULTY_HTTP_URL", faulty.http_url()),
        ("FP_ALICE_TOKEN", "at_fixed_usr_alice".to_owned()),
        ("FP_BOB_TOKEN", "at_fixed_usr_bob".to_owned()),
    ];
    let args = [page.display().to_string(), dir.display().to_string()];
    let out = tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        common::node_script("docs-console.mjs", &args, &env)
    })
    .await
    .unwrap_or_else(|e| panic!("running node: {e}"));
    let report = String::from_utf8_lossy(&out.stdout);
    println!("{report}");
    assert!(report.contains("\"failures\": []"), "{report}");
    for shot in ["console-alice.png", "console-bob.png", "console-fault.png"] {
        let size = std::fs::metadata(dir.join(shot))
            .map(|m| m.len())
            .unwrap_or(0);
        assert!(size > 10_000, "{shot} is {size} bytes");
    }
    faithful.shutdown().await;
    faulty.shutdown().await;
}

/// What a server must allow for the console's REST button: a page opened from a file is of
/// origin `null`, and its calls carry a bearer token and a JSON body (so are preflighted).
fn cross_origin_for_files() -> timetracker::server::WrapApp {
    use axum::http::{header, HeaderValue, Method};
    use tower_http::cors::{AllowOrigin, CorsLayer};
    timetracker::server::WrapApp::new(|app| {
        app.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::exact(HeaderValue::from_static("null")))
                .allow_methods([
                    Method::GET,
                    Method::POST,
                    Method::PATCH,
                    Method::PUT,
                    Method::DELETE,
                ])
                .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE]),
        )
    })
}

/// Examples: a schema's own `examples` win over generated values, an ok response echoes its
/// request's members, and with transcripts the first recorded frames are shown.
#[test]
fn html_reference_examples() {
    let mut contract = common::reference_contract();
    let generated = frameproof_codegen::html_reference(&contract);
    let name = contract
        .defs
        .get_mut("CreateProject")
        .and_then(|d| d.pointer_mut("/properties/name"))
        .and_then(serde_json::Value::as_object_mut)
        .unwrap_or_else(|| panic!("the contract has CreateProject.name"));
    name.insert("examples".into(), json!(["Harbour bridge survey"]));
    let html = frameproof_codegen::html_reference(&contract);
    assert!(!generated.contains("Harbour bridge survey"));
    let card = card_of(&html, "action-projects.create");
    assert_eq!(
        card.matches("&quot;name&quot;: &quot;Harbour bridge survey&quot;")
            .count(),
        4,
        "the example in the WebSocket request and response, the REST body and the REST response: {card}"
    );
    assert!(card.contains("<th>constraints</th>"), "column headers");
    assert!(card.contains("<span class=\"constraint\">min length 1</span>"));
    assert!(card.contains("class=\"copy\""), "copy buttons");

    let contract = common::reference_contract();
    let dir = common::workspace_dir().join("examples/timetracker/transcripts");
    let recorded = frameproof_codegen::RecordedExamples::from_dir(&contract, &dir)
        .unwrap_or_else(|e| panic!("read the transcripts: {e}"));
    assert!(recorded.skipped.is_empty(), "{:?}", recorded.skipped);
    let html = frameproof_codegen::html_reference_with(&contract, &recorded);
    assert_eq!(
        html,
        frameproof_codegen::html_reference_with(&contract, &recorded)
    );
    let start = card_of(&html, "action-time_entries.start");
    assert!(
        start.contains("&quot;description&quot;: &quot;API integration&quot;"),
        "the recorded payload: {start}"
    );
    let list = card_of(&html, "action-projects.list");
    assert!(list.contains("Website relaunch"), "the recorded response");
    let event = card_of(&html, "event-TimeEntryStarted");
    assert!(
        event.contains("&quot;org_id&quot;: &quot;org_acme&quot;"),
        "the recorded event"
    );
}

/// The text of the `<article>` with that id.
fn card_of<'h>(html: &'h str, id: &str) -> &'h str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no card {id}"));
    let end = html[start..]
        .find("</article>")
        .map_or(html.len(), |e| start + e);
    &html[start..end]
}

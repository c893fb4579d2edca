//! The HTML reference: self-contained (no external URL), deterministic, and in headless
//! Chromium (Debian's, driven by playwright-core) it names every action and event, its search
//! filters, it makes no network request, and its screenshots are not trivial (written under the
//! crate's target tmp dir: `frameproof-codegen/docs/docs.png`).

mod common;

use serde_json::json;

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

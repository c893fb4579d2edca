//! docs/server.md shows the complete example service as it is in `server/examples/counter.rs`
//! (which `cargo test` compiles): the page cannot drift from code that builds.

#[test]
fn the_page_shows_the_example_as_it_is() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let example = std::fs::read_to_string(root.join("examples/counter.rs")).expect("the example");
    let page = std::fs::read_to_string(root.join("../docs/server.md")).expect("the page");
    assert!(
        page.contains(&format!("```rust\n{example}```")),
        "docs/server.md does not show server/examples/counter.rs as it is"
    );
    assert!(
        example.lines().count() < 60,
        "the complete service is over 60 lines"
    );
}

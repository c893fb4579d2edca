//! Each format read back by a consumer that does not share our code: JUnit by an XML parser,
//! SARIF by the published SARIF 2.1.0 schema, GitHub commands by the parsing rules of GitHub's
//! runner.

use frameproof_reports::{
    github, junit, sarif, Case, Failure, Finding, Level, Outcome, Report, RuleInfo, Suite, Tool,
};

/// Everything that breaks a naive writer: markup, a CDATA end, quotes, a NUL byte, a
/// non-character XML forbids, line breaks and a tab.
const HOSTILE: &str = "a <b> & \"c\" 'd' ]]> nul:\u{0} fffe:\u{FFFE} cr-lf:\r\n tab:\t end";
/// What a reader gets back: the forbidden characters replaced, the rest as written.
const HOSTILE_READ: &str = "a <b> & \"c\" 'd' ]]> nul:\u{FFFD} fffe:\u{FFFD} cr-lf:\r\n tab:\t end";

fn hostile_report() -> Report {
    let mut failing = Case::new(HOSTILE, "frameproof.test");
    failing.outcome = Outcome::Failed(vec![
        Failure {
            kind: Some("payload.schema".into()),
            message: HOSTILE.into(),
            details: HOSTILE.into(),
        },
        Failure {
            kind: None,
            message: "second".into(),
            details: String::new(),
        },
    ]);
    failing.system_out = Some(HOSTILE.into());
    let mut skipped = Case::new("accepted", "frameproof.test");
    skipped.outcome = Outcome::Skipped {
        message: HOSTILE.into(),
    };
    let mut timed = Case::new("passes", "frameproof.test");
    timed.time = Some(0.25);
    Report {
        name: HOSTILE.into(),
        suites: vec![
            Suite {
                name: HOSTILE.into(),
                cases: vec![failing, skipped, timed],
                time: Some(1.5),
            },
            Suite {
                name: "empty".into(),
                cases: Vec::new(),
                time: None,
            },
        ],
    }
}

#[test]
fn junit_with_hostile_text_is_read_back_by_an_xml_parser() {
    let xml = junit::write(&hostile_report());
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("name"), Some(HOSTILE_READ));
    let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    assert_eq!(suites.len(), 2);
    let suite = suites[0];
    assert_eq!(suite.tag_name().name(), "testsuite");
    assert_eq!(suite.attribute("name"), Some(HOSTILE_READ));
    assert_eq!(suite.attribute("tests"), Some("3"));
    assert_eq!(suite.attribute("failures"), Some("1"));
    assert_eq!(suite.attribute("skipped"), Some("1"));
    assert_eq!(suite.attribute("time"), Some("1.500"));
    let cases: Vec<_> = suite.children().filter(|n| n.is_element()).collect();
    assert_eq!(cases.len(), 3);
    assert_eq!(cases[0].attribute("name"), Some(HOSTILE_READ));
    let failures: Vec<_> = cases[0]
        .children()
        .filter(|n| n.has_tag_name("failure"))
        .collect();
    assert_eq!(failures.len(), 2);
    assert_eq!(failures[0].attribute("type"), Some("payload.schema"));
    assert_eq!(failures[0].attribute("message"), Some(HOSTILE_READ));
    assert_eq!(failures[0].text(), Some(HOSTILE_READ));
    assert_eq!(failures[1].attribute("type"), None);
    let out = cases[0]
        .children()
        .find(|n| n.has_tag_name("system-out"))
        .expect("system-out");
    assert_eq!(out.text(), Some(HOSTILE_READ));
    let skipped = cases[1]
        .children()
        .find(|n| n.has_tag_name("skipped"))
        .expect("skipped");
    assert_eq!(skipped.attribute("message"), Some(HOSTILE_READ));
    assert_eq!(cases[2].attribute("time"), Some("0.250"));
    assert!(!cases[2].has_children());
    assert_eq!(suites[1].attribute("tests"), Some("0"));
}

fn schema() -> serde_json::Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/sarif-schema-2.1.0.json"
    );
    let text = std::fs::read_to_string(path).expect("the SARIF schema");
    serde_json::from_str(&text).expect("the SARIF schema is JSON")
}

fn sarif_validator() -> jsonschema::Validator {
    let schema = schema();
    // the published file declares draft-04; build for the draft it declares, formats checked
    assert_eq!(
        schema["$schema"], "http://json-schema.org/draft-04/schema#",
        "the schema file changed its draft"
    );
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .expect("jsonschema compiles the SARIF schema")
}

fn errors(validator: &jsonschema::Validator, doc: &serde_json::Value) -> Vec<String> {
    validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn tool() -> Tool {
    Tool {
        name: "frameproof".into(),
        version: "0.1.0".into(),
        information_uri: Some("https://example.invalid/frameproof".into()),
        rules: vec![
            RuleInfo {
                id: "payload.schema".into(),
                description: "a request payload that its action's schema rejects".into(),
            },
            RuleInfo {
                id: "response-field-removed".into(),
                description: HOSTILE.into(),
            },
        ],
    }
}

fn findings() -> Vec<Finding> {
    let mut located = Finding::new("payload.schema", Level::Error, HOSTILE);
    located.file = Some("captures/a b:c,d%.jsonl".into());
    located.line = Some(12);
    located.pointer = Some("/payload/status".into());
    located
        .properties
        .insert("connection".into(), "alice".into());
    located.properties.insert("frame".into(), 3.into());
    let mut no_line = Finding::new("response-field-removed", Level::Warning, "removed");
    no_line.file = Some("contract.json".into());
    no_line.pointer = Some(String::new());
    no_line.accepted = Some("clients updated".into());
    let nowhere = Finding::new("version-bump", Level::Note, "needs a major bump");
    vec![located, no_line, nowhere]
}

#[test]
fn sarif_is_valid_against_the_published_schema() {
    let validator = sarif_validator();
    let doc = sarif::value(&tool(), &findings());
    let problems = errors(&validator, &doc);
    assert!(problems.is_empty(), "{problems:#?}\n{doc:#}");
    let text = sarif::write(&tool(), &findings());
    let reread: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(reread, doc);
    // what a code-scanning reader looks at
    let run = &doc["runs"][0];
    assert_eq!(run["tool"]["driver"]["rules"][0]["id"], "payload.schema");
    let first = &run["results"][0];
    assert_eq!(first["ruleId"], "payload.schema");
    assert_eq!(first["ruleIndex"], 0);
    assert_eq!(first["level"], "error");
    assert_eq!(first["message"]["text"], HOSTILE);
    let physical = &first["locations"][0]["physicalLocation"];
    assert_eq!(
        physical["artifactLocation"]["uri"],
        "captures/a%20b%3Ac,d%25.jsonl"
    );
    assert_eq!(physical["region"]["startLine"], 12);
    assert_eq!(
        first["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "/payload/status"
    );
    assert_eq!(first["properties"]["pointer"], "/payload/status");
    assert_eq!(run["results"][1]["suppressions"][0]["kind"], "external");
    assert!(run["results"][1]["locations"][0]
        .get("logicalLocations")
        .is_none());
    assert_eq!(run["results"][1]["properties"]["pointer"], "");
    assert!(run["results"][1]["locations"][0]["physicalLocation"]
        .get("region")
        .is_none());
    assert!(run["results"][2].get("locations").is_none());
    assert!(run["results"][2].get("ruleIndex").is_none());
}

/// A change that makes a SARIF document invalid.
type Breakage = fn(&mut serde_json::Value);

/// The check bites: documents a careless writer could produce are refused by the schema.
#[test]
fn the_sarif_schema_refuses_what_sarif_forbids() {
    let validator = sarif_validator();
    let good = sarif::value(&tool(), &findings());
    assert!(errors(&validator, &good).is_empty());
    let breakages: [(&str, Breakage); 5] = [
        ("an unknown level", |d| {
            d["runs"][0]["results"][0]["level"] = "fatal".into()
        }),
        ("line 0 (an empty region written as a line)", |d| {
            d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
                0.into()
        }),
        ("a message without text", |d| {
            d["runs"][0]["results"][0]["message"] = serde_json::json!({})
        }),
        ("another version", |d| d["version"] = "2.0.0".into()),
        ("a tool without a driver name", |d| {
            d["runs"][0]["tool"]["driver"]
                .as_object_mut()
                .map(|o| o.remove("name"));
        }),
    ];
    for (what, breaks) in breakages {
        let mut doc = good.clone();
        breaks(&mut doc);
        assert!(
            !errors(&validator, &doc).is_empty(),
            "the schema accepted {what}"
        );
    }
}

/// A workflow command as GitHub's runner reads it (`ActionCommand.TryParseV2` in
/// actions/runner): after `::`, the command up to a space, properties split on `,` and on the
/// first `=`, the message after the next `::`; then the escapes undone, `%25` last.
fn runner_parse(line: &str) -> (String, Vec<(String, String)>, String) {
    let rest = line.strip_prefix("::").expect("starts with ::");
    let end = rest.find("::").expect("a second ::");
    let (info, data) = (&rest[..end], &rest[end + 2..]);
    let (command, props) = info.split_once(' ').unwrap_or((info, ""));
    let unescape = |s: &str, property: bool| {
        let mut s = s.replace("%0D", "\r").replace("%0A", "\n");
        if property {
            s = s.replace("%3A", ":").replace("%2C", ",");
        }
        s.replace("%25", "%")
    };
    let props = props
        .split(',')
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_owned(), unescape(v, true)))
        .collect();
    (command.to_owned(), props, unescape(data, false))
}

#[test]
fn github_commands_survive_the_runners_parsing() {
    let file = "dir:with,commas/100%25 done:,.json";
    let message = "50% done: a, b\nsecond line\r\nthird %0A stays text :: not a separator";
    let title = "title: with, punctuation % and C::Path";
    let mut f = Finding::new("payload.schema", Level::Warning, message);
    f.file = Some(file.into());
    f.line = Some(7);
    f.title = Some(title.into());
    let line = github::annotation(&f);
    assert!(!line.contains('\n') && !line.contains('\r'), "{line}");
    let (command, props, data) = runner_parse(&line);
    assert_eq!(command, "warning");
    assert_eq!(
        props,
        vec![
            ("file".to_owned(), file.to_owned()),
            ("line".to_owned(), "7".to_owned()),
            ("title".to_owned(), title.to_owned()),
        ]
    );
    assert_eq!(data, message);

    // the default title, and an accepted error is a notice
    let mut f = Finding::new("rule.id", Level::Error, "m");
    f.accepted = Some("known".into());
    let (command, props, _) = runner_parse(&github::annotation(&f));
    assert_eq!(command, "notice");
    assert_eq!(
        props,
        vec![("title".to_owned(), "frameproof rule.id".to_owned())]
    );
}

#[test]
fn github_escapes_match_the_toolkit() {
    assert_eq!(github::escape_data("%\r\n:,"), "%25%0D%0A:,");
    assert_eq!(github::escape_property("%\r\n:,"), "%25%0D%0A%3A%2C");
    // `%` first: an escape already in the text is not taken for one
    assert_eq!(github::escape_data("%0A"), "%250A");
}

//! A self-contained HTML reference of a contract: one file, inline CSS and JS, no network until
//! the reader connects the console. Every action in its WebSocket and REST forms with example
//! frames, payload and response tables, its errors and emitted events; events with their
//! scopes; the error table; every shared type; versions and deprecations; a search box that
//! filters; and a console that talks to a server and checks what it answers.
//!
//! The page's CSS and scripts are files beside this module (`page.css`, `validate.js`,
//! `reference.js`, `console.js`), included as they are.

mod action;
mod cards;
mod connection;
mod console;
mod examples;
mod text;
mod types;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use frameproof_schema::Contract;

use examples::Examples;
pub use examples::{ExamplesError, RecordedExamples};
use text::{anchor, esc, prose};

const PAGE_CSS: &str = include_str!("page.css");
/// The JSON Schema checker the console uses on every server frame.
const VALIDATE_JS: &str = include_str!("validate.js");
/// Search, copy buttons, "try in the console" links.
const REFERENCE_JS: &str = include_str!("reference.js");
const CONSOLE_JS: &str = include_str!("console.js");

struct Doc<'a> {
    contract: &'a Contract,
    examples: Examples<'a>,
}

/// The HTML reference of a contract, as one self-contained file; examples generated from the
/// schemas.
pub fn html_reference(contract: &Contract) -> String {
    html_reference_with(contract, &RecordedExamples::default())
}

/// The HTML reference, with the examples recorded in transcripts where they have one.
pub fn html_reference_with(contract: &Contract, recorded: &RecordedExamples) -> String {
    let doc = Doc {
        contract,
        examples: Examples::new(contract, recorded),
    };
    let mut nav = String::new();
    let mut main = String::new();
    let _ = write!(
        main,
        "<section data-group=\"connection\"><h2>Connection</h2>{}</section>{}",
        doc.connection(),
        doc.console()
    );
    doc.actions(&mut nav, &mut main);
    doc.events(&mut nav, &mut main);
    main.push_str(&doc.errors());
    doc.types(&mut nav, &mut main);
    page(contract, &nav, &main)
}

fn nav_item(prefix: &str, name: &str, deprecated: bool) -> String {
    format!(
        "<li data-target=\"{}\"{}><a href=\"#{}\">{}</a></li>",
        anchor(prefix, name),
        if deprecated {
            " class=\"deprecated\""
        } else {
            ""
        },
        anchor(prefix, name),
        esc(name)
    )
}

impl Doc<'_> {
    /// The actions, grouped by the part of their name before the first dot.
    fn actions(&self, nav: &mut String, main: &mut String) {
        let mut groups: BTreeMap<&str, Vec<&String>> = BTreeMap::new();
        for name in self.contract.actions.keys() {
            groups
                .entry(name.split('.').next().unwrap_or(name))
                .or_default()
                .push(name);
        }
        for (group, names) in &groups {
            let _ = write!(nav, "<div data-group-nav><h4>{}</h4><ul>", esc(group));
            let _ = write!(
                main,
                "<section data-group=\"{}\"><h2>{} <span class=\"opt\">actions</span></h2>",
                esc(group),
                esc(group)
            );
            for name in names {
                let spec = &self.contract.actions[*name];
                nav.push_str(&nav_item("action", name, spec.deprecated.is_some()));
                main.push_str(&self.action(name, spec));
            }
            nav.push_str("</ul></div>");
            main.push_str("</section>");
        }
    }

    fn events(&self, nav: &mut String, main: &mut String) {
        nav.push_str("<div data-group-nav><h4>events</h4><ul>");
        main.push_str("<section data-group=\"events\"><h2>Events</h2>");
        for (name, spec) in &self.contract.events {
            nav.push_str(&nav_item("event", name, spec.deprecated.is_some()));
            main.push_str(&self.event(name, spec));
        }
        nav.push_str("</ul></div>");
        main.push_str("</section>");
    }

    fn errors(&self) -> String {
        let mut out = String::from("<section data-group=\"errors\"><h2>Errors</h2><article class=\"card\" id=\"errors\" data-search=\"errors codes status");
        for (code, e) in &self.contract.errors {
            let _ = write!(out, " {} {}", esc(code), e.status);
        }
        out.push_str("\"><table><thead><tr><th>code</th><th>HTTP</th><th>any request</th><th>JSON-RPC</th><th>meaning</th></tr></thead><tbody>");
        for (code, e) in &self.contract.errors {
            let _ = write!(
                out,
                "<tr id=\"{}\"><td class=\"code\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                anchor("error", code),
                esc(code),
                e.status,
                if e.any_action { "yes" } else { "" },
                e.rpc_code.map(|n| n.to_string()).unwrap_or_default(),
                prose(&e.description)
            );
        }
        out.push_str("</tbody></table></article></section>");
        out
    }

    fn types(&self, nav: &mut String, main: &mut String) {
        nav.push_str("<div data-group-nav><h4>types</h4><ul>");
        main.push_str("<section data-group=\"types\"><h2>Types</h2>");
        for (name, schema) in &self.contract.defs {
            nav.push_str(&nav_item("type", name, false));
            main.push_str(&self.type_card(name, schema));
        }
        nav.push_str("</ul></div>");
        main.push_str("</section>");
    }
}

/// The whole document around the navigation and the main column.
fn page(contract: &Contract, nav: &str, main: &str) -> String {
    let title = format!("{} {} — API reference", contract.name, contract.version);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"frameproof-codegen\">\n<title>{title}</title>\n<style>\n{PAGE_CSS}</style>\n</head>\n<body>\n<header class=\"top\"><h1>{name}<span class=\"version\">{version}</span></h1>{desc}<div class=\"meta\">frameproof contract · envelope <code>{profile}</code> · {fingerprint}</div></header>\n<div class=\"layout\">\n<nav><input id=\"search\" type=\"search\" placeholder=\"Search… (press /)\" aria-label=\"Search\" autocomplete=\"off\"><div id=\"count\" class=\"count\"></div><div data-group-nav><h4>overview</h4><ul><li data-target=\"connection\"><a href=\"#connection\">connection</a></li><li><a href=\"#console\">console</a></li><li data-target=\"errors\"><a href=\"#errors\">errors</a></li></ul></div>{nav}</nav>\n<main>{main}</main>\n</div>\n<script>\n{VALIDATE_JS}{REFERENCE_JS}{CONSOLE_JS}</script>\n</body>\n</html>\n",
        title = esc(&title),
        name = esc(&contract.name),
        version = esc(&contract.version),
        desc = if contract.description.is_empty() { String::new() } else { prose(&contract.description) },
        profile = esc(&contract.envelope.profile),
        fingerprint = esc(&contract.fingerprint),
    )
}

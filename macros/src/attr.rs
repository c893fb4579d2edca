//! Parsing `#[action(...)]` and `#[event(...)]` into a model. Unknown and repeated keys are
//! reported (with a suggestion for near misses) and parsing goes on, so one compile shows every
//! mistake.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::{Attribute, Ident, LitBool, LitStr, Path, Token, Type};

use crate::ctxt::Ctxt;

/// A value with the span to report it at.
pub(crate) struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

pub(crate) struct Deprecated {
    pub since: Option<Spanned<String>>,
    pub note: String,
}

pub(crate) enum Rest {
    Conventional,
    Disabled,
    Override {
        method: Option<Spanned<String>>,
        path: Option<Spanned<String>>,
    },
}

pub(crate) struct ActionAttrs {
    pub name: Option<Spanned<String>>,
    pub response: Option<Type>,
    pub emits: Vec<Path>,
    pub errors: Vec<Ident>,
    pub since: Option<Spanned<String>>,
    pub deprecated: Option<Deprecated>,
    pub websocket: bool,
    pub rest: Rest,
    pub krate: Option<Path>,
    /// Sent without an id and never answered.
    pub notification: bool,
    /// Needs no credential (a login).
    pub public: bool,
    /// The response's data holds a new subscription's id at this pointer.
    pub opens_subscription: Option<Spanned<String>>,
    /// The payload names the subscription to end at this pointer.
    pub closes_subscription: Option<Spanned<String>>,
}

pub(crate) struct EventAttrs {
    pub name: Option<Spanned<String>>,
    pub scope: Option<Spanned<String>>,
    pub topic: Option<Spanned<String>>,
    /// Where the data carries the id of the subscription the event belongs to.
    pub subscription: Option<Spanned<String>>,
    pub since: Option<Spanned<String>>,
    pub deprecated: Option<Deprecated>,
    pub krate: Option<Path>,
}

const ACTION_KEYS: &[&str] = &[
    "name",
    "response",
    "emits",
    "errors",
    "since",
    "deprecated",
    "websocket",
    "rest",
    "crate",
    "notification",
    "public",
    "opens_subscription",
    "closes_subscription",
];
const EVENT_KEYS: &[&str] = &[
    "name",
    "scope",
    "topic",
    "subscription",
    "since",
    "deprecated",
    "crate",
];
const REST_KEYS: &[&str] = &["method", "path"];
const DEPRECATED_KEYS: &[&str] = &["since", "note"];

/// Remembers which keys were seen, to report a repeated key at its second use.
struct Seen(Vec<String>);

impl Seen {
    fn first_time(&mut self, cx: &Ctxt, meta: &ParseNestedMeta, key: &str, attr: &str) -> bool {
        if self.0.iter().any(|k| k == key) {
            cx.error_spanned_by(
                &meta.path,
                format!("duplicate `{key}` in #[{attr}(...)]; give it once"),
            );
            false
        } else {
            self.0.push(key.to_owned());
            true
        }
    }
}

fn key_of(meta: &ParseNestedMeta) -> String {
    meta.path
        .get_ident()
        .map(|i| i.to_string())
        .unwrap_or_else(|| {
            let path = &meta.path;
            quote::quote!(#path).to_string().replace(' ', "")
        })
}

pub(crate) fn parse_action(cx: &Ctxt, attrs: &[Attribute]) -> Option<ActionAttrs> {
    let mut out = ActionAttrs {
        name: None,
        response: None,
        emits: Vec::new(),
        errors: Vec::new(),
        since: None,
        deprecated: None,
        websocket: true,
        rest: Rest::Conventional,
        krate: None,
        notification: false,
        public: false,
        opens_subscription: None,
        closes_subscription: None,
    };
    let mut found = false;
    let mut seen = Seen(Vec::new());
    for attr in attrs.iter().filter(|a| a.path().is_ident("action")) {
        found = true;
        let result = attr.parse_nested_meta(|meta| {
            let key = key_of(&meta);
            if !ACTION_KEYS.contains(&key.as_str()) {
                unknown(cx, &meta, &key, "action", ACTION_KEYS);
                return skip_value(&meta);
            }
            if !seen.first_time(cx, &meta, &key, "action") {
                return skip_value(&meta);
            }
            match key.as_str() {
                "name" => out.name = Some(lit_str(&meta)?),
                "response" => out.response = Some(meta.value()?.parse()?),
                "emits" => meta.parse_nested_meta(|inner| {
                    out.emits.push(inner.path.clone());
                    Ok(())
                })?,
                "errors" => meta.parse_nested_meta(|inner| {
                    match inner.path.get_ident() {
                        Some(ident) => out.errors.push(ident.clone()),
                        None => cx.error_spanned_by(
                            &inner.path,
                            "an error code is a plain snake_case name, e.g. `not_found`",
                        ),
                    }
                    Ok(())
                })?,
                "since" => out.since = Some(lit_str(&meta)?),
                "deprecated" => out.deprecated = Some(deprecated(cx, &meta)?),
                "websocket" => {
                    let b: LitBool = meta.value()?.parse()?;
                    out.websocket = b.value;
                }
                "rest" => out.rest = rest(cx, &meta)?,
                "crate" => out.krate = Some(lit_str(&meta)?.parse_path()?),
                "notification" => {
                    // `notification` alone, or `notification = true / false`
                    out.notification = if meta.input.peek(syn::Token![=]) {
                        let b: LitBool = meta.value()?.parse()?;
                        b.value
                    } else {
                        true
                    };
                }
                "public" => {
                    // `public` alone, or `public = true / false`
                    out.public = if meta.input.peek(syn::Token![=]) {
                        let b: LitBool = meta.value()?.parse()?;
                        b.value
                    } else {
                        true
                    };
                }
                "opens_subscription" => out.opens_subscription = Some(lit_str(&meta)?),
                "closes_subscription" => out.closes_subscription = Some(lit_str(&meta)?),
                _ => {}
            }
            Ok(())
        });
        if let Err(e) = result {
            cx.syn_error(e);
        }
    }
    found.then_some(out)
}

pub(crate) fn parse_event(cx: &Ctxt, attrs: &[Attribute]) -> EventAttrs {
    let mut out = EventAttrs {
        name: None,
        scope: None,
        topic: None,
        subscription: None,
        since: None,
        deprecated: None,
        krate: None,
    };
    let mut seen = Seen(Vec::new());
    for attr in attrs.iter().filter(|a| a.path().is_ident("event")) {
        let result = attr.parse_nested_meta(|meta| {
            let key = key_of(&meta);
            if !EVENT_KEYS.contains(&key.as_str()) {
                unknown(cx, &meta, &key, "event", EVENT_KEYS);
                return skip_value(&meta);
            }
            if !seen.first_time(cx, &meta, &key, "event") {
                return skip_value(&meta);
            }
            match key.as_str() {
                "name" => out.name = Some(lit_str(&meta)?),
                "scope" => out.scope = Some(lit_str(&meta)?),
                "topic" => out.topic = Some(lit_str(&meta)?),
                "subscription" => out.subscription = Some(lit_str(&meta)?),
                "since" => out.since = Some(lit_str(&meta)?),
                "deprecated" => out.deprecated = Some(deprecated(cx, &meta)?),
                "crate" => out.krate = Some(lit_str(&meta)?.parse_path()?),
                _ => {}
            }
            Ok(())
        });
        if let Err(e) = result {
            cx.syn_error(e);
        }
    }
    out
}

trait ParsePath {
    fn parse_path(&self) -> syn::Result<Path>;
}

impl ParsePath for Spanned<String> {
    fn parse_path(&self) -> syn::Result<Path> {
        syn::parse_str::<Path>(&self.value)
            .map_err(|_| syn::Error::new(self.span, format!("`{}` is not a path", self.value)))
    }
}

fn lit_str(meta: &ParseNestedMeta) -> syn::Result<Spanned<String>> {
    let lit: LitStr = meta.value()?.parse()?;
    Ok(Spanned {
        value: lit.value(),
        span: lit.span(),
    })
}

/// `deprecated`, `deprecated = "note"` or `deprecated(since = "1.2.0", note = "...")`.
fn deprecated(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<Deprecated> {
    let mut out = Deprecated {
        since: None,
        note: String::new(),
    };
    if meta.input.peek(Token![=]) {
        out.note = lit_str(meta)?.value;
    } else if meta.input.peek(syn::token::Paren) {
        let mut seen = Seen(Vec::new());
        meta.parse_nested_meta(|inner| {
            let key = key_of(&inner);
            if !DEPRECATED_KEYS.contains(&key.as_str()) {
                unknown(cx, &inner, &key, "deprecated", DEPRECATED_KEYS);
                return skip_value(&inner);
            }
            if !seen.first_time(cx, &inner, &key, "deprecated") {
                return skip_value(&inner);
            }
            match key.as_str() {
                "since" => out.since = Some(lit_str(&inner)?),
                _ => out.note = lit_str(&inner)?.value,
            }
            Ok(())
        })?;
    }
    Ok(out)
}

/// `rest = false` or `rest(method = "GET", path = "/rooms/{room}/history")`.
fn rest(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<Rest> {
    if meta.input.peek(Token![=]) {
        let b: LitBool = meta.value()?.parse()?;
        if b.value {
            return Ok(Rest::Conventional);
        }
        return Ok(Rest::Disabled);
    }
    let mut method = None;
    let mut path = None;
    let mut seen = Seen(Vec::new());
    meta.parse_nested_meta(|inner| {
        let key = key_of(&inner);
        if !REST_KEYS.contains(&key.as_str()) {
            unknown(cx, &inner, &key, "rest", REST_KEYS);
            return skip_value(&inner);
        }
        if !seen.first_time(cx, &inner, &key, "rest") {
            return skip_value(&inner);
        }
        match key.as_str() {
            "method" => method = Some(lit_str(&inner)?),
            _ => path = Some(lit_str(&inner)?),
        }
        Ok(())
    })?;
    Ok(Rest::Override { method, path })
}

fn unknown(cx: &Ctxt, meta: &ParseNestedMeta, key: &str, attr: &str, known: &[&str]) {
    let suggestion = known
        .iter()
        .map(|k| (edit_distance(key, k), k))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, k)| format!("; did you mean `{k}`?"))
        .unwrap_or_default();
    cx.error_spanned_by(
        &meta.path,
        format!(
            "unknown key `{key}` in #[{attr}(...)]{suggestion} (expected one of: {})",
            known.join(", ")
        ),
    );
}

/// Consumes whatever follows an unknown or repeated key so parsing can go on.
fn skip_value(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        let _: syn::Expr = meta.value()?.parse()?;
    } else if meta.input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        let _: proc_macro2::TokenStream = content.parse()?;
    }
    Ok(())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

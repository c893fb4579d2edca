//! Holding the parsed attributes against frameproof's rules. Each message says what is wrong and
//! how to fix it, at the span of the attribute value concerned.

use frameproof_naming::{
    check_action_name, check_error_code, check_version, conventional_route, HttpMethod, Template,
};

use crate::attr::{ActionAttrs, Deprecated, EventAttrs, Rest, Spanned};
use crate::ctxt::Ctxt;
use crate::fields::WireField;

fn version(cx: &Ctxt, v: &Option<Spanned<String>>) {
    if let Some(v) = v {
        if let Err(e) = check_version(&v.value) {
            cx.syn_error(syn::Error::new(v.span, e));
        }
    }
}

/// A wire name is any non-empty string; its spelling is the contract's naming lint's.
fn wire_name(cx: &Ctxt, what: &str, name: &Spanned<String>) {
    if name.value.is_empty() || name.value.chars().any(char::is_control) {
        cx.syn_error(syn::Error::new(
            name.span,
            format!("{what} needs a non-empty name without control characters"),
        ));
    }
}

/// An RFC 6901 JSON pointer: empty, or `/`-separated segments.
fn json_pointer(cx: &Ctxt, ptr: &Spanned<String>) {
    if !ptr.value.is_empty() && !ptr.value.starts_with('/') {
        cx.syn_error(syn::Error::new(
            ptr.span,
            format!(
                "`{}` is not a JSON pointer: use `\"\"` for the whole value or start with `/`",
                ptr.value
            ),
        ));
    }
}

fn deprecation(cx: &Ctxt, d: &Option<Deprecated>) {
    if let Some(d) = d {
        version(cx, &d.since);
    }
}

pub(crate) fn action(
    cx: &Ctxt,
    attrs: &ActionAttrs,
    fields: Option<&[WireField]>,
    derive_span: proc_macro2::Span,
) {
    let Some(name) = &attrs.name else {
        cx.syn_error(syn::Error::new(
            derive_span,
            "an action needs a name: add `#[action(name = \"resource.verb\")]`, e.g. `tasks.update`",
        ));
        return;
    };
    wire_name(cx, "an action", name);
    version(cx, &attrs.since);
    for ptr in [&attrs.opens_subscription, &attrs.closes_subscription]
        .into_iter()
        .flatten()
    {
        json_pointer(cx, ptr);
    }
    if attrs.opens_subscription.is_some() && attrs.closes_subscription.is_some() {
        cx.syn_error(syn::Error::new(
            name.span,
            "an action either opens a subscription or closes one, not both",
        ));
    }
    if attrs.notification
        && (attrs.opens_subscription.is_some() || attrs.closes_subscription.is_some())
    {
        cx.syn_error(syn::Error::new(
            name.span,
            "a notification gets no answer, so it cannot open or close a subscription",
        ));
    }
    deprecation(cx, &attrs.deprecated);
    for code in &attrs.errors {
        if let Err(e) = check_error_code(&code.to_string()) {
            cx.error_spanned_by(code, e);
        }
    }
    let convention = conventional_route(&name.value);
    let (path, path_span, conventional) = match &attrs.rest {
        Rest::Disabled => {
            if !attrs.websocket {
                cx.syn_error(syn::Error::new(
                    name.span,
                    "`websocket = false` and `rest = false` leave the action on no transport",
                ));
            }
            return;
        }
        // a name outside `resource.verb` has no conventional route: the contract serves it
        // through its RPC endpoint, or says it has no route (checked when it is built)
        Rest::Conventional if check_action_name(&name.value).is_err() => return,
        Rest::Conventional => (convention.path, name.span, true),
        Rest::Override { method, path } => {
            if let Some(m) = method {
                if let Err(e) = m.value.parse::<HttpMethod>() {
                    cx.syn_error(syn::Error::new(m.span, e));
                }
            }
            match path {
                Some(p) => (p.value.clone(), p.span, false),
                None => (convention.path, name.span, true),
            }
        }
    };
    let template = match Template::parse(&path) {
        Ok(t) => t,
        Err(e) => {
            cx.syn_error(syn::Error::new(path_span, e.to_string()));
            return;
        }
    };
    let Some(fields) = fields else { return };
    for param in template.params() {
        match fields.iter().find(|f| f.name == param) {
            None => {
                let listed: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
                let fix = if conventional {
                    format!("the conventional route `{path}` of `{}` needs it: add the field, or choose a route with `rest(path = \"...\")`", name.value)
                } else {
                    "add the field or change the path".to_owned()
                };
                cx.syn_error(syn::Error::new(
                    path_span,
                    format!(
                        "path parameter `{{{param}}}` is not a payload field (fields: {}); {fix}",
                        if listed.is_empty() { "none".to_owned() } else { listed.join(", ") }
                    ),
                ));
            }
            Some(f) if f.optional => cx.syn_error(syn::Error::new(
                path_span,
                format!("path parameter `{{{param}}}` is an optional field; a path parameter must always be present"),
            )),
            Some(_) => {}
        }
    }
}

pub(crate) fn event(
    cx: &Ctxt,
    attrs: &EventAttrs,
    name: &str,
    name_span: proc_macro2::Span,
    fields: Option<&[WireField]>,
) {
    if name.is_empty() {
        cx.syn_error(syn::Error::new(
            name_span,
            "an event needs a non-empty name",
        ));
    }
    version(cx, &attrs.since);
    if let Some(ptr) = &attrs.subscription {
        json_pointer(cx, ptr);
    }
    deprecation(cx, &attrs.deprecated);
    if let Some(scope) = &attrs.scope {
        let ok = ["tenant", "org", "topic", "connection", "subscription"];
        if !ok.contains(&scope.value.as_str()) {
            cx.syn_error(syn::Error::new(
                scope.span,
                format!(
                    "unknown scope `{}`: use `tenant` (alias `org`), `connection`, give `topic = \"resource:{{field}}\"`, or `subscription = \"/id\"`",
                    scope.value
                ),
            ));
        }
        if scope.value == "subscription" && attrs.subscription.is_none() {
            cx.syn_error(syn::Error::new(
                scope.span,
                "a subscription event needs where its data carries the subscription's id: `subscription = \"/subscription\"`",
            ));
        }
        if scope.value == "topic" && attrs.topic.is_none() {
            cx.syn_error(syn::Error::new(
                scope.span,
                "a topic event needs its pattern: `topic = \"task:{task_id}\"`",
            ));
        }
        if scope.value != "topic" && attrs.topic.is_some() {
            cx.syn_error(syn::Error::new(
                scope.span,
                format!(
                    "`topic = ...` makes this a topic event; remove `scope = \"{}\"`",
                    scope.value
                ),
            ));
        }
    }
    if let Some(topic) = &attrs.topic {
        match Template::parse(&topic.value) {
            Err(e) => cx.syn_error(syn::Error::new(topic.span, e.to_string())),
            Ok(t) => {
                if let Some(fields) = fields {
                    for param in t.params() {
                        if !fields.iter().any(|f| f.name == param) {
                            cx.syn_error(syn::Error::new(
                                topic.span,
                                format!("topic parameter `{{{param}}}` is not a field of the event's data"),
                            ));
                        }
                    }
                }
            }
        }
    }
}

//! Holding the parsed attributes against frameproof's rules. Each message says what is wrong and
//! how to fix it, at the span of the attribute value concerned.

use frameproof_naming::{
    check_action_name, check_error_code, check_event_name, check_version, conventional_route,
    HttpMethod, Template,
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

fn deprecation(cx: &Ctxt, d: &Option<Deprecated>) {
    if let Some(d) = d {
        version(cx, &d.since);
    }
}

pub fn action(
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
    if let Err(e) = check_action_name(&name.value) {
        cx.syn_error(syn::Error::new(name.span, e));
    }
    version(cx, &attrs.since);
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

pub fn event(
    cx: &Ctxt,
    attrs: &EventAttrs,
    name: &str,
    name_span: proc_macro2::Span,
    fields: Option<&[WireField]>,
) {
    if let Err(e) = check_event_name(name) {
        cx.syn_error(syn::Error::new(name_span, e));
    }
    version(cx, &attrs.since);
    deprecation(cx, &attrs.deprecated);
    if let Some(scope) = &attrs.scope {
        let ok = ["tenant", "org", "topic", "connection"];
        if !ok.contains(&scope.value.as_str()) {
            cx.syn_error(syn::Error::new(
                scope.span,
                format!(
                    "unknown scope `{}`: use `tenant` (alias `org`), `connection`, or give `topic = \"resource:{{field}}\"`",
                    scope.value
                ),
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

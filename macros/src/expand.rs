//! Writing the trait impls. Generated code sits in `const _: () = { ... };` and names the
//! runtime crate by an absolute path (`::frameproof` unless `crate = "..."` says otherwise), so
//! it never collides with user names. When the attributes are wrong, the errors are emitted next
//! to a stub impl, so the user sees the real mistake and not a cascade of "trait not implemented".

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::{DeriveInput, Path};

use crate::attr::{self, Deprecated, Rest, Spanned};
use crate::check;
use crate::ctxt::Ctxt;
use crate::fields::{wire_fields, View};

fn runtime(krate: &Option<Path>) -> TokenStream {
    match krate {
        Some(p) => quote!(#p),
        None => quote!(::frameproof),
    }
}

fn doc_comment(input: &DeriveInput) -> String {
    let lines: Vec<String> = input
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .map(|l| l.strip_prefix(' ').unwrap_or(&l).trim_end().to_owned())
        .collect();
    lines.join("\n").trim().to_owned()
}

fn opt_str(v: &Option<Spanned<String>>) -> TokenStream {
    match v {
        Some(s) => {
            let v = &s.value;
            quote!(::core::option::Option::Some(#v))
        }
        None => quote!(::core::option::Option::None),
    }
}

fn deprecated(rt: &TokenStream, d: &Option<Deprecated>) -> TokenStream {
    match d {
        None => quote!(::core::option::Option::None),
        Some(d) => {
            let since = opt_str(&d.since);
            let note = &d.note;
            quote!(::core::option::Option::Some(#rt::DeprecationMeta { since: #since, note: #note }))
        }
    }
}

pub(crate) fn action(input: &DeriveInput) -> TokenStream {
    let cx = Ctxt::default();
    let ident = &input.ident;
    let parsed = attr::parse_action(&cx, &input.attrs);
    if parsed.is_none() {
        cx.error_spanned_by(
            ident,
            "#[derive(Action)] needs an `#[action(name = \"resource.verb\", ...)]` attribute",
        );
    }
    let fields = wire_fields(input, View::Deserialize);
    if let Some(attrs) = &parsed {
        check::action(&cx, attrs, fields.as_deref(), ident.span());
    }
    let krate = parsed.as_ref().and_then(|a| a.krate.clone());
    let rt = runtime(&krate);
    let (impl_g, ty_g, where_clause) = input.generics.split_for_impl();

    if let Some(err) = cx.finish() {
        let errors = err.to_compile_error();
        return quote! {
            #errors
            const _: () = {
                impl #impl_g #rt::Action for #ident #ty_g #where_clause {
                    type Response = ();
                    const META: #rt::ActionMeta = #rt::ActionMeta::new("invalid.action");
                }
            };
        };
    }
    let Some(a) = parsed else {
        return TokenStream::new();
    };
    let name = a.name.as_ref().map(|n| n.value.clone()).unwrap_or_default();
    let description = doc_comment(input);
    let response = match &a.response {
        Some(t) => quote!(#t),
        None => quote!(()),
    };
    let since = opt_str(&a.since);
    let dep = deprecated(&rt, &a.deprecated);
    let errors: Vec<String> = a.errors.iter().map(|e| e.to_string()).collect();
    // each emitted type must be an Event; the error points at the type in `emits(...)`
    let emits = a.emits.iter().map(|p| {
        let span = syn::spanned::Spanned::span(p);
        quote_spanned!(span=> <#p as #rt::Event>::META.name)
    });
    let websocket = a.websocket;
    let notification = a.notification;
    let public = a.public;
    let subscription = match (&a.opens_subscription, &a.closes_subscription) {
        (Some(p), _) => {
            let p = &p.value;
            quote!(::core::option::Option::Some(#rt::SubscriptionMeta::Opens(#p)))
        }
        (None, Some(p)) => {
            let p = &p.value;
            quote!(::core::option::Option::Some(#rt::SubscriptionMeta::Closes(#p)))
        }
        (None, None) => quote!(::core::option::Option::None),
    };
    let rest = match &a.rest {
        Rest::Conventional => quote!(#rt::RestMeta::Conventional),
        Rest::Disabled => quote!(#rt::RestMeta::Disabled),
        Rest::Override { method, path } => {
            let method = opt_str(method);
            let path = opt_str(path);
            quote!(#rt::RestMeta::Override { method: #method, path: #path })
        }
    };
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #impl_g #rt::Action for #ident #ty_g #where_clause {
                type Response = #response;
                const META: #rt::ActionMeta = #rt::ActionMeta {
                    name: #name,
                    description: #description,
                    since: #since,
                    deprecated: #dep,
                    errors: &[#(#errors),*],
                    emits: &[#(#emits),*],
                    websocket: #websocket,
                    rest: #rest,
                    notification: #notification,
                    public: #public,
                    subscription: #subscription,
                };
            }
        };
    }
}

pub(crate) fn event(input: &DeriveInput) -> TokenStream {
    let cx = Ctxt::default();
    let ident = &input.ident;
    let attrs = attr::parse_event(&cx, &input.attrs);
    let (name, name_span) = match &attrs.name {
        Some(n) => (n.value.clone(), n.span),
        None => (ident.to_string(), ident.span()),
    };
    let fields = wire_fields(input, View::Serialize);
    check::event(&cx, &attrs, &name, name_span, fields.as_deref());
    let rt = runtime(&attrs.krate);
    let (impl_g, ty_g, where_clause) = input.generics.split_for_impl();
    let scope = match (&attrs.topic, attrs.scope.as_ref().map(|s| s.value.as_str())) {
        (Some(t), _) => {
            let t = &t.value;
            quote!(#rt::ScopeMeta::Topic(#t))
        }
        (None, _) if attrs.subscription.is_some() => {
            let id = attrs.subscription.as_ref().map(|s| s.value.clone());
            quote!(#rt::ScopeMeta::Subscription(#id))
        }
        (None, Some("connection")) => quote!(#rt::ScopeMeta::Connection),
        _ => quote!(#rt::ScopeMeta::Tenant),
    };
    let errors = cx.finish().map(|e| e.to_compile_error());
    let description = doc_comment(input);
    let since = opt_str(&attrs.since);
    let dep = deprecated(&rt, &attrs.deprecated);
    quote! {
        #errors
        const _: () = {
            #[automatically_derived]
            impl #impl_g #rt::Event for #ident #ty_g #where_clause {
                const META: #rt::EventMeta = #rt::EventMeta {
                    name: #name,
                    description: #description,
                    since: #since,
                    deprecated: #dep,
                    scope: #scope,
                };
            }
        };
    }
}

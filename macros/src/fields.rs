//! The wire names of a payload's fields, read the way serde reads them (`rename`,
//! `rename_all`, `skip`), so that path and topic parameters are checked against what actually
//! travels. When serde could put fields we cannot see on the wire (`flatten`, `transparent`, an
//! enum, a tuple struct), the field list is unknown and the runtime check takes over.

use syn::meta::ParseNestedMeta;
use syn::{Attribute, Data, DeriveInput, Fields, LitStr, Token, Type};

/// Which serde view a derive describes: requests are deserialized, events serialized.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum View {
    Deserialize,
    Serialize,
}

pub(crate) struct WireField {
    pub name: String,
    /// `Option<_>` or `#[serde(default)]`: may be absent from the payload.
    pub optional: bool,
}

#[derive(Default)]
struct SerdeAttrs {
    rename: Option<String>,
    rename_all: Option<String>,
    skip: bool,
    flatten: bool,
    transparent: bool,
    default: bool,
}

fn serde_attrs(attrs: &[Attribute], view: View) -> SerdeAttrs {
    let mut out = SerdeAttrs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        // Attributes serde itself rejects are serde's to report; ignore what we cannot read.
        let _ = attr.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(|i| i.to_string())
                .unwrap_or_default();
            match key.as_str() {
                "rename" => out.rename = viewed_str(&meta, view)?,
                "rename_all" => out.rename_all = viewed_str(&meta, view)?,
                "skip" => out.skip = true,
                "skip_deserializing" if view == View::Deserialize => out.skip = true,
                "skip_serializing" if view == View::Serialize => out.skip = true,
                "flatten" => out.flatten = true,
                "transparent" => out.transparent = true,
                "default" => {
                    out.default = true;
                    skip(&meta)?;
                }
                _ => skip(&meta)?,
            }
            Ok(())
        });
    }
    out
}

/// `key = "x"` or `key(serialize = "a", deserialize = "b")`.
fn viewed_str(meta: &ParseNestedMeta, view: View) -> syn::Result<Option<String>> {
    if meta.input.peek(Token![=]) {
        let lit: LitStr = meta.value()?.parse()?;
        return Ok(Some(lit.value()));
    }
    let mut found = None;
    meta.parse_nested_meta(|inner| {
        let lit: LitStr = inner.value()?.parse()?;
        let wanted = match view {
            View::Deserialize => "deserialize",
            View::Serialize => "serialize",
        };
        if inner.path.is_ident(wanted) {
            found = Some(lit.value());
        }
        Ok(())
    })?;
    Ok(found)
}

fn skip(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        let _: syn::Expr = meta.value()?.parse()?;
    } else if meta.input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        let _: proc_macro2::TokenStream = content.parse()?;
    }
    Ok(())
}

/// The wire fields of a braced struct, or `None` when they cannot be known from the syntax.
pub(crate) fn wire_fields(input: &DeriveInput, view: View) -> Option<Vec<WireField>> {
    let container = serde_attrs(&input.attrs, view);
    if container.transparent {
        return None;
    }
    let Data::Struct(data) = &input.data else {
        return None;
    };
    let Fields::Named(named) = &data.fields else {
        return None;
    };
    let mut out = Vec::new();
    for field in &named.named {
        let attrs = serde_attrs(&field.attrs, view);
        if attrs.flatten {
            return None;
        }
        if attrs.skip {
            continue;
        }
        let ident = field.ident.as_ref()?.to_string();
        let ident = ident.strip_prefix("r#").unwrap_or(&ident).to_owned();
        let name = match (attrs.rename, &container.rename_all) {
            (Some(r), _) => r,
            (None, Some(rule)) => apply_rename_all(&ident, rule),
            (None, None) => ident,
        };
        out.push(WireField {
            name,
            optional: attrs.default || container.default || is_option(&field.ty),
        });
    }
    Some(out)
}

fn is_option(ty: &Type) -> bool {
    match ty {
        Type::Path(p) => p.path.segments.last().is_some_and(|s| s.ident == "Option"),
        _ => false,
    }
}

/// serde's `rename_all` rules, for snake_case Rust field names.
fn apply_rename_all(field: &str, rule: &str) -> String {
    let words: Vec<&str> = field.split('_').filter(|w| !w.is_empty()).collect();
    let capitalize = |w: &str| {
        let mut c = w.chars();
        c.next()
            .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
            .unwrap_or_default()
    };
    match rule {
        "lowercase" => field.to_lowercase(),
        "UPPERCASE" => field.to_uppercase(),
        "PascalCase" => words.iter().map(|w| capitalize(w)).collect(),
        "camelCase" => words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                if i == 0 {
                    (*w).to_owned()
                } else {
                    capitalize(w)
                }
            })
            .collect(),
        "SCREAMING_SNAKE_CASE" => field.to_uppercase(),
        "kebab-case" => field.replace('_', "-"),
        "SCREAMING-KEBAB-CASE" => field.replace('_', "-").to_uppercase(),
        _ => field.to_owned(),
    }
}

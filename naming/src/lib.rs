//! The naming rules every frameproof tool agrees on.
//!
//! This crate has no heavy dependencies so that the derive macros (which run inside the compiler)
//! and the runtime contract checks apply exactly the same rules: a name the derive accepts is a
//! name `Contract::build` accepts, and the REST route the derive checks is the route the contract
//! document stores.

#![warn(missing_docs)]

mod names;
mod route;
mod template;

pub use names::{
    check_action_name, check_error_code, check_event_name, check_field_name, check_version,
};
pub use route::{conventional_route, HttpMethod, RouteConvention};
pub use template::{MissingValue, Template, TemplateError, TemplatePart};

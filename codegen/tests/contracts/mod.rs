//! Contracts built from Rust types, shared by the tests that generate code from them.

#![allow(dead_code)]

pub(crate) mod notes;
pub(crate) mod shapes;

//! Contracts built from Rust types, shared by the tests that generate code from them.

#![allow(dead_code)]

pub mod notes;
pub mod shapes;

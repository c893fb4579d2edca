//! Any bytes, in either direction, through a session: a violation or nothing, never a panic.
#![no_main]

use std::sync::OnceLock;

use frameproof_validator::{Direction, Validator};
use libfuzzer_sys::fuzz_target;

fn validator() -> &'static Validator {
    static V: OnceLock<Validator> = OnceLock::new();
    V.get_or_init(|| Validator::new(&timetracker::contract()).expect("compiles"))
}

fuzz_target!(|data: &[u8]| {
    let mut session = validator().session();
    let (dir, bytes) = match data.split_first() {
        Some((b, rest)) if b & 1 == 0 => (Direction::Client, rest),
        Some((_, rest)) => (Direction::Server, rest),
        None => (Direction::Client, data),
    };
    let _ = session.observe(dir, bytes);
    let _ = session.observe_binary(dir, bytes);
    let _ = session.finish();
});

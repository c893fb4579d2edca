//! Any bytes, in either direction, through a session: a violation or nothing, never a panic.
//! And the tape the frame is parsed onto reads what serde_json reads: the frame's value equals
//! `serde_json::from_slice::<Value>`, and a frame only the tape refuses names a duplicate key or
//! nesting over the depth limit.
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
    let check = validator().check_frame(dir, bytes);
    if let Ok(reference) = serde_json::from_slice::<serde_json::Value>(bytes) {
        match &check.value {
            Some(value) => assert_eq!(value, &reference),
            None => assert!(
                check
                    .violations
                    .iter()
                    .any(|v| v.rule == "frame.duplicate_key" || v.rule == "frame.too_deep"),
                "{:?}",
                check.violations
            ),
        }
    }
    let _ = session.observe_binary(dir, bytes);
    let _ = session.finish();
});

//! Any bytes as a HAR file: an error or violations, never a panic.
#![no_main]

use std::sync::OnceLock;

use frameproof_validator::{capture, Validator};
use libfuzzer_sys::fuzz_target;

fn validator() -> &'static Validator {
    static V: OnceLock<Validator> = OnceLock::new();
    V.get_or_init(|| Validator::new(&timetracker::contract()).expect("compiles"))
}

fuzz_target!(|data: &[u8]| {
    let _ = capture::validate_har(validator(), data, "fuzz", &mut |_| {});
    let _ = capture::validate_transcript(validator(), data, "fuzz", &mut |_| {});
});

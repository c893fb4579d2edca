//! Runs the benchmark corpus through a session many times (for `perf record` / `perf stat`),
//! or, with `value` as the second argument, only `serde_json::from_slice::<Value>` over it.
//!
//! `cargo run --release -p frameproof-validator --example profile-corpus -- 50 [value]`
use frameproof_validator::corpus::generate;
use frameproof_validator::Validator;

fn main() {
    let contract = timetracker::contract();
    let corpus = generate(&contract, 10_000, 42, 100, 2048);
    let validator = Validator::new(&contract).expect("compiles");
    let mut args = std::env::args().skip(1);
    let rounds: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(20);
    let bare = args.next().as_deref() == Some("value");
    let start = std::time::Instant::now();
    let mut n = 0;
    for _ in 0..rounds {
        if bare {
            for f in &corpus {
                let v: serde_json::Value = serde_json::from_slice(&f.bytes).expect("json");
                n += usize::from(v.is_object());
            }
        } else {
            let mut s = validator.session();
            for f in &corpus {
                n += s.observe(f.direction, &f.bytes).len();
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let frames = (rounds * corpus.len()) as f64;
    println!(
        "{} frames/s ({}: {n})",
        (frames / secs) as u64,
        if bare { "objects" } else { "violations" }
    );
}

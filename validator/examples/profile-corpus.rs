//! Runs the benchmark corpus through a session many times (for `perf record`).
use frameproof_validator::corpus::generate;
use frameproof_validator::Validator;

fn main() {
    let contract = timetracker::contract();
    let corpus = generate(&contract, 10_000, 42, 100, 2048);
    let validator = Validator::new(&contract).expect("compiles");
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let mut n = 0;
    for _ in 0..rounds {
        let mut s = validator.session();
        for f in &corpus {
            n += s.observe(f.direction, &f.bytes).len();
        }
    }
    println!("{n}");
}

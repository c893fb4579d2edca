//! Throughput over a corpus of ≥10,000 mixed frames of the reference contract (100 B – 2 KB):
//! frameproof end to end (bytes → verdict, in a session so responses are checked against the
//! action they answer) against a bare `serde_json::from_slice::<Value>` of the same bytes.
//! ajv's figure for the same corpus comes from `benches/ajv/bench.mjs` (see
//! `docs/performance.md` and `scripts/bench-validator.sh`, which runs both).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use frameproof_validator::corpus::generate;
use frameproof_validator::Validator;

fn frames(c: &mut Criterion) {
    let contract = timetracker::contract();
    let corpus = generate(&contract, 10_000, 42, 100, 2048);
    assert!(corpus.len() >= 10_000, "corpus of {}", corpus.len());
    if let Ok(path) = std::env::var("FRAMEPROOF_CORPUS_OUT") {
        let lines: Vec<String> = corpus
            .iter()
            .map(|f| {
                serde_json::json!({"kind": f.kind, "name": f.name, "frame": String::from_utf8_lossy(&f.bytes)}).to_string()
            })
            .collect();
        std::fs::write(path, lines.join("\n") + "\n").expect("write the corpus");
    }
    let bytes: u64 = corpus.iter().map(|f| f.bytes.len() as u64).sum();
    let validator = Validator::new(&contract).expect("compiles");
    let mut group = c.benchmark_group("corpus");
    group.throughput(Throughput::Elements(corpus.len() as u64));
    group.sample_size(20);
    // this machine's neighbours come and go: longer samples average over them
    group.measurement_time(std::time::Duration::from_secs(10));
    eprintln!("corpus: {} frames, {} bytes", corpus.len(), bytes);
    group.bench_function("frameproof_session", |b| {
        b.iter(|| {
            let mut session = validator.session();
            let mut violations = 0usize;
            for f in &corpus {
                violations += session.observe(f.direction, &f.bytes).len();
            }
            assert_eq!(violations, 0);
            violations
        })
    });
    group.bench_function("serde_json_value", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for f in &corpus {
                let v: serde_json::Value = serde_json::from_slice(&f.bytes).expect("json");
                n += usize::from(v.is_object());
            }
            n
        })
    });
    group.finish();
}

criterion_group!(benches, frames);
criterion_main!(benches);

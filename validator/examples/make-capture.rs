//! Writes a transcript of about N MiB of valid reference-contract traffic (for the memory
//! benchmark): `make-capture FILE MIB`.

use std::io::{BufWriter, Write};

use frameproof_validator::corpus::generate;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "capture.jsonl".into());
    let mib: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(1024);
    let contract = timetracker::contract();
    let corpus = generate(&contract, 10_000, 7, 100, 2048);
    let mut out = BufWriter::new(std::fs::File::create(&path)?);
    writeln!(
        out,
        r#"{{"frameproof_transcript":"1.0","contract":{{"name":"{}","version":"{}"}},"connections":[]}}"#,
        contract.name, contract.version
    )?;
    let target = mib * 1024 * 1024;
    let mut written = 0u64;
    let mut round = 0u64;
    while written < target {
        // a fresh connection per round keeps request ids unique within a session
        for f in &corpus {
            let dir = match f.direction {
                frameproof_validator::Direction::Client => "client",
                frameproof_validator::Direction::Server => "server",
            };
            let frame = std::str::from_utf8(&f.bytes).unwrap_or("{}");
            let line = format!(r#"{{"conn":"c{round}","dir":"{dir}","frame":{frame}}}"#);
            writeln!(out, "{line}")?;
            written += line.len() as u64 + 1;
        }
        round += 1;
    }
    out.flush()?;
    eprintln!(
        "wrote {written} bytes in {round} connection(s) of {} frames",
        corpus.len()
    );
    Ok(())
}

//! Hostile captures in bounded memory: the heap a reader takes while it reads an over-long
//! line, a stream of NUL bytes or a huge HAR message is measured by a counting allocator (per
//! thread, so tests running beside each other do not disturb the figure) and must stay a
//! small fraction of the input.

use std::io::{BufReader, Read};

use frameproof_validator::capture::{validate_har, validate_lines, validate_transcript};
use frameproof_validator::{Direction, Limits, Validator, Violation};

#[global_allocator]
static ALLOC: heap_meter::Counting = heap_meter::Counting;

use heap_meter::peak as peak_heap;

const MB: usize = 1024 * 1024;

fn validator(max_frame_bytes: usize) -> Validator {
    let limits = Limits {
        max_frame_bytes,
        ..Limits::default()
    };
    Validator::with_limits(&timetracker::contract(), limits).expect("compiles")
}

/// `head`, then `n` bytes of `fill`, then `tail`, made as they are read (the input itself takes
/// no heap).
fn stream(head: &'static [u8], fill: u8, n: usize, tail: &'static [u8]) -> impl Read {
    head.chain(std::io::repeat(fill).take(n as u64)).chain(tail)
}

const PING: &[u8] = b"{\"type\":\"ping\"}\n";

#[test]
fn an_over_long_piped_line_is_skipped_without_being_held() {
    let v = validator(64 * 1024);
    for direction in [Some(Direction::Client), None] {
        let input = BufReader::new(stream(b"", b'x', 8 * MB, b"\n").chain(PING));
        let mut found: Vec<Violation> = Vec::new();
        let (stats, peak) =
            peak_heap(|| validate_lines(&v, input, "<stdin>", direction, &mut |x| found.push(x)));
        let stats = stats.expect("read to the end");
        assert!(
            peak < MB,
            "{direction:?}: {peak} bytes held for an 8 MiB line"
        );
        let rule = if direction.is_some() {
            "frame.too_large"
        } else {
            "capture.record"
        };
        assert_eq!(found[0].rule, rule, "{found:#?}");
        assert_eq!(found[0].location.line, Some(1));
        assert!(
            found[0].message.contains("line 1 is 8388608 bytes"),
            "{}",
            found[0].message
        );
        if direction.is_some() {
            // the line after it is read and checked
            assert_eq!(stats.frames, 1);
        }
    }
}

#[test]
fn a_stream_of_nul_bytes_ends_with_an_error() {
    let v = validator(64 * 1024);
    let zeros = || BufReader::new(stream(b"", 0, 64 * MB, b""));
    let (out, peak) =
        peak_heap(|| validate_lines(&v, zeros(), "<stdin>", Some(Direction::Client), &mut |_| {}));
    let err = out.expect_err("NUL bytes are not frames");
    assert!(
        err.to_string()
            .contains("<stdin>: line 1, byte 0: a NUL byte: this is not a text capture"),
        "{err}"
    );
    assert!(peak < MB, "{peak}");
    let (out, peak) = peak_heap(|| validate_transcript(&v, zeros(), "zero.jsonl", &mut |_| {}));
    let err = out.expect_err("not a transcript");
    assert!(err.to_string().contains("a NUL byte"), "{err}");
    assert!(peak < MB, "{peak}");
    // zeros after a good record: the record is checked, then reading stops at the zeros
    let text = concat!(
        r#"{"frameproof_transcript":"1.0","contract":{"name":"trcr","version":"1.2.0"},"connections":[]}"#,
        "\n",
        r#"{"conn":"c","dir":"client","frame":{"type":"ping"}}"#,
        "\n"
    );
    let input = BufReader::new(stream(text.as_bytes(), 0, 64 * MB, b""));
    let err = validate_transcript(&v, input, "padded.jsonl", &mut |_| {}).expect_err("stops");
    assert_eq!(err.stats().frames, 1);
    assert!(err.to_string().contains("line 3: byte "), "{err}");
}

#[test]
fn a_huge_har_message_is_reported_without_being_held() {
    let v = validator(64 * 1024);
    let head: &[u8] = br#"{"log": {"entries": [{"request": {"method": "GET", "url": "ws://h/ws"}, "response": {"status": 101}, "_webSocketMessages": [
        {"type": "send", "time": 1.0, "opcode": 1, "data": "{\"type\":\"ping\",\"pad\":\"\u00e9\ud83d\ude00"#;
    // past the limit: escapes, a surrogate pair and multi-byte characters, where a cut must
    // not land
    let tail = format!(
        "{}{}",
        "\\\\\\\"é\\ud83d\\ude00".repeat(1000),
        r#"\"}"},
        {"type": "receive", "time": 2.0, "opcode": 1, "data": "{\"type\":\"pong\"}"},
        {"type": "send", "time": 3.0, "opcode": 1, "data": "{\"type\":\"ping\"}"}
    ]}]}}"#
    );
    let input = head
        .chain(std::io::repeat(b'x').take(8 * MB as u64))
        .chain(std::io::Cursor::new(tail.into_bytes()));
    let mut found: Vec<Violation> = Vec::new();
    let (stats, peak) = peak_heap(|| validate_har(&v, input, "big.har", &mut |x| found.push(x)));
    let stats = stats.expect("readable");
    assert!(peak < MB, "{peak} bytes held for an 8 MiB message");
    assert_eq!(stats.frames, 3);
    let rules: Vec<(&str, Option<u64>)> = found
        .iter()
        .map(|x| (x.rule.id(), x.location.frame))
        .collect();
    // the huge ping is reported (and not read, so the pong answers nothing); the messages
    // after it are read and checked
    assert_eq!(
        rules,
        [
            ("frame.too_large", Some(0)),
            ("session.unexpected_pong", Some(1)),
            ("session.unanswered_ping", None)
        ],
        "{found:#?}"
    );
    assert!(
        found[0].message.contains("over the 65536 byte limit"),
        "{}",
        found[0].message
    );
}

//! Reading a text capture line by line without trusting it: a line longer than the limit is
//! skipped while it is read (its bytes are counted and dropped, never held), a NUL byte (which
//! no JSON text contains: a binary file, or one padded with zeros) ends reading with an error
//! naming its place, and a compressed or UTF-16 file is named for what it is. A UTF-8 byte
//! order mark at the start is skipped.
//!
//! Transcripts ([`TranscriptReader`](crate::transcript::TranscriptReader)) and frames piped one
//! per line both read through [`BoundedLines`].

use std::io::BufRead;

/// One line read by [`BoundedLines::next_line`].
#[derive(Debug, PartialEq, Eq)]
pub enum Line<'a> {
    /// The line's bytes, without its `\n` (or `\r\n`).
    Text(&'a [u8]),
    /// A line over the limit: its length in bytes; it was read past and dropped.
    TooLong(u64),
}

/// Reading stopped: an I/O error, a NUL byte, or a file that is not text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, byte {offset}: {message}")]
pub struct LinesError {
    /// 1-based line.
    pub line: u64,
    /// 0-based byte offset in the input.
    pub offset: u64,
    pub message: String,
}

/// What a file that is not UTF-8 text starts with, in words: `Some` for a gzip or zstd
/// stream, a zip archive or UTF-16 text.
pub fn not_text(start: &[u8]) -> Option<&'static str> {
    match start {
        [0x1f, 0x8b, ..] => Some("gzip-compressed: decompress first (gunzip)"),
        [0x28, 0xb5, 0x2f, 0xfd, ..] => Some("zstd-compressed: decompress first (unzstd)"),
        [b'P', b'K', 3, 4, ..] => Some("a zip archive: extract the capture first"),
        [0xff, 0xfe, ..] | [0xfe, 0xff, ..] => {
            Some("UTF-16 text (it starts with a UTF-16 byte order mark): convert it to UTF-8")
        }
        _ => None,
    }
}

const BOM: &[u8] = b"\xef\xbb\xbf";

/// Lines of at most `max` bytes, read from `input`; memory stays within `max` whatever the
/// input (a line without end, `/dev/zero`).
pub struct BoundedLines<R> {
    input: R,
    max: usize,
    buf: Vec<u8>,
    /// Lines started so far.
    line: u64,
    /// Bytes consumed so far.
    offset: u64,
    /// The input's first bytes, to name a file that is not text.
    start: Vec<u8>,
    stopped: bool,
}

impl<R: BufRead> BoundedLines<R> {
    pub fn new(input: R, max: usize) -> Self {
        BoundedLines {
            input,
            max,
            buf: Vec::new(),
            line: 0,
            offset: 0,
            start: Vec::new(),
            stopped: false,
        }
    }

    /// The text of the line last returned (empty after a line over the limit).
    pub fn text(&self) -> &[u8] {
        &self.buf
    }

    /// The 1-based number of the line last returned.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The longest line kept, in bytes.
    pub fn max(&self) -> usize {
        self.max
    }

    /// The next line and its 1-based number; `None` at the end, or after an error (which ends
    /// reading).
    pub fn next_line(&mut self) -> Option<Result<(u64, Line<'_>), LinesError>> {
        if self.stopped {
            return None;
        }
        match self.read_line() {
            Ok(None) => None,
            Ok(Some(None)) => Some(Ok((self.line, Line::Text(&self.buf)))),
            Ok(Some(Some(n))) => Some(Ok((self.line, Line::TooLong(n)))),
            Err(e) => {
                self.stopped = true;
                Some(Err(e))
            }
        }
    }

    /// `None` at the end; `Some(None)` for a line in `buf`; `Some(Some(n))` for a line of `n`
    /// bytes over the limit.
    fn read_line(&mut self) -> Result<Option<Option<u64>>, LinesError> {
        self.buf.clear();
        let line = self.line + 1;
        let mut total = 0u64;
        let mut saw_any = false;
        loop {
            let chunk = match self.input.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.error(line, self.offset, format!("cannot read: {e}"))),
            };
            if chunk.is_empty() {
                if !saw_any {
                    return Ok(None);
                }
                self.line = line;
                return Ok(Some(self.finish_line(total)));
            }
            if self.start.len() < 4 {
                let take = (4 - self.start.len()).min(chunk.len());
                self.start.extend_from_slice(&chunk[..take]);
            }
            saw_any = true;
            let (part, done) = match chunk.iter().position(|&b| b == b'\n') {
                Some(i) => (&chunk[..i], Some(i + 1)),
                None => (chunk, None),
            };
            if let Some(i) = part.iter().position(|&b| b == 0) {
                let at = self.offset + i as u64;
                let message = match not_text(&self.start) {
                    Some(what) => format!("the file is {what}"),
                    None => "a NUL byte: this is not a text capture (a binary file, or one padded with zeros?)".to_owned(),
                };
                return Err(self.error(line, at, message));
            }
            // a byte order mark says nothing; a UTF-16 one says the file needs converting
            let skip = if self.offset == 0 && part.starts_with(BOM) {
                BOM.len()
            } else {
                0
            };
            let part = &part[skip..];
            total += part.len() as u64;
            if total <= self.max as u64 {
                self.buf.extend_from_slice(part);
            } else if !self.buf.is_empty() {
                // over the limit: drop what was kept and give its memory back
                self.buf = Vec::new();
            }
            let consumed = done.unwrap_or(skip + part.len());
            self.input.consume(consumed);
            self.offset += consumed as u64;
            if done.is_some() {
                self.line = line;
                return Ok(Some(self.finish_line(total)));
            }
        }
    }

    fn finish_line(&mut self, total: u64) -> Option<u64> {
        if total > self.max as u64 {
            return Some(total);
        }
        if self.buf.last() == Some(&b'\r') {
            self.buf.pop();
        }
        None
    }

    fn error(&mut self, line: u64, offset: u64, message: String) -> LinesError {
        self.stopped = true;
        LinesError {
            line,
            offset,
            message,
        }
    }

    /// The input's first bytes, named when they are not text (`None` for text).
    pub fn not_text(&self) -> Option<&'static str> {
        not_text(&self.start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn lines(input: &[u8], max: usize) -> Vec<Result<String, String>> {
        let mut reader = BoundedLines::new(input, max);
        let mut out = Vec::new();
        while let Some(next) = reader.next_line() {
            out.push(match next {
                Ok((_, Line::Text(t))) => Ok(String::from_utf8_lossy(t).into_owned()),
                Ok((_, Line::TooLong(n))) => Err(format!("too long: {n}")),
                Err(e) => Err(e.to_string()),
            });
        }
        out
    }

    #[test]
    fn long_lines_are_skipped_and_reading_goes_on() {
        let text = format!("a\r\n{}\nb\n\nc", "x".repeat(100));
        assert_eq!(
            lines(text.as_bytes(), 10),
            [
                Ok("a".into()),
                Err("too long: 100".into()),
                Ok("b".into()),
                Ok(String::new()),
                Ok("c".into())
            ]
        );
        assert!(lines(b"", 10).is_empty());
    }

    #[test]
    fn a_bom_is_skipped_and_binary_input_ends_reading() {
        assert_eq!(
            lines(b"\xef\xbb\xbf{}\n{}\n", 10),
            [Ok("{}".into()), Ok("{}".into())]
        );
        // an endless stream of zeros ends at its first byte
        let mut zeros = BoundedLines::new(std::io::BufReader::new(std::io::repeat(0)), 10);
        let err = zeros.next_line().and_then(Result::err).expect("an error");
        assert_eq!((err.line, err.offset), (1, 0));
        assert!(err.message.contains("NUL byte"), "{err}");
        assert!(zeros.next_line().is_none());
        // zeros after good lines: those lines are read first, then the place is named
        let padded = std::io::Read::chain(&b"{}\n{}"[..], std::io::repeat(0).take(1 << 20));
        let got = lines_of(padded);
        assert_eq!(got[0], Ok("{}".into()));
        assert_eq!(got.len(), 2);
        assert!(got[1]
            .as_ref()
            .is_err_and(|e| e.starts_with("line 2, byte 5: a NUL byte")));
        let gz = lines(b"\x1f\x8b\x08\x00\x00\x00\x00\x00", 10);
        assert!(gz[0]
            .as_ref()
            .is_err_and(|e| e.contains("gzip-compressed: decompress first")));
        assert_eq!(
            not_text(b"\xff\xfe{\0"),
            Some("UTF-16 text (it starts with a UTF-16 byte order mark): convert it to UTF-8")
        );
    }

    fn lines_of(input: impl Read) -> Vec<Result<String, String>> {
        let mut reader = BoundedLines::new(std::io::BufReader::new(input), 10);
        let mut out = Vec::new();
        while let Some(next) = reader.next_line() {
            out.push(match next {
                Ok((_, Line::Text(t))) => Ok(String::from_utf8_lossy(t).into_owned()),
                Ok((_, Line::TooLong(n))) => Err(format!("too long: {n}")),
                Err(e) => Err(e.to_string()),
            });
        }
        out
    }
}

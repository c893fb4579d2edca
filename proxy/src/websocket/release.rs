//! Giving back a large message's memory.
//!
//! tungstenite (0.26 and later) reads frames into one `BytesMut` and hands each payload out as
//! a slice of it. After a large frame the read buffer keeps the frame's allocation in two ways
//! (tungstenite-rs issue 480): spare room left behind the payload keeps the allocation alive,
//! and once the payload is dropped, the next `reserve` finds the allocation unshared and takes
//! all of it back for reuse. An idle connection that once carried a 1 MB message keeps 1 MB per
//! leg for as long as it stays open: 2 GB for 1,000 such connections through the proxy.
//!
//! Two pieces undo both, without touching tungstenite:
//! - [`Aligned`] sits between the socket and tungstenite and only decides where reads end: it
//!   follows the frame boundaries in the byte stream and ends a read right after the header of
//!   a frame over [`LARGE`] bytes, so tungstenite reserves exactly the payload and no spare room
//!   is left behind it. Bytes are never changed or held back beyond the next read, so a misread
//!   boundary (the HTTP head of a handshake, a broken peer) can only make reads shorter.
//! - [`Held`] keeps a large message's bytes alive until the stream has been polled once more:
//!   that poll is where tungstenite reserves room for the next header, and finding the
//!   allocation still shared, it starts a fresh small buffer instead of reclaiming the large
//!   one, which is freed when the message is.

use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use bytes::Bytes;
use futures_util::Stream;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_tungstenite::tungstenite::{Error, Message};

/// Frames with a payload over this are read apart from their header.
pub(crate) const LARGE: u64 = 64 * 1024;

const BUFFER: usize = 8 * 1024;

/// Where the byte stream is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum At {
    /// In an HTTP head (the upstream's handshake answer), `matched` bytes into `\r\n\r\n`.
    HttpHead { matched: u8 },
    /// In a frame header, `have` of its bytes seen.
    Header { bytes: [u8; 14], have: usize },
    /// In a payload, `left` bytes to go.
    Payload { left: u64 },
}

impl At {
    fn header() -> At {
        At::Header {
            bytes: [0; 14],
            have: 0,
        }
    }

    /// How many of `bytes` one read may return.
    fn advance(&mut self, bytes: &[u8]) -> usize {
        let mut i = 0;
        while i < bytes.len() {
            match self {
                At::HttpHead { matched } => {
                    let want = b"\r\n\r\n"[usize::from(*matched)];
                    *matched = if bytes[i] == want {
                        *matched + 1
                    } else {
                        u8::from(bytes[i] == b'\r')
                    };
                    i += 1;
                    if *matched == 4 {
                        *self = At::header();
                    }
                }
                At::Payload { left } => {
                    let take = (*left).min((bytes.len() - i) as u64);
                    i += take as usize;
                    *left -= take;
                    if *left == 0 {
                        *self = At::header();
                    }
                }
                At::Header { bytes: head, have } => {
                    head[*have] = bytes[i];
                    *have += 1;
                    i += 1;
                    let Some(len) = header_done(&head[..*have]) else {
                        continue;
                    };
                    *self = if len == 0 {
                        At::header()
                    } else {
                        At::Payload { left: len }
                    };
                    if len > LARGE {
                        return i;
                    }
                }
            }
        }
        i
    }
}

/// The payload length once `head` holds a whole frame header.
fn header_done(head: &[u8]) -> Option<u64> {
    if head.len() < 2 {
        return None;
    }
    let masked = head[1] & 0x80 != 0;
    let len7 = head[1] & 0x7f;
    let ext = match len7 {
        126 => 2,
        127 => 8,
        _ => 0,
    };
    let need = 2 + ext + if masked { 4 } else { 0 };
    if head.len() < need {
        return None;
    }
    Some(match len7 {
        126 => u64::from(u16::from_be_bytes([head[2], head[3]])),
        127 => {
            let mut n = [0u8; 8];
            n.copy_from_slice(&head[2..10]);
            u64::from_be_bytes(n)
        }
        n => u64::from(n),
    })
}

/// A socket whose reads end after a large frame's header.
pub(crate) struct Aligned<S> {
    inner: S,
    buf: Box<[u8]>,
    start: usize,
    end: usize,
    at: At,
}

impl<S> Aligned<S> {
    /// For a socket whose next byte starts a frame (the server side, after the upgrade).
    pub(crate) fn frames(inner: S) -> Aligned<S> {
        Aligned::new(inner, At::header())
    }

    /// For a socket that first carries an HTTP answer (the client side of a handshake).
    pub(crate) fn after_http_head(inner: S) -> Aligned<S> {
        Aligned::new(inner, At::HttpHead { matched: 0 })
    }

    fn new(inner: S, at: At) -> Aligned<S> {
        Aligned {
            inner,
            buf: vec![0; BUFFER].into_boxed_slice(),
            start: 0,
            end: 0,
            at,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Aligned<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        out: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.start == this.end {
            let mut fill = ReadBuf::new(&mut this.buf);
            ready!(Pin::new(&mut this.inner).poll_read(cx, &mut fill))?;
            let n = fill.filled().len();
            if n == 0 {
                return Poll::Ready(Ok(()));
            }
            this.start = 0;
            this.end = n;
        }
        let max = (this.end - this.start).min(out.remaining());
        let give = this.at.advance(&this.buf[this.start..this.start + max]);
        out.put_slice(&this.buf[this.start..this.start + give]);
        this.start += give;
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Aligned<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// A message stream that keeps each large message's bytes until it is polled again.
pub(crate) struct Held<S> {
    inner: S,
    last_large: Option<Bytes>,
}

impl<S> Held<S> {
    pub(super) fn new(inner: S) -> Held<S> {
        Held {
            inner,
            last_large: None,
        }
    }
}

impl<S> Stream for Held<S>
where
    S: Stream<Item = Result<Message, Error>> + Unpin,
{
    type Item = Result<Message, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let next = Pin::new(&mut this.inner).poll_next(cx);
        // the poll above reserved the next header's room away from the last large message
        this.last_large = None;
        if let Poll::Ready(Some(Ok(Message::Text(t)))) = &next {
            let bytes: &Bytes = t.as_ref();
            if bytes.len() as u64 > LARGE {
                this.last_large = Some(bytes.clone());
            }
        }
        if let Poll::Ready(Some(Ok(Message::Binary(b)))) = &next {
            if b.len() as u64 > LARGE {
                this.last_large = Some(b.clone());
            }
        }
        next
    }
}

#[cfg(test)]
#[global_allocator]
static ALLOC: heap_meter::Counting = heap_meter::Counting;

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;
    use tokio::io::AsyncWriteExt;
    use tokio_tungstenite::tungstenite::protocol::Role;
    use tokio_tungstenite::WebSocketStream;

    fn config() -> tokio_tungstenite::tungstenite::protocol::WebSocketConfig {
        tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
            .read_buffer_size(8 * 1024)
    }

    /// Heap this thread still holds after one 1 MB message was read and dropped, with the
    /// socket open and idle.
    async fn kept_after_a_large_message(release: bool) -> usize {
        let (mut server, socket) = tokio::io::duplex(4 * 1024);
        let before = heap_meter::in_use();
        let write = async {
            let bytes = frame(1_000_000, false);
            server.write_all(&bytes).await.expect("write");
        };
        let kept = if release {
            let ws = WebSocketStream::from_raw_socket(
                Aligned::frames(socket),
                Role::Client,
                Some(config()),
            )
            .await;
            read_then_idle(Held::new(ws), write, before).await
        } else {
            let ws = WebSocketStream::from_raw_socket(socket, Role::Client, Some(config())).await;
            read_then_idle(ws, write, before).await
        };
        drop(server);
        kept
    }

    /// Reads the one message while `write` sends it, drops it, waits while nothing arrives,
    /// and returns the heap held above `before`.
    async fn read_then_idle<S>(
        mut ws: S,
        write: impl std::future::Future<Output = ()>,
        before: usize,
    ) -> usize
    where
        S: Stream<Item = Result<Message, Error>> + Unpin,
    {
        let (_, got) = tokio::join!(write, ws.next());
        assert!(matches!(got, Some(Ok(Message::Text(ref t))) if t.len() == 1_000_000));
        drop(got);
        let idle = tokio::time::timeout(std::time::Duration::from_millis(20), ws.next()).await;
        assert!(idle.is_err(), "nothing more arrives");
        let kept = heap_meter::in_use().saturating_sub(before);
        drop(ws);
        kept
    }

    #[tokio::test(flavor = "current_thread")]
    async fn an_idle_socket_gives_back_a_large_message_s_memory() {
        let plain = kept_after_a_large_message(false).await;
        let released = kept_after_a_large_message(true).await;
        // tungstenite alone keeps the message's allocation (the reason for this module) ...
        assert!(plain > 900_000, "plain tungstenite kept {plain} bytes");
        // ... read through `Aligned` and `Held`, only small buffers stay
        assert!(released < 32 * 1024, "kept {released} bytes");
    }

    fn frame(payload: usize, masked: bool) -> Vec<u8> {
        let mut out = vec![0x81u8];
        let mask = if masked { 0x80 } else { 0 };
        match payload {
            0..=125 => out.push(mask | payload as u8),
            126..=65535 => {
                out.push(mask | 126);
                out.extend_from_slice(&(payload as u16).to_be_bytes());
            }
            _ => {
                out.push(mask | 127);
                out.extend_from_slice(&(payload as u64).to_be_bytes());
            }
        }
        if masked {
            out.extend_from_slice(&[1, 2, 3, 4]);
        }
        out.extend(std::iter::repeat_n(b'x', payload));
        out
    }

    /// The sizes of the reads a stream is cut into, given reads of at most `chunk` bytes.
    fn reads(at: At, stream: &[u8], chunk: usize) -> Vec<usize> {
        let mut at = at;
        let mut out = Vec::new();
        let mut pos = 0;
        while pos < stream.len() {
            let end = (pos + chunk).min(stream.len());
            let n = at.advance(&stream[pos..end]);
            assert!(n > 0);
            out.push(n);
            pos += n;
        }
        out
    }

    #[test]
    fn small_frames_pass_in_whole_reads() {
        let mut stream = Vec::new();
        for _ in 0..20 {
            stream.extend(frame(100, true));
        }
        assert_eq!(reads(At::header(), &stream, 8192), vec![stream.len()]);
    }

    #[test]
    fn a_large_frame_s_header_ends_its_read() {
        for masked in [true, false] {
            let mut stream = frame(50, masked);
            let before = stream.len();
            stream.extend(frame(100_000, masked));
            stream.extend(frame(10, masked));
            let header = 10 + if masked { 4 } else { 0 };
            let r = reads(At::header(), &stream, 8192);
            assert_eq!(r[0], before + header, "{r:?}");
            assert_eq!(r.iter().sum::<usize>(), stream.len());
        }
    }

    #[test]
    fn an_http_head_is_passed_over() {
        let mut stream = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n".to_vec();
        let head = stream.len();
        stream.extend(frame(200_000, false));
        let r = reads(At::HttpHead { matched: 0 }, &stream, 8192);
        assert_eq!(r[0], head + 10, "{r:?}");
    }

    #[test]
    fn headers_split_over_reads_are_followed() {
        let stream = frame(70_000, true);
        let r = reads(At::header(), &stream, 3);
        // 14 header bytes in reads of 3, the last one ending the header
        assert_eq!(&r[..5], &[3, 3, 3, 3, 2]);
    }
}

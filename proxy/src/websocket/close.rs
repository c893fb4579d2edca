//! Close codes and closing handshakes. Whatever ends a connection, each side that can still be
//! written to gets a close frame with a code that says why (RFC 6455 §7.4), and a close is
//! answered before the socket is dropped.

use std::time::Duration;

use futures_util::{Sink, SinkExt, Stream, StreamExt};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{Error, Message};

pub(crate) const GOING_AWAY: u16 = 1001;
pub(crate) const PROTOCOL_ERROR: u16 = 1002;
pub(crate) const INVALID_PAYLOAD: u16 = 1007;
pub(crate) const POLICY: u16 = 1008;
pub(crate) const TOO_BIG: u16 = 1009;
/// What a client hears when the upstream failed. 1014 ("bad gateway") says it best, but common
/// clients (tungstenite among them) refuse it and report a 1002 instead: 1011 is understood by
/// every client.
pub(crate) const UPSTREAM_FAILED: u16 = 1011;

/// The close code (and reason) a read error deserves; `None` when the socket itself failed and
/// no close frame can reach the peer.
pub(crate) fn code_for(e: &Error) -> Option<(u16, String)> {
    match e {
        Error::Capacity(c) => Some((TOO_BIG, format!("message too big: {c}"))),
        Error::Utf8(_) => Some((INVALID_PAYLOAD, "a text message is not valid UTF-8".into())),
        Error::Protocol(p) => Some((PROTOCOL_ERROR, format!("protocol error: {p}"))),
        _ => None,
    }
}

/// A close frame; the reason is cut to the 123 bytes a close frame can carry.
pub(crate) fn frame(code: u16, reason: &str) -> Message {
    let mut end = reason.len().min(123);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    Message::Close(Some(CloseFrame {
        code: CloseCode::from(code),
        reason: reason[..end].into(),
    }))
}

/// The code and reason of a received close frame (1005 when it carried none).
pub(crate) fn received(close: Option<&CloseFrame>) -> (u16, String) {
    close.map_or((1005, String::new()), |c| {
        (u16::from(c.code), c.reason.as_str().to_owned())
    })
}

/// Sends a close frame; false when the socket can no longer be written.
pub(crate) async fn send<K>(tx: &mut K, code: u16, reason: &str) -> bool
where
    K: Sink<Message, Error = Error> + Unpin,
{
    tx.send(frame(code, reason)).await.is_ok()
}

/// Reads (and drops) what still arrives until the peer's close frame, the end of the stream,
/// or `wait`. Returns the peer's close, if it sent one.
pub(crate) async fn answered<R>(rx: &mut R, wait: Duration) -> Option<(u16, String)>
where
    R: Stream<Item = Result<Message, Error>> + Unpin,
{
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, rx.next()).await {
            Ok(Some(Ok(Message::Close(c)))) => return Some(received(c.as_ref())),
            Ok(Some(Ok(_))) => continue,
            _ => return None,
        }
    }
}

/// Closes a whole socket: sends the close and waits (bounded) for the answer.
pub(crate) async fn leave<S>(ws: &mut S, code: u16, reason: &str, wait: Duration)
where
    S: Sink<Message, Error = Error> + Stream<Item = Result<Message, Error>> + Unpin,
{
    if send(ws, code, reason).await {
        answered(ws, wait).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_fit_a_close_frame() {
        let long = "é".repeat(100);
        let Message::Close(Some(c)) = frame(1001, &long) else {
            panic!("a close frame");
        };
        assert!(c.reason.len() <= 123);
        assert!(c.reason.as_str().chars().all(|ch| ch == 'é'));
    }

    #[test]
    fn read_errors_map_to_their_codes() {
        use tokio_tungstenite::tungstenite::error::{CapacityError, ProtocolError};
        let big = Error::Capacity(CapacityError::MessageTooLong {
            size: 10,
            max_size: 5,
        });
        assert_eq!(code_for(&big).map(|c| c.0), Some(TOO_BIG));
        assert_eq!(
            code_for(&Error::Utf8("bad".into())).map(|c| c.0),
            Some(INVALID_PAYLOAD)
        );
        assert_eq!(
            code_for(&Error::Protocol(ProtocolError::UnmaskedFrameFromClient)).map(|c| c.0),
            Some(PROTOCOL_ERROR)
        );
        assert_eq!(code_for(&Error::ConnectionClosed), None);
    }
}

//! Sending a message on. tungstenite copies a whole message into its send buffer, and that
//! buffer keeps its largest size for the life of the connection: one 1 MB answer would leave
//! 1 MB behind on every idle socket. Messages over the fragment size go out as fragments
//! instead (RFC 6455 §5.4 lets an intermediary re-fragment), so no send buffer outgrows one
//! fragment.

use std::time::Duration;

use bytes::Bytes;
use futures_util::{Sink, SinkExt};
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::{Error, Message};

/// Why a message did not go out.
pub(crate) enum Failed {
    /// The socket is closed or broken.
    Closed,
    /// The peer did not take the message within the time given (it stopped reading).
    Stalled,
}

/// Sends `message` within `within`, in fragments of at most `fragment` bytes when it is a
/// larger data message.
pub(crate) async fn message<K>(
    tx: &mut K,
    message: Message,
    fragment: usize,
    within: Duration,
) -> Result<(), Failed>
where
    K: Sink<Message, Error = Error> + Unpin,
{
    match tokio::time::timeout(within, fragmented(tx, message, fragment)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(_)) => Err(Failed::Closed),
        Err(_) => Err(Failed::Stalled),
    }
}

async fn fragmented<K>(tx: &mut K, message: Message, fragment: usize) -> Result<(), Error>
where
    K: Sink<Message, Error = Error> + Unpin,
{
    let fragment = fragment.max(1);
    let (payload, first): (Bytes, Data) = match &message {
        Message::Text(t) if t.len() > fragment => (AsRef::<Bytes>::as_ref(t).clone(), Data::Text),
        Message::Binary(b) if b.len() > fragment => (b.clone(), Data::Binary),
        _ => return tx.send(message).await,
    };
    let mut start = 0;
    while start < payload.len() {
        let end = (start + fragment).min(payload.len());
        let opcode = if start == 0 { first } else { Data::Continue };
        let frame = Frame::message(
            payload.slice(start..end),
            OpCode::Data(opcode),
            end == payload.len(),
        );
        tx.feed(Message::Frame(frame)).await?;
        start = end;
    }
    tx.flush().await
}

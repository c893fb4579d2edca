//! A live WebSocket connection: a reader task moves every frame into an inbox (answering the
//! server's pings as it reads), so the replay can wait for frames with timeouts.

use std::time::Duration;

use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

use crate::Error;

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

#[derive(Debug, Clone)]
pub(crate) enum Incoming {
    /// A text frame (JSON, or a JSON string holding text that was not JSON), and its text as it
    /// arrived (what the validator reads: a key named twice is still there).
    Frame(Value, String),
    /// A binary frame, of this many bytes.
    Binary(usize),
    /// The connection ended, with the close code and reason if there was a close frame.
    Closed(Option<(u16, String)>),
}

/// The HTTP client of a run: every request (connect and answer) ends within `within`.
pub(crate) fn http_client(within: Duration) -> Result<reqwest::Client, Error> {
    reqwest::Client::builder()
        .connect_timeout(within)
        .timeout(within)
        .build()
        .map_err(Error::HttpClient)
}

pub(crate) struct LiveConn {
    sink: SplitSink<Ws, Message>,
    reader: tokio::task::JoinHandle<()>,
}

impl LiveConn {
    /// Connects; every frame the server sends goes to `inbox` tagged with `name`.
    /// Opens a socket; the TCP connect and the handshake together get `within`.
    pub(crate) async fn connect(
        url: &str,
        name: String,
        inbox: mpsc::Sender<(String, Incoming)>,
        within: Duration,
    ) -> Result<LiveConn, Error> {
        let (ws, _) = tokio::time::timeout(within, tokio_tungstenite::connect_async(url))
            .await
            .map_err(|_| Error::HandshakeTimedOut {
                url: url.to_owned(),
                after: within,
            })?
            .map_err(|e| match e {
                tokio_tungstenite::tungstenite::Error::Http(r) => Error::HandshakeRefused {
                    url: url.to_owned(),
                    status: r.status(),
                },
                other => Error::Connect {
                    url: url.to_owned(),
                    source: other,
                },
            })?;
        let (sink, mut stream) = ws.split();
        let tx = inbox;
        let reader = tokio::spawn(async move {
            while let Some(next) = stream.next().await {
                let item = match next {
                    Ok(Message::Text(t)) => Incoming::Frame(
                        serde_json::from_str(t.as_str())
                            .unwrap_or_else(|_| Value::String(t.to_string())),
                        t.as_str().to_owned(),
                    ),
                    Ok(Message::Close(c)) => {
                        let close = c.map(|c| (u16::from(c.code), c.reason.as_str().to_owned()));
                        let _ = tx.send((name, Incoming::Closed(close))).await;
                        return;
                    }
                    Ok(Message::Binary(b)) => Incoming::Binary(b.len()),
                    Ok(_) => continue,
                    Err(_) => break,
                };
                if tx.send((name.clone(), item)).await.is_err() {
                    return;
                }
            }
            let _ = tx.send((name, Incoming::Closed(None))).await;
        });
        Ok(LiveConn { sink, reader })
    }

    pub(crate) async fn send_binary(&mut self, bytes: Vec<u8>) -> Result<(), Error> {
        self.sink
            .send(Message::binary(bytes))
            .await
            .map_err(Error::Send)
    }

    pub(crate) async fn send_text(&mut self, text: String) -> Result<(), Error> {
        self.sink
            .send(Message::text(text))
            .await
            .map_err(Error::Send)
    }

    pub(crate) async fn close(&mut self) {
        let _ = self.sink.send(Message::Close(None)).await;
        let _ = self.sink.close().await;
    }
}

impl Drop for LiveConn {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

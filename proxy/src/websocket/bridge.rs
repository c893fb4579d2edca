//! The loop over one bridged connection. Each message is checked, recorded and sent on before
//! the next is read, so the recording holds every frame a peer received, in order. The loop
//! ends by closing both sides with a code that says why:
//!
//! | what happened | client gets | upstream gets |
//! |---|---|---|
//! | client closed with `c` | the answer to its close | `c` |
//! | upstream closed with `c` | `c` | the answer to its close |
//! | client broke the protocol / too big / bad UTF-8 | 1002 / 1009 / 1007 | 1001 |
//! | upstream broke, vanished, or sent too much | 1011 | 1001 / 1009 |
//! | no message either way for the idle time | 1001 | 1001 |
//! | a request unanswered with the upstream silent | 1011 | 1001 |
//! | the client stopped reading (send time-out) | 1008 | 1001 |
//! | the upstream stopped reading | 1011 | 1001 |
//! | the proxy shuts down | 1001 | 1001 |

use std::sync::Arc;

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use std::time::Duration;

use tokio::time::{sleep_until, Instant};
use tokio_tungstenite::tungstenite::{Error, Message};

use frameproof_schema::Direction;

use super::check::{Checker, Verdict};
use super::close::{self, GOING_AWAY, POLICY, TOO_BIG, UPSTREAM_FAILED};
use super::release::Held;
use super::send::Failed;
use super::{pings, send, Client, Upstream};
use crate::Shared;

/// Why the loop stopped, and what each side is told.
struct Ending {
    /// The close code and reason recorded (what the client was told, or told us).
    recorded: (u16, String),
    /// Send a close to the client (`None`: it closed, or can no longer be written).
    to_client: Option<(u16, String)>,
    to_upstream: Option<(u16, String)>,
    /// Wait for the client's / upstream's close answer.
    await_client: bool,
    await_upstream: bool,
}

struct Legs {
    cl_tx: SplitSink<Client, Message>,
    cl_rx: Held<SplitStream<Client>>,
    up_tx: SplitSink<Upstream, Message>,
    up_rx: Held<SplitStream<Upstream>>,
}

pub(crate) async fn run(
    shared: Arc<Shared>,
    conn: String,
    version: Option<String>,
    client: Client,
    upstream: Upstream,
) {
    let mut checker = Checker::new(shared.clone(), conn.clone(), version.as_deref());
    let (cl_tx, cl_rx) = client.split();
    let (up_tx, up_rx) = upstream.split();
    let mut legs = Legs {
        cl_tx,
        cl_rx: Held::new(cl_rx),
        up_tx,
        up_rx: Held::new(up_rx),
    };
    let ending = forward(&shared, &mut checker, &mut legs).await;
    if let Some(r) = &shared.recorder {
        r.close(&conn, ending.recorded.0, &ending.recorded.1);
    }
    end(&shared, legs, ending).await;
    checker.finish();
}

/// Moves messages both ways until something ends the connection.
async fn forward(shared: &Shared, checker: &mut Checker, legs: &mut Legs) -> Ending {
    let timeouts = &shared.config.timeouts;
    let mut stop = shared.stop.clone();
    let mut client_pings = pings::Forwarded::default();
    let mut server_pings = pings::Forwarded::default();
    let mut waits = Waits {
        idle: timeouts.idle,
        answer: timeouts.upstream_response,
        last_message: Instant::now(),
        waiting_since: None,
    };
    // one timer for both waits, moved only when it fires or must fire earlier: arming a fresh
    // timer for every message would cost on the hot path
    let timer = sleep_until(waits.next());
    tokio::pin!(timer);
    loop {
        let next = waits.next();
        if next < timer.deadline() {
            timer.as_mut().reset(next);
        }
        tokio::select! {
            from_client = legs.cl_rx.next() => {
                waits.last_message = Instant::now();
                let msg = match from_client {
                    Some(Ok(m)) => m,
                    Some(Err(e)) => return client_failed(&e),
                    None => return gone("client went away"),
                };
                let outcome = match msg {
                    Message::Text(t) => match checker.text(Direction::Client, t.clone().into()).await {
                        Verdict::Refuse(answer) => to_client(shared, legs, Message::text(answer)).await,
                        Verdict::Forward => to_upstream(shared, legs, Message::Text(t)).await,
                    },
                    Message::Binary(b) => match checker.binary(Direction::Client, &b) {
                        Verdict::Refuse(answer) => to_client(shared, legs, Message::text(answer)).await,
                        Verdict::Forward => to_upstream(shared, legs, Message::Binary(b)).await,
                    },
                    Message::Ping(p) => {
                        client_pings.sent(&p);
                        to_upstream(shared, legs, Message::Ping(p)).await
                    }
                    Message::Pong(p) if server_pings.answers(&p) => Ok(()),
                    Message::Pong(p) => to_upstream(shared, legs, Message::Pong(p)).await,
                    Message::Close(c) => {
                        let (code, reason) = close::received(c.as_ref());
                        return Ending {
                            recorded: (code, reason.clone()),
                            to_client: None,
                            to_upstream: Some((code, reason)),
                            await_client: false,
                            await_upstream: true,
                        };
                    }
                    Message::Frame(_) => Ok(()),
                };
                if let Err(ending) = outcome {
                    return ending;
                }
                if waits.waiting_since.is_none() && checker.outstanding() > 0 {
                    waits.waiting_since = Some(waits.last_message);
                }
            }
            from_upstream = legs.up_rx.next() => {
                waits.last_message = Instant::now();
                let msg = match from_upstream {
                    Some(Ok(m)) => m,
                    Some(Err(e)) => return upstream_failed(&e),
                    None => return upstream_gone("upstream closed without a close frame"),
                };
                let outcome = match msg {
                    Message::Text(t) => {
                        checker.text(Direction::Server, t.clone().into()).await;
                        to_client(shared, legs, Message::Text(t)).await
                    }
                    Message::Binary(b) => {
                        checker.binary(Direction::Server, &b);
                        to_client(shared, legs, Message::Binary(b)).await
                    }
                    Message::Ping(p) => {
                        server_pings.sent(&p);
                        to_client(shared, legs, Message::Ping(p)).await
                    }
                    Message::Pong(p) if client_pings.answers(&p) => Ok(()),
                    Message::Pong(p) => to_client(shared, legs, Message::Pong(p)).await,
                    Message::Close(c) => {
                        let (code, reason) = close::received(c.as_ref());
                        return Ending {
                            recorded: (code, reason.clone()),
                            to_client: Some((code, reason)),
                            to_upstream: None,
                            await_client: true,
                            await_upstream: false,
                        };
                    }
                    Message::Frame(_) => Ok(()),
                };
                if let Err(ending) = outcome {
                    return ending;
                }
                waits.waiting_since = (checker.outstanding() > 0).then_some(waits.last_message);
            }
            () = &mut timer => {
                if let Some(ending) = waits.expired(Instant::now()) {
                    return ending;
                }
                timer.as_mut().reset(waits.next());
            }
            () = crate::stopping(&mut stop) => {
                return both(GOING_AWAY, "proxy shutting down", GOING_AWAY);
            }
        }
    }
}

/// The two waits of a bridged connection: no message either way for `idle`, and a client request
/// waiting with nothing from the upstream for `answer`.
struct Waits {
    idle: Duration,
    answer: Duration,
    last_message: Instant,
    /// Since when a client request has waited with nothing at all from the upstream.
    waiting_since: Option<Instant>,
}

impl Waits {
    /// When the earlier of the two runs out.
    fn next(&self) -> Instant {
        let idle = self.last_message + self.idle;
        self.waiting_since
            .map_or(idle, |w| idle.min(w + self.answer))
    }

    /// How the connection ends if a wait has run out by `now`.
    fn expired(&self, now: Instant) -> Option<Ending> {
        if now >= self.last_message + self.idle {
            let reason = format!("idle for {} s", self.idle.as_secs());
            return Some(both(GOING_AWAY, &reason, GOING_AWAY));
        }
        let waited_since = self.waiting_since?;
        (now >= waited_since + self.answer).then(|| {
            let reason = format!(
                "the upstream did not answer within {} ms",
                self.answer.as_millis()
            );
            both(UPSTREAM_FAILED, &reason, GOING_AWAY)
        })
    }
}

/// Sends a message to the client; a client that is gone or stopped reading ends the bridge.
async fn to_client(shared: &Shared, legs: &mut Legs, msg: Message) -> Result<(), Ending> {
    let (fragment, within) = (
        shared.config.limits.fragment_bytes,
        shared.config.timeouts.send,
    );
    match send::message(&mut legs.cl_tx, msg, fragment, within).await {
        Ok(()) => Ok(()),
        Err(Failed::Closed) => Err(gone("client went away")),
        Err(Failed::Stalled) => {
            let reason = format!("the client did not read for {} s", within.as_secs());
            Err(Ending {
                recorded: (POLICY, reason.clone()),
                to_client: Some((POLICY, reason.clone())),
                to_upstream: Some((GOING_AWAY, reason)),
                await_client: false,
                await_upstream: true,
            })
        }
    }
}

/// Sends a message to the upstream; an upstream that is gone or stopped reading ends it.
async fn to_upstream(shared: &Shared, legs: &mut Legs, msg: Message) -> Result<(), Ending> {
    let (fragment, within) = (
        shared.config.limits.fragment_bytes,
        shared.config.timeouts.send,
    );
    match send::message(&mut legs.up_tx, msg, fragment, within).await {
        Ok(()) => Ok(()),
        Err(Failed::Closed) => Err(upstream_gone("upstream went away")),
        Err(Failed::Stalled) => {
            let reason = format!("the upstream did not read for {} s", within.as_secs());
            Err(both(UPSTREAM_FAILED, &reason, GOING_AWAY))
        }
    }
}

/// The client's socket failed: a protocol error gets its close code, a vanished one none.
fn client_failed(e: &Error) -> Ending {
    match close::code_for(e) {
        Some((code, reason)) => Ending {
            recorded: (code, reason.clone()),
            to_client: Some((code, reason)),
            to_upstream: Some((GOING_AWAY, "client connection failed".into())),
            await_client: false,
            await_upstream: true,
        },
        None => gone(&format!("client connection failed: {e}")),
    }
}

/// The upstream's socket failed: its client is told 1011 (too big: the upstream gets 1009).
fn upstream_failed(e: &Error) -> Ending {
    let reason = format!("upstream failed: {e}");
    let to_upstream = match close::code_for(e) {
        Some((TOO_BIG, why)) => Some((TOO_BIG, why)),
        Some(_) => Some((GOING_AWAY, "protocol error".into())),
        None => None,
    };
    Ending {
        recorded: (UPSTREAM_FAILED, reason.clone()),
        to_client: Some((UPSTREAM_FAILED, reason)),
        to_upstream,
        await_client: true,
        await_upstream: false,
    }
}

/// The client is gone without a close; the upstream hears 1001.
fn gone(reason: &str) -> Ending {
    Ending {
        recorded: (GOING_AWAY, reason.to_owned()),
        to_client: None,
        to_upstream: Some((GOING_AWAY, reason.to_owned())),
        await_client: false,
        await_upstream: true,
    }
}

/// The upstream is gone without a close; the client hears 1011.
fn upstream_gone(reason: &str) -> Ending {
    Ending {
        recorded: (UPSTREAM_FAILED, reason.to_owned()),
        to_client: Some((UPSTREAM_FAILED, reason.to_owned())),
        to_upstream: None,
        await_client: true,
        await_upstream: false,
    }
}

/// The proxy ends the connection: both sides are told.
fn both(client_code: u16, reason: &str, upstream_code: u16) -> Ending {
    Ending {
        recorded: (client_code, reason.to_owned()),
        to_client: Some((client_code, reason.to_owned())),
        to_upstream: Some((upstream_code, reason.to_owned())),
        await_client: true,
        await_upstream: true,
    }
}

/// Sends the closes and waits (bounded) for their answers, both sides at once. A close the
/// peer sent is answered by tungstenite; flushing sends that answer.
async fn end(shared: &Shared, legs: Legs, ending: Ending) {
    let wait = shared.config.timeouts.close;
    let Legs {
        mut cl_tx,
        mut cl_rx,
        mut up_tx,
        mut up_rx,
    } = legs;
    let client = async {
        if let Some((code, reason)) = &ending.to_client {
            if !close::send(&mut cl_tx, *code, reason).await {
                return;
            }
        }
        let _ = tokio::time::timeout(wait, cl_tx.flush()).await;
        if ending.await_client {
            close::answered(&mut cl_rx, wait).await;
        }
        let _ = tokio::time::timeout(wait, cl_tx.close()).await;
    };
    let upstream = async {
        if let Some((code, reason)) = &ending.to_upstream {
            if !close::send(&mut up_tx, *code, reason).await {
                return;
            }
        }
        let _ = tokio::time::timeout(wait, up_tx.flush()).await;
        if ending.await_upstream {
            close::answered(&mut up_rx, wait).await;
        }
        let _ = tokio::time::timeout(wait, up_tx.close()).await;
    };
    // a peer that stopped reading cannot hold the connection open
    let _ = tokio::time::timeout(wait * 3, async { tokio::join!(client, upstream) }).await;
}

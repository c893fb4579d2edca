//! Exchanges with the contract's RPC endpoint (JSON-RPC over HTTP, MCP's HTTP transport): a
//! request frame (or batch) POSTed, answered by its response frame, by a stream of
//! server-sent events carrying frames, or by nothing (`202 Accepted` for notifications).
//!
//! HTTP carries no connection: each exchange is checked as a session of its own (requests
//! answered, results matching their action), and the contract's ordering rules, which are
//! about one connection, do not apply to it.

use frameproof_schema::Direction;

use crate::compiled::Validator;
use crate::rule::Rule;
use crate::session::Session;
use crate::violation::Violation;

/// The media type of a server-sent event stream.
const EVENT_STREAM: &str = "text/event-stream";

/// The data of each event of a server-sent event stream, in order; events with empty data
/// (a stream's priming event) are left out. Lines end in LF, CRLF or CR (the WHATWG
/// `text/event-stream` grammar); `data:` lines of one event are joined with LF.
pub fn sse_data(stream: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut data: Option<String> = None;
    let normalized = stream.replace("\r\n", "\n").replace('\r', "\n");
    for line in normalized.split('\n') {
        if line.is_empty() {
            if let Some(d) = data.take().filter(|d| !d.is_empty()) {
                out.push(d);
            }
            continue;
        }
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (line, ""),
        };
        if field == "data" {
            match &mut data {
                Some(d) => {
                    d.push('\n');
                    d.push_str(value);
                }
                None => data = Some(value.to_owned()),
            }
        }
    }
    if let Some(d) = data.filter(|d| !d.is_empty()) {
        out.push(d);
    }
    out
}

/// The frames of an RPC endpoint's answer: the body itself, or the events of a server-sent
/// event stream; none for an empty body.
pub fn answer_frames(content_type: Option<&str>, body: &str) -> Vec<String> {
    let streamed = content_type.is_some_and(|t| {
        t.split(';')
            .next()
            .is_some_and(|m| m.trim().eq_ignore_ascii_case(EVENT_STREAM))
    });
    if streamed {
        sse_data(body)
    } else if body.trim().is_empty() {
        Vec::new()
    } else {
        vec![body.to_owned()]
    }
}

impl Validator {
    /// A session for one exchange with the RPC endpoint: ordering rules do not apply.
    pub fn rpc_session(&self) -> Session {
        self.session().without_ordering()
    }

    /// Checks one exchange with the RPC endpoint: the request body as a client frame, the
    /// answer's frames as server frames, then whatever the exchange left unanswered.
    pub fn check_rpc_exchange(
        &self,
        request: &str,
        status: u16,
        content_type: Option<&str>,
        response: &str,
    ) -> Vec<Violation> {
        let mut session = self.rpc_session();
        let mut out = session.observe(Direction::Client, request.as_bytes());
        let frames = answer_frames(content_type, response);
        if frames.is_empty() && !(200..300).contains(&status) {
            out.push(Violation::error(
                Rule::RpcStatus,
                "",
                format!("the RPC endpoint answered HTTP {status} without a response frame"),
            ));
        }
        for frame in frames {
            out.extend(session.observe(Direction::Server, frame.as_bytes()));
        }
        out.extend(session.finish());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_of_a_stream_are_read_as_their_data() {
        let stream = "event: message\nid: 1\ndata: \n\nevent: message\r\ndata: {\"a\":\r\ndata: 1}\r\n\r\n: comment\ndata:{\"b\":2}";
        assert_eq!(sse_data(stream), vec!["{\"a\":\n1}", "{\"b\":2}"]);
    }

    #[test]
    fn an_answer_is_a_body_a_stream_or_nothing() {
        assert_eq!(answer_frames(Some("application/json"), "{}"), vec!["{}"]);
        assert_eq!(
            answer_frames(Some("text/event-stream; charset=utf-8"), "data: {}\n\n"),
            vec!["{}"]
        );
        assert!(answer_frames(None, "  ").is_empty());
    }
}

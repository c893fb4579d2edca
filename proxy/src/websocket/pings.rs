//! One pong per ping. tungstenite answers every ping it reads by itself, so a client's ping is
//! answered by the proxy's leg; the proxy still forwards the ping (the server sees its client
//! alive), and drops the server's pong to it, which would be the second one. The same holds
//! the other way for the server's pings.

use std::collections::VecDeque;

use bytes::Bytes;

/// Pings forwarded and not yet answered, oldest first (bounded: a peer that pings without end
/// cannot grow it).
#[derive(Default)]
pub(crate) struct Forwarded {
    payloads: VecDeque<Bytes>,
}

const REMEMBERED: usize = 32;

impl Forwarded {
    pub(super) fn sent(&mut self, payload: &Bytes) {
        if self.payloads.len() == REMEMBERED {
            self.payloads.pop_front();
        }
        self.payloads.push_back(payload.clone());
    }

    /// Whether a pong answers a forwarded ping (and so was already answered once).
    pub(super) fn answers(&mut self, pong: &Bytes) -> bool {
        match self.payloads.iter().position(|p| p == pong) {
            Some(i) => {
                self.payloads.remove(i);
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pong_is_dropped_once_per_forwarded_ping() {
        let mut f = Forwarded::default();
        let p = Bytes::from_static(b"hb-1");
        f.sent(&p);
        assert!(f.answers(&p));
        assert!(!f.answers(&p), "an unsolicited pong passes");
        for i in 0..100u8 {
            f.sent(&Bytes::from(vec![i]));
        }
        assert!(f.payloads.len() <= REMEMBERED);
    }
}

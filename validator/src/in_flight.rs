//! The requests of one connection still waiting for their response, keyed by correlation id.
//! String ids are keyed by their text and every other id by its JSON, so the string `"1"` and
//! the number `1` stay apart, and a response finds its request without allocating.

use std::sync::Arc;

use crate::compiled::FastMap;
use crate::tape::TapeNode;

/// One request waiting for its response.
pub(crate) struct Pending {
    /// The action, or how a control frame with an id reads (`"ping frame"`).
    pub action: Arc<str>,
    /// A control frame awaiting its acknowledgement, not a request awaiting an action's answer
    /// (its error answers are not held against an action's declared errors).
    pub control: bool,
    /// The frame index of the request.
    pub frame: u64,
    /// The subscription (its id as JSON) the request ends, for an action that closes one.
    pub closes: Option<String>,
}

/// A correlation key: the id, and with multiplexed sessions the session it belongs to.
#[derive(Clone, Copy)]
pub(crate) struct Key<'a> {
    pub scope: Option<TapeNode<'a>>,
    pub id: TapeNode<'a>,
}

impl<'a> Key<'a> {
    /// Composite keys live with the JSON-keyed ids, as `id <US> scope`.
    fn composite(&self) -> Option<String> {
        self.scope
            .map(|scope| format!("{}\u{1f}{}", show(self.id), show(scope)))
    }

    /// How the key reads in a message.
    pub(crate) fn show(&self) -> String {
        match self.scope {
            Some(scope) => format!("{} in session {}", show(self.id), show(scope)),
            None => show(self.id),
        }
    }
}

#[derive(Default)]
pub(crate) struct InFlight {
    by_text: FastMap<String, Pending>,
    by_json: FastMap<String, Pending>,
}

/// An id as it reads in a message: its JSON.
pub(crate) fn show(id: TapeNode<'_>) -> String {
    id.to_value().to_string()
}

impl InFlight {
    pub(crate) fn len(&self) -> usize {
        self.by_text.len() + self.by_json.len()
    }

    pub(crate) fn get(&self, key: Key<'_>) -> Option<&Pending> {
        if let Some(k) = key.composite() {
            return self.by_json.get(&k);
        }
        match key.id.str() {
            Some(s) => self.by_text.get(s),
            None => self.by_json.get(&show(key.id)),
        }
    }

    /// Adds a request unless its key is already waiting.
    pub(crate) fn insert(&mut self, key: Key<'_>, pending: Pending) {
        let map = match (key.composite(), key.id.str()) {
            (Some(k), _) => self.by_json.entry(k),
            (None, Some(s)) => self.by_text.entry(s.to_owned()),
            (None, None) => self.by_json.entry(show(key.id)),
        };
        map.or_insert(pending);
    }

    pub(crate) fn remove(&mut self, key: Key<'_>) -> Option<Pending> {
        if let Some(k) = key.composite() {
            return self.by_json.remove(&k);
        }
        match key.id.str() {
            Some(s) => self.by_text.remove(s),
            None => self.by_json.remove(&show(key.id)),
        }
    }

    /// What is left, in the order the requests were sent, each with its id as JSON.
    pub(crate) fn into_sorted(self) -> Vec<(String, Pending)> {
        let mut left: Vec<(String, Pending)> = self
            .by_text
            .into_iter()
            .map(|(s, p)| (serde_json::Value::String(s).to_string(), p))
            .chain(
                self.by_json
                    .into_iter()
                    .map(|(k, p)| (k.replace('\u{1f}', " in session "), p)),
            )
            .collect();
        left.sort_by_key(|(_, p)| p.frame);
        left
    }
}

//! The requests of one connection still waiting for their response, keyed by correlation id.
//! String ids are keyed by their text and every other id by its JSON, so the string `"1"` and
//! the number `1` stay apart, and a response finds its request without allocating.

use std::sync::Arc;

use crate::compiled::FastMap;
use crate::tape::TapeNode;

/// One request waiting for its response.
pub(crate) struct Pending {
    /// The action (or `"ping frame"` for a control frame with an id).
    pub action: Arc<str>,
    /// The frame index of the request.
    pub frame: u64,
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

    pub(crate) fn get(&self, id: TapeNode<'_>) -> Option<&Pending> {
        match id.str() {
            Some(s) => self.by_text.get(s),
            None => self.by_json.get(&show(id)),
        }
    }

    /// Adds a request unless its id is already waiting.
    pub(crate) fn insert(&mut self, id: TapeNode<'_>, pending: Pending) {
        let map = match id.str() {
            Some(s) => self.by_text.entry(s.to_owned()),
            None => self.by_json.entry(show(id)),
        };
        map.or_insert(pending);
    }

    pub(crate) fn remove(&mut self, id: TapeNode<'_>) -> Option<Pending> {
        match id.str() {
            Some(s) => self.by_text.remove(s),
            None => self.by_json.remove(&show(id)),
        }
    }

    /// What is left, in the order the requests were sent, each with its id as JSON.
    pub(crate) fn into_sorted(self) -> Vec<(String, Pending)> {
        let mut left: Vec<(String, Pending)> = self
            .by_text
            .into_iter()
            .map(|(s, p)| (serde_json::Value::String(s).to_string(), p))
            .chain(self.by_json)
            .collect();
        left.sort_by_key(|(_, p)| p.frame);
        left
    }
}

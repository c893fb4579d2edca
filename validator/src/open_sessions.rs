//! The sessions of a capture's open connections, at most [`Limits::max_sessions`] of them. A
//! capture whose connections never close (a recording cut short, a load test) would otherwise
//! keep a session per connection for ever; past the limit the one least recently active is
//! given up, and the caller reports it.
//!
//! Kept in recency order by a list threaded through a slab: finding, touching, adding and
//! giving up a session are O(1) and allocate nothing per frame.
//!
//! [`Limits::max_sessions`]: crate::Limits::max_sessions

use std::collections::HashMap;

use crate::session::Session;

const NONE: usize = usize::MAX;

struct Slot {
    name: String,
    session: Option<Session>,
    /// Less recently active neighbour.
    older: usize,
    /// More recently active neighbour.
    newer: usize,
}

pub(crate) struct OpenSessions {
    by_name: HashMap<String, usize>,
    slots: Vec<Slot>,
    free: Vec<usize>,
    oldest: usize,
    newest: usize,
    max: usize,
}

impl OpenSessions {
    /// At most `max` sessions (at least one).
    pub(crate) fn new(max: usize) -> Self {
        OpenSessions {
            by_name: HashMap::new(),
            slots: Vec::new(),
            free: Vec::new(),
            oldest: NONE,
            newest: NONE,
            max: max.max(1),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.by_name.len()
    }

    /// The session of `name`, now the most recently active.
    pub(crate) fn touch(&mut self, name: &str) -> Option<&mut Session> {
        let at = *self.by_name.get(name)?;
        self.unlink(at);
        self.link_newest(at);
        self.slots.get_mut(at)?.session.as_mut()
    }

    /// Adds the session of `name` as the most recently active. When that makes one too many,
    /// the least recently active is given up and returned.
    pub(crate) fn insert(&mut self, name: String, session: Session) -> Option<(String, Session)> {
        let dropped = if self.len() >= self.max {
            self.pop_oldest()
        } else {
            None
        };
        let slot = Slot {
            name: name.clone(),
            session: Some(session),
            older: NONE,
            newer: NONE,
        };
        let at = match self.free.pop() {
            Some(at) => {
                self.slots[at] = slot;
                at
            }
            None => {
                self.slots.push(slot);
                self.slots.len() - 1
            }
        };
        self.link_newest(at);
        self.by_name.insert(name, at);
        dropped
    }

    /// Takes the session of `name` out (its connection closed).
    pub(crate) fn remove(&mut self, name: &str) -> Option<Session> {
        let at = self.by_name.remove(name)?;
        self.unlink(at);
        self.free.push(at);
        let slot = self.slots.get_mut(at)?;
        slot.name = String::new();
        slot.session.take()
    }

    /// Every session left, by name.
    pub(crate) fn into_sorted(mut self) -> Vec<(String, Session)> {
        let mut left: Vec<(String, Session)> = self
            .slots
            .iter_mut()
            .filter_map(|s| Some((std::mem::take(&mut s.name), s.session.take()?)))
            .collect();
        left.sort_by(|a, b| a.0.cmp(&b.0));
        left
    }

    fn pop_oldest(&mut self) -> Option<(String, Session)> {
        let at = self.oldest;
        let name = self.slots.get(at)?.name.clone();
        let session = self.remove(&name)?;
        Some((name, session))
    }

    fn unlink(&mut self, at: usize) {
        let (older, newer) = (self.slots[at].older, self.slots[at].newer);
        match older {
            NONE => self.oldest = newer,
            o => self.slots[o].newer = newer,
        }
        match newer {
            NONE => self.newest = older,
            n => self.slots[n].older = older,
        }
        self.slots[at].older = NONE;
        self.slots[at].newer = NONE;
    }

    fn link_newest(&mut self, at: usize) {
        self.slots[at].older = self.newest;
        self.slots[at].newer = NONE;
        match self.newest {
            NONE => self.oldest = at,
            n => self.slots[n].newer = at,
        }
        self.newest = at;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Validator;

    #[test]
    fn the_least_recently_active_session_goes_first() {
        let validator = Validator::new(&timetracker::contract()).expect("compiles");
        let mut open = OpenSessions::new(3);
        let mut dropped = Vec::new();
        for name in ["a", "b", "c"] {
            assert!(open.insert(name.into(), validator.session()).is_none());
        }
        assert!(open.touch("a").is_some());
        dropped.extend(open.insert("d".into(), validator.session()).map(|d| d.0));
        assert!(open.remove("c").is_some());
        assert!(open.insert("e".into(), validator.session()).is_none());
        dropped.extend(open.insert("f".into(), validator.session()).map(|d| d.0));
        assert!(open.touch("missing").is_none());
        assert_eq!(dropped, ["b", "a"]);
        assert_eq!(open.len(), 3);
        let left: Vec<String> = open.into_sorted().into_iter().map(|l| l.0).collect();
        assert_eq!(left, ["d", "e", "f"]);
    }
}

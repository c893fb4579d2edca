//! Recorded server frames as expectations, and live frames claimed by them.

use super::*;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Key {
    Response(String),
    Event(String),
    Control(ControlKind),
    Other,
}

pub(super) struct Expectation {
    pub(super) line: u64,
    pub(super) frame: Value,
    pub(super) key: Key,
    pub(super) matched: bool,
}

/// The action a recorded response answers, by its id (recorded ids → actions).
fn answered_by<'a>(
    contract: &'a Contract,
    actions: &'a HashMap<String, String>,
) -> impl Fn(&Value) -> Option<String> + 'a {
    move |frame| {
        let id = contract.response_id(frame)?;
        actions.get(&id_key(id)).cloned()
    }
}

pub(super) fn describe(key: &Key, actions: &HashMap<String, String>) -> String {
    match key {
        Key::Response(id) => match actions.get(id) {
            Some(a) => format!("response {id} (`{a}`)"),
            None => format!("response {id}"),
        },
        Key::Event(n) => format!("event `{n}`"),
        Key::Control(k) => format!("control frame `{k:?}`").to_lowercase(),
        Key::Other => "frame".into(),
    }
}

impl Engine<'_> {
    fn key_of(&self, direction: Direction, frame: &Value) -> Key {
        match self
            .validator
            .check_frame(direction, frame.to_string().as_bytes())
            .kind
        {
            FrameKind::Ok { id } | FrameKind::Error { id, .. } => Key::Response(id_key(&id)),
            FrameKind::Event { name, .. } => Key::Event(name),
            FrameKind::Control { kind, .. } => Key::Control(kind),
            _ => Key::Other,
        }
    }

    pub(super) fn expect(&mut self, line: u64, conn: &str, frame: Value) {
        let key = self.key_of(Direction::Server, &frame);
        if let Key::Response(id) = &key {
            let answer = self
                .conns
                .get_mut(conn)
                .and_then(|c| c.rest_answers.remove(id));
            if let Some((action, status, body)) = answer {
                self.compare_rest_answer(line, conn, &action, &frame, status, &body);
                return;
            }
        }
        self.state(conn).expected.push(Expectation {
            line,
            frame,
            key,
            matched: false,
        });
        // a frame may have arrived before its record was read
        let unclaimed = std::mem::take(&mut self.state(conn).unclaimed);
        for f in unclaimed {
            if !self.claim(conn, &f) {
                self.state(conn).unclaimed.push(f);
            }
        }
    }

    /// Matches a live frame to the first expectation that claims it; records the step.
    fn claim(&mut self, conn: &str, live: &Value) -> bool {
        let key = self.key_of(Direction::Server, live);
        let Some(state) = self.conns.get_mut(conn) else {
            return false;
        };
        let found = state
            .expected
            .iter_mut()
            .find(|e| !e.matched && e.key == key);
        let Some(exp) = found else { return false };
        exp.matched = true;
        let (line, recorded) = (exp.line, exp.frame.clone());
        let step = describe(&key, &state.actions);
        let mut recorded = recorded;
        let _ = self.options.credentials.resolve_value(&mut recorded);
        let answers = answered_by(self.contract, &state.actions);
        let shape = Shape::of(self.contract, &recorded, &answers);
        let diffs = self.bindings.compare(&recorded, live, &shape);
        self.steps.push(if diffs.is_empty() {
            StepResult::pass(Some(line), conn, step)
        } else {
            StepResult::mismatch(Some(line), conn, step, &recorded, live, &diffs)
        });
        true
    }

    /// The frame that arrived on `conn`, unclaimed, closest to an expected one that did not:
    /// of the same kind and name if any (the same event, a response, the same control frame),
    /// then with the fewest differences. Named, with its differences from the recording.
    pub(super) fn closest(
        &self,
        conn: &str,
        expected: &Value,
        key: &Key,
    ) -> Option<(String, Value, Vec<Difference>)> {
        const LOOK_AT: usize = 64;
        let state = self.conns.get(conn)?;
        let mut recorded = expected.clone();
        let _ = self.options.credentials.resolve_value(&mut recorded);
        let answers = answered_by(self.contract, &state.actions);
        let shape = Shape::of(self.contract, &recorded, &answers);
        state
            .unclaimed
            .iter()
            .rev()
            .take(LOOK_AT)
            .map(|live| {
                let live_key = self.key_of(Direction::Server, live);
                let kind_differs = std::mem::discriminant(&live_key) != std::mem::discriminant(key);
                let name_differs = live_key != *key;
                let diffs = self.bindings.differences(&recorded, live, &shape);
                (
                    (kind_differs, name_differs, diffs.len()),
                    live,
                    live_key,
                    diffs,
                )
            })
            .min_by_key(|(rank, ..)| *rank)
            .map(|(_, live, live_key, diffs)| {
                (describe(&live_key, &state.actions), live.clone(), diffs)
            })
    }

    /// What a frame nobody expected is, for its report.
    pub(super) fn unexpected(&self, conn: &str, frame: &Value) -> String {
        let key = self.key_of(Direction::Server, frame);
        let sent = self
            .conns
            .get(conn)
            .is_some_and(|c| matches!(&key, Key::Response(id) if c.actions.contains_key(id)));
        match &key {
            Key::Response(id) if !sent => {
                format!("the server sent a response under id {id}, which the client never sent")
            }
            _ => format!(
                "the server sent {} that the recording does not have",
                describe(&key, &HashMap::new())
            ),
        }
    }

    pub(super) fn outstanding(&self) -> bool {
        self.conns
            .values()
            .any(|c| c.expected.iter().any(|e| !e.matched))
    }

    pub(super) fn take(&mut self, conn: String, item: Incoming) {
        match item {
            Incoming::Frame(f, raw) => {
                self.check_live(&conn, &f, &raw);
                if !self.claim(&conn, &f) {
                    self.state(&conn).unclaimed.push(f);
                }
            }
            Incoming::Closed(close) => {
                // what should have arrived and did not is reported at the next barrier; the
                // close itself when the recording closes (or goes on without closing)
                let state = self.state(&conn);
                state.live = None;
                if !state.closed_by_us {
                    state.server_closed = Some(close);
                }
            }
            Incoming::Binary(n) => self.state(&conn).binary.push(n),
        }
    }
}

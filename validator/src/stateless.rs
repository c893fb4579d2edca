//! Frames of one direction only (`frameproof validate --direction server`). A session pairs a
//! response with its request; with one direction there is nothing to pair, and a session would
//! call every response unknown and every request unanswered. Each frame is checked on its own
//! instead, by its shape; an ok response, which does not say which action it answers, is valid
//! when its data matches any action's response schema, and when it matches none, the closest
//! schema's errors are reported.

use std::cmp::Reverse;

use frameproof_schema::Direction;

use crate::compiled::Validator;
use crate::frame::{schema_violations, FrameCheck};
use crate::rule::Rule;
use crate::tape::TapeNode;
use crate::violation::Violation;

impl Validator {
    /// Checks one frame with no session around it: [`Validator::check_frame`], plus an ok
    /// response's data against the response schema of every action served over the WebSocket.
    /// It is valid when it matches one; otherwise `response.schema` is reported for the action
    /// whose schema it misses least (named in the message). For input of one direction only,
    /// where a response cannot be paired with its request; correlation, subscriptions, tenants
    /// and versions are not checked.
    pub fn check_frame_stateless(&self, direction: Direction, bytes: &[u8]) -> FrameCheck {
        self.check_alone(direction, bytes, true)
    }

    /// An ok response's data against every WebSocket action's response schema.
    pub(crate) fn check_any_response(&self, frame: TapeNode<'_>) -> Vec<Violation> {
        let l = &self.inner.layout;
        let Some(data) = frame.get(&l.res_data) else {
            // the frame's own check says the data is missing
            return Vec::new();
        };
        let mut candidates: Vec<(&str, &crate::compiled::Schema)> = self
            .inner
            .actions
            .iter()
            .filter(|(_, a)| a.websocket)
            .map(|(name, a)| (name.as_str(), &a.response))
            .collect();
        if candidates.iter().any(|(_, schema)| schema.is_valid(data)) {
            return Vec::new();
        }
        // names in order, so the closest of equals is always the same one
        candidates.sort_unstable_by_key(|(name, _)| *name);
        // closest: the fewest errors; of equals, the one whose errors lie deepest (the
        // outer shape matched)
        let closest = candidates
            .into_iter()
            .map(|(name, schema)| {
                let found = schema_violations(
                    schema,
                    data,
                    &l.res_data_ptr,
                    Rule::ResponseSchema,
                    Some(name),
                );
                let deepest = found
                    .iter()
                    .map(|v| v.pointer.matches('/').count())
                    .max()
                    .unwrap_or(0);
                (name, found, deepest)
            })
            .min_by_key(|(_, found, deepest)| (found.len(), Reverse(*deepest)));
        let Some((name, found, _)) = closest else {
            return vec![Violation::error(
                Rule::ResponseSchema,
                l.res_data_ptr.clone(),
                "an ok response, but no action is served over the WebSocket",
            )];
        };
        found
            .into_iter()
            .map(|mut v| {
                let message = format!(
                    "matches no action's response schema (checked statelessly); closest is `{name}`: {}",
                    v.message
                );
                v.set_message(message);
                v
            })
            .collect()
    }
}

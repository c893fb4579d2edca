//! The contract's ordering rules on one connection: which frame comes first in a direction,
//! and what may be sent before a handshake ends ("nothing but identify before ready").
//! Frames are named by their control kind, action or event (see `OrderRule`).

use frameproof_schema::{Direction, OrderRule};

use crate::rule::Rule;
use crate::violation::Violation;

#[derive(Default)]
pub(crate) struct OrderState {
    /// Whether a frame has been seen in each direction (client, server).
    seen: [bool; 2],
    /// For each `Before` rule (by its index among the rules): whether its handshake ended.
    ended: Vec<usize>,
}

fn slot(direction: Direction) -> usize {
    match direction {
        Direction::Client => 0,
        Direction::Server => 1,
    }
}

fn list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl OrderState {
    /// Observes a frame named `name` travelling in `direction`; a rule it breaks is a
    /// violation.
    pub(crate) fn observe(
        &mut self,
        rules: &[OrderRule],
        direction: Direction,
        name: &str,
        out: &mut Vec<Violation>,
    ) {
        let first = !self.seen[slot(direction)];
        self.seen[slot(direction)] = true;
        for (i, rule) in rules.iter().enumerate() {
            match rule {
                OrderRule::First {
                    direction: d,
                    frames,
                } if *d == direction && first && !frames.iter().any(|f| f == name) => {
                    out.push(
                        Violation::error(
                            Rule::SessionOrder,
                            "",
                            format!(
                                "the first {} frame must be {}; this one is `{name}`",
                                d.as_str(),
                                list(frames)
                            ),
                        )
                        .with_item(name),
                    );
                }
                OrderRule::Before {
                    direction: d,
                    only,
                    until,
                } if !self.ended.contains(&i) => {
                    if *d != direction && until.iter().any(|u| u == name) {
                        self.ended.push(i);
                    } else if *d == direction && !only.iter().any(|o| o == name) {
                        out.push(
                            Violation::error(
                                Rule::SessionOrder,
                                "",
                                format!(
                                    "`{name}` was sent before {}; until then the {} sends only {}",
                                    list(until),
                                    d.as_str(),
                                    list(only)
                                ),
                            )
                            .with_item(name),
                        );
                    }
                }
                _ => {}
            }
        }
    }
}

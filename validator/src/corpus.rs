//! A corpus of realistic frames for benchmarks and the memory test: requests, their responses
//! and events of a contract, generated from its schemas (deterministically, from a seed).

use serde_json::{json, Value};

use frameproof_schema::sample::{sample, Rng};
use frameproof_schema::{Contract, Direction, Scope, Template};

/// One frame of the corpus, with what a dispatcher needs to pick its schema.
#[derive(Debug, Clone)]
pub struct CorpusFrame {
    pub direction: Direction,
    pub bytes: Vec<u8>,
    /// `request`, `response` or `event`.
    pub kind: &'static str,
    /// The action (requests, responses) or event name.
    pub name: String,
}

/// About `n` frames between `min` and `max` bytes: request/response pairs of every WebSocket
/// action and events of every kind, interleaved.
pub fn generate(
    contract: &Contract,
    n: usize,
    seed: u64,
    min: usize,
    max: usize,
) -> Vec<CorpusFrame> {
    let mut rng = Rng::new(seed);
    let actions: Vec<&String> = contract
        .actions
        .iter()
        .filter(|(_, a)| a.websocket)
        .map(|(n, _)| n)
        .collect();
    let events: Vec<&String> = contract.events.keys().collect();
    let mut out = Vec::with_capacity(n);
    let mut subscribed: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut id = 0u64;
    let mut attempts = 0u64;
    while out.len() < n && attempts < (n as u64) * 50 {
        attempts += 1;
        if rng.below(3) < 2 {
            let name = actions[rng.below(actions.len() as u64) as usize];
            let spec = &contract.actions[name];
            id += 1;
            let req = json!({"id": format!("r{id}"), "action": name, "payload": sample(&spec.payload, &contract.defs, &mut rng)});
            let res = json!({"id": format!("r{id}"), "status": "ok", "data": sample(&spec.response, &contract.defs, &mut rng)});
            let (a, b) = (req.to_string().into_bytes(), res.to_string().into_bytes());
            if (min..=max).contains(&a.len()) && (min..=max).contains(&b.len()) {
                out.push(CorpusFrame {
                    direction: Direction::Client,
                    bytes: a,
                    kind: "request",
                    name: name.clone(),
                });
                out.push(CorpusFrame {
                    direction: Direction::Server,
                    bytes: b,
                    kind: "response",
                    name: name.clone(),
                });
            }
        } else {
            let name = events[rng.below(events.len() as u64) as usize];
            let spec = &contract.events[name];
            let data = sample(&spec.data, &contract.defs, &mut rng);
            let mut frame = json!({"event": name, "data": data});
            match &spec.scope {
                Scope::Tenant => frame["org_id"] = json!("org_acme"),
                Scope::Topic { pattern } => {
                    if let Ok(t) = Template::parse(pattern) {
                        let values = t
                            .params()
                            .map(|p| {
                                (
                                    p.to_owned(),
                                    frame["data"][p].as_str().unwrap_or("x").to_owned(),
                                )
                            })
                            .collect();
                        let topic = t.render(&values).unwrap_or_default();
                        // a session receives topic events only after subscribing
                        if subscribed.insert(topic.clone()) {
                            out.push(CorpusFrame {
                                direction: Direction::Client,
                                bytes: json!({"type": "subscribe", "topics": [topic.clone()]})
                                    .to_string()
                                    .into_bytes(),
                                kind: "control",
                                name: "subscribe".into(),
                            });
                        }
                        frame["topic"] = Value::String(topic);
                    }
                }
                Scope::Connection | Scope::Subscription { .. } => {}
            }
            let bytes = frame.to_string().into_bytes();
            if (min..=max).contains(&bytes.len()) {
                out.push(CorpusFrame {
                    direction: Direction::Server,
                    bytes,
                    kind: "event",
                    name: name.clone(),
                });
            }
        }
    }
    out
}

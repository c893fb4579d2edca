//! Properties against the reference contract: frames generated from the schemas validate, and
//! single mutations (wrong type, missing required field, unknown field, bad enum value) are
//! rejected with the pointer at the mutated place.

use std::sync::OnceLock;

use frameproof_schema::sample::{sample, Rng};
use frameproof_schema::{Contract, Scope};
use frameproof_validator::{Direction, Validator};
use proptest::prelude::*;
use serde_json::{json, Value};

fn fixture() -> &'static (Contract, Validator) {
    static F: OnceLock<(Contract, Validator)> = OnceLock::new();
    F.get_or_init(|| {
        let c = timetracker::contract();
        let v = Validator::new(&c).expect("compiles");
        (c, v)
    })
}

fn ws_actions(c: &Contract) -> Vec<String> {
    c.actions
        .iter()
        .filter(|(_, a)| a.websocket)
        .map(|(n, _)| n.clone())
        .collect()
}

fn resolve<'a>(c: &'a Contract, schema: &'a Value) -> &'a Value {
    match schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
    {
        Some(name) => c.defs.get(name).map(|s| resolve(c, s)).unwrap_or(schema),
        None => schema,
    }
}

/// Every scalar leaf of a value, as (pointer, value).
fn leaves(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => m
            .iter()
            .for_each(|(k, x)| leaves(x, format!("{at}/{k}"), out)),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| leaves(x, format!("{at}/{i}"), out)),
        _ => out.push(at),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn generated_requests_validate(action in 0usize..64, seed in any::<u64>()) {
        let (c, v) = fixture();
        let actions = ws_actions(c);
        let name = &actions[action % actions.len()];
        let payload = sample(&c.actions[name].payload, &c.defs, &mut Rng::new(seed));
        let frame = json!({"id": "r1", "action": name, "payload": payload});
        let check = v.check_frame(Direction::Client, frame.to_string().as_bytes());
        prop_assert!(check.violations.is_empty(), "{frame}: {:?}", check.violations);
    }

    #[test]
    fn generated_responses_validate_in_a_session(action in 0usize..64, seed in any::<u64>()) {
        let (c, v) = fixture();
        let actions = ws_actions(c);
        let name = &actions[action % actions.len()];
        let mut rng = Rng::new(seed);
        let payload = sample(&c.actions[name].payload, &c.defs, &mut rng);
        let data = sample(&c.actions[name].response, &c.defs, &mut rng);
        // ids are strings in this profile
        let found = v.session().observe(Direction::Client, json!({"id": 7, "action": name, "payload": payload}).to_string().as_bytes());
        prop_assert!(found.iter().any(|x| x.pointer == "/id"));
        let mut s = v.session();
        let mut found = s.observe(Direction::Client, json!({"id": "7", "action": name, "payload": payload}).to_string().as_bytes());
        prop_assert!(found.is_empty(), "{found:?}");
        let response = json!({"id": "7", "status": "ok", "data": data});
        found = s.observe(Direction::Server, response.to_string().as_bytes());
        prop_assert!(found.is_empty(), "{response}: {found:?}");
        prop_assert!(s.finish().is_empty());
    }

    #[test]
    fn generated_events_validate(event in 0usize..64, seed in any::<u64>()) {
        let (c, v) = fixture();
        let names: Vec<&String> = c.events.keys().collect();
        let name = names[event % names.len()];
        let spec = &c.events[name];
        let data = sample(&spec.data, &c.defs, &mut Rng::new(seed));
        let mut frame = json!({"event": name, "data": data});
        match &spec.scope {
            Scope::Tenant => frame["org_id"] = json!("org_acme"),
            Scope::Topic { pattern } => {
                let t = frameproof_schema::Template::parse(pattern).unwrap();
                let values = t.params().map(|p| (p.to_owned(), data[p].as_str().unwrap_or("x").to_owned())).collect();
                frame["topic"] = json!(t.render(&values).unwrap());
            }
            Scope::Connection | Scope::Subscription { .. } => {}
        }
        let check = v.check_frame(Direction::Server, frame.to_string().as_bytes());
        prop_assert!(check.violations.is_empty(), "{frame}: {:?}", check.violations);
    }

    #[test]
    fn a_wrong_type_is_reported_at_its_place(action in 0usize..64, seed in any::<u64>(), pick in any::<usize>()) {
        let (c, v) = fixture();
        let actions = ws_actions(c);
        let name = &actions[action % actions.len()];
        let mut payload = sample(&c.actions[name].payload, &c.defs, &mut Rng::new(seed));
        let mut spots = Vec::new();
        leaves(&payload, String::new(), &mut spots);
        prop_assume!(!spots.is_empty());
        let spot = &spots[pick % spots.len()];
        *payload.pointer_mut(spot).unwrap() = json!({"mutated": [1, 2]});
        let frame = json!({"id": "r1", "action": name, "payload": payload});
        let check = v.check_frame(Direction::Client, frame.to_string().as_bytes());
        let expected = format!("/payload{spot}");
        prop_assert!(check.violations.iter().any(|x| x.pointer == expected), "{frame}: want {expected}, got {:?}", check.violations);
    }

    #[test]
    fn missing_unknown_and_enum_mutations_are_reported(action in 0usize..64, seed in any::<u64>(), kind in 0u8..3, pick in any::<usize>()) {
        let (c, v) = fixture();
        let actions = ws_actions(c);
        let name = &actions[action % actions.len()];
        let schema = resolve(c, &c.actions[name].payload);
        let mut payload = sample(&c.actions[name].payload, &c.defs, &mut Rng::new(seed));
        let required: Vec<String> = schema["required"].as_array().map(|r| r.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect()).unwrap_or_default();
        let enums: Vec<String> = schema["properties"].as_object().map(|p| p.iter()
            .filter(|(k, s)| payload.get(k.as_str()).is_some_and(|v| !v.is_null()) && resolve(c, s).get("enum").is_some())
            .map(|(k, _)| k.clone()).collect()).unwrap_or_default();
        let (expected, keyword) = match kind {
            0 => {
                prop_assume!(!required.is_empty());
                let field = &required[pick % required.len()];
                payload.as_object_mut().unwrap().remove(field);
                ("/payload".to_owned(), "required")
            }
            1 => {
                prop_assume!(schema.get("additionalProperties") == Some(&json!(false)));
                payload.as_object_mut().unwrap().insert("zz_unknown".into(), json!(1));
                ("/payload".to_owned(), "additionalProperties")
            }
            _ => {
                prop_assume!(!enums.is_empty());
                let field = &enums[pick % enums.len()];
                payload[field.as_str()] = json!("zz_not_a_value");
                (format!("/payload/{field}"), "enum")
            }
        };
        let frame = json!({"id": "r1", "action": name, "payload": payload});
        let check = v.check_frame(Direction::Client, frame.to_string().as_bytes());
        prop_assert!(
            check.violations.iter().any(|x| x.pointer == expected && x.keyword.as_deref() == Some(keyword)),
            "{frame}: want {keyword} at {expected}, got {:?}", check.violations
        );
    }
}

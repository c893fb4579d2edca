//! The tape against the reference: `jsonschema` validating `serde_json::Value` (its own
//! representation) is the semantics; validating the same text on a [`Tape`] must agree with it
//! — the same verdict and the same errors, at the same instance and schema paths — on values
//! generated from every schema of the reference contract and on single mutations of them.

use std::sync::OnceLock;

use frameproof_schema::sample::{sample, Rng};
use frameproof_schema::Contract;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

use crate::compiled::{compile, Schema};
use crate::tape::{Tape, TapeNode};

struct Pair {
    at: String,
    schema: Value,
    reference: jsonschema::Validator,
    tape: Schema,
}

fn fixture() -> &'static (Contract, Vec<Pair>) {
    static F: OnceLock<(Contract, Vec<Pair>)> = OnceLock::new();
    F.get_or_init(|| {
        let c = timetracker::contract();
        let mut schemas: Vec<(String, Value)> = Vec::new();
        for (name, a) in &c.actions {
            schemas.push((format!("{name} payload"), a.payload.clone()));
            schemas.push((format!("{name} response"), a.response.clone()));
        }
        for (name, e) in &c.events {
            schemas.push((format!("{name} data"), e.data.clone()));
        }
        for (i, ctl) in c.envelope.control.iter().enumerate() {
            schemas.push((format!("control {i}"), ctl.schema.clone()));
        }
        for (name, d) in &c.defs {
            schemas.push((format!("$defs/{name}"), d.clone()));
        }
        let pairs = schemas
            .into_iter()
            .map(|(at, schema)| {
                let reference = jsonschema::draft202012::options()
                    .should_validate_formats(true)
                    .with_pattern_options(jsonschema::PatternOptions::regex())
                    .build(&c.standalone(&schema))
                    .expect("the reference compiles");
                let tape = compile(&c, &at, &schema).expect("the tape validator compiles");
                Pair {
                    at,
                    schema,
                    reference,
                    tape,
                }
            })
            .collect();
        (c, pairs)
    })
}

/// Every place in a value, as a path of member names and indices.
fn places(v: &Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                at.push(k.clone());
                places(x, at, out);
                at.pop();
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                at.push(i.to_string());
                places(x, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn at_mut<'v>(v: &'v mut Value, path: &[String]) -> Option<&'v mut Value> {
    path.iter().try_fold(v, |v, seg| match v {
        Value::Object(m) => m.get_mut(seg),
        Value::Array(a) => seg.parse::<usize>().ok().and_then(|i| a.get_mut(i)),
        _ => None,
    })
}

/// Values a mutation puts in place of another: every JSON type, strings that need escapes,
/// numbers at the edges of the integer types and of `f64`.
fn replacement(rng: &mut Rng) -> Value {
    let options = [
        Value::Null,
        json!(true),
        json!(0),
        json!(-1),
        json!(1.5),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(1e300),
        json!(""),
        json!("not-a-date"),
        json!("2026-11-23T10:00:00Z"),
        json!("quote \" backslash \\ newline \n tab \t été ☃"),
        json!([]),
        json!([1, "two", null]),
        json!({}),
        json!({"unknown": 1}),
        json!("x".repeat(300)),
    ];
    options[rng.below(options.len() as u64) as usize].clone()
}

/// One mutation at a random place: replace the value, remove a member, add an unknown member
/// (its name sometimes needing escapes), or drop an array element.
fn mutate(value: &mut Value, rng: &mut Rng) {
    let mut all = Vec::new();
    places(value, &mut Vec::new(), &mut all);
    let path = all[rng.below(all.len() as u64) as usize].clone();
    let kind = rng.below(4);
    let replacement = replacement(rng);
    let Some(target) = at_mut(value, &path) else {
        return;
    };
    match (kind, target) {
        (1, Value::Object(m)) if !m.is_empty() => {
            let key = m.keys().nth(rng.below(m.len() as u64) as usize).cloned();
            if let Some(k) = key {
                m.remove(&k);
            }
        }
        (2, Value::Object(m)) => {
            let name = if rng.coin() {
                "extra"
            } else {
                "ex\"tra\n\u{e9}"
            };
            m.insert(name.to_owned(), replacement);
        }
        (3, Value::Array(a)) if !a.is_empty() => {
            a.remove(rng.below(a.len() as u64) as usize);
        }
        (_, target) => *target = replacement,
    }
}

/// What an error says, representation aside.
fn described(e: &jsonschema::ValidationError<'_>) -> (String, String, String) {
    (
        e.instance_path().to_string(),
        e.schema_path().to_string(),
        e.to_string(),
    )
}

fn agree(pair: &Pair, value: &Value) -> Result<(), TestCaseError> {
    let text = value.to_string();
    let mut tape = Tape::default();
    let doc = tape
        .parse(&text, 128)
        .map_err(|e| TestCaseError::fail(format!("{text}: {e:?}")))?;
    let node: TapeNode<'_> = doc.root();
    let expected = pair.reference.is_valid(value);
    prop_assert_eq!(
        pair.tape.is_valid(node),
        expected,
        "verdict on {} for {}",
        text,
        &pair.at
    );
    let want: Vec<_> = pair
        .reference
        .iter_errors(value)
        .map(|e| described(&e))
        .collect();
    let got: Vec<_> = pair.tape.iter_errors(node).map(|e| described(&e)).collect();
    prop_assert_eq!(&got, &want, "errors on {} for {}", text, &pair.at);
    // the tape's own lookups and equality (the envelope's dispatch uses them) agree with the
    // value's, everywhere in it
    let mut all = Vec::new();
    places(value, &mut Vec::new(), &mut all);
    let probes: Vec<Value> = (0..24).map(|i| replacement(&mut Rng::new(i))).collect();
    for path in &all {
        let sub = frameproof_schema::pointer::get(value, path);
        let found = node.get(path);
        let owned = found.map(|n| n.to_value());
        prop_assert_eq!(owned.as_ref(), sub, "at {:?} of {}", path, text);
        if let (Some(n), Some(sub)) = (found, sub) {
            prop_assert!(n.equals(sub));
            for probe in &probes {
                prop_assert_eq!(n.equals(probe), jsonschema::json::cmp::equal(sub, probe));
            }
        }
    }
    // a value loaded from its owned form (REST bodies) reads the same
    let mut loaded = Tape::default();
    prop_assert_eq!(pair.tape.is_valid(loaded.load(value).root()), expected);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn generated_values_agree(which in any::<usize>(), seed in any::<u64>()) {
        let (c, pairs) = fixture();
        let pair = &pairs[which % pairs.len()];
        let value = sample(&pair.schema, &c.defs, &mut Rng::new(seed));
        prop_assert!(pair.reference.is_valid(&value), "the sample of {} is valid", &pair.at);
        agree(pair, &value)?;
    }

    #[test]
    fn mutated_values_agree(which in any::<usize>(), seed in any::<u64>(), times in 1usize..4) {
        let (c, pairs) = fixture();
        let pair = &pairs[which % pairs.len()];
        let mut rng = Rng::new(seed);
        let mut value = sample(&pair.schema, &c.defs, &mut rng);
        for _ in 0..times {
            mutate(&mut value, &mut rng);
        }
        agree(pair, &value)?;
    }

    #[test]
    fn any_json_agrees(which in any::<usize>(), value in any_json()) {
        let (_, pairs) = fixture();
        agree(&pairs[which % pairs.len()], &value)?;
    }
}

/// Arbitrary JSON, a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e12f64..1e12).prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(("[a-z_\"\\\\]{0,8}", inner), 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<String, Value>>())),
        ]
    })
}

#[test]
fn every_schema_of_the_reference_contract_is_covered() {
    let (c, pairs) = fixture();
    let expected = 2 * c.actions.len() + c.events.len() + c.envelope.control.len() + c.defs.len();
    assert_eq!(pairs.len(), expected);
}

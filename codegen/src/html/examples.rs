//! The example frames the page shows: from recorded transcripts when given, else built from
//! the schemas (a schema's own `examples` first, a generated sample for the rest), with an ok
//! response that echoes its request.

use std::collections::BTreeMap;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use frameproof_schema::sample::{sample, Rng};
use frameproof_schema::transcript::TranscriptReader;
use frameproof_schema::{ActionSpec, Contract, Direction, EventSpec};
use serde_json::Value;

use crate::asyncapi::seed_of;
use crate::schema_util::{resolve, Frames};

/// The longest transcript line read (longer lines are skipped): the validator's default.
const MAX_LINE: usize = 32 * 1024 * 1024 + 64 * 1024;

/// What the transcripts of a directory recorded first for each action and event.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordedExamples {
    /// Action → its first recorded payload.
    payloads: BTreeMap<String, Value>,
    /// Action → the data of the first ok response recorded for it.
    responses: BTreeMap<String, Value>,
    /// Event → its first recorded frame.
    events: BTreeMap<String, Value>,
    /// Lines that could not be read, as `file: line N: why` (they were skipped).
    pub skipped: Vec<String>,
}

/// A transcript directory that cannot be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ExamplesError {
    /// The directory or one of its transcripts cannot be listed or opened.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The directory when listing it failed, else the transcript file.
        path: PathBuf,
        /// What the operating system reported.
        source: std::io::Error,
    },
    /// A transcript whose header cannot be read (not a transcript, or an unknown format).
    #[error("{path}: {message}")]
    Transcript {
        /// The transcript file.
        path: PathBuf,
        /// What is wrong with its header.
        message: String,
    },
}

impl RecordedExamples {
    /// Reads every `*.jsonl` transcript of `dir`, in file-name order (so the same directory
    /// gives the same page).
    pub fn from_dir(contract: &Contract, dir: &Path) -> Result<RecordedExamples, ExamplesError> {
        let io = |source| ExamplesError::Io {
            path: dir.to_path_buf(),
            source,
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(io)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
            .collect();
        files.sort();
        let mut examples = RecordedExamples::default();
        for path in files {
            examples.read_file(contract, &path)?;
        }
        Ok(examples)
    }

    fn read_file(&mut self, contract: &Contract, path: &Path) -> Result<(), ExamplesError> {
        let file = std::fs::File::open(path).map_err(|source| ExamplesError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let (_, mut reader) =
            TranscriptReader::open(BufReader::new(file), MAX_LINE).map_err(|e| {
                ExamplesError::Transcript {
                    path: path.to_path_buf(),
                    message: e.to_string(),
                }
            })?;
        // (connection, request id) → action: a response names only the id it answers
        let mut asked: BTreeMap<(String, String), String> = BTreeMap::new();
        while let Some(next) = reader.next_record() {
            let record = match next {
                Ok((_, record)) => record,
                Err(e) => {
                    self.skipped.push(format!("{}: {e}", path.display()));
                    if e.fatal {
                        break;
                    }
                    continue;
                }
            };
            let (Some(dir), Some(frame)) = (record.dir, record.frame) else {
                continue;
            };
            match dir {
                Direction::Client => self.client_frame(contract, &record.conn, frame, &mut asked),
                Direction::Server => self.server_frame(contract, &record.conn, frame, &asked),
            }
        }
        Ok(())
    }

    fn client_frame(
        &mut self,
        contract: &Contract,
        conn: &str,
        frame: Value,
        asked: &mut BTreeMap<(String, String), String>,
    ) {
        let Some(action) = contract.request_action(&frame).map(str::to_owned) else {
            return;
        };
        if !contract.actions.contains_key(&action) {
            return;
        }
        if let Some(id) = contract.request_id(&frame) {
            asked.insert((conn.to_owned(), id.to_string()), action.clone());
        }
        if let Some(payload) = contract.request_payload(&frame) {
            self.payloads
                .entry(action)
                .or_insert_with(|| payload.clone());
        }
    }

    fn server_frame(
        &mut self,
        contract: &Contract,
        conn: &str,
        frame: Value,
        asked: &BTreeMap<(String, String), String>,
    ) {
        if let Some(name) = contract.event_name(&frame) {
            if contract.events.contains_key(name) && !self.events.contains_key(name) {
                self.events.insert(name.to_owned(), frame);
            }
            return;
        }
        let Some(id) = contract.response_id(&frame) else {
            return;
        };
        let Some(action) = asked.get(&(conn.to_owned(), id.to_string())) else {
            return;
        };
        if contract.frame_error(&frame).is_some() {
            return;
        }
        if let Some(data) = contract.response_data(&frame) {
            self.responses
                .entry(action.clone())
                .or_insert_with(|| data.clone());
        }
    }

    /// How many actions and events have a recorded example.
    pub fn counts(&self) -> (usize, usize) {
        (self.payloads.len(), self.events.len())
    }
}

/// An action's example: its payload and the data of its ok response.
pub(super) struct ActionExample {
    pub payload: Value,
    pub response: Value,
}

/// Examples for every action and event of a contract.
pub(super) struct Examples<'a> {
    contract: &'a Contract,
    recorded: &'a RecordedExamples,
}

impl<'a> Examples<'a> {
    pub(super) fn new(contract: &'a Contract, recorded: &'a RecordedExamples) -> Examples<'a> {
        Examples { contract, recorded }
    }

    pub(super) fn action(&self, name: &str, spec: &ActionSpec) -> ActionExample {
        // the seed by name keeps the page deterministic: same contract, same values
        let mut rng = Rng::new(seed_of(name));
        let defs = &self.contract.defs;
        let payload = match self.recorded.payloads.get(name) {
            Some(p) => p.clone(),
            None => with_schema_examples(
                sample(&spec.payload, defs, &mut rng),
                &spec.payload,
                defs,
                0,
            ),
        };
        let response = match self.recorded.responses.get(name) {
            Some(r) => r.clone(),
            None => {
                let generated = with_schema_examples(
                    sample(&spec.response, defs, &mut rng),
                    &spec.response,
                    defs,
                    0,
                );
                echo_request(generated, &payload)
            }
        };
        ActionExample { payload, response }
    }

    pub(super) fn event(&self, name: &str, spec: &EventSpec) -> Value {
        if let Some(frame) = self.recorded.events.get(name) {
            return frame.clone();
        }
        let mut rng = Rng::new(seed_of(name));
        let mut frame = Frames::new(self.contract).sample_event(name, spec, &mut rng);
        let data = self
            .contract
            .event_data(&frame)
            .cloned()
            .unwrap_or(Value::Null);
        let data = with_schema_examples(data, &spec.data, &self.contract.defs, 0);
        set_event_data(self.contract, &mut frame, data);
        frame
    }
}

fn set_event_data(contract: &Contract, frame: &mut Value, data: Value) {
    if let Some(slot) = contract.event_data_mut(frame) {
        *slot = data;
    }
}

/// `value` (a sample of `schema`) with every part whose schema lists `examples` replaced by
/// the first of them: a value a person chose reads better than a generated one.
fn with_schema_examples(
    value: Value,
    schema: &Value,
    defs: &BTreeMap<String, Value>,
    depth: usize,
) -> Value {
    let schema = resolve(schema, defs);
    if depth > 12 {
        return value;
    }
    if let Some(first) = schema
        .get("examples")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    match value {
        Value::Object(mut members) => {
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                for (name, member) in members.iter_mut() {
                    if let Some(member_schema) = props.get(name) {
                        let taken = std::mem::take(member);
                        *member = with_schema_examples(taken, member_schema, defs, depth + 1);
                    }
                }
            }
            Value::Object(members)
        }
        Value::Array(items) => match schema.get("items") {
            Some(item_schema) => Value::Array(
                items
                    .into_iter()
                    .map(|i| with_schema_examples(i, item_schema, defs, depth + 1))
                    .collect(),
            ),
            None => Value::Array(items),
        },
        other => other,
    }
}

/// A generated response with the request's values where the member names match and the
/// kinds agree (a `projects.create` answers with the name it was sent).
fn echo_request(response: Value, payload: &Value) -> Value {
    let (Value::Object(mut members), Value::Object(sent)) = (response.clone(), payload) else {
        return response;
    };
    for (name, value) in members.iter_mut() {
        if let Some(given) = sent.get(name) {
            if same_kind(value, given) {
                *value = given.clone();
            }
        }
    }
    Value::Object(members)
}

fn same_kind(a: &Value, b: &Value) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

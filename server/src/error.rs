//! What a handler answers with when it fails, and why a service refuses to start.

use serde_json::Value;

/// A handler's failure: one of the contract's error codes, a message for people and optional
/// machine-readable details. It travels as the contract's error frame over the socket and as
/// the REST error body, with the code's HTTP status, over HTTP.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    /// One of the contract's error codes (`not_found`); it picks the HTTP status over HTTP.
    pub code: String,
    /// For people, not for machines: clients branch on `code`.
    pub message: String,
    /// Machine-readable details (`None`: the frame or body carries none).
    pub details: Option<Value>,
}

impl Error {
    /// An error with `code` and `message` and no details.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Error {
        Error {
            code: code.into(),
            message: message.into(),
            details: None,
        }
    }

    /// Adds machine-readable details (replacing any set before).
    pub fn with_details(mut self, details: Value) -> Error {
        self.details = Some(details);
        self
    }

    /// A `not_found` error.
    pub fn not_found(message: impl Into<String>) -> Error {
        Error::new("not_found", message)
    }

    /// A `validation_failed` error, the code the service itself answers a payload that breaks its
    /// schema with.
    pub fn validation_failed(message: impl Into<String>) -> Error {
        Error::new("validation_failed", message)
    }

    /// An `internal` error: the handler failed for a reason the caller cannot fix.
    pub fn internal(message: impl Into<String>) -> Error {
        Error::new("internal", message)
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {}

/// Why a service does not start: it must serve the contract, the whole contract, and nothing
/// else.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StartupError {
    /// Actions of the contract that no handler serves.
    #[error("the contract's action(s) {0:?} have no handler")]
    Unhandled(Vec<String>),
    /// Handlers registered for actions the contract does not declare.
    #[error("handler(s) for {0:?}, which the contract does not have")]
    NotInContract(Vec<String>),
    /// The contract does not compile into a validator; the text says why.
    #[error("the contract cannot be validated against: {0}")]
    Contract(String),
}

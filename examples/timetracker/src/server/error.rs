//! The error every layer answers with: a contract error code, a sentence, optional details.

use serde_json::{json, Value};

/// An error as the contract names it. Over the WebSocket it becomes an error response frame;
/// over REST a status (from the contract's error table) and a `{"error": ...}` body.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// A code from `contract.errors`.
    pub code: &'static str,
    /// A sentence for a person.
    pub message: String,
    /// Machine-readable detail (for `validation_failed`: `{"errors": [{pointer, message}]}`).
    pub details: Option<Value>,
}

impl ApiError {
    pub fn new(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
            details: None,
        }
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new("not_found", message)
    }

    pub fn conflict(message: impl Into<String>) -> ApiError {
        ApiError::new("conflict", message)
    }

    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new("forbidden", message)
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new("bad_request", message)
    }

    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new("unauthorized", message)
    }

    pub fn token_expired(message: impl Into<String>) -> ApiError {
        ApiError::new("token_expired", message)
    }

    pub fn unknown_action(message: impl Into<String>) -> ApiError {
        ApiError::new("unknown_action", message)
    }

    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new("internal", message)
    }

    /// `validation_failed` with one `{pointer, message}` entry in the details.
    pub fn invalid(pointer: &str, message: impl Into<String>) -> ApiError {
        let message = message.into();
        let detail = json!({ "pointer": pointer, "message": message });
        ApiError::invalid_all(message, vec![detail])
    }

    /// `validation_failed` with a list of `{pointer, message}` entries.
    pub fn invalid_all(message: impl Into<String>, errors: Vec<Value>) -> ApiError {
        ApiError {
            code: "validation_failed",
            message: message.into(),
            details: Some(json!({ "errors": errors })),
        }
    }

    /// The `{code, message, details?}` object both transports carry.
    /// The error object in the contract's layout (over the socket inside an error frame,
    /// over REST inside the REST error body).
    pub fn body(&self, contract: &frameproof::Contract) -> Value {
        contract.error_object(self.code, &self.message, self.details.clone())
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for ApiError {}

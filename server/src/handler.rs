//! Typed handlers behind one boxed signature: the payload is deserialized into the action's
//! type, the handler's response serialized back; the dispatcher only sees JSON.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use frameproof_schema::Action;

use crate::ctx::Ctx;
use crate::error::Error;

pub(crate) type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// A handler as the dispatcher holds it.
pub(crate) type BoxHandler =
    Arc<dyn Fn(Ctx, Value) -> BoxFuture<Result<Value, Error>> + Send + Sync>;

/// Wraps a typed handler. A payload that does not deserialize (the contract's schema let it
/// through, the Rust type did not) is `validation_failed`; a response that does not serialize
/// is `internal`.
pub(crate) fn boxed<A, F, Fut>(f: F) -> BoxHandler
where
    A: Action + DeserializeOwned + Send + 'static,
    A::Response: Serialize,
    F: Fn(Ctx, A) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<A::Response, Error>> + Send + 'static,
{
    let f = Arc::new(f);
    Arc::new(move |ctx: Ctx, mut payload: Value| {
        let f = f.clone();
        Box::pin(async move {
            // `5.0` is the integer 5 to the contract: a `u32` field takes it too
            frameproof_schema::wire::integral_numbers(&mut payload);
            let request: A = serde_json::from_value(payload).map_err(|e| {
                Error::validation_failed(format!(
                    "the payload does not fit `{}`: {e}",
                    A::META.name
                ))
            })?;
            let response = f(ctx, request).await?;
            serde_json::to_value(response)
                .map_err(|e| Error::internal(format!("the response does not serialize: {e}")))
        }) as BoxFuture<Result<Value, Error>>
    })
}

//! JSON columns: how values are written and read back.

use crate::{Result, StoreError};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

pub(crate) fn to_json<T: Serialize + ?Sized>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(format!("cannot encode JSON: {e}")))
}

pub(crate) fn from_json<T: DeserializeOwned>(s: &str, what: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("stored {what} is not valid: {e}")))
}

/// Text of a JSON value as stored, and the value as read back from that text: chains hash
/// the read-back value, so that verifying (which can only read the text) recomputes exactly
/// the same hash even where float parsing is not bit-exact.
pub(crate) fn stored_json(v: &Value) -> Result<(String, Value)> {
    let text = to_json(v)?;
    let back = from_json(&text, "JSON")?;
    Ok((text, back))
}

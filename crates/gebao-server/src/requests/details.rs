//! What a request asks, by kind, as stored in its (encrypted) `details`: the values of a
//! correction (PIPL 46), the destination of a portability request (PIPL 45), the consents
//! to withdraw (PIPL 15), the automated decision to explain (PIPL 24, 48), a complaint's
//! text. Validated once at intake; read back with [`Details::of`].

use gebao_core::decision::ConsentScope;
use gebao_core::ids::FieldId;
use gebao_store::RightsRequest;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One correction: every declared, correctable column of `field` gets `value`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Correction {
    pub field: FieldId,
    pub value: Value,
}

/// The details of a request; each kind uses its own keys (checked at intake).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Details {
    /// correction
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<Correction>,
    /// portability: where to send the data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
    /// withdrawal: the consents withdrawn.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<ConsentScope>,
    /// explanation: the purpose whose automated decision is to be explained (all when
    /// absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// explanation: also opt out of personalisation (PIPL 24(2)).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub opt_out: bool,
    /// complaint: what the user complains about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// deletion: only these fields (all the subject's PI when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldId>,
    /// Why, in the user's words (deletion, restriction, cancellation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Details {
    /// The details of a stored request (empty once erased with the subject).
    pub fn of(req: &RightsRequest) -> Details {
        serde_json::from_value(req.details.clone()).unwrap_or_default()
    }

    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

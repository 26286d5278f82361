//! What a request asks, by kind, as stored in its (encrypted) `details`: the values of a
//! correction (PIPL 46), the destination of a portability request (PIPL 45), the consents
//! to withdraw (PIPL 15), the automated decision to explain (PIPL 24, 48), a complaint's
//! text. One variant per kind, validated once at intake and read back typed: a stored value
//! that does not parse is an error, never a default that would widen what is erased.

use super::error::RequestError;
use gebao_core::decision::ConsentScope;
use gebao_core::ids::FieldId;
use gebao_core::requests::RequestKind;
use gebao_store::RightsRequest;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One correction: every declared, correctable column of `field` gets `value`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    pub field: FieldId,
    pub value: Value,
}

/// The details of a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Details {
    Access,
    Copy,
    /// Where the copy is sent (an allowlisted destination).
    Portability {
        destination: String,
    },
    Correction {
        corrections: Vec<Correction>,
    },
    /// Only `fields` when given; all the subject's information otherwise.
    Deletion {
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        fields: Vec<FieldId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    Restriction {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    Withdrawal {
        scopes: Vec<ConsentScope>,
    },
    Cancellation {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// The purpose whose automated decision is explained (all when absent), and whether
    /// personalisation is turned off too (PIPL 24(2)).
    Explanation {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        purpose: Option<String>,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        opt_out: bool,
    },
    Complaint {
        text: String,
    },
}

impl Details {
    /// The kind these details belong to.
    pub fn kind(&self) -> RequestKind {
        match self {
            Details::Access => RequestKind::Access,
            Details::Copy => RequestKind::Copy,
            Details::Portability { .. } => RequestKind::Portability,
            Details::Correction { .. } => RequestKind::Correction,
            Details::Deletion { .. } => RequestKind::Deletion,
            Details::Restriction { .. } => RequestKind::Restriction,
            Details::Withdrawal { .. } => RequestKind::Withdrawal,
            Details::Cancellation { .. } => RequestKind::Cancellation,
            Details::Explanation { .. } => RequestKind::Explanation,
            Details::Complaint { .. } => RequestKind::Complaint,
        }
    }

    /// The details of a stored request. `Err` when they were erased with the subject, do not
    /// parse, or belong to another kind: work never proceeds on a guess.
    pub fn of(req: &RightsRequest) -> Result<Details, RequestError> {
        let corrupt = |why: String| {
            RequestError::Store(gebao_store::StoreError::Corrupt(format!("details of request `{}`: {why}", req.id)))
        };
        if req.details.is_null() {
            return Err(corrupt("they were erased with the subject".into()));
        }
        let d: Details = serde_json::from_value(req.details.clone()).map_err(|e| corrupt(e.to_string()))?;
        if d.kind() != req.kind {
            return Err(corrupt(format!("they are for a {} request", d.kind().as_str())));
        }
        Ok(d)
    }

    /// The error for details of another kind than their request's (cannot happen after
    /// [`Details::of`]; kept total rather than panicking).
    pub fn mismatch(req: &RightsRequest) -> RequestError {
        RequestError::Store(gebao_store::StoreError::Corrupt(format!(
            "details of request `{}` do not match its kind",
            req.id
        )))
    }

    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn stored_form_round_trips_and_refuses_guesses() {
        let d = Details::Deletion { fields: vec![FieldId("phone".into())], reason: None };
        assert_eq!(d.to_value(), json!({"kind": "deletion", "fields": ["phone"]}));
        assert_eq!(serde_json::from_value::<Details>(d.to_value()).unwrap(), d);
        // A field that does not belong, or a wrong shape, is refused rather than ignored.
        assert!(serde_json::from_value::<Details>(json!({"kind": "deletion", "field": ["phone"]})).is_err());
        assert!(serde_json::from_value::<Details>(json!({"kind": "deletion", "fields": "phone"})).is_err());
    }
}

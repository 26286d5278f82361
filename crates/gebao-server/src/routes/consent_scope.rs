//! What a consent is about, as the API spells it, and its validation against the manifest
//! in force: a purpose, recipient or cookie category the policy does not declare is
//! refused (422 naming the field), so the ledger never records consent to something the
//! user was not told about (PIPL 14, 17).

use super::schema::{CookieCategoryName, SeparateKindName};
use crate::error::ApiError;
use crate::messages;
use gebao_core::Manifest;
use gebao_core::decision::{ConsentScope, SeparateKind};
use gebao_core::ids::{PurposeId, RecipientId};
use gebao_core::manifest::{CookieCategory, Recipient, RecipientKind, is_outside_mainland};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The object of a consent. Each kind takes only its own keys: any other is refused (422
/// naming it), never ignored.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum ScopeBody {
    /// A consent-based purpose.
    Purpose { purpose: String },
    /// The separate consent (单独同意) for the sensitive PI a purpose uses (PIPL 29).
    Sensitive { purpose: String },
    /// Providing PI to a recipient (PIPL 23), abroad (PIPL 39) or publicly (PIPL 25).
    /// `separate` is `provision`, `cross-border` or `public-disclosure`; it may be left
    /// out when the recipient needs only one of them.
    Recipient {
        recipient: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schema(value_type = Option<SeparateKindName>)]
        separate: Option<String>,
    },
    /// A category of non-essential cookies: `functional`, `analytics` or `advertising`.
    Cookie {
        #[schema(value_type = CookieCategoryName)]
        category: String,
    },
    /// Personalisation from personal characteristics (PIPL 24); withdrawing opts out.
    /// (A struct variant, so that a stray key is refused: serde ignores the rest of the
    /// object of an internally tagged unit variant.)
    Personalisation {},
}

fn separate_name(k: SeparateKind) -> &'static str {
    match k {
        SeparateKind::Provision => "provision",
        SeparateKind::CrossBorder => "cross-border",
        SeparateKind::PublicDisclosure => "public-disclosure",
    }
}

impl From<&ConsentScope> for ScopeBody {
    fn from(s: &ConsentScope) -> Self {
        match s {
            ConsentScope::Purpose { purpose } => ScopeBody::Purpose { purpose: purpose.0.clone() },
            ConsentScope::Sensitive { purpose } => ScopeBody::Sensitive { purpose: purpose.0.clone() },
            ConsentScope::Recipient { recipient, separate } => {
                ScopeBody::Recipient { recipient: recipient.0.clone(), separate: Some(separate_name(*separate).into()) }
            }
            ConsentScope::Cookie { category } => ScopeBody::Cookie { category: category.as_str().into() },
            ConsentScope::Personalisation => ScopeBody::Personalisation {},
        }
    }
}

/// The separate consents a recipient needs, as the decision engine asks for them.
pub(crate) fn needs(r: &Recipient) -> Vec<SeparateKind> {
    let mut v = Vec::new();
    if r.kind == RecipientKind::PublicDisclosure {
        v.push(SeparateKind::PublicDisclosure);
    } else if is_outside_mainland(&r.country) {
        v.push(SeparateKind::CrossBorder);
    }
    if r.is_independent_processor() {
        v.push(SeparateKind::Provision);
    }
    v
}

fn consent_purposes(m: &Manifest) -> Vec<String> {
    m.purposes.iter().filter(|p| p.needs_consent()).map(|p| p.id.0.clone()).collect()
}

/// PIPL 13 (CON-07): only consent-based purposes are granted and withdrawn; the others rest
/// on another ground of art. 13, which a consent or its withdrawal does not change.
fn consent_purpose(m: &Manifest, id: &str) -> Result<PurposeId, ApiError> {
    let p = m
        .purpose(id)
        .ok_or_else(|| ApiError::invalid("scope.purpose", messages::purpose_unknown(id, &consent_purposes(m))))?;
    if !p.needs_consent() {
        let basis = gebao_core::wire_name(p.basis);
        return Err(ApiError::invalid("scope.purpose", messages::purpose_not_consent(id, &basis)));
    }
    Ok(p.id.clone())
}

impl ScopeBody {
    /// Checks the scope against the manifest in force.
    pub fn validate(&self, m: &Manifest) -> Result<ConsentScope, ApiError> {
        match self {
            ScopeBody::Purpose { purpose } => Ok(ConsentScope::Purpose { purpose: consent_purpose(m, purpose)? }),
            // SEN-01 (PIPL 29): a separate consent for a purpose that uses sensitive PI or
            // declares its consent separate.
            ScopeBody::Sensitive { purpose } => {
                let id = consent_purpose(m, purpose)?;
                let p = m.purpose(purpose);
                let wanted = p.is_some_and(|p| p.consent.separate || p.fields.iter().any(|f| m.is_sensitive(f)));
                if !wanted {
                    return Err(ApiError::invalid("scope.purpose", messages::sensitive_not_needed(purpose)));
                }
                Ok(ConsentScope::Sensitive { purpose: id })
            }
            ScopeBody::Recipient { recipient, separate } => recipient_scope(m, recipient, separate.as_deref()),
            ScopeBody::Cookie { category } => {
                let cat = CookieCategory::ALL
                    .into_iter()
                    .find(|c| c.as_str() == category)
                    .ok_or_else(|| ApiError::invalid("scope.category", messages::cookie_unknown(category)))?;
                // COO-02: only non-essential cookies need consent.
                if cat.is_essential() {
                    return Err(ApiError::invalid("scope.category", messages::cookie_essential()));
                }
                if !m.cookies.iter().any(|c| c.category == cat) {
                    return Err(ApiError::invalid("scope.category", messages::cookie_not_declared(category)));
                }
                Ok(ConsentScope::Cookie { category: cat })
            }
            ScopeBody::Personalisation {} => {
                if !m.purposes.iter().any(|p| p.personalised) {
                    return Err(ApiError::invalid("scope.kind", messages::personalisation_none()));
                }
                Ok(ConsentScope::Personalisation)
            }
        }
    }
}

/// PIPL 23, 25, 39: the separate consent a recipient needs. An entrusted processor
/// (PIPL 21) needs none.
fn recipient_scope(m: &Manifest, id: &str, separate: Option<&str>) -> Result<ConsentScope, ApiError> {
    let r = m.recipient(id).ok_or_else(|| {
        let known: Vec<String> = m.recipients.iter().map(|r| r.id.0.clone()).collect();
        ApiError::invalid("scope.recipient", messages::recipient_unknown(id, &known))
    })?;
    let needed = needs(r);
    let names: Vec<String> = needed.iter().map(|k| separate_name(*k).to_owned()).collect();
    if needed.is_empty() {
        return Err(ApiError::invalid("scope.recipient", messages::recipient_needs_no_consent(id)));
    }
    let kind = match separate {
        Some(s) => {
            let k = [SeparateKind::Provision, SeparateKind::CrossBorder, SeparateKind::PublicDisclosure]
                .into_iter()
                .find(|k| separate_name(*k) == s)
                .ok_or_else(|| ApiError::invalid("scope.separate", messages::separate_kind_unknown(s)))?;
            if !needed.contains(&k) {
                return Err(ApiError::invalid("scope.separate", messages::recipient_kind_not_needed(id, s, &names)));
            }
            k
        }
        None => match needed.as_slice() {
            [one] => *one,
            _ => return Err(ApiError::invalid("scope.separate", messages::recipient_kind_ambiguous(id, &names))),
        },
    };
    Ok(ConsentScope::Recipient { recipient: RecipientId(r.id.0.clone()), separate: kind })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(v: serde_json::Value) -> Result<(), (u16, Option<String>)> {
        crate::extract::parse::<ScopeBody>(v.to_string().as_bytes())
            .map(|_| ())
            .map_err(|e| (e.problem().status, e.problem().field))
    }

    #[test]
    fn every_kind_refuses_a_stray_key() {
        use serde_json::json;
        let ok = [
            json!({ "kind": "purpose", "purpose": "p" }),
            json!({ "kind": "sensitive", "purpose": "p" }),
            json!({ "kind": "recipient", "recipient": "r", "separate": "provision" }),
            json!({ "kind": "cookie", "category": "analytics" }),
            json!({ "kind": "personalisation" }),
        ];
        for scope in ok {
            assert!(parse(scope.clone()).is_ok(), "{scope}");
            let mut stray = scope.clone();
            stray["recipient_x"] = json!("x");
            assert_eq!(parse(stray), Err((422, Some("recipient_x".into()))), "{scope}");
        }
        // The review's case: a recipient key on personalisation.
        let r = parse(json!({ "kind": "personalisation", "recipient": "x" }));
        assert_eq!(r, Err((422, Some("recipient".into()))));
        // Nor is the array form serde would take for a tagged enum (the tag first).
        assert_eq!(parse(json!(["purpose", "p"])).map_err(|e| e.0), Err(422));
        // Serialised as before: the unit-like variant has only its kind.
        let v = serde_json::to_value(ScopeBody::Personalisation {}).ok();
        assert_eq!(v, Some(json!({ "kind": "personalisation" })));
    }
}

//! The engine compiled from one policy version, and the decision procedure of part D.

use super::consent::{ConsentScope, SeparateKind};
use super::scopes::ScopeId;
use super::subject::{SubjectStatus, SubjectView};
use crate::calendar::{Calendar, shanghai_date};
use crate::duration::Duration;
use crate::ids::PurposeId;
use crate::manifest::{Audience, LegalBasis, Manifest, RecipientKind, RetentionStart, TeenRule, is_outside_mainland};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Why a decision is deny (`pipl-rules.md` part D), in the order they are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    PurposeUnknown,
    FieldNotDeclared,
    /// The service has stopped (TRM-01; 35273 6.4): only what a legal minimum keeps may be
    /// read.
    ServiceEnded,
    SubjectCancelled,
    SubjectRestricted,
    FieldErased,
    GuardianConsentMissing,
    ConsentMissing,
    ConsentWithdrawn,
    ReconsentRequired,
    SeparateConsentMissing,
    RecipientNotConsented,
    PersonalisationOptedOut,
    RetentionExpired,
}

impl Reason {
    pub const ALL: [Reason; 14] = [
        Reason::PurposeUnknown,
        Reason::FieldNotDeclared,
        Reason::ServiceEnded,
        Reason::SubjectCancelled,
        Reason::SubjectRestricted,
        Reason::FieldErased,
        Reason::GuardianConsentMissing,
        Reason::ConsentMissing,
        Reason::ConsentWithdrawn,
        Reason::ReconsentRequired,
        Reason::SeparateConsentMissing,
        Reason::RecipientNotConsented,
        Reason::PersonalisationOptedOut,
        Reason::RetentionExpired,
    ];

    /// The reason code, e.g. `consent-withdrawn`.
    pub fn code(self) -> &'static str {
        match self {
            Reason::PurposeUnknown => "purpose-unknown",
            Reason::FieldNotDeclared => "field-not-declared",
            Reason::ServiceEnded => "service-ended",
            Reason::SubjectCancelled => "subject-cancelled",
            Reason::SubjectRestricted => "subject-restricted",
            Reason::FieldErased => "field-erased",
            Reason::GuardianConsentMissing => "guardian-consent-missing",
            Reason::ConsentMissing => "consent-missing",
            Reason::ConsentWithdrawn => "consent-withdrawn",
            Reason::ReconsentRequired => "reconsent-required",
            Reason::SeparateConsentMissing => "separate-consent-missing",
            Reason::RecipientNotConsented => "recipient-not-consented",
            Reason::PersonalisationOptedOut => "personalisation-opted-out",
            Reason::RetentionExpired => "retention-expired",
        }
    }
}

/// A question to the engine.
#[derive(Debug, Clone, Copy)]
pub struct DecisionQuery<'a, S: AsRef<str>> {
    pub purpose: &'a str,
    pub fields: &'a [S],
    /// The recipient the data goes to, if any.
    pub recipient: Option<&'a str>,
    /// When the data was collected (Unix ms), to apply retention.
    pub collected_at_ms: Option<i64>,
    /// Now (Unix ms).
    pub now_ms: i64,
}

/// The answer: allow with the legal basis used, or deny with a reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub allow: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basis: Option<LegalBasis>,
    /// What the reason is about (a field, a recipient), on deny.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Decision {
    fn allow(basis: LegalBasis) -> Self {
        Decision { allow: true, reason: None, basis: Some(basis), detail: None }
    }

    fn deny(reason: Reason, detail: Option<&str>) -> Self {
        Decision { allow: false, reason: Some(reason), basis: None, detail: detail.map(str::to_owned) }
    }
}

/// What a recipient of a purpose needs before data may go to it: the scopes of the consents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RecipientNeed {
    /// PIPL 23: another processor needs its own consent (recipient-not-consented).
    provision: Option<ScopeId>,
    /// PIPL 39 / 25: separate consent for abroad or public disclosure.
    separate: Option<ScopeId>,
}

#[derive(Debug, Clone)]
struct CompiledPurpose {
    basis: LegalBasis,
    /// The scopes of the purpose's consent and of its separate consent for sensitive PI.
    consent: ScopeId,
    sensitive_consent: ScopeId,
    fields: HashSet<Box<str>>,
    sensitive: HashSet<Box<str>>,
    recipients: HashMap<Box<str>, RecipientNeed>,
    personalised: bool,
    /// Purposes kept under a legal minimum may still be read after cancellation.
    legal_hold: bool,
    retention_from_collection: Option<Duration>,
    /// Consents older than this policy version must be given again.
    reconsent_since: u32,
}

/// An engine compiled from one manifest (one policy version).
#[derive(Debug, Clone)]
pub struct Engine {
    policy_version: u32,
    purposes: HashMap<Box<str>, CompiledPurpose>,
    personalisation: ScopeId,
    guardian_age: u32,
    teens_need_guardian: bool,
    adults_only: bool,
    /// The working-day calendar retention periods are counted on.
    calendar: Arc<Calendar>,
}

impl Engine {
    /// Compiles a manifest. `reconsent_since` names, per purpose, the policy version of the
    /// last major change affecting it (from `diff::Diff::purposes_needing_reconsent`).
    /// Retention periods are counted on `calendar` ([`Duration::add_to`]), the same calendar
    /// the retention sweep and request deadlines use: give the operator's calendar, or
    /// `Calendar::builtin()`.
    pub fn new(
        m: &Manifest,
        policy_version: u32,
        reconsent_since: &HashMap<PurposeId, u32>,
        calendar: impl Into<Arc<Calendar>>,
    ) -> Self {
        let purposes = m
            .purposes
            .iter()
            .map(|p| {
                let fields: HashSet<Box<str>> = p.fields.iter().map(|f| f.as_str().into()).collect();
                let sensitive = p.fields.iter().filter(|f| m.is_sensitive(f)).map(|f| f.as_str().into()).collect();
                let recipients = m.recipients_of(&p.id).map(|r| (r.id.as_str().into(), recipient_need(r))).collect();
                let retention = p.retention.as_ref();
                let compiled = CompiledPurpose {
                    basis: p.basis,
                    consent: ScopeId::of(&ConsentScope::Purpose { purpose: p.id.clone() }),
                    sensitive_consent: ScopeId::of(&ConsentScope::Sensitive { purpose: p.id.clone() }),
                    fields,
                    sensitive,
                    recipients,
                    personalised: p.personalised,
                    legal_hold: retention.is_some_and(|r| r.legal_minimum.is_some()),
                    retention_from_collection: retention
                        .filter(|r| r.from == RetentionStart::Collection && r.legal_minimum.is_none())
                        .and_then(|r| r.end()),
                    reconsent_since: reconsent_since.get(&p.id).copied().unwrap_or(0),
                };
                (p.id.as_str().into(), compiled)
            })
            .collect();
        Engine {
            policy_version,
            purposes,
            personalisation: ScopeId::of(&ConsentScope::Personalisation),
            guardian_age: u32::from(m.minors.guardian_consent_age),
            teens_need_guardian: m.minors.teen_rule == TeenRule::GuardianConsent,
            adults_only: m.minors.audience == Audience::AdultsOnly,
            calendar: calendar.into(),
        }
    }

    pub fn policy_version(&self) -> u32 {
        self.policy_version
    }

    /// Whether a purpose exists in this policy version.
    pub fn knows(&self, purpose: &str) -> bool {
        self.purposes.contains_key(purpose)
    }

    /// Decides, checking the reasons in the order of part D.
    pub fn decide<S: AsRef<str>>(&self, s: &(impl SubjectView + ?Sized), q: &DecisionQuery<'_, S>) -> Decision {
        self.decide_in(s, q, false)
    }

    /// Decides once the service has stopped: every purpose is denied `service-ended` but
    /// those a legal minimum keeps, which are decided as before.
    pub fn decide_after_end<S: AsRef<str>>(
        &self,
        s: &(impl SubjectView + ?Sized),
        q: &DecisionQuery<'_, S>,
    ) -> Decision {
        self.decide_in(s, q, true)
    }

    fn decide_in<S: AsRef<str>>(
        &self,
        s: &(impl SubjectView + ?Sized),
        q: &DecisionQuery<'_, S>,
        ended: bool,
    ) -> Decision {
        let Some(p) = self.purposes.get(q.purpose) else {
            return Decision::deny(Reason::PurposeUnknown, Some(q.purpose));
        };
        if let Some(f) = q.fields.iter().map(AsRef::as_ref).find(|f| !p.fields.contains(*f)) {
            return Decision::deny(Reason::FieldNotDeclared, Some(f));
        }
        let recipient = match q.recipient {
            Some(r) => match p.recipients.get(r) {
                Some(need) => Some((r, *need)),
                // A recipient that this purpose does not share with: data may not go there.
                None => return Decision::deny(Reason::RecipientNotConsented, Some(r)),
            },
            None => None,
        };
        if ended && !p.legal_hold {
            return Decision::deny(Reason::ServiceEnded, None);
        }
        match s.status() {
            SubjectStatus::Cancelled if !p.legal_hold => return Decision::deny(Reason::SubjectCancelled, None),
            SubjectStatus::Restricted if !continues_under_restriction(p) => {
                return Decision::deny(Reason::SubjectRestricted, None);
            }
            _ => {}
        }
        // PIPL 47: a field erased by a deletion request is gone; data of it collected before
        // the erasure (or at an unknown time) may not be used any more.
        if s.has_erasures()
            && let Some(f) =
                q.fields.iter().map(AsRef::as_ref).find(|f| {
                    s.erased_at(f).is_some_and(|at| q.collected_at_ms.is_none_or(|collected| collected <= at))
                })
        {
            return Decision::deny(Reason::FieldErased, Some(f));
        }
        if p.basis == LegalBasis::Consent {
            let entry = s.consent(p.consent);
            if self.needs_guardian(s, q.now_ms) && !entry.is_some_and(|e| e.granted && e.by_guardian) {
                return Decision::deny(Reason::GuardianConsentMissing, None);
            }
            let Some(entry) = entry else { return Decision::deny(Reason::ConsentMissing, None) };
            if !entry.granted {
                return Decision::deny(Reason::ConsentWithdrawn, None);
            }
            if entry.policy_version < p.reconsent_since {
                return Decision::deny(Reason::ReconsentRequired, None);
            }
            if let Some(f) = q.fields.iter().map(AsRef::as_ref).find(|f| p.sensitive.contains(*f)) {
                let sep = s.consent(p.sensitive_consent);
                if !sep.is_some_and(|e| e.granted && e.policy_version >= p.reconsent_since) {
                    return Decision::deny(Reason::SeparateConsentMissing, Some(f));
                }
            }
            if let Some((r, need)) = recipient {
                let granted = |scope: ScopeId| {
                    s.consent(scope).is_some_and(|e| e.granted && e.policy_version >= p.reconsent_since)
                };
                if let Some(scope) = need.separate
                    && !granted(scope)
                {
                    return Decision::deny(Reason::SeparateConsentMissing, Some(r));
                }
                if let Some(scope) = need.provision
                    && !granted(scope)
                {
                    return Decision::deny(Reason::RecipientNotConsented, Some(r));
                }
            }
        }
        if p.personalised && s.consent(self.personalisation).is_some_and(|e| !e.granted) {
            return Decision::deny(Reason::PersonalisationOptedOut, None);
        }
        if let (Some(period), Some(at)) = (p.retention_from_collection, q.collected_at_ms)
            && expired(period, at, q.now_ms, &self.calendar)
        {
            return Decision::deny(Reason::RetentionExpired, None);
        }
        Decision::allow(p.basis)
    }

    /// PIPL 31: under the guardian age a guardian consents; from it to 18 too when the
    /// manifest says so. An unknown age counts as adult (the operator registers ages).
    fn needs_guardian(&self, s: &(impl SubjectView + ?Sized), now_ms: i64) -> bool {
        if self.adults_only {
            return false;
        }
        let Some(today) = DateTime::<Utc>::from_timestamp_millis(now_ms).map(shanghai_date) else {
            return false;
        };
        match s.age_on(today) {
            Some(age) if age < self.guardian_age => true,
            Some(age) if age < 18 => self.teens_need_guardian,
            _ => false,
        }
    }
}

/// PIPL 44: under restriction only storage and what the law requires continue.
fn continues_under_restriction(p: &CompiledPurpose) -> bool {
    matches!(p.basis, LegalBasis::LegalObligation | LegalBasis::OtherLaw) || p.legal_hold
}

fn recipient_need(r: &crate::manifest::Recipient) -> RecipientNeed {
    let separate = if r.kind == RecipientKind::PublicDisclosure {
        Some(SeparateKind::PublicDisclosure)
    } else if is_outside_mainland(&r.country) {
        Some(SeparateKind::CrossBorder)
    } else {
        None
    };
    let scope = |separate| ScopeId::of(&ConsentScope::Recipient { recipient: r.id.clone(), separate });
    RecipientNeed {
        provision: r.is_independent_processor().then(|| scope(SeparateKind::Provision)),
        separate: separate.map(scope),
    }
}

/// RET (PIPL 19, 47): whether `period` counted from collection at `from_ms` has passed at
/// `now_ms`: its end ([`Duration::add_to`]) lies before now. The retention sweep erases the
/// same records, those collected before [`Duration::cutoff_before`].
fn expired(period: Duration, from_ms: i64, now_ms: i64, calendar: &Calendar) -> bool {
    let Some(collected) = DateTime::<Utc>::from_timestamp_millis(from_ms) else { return false };
    // Whole milliseconds: `end < now_ms` is the same as comparing the instants.
    period.add_to(collected, calendar).is_some_and(|end| end.at.timestamp_millis() < now_ms)
}

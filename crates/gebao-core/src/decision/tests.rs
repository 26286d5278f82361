use super::*;
use crate::calendar::Calendar;
use crate::ids::{PurposeId, RecipientId};
use crate::manifest::LegalBasis;
use crate::rules::tests::clean;
use chrono::NaiveDate;
use proptest::prelude::*;
use std::collections::HashMap;

const NOW: i64 = 1_790_000_000_000; // 2026-09-21

fn engine() -> Engine {
    Engine::new(&clean(), 1, &HashMap::new(), Calendar::builtin())
}

fn record(scope: ConsentScope, action: ConsentAction, version: u32) -> ConsentRecord {
    ConsentRecord { scope, action, policy_version: version, at_ms: NOW - 1000, by_guardian: false }
}

fn purpose(p: &str) -> ConsentScope {
    ConsentScope::Purpose { purpose: PurposeId(p.into()) }
}

fn ask(e: &Engine, s: &SubjectState, p: &str, fields: &[&str]) -> Decision {
    e.decide(s, &DecisionQuery { purpose: p, fields, recipient: None, collected_at_ms: None, now_ms: NOW })
}

fn reason(d: &Decision) -> Option<&'static str> {
    d.reason.map(Reason::code)
}

#[test]
fn contract_basis_needs_no_consent() {
    let d = ask(&engine(), &SubjectState::default(), "register", &["phone"]);
    assert!(d.allow);
    assert_eq!(d.basis, Some(LegalBasis::Contract));
}

#[test]
fn unknown_purpose_and_undeclared_field() {
    let e = engine();
    let s = SubjectState::default();
    assert_eq!(reason(&ask(&e, &s, "nope", &[])), Some("purpose-unknown"));
    let d = ask(&e, &s, "register", &["phone", "precise_location"]);
    assert_eq!(reason(&d), Some("field-not-declared"));
    assert_eq!(d.detail.as_deref(), Some("precise_location"));
}

#[test]
fn consent_then_withdraw_then_denied() {
    let e = engine();
    let mut s = SubjectState::default();
    assert_eq!(reason(&ask(&e, &s, "recommend", &["browsing"])), Some("consent-missing"));
    s.apply(&record(purpose("recommend"), ConsentAction::Grant, 1));
    assert!(ask(&e, &s, "recommend", &["browsing"]).allow);
    s.apply(&record(purpose("recommend"), ConsentAction::Withdraw, 1));
    assert_eq!(reason(&ask(&e, &s, "recommend", &["browsing"])), Some("consent-withdrawn"));
}

#[test]
fn sensitive_field_needs_separate_consent() {
    let e = engine();
    let mut s = SubjectState::default();
    s.apply(&record(purpose("nearby"), ConsentAction::Grant, 1));
    assert_eq!(reason(&ask(&e, &s, "nearby", &["precise_location"])), Some("separate-consent-missing"));
    s.apply(&record(ConsentScope::Sensitive { purpose: PurposeId("nearby".into()) }, ConsentAction::Grant, 1));
    assert!(ask(&e, &s, "nearby", &["precise_location"]).allow);
}

#[test]
fn major_change_requires_reconsent() {
    let reconsent = HashMap::from([(PurposeId("recommend".into()), 2)]);
    let e = Engine::new(&clean(), 2, &reconsent, Calendar::builtin());
    let mut s = SubjectState::default();
    s.apply(&record(purpose("recommend"), ConsentAction::Grant, 1));
    assert_eq!(reason(&ask(&e, &s, "recommend", &["browsing"])), Some("reconsent-required"));
    s.apply(&record(purpose("recommend"), ConsentAction::Grant, 2));
    assert!(ask(&e, &s, "recommend", &["browsing"]).allow);
}

#[test]
fn child_needs_guardian_consent() {
    let e = engine();
    let mut s = SubjectState { birth_date: NaiveDate::from_ymd_opt(2016, 5, 1), ..Default::default() };
    assert_eq!(reason(&ask(&e, &s, "recommend", &["browsing"])), Some("guardian-consent-missing"));
    s.apply(&record(purpose("recommend"), ConsentAction::Grant, 1));
    assert_eq!(
        reason(&ask(&e, &s, "recommend", &["browsing"])),
        Some("guardian-consent-missing"),
        "the child's own consent is not enough"
    );
    let mut r = record(purpose("recommend"), ConsentAction::Grant, 1);
    r.by_guardian = true;
    s.apply(&r);
    assert!(ask(&e, &s, "recommend", &["browsing"]).allow);
    // A 15-year-old consents alone under the clean manifest's `own-consent` rule.
    let mut teen = SubjectState { birth_date: NaiveDate::from_ymd_opt(2011, 1, 1), ..Default::default() };
    teen.apply(&record(purpose("recommend"), ConsentAction::Grant, 1));
    assert!(ask(&e, &teen, "recommend", &["browsing"]).allow);
}

#[test]
fn ages_change_on_the_birthday_in_beijing() {
    // Born 1 May 2012: 14, the clean manifest's guardian age, from 00:00 on 1 May 2026 in
    // Beijing, which is 16:00 UTC on 30 April.
    let e = engine();
    let mut s = SubjectState { birth_date: NaiveDate::from_ymd_opt(2012, 5, 1), ..Default::default() };
    s.apply(&record(purpose("recommend"), ConsentAction::Grant, 1));
    let at = |ms: i64| DecisionQuery {
        purpose: "recommend",
        fields: &["browsing"],
        recipient: None,
        collected_at_ms: None,
        now_ms: ms,
    };
    let birthday_bj = 1_777_564_800_000; // 2026-04-30T16:00:00Z
    assert_eq!(reason(&e.decide(&s, &at(birthday_bj - 1))), Some("guardian-consent-missing"));
    assert!(e.decide(&s, &at(birthday_bj)).allow, "14 in Beijing although still 13 in UTC");
}

#[test]
fn restricted_and_cancelled_subjects() {
    let e = engine();
    let mut s = SubjectState { status: SubjectStatus::Restricted, ..Default::default() };
    assert_eq!(reason(&ask(&e, &s, "register", &["phone"])), Some("subject-restricted"));
    assert!(ask(&e, &s, "security_logs", &["ip_log"]).allow, "legal obligations continue (PIPL 44 storage)");
    s.status = SubjectStatus::Cancelled;
    assert_eq!(reason(&ask(&e, &s, "register", &["phone"])), Some("subject-cancelled"));
    assert!(ask(&e, &s, "security_logs", &["ip_log"]).allow, "legal holds may be read");
}

/// TRM-01: once the service has stopped, nothing is used but what a legal minimum keeps,
/// whatever was consented; an unknown purpose or field is still named first.
#[test]
fn after_the_end_only_legal_holds_are_read() {
    let e = engine();
    let s = SubjectState::default();
    let after = |p: &str, f: &[&str]| {
        e.decide_after_end(
            &s,
            &DecisionQuery { purpose: p, fields: f, recipient: None, collected_at_ms: None, now_ms: NOW },
        )
    };
    assert!(ask(&e, &s, "register", &["phone"]).allow);
    assert_eq!(reason(&after("register", &["phone"])), Some("service-ended"));
    assert!(after("security_logs", &["ip_log"]).allow, "legal holds may be read");
    assert_eq!(reason(&after("nope", &["phone"])), Some("purpose-unknown"));
    assert_eq!(reason(&after("register", &["ip_log"])), Some("field-not-declared"));
}

/// PIPL 47: a field erased by a deletion is denied for data collected before the erasure,
/// whatever the purpose's basis; data collected again afterwards may be used.
#[test]
fn erased_fields_are_denied() {
    let e = engine();
    let s = SubjectState { erased: vec![("ip_log".into(), 1_000)], ..Default::default() };
    let q = |collected: Option<i64>| DecisionQuery {
        purpose: "security_logs",
        fields: &["ip_log"],
        recipient: None,
        collected_at_ms: collected,
        now_ms: 2_000,
    };
    let d = e.decide(&s, &q(None));
    assert_eq!((reason(&d), d.detail.as_deref()), (Some("field-erased"), Some("ip_log")));
    assert_eq!(reason(&e.decide(&s, &q(Some(900)))), Some("field-erased"));
    assert!(e.decide(&s, &q(Some(1_500))).allow, "collected again after the erasure");
    assert!(ask(&e, &s, "register", &["phone"]).allow, "other fields are untouched");
}

#[test]
fn recipient_needs_its_own_consent() {
    let e = engine();
    let mut s = SubjectState::default();
    s.apply(&record(purpose("push"), ConsentAction::Grant, 1));
    let q = |r| DecisionQuery {
        purpose: "push",
        fields: &["device_id"],
        recipient: Some(r),
        collected_at_ms: None,
        now_ms: NOW,
    };
    assert_eq!(reason(&e.decide(&s, &q("push-sdk"))), Some("recipient-not-consented"));
    assert_eq!(reason(&e.decide(&s, &q("cloud"))), Some("recipient-not-consented"), "cloud does not serve `push`");
    let scope =
        ConsentScope::Recipient { recipient: RecipientId("push-sdk".into()), separate: SeparateKind::Provision };
    s.apply(&record(scope, ConsentAction::Grant, 1));
    assert!(e.decide(&s, &q("push-sdk")).allow);
}

#[test]
fn recipient_abroad_needs_cross_border_consent() {
    let mut m = clean();
    m.recipients[0].country = "SG".into();
    let e = Engine::new(&m, 1, &HashMap::new(), Calendar::builtin());
    let mut s = SubjectState::default();
    s.apply(&record(purpose("push"), ConsentAction::Grant, 1));
    let rid = RecipientId("push-sdk".into());
    s.apply(&record(
        ConsentScope::Recipient { recipient: rid.clone(), separate: SeparateKind::Provision },
        ConsentAction::Grant,
        1,
    ));
    let q = DecisionQuery {
        purpose: "push",
        fields: &["device_id"],
        recipient: Some("push-sdk"),
        collected_at_ms: None,
        now_ms: NOW,
    };
    assert_eq!(reason(&e.decide(&s, &q)), Some("separate-consent-missing"));
    s.apply(&record(
        ConsentScope::Recipient { recipient: rid, separate: SeparateKind::CrossBorder },
        ConsentAction::Grant,
        1,
    ));
    assert!(e.decide(&s, &q).allow);
}

#[test]
fn personalisation_opt_out() {
    let e = engine();
    let mut s = SubjectState::default();
    s.apply(&record(purpose("recommend"), ConsentAction::Grant, 1));
    s.apply(&record(ConsentScope::Personalisation, ConsentAction::Withdraw, 1));
    assert_eq!(reason(&ask(&e, &s, "recommend", &["browsing"])), Some("personalisation-opted-out"));
}

#[test]
fn retention_expired() {
    let e = engine();
    let mut s = SubjectState::default();
    s.apply(&record(purpose("nearby"), ConsentAction::Grant, 1));
    let day = 86_400_000;
    let q = |at| DecisionQuery {
        purpose: "nearby",
        fields: &[] as &[&str],
        recipient: None,
        collected_at_ms: Some(at),
        now_ms: NOW,
    };
    assert!(e.decide(&s, &q(NOW - 6 * day)).allow);
    assert_eq!(reason(&e.decide(&s, &q(NOW - 8 * day))), Some("retention-expired"), "kept 7 days");
}

#[test]
fn reason_codes_are_those_of_the_catalog() {
    let codes: Vec<_> = Reason::ALL.iter().map(|r| r.code()).collect();
    assert_eq!(codes.len(), 14);
    for c in codes {
        let json = serde_json::to_string(&Reason::ALL.iter().find(|r| r.code() == c)).unwrap_or_default();
        assert_eq!(json, format!("\"{c}\""));
    }
}

proptest! {
    /// Whatever the subject's consents, a field outside the purpose is never allowed, and a
    /// withdrawn purpose is never allowed.
    #[test]
    fn never_allows_undeclared_or_withdrawn(grants in proptest::collection::vec((0usize..3, any::<bool>(), any::<bool>()), 0..12)) {
        let e = engine();
        let purposes = ["recommend", "push", "nearby"];
        let mut s = SubjectState::default();
        for (p, grant, sensitive) in &grants {
            let scope = if *sensitive { ConsentScope::Sensitive { purpose: PurposeId(purposes[*p].into()) } } else { purpose(purposes[*p]) };
            s.apply(&record(scope, if *grant { ConsentAction::Grant } else { ConsentAction::Withdraw }, 1));
        }
        for p in purposes {
            prop_assert!(!ask(&e, &s, p, &["phone"]).allow);
            let withdrawn = s.consent_to(&purpose(p)).is_some_and(|c| !c.granted);
            if withdrawn {
                prop_assert!(!ask(&e, &s, p, &[]).allow);
            }
        }
    }
}

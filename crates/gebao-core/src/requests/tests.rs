use super::*;
use crate::duration::Duration;
use crate::manifest::{FeeBasis, Manifest, load::load_manifest};
use RequestEvent as E;
use RequestState as S;

const MINIMAL: &str = "[policy]\n[controller]\nname = \"甲公司\"\nproduct = \"甲\"\napp_type = \"other\"\n";

fn manifest(rights: &str) -> Manifest {
    load_manifest(&format!("{MINIMAL}{rights}")).unwrap_or_else(|e| panic!("{e:?}"))
}

fn all_events() -> Vec<RequestEvent> {
    let mut events = vec![
        E::StartVerification,
        E::IdentityVerified,
        E::IdentityFailed,
        E::RequestApproval,
        E::Approve,
        E::Complete,
        E::WithdrawByUser,
        E::Fail,
        E::Resume,
    ];
    events.extend(RefusalReason::ALL.map(E::Refuse));
    events
}

/// Every legal transition, and nothing else.
fn legal() -> Vec<(RequestState, RequestEvent, RequestState)> {
    let open = [S::Received, S::VerifyingIdentity, S::InProgress, S::AwaitingApproval];
    let mut table = vec![
        (S::Received, E::StartVerification, S::VerifyingIdentity),
        (S::Received, E::IdentityVerified, S::InProgress),
        (S::VerifyingIdentity, E::IdentityVerified, S::InProgress),
        (S::VerifyingIdentity, E::IdentityFailed, S::Refused),
        (S::InProgress, E::RequestApproval, S::AwaitingApproval),
        (S::AwaitingApproval, E::Approve, S::InProgress),
        (S::InProgress, E::Complete, S::Completed),
        (S::InProgress, E::Fail, S::InProgress),
        (S::InProgress, E::Resume, S::InProgress),
        (S::Received, E::Refuse(RefusalReason::IdentityUnverified), S::Refused),
        (S::VerifyingIdentity, E::Refuse(RefusalReason::IdentityUnverified), S::Refused),
    ];
    for s in open {
        table.push((s, E::WithdrawByUser, S::Withdrawn));
        for r in RefusalReason::ALL.into_iter().filter(|r| *r != RefusalReason::IdentityUnverified) {
            table.push((s, E::Refuse(r), S::Refused));
        }
    }
    table
}

#[test]
fn every_transition_is_legal_exactly_when_the_table_says() {
    let table = legal();
    for from in RequestState::ALL {
        for event in all_events() {
            let expected = table.iter().find(|(f, e, _)| *f == from && *e == event).map(|(_, _, to)| *to);
            let got = from.transition(event);
            match expected {
                Some(to) => assert_eq!(got, Ok(to), "{from} --{}--> {to}", event.as_str()),
                None => assert!(got.is_err(), "{from} --{}--> {got:?} should be refused", event.as_str()),
            }
            if from.is_terminal() {
                assert_eq!(got, Err(TransitionError::Terminal { state: from, event }), "nothing leaves {from}");
            }
        }
    }
}

#[test]
fn examples_of_illegal_transitions() {
    assert_eq!(
        S::Received.transition(E::Complete),
        Err(TransitionError::Illegal { from: S::Received, event: E::Complete })
    );
    assert!(S::AwaitingApproval.transition(E::Complete).is_err(), "approve first");
    assert!(S::Received.transition(E::IdentityFailed).is_err(), "no verification was started");
    assert_eq!(
        S::InProgress.transition(E::Refuse(RefusalReason::IdentityUnverified)),
        Err(TransitionError::AlreadyVerified)
    );
    let e = S::Completed.transition(E::WithdrawByUser).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(e.starts_with("请求已结束（已完成）"), "{e}");
    assert!(e.contains("completed") && e.contains("withdraw-by-user"), "{e}");
}

#[test]
fn a_whole_lifecycle() {
    let mut s = S::Received;
    for event in
        [E::StartVerification, E::IdentityVerified, E::Fail, E::Resume, E::RequestApproval, E::Approve, E::Complete]
    {
        s = s.transition(event).unwrap_or_else(|e| panic!("{e}"));
    }
    assert_eq!(s, S::Completed);
    assert!(s.is_terminal());
}

#[test]
fn not_technically_feasible_only_for_portability() {
    let refuse = E::Refuse(RefusalReason::NotTechnicallyFeasible);
    assert_eq!(S::InProgress.transition_for(RequestKind::Portability, refuse), Ok(S::Refused));
    for kind in RequestKind::ALL.into_iter().filter(|k| *k != RequestKind::Portability) {
        assert!(!RefusalReason::NotTechnicallyFeasible.allowed_for(kind));
        let got = S::InProgress.transition_for(kind, refuse);
        assert_eq!(got, Err(TransitionError::ReasonNotAllowed { kind, reason: RefusalReason::NotTechnicallyFeasible }));
        assert!(got.err().is_some_and(|e| e.to_string().contains("not-technically-feasible")));
    }
    // The other grounds apply to every kind; kind-free rules still hold.
    for kind in RequestKind::ALL {
        for r in RefusalReason::ALL.into_iter().filter(|r| *r != RefusalReason::NotTechnicallyFeasible) {
            assert!(r.allowed_for(kind));
            assert_eq!(
                S::AwaitingApproval.transition_for(kind, E::Refuse(r)),
                S::AwaitingApproval.transition(E::Refuse(r))
            );
        }
        assert!(S::Withdrawn.transition_for(kind, E::Complete).is_err());
    }
}

#[test]
fn refusal_reason_recorded_by_events() {
    assert_eq!(E::IdentityFailed.refusal_reason(), Some(RefusalReason::IdentityUnverified));
    assert_eq!(E::Refuse(RefusalReason::LegalRetention).refusal_reason(), Some(RefusalReason::LegalRetention));
    assert_eq!(E::Complete.refusal_reason(), None);
}

#[test]
fn codes_are_kebab_case_in_serde_and_as_str() {
    for s in RequestState::ALL {
        assert_eq!(serde_json::to_string(&s).ok(), Some(format!("\"{}\"", s.as_str())));
        assert_eq!(s.as_str().parse::<RequestState>(), Ok(s));
    }
    for r in RefusalReason::ALL {
        assert_eq!(serde_json::to_string(&r).ok(), Some(format!("\"{}\"", r.as_str())));
        assert_eq!(r.as_str().parse::<RefusalReason>(), Ok(r));
    }
    let codes: Vec<&str> = RefusalReason::ALL.map(RefusalReason::as_str).to_vec();
    assert_eq!(
        codes,
        [
            "identity-unverified",
            "other-person-data",
            "legal-retention",
            "state-secret-or-investigation",
            "manifestly-unfounded-or-excessive",
            "not-technically-feasible"
        ]
    );
    assert!("done".parse::<RequestState>().is_err());
    let refuse = serde_json::to_string(&E::Refuse(RefusalReason::LegalRetention)).ok();
    assert_eq!(refuse.as_deref(), Some(r#"{"event":"refuse","reason":"legal-retention"}"#));
    assert_eq!(serde_json::to_string(&E::WithdrawByUser).ok().as_deref(), Some(r#"{"event":"withdraw-by-user"}"#));
    for e in all_events() {
        let json = serde_json::to_string(&e).unwrap_or_default();
        assert!(json.contains(e.as_str()), "{json}");
        assert_eq!(serde_json::from_str::<RequestEvent>(&json).ok(), Some(e));
    }
}

#[test]
fn every_text_is_bilingual_and_every_remedy_names_complaint_and_lawsuit() {
    let blank = |b: crate::text::Text| b.zh.trim().is_empty() || b.en.trim().is_empty();
    for s in RequestState::ALL {
        assert!(!blank(s.label()), "{s}");
    }
    for e in all_events() {
        assert!(!blank(e.label()), "{}", e.as_str());
    }
    for r in RefusalReason::ALL {
        assert!(!blank(r.label()) && !blank(r.explanation()) && !blank(r.remedy()), "{r}");
        let remedy = r.remedy();
        assert!(remedy.zh.contains("第五十条") && remedy.zh.contains("投诉"), "{r}: {}", remedy.zh);
        assert!(remedy.en.contains("art. 50") && remedy.en.contains("complain"), "{r}: {}", remedy.en);
        assert!(remedy.zh.ends_with(REMEDY.zh) && remedy.en.ends_with(REMEDY.en));
        assert!(!r.source().is_empty());
    }
}

#[test]
fn deadline_defaults_follow_app19_and_35273() {
    let m = manifest("");
    for kind in RequestKind::ALL {
        let (want, basis) = match kind {
            RequestKind::Correction | RequestKind::Deletion | RequestKind::Cancellation | RequestKind::Complaint => {
                (Duration::working_days(15), DeadlineBasis::App19)
            }
            _ => (Duration::days(30), DeadlineBasis::Std35273),
        };
        assert_eq!(deadline_for(&m, kind), want, "{}", kind.as_str());
        assert_eq!(deadline_basis(&m, kind), basis, "{}", kind.as_str());
    }
    assert_eq!(cancellation_erase_within(&m), Duration::working_days(15));
}

#[test]
fn promised_deadlines_come_first() {
    let m = manifest(
        "[rights]\ndeadline = \"15 days\"\n[rights.access]\ndeadline = \"10个工作日\"\n\
         [rights.deletion]\ndeadline = \"30 days\"\n[rights.copy]\ndeadline = \"indefinite\"\n\
         [rights.cancellation]\nerase_within = \"7 working days\"\n",
    );
    assert_eq!(
        (deadline_for(&m, RequestKind::Access), deadline_basis(&m, RequestKind::Access)),
        (Duration::working_days(10), DeadlineBasis::Right)
    );
    // Seed 003's promise of 30 days is what it answers by; `gebao check` reports the ceiling.
    assert_eq!(deadline_for(&m, RequestKind::Deletion), Duration::days(30));
    // "indefinite" is no promise: the manifest default applies.
    assert_eq!(
        (deadline_for(&m, RequestKind::Copy), deadline_basis(&m, RequestKind::Copy)),
        (Duration::days(15), DeadlineBasis::ManifestDefault)
    );
    assert_eq!(deadline_for(&m, RequestKind::Complaint), Duration::days(15));
    assert_eq!(cancellation_erase_within(&m), Duration::working_days(7));
    for basis in [DeadlineBasis::Right, DeadlineBasis::ManifestDefault, DeadlineBasis::App19, DeadlineBasis::Std35273] {
        assert!(!basis.label().zh.is_empty() && !basis.label().en.is_empty());
    }
}

#[test]
fn repeated_requests_are_free_then_charged_or_refused() {
    let none = manifest("");
    assert_eq!(repeat_decision(&none, RequestKind::Access, 100), RepeatDecision::Free);
    assert_eq!(repeat_period(&none), None);

    let charge = manifest("[rights.repeat]\nfree = 2\nper = \"1 year\"\nthen = \"charge\"\nfee = \"other\"\n");
    assert_eq!(repeat_period(&charge), Some(Duration::years(1)));
    assert_eq!(repeat_decision(&charge, RequestKind::Access, 0), RepeatDecision::Free);
    assert_eq!(repeat_decision(&charge, RequestKind::Access, 1), RepeatDecision::Free);
    assert_eq!(repeat_decision(&charge, RequestKind::Access, 2), RepeatDecision::Charge { fee_basis: FeeBasis::Other });
    // NDSMR 25: portability at the cost of the transfer only.
    assert_eq!(
        repeat_decision(&charge, RequestKind::Portability, 5),
        RepeatDecision::Charge { fee_basis: FeeBasis::Cost }
    );
    for free in [RequestKind::Withdrawal, RequestKind::Cancellation, RequestKind::Complaint] {
        assert_eq!(repeat_decision(&charge, free, 50), RepeatDecision::Free, "{}", free.as_str());
    }

    let cost = manifest("[rights.repeat]\nfree = 1\nper = \"6 months\"\nthen = \"charge\"\n");
    assert_eq!(repeat_decision(&cost, RequestKind::Copy, 1), RepeatDecision::Charge { fee_basis: FeeBasis::Cost });

    let refuse = manifest("[rights.repeat]\nfree = 3\nper = \"1 month\"\nthen = \"refuse\"\n");
    assert_eq!(repeat_decision(&refuse, RequestKind::Copy, 2), RepeatDecision::Free);
    let decision = repeat_decision(&refuse, RequestKind::Copy, 3);
    assert_eq!(decision, RepeatDecision::Refuse);
    assert_eq!(decision.refusal_reason(), Some(RefusalReason::ManifestlyUnfoundedOrExcessive));
    assert_eq!(RepeatDecision::Free.refusal_reason(), None);
    assert_eq!(
        serde_json::to_string(&RepeatDecision::Charge { fee_basis: FeeBasis::Cost }).ok().as_deref(),
        Some(r#"{"decision":"charge","fee_basis":"cost"}"#)
    );
}

#[test]
fn due_for_uses_the_manifests_deadline_and_move_setting() {
    use crate::calendar::Calendar;
    use chrono::{TimeZone, Utc};
    let cal = Calendar::builtin();
    // Received 2026-09-30 10:00 Beijing (02:00 UTC).
    let at = Utc.with_ymd_and_hms(2026, 9, 30, 2, 0, 0).single().unwrap_or_default();
    let date = |m: &Manifest, k| due_for(m, k, &cal, at).ok().map(|d| d.due_date.to_string());
    // No promise: deletion within 15 working days (see calendar tests for the count).
    let plain = manifest("");
    assert_eq!(date(&plain, RequestKind::Deletion).as_deref(), Some("2026-10-27"));
    // 5 calendar days end on 10-05, a holiday: moved only when the manifest says so.
    let fixed = manifest("[rights]\ndeadline = \"5 days\"\n");
    assert_eq!(date(&fixed, RequestKind::Access).as_deref(), Some("2026-10-05"));
    let moves = manifest("[rights]\ndeadline = \"5 days\"\ncalendar_deadline_moves_to_working_day = true\n");
    assert_eq!(date(&moves, RequestKind::Access).as_deref(), Some("2026-10-08"));
}

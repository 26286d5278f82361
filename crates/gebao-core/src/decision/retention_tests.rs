//! Retention in decisions: counted on the working-day calendar, and in step with the
//! retention sweep's cut-off ([`Duration::cutoff_before`]) for the same manifest purpose.

use super::*;
use crate::calendar::{Calendar, end_of_day, start_of_day};
use crate::duration::Duration;
use crate::ids::PurposeId;
use crate::manifest::Manifest;
use crate::rules::tests::CLEAN;
use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use proptest::prelude::*;
use std::collections::HashMap;

const CLEAN_NEARBY: &str = r#"retention = { period = "7 days", then = "delete" }"#;

/// The clean manifest with the `nearby` purpose (consent, kept from collection) kept for
/// `period`, as an operator writes it.
fn manifest(period: &str) -> Manifest {
    assert!(CLEAN.contains(CLEAN_NEARBY));
    let text = CLEAN.replace(CLEAN_NEARBY, &format!(r#"retention = {{ period = "{period}", then = "delete" }}"#));
    crate::load_manifest(&text).unwrap_or_else(|e| panic!("{period}: {:?}", e.diagnostics()))
}

fn nearby_period(m: &Manifest) -> Duration {
    let p = m.purposes.iter().find(|p| p.id.as_str() == "nearby");
    p.and_then(|p| p.retention.as_ref()).and_then(|r| r.period).unwrap_or(Duration::Indefinite)
}

/// A subject who consented to `nearby`.
fn consented() -> SubjectState {
    let mut s = SubjectState::default();
    s.apply(&ConsentRecord {
        scope: ConsentScope::Purpose { purpose: PurposeId("nearby".into()) },
        action: ConsentAction::Grant,
        policy_version: 1,
        at_ms: 0,
        by_guardian: false,
    });
    s
}

/// Whether the engine still lets `nearby` use what was collected at `collected`, at `now`.
fn allowed(e: &Engine, collected: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    let q = DecisionQuery {
        purpose: "nearby",
        fields: &[] as &[&str],
        recipient: None,
        collected_at_ms: Some(collected.timestamp_millis()),
        now_ms: now.timestamp_millis(),
    };
    let d = e.decide(&consented(), &q);
    assert!(d.allow || d.reason == Some(Reason::RetentionExpired), "{d:?}");
    d.allow
}

/// An instant in Beijing time.
fn bj(s: &str) -> DateTime<Utc> {
    let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M"))
        .unwrap_or_else(|e| panic!("{s}: {e}"));
    Utc.from_utc_datetime(&(naive - TimeDelta::hours(8)))
}

/// Asserts that what was collected at `collected` is allowed up to the end of `last` (Beijing)
/// and denied from the next millisecond, by the engine and by the sweep's cut-off alike.
fn kept_through(period: &str, collected: &str, last: &str) {
    let m = manifest(period);
    let cal = Calendar::builtin();
    let e = Engine::new(&m, 1, &HashMap::new(), cal.clone());
    let (collected, last) = (bj(collected), NaiveDate::parse_from_str(last, "%Y-%m-%d").unwrap_or_default());
    let (end, after) = (end_of_day(last), end_of_day(last) + TimeDelta::milliseconds(1));
    assert_eq!(after, start_of_day(last + chrono::Days::new(1)));
    for now in [collected, collected + TimeDelta::days(10), end] {
        assert!(allowed(&e, collected, now), "{period} from {collected}: allowed at {now}");
    }
    assert!(!allowed(&e, collected, after), "{period} from {collected}: denied at {after}");
    let cutoff = |now| nearby_period(&m).cutoff_before(now, &cal).map(|c| c.at);
    assert!(cutoff(end).is_some_and(|c| collected >= c), "the sweep keeps it at {end}");
    assert!(cutoff(after).is_some_and(|c| collected < c), "the sweep erases it at {after}");
}

/// The bug this model fixes: "10 working days" denied decisions after 10 calendar days while
/// the sweep erased after about 22. Collected on Wednesday 30 September 2026, before Golden
/// Week (10-01..10-07 off, Saturday 10-10 worked): the 10th working day is Tuesday 20
/// October. Before, decisions were denied from 10 October at 10:00, the sweep erased from
/// 22 October at 10:00.
#[test]
fn ten_working_days_across_golden_week_2026_end_with_the_tenth_working_day() {
    kept_through("10 working days", "2026-09-30 10:00", "2026-10-20");
    // Collected during the holiday: counted from the first working day after it as well.
    kept_through("10 working days", "2026-10-03 22:00", "2026-10-20");
    kept_through("10个工作日", "2026-10-07 23:59", "2026-10-20");
    kept_through("10 working days", "2026-10-08 00:00", "2026-10-21");
}

/// Spring Festival 2026 (02-15..02-23 off, Saturdays 02-14 and 02-28 worked), collected
/// on Friday 13 February: 1 Sat 02-14, 2–5 02-24..02-27, 6 Sat 02-28, 7–10 03-02..03-05.
/// Before, decisions were denied from 23 February at 09:00.
#[test]
fn ten_working_days_across_spring_festival_2026_end_with_the_tenth_working_day() {
    kept_through("10 working days", "2026-02-13 09:00", "2026-03-05");
    kept_through("10 working days", "2026-02-16 09:00", "2026-03-06");
}

#[test]
fn other_units_end_at_the_end_of_their_last_day_or_at_once() {
    kept_through("6 months", "2026-02-28 09:00", "2026-08-28");
    kept_through("6个月", "2025-08-31 09:00", "2026-02-28");
    kept_through("3 years", "2024-02-29 09:00", "2027-02-28");
    kept_through("30 days", "2026-09-05 12:00", "2026-10-05");
    let m = manifest("48 hours");
    let e = Engine::new(&m, 1, &HashMap::new(), Calendar::builtin());
    let t = bj("2026-09-30 22:00");
    assert!(
        allowed(&e, t, t + TimeDelta::hours(48))
            && !allowed(&e, t, t + TimeDelta::hours(48) + TimeDelta::milliseconds(1))
    );
    let m = manifest("immediately");
    let e = Engine::new(&m, 1, &HashMap::new(), Calendar::builtin());
    assert!(allowed(&e, t, t) && !allowed(&e, t, t + TimeDelta::milliseconds(1)));
}

/// Instants the engine sees (milliseconds), 2024–2028, often at the edge of a Beijing day.
fn ms_instant() -> impl Strategy<Value = DateTime<Utc>> {
    let ms = |m: i64| DateTime::from_timestamp_millis(m).unwrap_or_default();
    let edge = |(day, which): (u64, usize)| {
        let date = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap_or_default() + chrono::Days::new(day);
        let (start, end) = (start_of_day(date), end_of_day(date));
        [start, start - TimeDelta::milliseconds(1), end, end + TimeDelta::milliseconds(1)][which % 4]
    };
    prop_oneof![(1_717_200_000_000i64..1_843_430_400_000).prop_map(ms), (0u64..1460, 0usize..4).prop_map(edge)]
}

proptest! {
    /// For the same manifest purpose, the engine denies a record for retention exactly when
    /// the retention sweep's cut-off has passed it: what the server refuses to use is what
    /// the sweep erases, and nothing else.
    #[test]
    fn decisions_and_the_sweep_cutoff_agree(
        period in proptest::sample::select(vec!["10 working days", "6 months", "3 years", "48 hours", "immediately"]),
        collected in ms_instant(),
        now in ms_instant(),
        close in (0i64..40 * 86_400_000).prop_map(TimeDelta::milliseconds),
    ) {
        let m = manifest(period);
        let cal = Calendar::builtin();
        let e = Engine::new(&m, 1, &HashMap::new(), cal.clone());
        // Random pairs, and pairs where `now` is within weeks of collection.
        for now in [now, collected + close] {
            let cutoff = nearby_period(&m).cutoff_before(now, &cal).map(|c| c.at);
            prop_assert_eq!(!allowed(&e, collected, now), cutoff.is_some_and(|c| collected < c), "{} from {} at {}", period, collected, now);
        }
    }
}

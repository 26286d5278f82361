//! The time model ([`Duration::add_to`], [`Duration::cutoff_before`]): each unit on dates of
//! the built-in calendar, the extremes, and the inverse proved over random instants.

use super::*;
use crate::duration::{Duration, Unit};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use proptest::prelude::*;

const MIN: DateTime<Utc> = DateTime::<Utc>::MIN_UTC;
const MAX: DateTime<Utc> = DateTime::<Utc>::MAX_UTC;
const UNITS: [Unit; 6] = [Unit::Hours, Unit::Days, Unit::WorkingDays, Unit::Weeks, Unit::Months, Unit::Years];

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// An instant in Beijing time, `bj("2026-09-30 10:00")` or with seconds.
fn bj(s: &str) -> DateTime<Utc> {
    let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M"))
        .unwrap_or_else(|e| panic!("{s}: {e}"));
    Utc.from_utc_datetime(&(naive - TimeDelta::hours(8)))
}

fn end(d: Duration, t: DateTime<Utc>) -> DateTime<Utc> {
    d.add_to(t, &Calendar::builtin()).map_or(MAX, |r| r.at)
}

fn cutoff(d: Duration, now: DateTime<Utc>) -> DateTime<Utc> {
    d.cutoff_before(now, &Calendar::builtin()).map_or(MIN, |r| r.at)
}

fn of(amount: u32, unit: Unit) -> Duration {
    Duration::Finite { amount, unit }
}

#[test]
fn zero_is_the_instant_itself_in_every_unit() {
    let t = bj("2026-10-03 13:14:15.678");
    for unit in UNITS {
        assert_eq!(end(of(0, unit), t), t, "{unit:?}");
        assert_eq!(cutoff(of(0, unit), t), t, "{unit:?}");
    }
    assert_eq!(end(Duration::IMMEDIATELY, MAX), MAX);
    assert_eq!(cutoff(Duration::IMMEDIATELY, MIN), MIN);
}

#[test]
fn hours_are_exact() {
    let t = bj("2026-09-30 22:00");
    assert_eq!(end(Duration::hours(48), t), bj("2026-10-02 22:00"));
    assert_eq!(cutoff(Duration::hours(48), bj("2026-10-02 22:00")), t);
    assert!(end(Duration::hours(48), t - TimeDelta::milliseconds(1)) < bj("2026-10-02 22:00"));
}

#[test]
fn days_and_weeks_end_at_midnight_beijing_of_the_nth_day() {
    // The day of collection is not counted; the last day ends at 24:00 Beijing time.
    assert_eq!(end(Duration::days(7), bj("2026-03-02 09:00")), end_of_day(d("2026-03-09")));
    assert_eq!(end(Duration::days(7), bj("2026-03-02 00:00")), end_of_day(d("2026-03-09")));
    // 23:30 Beijing is 15:30 UTC the same day; 00:30 Beijing is still the previous UTC day.
    assert_eq!(end(Duration::days(1), bj("2026-03-02 23:30")), end_of_day(d("2026-03-03")));
    assert_eq!(end(Duration::days(1), bj("2026-03-03 00:30")), end_of_day(d("2026-03-04")));
    // Calendar days do not move off a holiday: 30 days from 5 September is 5 October.
    assert_eq!(end(Duration::days(30), bj("2026-09-05 12:00")), end_of_day(d("2026-10-05")));
    assert_eq!(end(of(2, Unit::Weeks), bj("2026-03-02 12:00")), end_of_day(d("2026-03-16")));
    // The cut-off is the Beijing midnight that starts the first day still kept.
    assert_eq!(cutoff(Duration::days(7), bj("2026-03-10 00:00")), bj("2026-03-03 00:00"));
    assert_eq!(cutoff(Duration::days(7), bj("2026-03-09 23:59:59.999")), bj("2026-03-02 00:00"));
    assert_eq!(start_of_day(d("2026-03-03")), bj("2026-03-03 00:00"));
}

#[test]
fn months_and_years_count_on_the_beijing_date_clamped_to_month_end() {
    assert_eq!(end(Duration::months(1), bj("2026-01-31 12:00")), end_of_day(d("2026-02-28")));
    assert_eq!(end(Duration::months(6), bj("2026-08-31 12:00")), end_of_day(d("2027-02-28")));
    assert_eq!(end(Duration::years(1), bj("2024-02-29 12:00")), end_of_day(d("2025-02-28")));
    assert_eq!(end(Duration::years(3), bj("2023-08-31 12:00")), end_of_day(d("2026-08-31")));
    // 20:00 UTC on 31 January is 04:00 on 1 February in Beijing: one month is 1 March.
    let t = Utc.with_ymd_and_hms(2026, 1, 31, 20, 0, 0).single().unwrap_or(MIN);
    assert_eq!(end(Duration::months(1), t), end_of_day(d("2026-03-01")));
    // Collected from 28 to 31 January, one month ends with 28 February: all swept on 1 March.
    let swept = cutoff(Duration::months(1), bj("2026-03-01 00:00"));
    assert_eq!(swept, bj("2026-02-01 00:00"));
    assert_eq!(cutoff(Duration::months(1), bj("2026-02-28 23:59")), bj("2026-01-28 00:00"));
    // At noon on 31 August, 28 February's six months ended with 28 August; 1 March's run on.
    assert_eq!(cutoff(Duration::months(6), bj("2026-08-31 12:00")), bj("2026-03-01 00:00"));
}

#[test]
fn working_days_skip_holidays_and_count_make_up_days() {
    // Golden Week 2026 (10-01..10-07 off, Saturday 10-10 worked), collected on 09-30:
    // 1 Thu 10-08, 2 Fri 10-09, 3 Sat 10-10, 4–8 10-12..10-16, 9 Mon 10-19, 10 Tue 10-20.
    let wd10 = Duration::working_days(10);
    assert_eq!(end(wd10, bj("2026-09-30 10:00")), end_of_day(d("2026-10-20")));
    // Collected during the holiday or on the Sunday before it: counts from 10-08 as well.
    assert_eq!(end(wd10, bj("2026-10-03 10:00")), end_of_day(d("2026-10-20")));
    // Spring Festival 2026 (02-15..02-23 off; Saturdays 02-14 and 02-28 worked), collected
    // Friday 02-13: 1 Sat 02-14, 2–5 02-24..02-27, 6 Sat 02-28, 7–10 03-02..03-05.
    assert_eq!(end(wd10, bj("2026-02-13 09:00")), end_of_day(d("2026-03-05")));
    assert_eq!(end(Duration::working_days(1), bj("2026-02-16 20:00")), end_of_day(d("2026-02-24")));
    // A make-up Saturday is not day 1 for what is collected on it.
    assert_eq!(end(Duration::working_days(1), bj("2026-02-28 11:00")), end_of_day(d("2026-03-02")));
    // The cut-offs: until the end of 10-20 what was collected on 09-30 is kept; at 00:00 on
    // 10-21 it passes, together with everything collected during the holiday.
    assert_eq!(cutoff(wd10, bj("2026-10-20 23:59:59.999")), bj("2026-09-30 00:00"));
    assert_eq!(cutoff(wd10, bj("2026-10-21 00:00")), bj("2026-10-08 00:00"));
    assert_eq!(cutoff(wd10, bj("2026-10-22 00:00")), bj("2026-10-09 00:00"));
    let cal = Calendar::builtin();
    assert_eq!(cal.nth_working_day_after(d("2026-09-30"), 0), Some(d("2026-09-30")));
    assert_eq!(cal.nth_working_day_after(d("2026-09-30"), 3), Some(d("2026-10-10")));
}

#[test]
fn working_days_in_a_year_without_a_notice_are_estimated() {
    let cal = Calendar::builtin();
    let wd10 = Duration::working_days(10);
    let r = |x: Option<Reckoned>| x.map(|r| (r.at, r.estimated));
    // From Friday 2026-12-25: 12-28..12-31 (4), then 2027 with weekends only: 01-01 (5), …
    assert_eq!(r(wd10.add_to(bj("2026-12-25 10:00"), &cal)), Some((end_of_day(d("2027-01-08")), true)));
    assert_eq!(r(wd10.add_to(bj("2026-12-01 10:00"), &cal)), Some((end_of_day(d("2026-12-15")), false)));
    // …and what was collected from 12-25 to the Sunday 12-27 passes at 00:00 on 01-09.
    assert_eq!(r(wd10.cutoff_before(bj("2027-01-09 00:00"), &cal)), Some((bj("2026-12-28 00:00"), true)));
    assert_eq!(r(wd10.cutoff_before(bj("2026-12-16 00:00"), &cal)), Some((bj("2026-12-02 00:00"), false)));
    // Only working days depend on the notices.
    assert_eq!(Duration::days(30).add_to(bj("2026-12-25 10:00"), &cal).map(|r| r.estimated), Some(false));
    assert_eq!(Duration::years(3).cutoff_before(bj("2030-01-01 10:00"), &cal).map(|r| r.estimated), Some(false));
    // Every working day is estimated without any notice.
    let none = Calendar::weekends_only();
    assert_eq!(Duration::working_days(1).add_to(bj("2026-09-30 10:00"), &none).map(|r| r.estimated), Some(true));
}

#[test]
fn indefinite_never_ends_and_never_passes() {
    assert_eq!(Duration::Indefinite.add_to(bj("2026-01-01 00:00"), &Calendar::builtin()), None);
    assert_eq!(Duration::Indefinite.cutoff_before(bj("2026-01-01 00:00"), &Calendar::builtin()), None);
}

#[test]
fn extremes_saturate_without_panicking() {
    let now = bj("2026-06-01 12:00");
    for unit in UNITS {
        for amount in [1, 1000, u32::MAX] {
            let x = of(amount, unit);
            assert!(end(x, MAX) == MAX && end(x, MAX - TimeDelta::hours(1)) == MAX, "{x}");
            assert!(end(x, MIN) >= MIN && cutoff(x, MIN) == MIN && cutoff(x, MAX) <= MAX, "{x}");
            if amount == u32::MAX && unit != Unit::Hours {
                assert_eq!((end(x, now), cutoff(x, now)), (MAX, MIN), "{x}");
            }
        }
    }
    // The last Beijing day chrono knows still has an end.
    assert!(end(Duration::days(1), MAX - TimeDelta::days(3)) < MAX);
}

/// Any instant: mostly around the years the calendar knows (to the millisecond, as the
/// engine sees them), often at the edge of a Beijing day, sometimes anywhere chrono reaches
/// (to the nanosecond), sometimes at its very ends.
fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    let ms = |m: i64| DateTime::from_timestamp_millis(m).unwrap_or(MIN);
    let edge = |(day, which): (u64, usize)| {
        let date = d("2024-01-01") + chrono::Days::new(day);
        let (start, end) = (start_of_day(date), end_of_day(date));
        let ns = TimeDelta::nanoseconds(1);
        [start, start - ns, end, end + ns, end + TimeDelta::milliseconds(1)][which % 5]
    };
    prop_oneof![
        4 => (1_700_000_000_000i64..1_900_000_000_000).prop_map(ms),
        3 => (0u64..2200, 0usize..5).prop_map(edge),
        2 => (MIN.timestamp()..=MAX.timestamp(), 0u32..1_000_000_000)
            .prop_map(|(s, ns)| DateTime::from_timestamp(s, ns).unwrap_or(MAX)),
        1 => (0i64..4_000_000_000_000_000).prop_map(move |n| MIN + TimeDelta::nanoseconds(n)),
        1 => (0i64..4_000_000_000_000_000).prop_map(move |n| MAX - TimeDelta::nanoseconds(n)),
    ]
}

fn duration() -> impl Strategy<Value = Duration> {
    let unit = proptest::sample::select(UNITS.to_vec());
    let amount = prop_oneof![4 => 0u32..=40, 2 => 0u32..=1000, 1 => any::<u32>()];
    prop_oneof![20 => (amount, unit).prop_map(|(a, u)| of(a, u)), 1 => Just(Duration::Indefinite)]
}

/// An offset around a cut-off: a few nanoseconds, or up to a few days in milliseconds.
fn offset() -> impl Strategy<Value = TimeDelta> {
    prop_oneof![
        (-3i64..=3).prop_map(TimeDelta::nanoseconds),
        (-300_000_000i64..300_000_000).prop_map(TimeDelta::milliseconds)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    /// The inverse: for every `t` and `now`, `t < cutoff_before(now)` exactly when the
    /// duration counted from `t` has passed at `now` — for random `t`, and for `t` next to
    /// the cut-off, where an off-by-one would show.
    #[test]
    fn the_cutoff_is_exactly_the_inverse_of_add_to(now in instant(), t in instant(), x in duration(), near in offset()) {
        let cal = Calendar::builtin();
        let c = x.cutoff_before(now, &cal).map(|r| r.at);
        let near = c.and_then(|c| c.checked_add_signed(near)).unwrap_or(t);
        for t in [t, near, c.unwrap_or(t), c.and_then(|c| c.checked_sub_signed(TimeDelta::nanoseconds(1))).unwrap_or(t)] {
            let passed = x.add_to(t, &cal).is_some_and(|e| e.at < now);
            prop_assert_eq!(c.is_some_and(|c| t < c), passed, "{} from {} at {}: cut-off {:?}", x, t, now, c);
        }
    }

    /// An end is never before its start, and a later start never ends earlier.
    #[test]
    fn add_to_is_monotone_and_never_early(a in instant(), b in instant(), x in duration()) {
        let cal = Calendar::builtin();
        let (a, b) = if a <= b { (a, b) } else { (b, a) };
        match (x.add_to(a, &cal), x.add_to(b, &cal)) {
            (Some(ea), Some(eb)) => prop_assert!(a <= ea.at && ea.at <= eb.at && b <= eb.at),
            (None, None) => prop_assert_eq!(x, Duration::Indefinite),
            other => prop_assert!(false, "{:?}", other),
        }
    }

    /// Working days end at the end of a working day, that many working days after the day
    /// of collection.
    #[test]
    fn working_days_end_on_the_nth_working_day(t in instant(), n in 1u32..400) {
        let cal = Calendar::builtin();
        prop_assume!(t < Utc.with_ymd_and_hms(200_000, 1, 1, 0, 0, 0).single().unwrap_or(MAX));
        let end = Duration::working_days(n).add_to(t, &cal).map(|r| r.at).unwrap_or(MAX);
        let day = shanghai_date(end);
        prop_assert_eq!(end, end_of_day(day));
        prop_assert!(cal.is_working_day(day));
        prop_assert_eq!(cal.working_days_between(shanghai_date(t), day), i64::from(n));
    }

    /// A request's due date is the same instant as the end of its deadline.
    #[test]
    fn due_dates_are_add_to(t in (1_700_000_000_000i64..1_900_000_000_000).prop_map(|m| DateTime::from_timestamp_millis(m).unwrap_or(MIN)), n in 1u32..90, unit in proptest::sample::select(UNITS.to_vec())) {
        let cal = Calendar::builtin();
        let x = of(n, unit);
        let due = cal.due(t, x, false).map(|d| (d.due_at, d.estimated)).ok();
        prop_assert_eq!(due, x.add_to(t, &cal).map(|r| (r.at, r.estimated)));
    }
}

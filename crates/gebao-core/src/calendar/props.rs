//! Properties of deadlines over 2024–2028 (known years, and the estimated ones around them).

use super::*;
use crate::duration::{Duration, Unit};
use chrono::{DateTime, TimeDelta, Utc};
use proptest::prelude::*;

fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    // 2024-06-01T00:00Z .. 2028-06-01T00:00Z, to the second.
    (1_717_200_000i64..1_843_430_400).prop_map(|s| DateTime::from_timestamp(s, 0).unwrap_or_default())
}

fn unit() -> impl Strategy<Value = Unit> {
    prop_oneof![
        Just(Unit::Hours),
        Just(Unit::Days),
        Just(Unit::WorkingDays),
        Just(Unit::Weeks),
        Just(Unit::Months),
        Just(Unit::Years)
    ]
}

fn due(c: &Calendar, at: DateTime<Utc>, amount: u32, unit: Unit, moves: bool) -> Due {
    // Years stay well under the century gebao computes at most; dividing keeps the order.
    let amount = if unit == Unit::Years { amount / 10 } else { amount };
    match c.due(at, Duration::Finite { amount, unit }, moves) {
        Ok(due) => due,
        Err(e) => panic!("{amount} {unit:?}: {e}"),
    }
}

proptest! {
    #[test]
    fn due_is_never_before_receipt(at in instant(), amount in 0u32..400, unit in unit(), moves: bool) {
        let c = Calendar::builtin();
        let due = due(&c, at, amount, unit, moves);
        prop_assert!(due.due_at >= at);
        prop_assert!(due.due_date >= shanghai_date(at));
        prop_assert_eq!(shanghai_date(due.due_at), due.due_date);
    }

    #[test]
    fn a_working_day_due_date_is_a_working_day(at in instant(), amount in 1u32..200) {
        let c = Calendar::builtin();
        let due = due(&c, at, amount, Unit::WorkingDays, false);
        prop_assert!(c.is_working_day(due.due_date));
        prop_assert_eq!(c.working_days_between(shanghai_date(at), due.due_date), i64::from(amount));
        prop_assert_eq!(due.due_at, end_of_day(due.due_date));
        prop_assert_eq!(due.estimated, !c.covers(shanghai_date(at) + TimeDelta::days(1), due.due_date));
    }

    #[test]
    fn a_moved_calendar_deadline_ends_on_a_working_day(at in instant(), amount in 0u32..400, unit in prop_oneof![Just(Unit::Days), Just(Unit::Weeks), Just(Unit::Months)]) {
        let c = Calendar::builtin();
        let moved = due(&c, at, amount, unit, true);
        let fixed = due(&c, at, amount, unit, false);
        prop_assert!(c.is_working_day(moved.due_date));
        prop_assert!(moved.due_date >= fixed.due_date);
        prop_assert!(!fixed.estimated);
    }

    #[test]
    fn more_days_never_give_an_earlier_date(at in instant(), a in 0u32..300, extra in 0u32..100, unit in unit(), moves: bool) {
        let c = Calendar::builtin();
        let shorter = due(&c, at, a, unit, moves);
        let longer = due(&c, at, a + extra, unit, moves);
        prop_assert!(longer.due_at >= shorter.due_at);
        prop_assert!(longer.due_date >= shorter.due_date);
    }

    #[test]
    fn working_days_between_is_antisymmetric_and_additive(a in 0i64..1500, b in 0i64..1500, m in 0i64..1500) {
        let c = Calendar::builtin();
        let base = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap_or_default();
        let (x, y, z) = (base + TimeDelta::days(a), base + TimeDelta::days(b), base + TimeDelta::days(m));
        prop_assert_eq!(c.working_days_between(x, y), -c.working_days_between(y, x));
        prop_assert_eq!(c.working_days_between(x, y) + c.working_days_between(y, z), c.working_days_between(x, z));
        // Against counting one day at a time.
        let (lo, hi) = if x <= y { (x, y) } else { (y, x) };
        let slow = lo.iter_days().skip(1).take_while(|d| *d <= hi).filter(|d| c.is_working_day(*d)).count();
        prop_assert_eq!(c.working_days_between(lo, hi), i64::try_from(slow).unwrap_or(-1));
    }
}

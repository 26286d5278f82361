//! gebao's one time model: when a [`Duration`] counted from an instant ends
//! ([`Duration::add_to`]), and its inverse for sweeps and windows
//! ([`Duration::cutoff_before`]). Retention decisions, retention sweeps, legal holds, repeat
//! limits and request deadlines all count time with these two functions.
//!
//! A duration counted from an instant `t` ends:
//!
//! - **zero** (`"immediately"`, of any unit): at `t` itself.
//! - **hours**: exactly `t` + N hours.
//! - **days, weeks**: at the end (24:00 Asia/Shanghai, i.e. 23:59:59.999 +08:00, see
//!   [`end_of_day`]) of the Nth calendar day after the Shanghai date of `t`; the day of `t`
//!   itself is not counted (民法典 200–203: "开始的当日不计入", "最后一日的截止时间为二十四时").
//! - **months, years**: at the end of the day with the same number N months (12·N) after the
//!   Shanghai date of `t`, or of that month's last day when it is shorter (民法典 202: 31
//!   January + 1 month ends with 28 or 29 February).
//! - **working days**: at the end of the Nth mainland-China working day after the Shanghai
//!   date of `t`: day 1 is the first working day strictly after that date, whatever kind of
//!   day `t` fell on, with the holidays and 调休 make-up days of the calendar (the rule of
//!   request deadlines, `pipl-rules.md` part E). A record collected on a Saturday or during
//!   Golden Week starts counting on the next working day.
//! - **indefinite**: never (`None`).
//!
//! A duration has **passed** at `now` once its end lies strictly before `now`: at the end
//! instant itself it is still running. [`Duration::cutoff_before`] gives the one instant `c`
//! with, for every `t`, `t < c ⟺ add_to(t) < now`: what was collected before `c` has passed
//! its duration at `now` (a sweep deletes `WHERE since < c`), and what was received from
//! `c` on is still within it (a window counts `WHERE received >= c`). A property test proves
//! the equivalence over random instants, every unit and the built-in calendar.
//!
//! Both are total: past the range of [`DateTime<Utc>`] an end saturates at
//! [`DateTime::<Utc>::MAX_UTC`] and a cut-off at [`DateTime::<Utc>::MIN_UTC`]; nothing panics.
//! Where working days were counted in a year without a known holiday notice, the result is
//! [`Reckoned::estimated`], as [`super::Due::estimated`] is.

use super::{Calendar, end_of_day, shanghai_date};
use crate::duration::{Duration, Unit};
use chrono::{DateTime, Days, Months, NaiveDate, NaiveTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

/// Asia/Shanghai is UTC+8 all year.
const SHANGHAI_OFFSET: TimeDelta = TimeDelta::hours(8);

/// An instant reckoned on the calendar: where a duration ends, or a cut-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Reckoned {
    pub at: DateTime<Utc>,
    /// Working days were counted in a year whose holiday notice the calendar lacks (weekends
    /// only there): `at` may move once the notice is loaded. Show
    /// [`super::ESTIMATED_NOTE`] with it.
    pub estimated: bool,
}

impl Reckoned {
    fn exact(at: DateTime<Utc>) -> Reckoned {
        Reckoned { at, estimated: false }
    }
}

impl Duration {
    /// When this duration counted from `instant` ends, on `cal` (see the module doc for each
    /// unit); `None` for an indefinite duration. Never before `instant`; saturates at
    /// [`DateTime::<Utc>::MAX_UTC`]. Monotone: a later `instant` never ends earlier.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use gebao_core::{calendar::Calendar, duration::Duration};
    /// // Collected on Wednesday 30 September 2026 at 10:00 in Beijing (02:00 UTC), before
    /// // Golden Week: ten working days end with Tuesday 20 October, 24:00 Beijing time.
    /// let collected = Utc.with_ymd_and_hms(2026, 9, 30, 2, 0, 0).unwrap();
    /// let end = Duration::working_days(10).add_to(collected, &Calendar::builtin()).unwrap();
    /// assert_eq!(end.at.to_rfc3339(), "2026-10-20T15:59:59.999+00:00");
    /// assert!(!end.estimated);
    /// ```
    pub fn add_to(self, instant: DateTime<Utc>, cal: &Calendar) -> Option<Reckoned> {
        let Duration::Finite { amount, unit } = self else { return None };
        if amount == 0 {
            return Some(Reckoned::exact(instant));
        }
        if unit == Unit::Hours {
            let end = TimeDelta::try_hours(i64::from(amount)).and_then(|h| instant.checked_add_signed(h));
            return Some(Reckoned::exact(end.unwrap_or(DateTime::<Utc>::MAX_UTC)));
        }
        let from = shanghai_date(instant);
        let last = last_day(from, amount, unit, cal);
        let estimated =
            unit == Unit::WorkingDays && !cal.covers(from.succ_opt().unwrap_or(from), last.unwrap_or(NaiveDate::MAX));
        Some(Reckoned { at: last.map_or(DateTime::<Utc>::MAX_UTC, end_of_day), estimated })
    }

    /// The cut-off of this duration at `now`: the instant `c` such that, for every `t`,
    /// `t < c` exactly when the duration counted from `t` has passed at `now`
    /// (`add_to(t) < now`). `None` for an indefinite duration (nothing ever passes).
    ///
    /// A retention sweep deletes the rows with `since < c`; a window of the last N days
    /// counts what was received at or after `c`. Saturates at
    /// [`DateTime::<Utc>::MIN_UTC`] (nothing has passed yet).
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use gebao_core::{calendar::Calendar, duration::Duration};
    /// // Swept at 00:00 on 21 October 2026 in Beijing: whatever was collected before
    /// // 8 October (Beijing) has passed ten working days — what was collected on 30 September
    /// // or during Golden Week ended with 20 October. From 8 October on, it has not.
    /// let now = Utc.with_ymd_and_hms(2026, 10, 20, 16, 0, 0).unwrap();
    /// let cutoff = Duration::working_days(10).cutoff_before(now, &Calendar::builtin()).unwrap();
    /// assert_eq!(cutoff.at.to_rfc3339(), "2026-10-07T16:00:00+00:00");
    /// ```
    pub fn cutoff_before(self, now: DateTime<Utc>, cal: &Calendar) -> Option<Reckoned> {
        let Duration::Finite { amount, unit } = self else { return None };
        if amount == 0 {
            return Some(Reckoned::exact(now));
        }
        if unit == Unit::Hours {
            let cutoff = TimeDelta::try_hours(i64::from(amount)).and_then(|h| now.checked_sub_signed(h));
            return Some(Reckoned::exact(cutoff.unwrap_or(DateTime::<Utc>::MIN_UTC)));
        }
        // The last day whose end lies before `now`: a duration ending on it or earlier has
        // passed. Then the last day of collection that ends by then.
        let today = shanghai_date(now);
        let over = if now > end_of_day(today) { Some(today) } else { today.pred_opt() };
        let latest = over.and_then(|over| latest_start(over, amount, unit, cal));
        // `latest` ends by `over`, so it is before the last date chrono knows: it has a next.
        let first_kept = latest.and_then(|d| d.succ_opt());
        let estimated = unit == Unit::WorkingDays
            && !cal.covers(first_kept.unwrap_or(NaiveDate::MIN), over.unwrap_or(NaiveDate::MIN));
        Some(Reckoned { at: first_kept.map_or(DateTime::<Utc>::MIN_UTC, start_of_day), estimated })
    }
}

/// The first instant of a day in Asia/Shanghai (00:00 +08:00).
pub fn start_of_day(date: NaiveDate) -> DateTime<Utc> {
    let midnight = date.and_time(NaiveTime::MIN);
    midnight.checked_sub_signed(SHANGHAI_OFFSET).map_or(DateTime::<Utc>::MIN_UTC, |t| t.and_utc())
}

/// The last day of `amount` units (not hours, not zero) counted from `from`; `None` past the
/// last date chrono knows.
fn last_day(from: NaiveDate, amount: u32, unit: Unit, cal: &Calendar) -> Option<NaiveDate> {
    match unit {
        // Hours are counted exactly and never reach here.
        Unit::Hours | Unit::Days => from.checked_add_days(Days::new(u64::from(amount))),
        Unit::Weeks => from.checked_add_days(Days::new(u64::from(amount) * 7)),
        Unit::Months => from.checked_add_months(Months::new(amount)),
        Unit::Years => from.checked_add_months(Months::new(amount.checked_mul(12)?)),
        Unit::WorkingDays => cal.nth_working_day_after(from, amount),
    }
}

/// The latest day `d` whose [`last_day`] is `over` or earlier; `None` when no day is.
fn latest_start(over: NaiveDate, amount: u32, unit: Unit, cal: &Calendar) -> Option<NaiveDate> {
    match unit {
        Unit::Hours | Unit::Days => over.checked_sub_days(Days::new(u64::from(amount))),
        Unit::Weeks => over.checked_sub_days(Days::new(u64::from(amount) * 7)),
        Unit::Months | Unit::Years => {
            let months = if unit == Unit::Years { amount.checked_mul(12)? } else { amount };
            let mut d = over.checked_sub_months(Months::new(months))?;
            // When `over` ends its month, the last days of a longer month before it end on it
            // too (31 January + 1 month = 28 February): at most three of them.
            for _ in 0..3 {
                match d.succ_opt() {
                    Some(next) if next.checked_add_months(Months::new(months)).is_some_and(|e| e <= over) => d = next,
                    _ => break,
                }
            }
            Some(d)
        }
        Unit::WorkingDays => cal.working_days_back(over, amount),
    }
}

impl Calendar {
    /// The `n`th working day after `date`: day 1 is the first working day strictly after
    /// it; `date` itself for 0. `None` past the last date chrono knows.
    pub fn nth_working_day_after(&self, date: NaiveDate, n: u32) -> Option<NaiveDate> {
        let room = (NaiveDate::MAX - date).num_days();
        let after = |k: i64| date.checked_add_signed(TimeDelta::days(k)).unwrap_or(NaiveDate::MAX);
        let k = first_reaching(i64::from(n), room, |k| self.working_days_between(date, after(k)))?;
        Some(after(k))
    }

    /// The latest day with `n` working days after it up to and including `date`: the day
    /// before the `n`th working day counted back from `date` (itself included). `None` when
    /// no date chrono knows has that many.
    fn working_days_back(&self, date: NaiveDate, n: u32) -> Option<NaiveDate> {
        let room = (date - NaiveDate::MIN).num_days();
        let before = |j: i64| date.checked_sub_signed(TimeDelta::days(j)).unwrap_or(NaiveDate::MIN);
        let j = first_reaching(i64::from(n), room, |j| self.working_days_between(before(j), date))?;
        Some(before(j))
    }
}

/// The smallest `k` in `0..=max` with `count(k) >= n`, for a count of working days among the
/// first `k` days: 0 at 0, never falling, growing by at most one per day. `None` when even
/// `count(max)` falls short.
///
/// Steps by what is missing: from `count(k) = c < n`, the next `n - c` days hold at most
/// `n - c` working days, so no `k` before `k + n - c` reaches `n`, and `k + n - c` does
/// exactly when all of those days are working days, the last of them the `n`th. Each step
/// moves on: weeks of holidays cost a step a day, anything else a few steps in all.
fn first_reaching(n: i64, max: i64, count: impl Fn(i64) -> i64) -> Option<i64> {
    let (mut k, mut c) = (0, 0);
    while c < n {
        if k >= max {
            return None;
        }
        k = k.saturating_add(n - c).min(max);
        c = count(k);
    }
    Some(k)
}

//! When a rights request is due (`pipl-rules.md` part E: "day 1 is the first working day
//! after receipt"; RGT-02 APP19, RGT-03 35273 8.7).

use super::{Calendar, Reckoned};
use crate::duration::{Duration, Unit};
use crate::text::Text;
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

/// Asia/Shanghai is UTC+8 all year (no daylight saving since 1991).
const SHANGHAI_OFFSET_MS: i64 = 8 * 3_600_000;
const DAY_MS: i64 = 86_400_000;

/// The longest deadline gebao computes, about a century: far beyond any response deadline,
/// and it keeps a typo such as "150000 days" from running the calendar for seconds.
const MAX_DAYS: u64 = 36_600;

/// What [`Due::estimated`] means, for reports and the user's request page.
pub const ESTIMATED_NOTE: Text = Text::new(
    "截止日期涉及尚未发布放假安排的年份（国务院办公厅每年的部分节假日安排通知），该年份的工作日暂按周六、周日休息计算，实际截止日期可能不同；通知发布后请加载新的日历文件。",
    "The due date reaches into a year whose holiday notice (the State Council's yearly notice) is not yet known: working days there are counted with Saturdays and Sundays off only, and the real due date may differ; load a newer calendar file once the notice is published.",
);

/// When a request is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Due {
    /// The last instant to answer in: the end of `due_date` in Asia/Shanghai
    /// (23:59:59.999 +08:00), or receipt plus the hours for an hour deadline.
    pub due_at: DateTime<Utc>,
    /// The due day, in Asia/Shanghai.
    pub due_date: NaiveDate,
    /// The computation relied on a year without a known notice (weekends only); see
    /// [`ESTIMATED_NOTE`].
    pub estimated: bool,
}

impl Due {
    /// The note to show with an estimated due date, if it is one.
    pub fn note(&self) -> Option<Text> {
        self.estimated.then_some(ESTIMATED_NOTE)
    }
}

/// Why no due time can be computed for a deadline.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DueError {
    /// "indefinite" is no deadline for a request.
    #[error(
        "答复期限不能是“长期”，请写明期限，如 \"15 working days\" / a response deadline cannot be indefinite: state one, e.g. \"15 working days\""
    )]
    Indefinite,
    /// The deadline is absurdly long (a typo).
    #[error("答复期限 {deadline} 过长，请核对 / the response deadline {deadline} is far too long: check it")]
    TooLong { deadline: Duration },
}

/// The date in Asia/Shanghai of an instant.
pub fn shanghai_date(at: DateTime<Utc>) -> NaiveDate {
    shanghai_time(at).date()
}

/// The wall-clock time in Asia/Shanghai of an instant.
pub fn shanghai_time(at: DateTime<Utc>) -> NaiveDateTime {
    let naive = at.naive_utc();
    naive.checked_add_signed(TimeDelta::milliseconds(SHANGHAI_OFFSET_MS)).unwrap_or(naive)
}

/// The end of a day in Asia/Shanghai (23:59:59.999 +08:00), as an instant.
pub fn end_of_day(date: NaiveDate) -> DateTime<Utc> {
    let midnight = date.and_time(NaiveTime::default());
    midnight.checked_add_signed(TimeDelta::milliseconds(DAY_MS - 1 - SHANGHAI_OFFSET_MS)).unwrap_or(midnight).and_utc()
}

impl Calendar {
    /// When a request received at `received_at` with this `deadline` is due: the end of
    /// `deadline` counted from receipt ([`Duration::add_to`], the one time model), with two
    /// rules of their own for deadlines.
    ///
    /// - Working days: day 1 is the first working day after the day of receipt (in
    ///   Asia/Shanghai), whatever kind of day that was, so a request received on a Saturday
    ///   counts from the next working day; due at the end of day N.
    /// - Days and weeks: day N after the day of receipt. When `calendar_day_moves` (the
    ///   manifest's `rights.calendar_deadline_moves_to_working_day`, default false) and that
    ///   day is not a working day, the next working day (民法典 203). The same holds for months
    ///   and years, counted as calendar months (31 January + 1 month = 28 or 29 February).
    /// - Hours: the instant of receipt plus N hours.
    /// - "Immediately" (zero days): by the end of the day of receipt.
    ///
    /// `estimated` is set when a day whose kind mattered lies in a year without a known
    /// notice.
    pub fn due(
        &self,
        received_at: DateTime<Utc>,
        deadline: Duration,
        calendar_day_moves: bool,
    ) -> Result<Due, DueError> {
        let Duration::Finite { amount, unit } = deadline else { return Err(DueError::Indefinite) };
        let too_long = || DueError::TooLong { deadline };
        let most = match unit {
            Unit::Hours => MAX_DAYS * 24,
            Unit::Days => MAX_DAYS,
            Unit::Weeks => MAX_DAYS / 7,
            // Five working days a week, less a few weeks of holidays a year.
            Unit::WorkingDays => MAX_DAYS / 7 * 5 - 200,
            Unit::Months => MAX_DAYS / 31,
            Unit::Years => MAX_DAYS / 31 / 12,
        };
        if u64::from(amount) > most {
            return Err(too_long());
        }
        let end = if amount == 0 && unit != Unit::Hours {
            Reckoned { at: end_of_day(shanghai_date(received_at)), estimated: false }
        } else {
            // The end saturates at the last instant chrono knows: no date to answer by.
            let end = deadline.add_to(received_at, self).filter(|e| e.at < DateTime::<Utc>::MAX_UTC);
            end.ok_or_else(too_long)?
        };
        let nominal = shanghai_date(end.at);
        if !calendar_day_moves || matches!(unit, Unit::Hours | Unit::WorkingDays) {
            return Ok(Due { due_at: end.at, due_date: nominal, estimated: end.estimated });
        }
        let (due_date, estimated) = if self.is_working_day(nominal) {
            (nominal, !self.knows(nominal.year()))
        } else {
            let moved = self.next_working_day(nominal).ok_or_else(too_long)?;
            (moved, !self.covers(nominal, moved))
        };
        Ok(Due { due_at: end_of_day(due_date), due_date, estimated })
    }

    /// Working days left before a request is due, counted from `now`'s day in Asia/Shanghai:
    /// 0 on the due day, negative once overdue (see [`Calendar::working_days_between`]).
    /// Whether a request is overdue is `now > due.due_at`; this count is for reports.
    pub fn working_days_left(&self, now: DateTime<Utc>, due: &Due) -> i64 {
        self.working_days_between(shanghai_date(now), due.due_date)
    }
}

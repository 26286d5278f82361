//! The mainland-China working-day calendar and the deadlines of rights requests
//! (`pipl-rules.md` part E; RGT-02, RGT-03).
//!
//! A working day is Monday–Friday that is not a public holiday, or a make-up working day
//! (调休上班, a weekend day worked), as the State Council's holiday notice for the year sets
//! them. Days are days in Asia/Shanghai (UTC+8, no daylight saving).
//!
//! The notices ship as a data file (`cn.toml`, see [`BUILTIN_TOML`]) and an operator can load
//! a newer or corrected one in the same format without a new release:
//!
//! ```
//! use gebao_core::calendar::Calendar;
//! let operator = Calendar::from_toml(
//!     "[[year]]\nyear = 2026\nsource = \"corrected notice\"\nholidays = [\"2026-10-01..2026-10-08\"]\n",
//! )?;
//! let cal = Calendar::builtin().with_override(operator);
//! assert!(cal.knows(2025) && cal.knows(2026));
//! # Ok::<(), gebao_core::calendar::CalendarError>(())
//! ```
//!
//! A year with no notice is counted with weekends only; a deadline that depends on such a
//! year is marked [`Due::estimated`] and carries [`ESTIMATED_NOTE`]. Notices are never
//! guessed.

mod due;
mod file;
mod reckon;

pub use due::{Due, DueError, ESTIMATED_NOTE, end_of_day, shanghai_date, shanghai_time};
pub use file::CalendarError;
pub use reckon::{Reckoned, start_of_day};

use chrono::{Datelike, NaiveDate, Weekday};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// The built-in calendar file: every published notice gebao knows. Operators can copy it as
/// the starting point of their own file.
pub const BUILTIN_TOML: &str = include_str!("cn.toml");

/// What kind of day a date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayKind {
    /// Monday–Friday, not a holiday.
    Weekday,
    /// Saturday or Sunday, not a make-up working day.
    Weekend,
    /// A public holiday (法定节假日 and the days joined to it by the notice).
    Holiday,
    /// A weekend day worked instead of a holiday day (调休上班).
    MakeUpWorkday,
}

impl DayKind {
    /// Whether work is done on this kind of day.
    pub fn is_working(self) -> bool {
        matches!(self, DayKind::Weekday | DayKind::MakeUpWorkday)
    }
}

/// One year's State Council holiday notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearNotice {
    year: i32,
    source: String,
    holidays: BTreeSet<NaiveDate>,
    workdays: BTreeSet<NaiveDate>,
}

impl YearNotice {
    pub fn year(&self) -> i32 {
        self.year
    }

    /// The notice the dates come from, e.g. "国务院办公厅关于2025年部分节假日安排的通知（…）".
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The holidays, ranges expanded, in date order.
    pub fn holidays(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.holidays.iter().copied()
    }

    /// The make-up working days, in date order.
    pub fn workdays(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.workdays.iter().copied()
    }
}

/// A working-day calendar: the known notices, and every listed day resolved to its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    notices: BTreeMap<i32, YearNotice>,
    /// Holidays and make-up days of all notices. Where two notices list the same date (one
    /// reaching across New Year), the notice of the date's own year wins.
    days: BTreeMap<NaiveDate, DayKind>,
}

impl Calendar {
    /// The calendar shipped with gebao ([`BUILTIN_TOML`]). Parsed once, at first use; a unit
    /// test guarantees it parses, and were it ever not to, this is the weekends-only calendar
    /// (every deadline estimated) rather than a crash.
    pub fn builtin() -> Calendar {
        static BUILTIN: OnceLock<Calendar> = OnceLock::new();
        BUILTIN.get_or_init(|| Calendar::from_toml(BUILTIN_TOML).unwrap_or_else(|_| Calendar::weekends_only())).clone()
    }

    /// A calendar that knows no notice: weekends only, every answer estimated.
    pub fn weekends_only() -> Calendar {
        Calendar { notices: BTreeMap::new(), days: BTreeMap::new() }
    }

    /// Reads a calendar file (the format of [`BUILTIN_TOML`]). Errors name the line, the year
    /// and the fix.
    pub fn from_toml(src: &str) -> Result<Calendar, CalendarError> {
        let notices = file::parse(src)?;
        Ok(Calendar::from_notices(notices.into_iter().map(|n| (n.year, n)).collect()))
    }

    /// This calendar with `other`'s years in place of its own: an operator's file replaces
    /// the built-in notice of every year it lists, and adds the years gebao does not know.
    pub fn with_override(self, other: Calendar) -> Calendar {
        let mut notices = self.notices;
        notices.extend(other.notices);
        Calendar::from_notices(notices)
    }

    fn from_notices(notices: BTreeMap<i32, YearNotice>) -> Calendar {
        let mut days = BTreeMap::new();
        // Entries across New Year first, so that a date's own notice overwrites them.
        for own_year in [false, true] {
            for n in notices.values() {
                let kinds = n.holidays.iter().map(|d| (*d, DayKind::Holiday));
                let kinds = kinds.chain(n.workdays.iter().map(|d| (*d, DayKind::MakeUpWorkday)));
                days.extend(kinds.filter(|(d, _)| (d.year() == n.year) == own_year));
            }
        }
        Calendar { notices, days }
    }

    /// Whether the notice of `year` is known (else that year is counted with weekends only).
    pub fn knows(&self, year: i32) -> bool {
        self.notices.contains_key(&year)
    }

    /// The years with a known notice, ascending.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.notices.keys().copied()
    }

    /// The notice of a year, if known.
    pub fn notice(&self, year: i32) -> Option<&YearNotice> {
        self.notices.get(&year)
    }

    /// Whether every day from `first` to `last` (both included) lies in a year with a known
    /// notice.
    pub fn covers(&self, first: NaiveDate, last: NaiveDate) -> bool {
        let (a, b) = if first <= last { (first, last) } else { (last, first) };
        (a.year()..=b.year()).all(|y| self.knows(y))
    }

    /// What kind of day `date` is.
    pub fn day_kind(&self, date: NaiveDate) -> DayKind {
        match self.days.get(&date) {
            Some(kind) => *kind,
            None if is_weekend(date) => DayKind::Weekend,
            None => DayKind::Weekday,
        }
    }

    /// Whether `date` is a working day.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.day_kind(date).is_working()
    }

    /// The first working day strictly after `date`.
    pub fn next_working_day(&self, date: NaiveDate) -> Option<NaiveDate> {
        // At most a couple of weeks of holidays ever follow one another; the bound only keeps
        // a corrupt calendar from looping.
        date.iter_days().skip(1).take(370).find(|d| self.is_working_day(*d))
    }

    /// The number of working days after `from` up to and including `to`: how many working
    /// days are left when `from` is today and `to` the due date. Negative when `to` is
    /// before `from` (overdue by that many working days); zero when they are the same day.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to < from {
            return -self.working_days_between(to, from);
        }
        let span = (to - from).num_days();
        // Weekdays in (from, to], in whole weeks and then the rest, one day at a time.
        let mut count = span / 7 * 5;
        let mut d = from;
        for _ in 0..span % 7 {
            d = d.succ_opt().unwrap_or(d);
            if !is_weekend(d) {
                count += 1;
            }
        }
        let listed = self.days.range((std::ops::Bound::Excluded(from), std::ops::Bound::Included(to)));
        for (date, kind) in listed {
            match kind {
                DayKind::Holiday if !is_weekend(*date) => count -= 1,
                DayKind::MakeUpWorkday if is_weekend(*date) => count += 1,
                _ => {}
            }
        }
        count
    }
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

#[cfg(test)]
mod props;
#[cfg(test)]
mod reckon_tests;
#[cfg(test)]
mod tests;

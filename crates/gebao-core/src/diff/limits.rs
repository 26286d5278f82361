//! Comparing limits: durations, retention starting points, countries.

use super::classify::Verb;
use crate::duration::{Duration, Unit};
use crate::manifest::{RetentionStart, is_outside_mainland};
use std::cmp::Ordering;

/// How an optional time limit moved. A limit dropped is a lengthening (no end stated any
/// more); a limit introduced where there was none is a shortening.
pub(super) fn compare_limits(old: Option<Duration>, new: Option<Duration>) -> Verb {
    match (old, new) {
        (Some(a), Some(b)) => match compare(&a, &b) {
            Ordering::Less => Verb::Lengthened,
            Ordering::Greater => Verb::Shortened,
            Ordering::Equal => Verb::Changed,
        },
        (Some(_), None) => Verb::Lengthened,
        (None, Some(_)) => Verb::Shortened,
        (None, None) => Verb::Changed,
    }
}

/// Orders two durations by their usual length: a month is a twelfth of a year (so that
/// "12 months" equals "1 year"), a working day 7/5 of a day (so that "15 working days"
/// equals "21 days"). "Indefinite" is longer than everything.
pub(super) fn compare(a: &Duration, b: &Duration) -> Ordering {
    fn tenths_of_hours(d: &Duration) -> Option<u64> {
        match *d {
            Duration::Indefinite => None,
            Duration::Finite { amount, unit } => {
                let per = match unit {
                    Unit::Hours => 10,
                    Unit::Days => 240,
                    Unit::WorkingDays => 336,
                    Unit::Weeks => 1_680,
                    Unit::Months => 7_305,
                    Unit::Years => 87_660,
                };
                Some(u64::from(amount) * per)
            }
        }
    }
    match (tenths_of_hours(a), tenths_of_hours(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
    }
}

/// Retention starting points from earliest to latest.
pub(super) fn start_rank(s: RetentionStart) -> u8 {
    match s {
        RetentionStart::Collection => 0,
        RetentionStart::TransactionCompletion | RetentionStart::PurposeEnd => 1,
        RetentionStart::AccountCancellation | RetentionStart::RelationshipEnd => 2,
    }
}

pub(super) fn normalise_country(c: &str) -> String {
    if is_outside_mainland(c) { c.trim().to_ascii_uppercase() } else { "CN".to_owned() }
}

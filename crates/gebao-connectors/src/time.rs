//! Time arithmetic for holds and retention: when a duration counted from a timestamp ends,
//! reading the timestamp columns of any engine, and writing a cut-off in the column's type.
//! Timestamps without a zone are taken as UTC.

use crate::sql::{ColType, Kind, Param};
use chrono::{DateTime, Months, NaiveDate, NaiveDateTime, TimeDelta, Utc};
use gebao_core::duration::{Duration, Unit};
use serde_json::Value;

/// `now` minus `d`: rows whose timestamp is before it have passed `d`. `None` for an
/// indefinite duration (never passed). Working days count at their longest calendar span,
/// so that nothing is erased early.
pub(crate) fn before(now: DateTime<Utc>, d: &Duration) -> Option<DateTime<Utc>> {
    let Duration::Finite { amount, unit } = *d else { return None };
    let days = |n: u32| now.checked_sub_signed(TimeDelta::days(i64::from(n)));
    let at = match unit {
        Unit::Hours => now.checked_sub_signed(TimeDelta::hours(i64::from(amount))),
        Unit::Days => days(amount),
        Unit::WorkingDays => d.max_days().and_then(days),
        Unit::Weeks => days(amount.saturating_mul(7)),
        Unit::Months => now.checked_sub_months(Months::new(amount)),
        Unit::Years => now.checked_sub_months(Months::new(amount.saturating_mul(12))),
    };
    Some(at.unwrap_or(DateTime::<Utc>::MIN_UTC))
}

/// When `d` counted from `since` ends. `None` for an indefinite duration.
pub(crate) fn after(since: DateTime<Utc>, d: &Duration) -> Option<DateTime<Utc>> {
    let Duration::Finite { amount, unit } = *d else { return None };
    let days = |n: u32| since.checked_add_signed(TimeDelta::days(i64::from(n)));
    let at = match unit {
        Unit::Hours => since.checked_add_signed(TimeDelta::hours(i64::from(amount))),
        Unit::Days => days(amount),
        Unit::WorkingDays => d.max_days().and_then(days),
        Unit::Weeks => days(amount.saturating_mul(7)),
        Unit::Months => since.checked_add_months(Months::new(amount)),
        Unit::Years => since.checked_add_months(Months::new(amount.saturating_mul(12))),
    };
    Some(at.unwrap_or(DateTime::<Utc>::MAX_UTC))
}

/// Reads a timestamp as the connectors return it: RFC 3339, `YYYY-MM-DD HH:MM:SS[.f]`,
/// `YYYY-MM-DD`, or Unix seconds.
pub(crate) fn parse(value: &Value) -> Option<DateTime<Utc>> {
    match value {
        Value::Number(n) => DateTime::from_timestamp(n.as_i64()?, 0),
        Value::String(s) => {
            let s = s.trim();
            if let Ok(t) = DateTime::parse_from_rfc3339(s) {
                return Some(t.with_timezone(&Utc));
            }
            for f in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S%.f%#z"] {
                if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
                    return Some(t.and_utc());
                }
            }
            let date = NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()?;
            Some(date.and_hms_opt(0, 0, 0)?.and_utc())
        }
        _ => None,
    }
}

/// A cut-off as a parameter for comparing with a column of type `ty`.
pub(crate) fn param(at: DateTime<Utc>, ty: &ColType) -> Param {
    match ty.kind {
        Kind::Date => Param::Text(at.format("%Y-%m-%d").to_string()),
        Kind::TimestampTz => Param::Text(at.to_rfc3339()),
        // SQLite columns declared INTEGER hold Unix seconds.
        Kind::Int | Kind::UInt => Param::Int(at.timestamp()),
        _ => Param::Text(at.format("%Y-%m-%d %H:%M:%S").to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn months_and_years_follow_the_calendar() {
        let now = parse(&json!("2026-08-31 12:00:00")).unwrap();
        assert_eq!(before(now, &Duration::months(6)), parse(&json!("2026-02-28 12:00:00")));
        assert_eq!(before(now, &Duration::years(3)), parse(&json!("2023-08-31 12:00:00")));
        assert_eq!(before(now, &Duration::Indefinite), None);
        let since = parse(&json!("2023-01-15")).unwrap();
        assert_eq!(after(since, &Duration::years(3)), parse(&json!("2026-01-15")));
    }

    #[test]
    fn reads_every_engine_timestamp() {
        let want = parse(&json!("2024-03-01T08:00:00Z"));
        assert!(want.is_some());
        assert_eq!(parse(&json!("2024-03-01 08:00:00")), want);
        assert_eq!(parse(&json!("2024-03-01 08:00:00.000")), want);
        assert_eq!(parse(&json!("2024-03-01T16:00:00+08:00")), want);
        assert_eq!(parse(&json!(1_709_280_000)), want);
        assert_eq!(parse(&json!("2024-03-01")), parse(&json!("2024-03-01 00:00:00")));
        assert_eq!(parse(&json!("not a date")), None);
    }
}

//! Time for holds and retention: durations are counted by gebao-core's one time model
//! (`Duration::add_to`, `Duration::cutoff_before`, on the working-day calendar), so the
//! sweeper, legal holds and decisions agree; this module reads the timestamp columns of any
//! engine and writes a cut-off in the column's type. Timestamps without a zone are UTC.

use crate::sql::{ColType, Kind, Param};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use gebao_core::calendar::{Calendar, shanghai_date};
use gebao_core::duration::Duration;
use serde_json::Value;

/// The cut-off of `d` at `now`: rows whose timestamp is before it have passed `d`
/// (`Duration::cutoff_before`, the one time model: working days on the calendar). `None`
/// for an indefinite duration (never passed).
pub(crate) fn before(now: DateTime<Utc>, d: &Duration, cal: &Calendar) -> Option<DateTime<Utc>> {
    d.cutoff_before(now, cal).map(|c| c.at)
}

/// When `d` counted from `since` ends (`Duration::add_to`). `None` for an indefinite
/// duration.
pub(crate) fn after(since: DateTime<Utc>, d: &Duration, cal: &Calendar) -> Option<DateTime<Utc>> {
    d.add_to(since, cal).map(|e| e.at)
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
        // A date column holds Beijing days: the cut-off's day there.
        Kind::Date => Param::Text(shanghai_date(at).format("%Y-%m-%d").to_string()),
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

    /// Holds and sweeps use the one time model: a hold counted from a time ends exactly
    /// where the sweep's cut-off puts it, working days included.
    #[test]
    fn holds_and_sweeps_count_the_same_way() {
        let cal = Calendar::builtin();
        let since = parse(&json!("2026-09-30 10:00:00")).unwrap();
        let d = Duration::working_days(10);
        let end = after(since, &d, &cal).unwrap();
        // Golden Week 2026: ten working days after 30 September end with 20 October (Beijing).
        assert_eq!(shanghai_date(end).to_string(), "2026-10-20");
        let just_after = end + chrono::TimeDelta::milliseconds(1);
        assert!(since < before(just_after, &d, &cal).unwrap(), "past the end: swept");
        assert!(since >= before(end, &d, &cal).unwrap(), "at the end: still kept");
        assert_eq!(before(end, &Duration::Indefinite, &cal), None);
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

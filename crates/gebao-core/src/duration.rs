//! Durations as operators write them: `"15 working days"`, `"30 days"`, `"6 months"`,
//! `"3 years"`, `"48 hours"`, or in Chinese `"15个工作日"`, `"30天"`, `"6个月"`, `"3年"`,
//! `"48小时"`; `"immediately"` (`"立即"`) is zero. Retention may also be `"indefinite"`
//! (`"永久"`), which RET-03 then questions.

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The unit of a [`Duration`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unit {
    Hours,
    Days,
    /// Mainland-China working days (holidays and 调休 make-up days included).
    WorkingDays,
    Weeks,
    Months,
    Years,
}

impl Unit {
    const ALL: [(Unit, &'static [&'static str]); 6] = [
        (Unit::Hours, &["hour", "hours", "h", "小时", "个小时"]),
        (Unit::Days, &["day", "days", "d", "calendar day", "calendar days", "天", "日", "自然日", "个自然日"]),
        (Unit::WorkingDays, &["working day", "working days", "business day", "business days", "个工作日", "工作日"]),
        (Unit::Weeks, &["week", "weeks", "w", "周", "个星期", "星期"]),
        (Unit::Months, &["month", "months", "个月", "月"]),
        (Unit::Years, &["year", "years", "y", "年"]),
    ];

    fn parse(s: &str) -> Option<Unit> {
        let s = s.trim().to_lowercase();
        Unit::ALL.iter().find(|(_, names)| names.contains(&s.as_str())).map(|(u, _)| *u)
    }

    fn name_en(self, n: u32) -> &'static str {
        let one = n == 1;
        match self {
            Unit::Hours => {
                if one {
                    "hour"
                } else {
                    "hours"
                }
            }
            Unit::Days => {
                if one {
                    "day"
                } else {
                    "days"
                }
            }
            Unit::WorkingDays => {
                if one {
                    "working day"
                } else {
                    "working days"
                }
            }
            Unit::Weeks => {
                if one {
                    "week"
                } else {
                    "weeks"
                }
            }
            Unit::Months => {
                if one {
                    "month"
                } else {
                    "months"
                }
            }
            Unit::Years => {
                if one {
                    "year"
                } else {
                    "years"
                }
            }
        }
    }

    fn name_zh(self) -> &'static str {
        match self {
            Unit::Hours => "小时",
            Unit::Days => "日",
            Unit::WorkingDays => "个工作日",
            Unit::Weeks => "周",
            Unit::Months => "个月",
            Unit::Years => "年",
        }
    }
}

/// A length of time from the manifest. `Indefinite` means "kept with no end".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Duration {
    Finite { amount: u32, unit: Unit },
    Indefinite,
}

/// Why a duration text could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{text}` is not a duration: write a number and a unit, e.g. \"15 working days\", \"30 days\", \"6 months\", \"3 years\", \"48 hours\" (or 15个工作日, 30天, 6个月, 3年, 48小时)"
)]
pub struct DurationError {
    pub text: String,
}

impl Duration {
    /// "At once" (立即): zero days.
    pub const IMMEDIATELY: Duration = Duration::Finite { amount: 0, unit: Unit::Days };

    pub const fn days(amount: u32) -> Self {
        Duration::Finite { amount, unit: Unit::Days }
    }
    pub const fn working_days(amount: u32) -> Self {
        Duration::Finite { amount, unit: Unit::WorkingDays }
    }
    pub const fn months(amount: u32) -> Self {
        Duration::Finite { amount, unit: Unit::Months }
    }
    pub const fn years(amount: u32) -> Self {
        Duration::Finite { amount, unit: Unit::Years }
    }
    pub const fn hours(amount: u32) -> Self {
        Duration::Finite { amount, unit: Unit::Hours }
    }

    pub fn parse(text: &str) -> Result<Self, DurationError> {
        let err = || DurationError { text: text.to_owned() };
        let t = text.trim();
        if matches!(t.to_lowercase().as_str(), "indefinite" | "forever" | "permanent" | "永久" | "长期" | "永久保存")
        {
            return Ok(Duration::Indefinite);
        }
        if matches!(t.to_lowercase().as_str(), "immediately" | "at once" | "立即" | "即刻" | "立刻") {
            return Ok(Duration::IMMEDIATELY);
        }
        let digits_end = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        if digits_end == 0 {
            return Err(err());
        }
        let amount: u32 = t[..digits_end].parse().map_err(|_| err())?;
        let unit = Unit::parse(&t[digits_end..]).ok_or_else(err)?;
        if amount == 0 {
            return Err(err());
        }
        Ok(Duration::Finite { amount, unit })
    }

    /// The most calendar days this duration can span: a month up to 31 days (six months up to
    /// 184), a year 366, a working day 7/5 of a day plus up to 8 days of holidays.
    pub fn max_days(&self) -> Option<u32> {
        match *self {
            Duration::Indefinite => None,
            Duration::Finite { amount: a, unit } => Some(match unit {
                Unit::Hours => a.div_ceil(24),
                Unit::Days => a,
                Unit::WorkingDays => a.saturating_mul(7).div_ceil(5).saturating_add(8),
                Unit::Weeks => a.saturating_mul(7),
                Unit::Months => a.saturating_mul(365).div_ceil(12).saturating_add(1),
                Unit::Years => a.saturating_mul(366),
            }),
        }
    }

    /// The fewest calendar days this duration can span (make-up working days can shorten a
    /// run of working days by two).
    pub fn min_days(&self) -> Option<u32> {
        match *self {
            Duration::Indefinite => None,
            Duration::Finite { amount: a, unit } => Some(match unit {
                Unit::Hours => a / 24,
                Unit::Days => a,
                Unit::WorkingDays => (a.saturating_mul(7) / 5).saturating_sub(2).max(a),
                Unit::Weeks => a.saturating_mul(7),
                Unit::Months => a.saturating_mul(28),
                Unit::Years => a.saturating_mul(365),
            }),
        }
    }

    /// Whether this duration is at least `other` whatever the calendar does: compared in
    /// whole months for month and year units, else in calendar days.
    pub fn at_least(&self, other: &Duration) -> bool {
        match (self, other) {
            (Duration::Indefinite, _) => true,
            (_, Duration::Indefinite) => false,
            (Duration::Finite { amount: a, unit: ua }, Duration::Finite { amount: b, unit: ub }) => {
                if ua == ub {
                    return a >= b;
                }
                let months = |n: u32, u: Unit| match u {
                    Unit::Months => Some(n),
                    Unit::Years => Some(n.saturating_mul(12)),
                    _ => None,
                };
                if let (Some(x), Some(y)) = (months(*a, *ua), months(*b, *ub)) {
                    return x >= y;
                }
                match (self.min_days(), other.max_days()) {
                    (Some(x), Some(y)) => x >= y,
                    _ => false,
                }
            }
        }
    }

    /// Whether this duration always ends no later than `limit`.
    pub fn at_most(&self, limit: &Duration) -> bool {
        limit.at_least(self)
    }

    /// "At once" (立即): a moment, not a period, which a sentence names as such.
    pub fn is_zero(&self) -> bool {
        matches!(self, Duration::Finite { amount: 0, .. })
    }

    pub fn is_working_days(&self) -> bool {
        matches!(self, Duration::Finite { unit: Unit::WorkingDays, .. })
    }

    /// The text in a language: `15个工作日` or `15 working days`.
    pub fn display(&self, lang: crate::text::Lang) -> String {
        match (self, lang) {
            (Duration::Indefinite, crate::text::Lang::ZhCn) => "长期".to_owned(),
            (Duration::Indefinite, crate::text::Lang::En) => "indefinitely".to_owned(),
            (Duration::Finite { amount: 0, .. }, crate::text::Lang::ZhCn) => "立即".to_owned(),
            (Duration::Finite { amount: 0, .. }, crate::text::Lang::En) => "immediately".to_owned(),
            (Duration::Finite { amount, unit }, crate::text::Lang::ZhCn) => format!("{amount}{}", unit.name_zh()),
            (Duration::Finite { amount, unit }, crate::text::Lang::En) => format!("{amount} {}", unit.name_en(*amount)),
        }
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Duration::Indefinite => f.write_str("indefinite"),
            Duration::Finite { amount: 0, .. } => f.write_str("immediately"),
            Duration::Finite { amount, unit } => write!(f, "{amount} {}", unit.name_en(*amount)),
        }
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Duration::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Duration {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Duration".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A number and a unit: \"15 working days\", \"30 days\", \"6 months\", \"3 years\", \"48 hours\", or 15个工作日, 30天, 6个月, 3年, 48小时; \"immediately\" (立即) for at once; \"indefinite\" for no end.",
            "pattern": "^\\s*(\\d+\\s*\\S.*|indefinite|forever|permanent|永久|长期|永久保存|immediately|at once|立即|即刻|立刻)\\s*$",
            "examples": ["15 working days", "30 days", "6 months", "3 years", "immediately"]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_english_and_chinese() {
        assert_eq!(Duration::parse("15 working days"), Ok(Duration::working_days(15)));
        assert_eq!(Duration::parse("15个工作日"), Ok(Duration::working_days(15)));
        assert_eq!(Duration::parse("30天"), Ok(Duration::days(30)));
        assert_eq!(Duration::parse(" 6 months "), Ok(Duration::months(6)));
        assert_eq!(Duration::parse("6个月"), Ok(Duration::months(6)));
        assert_eq!(Duration::parse("3年"), Ok(Duration::years(3)));
        assert_eq!(Duration::parse("48h"), Ok(Duration::hours(48)));
        assert_eq!(Duration::parse("永久"), Ok(Duration::Indefinite));
        assert_eq!(Duration::parse("即刻"), Ok(Duration::IMMEDIATELY));
        assert_eq!(Duration::parse(&Duration::IMMEDIATELY.to_string()), Ok(Duration::IMMEDIATELY), "round trip");
        assert!(Duration::IMMEDIATELY.at_most(&Duration::working_days(15)));
    }

    #[test]
    fn rejects_bad_text() {
        for bad in ["", "days", "15", "0 days", "15 fortnights", "-3 days", "1.5 years", "99999999999 days"] {
            assert!(Duration::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn compares_across_units() {
        assert!(Duration::years(1).at_least(&Duration::months(6)));
        assert!(Duration::months(6).at_least(&Duration::months(6)));
        assert!(!Duration::days(180).at_least(&Duration::months(6)));
        assert!(Duration::days(184).at_least(&Duration::months(6)));
        assert!(Duration::days(15).at_most(&Duration::working_days(15)));
        assert!(!Duration::days(30).at_most(&Duration::working_days(15)));
        assert!(Duration::working_days(15).at_most(&Duration::days(30)));
        assert!(!Duration::working_days(30).at_most(&Duration::days(30)));
        assert!(!Duration::months(5).at_least(&Duration::months(6)));
        assert!(Duration::Indefinite.at_least(&Duration::years(3)));
        assert!(Duration::working_days(15).at_most(&Duration::working_days(15)));
        assert!(Duration::hours(48).at_least(&Duration::hours(48)));
        assert!(!Duration::hours(47).at_least(&Duration::hours(48)));
        let huge = Duration::Finite { amount: u32::MAX, unit: Unit::Years };
        assert!(huge.at_least(&Duration::years(3)), "no overflow on absurd amounts");
        assert!(!Duration::days(1).at_least(&huge));
    }
}

//! Reading a calendar file: the built-in `cn.toml` and any newer or corrected file an operator
//! loads. The format, one `[[year]]` table per State Council notice:
//!
//! ```toml
//! [[year]]
//! year = 2026
//! source = "国务院办公厅关于2026年部分节假日安排的通知"
//! holidays = ["2026-01-01..2026-01-03", "2026-10-01..2026-10-07"]
//! workdays = ["2026-01-04", "2026-10-10"]
//! ```
//!
//! Every error names the line (and the year, once known) and says how to fix it, because an
//! operator edits this file by hand under a deadline.

use super::YearNotice;
use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;
use std::collections::BTreeSet;
use toml::Spanned;

/// The longest run one entry may span: no holiday in the notices comes near it, so a longer
/// range is a typo (a wrong month, say) rather than a holiday.
const MAX_RANGE_DAYS: i64 = 31;

/// The years a calendar file may describe.
const YEARS: std::ops::RangeInclusive<i64> = 1949..=9999;

/// Why a calendar file could not be read. Messages are zh-CN, then English, and end with the
/// fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// Not TOML, or not the shape of a calendar file (an unknown key, a missing `source`…).
    #[error(
        "日历文件第 {line} 行：{message}。格式为每年一个 [[year]] 表，含 year、source、holidays、workdays / calendar file line {line}: {message}. The format is one [[year]] table per year with year, source, holidays and workdays"
    )]
    Syntax { line: usize, message: String },
    /// The file has no `[[year]]` table.
    #[error(
        "日历文件中没有任何年份：请至少添加一个 [[year]] 表 / the calendar file has no year: add at least one [[year]] table"
    )]
    NoYears,
    /// `year` is not a plausible year.
    #[error(
        "日历文件第 {line} 行：年份 {year} 无效，请写四位数年份，如 2027 / calendar file line {line}: {year} is not a year: write four digits, e.g. 2027"
    )]
    BadYear { line: usize, year: i64 },
    /// The same year appears twice.
    #[error(
        "日历文件第 {line} 行：{year} 年重复出现，请把该年的内容合并到一个 [[year]] 表中 / calendar file line {line}: year {year} appears twice: merge it into one [[year]] table"
    )]
    DuplicateYear { line: usize, year: i32 },
    /// `source` is empty.
    #[error(
        "日历文件第 {line} 行（{year} 年）：source 为空，请写明国务院办公厅放假通知的名称和文号 / calendar file line {line} (year {year}): `source` is empty: name the State Council notice and its number"
    )]
    MissingSource { line: usize, year: i32 },
    /// An entry is not `YYYY-MM-DD` or `YYYY-MM-DD..YYYY-MM-DD`.
    #[error(
        "日历文件第 {line} 行（{year} 年）：`{text}` 不是日期，请写成 \"YYYY-MM-DD\" 或 \"YYYY-MM-DD..YYYY-MM-DD\" / calendar file line {line} (year {year}): `{text}` is not a date: write \"YYYY-MM-DD\" or \"YYYY-MM-DD..YYYY-MM-DD\""
    )]
    BadDate { line: usize, year: i32, text: String },
    /// A range ends before it starts, or is implausibly long.
    #[error(
        "日历文件第 {line} 行（{year} 年）：区间 `{text}` 无效，起始日期须不晚于结束日期，且不超过 {MAX_RANGE_DAYS} 天 / calendar file line {line} (year {year}): range `{text}` is invalid: it must not end before it starts and may span at most {MAX_RANGE_DAYS} days"
    )]
    BadRange { line: usize, year: i32, text: String },
    /// A date far from the notice's year.
    #[error(
        "日历文件第 {line} 行（{year} 年）：{date} 不在 {year} 年内，请把它写在所属年份的 [[year]] 表中（只有上一年12月和下一年1月的日期可以跨年列出） / calendar file line {line} (year {year}): {date} is not in {year}: list it under its own year (only December of the year before and January of the year after may be listed across the boundary)"
    )]
    OutsideYear { line: usize, year: i32, date: NaiveDate },
    /// A make-up working day that is not a Saturday or Sunday.
    #[error(
        "日历文件第 {line} 行（{year} 年）：{date} 是{}，调休上班日只能是周六或周日，请核对日期 / calendar file line {line} (year {year}): {date} is a {weekday}; make-up working days are Saturdays or Sundays: check the date",
        weekday_zh(*.weekday)
    )]
    WorkdayNotWeekend { line: usize, year: i32, date: NaiveDate, weekday: Weekday },
    /// The same day is both a holiday and a make-up working day.
    #[error(
        "日历文件第 {line} 行（{year} 年）：{date} 同时列在 holidays 和 workdays 中，请只保留一处 / calendar file line {line} (year {year}): {date} is listed both in `holidays` and in `workdays`: keep one"
    )]
    HolidayAndWorkday { line: usize, year: i32, date: NaiveDate },
}

impl CalendarError {
    /// The 1-based line of the file the error is on, when there is one.
    pub fn line(&self) -> Option<usize> {
        match self {
            CalendarError::NoYears => None,
            CalendarError::Syntax { line, .. }
            | CalendarError::BadYear { line, .. }
            | CalendarError::DuplicateYear { line, .. }
            | CalendarError::MissingSource { line, .. }
            | CalendarError::BadDate { line, .. }
            | CalendarError::BadRange { line, .. }
            | CalendarError::OutsideYear { line, .. }
            | CalendarError::WorkdayNotWeekend { line, .. }
            | CalendarError::HolidayAndWorkday { line, .. } => Some(*line),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    year: Vec<RawYear>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    year: Spanned<i64>,
    source: Spanned<String>,
    #[serde(default)]
    holidays: Vec<Spanned<toml::Value>>,
    #[serde(default)]
    workdays: Vec<Spanned<toml::Value>>,
}

/// Parses and checks a calendar file into one notice per year, in the file's order.
pub(super) fn parse(src: &str) -> Result<Vec<YearNotice>, CalendarError> {
    let text = src.strip_prefix('\u{feff}').unwrap_or(src);
    let line_of = |offset: usize| text[..offset.min(text.len())].bytes().filter(|b| *b == b'\n').count() + 1;
    let raw: RawFile = toml::from_str(text).map_err(|e| CalendarError::Syntax {
        line: e.span().map_or(1, |s| line_of(s.start)),
        message: e.message().trim().trim_end_matches('.').to_owned(),
    })?;
    if raw.year.is_empty() {
        return Err(CalendarError::NoYears);
    }
    let mut seen = BTreeSet::new();
    let mut notices = Vec::with_capacity(raw.year.len());
    for y in raw.year {
        let line = line_of(y.year.span().start);
        let year = match i32::try_from(*y.year.get_ref()) {
            Ok(year) if YEARS.contains(y.year.get_ref()) => year,
            _ => return Err(CalendarError::BadYear { line, year: *y.year.get_ref() }),
        };
        if !seen.insert(year) {
            return Err(CalendarError::DuplicateYear { line, year });
        }
        if y.source.get_ref().trim().is_empty() {
            return Err(CalendarError::MissingSource { line: line_of(y.source.span().start), year });
        }
        let holidays = days(&y.holidays, year, &line_of)?;
        let workdays = days(&y.workdays, year, &line_of)?;
        for (date, line) in &workdays {
            if !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
                return Err(CalendarError::WorkdayNotWeekend {
                    line: *line,
                    year,
                    date: *date,
                    weekday: date.weekday(),
                });
            }
            if holidays.iter().any(|(h, _)| h == date) {
                return Err(CalendarError::HolidayAndWorkday { line: *line, year, date: *date });
            }
        }
        notices.push(YearNotice {
            year,
            source: y.source.into_inner().trim().to_owned(),
            holidays: holidays.into_iter().map(|(d, _)| d).collect(),
            workdays: workdays.into_iter().map(|(d, _)| d).collect(),
        });
    }
    Ok(notices)
}

/// Expands the entries of one list into days, each with the line it came from.
fn days(
    entries: &[Spanned<toml::Value>],
    year: i32,
    line_of: &dyn Fn(usize) -> usize,
) -> Result<Vec<(NaiveDate, usize)>, CalendarError> {
    let mut out = Vec::new();
    for entry in entries {
        let line = line_of(entry.span().start);
        // A bare TOML date (`2026-10-01` without quotes) is accepted as well as a string.
        let text = match entry.get_ref() {
            toml::Value::String(s) => s.trim().to_owned(),
            toml::Value::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => dt.to_string(),
            other => other.to_string(),
        };
        let bad_date = || CalendarError::BadDate { line, year, text: text.clone() };
        let (first, last) = match text.split_once("..") {
            Some((a, b)) => (date(a).ok_or_else(bad_date)?, date(b).ok_or_else(bad_date)?),
            None => {
                let d = date(&text).ok_or_else(bad_date)?;
                (d, d)
            }
        };
        let span = (last - first).num_days();
        if !(0..MAX_RANGE_DAYS).contains(&span) {
            return Err(CalendarError::BadRange { line, year, text });
        }
        for d in first.iter_days().take_while(|d| *d <= last) {
            if !near_year(d, year) {
                return Err(CalendarError::OutsideYear { line, year, date: d });
            }
            out.push((d, line));
        }
    }
    Ok(out)
}

/// `YYYY-MM-DD` exactly: a date a person wrote differently is more likely a typo than a day.
fn date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let ok_shape = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if !ok_shape {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// A notice covers its own year, and may reach into the December before (the 2012 notice
/// moved a working day to 2011-12-31) or the January after.
fn near_year(d: NaiveDate, year: i32) -> bool {
    d.year() == year || (d.year() == year - 1 && d.month() == 12) || (d.year() == year + 1 && d.month() == 1)
}

fn weekday_zh(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "星期一",
        Weekday::Tue => "星期二",
        Weekday::Wed => "星期三",
        Weekday::Thu => "星期四",
        Weekday::Fri => "星期五",
        Weekday::Sat => "星期六",
        Weekday::Sun => "星期日",
    }
}

use super::*;
use crate::duration::Duration;
use chrono::{DateTime, TimeZone, Utc};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// An instant given in Beijing time, e.g. `bj("2026-09-30 10:00")`.
fn bj(s: &str) -> DateTime<Utc> {
    let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap_or_else(|e| panic!("{s}: {e}"));
    Utc.from_utc_datetime(&(naive - chrono::TimeDelta::hours(8)))
}

fn expand(entries: &[&str]) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    for e in entries {
        let (a, b) = e.split_once("..").unwrap_or((e, e));
        out.extend(d(a).iter_days().take_while(|x| *x <= d(b)));
    }
    out
}

fn cal() -> Calendar {
    Calendar::builtin()
}

fn due_date(received: &str, deadline: Duration) -> NaiveDate {
    match cal().due(bj(received), deadline, false) {
        Ok(due) => due.due_date,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn builtin_file_parses_and_knows_2025_and_2026_only() {
    let parsed = Calendar::from_toml(BUILTIN_TOML);
    assert!(parsed.is_ok(), "cn.toml must parse: {parsed:?}");
    assert_eq!(parsed.ok(), Some(cal()), "builtin() is the parsed file, not the fallback");
    assert_eq!(cal().years().collect::<Vec<_>>(), vec![2025, 2026]);
    assert!(!cal().knows(2027), "the 2027 notice is not published in any source we have: never invent it");
    assert!(cal().notice(2025).is_some_and(|n| n.source().contains("国办发明电〔2024〕12号")));
}

#[test]
fn exact_2025_holidays_and_make_up_days() {
    // 国办发明电〔2024〕12号; 除夕 and 5月2日 are holidays since 2025 (revised 放假办法).
    let holidays = expand(&[
        "2025-01-01",
        "2025-01-28..2025-02-04",
        "2025-04-04..2025-04-06",
        "2025-05-01..2025-05-05",
        "2025-05-31..2025-06-02",
        "2025-10-01..2025-10-08",
    ]);
    let workdays = expand(&["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"]);
    let notice = cal().notice(2025).cloned();
    assert_eq!(notice.as_ref().map(|n| n.holidays().collect::<Vec<_>>()), Some(holidays.clone()));
    assert_eq!(notice.as_ref().map(|n| n.workdays().collect::<Vec<_>>()), Some(workdays.clone()));
    assert_eq!(holidays.len(), 28);
    assert!(holidays.iter().all(|h| !cal().is_working_day(*h)));
    assert!(workdays.iter().all(|w| cal().is_working_day(*w) && cal().day_kind(*w) == DayKind::MakeUpWorkday));
}

#[test]
fn exact_2026_holidays_and_make_up_days() {
    let holidays = expand(&[
        "2026-01-01..2026-01-03",
        "2026-02-15..2026-02-23",
        "2026-04-04..2026-04-06",
        "2026-05-01..2026-05-05",
        "2026-06-19..2026-06-21",
        "2026-09-25..2026-09-27",
        "2026-10-01..2026-10-07",
    ]);
    let workdays = expand(&["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]);
    let notice = cal().notice(2026).cloned();
    assert_eq!(notice.as_ref().map(|n| n.holidays().collect::<Vec<_>>()), Some(holidays.clone()));
    assert_eq!(notice.as_ref().map(|n| n.workdays().collect::<Vec<_>>()), Some(workdays.clone()));
    assert_eq!(holidays.len(), 33);
    assert!(holidays.iter().all(|h| cal().day_kind(*h) == DayKind::Holiday));
    assert!(workdays.iter().all(|w| cal().is_working_day(*w)));
    // Ordinary days keep their weekday/weekend kind.
    assert_eq!(cal().day_kind(d("2026-03-02")), DayKind::Weekday);
    assert_eq!(cal().day_kind(d("2026-03-01")), DayKind::Weekend);
}

#[test]
fn national_day_eve_2026_fifteen_working_days() {
    // Received Wednesday 2026-09-30. 10-01..10-07 are holidays. Counting:
    //  1 Thu 10-08   2 Fri 10-09   3 Sat 10-10 (make-up)   — Sun 10-11 off
    //  4 Mon 10-12   5 Tue 10-13   6 Wed 10-14   7 Thu 10-15   8 Fri 10-16
    //  9 Mon 10-19  10 Tue 10-20  11 Wed 10-21  12 Thu 10-22  13 Fri 10-23
    // 14 Mon 10-26  15 Tue 10-27  → due at the end of Tuesday 2026-10-27, Beijing time.
    let due = cal().due(bj("2026-09-30 10:00"), Duration::working_days(15), false);
    let expected_at =
        Utc.with_ymd_and_hms(2026, 10, 27, 15, 59, 59).single().map(|t| t + chrono::TimeDelta::milliseconds(999));
    assert_eq!(due.as_ref().ok().map(|d| d.due_date), Some(d("2026-10-27")));
    assert_eq!(due.as_ref().ok().map(|d| d.due_at), expected_at);
    assert_eq!(due.as_ref().ok().map(|d| d.estimated), Some(false));
    assert_eq!(cal().working_days_between(d("2026-09-30"), d("2026-10-27")), 15);
}

#[test]
fn spring_festival_2026() {
    // Received Friday 02-13: day 1 is the make-up Saturday 02-14, then 02-15..02-23 are
    // holidays: 2 Tue 02-24, 3 Wed 02-25, 4 Thu 02-26, 5 Fri 02-27, 6 Sat 02-28 (make-up).
    assert_eq!(due_date("2026-02-13 09:00", Duration::working_days(1)), d("2026-02-14"));
    assert_eq!(due_date("2026-02-13 09:00", Duration::working_days(2)), d("2026-02-24"));
    assert_eq!(due_date("2026-02-13 09:00", Duration::working_days(5)), d("2026-02-27"));
    assert_eq!(due_date("2026-02-13 09:00", Duration::working_days(6)), d("2026-02-28"));
    // Received on 除夕 (a holiday): counts from the next working day, 02-24.
    assert_eq!(due_date("2026-02-16 20:00", Duration::working_days(1)), d("2026-02-24"));
}

#[test]
fn received_on_a_saturday_make_up_working_day() {
    // 2026-02-28 is a Saturday worked: the request counts from the next working day after
    // it, Monday 03-02, like a request received on an ordinary Sunday.
    assert!(cal().is_working_day(d("2026-02-28")));
    assert_eq!(due_date("2026-02-28 11:00", Duration::working_days(1)), d("2026-03-02"));
    assert_eq!(due_date("2026-03-01 11:00", Duration::working_days(1)), d("2026-03-02"));
    assert_eq!(due_date("2026-02-28 11:00", Duration::working_days(15)), d("2026-03-20"));
}

#[test]
fn late_evening_beijing_counts_as_that_beijing_day() {
    // 23:30 Beijing on 09-29 is 15:30 UTC the same day: received on 09-29, so 09-30 is day 1
    // and day 15 is 10-26. Half an hour later it is 09-30 in Beijing: due 10-27.
    let at = Utc.with_ymd_and_hms(2026, 9, 29, 15, 30, 0).single();
    assert_eq!(at, Some(bj("2026-09-29 23:30")));
    assert_eq!(at.map(shanghai_date), Some(d("2026-09-29")));
    assert_eq!(due_date("2026-09-29 23:30", Duration::working_days(15)), d("2026-10-26"));
    assert_eq!(due_date("2026-09-30 00:00", Duration::working_days(15)), d("2026-10-27"));
}

#[test]
fn beyond_2026_is_estimated_with_weekends_only() {
    // Received Sunday 2026-12-20. Dec 21–25 (5), 28–31 (9), then 2027 with weekends only:
    // Fri 01-01 (10, although New Year's Day will surely be a holiday), 01-04..01-08 (15).
    let due = cal().due(bj("2026-12-20 10:00"), Duration::working_days(15), false);
    assert_eq!(due.as_ref().ok().map(|d| (d.due_date, d.estimated)), Some((d("2027-01-08"), true)));
    let note = due.ok().and_then(|d| d.note());
    assert!(note.is_some_and(|n| n.zh.contains("国务院办公厅") && n.en.contains("State Council")));
    // Within 2026: not estimated.
    let due = cal().due(bj("2026-12-01 10:00"), Duration::working_days(15), false);
    assert_eq!(due.ok().map(|d| (d.due_date, d.estimated, d.note())), Some((d("2026-12-22"), false, None)));
    // A calendar-day deadline that does not move does not depend on the calendar.
    let due = cal().due(bj("2026-12-20 10:00"), Duration::days(30), false);
    assert_eq!(due.ok().map(|d| (d.due_date, d.estimated)), Some((d("2027-01-19"), false)));
    let due = cal().due(bj("2026-12-20 10:00"), Duration::days(30), true);
    assert_eq!(due.ok().map(|d| (d.due_date, d.estimated)), Some((d("2027-01-19"), true)));
}

#[test]
fn calendar_days_move_only_when_the_manifest_says_so() {
    // Received Saturday 2026-09-05; 30 days later is 10-05, a National Day holiday.
    let c = cal();
    let at = bj("2026-09-05 12:00");
    assert_eq!(c.due(at, Duration::days(30), false).ok().map(|d| d.due_date), Some(d("2026-10-05")));
    assert_eq!(c.due(at, Duration::days(30), true).ok().map(|d| d.due_date), Some(d("2026-10-08")));
    // A calendar month: 31 January + 1 month is the end of February.
    assert_eq!(due_date("2026-01-31 12:00", Duration::months(1)), d("2026-02-28"));
    assert_eq!(due_date("2025-06-15 12:00", Duration::years(1)), d("2026-06-15"));
    assert_eq!(
        due_date("2026-03-02 12:00", Duration::Finite { amount: 2, unit: crate::duration::Unit::Weeks }),
        d("2026-03-16")
    );
}

#[test]
fn hours_and_zero_and_bad_deadlines() {
    let at = bj("2026-09-30 22:00");
    let due = cal().due(at, Duration::hours(48), false);
    assert_eq!(due.as_ref().ok().map(|d| d.due_at), Some(at + chrono::TimeDelta::hours(48)));
    assert_eq!(due.ok().map(|d| d.due_date), Some(d("2026-10-02")));
    // "immediately": by the end of the day of receipt.
    let due = cal().due(at, Duration::IMMEDIATELY, false);
    assert_eq!(due.ok().map(|d| (d.due_date, d.due_at)), Some((d("2026-09-30"), end_of_day(d("2026-09-30")))));
    assert_eq!(cal().due(at, Duration::Indefinite, false), Err(DueError::Indefinite));
    for absurd in
        [Duration::days(200_000), Duration::working_days(u32::MAX), Duration::years(5000), Duration::hours(u32::MAX)]
    {
        assert_eq!(cal().due(at, absurd, true), Err(DueError::TooLong { deadline: absurd }), "{absurd}");
    }
    assert!(DueError::Indefinite.to_string().contains("15 working days"));
}

#[test]
fn working_days_between_counts_after_the_first_day() {
    let c = cal();
    assert_eq!(c.working_days_between(d("2026-09-30"), d("2026-09-30")), 0);
    assert_eq!(c.working_days_between(d("2026-09-30"), d("2026-10-08")), 1);
    assert_eq!(c.working_days_between(d("2026-10-27"), d("2026-09-30")), -15);
    // A whole year: 2026 has 365 days, 104 weekend days, 6 make-up days and holidays on 19
    // weekdays (33 holidays of which 14 fall on a weekend): 248 working days.
    let weekday_holidays = c.notice(2026).map(|n| n.holidays().filter(|h| !super::is_weekend(*h)).count());
    assert_eq!(weekday_holidays, Some(19));
    assert_eq!(c.working_days_between(d("2025-12-31"), d("2026-12-31")), 365 - 104 + 6 - 19);
    let due = c.due(bj("2026-09-30 10:00"), Duration::working_days(15), false);
    assert_eq!(due.map(|due| c.working_days_left(bj("2026-10-26 09:00"), &due)), Ok(1));
}

#[test]
fn override_replaces_a_year_and_adds_new_ones() {
    let operator = Calendar::from_toml(
        "[[year]]\nyear = 2026\nsource = \"corrected\"\nholidays = [\"2026-10-01..2026-10-08\"]\n\n\
         [[year]]\nyear = 2027\nsource = \"国务院办公厅关于2027年部分节假日安排的通知\"\nholidays = [\"2027-01-01\"]\nworkdays = []\n",
    );
    let Ok(operator) = operator else { panic!("{operator:?}") };
    let c = cal().with_override(operator);
    assert_eq!(c.years().collect::<Vec<_>>(), vec![2025, 2026, 2027]);
    assert_eq!(c.notice(2026).map(YearNotice::source), Some("corrected"));
    assert!(!c.is_working_day(d("2026-10-08")), "the operator's 2026 replaces the built-in one");
    assert!(!c.is_working_day(d("2026-10-10")), "…entirely: its make-up days are gone");
    assert!(c.is_working_day(d("2026-02-16")), "…and its Spring Festival");
    assert!(!c.is_working_day(d("2025-10-08")), "2025 stays built in");
    let due = c.due(bj("2026-12-20 10:00"), Duration::working_days(15), false);
    assert_eq!(due.ok().map(|d| (d.due_date, d.estimated)), Some((d("2027-01-11"), false)));
}

#[test]
fn a_notice_may_reach_across_new_year_but_a_dates_own_year_wins() {
    let c = Calendar::from_toml(
        "[[year]]\nyear = 2012\nsource = \"2012\"\nholidays = [\"2012-01-01..2012-01-03\"]\nworkdays = [\"2011-12-31\"]\n",
    );
    let Ok(c) = c else { panic!("{c:?}") };
    assert!(c.is_working_day(d("2011-12-31")));
    let own = Calendar::from_toml("[[year]]\nyear = 2011\nsource = \"2011\"\nholidays = [\"2011-12-31\"]\n");
    let Ok(own) = own else { panic!("{own:?}") };
    assert!(!c.with_override(own).is_working_day(d("2011-12-31")));
}

#[test]
fn bare_toml_dates_are_accepted() {
    let c = Calendar::from_toml(
        "[[year]]\nyear = 2026\nsource = \"s\"\nholidays = [2026-10-01]\nworkdays = [2026-10-10]\n",
    );
    assert!(c.is_ok_and(|c| !c.is_working_day(d("2026-10-01")) && c.is_working_day(d("2026-10-10"))));
}

#[test]
fn bad_calendar_files_say_where_and_how_to_fix() {
    let head = "# operator calendar\n[[year]]\nyear = 2027\nsource = \"notice\"\n";
    let cases: &[(String, usize, &str)] = &[
        (format!("{head}holidays = [\"2027-13-01\"]\n"), 5, "YYYY-MM-DD"),
        (format!("{head}holidays = [\n  \"2027-10-01\",\n  \"2027-10-7\",\n]\n"), 7, "`2027-10-7` is not a date"),
        (format!("{head}holidays = [\"2027-10-07..2027-10-01\"]\n"), 5, "must not end before it starts"),
        (format!("{head}holidays = [\"2027-01-01..2027-12-31\"]\n"), 5, "at most 31 days"),
        (format!("{head}holidays = [\"2028-05-01\"]\n"), 5, "list it under its own year"),
        (
            format!("{head}workdays = [\"2027-10-08\"]\n"),
            5,
            "2027-10-08 is a Fri; make-up working days are Saturdays or Sundays",
        ),
        (format!("{head}holidays = [\"2027-10-09\"]\nworkdays = [\"2027-10-09\"]\n"), 6, "keep one"),
        (format!("{head}holiday = [\"2027-10-01\"]\n"), 5, "unknown field `holiday`"),
        (format!("{head}holidays = [3]\n"), 5, "`3` is not a date"),
        (format!("{head}\n[[year]]\nyear = 2027\nsource = \"again\"\n"), 7, "appears twice"),
        ("[[year]]\nyear = 2027\nsource = \"  \"\n".to_owned(), 3, "name the State Council notice"),
        ("[[year]]\nyear = 27\nsource = \"x\"\n".to_owned(), 2, "write four digits"),
        ("[[year]]\nyear = 2027\n".to_owned(), 1, "missing field `source`"),
        ("[[year]\nyear = 2027\n".to_owned(), 1, "one [[year]] table per year"),
    ];
    for (text, line, fix) in cases {
        match Calendar::from_toml(text) {
            Ok(_) => panic!("accepted:\n{text}"),
            Err(e) => {
                let msg = e.to_string();
                assert_eq!(e.line(), Some(*line), "{msg}\n{text}");
                assert!(msg.contains(fix), "`{msg}` should contain `{fix}`");
                assert!(msg.contains(&format!("第 {line} 行")), "zh-CN first: {msg}");
            }
        }
    }
    assert_eq!(Calendar::from_toml("# nothing yet\n"), Err(CalendarError::NoYears));
    assert!(CalendarError::NoYears.to_string().contains("[[year]]"));
}

#[test]
fn weekends_only_calendar_estimates_everything() {
    let c = Calendar::weekends_only();
    assert_eq!(c.years().count(), 0);
    assert!(c.is_working_day(d("2026-10-01")));
    let due = c.due(bj("2026-09-30 10:00"), Duration::working_days(1), false);
    assert_eq!(due.ok().map(|d| (d.due_date, d.estimated)), Some((d("2026-10-01"), true)));
}

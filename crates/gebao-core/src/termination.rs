//! Stopping the service (TRM-01/02; GB/T 35273 6.4): the manifest's `[termination]` says
//! how long before the end users are told, how, and what becomes of their personal
//! information. Here: whether an end on a given day keeps the promised notice, and the
//! notice users are given, with every item 6.4 asks for — that collection stops, when, what
//! is deleted or anonymised, what is kept under a legal minimum and why, and what users can
//! still do before the end.

use crate::calendar::{Calendar, shanghai_date, start_of_day};
use crate::manifest::{Disposal, Manifest, RightKind};
use crate::text::Text;
use chrono::{DateTime, NaiveDate, Utc};

/// Why an end on that day cannot be announced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndError {
    /// `[termination] then` is missing or says de-identify, which PIPL 73 does not count as
    /// anonymisation: gebao cannot promise what becomes of the data.
    #[error("[termination] then must be \"delete\" or \"anonymise\"")]
    NoDisposal,
    /// The promised notice would not be kept.
    #[error("the manifest promises {notice} of notice: the earliest end announced now is {earliest}")]
    NoticeTooShort { notice: crate::duration::Duration, earliest: NaiveDate },
    /// The day has begun or passed.
    #[error("the end must be a day after today ({today})")]
    NotFuture { today: NaiveDate },
}

impl EndError {
    /// The message in zh-CN and English, naming the fix.
    pub fn text(&self) -> Text<String> {
        match self {
            EndError::NoDisposal => Text::new(
                "清单 [termination] 的 then 必须是 \"delete\"（删除）或 \"anonymise\"（匿名化）；去标识化不足以处理停止运营后的个人信息（《个人信息保护法》第七十三条）。请先修改清单并发布。".into(),
                "the manifest's [termination] `then` must be \"delete\" or \"anonymise\"; de-identification is not enough once the service ends (PIPL 73). Change the manifest and publish it first.".into(),
            ),
            EndError::NoticeTooShort { notice, earliest } => Text::new(
                format!(
                    "清单承诺提前 {} 通知停止运营：今天公告，最早的停止运营日是 {earliest}。请选择该日或更晚的日期。",
                    notice.display(crate::text::Lang::ZhCn)
                ),
                format!("the manifest promises {notice} of notice before the service stops: announced today, the earliest end is {earliest}. Choose that day or a later one."),
            ),
            EndError::NotFuture { today } => Text::new(
                format!("停止运营日必须晚于今天（北京时间 {today}）。"),
                format!("the end must be a day after today ({today}, Beijing time)."),
            ),
        }
    }
}

/// The instant the service ends: 00:00 Beijing time of `day`.
pub fn end_instant(day: NaiveDate) -> DateTime<Utc> {
    start_of_day(day)
}

/// The earliest day an end announced at `now` may take effect: the day after today, or
/// later when the manifest promises a notice period (the period counted from now, and the
/// service running until it has passed).
pub fn earliest_end(m: &Manifest, now: DateTime<Utc>, cal: &Calendar) -> NaiveDate {
    let tomorrow = shanghai_date(now).succ_opt().unwrap_or(NaiveDate::MAX);
    let Some(notice) = m.termination.notice else { return tomorrow };
    match notice.add_to(now, cal) {
        // The notice ends at `at`; the first whole day after it is the first day without service.
        Some(r) => {
            let day = shanghai_date(r.at);
            let day = if start_of_day(day) < r.at { day.succ_opt().unwrap_or(NaiveDate::MAX) } else { day };
            day.max(tomorrow)
        }
        None => tomorrow,
    }
}

/// Whether the service may end on `day` if announced at `now`; the disposal it promises.
pub fn check_end(m: &Manifest, now: DateTime<Utc>, day: NaiveDate, cal: &Calendar) -> Result<Disposal, EndError> {
    let disposal = match m.termination.then {
        Some(d @ (Disposal::Delete | Disposal::Anonymise)) => d,
        _ => return Err(EndError::NoDisposal),
    };
    let today = shanghai_date(now);
    if day <= today {
        return Err(EndError::NotFuture { today });
    }
    let earliest = earliest_end(m, now, cal);
    if let Some(notice) = m.termination.notice.filter(|_| day < earliest) {
        return Err(EndError::NoticeTooShort { notice, earliest });
    }
    Ok(disposal)
}

/// The notice to users, in zh-CN and English: one paragraph per item.
pub fn notice(m: &Manifest, day: NaiveDate) -> Vec<Text<String>> {
    let c = &m.controller;
    let product_en = c.product_en.as_deref().unwrap_or(&c.product);
    let mut out = vec![Text::new(
        format!("{}将于 {day}（北京时间）起停止运营。自该日起，我们停止收集您的个人信息。", c.product),
        format!(
            "{product_en} stops on {day} (Beijing time). From that day we collect no personal information of yours."
        ),
    )];
    out.push(match m.termination.then {
        Some(Disposal::Anonymise) => Text::new(
            "停止运营后，我们将对所持有的您的个人信息进行匿名化处理，处理后无法识别您且不能复原。".into(),
            "After the service stops, we anonymise the personal information of yours we hold: it can then identify no one and cannot be restored.".into(),
        ),
        _ => Text::new(
            "停止运营后，我们将删除所持有的您的个人信息。".into(),
            "After the service stops, we delete the personal information of yours we hold.".into(),
        ),
    });
    let held: Vec<Text<String>> = m
        .purposes
        .iter()
        .filter_map(|p| {
            let law = p.retention.as_ref()?.legal_minimum?.label();
            Some(Text::new(
                format!("{}（{}）", p.name, law.zh),
                format!("{} ({})", p.name_en.as_deref().unwrap_or(&p.name), law.en),
            ))
        })
        .collect();
    if !held.is_empty() {
        let zh: Vec<&str> = held.iter().map(|t| t.zh.as_str()).collect();
        let en: Vec<&str> = held.iter().map(|t| t.en.as_str()).collect();
        out.push(Text::new(
            format!("法律、行政法规规定的保存期限未届满的，我们仅存储相关信息并采取必要的安全保护措施，不作其他处理，期满后删除或匿名化：{}。", zh.join("；")),
            format!("Where a law or regulation sets a period not yet over, we only store that information, with the necessary security measures, and delete or anonymise it when the period ends: {}.", en.join("; ")),
        ));
    }
    let copy = m.rights.offered().any(|(k, _)| matches!(k, RightKind::Copy | RightKind::Portability));
    if copy {
        out.push(Text::new(
            format!("在 {day} 之前，您可以通过隐私中心申请获取您的个人信息副本，或注销账号。"),
            format!("Before {day} you can ask for a copy of your personal information through the privacy centre, or cancel your account."),
        ));
    }
    let contact = [c.contact.email.as_deref(), c.contact.phone.as_deref()].into_iter().flatten().collect::<Vec<_>>();
    if !contact.is_empty() {
        out.push(Text::new(
            format!("如有疑问，请联系：{}。", contact.join(" / ")),
            format!("Questions: {}.", contact.join(" / ")),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::duration::Duration;

    fn manifest(notice: &str) -> Manifest {
        let mut m = crate::load_manifest(include_str!("rules/testdata/clean.toml")).expect("clean manifest");
        m.termination.notice = Some(Duration::parse(notice).expect("a duration"));
        m.termination.then = Some(Disposal::Delete);
        m
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).expect("a time").with_timezone(&Utc)
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("a date")
    }

    #[test]
    fn thirty_days_of_notice_end_on_the_thirty_first_day() {
        let cal = Calendar::builtin();
        let m = manifest("30 days");
        // Announced on 4 December (Beijing): the notice runs through 3 January.
        let now = at("2026-12-04T10:00:00+08:00");
        assert_eq!(earliest_end(&m, now, &cal), day("2027-01-04"));
        assert_eq!(check_end(&m, now, day("2027-01-04"), &cal), Ok(Disposal::Delete));
        let short = check_end(&m, now, day("2027-01-03"), &cal).unwrap_err();
        assert_eq!(short, EndError::NoticeTooShort { notice: Duration::days(30), earliest: day("2027-01-04") });
        assert!(short.text().zh.contains("2027-01-04"), "{}", short.text().zh);
    }

    #[test]
    fn fifteen_days_of_notice_as_lanhu_promises() {
        let cal = Calendar::builtin();
        let m = manifest("15 days");
        let now = at("2026-12-04T23:30:00+08:00");
        assert_eq!(earliest_end(&m, now, &cal), day("2026-12-20"));
    }

    #[test]
    fn no_notice_means_tomorrow_and_the_past_is_refused() {
        let cal = Calendar::builtin();
        let mut m = manifest("1 day");
        m.termination.notice = None;
        let now = at("2026-12-04T10:00:00+08:00");
        assert_eq!(earliest_end(&m, now, &cal), day("2026-12-05"));
        assert_eq!(check_end(&m, now, day("2026-12-04"), &cal), Err(EndError::NotFuture { today: day("2026-12-04") }));
    }

    #[test]
    fn an_end_without_deletion_or_anonymisation_is_refused() {
        let cal = Calendar::builtin();
        let mut m = manifest("30 days");
        let now = at("2026-12-04T10:00:00+08:00");
        m.termination.then = Some(Disposal::DeIdentify);
        assert_eq!(check_end(&m, now, day("2027-02-01"), &cal), Err(EndError::NoDisposal));
        m.termination.then = None;
        assert_eq!(check_end(&m, now, day("2027-02-01"), &cal), Err(EndError::NoDisposal));
    }

    #[test]
    fn the_notice_names_the_day_the_disposal_and_the_contact() {
        let m = manifest("30 days");
        let n = notice(&m, day("2027-01-04"));
        let zh: String = n.iter().map(|t| t.zh.as_str()).collect();
        let en: String = n.iter().map(|t| t.en.as_str()).collect();
        assert!(zh.contains("2027-01-04") && zh.contains("停止收集") && zh.contains("删除"), "{zh}");
        assert!(en.contains("2027-01-04") && en.contains("delete"), "{en}");
        let contact = m.controller.contact.email.clone().expect("the clean manifest has an e-mail");
        assert!(zh.contains(&contact), "{zh}");
    }
}

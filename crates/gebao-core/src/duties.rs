//! The operator's duties that fall due on a date the manifest gives: a cross-border
//! certification or CAC security assessment is valid three years from when it was passed
//! (XB24; XBCERT; `pipl-rules.md` part G), the compliance audit falls due `audit_every`
//! after the last one (SEC-04; AUDIT), and the audit of minors' personal information a year
//! after the last (MIN-05; MINOR 37). The server's deadline monitor tells the operator
//! [`SOON_DAYS`] before and once the date has passed.

use crate::calendar::{Calendar, shanghai_date, start_of_day};
use crate::duration::Duration;
use crate::manifest::{Manifest, Mechanism};
use crate::text::Text;
use chrono::NaiveDate;
use serde::Serialize;

/// How many days before a due date the operator is told.
pub const SOON_DAYS: i64 = 90;

/// A duty and the day it falls due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DatedDuty {
    /// Stable: which duty (e.g. `cross-border:cloud`, `compliance-audit`).
    pub key: String,
    pub what: Text<String>,
    pub due: NaiveDate,
}

/// Where a duty stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Standing {
    Later,
    /// At most [`SOON_DAYS`] days left.
    Soon,
    /// The day has passed.
    Overdue,
}

impl DatedDuty {
    pub fn standing(&self, today: NaiveDate) -> Standing {
        let left = (self.due - today).num_days();
        if left < 0 {
            Standing::Overdue
        } else if left <= SOON_DAYS {
            Standing::Soon
        } else {
            Standing::Later
        }
    }
}

/// `d` counted from `date` (calendar units; working days on `cal`).
fn after(date: NaiveDate, d: Duration, cal: &Calendar) -> Option<NaiveDate> {
    d.add_to(start_of_day(date), cal).map(|r| shanghai_date(r.at))
}

/// Every dated duty of `m`.
pub fn dated(m: &Manifest, cal: &Calendar) -> Vec<DatedDuty> {
    let mut out = Vec::new();
    for r in &m.recipients {
        let Some(xb) = &r.cross_border else { continue };
        let (label_zh, label_en) = match xb.mechanism {
            Mechanism::Certification => ("个人信息保护认证", "personal-information protection certification"),
            Mechanism::SecurityAssessment => ("数据出境安全评估", "CAC security assessment"),
            _ => continue,
        };
        let Some(filed) = xb.filed else { continue };
        let Some(due) = after(filed, Duration::years(3), cal) else { continue };
        out.push(DatedDuty {
            key: format!("cross-border:{}", r.id),
            what: Text {
                zh: format!("向境外接收方 `{}` 提供个人信息所依据的{label_zh}（{filed} 通过）有效期三年，届满前须重新申请", r.id),
                en: format!(
                    "the {label_en} for the flow to `{}` (passed {filed}) is valid three years: apply again before it ends",
                    r.id
                ),
            },
            due,
        });
    }
    if let Some(last) = m.minors.last_audit
        && let Some(due) = after(last, Duration::years(1), cal)
    {
        out.push(DatedDuty {
            key: "minors-audit".into(),
            what: Text {
                zh: format!("未成年人个人信息处理的年度合规审计（上次 {last}；《未成年人网络保护条例》第三十七条）"),
                en: format!("the yearly compliance audit of minors' personal information (last {last}; MINOR 37)"),
            },
            due,
        });
    }
    let org = &m.organisation;
    if let (Some(last), Some(every)) = (org.last_audit, org.audit_every)
        && let Some(due) = after(last, every, cal)
    {
        out.push(DatedDuty {
            key: "compliance-audit".into(),
            what: Text {
                zh: format!("个人信息保护合规审计（上次 {last}，每 {}）", every.display(crate::text::Lang::ZhCn)),
                en: format!(
                    "the personal-information protection compliance audit (last {last}, every {})",
                    every.display(crate::text::Lang::En)
                ),
            },
            due,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(extra: impl Fn(&mut Manifest)) -> Manifest {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/rules/testdata/clean.toml"))
            .expect("the clean manifest");
        let mut m = crate::load_manifest(&text).expect("loads");
        extra(&mut m);
        m
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("a date")
    }

    #[test]
    fn an_assessment_expires_three_years_after_it_passed_and_an_audit_falls_due() {
        let m = manifest(|m| {
            m.organisation.last_audit = Some(day("2025-01-10"));
            let r = &mut m.recipients[0];
            r.cross_border = Some(crate::manifest::CrossBorder {
                mechanism: Mechanism::SecurityAssessment,
                exemption: None,
                individuals: Some(2_000_000),
                sensitive_individuals: None,
                important_data: false,
                filed: Some(day("2024-02-01")),
                rights_how: None,
                rights_how_en: None,
            });
        });
        let duties = dated(&m, &Calendar::builtin());
        let xb = duties.iter().find(|d| d.key.starts_with("cross-border:")).expect("the assessment");
        assert_eq!(xb.due, day("2027-02-01"));
        assert_eq!(xb.standing(day("2026-11-02")), Standing::Later);
        assert_eq!(xb.standing(day("2026-11-03")), Standing::Soon);
        assert_eq!(xb.standing(day("2027-02-02")), Standing::Overdue);
        let audit = duties.iter().find(|d| d.key == "compliance-audit").expect("the audit");
        assert_eq!(audit.due, day("2027-01-10"), "two years after the last");
        assert!(audit.what.zh.contains("上次 2025-01-10"), "{}", audit.what.zh);
    }

    #[test]
    fn the_minors_audit_falls_due_a_year_after_the_last() {
        let m = manifest(|m| m.minors.last_audit = Some(day("2026-03-01")));
        let duties = dated(&m, &Calendar::builtin());
        let minors = duties.iter().find(|d| d.key == "minors-audit").expect("the minors' audit");
        assert_eq!(minors.due, day("2027-03-01"));
        assert!(minors.what.zh.contains("第三十七条"));
    }

    #[test]
    fn a_standard_contract_has_no_expiry_and_no_date_no_duty() {
        let m = manifest(|_| {});
        assert!(dated(&m, &Calendar::builtin()).is_empty(), "the clean manifest gives no date");
    }
}

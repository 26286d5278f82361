//! Personal-information incidents (PIPL 57; INCID, 国家网络安全事件报告管理办法, in force
//! 2025-11-01; `pipl-rules.md` part I): the four grades, the clock for reporting an incident
//! graded 较大 or above to the regulator, and the items a notice to individuals must carry.
//!
//! INCID art. 4: an incident graded 较大 or above is reported by an operator of critical
//! information infrastructure to its protection department and the public security organ
//! within 1 hour, by a central or state organ to its own cyberspace unit within 2 hours,
//! and by any other operator to the provincial cyberspace administration within 4 hours.
//! The manifest's `[protection.incident] report_within` may promise less, never more.

use crate::duration::{Duration, Unit};
use crate::manifest::Manifest;
use crate::text::Text;
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

/// The grade of an incident (INCID's 网络安全事件分级指南).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Grade {
    /// 一般
    General,
    /// 较大
    Major,
    /// 重大
    Serious,
    /// 特别重大
    ExtremelySerious,
}

impl Grade {
    pub const ALL: [Grade; 4] = [Grade::ExtremelySerious, Grade::Serious, Grade::Major, Grade::General];

    pub fn as_str(self) -> &'static str {
        match self {
            Grade::General => "general",
            Grade::Major => "major",
            Grade::Serious => "serious",
            Grade::ExtremelySerious => "extremely-serious",
        }
    }

    pub fn label(self) -> Text {
        match self {
            Grade::General => Text::new("一般", "general"),
            Grade::Major => Text::new("较大", "major"),
            Grade::Serious => Text::new("重大", "serious"),
            Grade::ExtremelySerious => Text::new("特别重大", "extremely serious"),
        }
    }

    /// Graded 较大 or above: reported to the regulator within the window of INCID art. 4.
    pub fn must_report(self) -> bool {
        self >= Grade::Major
    }
}

impl std::str::FromStr for Grade {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Grade::ALL.into_iter().find(|g| g.as_str() == s).ok_or_else(|| {
            format!(
                "`{s}` is not a grade: extremely-serious (特别重大), serious (重大), major (较大) or general (一般)"
            )
        })
    }
}

/// Who reports, which sets the window (INCID art. 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reporter {
    /// An operator of critical information infrastructure: 1 hour.
    CriticalInfrastructure,
    /// Any other operator: 4 hours, to the provincial cyberspace administration.
    Other,
}

impl Reporter {
    /// The operator of `m`.
    pub fn of(m: &Manifest) -> Reporter {
        if m.organisation.ciio { Reporter::CriticalInfrastructure } else { Reporter::Other }
    }

    /// The longest the law allows.
    pub fn legal_window(self) -> TimeDelta {
        match self {
            Reporter::CriticalInfrastructure => TimeDelta::hours(1),
            Reporter::Other => TimeDelta::hours(4),
        }
    }

    /// To whom, by default (the manifest's `regulator` names the office).
    pub fn reported_to(self) -> Text {
        match self {
            Reporter::CriticalInfrastructure => {
                Text::new("保护工作部门、公安机关", "the protection department and the public security organ")
            }
            Reporter::Other => Text::new("属地省级网信部门", "the provincial cyberspace administration"),
        }
    }
}

/// A duration as an exact span, when it is one (hours and calendar days; working days,
/// months and years are not spans of fixed length and never a reporting window).
fn span(d: &Duration) -> Option<TimeDelta> {
    match *d {
        Duration::Finite { amount, unit: Unit::Hours } => Some(TimeDelta::hours(i64::from(amount))),
        Duration::Finite { amount, unit: Unit::Days } => Some(TimeDelta::days(i64::from(amount))),
        Duration::Finite { amount, unit: Unit::Weeks } => Some(TimeDelta::weeks(i64::from(amount))),
        _ => None,
    }
}

/// The window an operator has to report an incident: the law's, or the manifest's promise
/// when it is shorter.
pub fn report_window(m: &Manifest) -> TimeDelta {
    let legal = Reporter::of(m).legal_window();
    let promised = m.protection.incident.as_ref().and_then(|i| i.report_within.as_ref()).and_then(span);
    promised.filter(|p| *p > TimeDelta::zero() && *p < legal).unwrap_or(legal)
}

/// The reporting clock of one incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReportClock {
    /// When the operator found or learned of it: the clock starts then.
    pub started: DateTime<Utc>,
    /// The report is due by then.
    pub due: DateTime<Utc>,
    /// An alert goes out then, a quarter of the window before it ends.
    pub warn: DateTime<Utc>,
}

/// Where an incident's report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Standing {
    /// No report is required (graded 一般).
    NotRequired,
    /// Reported.
    Reported,
    /// The window runs.
    Running,
    /// Less than a quarter of the window is left.
    DueSoon,
    /// The window has ended without a report.
    Overdue,
}

impl ReportClock {
    /// The clock of an incident graded `grade`, found at `found`, for the operator of `m`;
    /// none for a grade that need not be reported.
    pub fn of(m: &Manifest, grade: Grade, found: DateTime<Utc>) -> Option<ReportClock> {
        if !grade.must_report() {
            return None;
        }
        let window = report_window(m);
        Some(ReportClock { started: found, due: found + window, warn: found + window - window / 4 })
    }

    /// Where it stands at `now`, `reported` telling whether the regulator was told.
    pub fn standing(&self, now: DateTime<Utc>, reported: bool) -> Standing {
        if reported {
            Standing::Reported
        } else if now >= self.due {
            Standing::Overdue
        } else if now >= self.warn {
            Standing::DueSoon
        } else {
            Standing::Running
        }
    }
}

/// What a notice to individuals must say (PIPL 57): the categories of PI involved, the cause
/// and the possible harm, the remedial measures taken, what individuals can do to reduce
/// the harm, and whom to contact. Each in zh-CN, with English when the operator writes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeItems {
    /// The categories of personal information, as the manifest names its fields or plainly.
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub cause: String,
    #[serde(default)]
    pub harm: String,
    #[serde(default)]
    pub measures: String,
    /// What individuals can do to reduce the harm.
    #[serde(default)]
    pub advice: String,
}

impl NoticeItems {
    /// The items of PIPL 57 still blank, by name (the contact comes from the manifest).
    pub fn missing(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.categories.iter().all(|c| c.trim().is_empty()) {
            out.push("categories");
        }
        for (name, text) in
            [("cause", &self.cause), ("harm", &self.harm), ("measures", &self.measures), ("advice", &self.advice)]
        {
            if text.trim().is_empty() {
                out.push(name);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn manifest(extra: &str) -> Manifest {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/rules/testdata/clean.toml"))
            .expect("the clean manifest");
        crate::load_manifest(&format!("{text}{extra}")).expect("loads")
    }

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        // 10:00 Beijing time is 02:00 UTC.
        Utc.with_ymd_and_hms(2026, 12, 3, h, m, 0).single().expect("a time")
    }

    #[test]
    fn a_major_incident_is_reported_within_four_hours_and_warned_an_hour_before() {
        let m = manifest("");
        let clock = ReportClock::of(&m, Grade::Major, at(2, 0)).expect("graded 较大: reported");
        assert_eq!((clock.due, clock.warn), (at(6, 0), at(5, 0)));
        assert_eq!(clock.standing(at(4, 59), false), Standing::Running);
        assert_eq!(clock.standing(at(5, 0), false), Standing::DueSoon);
        assert_eq!(clock.standing(at(6, 0), false), Standing::Overdue);
        assert_eq!(clock.standing(at(6, 0), true), Standing::Reported);
        assert!(ReportClock::of(&m, Grade::General, at(2, 0)).is_none(), "一般: no report window");
        assert!(Grade::ExtremelySerious.must_report() && Grade::Serious.must_report());
    }

    #[test]
    fn the_window_is_the_law_or_a_shorter_promise() {
        let mut m = manifest("");
        assert_eq!(report_window(&m), TimeDelta::hours(4));
        m.organisation.ciio = true;
        assert_eq!(report_window(&m), TimeDelta::hours(1));
        m.organisation.ciio = false;
        if let Some(i) = m.protection.incident.as_mut() {
            i.report_within = Some(Duration::hours(2));
        }
        assert_eq!(report_window(&m), TimeDelta::hours(2));
        if let Some(i) = m.protection.incident.as_mut() {
            i.report_within = Some(Duration::hours(12));
        }
        assert_eq!(report_window(&m), TimeDelta::hours(4), "a longer promise does not stretch the law");
    }

    #[test]
    fn grades_read_and_notice_items_are_named() {
        assert_eq!("major".parse::<Grade>(), Ok(Grade::Major));
        assert!("big".parse::<Grade>().unwrap_err().contains("较大"));
        let items = NoticeItems { cause: "撞库攻击".into(), ..NoticeItems::default() };
        assert_eq!(items.missing(), ["categories", "harm", "measures", "advice"]);
    }
}

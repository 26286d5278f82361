//! Personal information sent abroad, counted (XB24 arts. 7–8; `pipl-rules.md` part G): the
//! individuals of the operator as a whole since 1 January, all flows together (splitting a
//! volume to stay under a band is forbidden), non-sensitive and sensitive apart; the band
//! that count reaches, the mechanism it makes necessary, and the flows whose declared
//! mechanism falls short. The server counts (`gebao-server/src/abroad.rs`); this is the law.

use crate::manifest::{Exemption, Manifest, Mechanism, Recipient};
use crate::text::Text;
use serde::Serialize;

/// Non-sensitive PI of this many individuals needs a standard contract or certification.
pub const CONTRACT_INDIVIDUALS: u64 = 100_000;
/// Non-sensitive PI of this many individuals needs a security assessment.
pub const ASSESSMENT_INDIVIDUALS: u64 = 1_000_000;
/// Sensitive PI of this many individuals needs a security assessment (any sensitive PI at
/// all needs a standard contract or certification).
pub const ASSESSMENT_SENSITIVE: u64 = 10_000;
/// The operator is warned when a count reaches this share of a threshold (in percent).
pub const WARN_PERCENT: u64 = 80;

/// What the operator sent abroad in a year, all flows together.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Individuals whose non-sensitive personal information went abroad.
    pub individuals: u64,
    /// Individuals whose sensitive personal information went abroad.
    pub sensitive: u64,
}

/// The mechanisms by strength: what a band needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Band {
    /// Below every band: no mechanism of the three (notice and separate consent remain).
    None,
    /// A standard contract filed with the provincial CAC, or certification.
    Contract,
    /// A CAC security assessment.
    Assessment,
}

impl Band {
    /// The band a tally is in (the operator is not a CIIO: a CIIO needs an assessment for
    /// any volume, which `gebao check` reports).
    pub fn of(t: Tally) -> Band {
        if t.individuals >= ASSESSMENT_INDIVIDUALS || t.sensitive >= ASSESSMENT_SENSITIVE {
            Band::Assessment
        } else if t.individuals >= CONTRACT_INDIVIDUALS || t.sensitive > 0 {
            Band::Contract
        } else {
            Band::None
        }
    }

    /// What the band makes necessary.
    pub fn label(self) -> Text {
        match self {
            Band::None => Text::new(
                "无需安全评估、标准合同或认证（仍须告知并取得单独同意）",
                "no security assessment, standard contract or certification (notice and separate consent remain)",
            ),
            Band::Contract => Text::new(
                "须订立个人信息出境标准合同并在生效之日起10个工作日内向省级网信部门备案，或通过个人信息保护认证",
                "a standard contract, filed with the provincial CAC within 10 working days of taking effect, or certification",
            ),
            Band::Assessment => Text::new("须通过国家网信部门组织的数据出境安全评估", "a CAC security assessment"),
        }
    }
}

/// The band a declared mechanism covers; `None` for an exemption that does not depend on
/// volume (the flow is not counted at all).
fn covers(m: Mechanism, exemption: Option<Exemption>) -> Option<Band> {
    match m {
        Mechanism::SecurityAssessment => Some(Band::Assessment),
        Mechanism::StandardContract | Mechanism::Certification => Some(Band::Contract),
        Mechanism::Exempt if exemption.is_some_and(|e| e != Exemption::SmallVolume) => None,
        Mechanism::Exempt | Mechanism::None => Some(Band::None),
    }
}

/// Whether what goes to `r` counts towards the bands: a recipient abroad whose flow is not
/// exempt by its nature (a contract with the individual, HR, an emergency, a statutory duty,
/// information collected abroad, a free-trade-zone list: XB24 arts. 5–6 leave those out).
pub fn counts(r: &Recipient) -> bool {
    r.is_abroad() && r.cross_border.as_ref().is_none_or(|cb| covers(cb.mechanism, cb.exemption).is_some())
}

/// A threshold the count is measured against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Threshold {
    /// Stable name, for alerts sent once: `individuals-100000`, `sensitive-10000`…
    pub key: &'static str,
    pub sensitive: bool,
    pub at: u64,
    /// The band reached at `at`.
    pub band: Band,
}

/// Every threshold, in the order they are reached.
pub const THRESHOLDS: [Threshold; 4] = [
    Threshold { key: "sensitive-1", sensitive: true, at: 1, band: Band::Contract },
    Threshold { key: "individuals-100000", sensitive: false, at: CONTRACT_INDIVIDUALS, band: Band::Contract },
    Threshold { key: "sensitive-10000", sensitive: true, at: ASSESSMENT_SENSITIVE, band: Band::Assessment },
    Threshold { key: "individuals-1000000", sensitive: false, at: ASSESSMENT_INDIVIDUALS, band: Band::Assessment },
];

/// How near a threshold a count is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Nearness {
    /// At least [`WARN_PERCENT`] of it (never for the first sensitive individual).
    Approaching,
    Crossed,
}

impl Threshold {
    pub fn count(self, t: Tally) -> u64 {
        if self.sensitive { t.sensitive } else { t.individuals }
    }

    pub fn nearness(self, t: Tally) -> Option<Nearness> {
        let n = self.count(t);
        if n >= self.at {
            Some(Nearness::Crossed)
        } else if self.at > 1 && n.saturating_mul(100) >= self.at.saturating_mul(WARN_PERCENT) {
            Some(Nearness::Approaching)
        } else {
            None
        }
    }

    /// The threshold in words.
    pub fn label(self) -> Text<String> {
        match (self.sensitive, self.at) {
            (true, 1) => Text::new("出境敏感个人信息".into(), "sensitive PI sent abroad".into()),
            (true, n) => {
                Text::new(format!("出境敏感个人信息达{n}人"), format!("sensitive PI of {n} individuals sent abroad"))
            }
            (false, n) => Text::new(format!("出境个人信息达{n}人"), format!("PI of {n} individuals sent abroad")),
        }
    }
}

/// A flow whose declared mechanism is weaker than a band needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShortFlow {
    /// `recipients[i]` id, or `storage`.
    pub flow: String,
    pub declared: Mechanism,
}

/// The counted flows of the manifest whose mechanism does not cover `band`.
pub fn short_of(m: &Manifest, band: Band) -> Vec<ShortFlow> {
    let mut out: Vec<ShortFlow> = m
        .recipients
        .iter()
        .filter(|r| counts(r))
        .filter_map(|r| {
            let (mech, ex) = r.cross_border.as_ref().map_or((Mechanism::None, None), |cb| (cb.mechanism, cb.exemption));
            (covers(mech, ex).is_some_and(|b| b < band)).then(|| ShortFlow { flow: r.id.to_string(), declared: mech })
        })
        .collect();
    if m.storage.is_abroad() {
        let (mech, ex) =
            m.storage.cross_border.as_ref().map_or((Mechanism::None, None), |cb| (cb.mechanism, cb.exemption));
        if covers(mech, ex).is_some_and(|b| b < band) {
            out.push(ShortFlow { flow: "storage".into(), declared: mech });
        }
    }
    out
}

/// Whether the manifest declares any counted flow abroad (a recipient or storage).
pub fn declares_flows(m: &Manifest) -> bool {
    m.recipients.iter().any(counts) || m.storage.is_abroad()
}

/// The figures the manifest declares for the year, all counted flows added up (what
/// `gebao check` measures the mechanisms against).
pub fn declared(m: &Manifest) -> Tally {
    let mut t = Tally::default();
    let flows = m.recipients.iter().filter(|r| counts(r)).filter_map(|r| r.cross_border.as_ref());
    for cb in flows.chain(m.storage.cross_border.as_ref().filter(|_| m.storage.is_abroad())) {
        t.individuals = t.individuals.saturating_add(cb.individuals.unwrap_or(0));
        t.sensitive = t.sensitive.saturating_add(cb.sensitive_individuals.unwrap_or(0));
    }
    t
}

/// What the operator is told when a count nears or crosses a threshold: the figure, the
/// mechanism that becomes necessary and the flows that lack it.
pub fn alert_text(th: Threshold, near: Nearness, t: Tally, year: i32, short: &[ShortFlow]) -> Text<String> {
    let what = th.label();
    let need = th.band.label();
    let n = th.count(t);
    let flows = short.iter().map(|s| s.flow.as_str()).collect::<Vec<_>>().join(", ");
    let (lacking_zh, lacking_en) = if short.is_empty() {
        (
            "清单未声明任何出境活动，须补充出境接收方、单独同意及机制（XB-01）".to_owned(),
            "the manifest declares no flow abroad: declare the recipient, its separate consent and mechanism (XB-01)"
                .to_owned(),
        )
    } else {
        (format!("以下出境活动声明的机制不足：{flows}"), format!("these flows declare less: {flows}"))
    };
    let (zh, en) = match near {
        Nearness::Approaching => (
            format!(
                "{year}年以来已向境外提供{}{n}人，接近{}人的门槛（{}）",
                if th.sensitive { "敏感个人信息" } else { "个人信息" },
                th.at,
                what.zh
            ),
            format!(
                "since 1 January {year}, {} of {n} individuals went abroad, near the threshold of {} ({})",
                if th.sensitive { "sensitive PI" } else { "PI" },
                th.at,
                what.en
            ),
        ),
        Nearness::Crossed => (
            format!(
                "{year}年以来已向境外提供{}{n}人，已达到门槛（{}）",
                if th.sensitive { "敏感个人信息" } else { "个人信息" },
                what.zh
            ),
            format!(
                "since 1 January {year}, {} of {n} individuals went abroad: the threshold is reached ({})",
                if th.sensitive { "sensitive PI" } else { "PI" },
                what.en
            ),
        ),
    };
    Text::new(
        format!("{zh}。届时{}；{lacking_zh}。请在达到门槛前完成，并更新清单的 cross_border。", need.zh),
        format!(
            "{en}. Then {} is required; {lacking_en}. Complete it before the threshold and update the manifest's cross_border.",
            need.en
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_follow_part_g() {
        let t = |individuals, sensitive| Band::of(Tally { individuals, sensitive });
        assert_eq!(t(99_999, 0), Band::None);
        assert_eq!(t(100_000, 0), Band::Contract);
        assert_eq!(t(10, 1), Band::Contract, "any sensitive PI needs a contract or certification");
        assert_eq!(t(999_999, 9_999), Band::Contract);
        assert_eq!(t(1_000_000, 0), Band::Assessment);
        assert_eq!(t(0, 10_000), Band::Assessment);
    }

    #[test]
    fn a_threshold_is_approached_at_eighty_percent_and_crossed_at_itself() {
        let th = THRESHOLDS[1];
        let at = |n| th.nearness(Tally { individuals: n, sensitive: 0 });
        assert_eq!(at(79_999), None);
        assert_eq!(at(80_000), Some(Nearness::Approaching));
        assert_eq!(at(100_000), Some(Nearness::Crossed));
        // The first sensitive individual is crossed, never approached.
        assert_eq!(THRESHOLDS[0].nearness(Tally { individuals: 0, sensitive: 0 }), None);
        assert_eq!(THRESHOLDS[0].nearness(Tally { individuals: 0, sensitive: 1 }), Some(Nearness::Crossed));
    }

    #[test]
    fn exemptions_by_nature_are_not_counted_small_volume_is() {
        let m = crate::load_manifest(include_str!("rules/testdata/clean.toml")).unwrap();
        let mut r = m.recipients.iter().find(|r| r.id.as_str() == "push-sdk").cloned().expect("the push SDK");
        assert!(!counts(&r), "in China: nothing goes abroad");
        r.country = "SG".into();
        assert!(counts(&r), "abroad with no mechanism: counted");
        r.cross_border = Some(crate::manifest::CrossBorder {
            mechanism: Mechanism::Exempt,
            exemption: None,
            individuals: None,
            sensitive_individuals: None,
            important_data: false,
            filed: None,
            rights_how: None,
            rights_how_en: None,
        });
        let cb = r.cross_border.as_mut().unwrap();
        cb.mechanism = Mechanism::Exempt;
        cb.exemption = Some(Exemption::Contract);
        assert!(!counts(&r));
        r.cross_border.as_mut().unwrap().exemption = Some(Exemption::SmallVolume);
        assert!(counts(&r));
    }

    #[test]
    fn the_alert_names_the_mechanism_and_the_flows_that_lack_it() {
        let th = THRESHOLDS[1];
        let short = [ShortFlow { flow: "analytics_sg".into(), declared: Mechanism::Exempt }];
        let t = alert_text(th, Nearness::Approaching, Tally { individuals: 80_000, sensitive: 0 }, 2026, &short);
        assert!(t.zh.contains("80000") && t.zh.contains("标准合同") && t.zh.contains("analytics_sg"), "{}", t.zh);
        assert!(t.en.contains("standard contract") && t.en.contains("analytics_sg"), "{}", t.en);
    }
}

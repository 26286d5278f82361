//! Cross-border transfer (PIPL 38–40, 55; XB24; XBCERT; `pipl-rules.md` part G).
//!
//! A flow is a recipient outside mainland China or storage outside it. The volume bands of
//! XB24 (arts. 7–8) count what the operator as a whole sent abroad since 1 January, all flows
//! together (splitting a volume to stay under a band is forbidden), so the checks add up the
//! figures of every flow; storage abroad with no figures is taken to hold every individual
//! the operator counts (`[organisation] individuals`), which also caps the total.

use super::notice::filled;
use super::{Ctx, Force, Rule, RuleId, Severity::*};
use crate::abroad::{ASSESSMENT_INDIVIDUALS, ASSESSMENT_SENSITIVE, CONTRACT_INDIVIDUALS};
use crate::manifest::{CrossBorder, Exemption, Manifest, Mechanism, Recipient, is_outside_mainland};
use crate::text::Text as B;

pub const RULES: &[Rule] = &[
    Rule {
        id: RuleId::Xb01,
        severity: Error,
        source: "PIPL 39",
        binding: "PIPL 39",
        force: Force::Law,
        title: B::new(
            "向境外提供个人信息须取得单独同意并告知境外接收方的信息",
            "PI leaving mainland China needs separate consent and the notice items of art. 39",
        ),
        message: B::new("{flow}：{problem}", "{flow}: {problem}"),
        hint: B::new(
            "设置 separate_consent = true，并为境外接收方填写 name、contact、purpose、method、fields 和 cross_border.rights_how（向其行使权利的方式）",
            "set `separate_consent = true` and give the overseas recipient `name`, `contact`, `purpose`, `method`, `fields` and `cross_border.rights_how` (how users exercise their rights against it)",
        ),
    },
    Rule {
        id: RuleId::Xb02,
        severity: Error,
        source: "PIPL 38; XB24; XBCERT",
        binding: "PIPL 38",
        force: Force::Law,
        title: B::new(
            "每项出境活动声明与出境规模相符的合法途径",
            "Each cross-border flow declares a legal mechanism that matches the volume thresholds",
        ),
        message: B::new(
            "{flow}的出境途径不符合要求：{problem}",
            "the transfer mechanism of {flow} does not meet the rules: {problem}",
        ),
        hint: B::new(
            "在 cross_border 中填写 mechanism（security-assessment、standard-contract、certification 或 exempt 加 exemption），并填写 individuals、sensitive_individuals 和 important_data",
            "fill in `mechanism` in `cross_border` (security-assessment, standard-contract, certification, or exempt with an `exemption`), and `individuals`, `sensitive_individuals` and `important_data`",
        ),
    },
    Rule {
        id: RuleId::Xb03,
        severity: Error,
        source: "PIPL 55(4)",
        binding: "PIPL 55(4)",
        force: Force::Law,
        title: B::new("每项出境活动都有个人信息保护影响评估记录", "Every cross-border flow has a PIA record"),
        message: B::new("{flow}没有个人信息保护影响评估记录", "{flow} has no PIA record"),
        hint: B::new(
            "增加一条 [[pia]] 记录并在 pia 中引用它，或在 [[pia]] 的 recipients 中列出该接收方",
            "add a [[pia]] record and name it in `pia`, or list the recipient in the record's `recipients`",
        ),
    },
    Rule {
        id: RuleId::Xb04,
        severity: Error,
        source: "PIPL 40; XB24",
        binding: "PIPL 40",
        force: Force::Law,
        title: B::new(
            "关键信息基础设施运营者或达到规定数量的处理者在境内存储个人信息，出境须通过安全评估",
            "CIIOs and operators above the thresholds store PI in China and pass a security assessment to send it abroad",
        ),
        message: B::new("{reason}：{problem}", "{reason}: {problem}"),
        hint: B::new(
            "在 [storage] 的 countries 中包含 \"CN\"，并为每项出境活动申报数据出境安全评估（mechanism = \"security-assessment\"）",
            "include \"CN\" in `countries` of [storage] and pass a CAC security assessment for each flow (`mechanism = \"security-assessment\"`)",
        ),
    },
];

/// One cross-border flow.
struct Flow<'m> {
    /// Manifest path of the recipient or of `storage`.
    path: String,
    name_zh: String,
    name_en: String,
    cb: Option<&'m CrossBorder>,
    /// Sensitive PI is part of the flow.
    sensitive: bool,
    /// The overseas recipient; `None` for storage abroad.
    recipient: Option<&'m Recipient>,
}

fn flows(m: &Manifest) -> Vec<Flow<'_>> {
    let mut out = Vec::new();
    if m.storage.is_abroad() {
        let abroad: Vec<&str> =
            m.storage.countries.iter().map(String::as_str).filter(|c| is_outside_mainland(c)).collect();
        let list = abroad.join(", ");
        out.push(Flow {
            path: "storage".to_owned(),
            name_zh: format!("境外存储（{list}）"),
            name_en: format!("storage abroad ({list})"),
            cb: m.storage.cross_border.as_ref(),
            sensitive: m.fields.iter().any(|f| f.is_sensitive() && m.purposes_using(&f.id).next().is_some()),
            recipient: None,
        });
    }
    for (i, r) in m.recipients.iter().enumerate().filter(|(_, r)| r.is_abroad()) {
        out.push(Flow {
            path: format!("recipients[{i}]"),
            name_zh: format!("境外接收方 `{}`（{}）", r.id, r.country),
            name_en: format!("overseas recipient `{}` ({})", r.id, r.country),
            cb: r.cross_border.as_ref(),
            sensitive: r.fields.iter().any(|f| m.is_sensitive(f)),
            recipient: Some(r),
        });
    }
    out
}

/// What the operator sends abroad since 1 January, all flows together (XB24 arts. 7–8), as
/// far as the manifest tells.
struct Volume {
    /// Individuals whose non-sensitive PI goes abroad, the flows added up, if any flow says.
    individuals: Option<u64>,
    /// Individuals whose sensitive PI goes abroad, the flows added up, if any flow says.
    sensitive: Option<u64>,
    /// Some flow carries sensitive PI, whatever the figures.
    any_sensitive: bool,
}

impl Volume {
    /// The flows' figures added up, not the largest one: two flows of 600,000 people are
    /// 1,200,000 sent abroad. The same person in two flows would be counted twice, so the
    /// sum is capped at the individuals the operator has (`[organisation] individuals`),
    /// though never below the largest figure a flow declares.
    fn of(m: &Manifest, flows: &[Flow<'_>]) -> Volume {
        let total = |figures: Vec<u64>| -> Option<u64> {
            let largest = figures.iter().copied().max()?;
            let sum = figures.into_iter().fold(0, u64::saturating_add);
            Some(m.organisation.individuals.map_or(sum, |all| sum.min(all)).max(largest))
        };
        let individuals = total(
            flows
                .iter()
                .filter_map(|f| {
                    f.cb.and_then(|cb| cb.individuals)
                        .or_else(|| f.recipient.is_none().then_some(m.organisation.individuals).flatten())
                })
                .collect(),
        );
        let sensitive = total(flows.iter().filter_map(|f| f.cb.and_then(|cb| cb.sensitive_individuals)).collect());
        let any_sensitive = flows.iter().any(|f| f.sensitive) || sensitive.is_some_and(|s| s > 0);
        Volume { individuals, sensitive, any_sensitive }
    }

    /// Above the bands of PIPL 40 / XB24 art. 7 (security assessment by volume).
    fn above_assessment(&self) -> bool {
        self.individuals.is_some_and(|n| n >= ASSESSMENT_INDIVIDUALS)
            || self.sensitive.is_some_and(|s| s >= ASSESSMENT_SENSITIVE)
    }

    /// In the standard-contract band: 100,000 – 1,000,000 non-sensitive, or any sensitive.
    fn in_contract_band(&self) -> bool {
        self.individuals.is_some_and(|n| n >= CONTRACT_INDIVIDUALS) || self.any_sensitive
    }
}

/// What a flow needs, and why.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Need {
    /// Below every band: the small-volume exemption (notice and separate consent remain).
    Nothing,
    /// Standard contract or certification.
    Contract,
    /// Security assessment because of important data (XB-02).
    AssessmentImportant,
    /// Security assessment because the operator is a CIIO or above the volume thresholds:
    /// PIPL 40 (XB-04).
    AssessmentLocalised,
}

impl Need {
    fn of(ciio: bool, v: &Volume, cb: Option<&CrossBorder>) -> Need {
        if ciio || v.above_assessment() {
            Need::AssessmentLocalised
        } else if cb.is_some_and(|cb| cb.important_data) {
            Need::AssessmentImportant
        } else if v.in_contract_band() {
            Need::Contract
        } else {
            Need::Nothing
        }
    }

    fn label(self) -> B {
        match self {
            Need::Nothing => B::new(
                "可适用小规模豁免（不满10万人的非敏感个人信息），但仍须声明",
                "the small-volume exemption (non-sensitive PI of fewer than 100,000 people) may apply, but must be declared",
            ),
            Need::Contract => B::new(
                "应订立个人信息出境标准合同或通过个人信息保护认证",
                "a standard contract or certification is required",
            ),
            Need::AssessmentImportant | Need::AssessmentLocalised => {
                B::new("应通过数据出境安全评估", "a CAC security assessment is required")
            }
        }
    }
}

/// Why the operator is held to PIPL 40, (zh, en).
fn localised_reason(ciio: bool, v: &Volume) -> (String, String) {
    if ciio {
        return ("关键信息基础设施运营者".to_owned(), "a critical-information-infrastructure operator".to_owned());
    }
    match (v.individuals.filter(|n| *n >= ASSESSMENT_INDIVIDUALS), v.sensitive.filter(|s| *s >= ASSESSMENT_SENSITIVE)) {
        (Some(n), _) => (
            format!("出境个人信息达{n}人（不少于100万人）"),
            format!("PI of {n} people sent abroad (1,000,000 or more)"),
        ),
        (None, Some(s)) => (
            format!("出境敏感个人信息达{s}人（不少于1万人）"),
            format!("sensitive PI of {s} people sent abroad (10,000 or more)"),
        ),
        (None, None) => (String::new(), String::new()),
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    let m = cx.m;
    let flows = flows(m);
    let volume = Volume::of(m, &flows);
    let ciio = m.organisation.ciio;
    let reason = localised_reason(ciio, &volume);

    for f in &flows {
        // XB-01 (PIPL 39): separate consent and the notice items.
        let consented = match f.recipient {
            Some(r) => r.separate_consent,
            None => m.storage.separate_consent,
        };
        if !consented {
            report(
                cx,
                RuleId::Xb01,
                format!("{}.separate_consent", f.path),
                f,
                "没有取得个人的单独同意",
                "no separate consent is obtained",
            );
        }
        if let Some(r) = f.recipient {
            let mut missing = Vec::new();
            if !filled(r.contact.as_deref()) {
                missing.push("contact");
            }
            if !filled(r.purpose.as_deref()) && r.purposes.is_empty() {
                missing.push("purpose");
            }
            if !filled(r.method.as_deref()) {
                missing.push("method");
            }
            if r.fields.is_empty() {
                missing.push("fields");
            }
            if !r.cross_border.as_ref().is_some_and(|cb| filled(cb.rights_how.as_deref())) {
                missing.push("cross_border.rights_how");
            }
            if let Some(first) = missing.first() {
                let list = missing.join(", ");
                let zh = format!("缺少应告知的境外接收方信息：{list}");
                let en = format!("lacks what users must be told about the overseas recipient: {list}");
                report(cx, RuleId::Xb01, format!("{}.{first}", f.path), f, &zh, &en);
            }
        }

        check_mechanism(cx, f, Need::of(ciio, &volume, f.cb), &volume, &reason);

        // XB-03 (PIPL 55(4)): a PIA for every flow.
        let has_pia = match f.recipient {
            Some(r) => r.pia.is_some() || m.pia.iter().any(|p| p.recipients.contains(&r.id)),
            None => m.storage.pia.is_some(),
        };
        if !has_pia {
            cx.report_bilingual(RuleId::Xb03, format!("{}.pia", f.path), &[], &[("flow", &f.name_zh, &f.name_en)]);
        }
    }

    // XB-04 (PIPL 40): storage in mainland China. An empty list is NOT-10's.
    let countries = &m.storage.countries;
    if (ciio || volume.above_assessment()) && !countries.is_empty() && countries.iter().all(|c| is_outside_mainland(c))
    {
        report_localised(
            cx,
            "storage.countries".to_owned(),
            &reason,
            "个人信息未存储在中华人民共和国境内",
            "PI is not stored in mainland China",
        );
    }
}

/// XB-02 (PIPL 38; XB24; XBCERT): the declared mechanism is at least what the bands need.
/// Flows that need an assessment because of CIIO status or volume are XB-04's (PIPL 40).
fn check_mechanism(cx: &mut Ctx<'_>, f: &Flow<'_>, need: Need, volume: &Volume, reason: &(String, String)) {
    let wanted = need.label();
    let Some(cb) = f.cb else {
        let zh = format!("未声明出境途径（cross_border），{}", wanted.zh);
        let en = format!("no mechanism (`cross_border`) is declared; {}", wanted.en);
        report(cx, RuleId::Xb02, format!("{}.cross_border", f.path), f, &zh, &en);
        return;
    };
    let at = format!("{}.cross_border", f.path);
    let weaker = |cx: &mut Ctx<'_>, path: String| {
        let declared = cb.mechanism.label();
        if need == Need::AssessmentLocalised {
            let zh = format!("{}仅声明“{}”，应通过数据出境安全评估", f.name_zh, declared.zh);
            let en = format!("{} declares only {}; a CAC security assessment is required", f.name_en, declared.en);
            report_localised(cx, path, reason, &zh, &en);
        } else {
            let zh = format!("声明的是“{}”，{}", declared.zh, wanted.zh);
            let en = format!("it declares {}, but {}", declared.en, wanted.en);
            report(cx, RuleId::Xb02, path, f, &zh, &en);
        }
    };
    match (cb.mechanism, cb.exemption) {
        (Mechanism::SecurityAssessment, _) => {}
        (Mechanism::None, _) => {
            let zh = format!("未说明出境途径，{}", wanted.zh);
            let en = format!("no mechanism is stated; {}", wanted.en);
            report(cx, RuleId::Xb02, format!("{at}.mechanism"), f, &zh, &en);
        }
        (Mechanism::StandardContract | Mechanism::Certification, _) => {
            if matches!(need, Need::AssessmentImportant | Need::AssessmentLocalised) {
                weaker(cx, format!("{at}.mechanism"));
            }
        }
        (Mechanism::Exempt, None) => {
            let (zh, en) = (
                "声明免予申报，但未说明适用哪项豁免（exemption）",
                "it claims an exemption but does not say which (`exemption`)",
            );
            report(cx, RuleId::Xb02, format!("{at}.exemption"), f, zh, en);
        }
        (Mechanism::Exempt, Some(Exemption::SmallVolume)) => {
            if need != Need::Nothing {
                weaker(cx, format!("{at}.exemption"));
            } else if volume.individuals.is_none() {
                let zh = "适用小规模豁免，但未填写出境人数（individuals）";
                let en = "it claims the small-volume exemption but does not state how many people (`individuals`)";
                report(cx, RuleId::Xb02, format!("{at}.individuals"), f, zh, en);
            }
        }
        // The other exemptions (XB24 art. 4–6) hold whatever the volume, but not for
        // important data.
        (Mechanism::Exempt, Some(_)) => {
            if cb.important_data {
                let zh = "包含重要数据，不适用豁免，应通过数据出境安全评估";
                let en = "it includes important data, which no exemption covers; a CAC security assessment is required";
                report(cx, RuleId::Xb02, format!("{at}.important_data"), f, zh, en);
            }
        }
    }
}

/// Reports a rule whose message is `{flow}` and `{problem}`.
fn report(cx: &mut Ctx<'_>, id: RuleId, path: String, f: &Flow<'_>, zh: &str, en: &str) {
    cx.report_bilingual(id, path, &[], &[("flow", &f.name_zh, &f.name_en), ("problem", zh, en)]);
}

/// Reports XB-04, whose message is `{reason}` and `{problem}`.
fn report_localised(cx: &mut Ctx<'_>, path: String, reason: &(String, String), zh: &str, en: &str) {
    cx.report_bilingual(RuleId::Xb04, path, &[], &[("reason", &reason.0, &reason.1), ("problem", zh, en)]);
}

#[cfg(test)]
mod tests {
    use crate::manifest::*;
    use crate::rules::RuleId;
    use crate::rules::tests::{assert_quiet, assert_rule};

    /// The push SDK moved to Singapore, with everything a small flow needs.
    fn abroad(m: &mut Manifest) -> &mut Recipient {
        let i = m.recipients.iter().position(|r| r.id.as_str() == "push-sdk").unwrap_or_else(|| panic!("no push-sdk"));
        let r = &mut m.recipients[i];
        r.country = "SG".into();
        r.cross_border = Some(CrossBorder {
            mechanism: Mechanism::Exempt,
            exemption: Some(Exemption::SmallVolume),
            individuals: Some(5_000),
            sensitive_individuals: None,
            important_data: false,
            filed: None,
            rights_how: Some("发送邮件至 privacy@push.example.cn".into()),
            rights_how_en: Some("Email privacy@push.example.cn".into()),
        });
        r
    }

    fn cross_border(m: &mut Manifest) -> &mut CrossBorder {
        abroad(m).cross_border.as_mut().unwrap_or_else(|| panic!("no cross_border"))
    }

    #[test]
    fn seed_001_data_centres_that_may_be_abroad() {
        let change = |m: &mut Manifest| {
            m.storage.countries = vec!["CN".into(), "US".into()];
            m.storage.description = Some("数据中心可能位于国内或国外".into());
        };
        assert_rule(RuleId::Xb01, change);
        assert_rule(RuleId::Xb02, change);
        assert_rule(RuleId::Xb03, change);
    }

    #[test]
    fn xb_01() {
        assert_rule(RuleId::Xb01, |m| abroad(m).separate_consent = false);
        assert_rule(RuleId::Xb01, |m| {
            if let Some(cb) = abroad(m).cross_border.as_mut() {
                cb.rights_how = None;
            }
        });
        assert_quiet(RuleId::Xb01, |m| {
            abroad(m);
        });
    }

    #[test]
    fn xb_02() {
        assert_rule(RuleId::Xb02, |m| abroad(m).cross_border = None);
        assert_rule(RuleId::Xb02, |m| cross_border(m).exemption = None);
        assert_rule(RuleId::Xb02, |m| cross_border(m).mechanism = Mechanism::None);
        // 200,000 people are above the small-volume band.
        assert_rule(RuleId::Xb02, |m| cross_border(m).individuals = Some(200_000));
        // Sensitive PI never fits the small-volume exemption.
        assert_rule(RuleId::Xb02, |m| cross_border(m).sensitive_individuals = Some(10));
        assert_rule(RuleId::Xb02, |m| cross_border(m).individuals = None);
        // Important data needs an assessment, whatever the contract says.
        assert_rule(RuleId::Xb02, |m| {
            let cb = cross_border(m);
            cb.mechanism = Mechanism::StandardContract;
            cb.important_data = true;
        });
        assert_quiet(RuleId::Xb02, |m| {
            abroad(m);
        });
        assert_quiet(RuleId::Xb02, |m| {
            let cb = cross_border(m);
            cb.mechanism = Mechanism::Certification;
            cb.individuals = Some(200_000);
            cb.sensitive_individuals = Some(500);
        });
        assert_quiet(RuleId::Xb02, |m| {
            let cb = cross_border(m);
            cb.exemption = Some(Exemption::Contract);
            cb.individuals = Some(5_000_000);
        });
    }

    #[test]
    fn xb_03() {
        assert_rule(RuleId::Xb03, |m| {
            abroad(m).pia = None;
            for p in &mut m.pia {
                p.recipients.clear();
            }
        });
        // Listed in a [[pia]] record is enough.
        assert_quiet(RuleId::Xb03, |m| abroad(m).pia = None);
    }

    /// XB24 arts. 7–8: the volume is the operator's, all flows together since 1 January.
    /// Two flows of 600,000 people each under standard contracts are 1,200,000: a security
    /// assessment (and storage in China) is needed, not a contract; the largest single flow
    /// (600,000) would have asked for a contract only.
    #[test]
    fn volume_is_counted_per_operator_not_per_flow() {
        let two_flows = |m: &mut Manifest, each: u64, all: Option<u64>| {
            let cb = cross_border(m);
            cb.mechanism = Mechanism::StandardContract;
            cb.exemption = None;
            cb.individuals = Some(each);
            let mut second = m.recipients.iter().find(|r| r.id.as_str() == "push-sdk").cloned();
            if let Some(r) = second.as_mut() {
                r.id = "push-sdk-eu".into();
                r.country = "DE".into();
                m.recipients.push(r.clone());
            }
            m.organisation.individuals = all;
        };
        assert_rule(RuleId::Xb04, |m| two_flows(m, 600_000, Some(5_000_000)));
        let found = crate::rules::tests::findings_of(RuleId::Xb04, |m| two_flows(m, 600_000, None));
        assert!(found.iter().any(|f| f.message_zh.contains("1200000")), "{found:#?}");
        // One flow of 600,000 is the contract band: no assessment.
        assert_quiet(RuleId::Xb04, |m| {
            let cb = cross_border(m);
            cb.mechanism = Mechanism::StandardContract;
            cb.exemption = None;
            cb.individuals = Some(600_000);
        });
        // The same people in both flows cannot add up to more than the operator has.
        assert_quiet(RuleId::Xb04, |m| two_flows(m, 600_000, Some(900_000)));
        // Sensitive PI adds up too: two flows of 6,000 people are 12,000 (≥ 10,000).
        assert_rule(RuleId::Xb04, |m| {
            two_flows(m, 50_000, Some(5_000_000));
            for r in m.recipients.iter_mut().filter(|r| r.is_abroad()) {
                if let Some(cb) = r.cross_border.as_mut() {
                    cb.sensitive_individuals = Some(6_000);
                }
            }
        });
    }

    #[test]
    fn xb_04() {
        assert_rule(RuleId::Xb04, |m| {
            abroad(m);
            m.organisation.ciio = true;
        });
        assert_rule(RuleId::Xb04, |m| {
            let cb = cross_border(m);
            cb.mechanism = Mechanism::StandardContract;
            cb.individuals = Some(2_000_000);
        });
        assert_rule(RuleId::Xb04, |m| {
            m.organisation.ciio = true;
            m.storage.countries = vec!["SG".into()];
            m.storage.cross_border = Some(CrossBorder {
                mechanism: Mechanism::SecurityAssessment,
                exemption: None,
                individuals: None,
                sensitive_individuals: None,
                important_data: false,
                filed: None,
                rights_how: None,
                rights_how_en: None,
            });
        });
        assert_quiet(RuleId::Xb04, |m| {
            m.organisation.ciio = true;
            let cb = cross_border(m);
            cb.mechanism = Mechanism::SecurityAssessment;
            cb.exemption = None;
        });
    }
}

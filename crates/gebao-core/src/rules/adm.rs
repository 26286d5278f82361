//! Automated decision-making and personalisation (PIPL 24, 55(2); ALGO; NDSMR 42).

use super::notice::filled;
use super::security::purpose_has_pia;
use super::{Ctx, Force, Rule, RuleId, Severity::*};
use crate::text::Text as B;

pub const RULES: &[Rule] = &[
    Rule {
        id: RuleId::Adm01,
        severity: Error,
        source: "PIPL 24(2); ALGO",
        binding: "PIPL 24(2)",
        force: Force::Law,
        title: B::new(
            "个性化推送或营销同时提供不针对个人特征的选项，或便捷的拒绝方式",
            "Personalised push or marketing offers an option not based on personal characteristics, or an easy way to refuse",
        ),
        message: B::new(
            "处理目的 `{purpose}` 基于个人特征进行个性化推送，但既没有不针对个人特征的选项，也没有便捷的拒绝方式",
            "purpose `{purpose}` personalises content from personal characteristics but offers neither a non-personalised option nor an easy way to refuse",
        ),
        hint: B::new(
            "在 [purposes.automated] 中设置 non_personalised_option = true，或在 opt_out 中写明用户如何关闭个性化推荐",
            "set `non_personalised_option = true` in [purposes.automated], or say in `opt_out` how users turn personalisation off",
        ),
    },
    Rule {
        id: RuleId::Adm02,
        severity: Error,
        source: "PIPL 24(3)",
        binding: "PIPL 24(3)",
        force: Force::Law,
        title: B::new(
            "对个人权益有重大影响的自动化决策，说明如何获得解释以及如何拒绝仅通过自动化决策作出的决定",
            "A decision with significant impact states how to get an explanation and how to refuse a decision made solely by automated means",
        ),
        message: B::new(
            "处理目的 `{purpose}` 的自动化决策对个人权益有重大影响，但未说明{what}",
            "the automated decision of purpose `{purpose}` has a significant impact but does not state {what}",
        ),
        hint: B::new(
            "在 [purposes.automated] 中填写 explanation（如何获得说明）和 opt_out（如何拒绝仅通过自动化决策作出的决定）",
            "fill in `explanation` (how to get one) and `opt_out` (how to refuse a decision made solely by automated means) in [purposes.automated]",
        ),
    },
    Rule {
        id: RuleId::Adm03,
        severity: Error,
        source: "PIPL 24(1)",
        binding: "PIPL 24(1)",
        force: Force::Law,
        title: B::new(
            "不得通过自动化决策在交易价格等交易条件上实行不合理的差别待遇（“大数据杀熟”）",
            "No unreasonable differential treatment in prices or other terms through automated decisions (\"大数据杀熟\")",
        ),
        message: B::new(
            "处理目的 `{purpose}` 的自动化决策使不同用户的价格或交易条件不同",
            "the automated decision of purpose `{purpose}` makes prices or terms differ between users",
        ),
        hint: B::new(
            "停止依据个人特征对价格或交易条件实行差别待遇，并将 differential_pricing 设为 false",
            "stop differentiating prices or terms by personal characteristics, and set `differential_pricing = false`",
        ),
    },
    Rule {
        id: RuleId::Adm04,
        severity: Info,
        source: "PIPL 55(2)",
        binding: "PIPL 55(2)",
        force: Force::Law,
        title: B::new(
            "利用个人信息进行自动化决策前进行个人信息保护影响评估",
            "Assess the impact on personal information before automated decision-making",
        ),
        message: B::new(
            "请确认处理目的 `{purpose}` 进行自动化决策前已开展个人信息保护影响评估（清单中没有评估记录）",
            "confirm that purpose `{purpose}`, which makes automated decisions, was assessed beforehand (the manifest records no PI protection impact assessment)",
        ),
        hint: B::new(
            "添加一条 [[pia]] 记录并在其 purposes 中列出该目的，或为该目的填写 pia",
            "add a [[pia]] record listing the purpose in its `purposes`, or set the purpose's `pia`",
        ),
    },
    Rule {
        id: RuleId::Adm05,
        severity: Error,
        source: "ALGO 17; NDSMR 42",
        binding: "ALGO 17",
        force: Force::DepartmentalRule,
        title: B::new(
            "用户可以选择或删除用户标签，并可关闭个性化推荐且立即生效",
            "Users can choose or delete their tags and turn personalised recommendation off with immediate effect",
        ),
        message: B::new(
            "处理目的 `{purpose}` 的个性化推荐{what}",
            "the personalised recommendation of purpose `{purpose}` {what}",
        ),
        hint: B::new(
            "提供标签的查看、选择和删除功能并设置 tags_manageable = true；关闭个性化推荐后立即生效并设置 opt_out_immediate = true",
            "let users see, choose and delete their tags and set `tags_manageable = true`; make turning recommendation off take effect at once and set `opt_out_immediate = true`",
        ),
    },
    Rule {
        id: RuleId::Adm06,
        severity: Warning,
        source: "ALGO 24",
        binding: "ALGO 24",
        force: Force::DepartmentalRule,
        title: B::new(
            "具有舆论属性或社会动员能力的算法推荐服务写明算法备案编号（上线后十个工作日内备案）",
            "A recommender with public-opinion attributes states its algorithm filing number (filed within 10 working days of launch)",
        ),
        message: B::new(
            "处理目的 `{purpose}` 的算法推荐服务具有舆论属性，但未写明算法备案编号",
            "the recommender of purpose `{purpose}` has public-opinion attributes but states no algorithm filing number",
        ),
        hint: B::new(
            "完成算法备案后，在 [purposes.automated] 中填写 algorithm_filing",
            "file the algorithm and put the number in `algorithm_filing` in [purposes.automated]",
        ),
    },
];

pub fn check(cx: &mut Ctx<'_>) {
    let m = cx.m;
    for (i, p) in m.purposes.iter().enumerate() {
        let at = format!("purposes[{i}]");
        let id = p.id.as_str();
        let a = p.automated.as_ref();

        // ADM-01 (PIPL 24(2)): a personalised purpose with no automated block has declared
        // neither a non-personalised version nor a way out.
        if p.personalised && !a.is_some_and(|a| a.non_personalised_option || filled(a.opt_out.as_deref())) {
            let path = if a.is_some() { format!("{at}.automated") } else { format!("{at}.personalised") };
            cx.report(RuleId::Adm01, path, &[("purpose", id)]);
        }

        // ADM-05 (ALGO 17; NDSMR 42): tags and switching off, for personalised content.
        if p.personalised {
            let mut missing_zh = Vec::new();
            let mut missing_en = Vec::new();
            if !a.is_some_and(|a| a.tags_manageable) {
                missing_zh.push("不能由用户选择或删除用户标签");
                missing_en.push("does not let users choose or delete their tags");
            }
            if !a.is_some_and(|a| a.opt_out_immediate) {
                missing_zh.push("关闭后不能立即生效");
                missing_en.push("cannot be turned off with immediate effect");
            }
            if !missing_zh.is_empty() {
                let path = if a.is_some() { format!("{at}.automated") } else { format!("{at}.personalised") };
                cx.report_bilingual(
                    RuleId::Adm05,
                    path,
                    &[("purpose", id)],
                    &[("what", &missing_zh.join("，"), &missing_en.join(", and "))],
                );
            }
        }

        let Some(a) = a else { continue };

        // ADM-02 (PIPL 24(3))
        if a.significant_impact {
            if !filled(a.explanation.as_deref()) {
                cx.report_bilingual(
                    RuleId::Adm02,
                    format!("{at}.automated.explanation"),
                    &[("purpose", id)],
                    &[("what", "如何获得说明（explanation）", "how to get an explanation (`explanation`)")],
                );
            }
            if !filled(a.opt_out.as_deref()) {
                cx.report_bilingual(
                    RuleId::Adm02,
                    format!("{at}.automated.opt_out"),
                    &[("purpose", id)],
                    &[(
                        "what",
                        "如何拒绝仅通过自动化决策作出的决定（opt_out）",
                        "how to refuse a decision made solely by automated means (`opt_out`)",
                    )],
                );
            }
        }

        // ADM-03 (PIPL 24(1))
        if a.differential_pricing {
            cx.report(RuleId::Adm03, format!("{at}.automated.differential_pricing"), &[("purpose", id)]);
        }

        // ADM-04 (PIPL 55(2)); SEC-01 leaves automated purposes to this rule.
        if !purpose_has_pia(m, p) {
            cx.report(RuleId::Adm04, format!("{at}.pia"), &[("purpose", id)]);
        }

        // ADM-06 (ALGO 24)
        if a.public_opinion && !filled(a.algorithm_filing.as_deref()) {
            cx.report(RuleId::Adm06, format!("{at}.automated.algorithm_filing"), &[("purpose", id)]);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::manifest::*;
    use crate::rules::RuleId;
    use crate::rules::tests::{assert_quiet, assert_rule};

    /// The clean manifest's personalised, automated purpose.
    const RECOMMEND: usize = 4;

    fn automated(m: &mut Manifest) -> &mut AutomatedDecision {
        match m.purposes[RECOMMEND].automated.as_mut() {
            Some(a) => a,
            None => panic!("clean.toml: `recommend` has no [purposes.automated]"),
        }
    }

    #[test]
    fn adm_01() {
        assert_rule(RuleId::Adm01, |m| {
            let a = automated(m);
            a.non_personalised_option = false;
            a.opt_out = None;
        });
        // Seed 001: personalised ads and nothing else declared.
        assert_rule(RuleId::Adm01, |m| m.purposes[RECOMMEND].automated = None);
        assert_quiet(RuleId::Adm01, |m| automated(m).non_personalised_option = false);
        assert_quiet(RuleId::Adm01, |m| automated(m).opt_out = None);
    }

    #[test]
    fn adm_02() {
        assert_rule(RuleId::Adm02, |m| {
            let a = automated(m);
            a.significant_impact = true;
            a.explanation = None;
        });
        assert_rule(RuleId::Adm02, |m| {
            let a = automated(m);
            a.significant_impact = true;
            a.opt_out = Some(" ".into());
        });
        assert_quiet(RuleId::Adm02, |m| automated(m).significant_impact = true);
    }

    #[test]
    fn adm_03() {
        assert_rule(RuleId::Adm03, |m| automated(m).differential_pricing = true);
        assert_quiet(RuleId::Adm03, |m| {
            let a = automated(m);
            a.significant_impact = true;
            a.differential_pricing = false;
        });
    }

    #[test]
    fn adm_04() {
        assert_rule(RuleId::Adm04, |m| {
            m.purposes[RECOMMEND].pia = None;
            m.pia.retain(|p| p.id.as_str() != "pia-recommend");
        });
        // A [[pia]] that lists the purpose is enough without the purpose's own `pia`.
        assert_quiet(RuleId::Adm04, |m| m.purposes[RECOMMEND].pia = None);
    }

    #[test]
    fn adm_05() {
        assert_rule(RuleId::Adm05, |m| automated(m).tags_manageable = false);
        assert_rule(RuleId::Adm05, |m| automated(m).opt_out_immediate = false);
        assert_rule(RuleId::Adm05, |m| m.purposes[RECOMMEND].automated = None);
        // Automated decisions that do not personalise content are not recommendation.
        assert_quiet(RuleId::Adm05, |m| {
            m.purposes[RECOMMEND].personalised = false;
            let a = automated(m);
            a.tags_manageable = false;
            a.opt_out_immediate = false;
        });
    }

    #[test]
    fn adm_06() {
        assert_rule(RuleId::Adm06, |m| automated(m).public_opinion = true);
        assert_quiet(RuleId::Adm06, |m| {
            let a = automated(m);
            a.public_opinion = true;
            a.algorithm_filing = Some("网信算备110108000000000000001号".into());
        });
    }
}

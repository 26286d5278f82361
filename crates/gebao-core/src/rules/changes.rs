//! Changes to the policy (PIPL 14, 17; 35273 5.5; `pipl-rules.md` part J).

use super::notice::filled;
use super::{Ctx, Force, Rule, RuleId, Severity::*};
use crate::text::Text as B;

pub const RULES: &[Rule] = &[
    Rule {
        id: RuleId::Chg01,
        severity: Error,
        source: "PIPL 14",
        binding: "PIPL 14",
        force: Force::Law,
        title: B::new(
            "处理目的、处理方式或个人信息种类发生变更的，基于同意的处理重新取得同意",
            "A change of purpose, method or PI categories needs new consent for consent-based purposes",
        ),
        message: B::new("政策变更的处理不符合要求：{what}", "policy changes are handled unlawfully: {what}"),
        hint: B::new(
            "在 [changes] 中设置 accepted_by_continued_use = false 和 reconsent_on_major = true：重大变更后，基于同意的处理目的重新征得同意",
            "set `accepted_by_continued_use = false` and `reconsent_on_major = true` in [changes]: after a major change, consent-based purposes ask again",
        ),
    },
    Rule {
        id: RuleId::Chg02,
        severity: Warning,
        source: "35273 5.5",
        binding: "35273 5.5",
        force: Force::RecommendedStandard,
        title: B::new(
            "政策写明六类重大变更情形及告知用户的方式",
            "The policy states the six major-change triggers and how users are told",
        ),
        message: B::new("未说明发生重大变更时如何告知用户", "how users are told of a major change is not stated"),
        hint: B::new(
            "在 [changes] 的 notify 中列出告知方式，如 [\"pop-up\", \"push\", \"email\"]",
            "list the channels in `notify` in [changes], e.g. [\"pop-up\", \"push\", \"email\"]",
        ),
    },
    Rule {
        id: RuleId::Chg03,
        severity: Warning,
        source: "practice (seed 003)",
        binding: "—",
        force: Force::Practice,
        title: B::new("旧版本政策可供查阅", "Earlier versions stay available"),
        message: B::new(
            "未说明在哪里可以查阅旧版本的政策",
            "where earlier versions of the policy can be read is not stated",
        ),
        hint: B::new(
            "在 [changes] 中填写 archive（旧版本的网址或应用内位置）",
            "set `archive` in [changes] (a URL or in-app place of earlier versions)",
        ),
    },
];

pub fn check(cx: &mut Ctx<'_>) {
    let m = cx.m;
    let ch = &m.changes;

    // CHG-01 (PIPL 14): continued use is not consent; seed 001 claims it is.
    if ch.accepted_by_continued_use {
        cx.report_bilingual(RuleId::Chg01, "changes.accepted_by_continued_use", &[], &[("what", "政策声称继续使用服务即视为同意变更后的政策，但继续使用不构成同意", "the policy says that continuing to use the service means accepting a change, but continued use is not consent")]);
    }
    let consent_based: Vec<&str> = m.purposes.iter().filter(|p| p.needs_consent()).map(|p| p.id.as_str()).collect();
    if !ch.reconsent_on_major && !consent_based.is_empty() {
        let list = consent_based.join(", ");
        cx.report_bilingual(
            RuleId::Chg01,
            "changes.reconsent_on_major",
            &[],
            &[(
                "what",
                &format!("重大变更后不重新征得同意，但这些处理目的基于同意：{list}"),
                &format!("consent is not asked again after a major change, but these purposes rely on consent: {list}"),
            )],
        );
    }

    // CHG-02 (35273 5.5): the triggers come from gebao's template; the channels must come
    // from the manifest.
    if ch.notify.is_empty() {
        cx.report(RuleId::Chg02, "changes.notify", &[]);
    }

    // CHG-03
    if !filled(ch.archive.as_deref()) {
        cx.report(RuleId::Chg03, "changes.archive", &[]);
    }
}

#[cfg(test)]
mod tests {
    use crate::manifest::*;
    use crate::rules::RuleId;
    use crate::rules::tests::{assert_quiet, assert_rule};

    #[test]
    fn chg_01() {
        // Seed 001: policy changes accepted by continued use.
        assert_rule(RuleId::Chg01, |m| m.changes.accepted_by_continued_use = true);
        assert_rule(RuleId::Chg01, |m| m.changes.reconsent_on_major = false);
        // Without consent-based purposes there is no consent to ask again.
        assert_quiet(RuleId::Chg01, |m| {
            m.changes.reconsent_on_major = false;
            m.purposes.retain(|p| !p.needs_consent());
        });
    }

    #[test]
    fn chg_02() {
        assert_rule(RuleId::Chg02, |m| m.changes.notify.clear());
    }

    #[test]
    fn chg_03() {
        assert_rule(RuleId::Chg03, |m| m.changes.archive = None);
        assert_rule(RuleId::Chg03, |m| m.changes = Changes::default());
    }
}

//! Ending the service (35273 6.4; the seeds' 30- and 15-day notices).

use super::{Ctx, Force, Rule, RuleId, Severity::*};
use crate::manifest::{Disposal, Termination};
use crate::text::Text as B;

pub const RULES: &[Rule] = &[
    Rule {
        id: RuleId::Trm01,
        severity: Error,
        source: "35273 6.4; PIPL 47",
        binding: "PIPL 47(1)(2)",
        force: Force::Law,
        title: B::new(
            "停止运营时停止收集个人信息，逐一送达或公告通知用户，并删除或匿名化处理个人信息",
            "On termination: stop collecting, tell users individually or by announcement, delete or anonymise",
        ),
        message: B::new("停止运营的安排有缺漏：{what}", "the termination plan falls short: {what}"),
        hint: B::new(
            "在 [termination] 中设置 stop_collection = true，在 notify 中列出告知方式（如 [\"push\", \"announcement\"]），并将 then 设为 \"delete\" 或 \"anonymise\"",
            "in [termination] set `stop_collection = true`, list channels in `notify` (e.g. [\"push\", \"announcement\"]) and set `then` to \"delete\" or \"anonymise\"",
        ),
    },
    Rule {
        id: RuleId::Trm02,
        severity: Info,
        source: "seeds 000, 002",
        binding: "—",
        force: Force::Practice,
        title: B::new("写明停止运营前的提前通知期", "State the notice period before the service ends"),
        message: B::new(
            "未说明停止运营前提前多久通知用户",
            "how long before the service ends users are told is not stated",
        ),
        hint: B::new(
            "没有普遍适用的法定通知期（《电子商务法》第十六条的提前三十日公示只约束电子商务经营者）；建议在 [termination] 中填写 notice（如 \"30 days\"）",
            "no notice period binds every operator (ECL 16's 30 days bind e-commerce operators only); consider setting `notice` in [termination] (e.g. \"30 days\")",
        ),
    },
];

pub fn check(cx: &mut Ctx<'_>) {
    let t = &cx.m.termination;

    // TRM-01 (35273 6.4). A manifest without [termination] gets one finding, not three.
    if *t == Termination::default() {
        cx.report_bilingual(
            RuleId::Trm01,
            "termination",
            &[],
            &[("what", "没有声明（[termination]）", "nothing is declared ([termination])")],
        );
    } else {
        if !t.stop_collection {
            cx.report_bilingual(
                RuleId::Trm01,
                "termination.stop_collection",
                &[],
                &[("what", "没有承诺立即停止收集个人信息", "collection is not said to stop at once")],
            );
        }
        if t.notify.is_empty() {
            cx.report_bilingual(
                RuleId::Trm01,
                "termination.notify",
                &[],
                &[("what", "没有说明如何通知用户", "no way of telling users")],
            );
        }
        match t.then {
            None => cx.report_bilingual(
                RuleId::Trm01,
                "termination.then",
                &[],
                &[("what", "没有说明之后如何处理个人信息", "what happens to the PI afterwards is not stated")],
            ),
            // PIPL 73: de-identified data can still be linked back to a person.
            Some(Disposal::DeIdentify) => cx.report_bilingual(
                RuleId::Trm01,
                "termination.then",
                &[],
                &[("what", "去标识化不等于删除或匿名化", "de-identification is neither deletion nor anonymisation")],
            ),
            Some(Disposal::Delete | Disposal::Anonymise) => {}
        }
    }

    // TRM-02
    if t.notice.is_none() {
        cx.report(RuleId::Trm02, "termination.notice", &[]);
    }
}

#[cfg(test)]
mod tests {
    use crate::manifest::*;
    use crate::rules::RuleId;
    use crate::rules::tests::{assert_quiet, assert_rule};

    #[test]
    fn trm_01() {
        assert_rule(RuleId::Trm01, |m| m.termination.stop_collection = false);
        assert_rule(RuleId::Trm01, |m| m.termination.notify.clear());
        assert_rule(RuleId::Trm01, |m| m.termination.then = None);
        assert_rule(RuleId::Trm01, |m| m.termination.then = Some(Disposal::DeIdentify));
        assert_rule(RuleId::Trm01, |m| m.termination = Termination::default());
        assert_quiet(RuleId::Trm01, |m| m.termination.then = Some(Disposal::Anonymise));
    }

    #[test]
    fn trm_02() {
        assert_rule(RuleId::Trm02, |m| m.termination.notice = None);
    }
}

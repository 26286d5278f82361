//! What a policy attaches to the rights of `rights.rs` (PIPL 45, 47, 50; APP19 六; GB/T 35273
//! 8.5; the legal review of the seeds, section 3): conditions the law does not allow
//! (RGT-09) and a withdrawal that lets processing go on (RGT-10). These ids are ahead of
//! `pipl-rules.md`.
//!
//! Both read the texts of `[rights.*]` (`conditions`, `note`) and the purposes'
//! `consent.withdraw`: the phrase is the flaw (a discretionary condition, a cost test, a
//! ground no law gives), so it is reported with the place it is in.

use super::{Ctx, Force, Rule, RuleId, Severity::*};
use crate::manifest::RightKind;
use crate::text::Text as B;

pub const RULES: &[Rule] = &[
    Rule {
        id: RuleId::Rgt09,
        severity: Error,
        source: "PIPL 45, 47, 50; APP19 六(2); 35273 8.5",
        binding: "PIPL 45, 47, 50; APP19 六(2)",
        force: Force::Law,
        title: B::new(
            "不为查阅、删除、注销等权利设置法律没有规定的条件：处理者酌情决定、投入成本、转向第三方办理、商业秘密",
            "Put no condition the law does not give on access, deletion or cancellation: the operator's discretion, its cost, sending the user to a third party, trade secrets",
        ),
        message: B::new(
            "“{right}”权利附加了条件“{phrase}”：{why}",
            "the right of {right} is made subject to “{phrase}”: {why}",
        ),
        hint: B::new(
            "删去该条件：拒绝只能依据法律规定的情形并说明理由（第五十条），注销的条件须必要、合理（APP19 六(2)），在本服务开立的账号由本服务注销",
            "drop the condition: a request is refused only on a ground the law gives, with reasons (art. 50), cancellation conditions must be necessary and reasonable (APP19 六(2)), and an account opened here is cancelled here",
        ),
    },
    Rule {
        id: RuleId::Rgt10,
        severity: Error,
        source: "PIPL 15, 47(1)(3)",
        binding: "PIPL 15, 47(1)(3)",
        force: Force::Law,
        title: B::new(
            "撤回同意后停止处理并删除：撤回只不影响撤回前已进行的处理",
            "After a withdrawal, processing stops and the data is deleted: only the processing done before it stands",
        ),
        message: B::new(
            "{place}称撤回同意后仍继续处理或保存个人信息（“{phrase}”）",
            "{place} says processing or storage goes on after consent is withdrawn (“{phrase}”)",
        ),
        hint: B::new(
            "改为：撤回同意不影响撤回前基于同意已进行的处理活动的效力；撤回后停止处理，并依第四十七条主动删除（法律另有规定的保存除外）",
            "say instead: withdrawal does not affect the processing done before it; after it processing stops and the data is deleted without being asked (art. 47), save what a law requires to keep",
        ),
    },
];

/// RGT-09: phrases that make a right depend on what the law does not, with why (zh, en).
const CONDITIONS: &[(&str, &str, &str)] = &[
    (
        "判断是否支持",
        "是否支持由处理者酌情决定，不是法定条件",
        "whether it is granted is left to the operator, which no law allows",
    ),
    ("有权拒绝", "拒绝须有法律依据并说明理由", "a refusal needs a legal ground and reasons"),
    (
        "视情况",
        "是否办理由处理者酌情决定，不是法定条件",
        "whether it is granted is left to the operator, which no law allows",
    ),
    ("过多投入", "处理者的成本不是拒绝查阅、复制的理由", "the operator's cost is no ground to refuse access or a copy"),
    (
        "向第三方申请注销",
        "账号注销须由本服务提供，不能转由第三方办理",
        "the account must be cancellable here, not only at a third party",
    ),
    ("商业秘密", "商业秘密不是法律规定的拒绝事由", "trade secrets are not a ground the law gives for refusing"),
];

/// RGT-10: a withdrawal text that keeps processing or storage going after it.
fn keeps_going(text: &str) -> Option<&str> {
    if text.contains("除非您行使删除权") {
        return Some("除非您行使删除权");
    }
    let after = text.contains("撤回") && text.contains("不影响");
    let goes_on = ["存储", "保存", "继续处理", "继续使用"].into_iter().find(|w| text.contains(w));
    goes_on.filter(|_| after)
}

pub fn check(cx: &mut Ctx<'_>) {
    let m = cx.m;
    for (kind, right) in m.rights.offered() {
        let at = format!("rights.{}", kind.as_str());
        let texts = right
            .conditions
            .iter()
            .enumerate()
            .map(|(j, c)| (format!("{at}.conditions[{j}]"), c.as_str()))
            .chain(right.note.as_deref().map(|n| (format!("{at}.note"), n)));
        for (path, text) in texts {
            for (phrase, zh, en) in CONDITIONS.iter().filter(|(p, ..)| text.contains(p)) {
                let label = kind.label();
                cx.report_bilingual(
                    RuleId::Rgt09,
                    path.clone(),
                    &[("phrase", phrase)],
                    &[("right", label.zh, label.en), ("why", zh, en)],
                );
            }
            if kind == RightKind::Withdrawal
                && let Some(phrase) = keeps_going(text)
            {
                cx.report_bilingual(
                    RuleId::Rgt10,
                    path.clone(),
                    &[("phrase", phrase)],
                    &[("place", "撤回同意权利的说明", "the withdrawal right's text")],
                );
            }
        }
    }
    for (i, p) in m.purposes.iter().enumerate() {
        if let Some(phrase) = p.consent.withdraw.as_deref().and_then(keeps_going) {
            let (zh, en) = (format!("处理目的 `{}` 的撤回方式", p.id), format!("the withdrawal of purpose `{}`", p.id));
            cx.report_bilingual(
                RuleId::Rgt10,
                format!("purposes[{i}].consent.withdraw"),
                &[("phrase", phrase)],
                &[("place", &zh, &en)],
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::keeps_going;
    use crate::manifest::*;
    use crate::rules::RuleId;
    use crate::rules::tests::{assert_quiet, assert_rule, findings_of};

    fn cancellation(m: &mut Manifest) -> &mut Right {
        m.rights.cancellation.as_mut().unwrap_or_else(|| panic!("clean.toml offers cancellation"))
    }

    #[test]
    fn rgt_09() {
        // Seed 002 六(六).
        assert_rule(RuleId::Rgt09, |m| {
            cancellation(m).conditions.push("尽微致广结合您对各产品的使用情况判断是否支持注销请求".into())
        });
        assert_rule(RuleId::Rgt09, |m| {
            cancellation(m).conditions.push("通过第三方账号授权登录的，需要向第三方申请注销账号".into())
        });
        // Seed 003 六(一).
        let f = findings_of(RuleId::Rgt09, |m| {
            if let Some(a) = m.rights.access.as_mut() {
                a.note = Some("只要我们不需要过多投入，我们会向您提供".into());
            }
        });
        assert_eq!(f.len(), 1, "{f:#?}");
        assert!(f[0].path == "rights.access.note" && f[0].message_zh.contains("过多投入"), "{f:#?}");
        // A necessary condition (002's unexpired paid plan is a blocker, not this).
        assert_quiet(RuleId::Rgt09, |m| cancellation(m).conditions.push("账号处于安全状态，没有未完成的交易".into()));
    }

    #[test]
    fn rgt_10() {
        let seed_002 =
            "撤回后我们将不再收集该信息；除非您行使删除权，撤回不影响我们基于您之前的授权进行的个人信息的处理、存储";
        assert_eq!(keeps_going(seed_002), Some("除非您行使删除权"));
        assert_eq!(keeps_going("您撤回同意后，我们将停止处理；撤回不影响我们继续保存您的信息"), Some("保存"));
        assert_eq!(keeps_going("撤回同意不影响撤回前基于您的同意已进行的个人信息处理活动的效力"), None);
        assert_rule(RuleId::Rgt10, |m| {
            if let Some(w) = m.rights.withdrawal.as_mut() {
                w.note = Some(seed_002.into());
            }
        });
        assert_rule(RuleId::Rgt10, |m| m.purposes[0].consent.withdraw = Some(seed_002.into()));
        assert_quiet(RuleId::Rgt10, |m| {
            if let Some(w) = m.rights.withdrawal.as_mut() {
                w.note = Some("撤回同意不影响撤回前基于您的同意已进行的个人信息处理活动的效力".into());
            }
        });
    }
}

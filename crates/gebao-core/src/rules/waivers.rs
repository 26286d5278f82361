//! NOT-15 (PIPL 9, 69; the legal review of the seeds, section 3): a policy text that waives
//! the processor's liability or puts the risk on the user. The phrase is the flaw, so the
//! manifest's texts that reach the policy are read for it. Ahead of `pipl-rules.md`.

use super::{Ctx, Force, Rule, RuleId, Severity::*};
use crate::text::Text as B;

pub const RULES: &[Rule] = &[Rule {
    id: RuleId::Not15,
    severity: Warning,
    source: "PIPL 9, 69",
    binding: "PIPL 9",
    force: Force::Law,
    title: B::new(
        "不在政策中免除处理者对其个人信息处理活动的责任，或让用户自担风险",
        "Do not waive the processor's responsibility for its processing, or put the risk on users",
    ),
    message: B::new(
        "`{path}` 写有免责或由用户自担风险的条款（“{phrase}”）",
        "`{path}` waives liability or puts the risk on the user (“{phrase}”)",
    ),
    hint: B::new(
        "删去该表述：处理者对其个人信息处理活动负责（第九条），侵害个人信息权益不能证明自己没有过错的须承担责任（第六十九条）；可以说明用户自行向第三方提供信息时适用该第三方的规则",
        "drop the sentence: the processor answers for its processing (art. 9) and is liable unless it proves it was not at fault (art. 69); the policy may say that what users give a third party themselves follows that party's rules",
    ),
}];

/// The phrase of a text that waives liability or shifts risk, if any: "不承担…责任/损失"
/// within one clause, or a risk the user "自愿承担", "自行承担", "自负".
fn waiver(text: &str) -> Option<String> {
    for shift in ["自愿承担", "自行承担", "风险自负", "后果自负"] {
        if text.contains(shift) {
            return Some(shift.to_owned());
        }
    }
    let at = text.find("不承担")?;
    let rest = &text[at..];
    let clause = rest.split(['，', '。', '；', ',', ';']).next().unwrap_or(rest);
    ["责任", "损失"].iter().any(|w| clause.contains(w)).then(|| clause.to_owned())
}

pub fn check(cx: &mut Ctx<'_>) {
    let m = cx.m;
    let mut texts: Vec<(String, Option<&str>)> = Vec::new();
    let mut add = |path: String, text| texts.push((path, text));
    add("policy.scope".into(), m.policy.scope.as_deref());
    add("storage.description".into(), m.storage.description.as_deref());
    for (i, p) in m.purposes.iter().enumerate() {
        add(format!("purposes[{i}].description"), p.description.as_deref());
        add(format!("purposes[{i}].basis_note"), p.basis_note.as_deref());
        add(format!("purposes[{i}].consent.withdraw"), p.consent.withdraw.as_deref());
        add(format!("purposes[{i}].retention.method"), p.retention.as_ref().and_then(|r| r.method.as_deref()));
    }
    for (i, r) in m.recipients.iter().enumerate() {
        add(format!("recipients[{i}].purpose"), r.purpose.as_deref());
        add(format!("recipients[{i}].method"), r.method.as_deref());
    }
    for (kind, r) in m.rights.offered() {
        add(format!("rights.{}.note", kind.as_str()), r.note.as_deref());
        for (j, c) in r.conditions.iter().enumerate() {
            add(format!("rights.{}.conditions[{j}]", kind.as_str()), Some(c));
        }
    }
    add("minors.children_rules".into(), m.minors.children_rules.as_deref());
    add("minors.refusal_consequence".into(), m.minors.refusal_consequence.as_deref());
    for (path, text) in texts {
        if let Some(phrase) = text.and_then(waiver) {
            cx.report(RuleId::Not15, path.clone(), &[("path", &path), ("phrase", &phrase)]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::waiver;
    use crate::rules::RuleId;
    use crate::rules::tests::{assert_quiet, assert_rule};

    #[test]
    fn waivers() {
        assert_eq!(
            waiver("我们会设法尽快删除相关数据，并且我们不承担由于此等删除对您造成的损失").as_deref(),
            Some("不承担由于此等删除对您造成的损失")
        );
        assert_eq!(waiver("聊聊对任何第三方使用由您提供的信息不承担任何责任。").as_deref(), Some("不承担任何责任"));
        assert_eq!(waiver("请您理解信息网络的上述风险并自愿承担").as_deref(), Some("自愿承担"));
        // Costs the operator bears are no waiver.
        assert_eq!(waiver("复制所需费用由我们承担"), None);
        assert_eq!(waiver("我们不承担额外收费，您无需付费"), None);
    }

    #[test]
    fn not_15() {
        // Seed 002 7.3, the consequence of collecting a minor's PI without a guardian's consent.
        assert_rule(RuleId::Not15, |m| {
            m.minors.refusal_consequence =
                Some("我们会尽快删除相关数据，并且我们不承担由于此等删除对您造成的损失".into())
        });
        assert_rule(RuleId::Not15, |m| m.recipients[0].purpose = Some("我们对第三方使用您的信息不承担任何责任".into()));
        assert_quiet(RuleId::Not15, |m| {
            m.minors.refusal_consequence = Some("我们会尽快删除相关数据，法律要求保留的除外".into())
        });
    }
}

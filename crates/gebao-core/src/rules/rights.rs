//! Rights of individuals (PIPL 44–50; NDSMR 24–25; APP19; GB/T 35273 8; `pipl-rules.md`
//! part E).

use super::notice::filled;
use super::{Ctx, Force, Rule, RuleId, Severity::*};
use crate::duration::Duration;
use crate::manifest::{FeeBasis, Handling, RepeatAction, Right, RightKind};
use crate::taxonomy::Category;
use crate::text::{Lang, Text as B};

pub const RULES: &[Rule] = &[
    Rule {
        id: RuleId::Rgt01,
        severity: Error,
        source: "PIPL 44–48; NDSMR",
        binding: "PIPL 44–48",
        force: Force::Law,
        title: B::new(
            "提供全部法定权利：知情决定、限制拒绝、查阅、复制、转移、更正补充、删除、撤回同意、注销账号、解释说明",
            "Offer every right: know and decide, restrict or refuse, access, copy, portability, correction, deletion, withdrawal, cancellation, explanation",
        ),
        message: B::new("未提供“{right}”权利", "the right of {right} is not offered"),
        hint: B::new(
            "在 [rights.{kind}] 中声明该权利（offered 默认为 true），并填写 channel 和 deadline",
            "declare the right in [rights.{kind}] (`offered` defaults to true) with its `channel` and `deadline`",
        ),
    },
    Rule {
        id: RuleId::Rgt02,
        severity: Error,
        source: "APP19",
        binding: "APP19",
        force: Force::NormativeDocument,
        title: B::new(
            "人工处理的更正、删除、注销和投诉请求在15个工作日内答复",
            "Correction, deletion, cancellation and complaints handled by hand are answered within 15 working days",
        ),
        message: B::new(
            "“{right}”请求由人工处理，承诺的答复期限为{deadline}，超过15个工作日",
            "{right} requests are handled by hand with a promised reply within {deadline}, more than 15 working days",
        ),
        hint: B::new(
            "将 deadline 设为不超过 \"15 working days\"（或 \"15个工作日\"）",
            "set `deadline` to at most \"15 working days\"",
        ),
    },
    Rule {
        id: RuleId::Rgt03,
        severity: Warning,
        source: "35273 8.7",
        binding: "35273 8.7",
        force: Force::RecommendedStandard,
        title: B::new("任何请求在30天内答复", "Any request is answered within 30 days"),
        message: B::new(
            "“{right}”请求的答复期限为{deadline}，超过30天",
            "the reply to {right} requests takes {deadline}, more than 30 days",
        ),
        hint: B::new("将 deadline 设为不超过 \"30 days\"", "set `deadline` to at most \"30 days\""),
    },
    Rule {
        id: RuleId::Rgt04,
        severity: Error,
        source: "APP19; NDSMR; 35273 8.5",
        binding: "APP19",
        force: Force::NormativeDocument,
        title: B::new("注销账号不设置不合理条件", "Account cancellation has no unreasonable conditions"),
        message: B::new(
            "注销账号设置了不合理的条件：{problem}",
            "account cancellation sets an unreasonable condition: {problem}",
        ),
        hint: B::new(
            "注销时不得要求提供比注册时更多的个人信息；可以要求先处理未到期的付费服务等障碍（blockers），但不能以此增加信息要求",
            "do not ask for more PI than registration did; blockers the user can resolve (such as an unexpired paid plan) belong in `blockers`",
        ),
    },
    Rule {
        id: RuleId::Rgt05,
        severity: Error,
        source: "NDSMR 24; APP19; 35273 8.5",
        binding: "NDSMR 24",
        force: Force::Regulation,
        title: B::new(
            "注销后删除或匿名化个人信息，并说明不超过15个工作日的期限",
            "After cancellation PI is deleted or anonymised within a stated deadline of at most 15 working days",
        ),
        message: B::new(
            "注销账号后的删除或匿名化处理{problem}",
            "deletion or anonymisation after cancellation {problem}",
        ),
        hint: B::new(
            "在 [rights.cancellation] 中填写 erase_within，不超过 \"15 working days\"",
            "set `erase_within` in [rights.cancellation] to at most \"15 working days\"",
        ),
    },
    Rule {
        id: RuleId::Rgt06,
        severity: Warning,
        source: "NDSMR 25; 35273 8.7",
        binding: "NDSMR 25",
        force: Force::Regulation,
        title: B::new(
            "仅对明显超出合理次数的重复请求收取成本费用",
            "Only requests clearly beyond a reasonable number are charged, at cost",
        ),
        message: B::new("重复请求的收费规则有问题：{problem}", "the fee for repeated requests: {problem}"),
        hint: B::new(
            "在 [rights.repeat] 中设置 free ≥ 1，并设置 fee = \"cost\"（仅收取成本费用）",
            "set `free` to at least 1 and `fee = \"cost\"` in [rights.repeat]",
        ),
    },
    Rule {
        id: RuleId::Rgt07,
        severity: Error,
        source: "PIPL 49",
        binding: "PIPL 49",
        force: Force::Law,
        title: B::new(
            "近亲属可为自身合法正当利益对死者的个人信息行使查阅、复制、更正、删除权利",
            "Close relatives may access, copy, correct and delete a deceased user's PI for their own legitimate interest",
        ),
        message: B::new("{problem}", "{problem}"),
        hint: B::new(
            "填写 [rights.deceased]，设置 relatives = true，并说明 channel",
            "fill in [rights.deceased] with `relatives = true` and a `channel`",
        ),
    },
    Rule {
        id: RuleId::Rgt08,
        severity: Warning,
        source: "NDSMR",
        binding: "NDSMR",
        force: Force::Regulation,
        title: B::new("说明个人信息转移的条件", "State the conditions of portability"),
        message: B::new(
            "提供个人信息转移权利，但未说明转移的条件",
            "portability is offered but its conditions are not stated",
        ),
        hint: B::new(
            "在 [rights.portability] 的 portability_conditions 中列明：身份已验证、基于同意或合同处理的信息、技术可行、不损害他人合法权益",
            "list in `portability_conditions` of [rights.portability]: identity verified, data processed on consent or contract, technically feasible, no harm to others",
        ),
    },
];

/// The 15-working-day ceiling of APP19 (RGT-02, RGT-05).
const FIFTEEN_WORKING_DAYS: Duration = Duration::working_days(15);
/// The 30-day ceiling of 35273 8.7 (RGT-03).
const THIRTY_DAYS: Duration = Duration::days(30);

/// Words in a cancellation condition that ask for PI of a category, (category, words).
const EXTRA_PI: &[(Category, &[&str])] = &[
    (
        Category::IdentityDocument,
        &["身份证", "证件", "护照", "户口", "id card", "identity card", "identity document", "passport"],
    ),
    (Category::Biometric, &["人脸", "刷脸", "手持", "自拍", "face", "selfie"]),
    (Category::FinancialAccount, &["银行卡", "bank card", "bank account"]),
    (Category::Location, &["定位", "location"]),
];

/// The path of a right's deadline: its own, else the default in [rights].
fn deadline_path(kind: RightKind, right: &Right) -> String {
    if right.deadline.is_some() { format!("rights.{}.deadline", kind.as_str()) } else { "rights.deadline".to_owned() }
}

pub fn check(cx: &mut Ctx<'_>) {
    let m = cx.m;
    let rights = &m.rights;

    // RGT-01 (PIPL 44–48): every right of the individual is offered. Complaints (投诉举报)
    // are not one of them: NOT-04 asks for their channel.
    for kind in RightKind::ALL.into_iter().filter(|k| *k != RightKind::Complaint) {
        let path = match rights.get(kind) {
            Some(r) if r.offered => continue,
            Some(_) => format!("rights.{}.offered", kind.as_str()),
            None => "rights".to_owned(),
        };
        let label = kind.label();
        cx.report_bilingual(RuleId::Rgt01, path, &[("kind", kind.as_str())], &[("right", label.zh, label.en)]);
    }

    for (kind, right) in rights.offered() {
        let Some(deadline) = rights.deadline_of(right) else { continue };
        let label = kind.label();
        let args =
            [("right", label.zh, label.en), ("deadline", &deadline.display(Lang::ZhCn), &deadline.display(Lang::En))];

        // RGT-02 (APP19): 15 working days for requests handled by hand. With no promised
        // deadline the 15 working days apply, so only a promised longer one is a finding.
        if kind.has_fifteen_working_day_ceiling()
            && right.handling == Handling::ByHand
            && !FIFTEEN_WORKING_DAYS.at_least(&deadline)
        {
            cx.report_bilingual(RuleId::Rgt02, deadline_path(kind, right), &[], &args);
        }

        // RGT-03 (35273 8.7): 30 days for any request.
        if !THIRTY_DAYS.at_least(&deadline) {
            cx.report_bilingual(RuleId::Rgt03, deadline_path(kind, right), &[], &args);
        }
    }

    if let Some(c) = rights.cancellation.as_ref().filter(|c| c.offered) {
        check_cancellation(cx, c);
    }

    // RGT-06 (NDSMR 25; 35273 8.7): charging for repeated requests.
    if let Some(rep) = rights.repeat.as_ref().filter(|r| r.then == RepeatAction::Charge) {
        if rep.free == 0 {
            cx.report_bilingual(
                RuleId::Rgt06,
                "rights.repeat.free",
                &[],
                &[(
                    "problem",
                    "每次请求都收费，而不是仅对超出合理次数的请求收费",
                    "every request is charged, not only those beyond a reasonable number",
                )],
            );
        }
        if rep.fee != Some(FeeBasis::Cost) {
            cx.report_bilingual(
                RuleId::Rgt06,
                "rights.repeat.fee",
                &[],
                &[(
                    "problem",
                    "收费未限于处理请求的成本",
                    "the fee is not limited to the cost of handling the request",
                )],
            );
        }
    }

    // RGT-07 (PIPL 49): the deceased.
    match &rights.deceased {
        None => cx.report_bilingual(
            RuleId::Rgt07,
            "rights",
            &[],
            &[(
                "problem",
                "未说明死者近亲属如何行使对死者个人信息的权利",
                "the policy does not say how close relatives exercise rights over a deceased user's PI",
            )],
        ),
        Some(d) if !d.relatives => cx.report_bilingual(
            RuleId::Rgt07,
            "rights.deceased.relatives",
            &[],
            &[(
                "problem",
                "死者近亲属不能对死者的个人信息行使查阅、复制、更正、删除等权利",
                "close relatives cannot access, copy, correct or delete a deceased user's PI",
            )],
        ),
        Some(_) => {}
    }

    // RGT-08 (NDSMR): portability conditions.
    if let Some(p) = rights.portability.as_ref().filter(|p| p.offered)
        && !p.portability_conditions.iter().any(|c| filled(Some(c)))
    {
        cx.report(RuleId::Rgt08, "rights.portability", &[]);
    }
}

/// RGT-04 and RGT-05 on the cancellation right.
fn check_cancellation(cx: &mut Ctx<'_>, c: &Right) {
    let m = cx.m;

    // RGT-04 (APP19; 35273 8.5): no more PI than registration took. Blockers the user can
    // resolve (an unexpired paid plan, seed 002) are not conditions.
    if c.extra_pi_required {
        cx.report_bilingual(
            RuleId::Rgt04,
            "rights.cancellation.extra_pi_required",
            &[],
            &[("problem", "要求提供比注册时更多的个人信息", "it asks for more PI than registration did")],
        );
    }
    for (j, cond) in c.conditions.iter().enumerate() {
        let lower = cond.to_lowercase();
        let asks = EXTRA_PI.iter().find(|(cat, words)| {
            words.iter().any(|w| lower.contains(w)) && !m.fields.iter().any(|f| f.category == *cat)
        });
        if asks.is_some() {
            cx.report_bilingual(
                RuleId::Rgt04,
                format!("rights.cancellation.conditions[{j}]"),
                &[],
                &[(
                    "problem",
                    &format!("条件“{cond}”要求提供注册和使用服务时未收集的个人信息"),
                    &format!("the condition \"{cond}\" asks for PI that neither registration nor the service collects"),
                )],
            );
        }
    }

    // RGT-05 (NDSMR 24; APP19; 35273 8.5): erased within 15 working days.
    match c.erase_within {
        None => cx.report_bilingual(
            RuleId::Rgt05,
            "rights.cancellation",
            &[],
            &[("problem", "没有说明期限", "has no stated deadline")],
        ),
        Some(d) if !FIFTEEN_WORKING_DAYS.at_least(&d) => {
            cx.report_bilingual(
                RuleId::Rgt05,
                "rights.cancellation.erase_within",
                &[],
                &[(
                    "problem",
                    &format!("的期限为{}，超过15个工作日", d.display(Lang::ZhCn)),
                    &format!("takes {}, more than 15 working days", d.display(Lang::En)),
                )],
            );
        }
        Some(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::duration::Duration;
    use crate::manifest::*;
    use crate::rules::RuleId;
    use crate::rules::tests::{assert_quiet, assert_rule};

    fn right(m: &mut Manifest, kind: RightKind) -> &mut Right {
        let r = match kind {
            RightKind::Correction => &mut m.rights.correction,
            RightKind::Deletion => &mut m.rights.deletion,
            RightKind::Cancellation => &mut m.rights.cancellation,
            RightKind::Portability => &mut m.rights.portability,
            RightKind::Access => &mut m.rights.access,
            RightKind::Explanation => &mut m.rights.explanation,
            _ => panic!("not used in these tests"),
        };
        r.as_mut().unwrap_or_else(|| panic!("clean manifest lacks {kind:?}"))
    }

    #[test]
    fn rgt_01() {
        assert_rule(RuleId::Rgt01, |m| m.rights.explanation = None);
        assert_rule(RuleId::Rgt01, |m| right(m, RightKind::Portability).offered = false);
        // 投诉举报 is not a right of PIPL 44–48; NOT-04 asks for its channel.
        assert_quiet(RuleId::Rgt01, |m| m.rights.complaint = None);
    }

    #[test]
    fn rgt_02() {
        // Seed 003: deletion answered in 30 calendar days.
        assert_rule(RuleId::Rgt02, |m| right(m, RightKind::Deletion).deadline = Some(Duration::days(30)));
        assert_rule(RuleId::Rgt02, |m| m.rights.deadline = Some(Duration::working_days(20)));
        // Done by the user at once in the app: no hand-handling ceiling.
        assert_quiet(RuleId::Rgt02, |m| {
            let r = right(m, RightKind::Correction);
            r.handling = Handling::SelfService;
            r.deadline = Some(Duration::days(30));
        });
        // No promised deadline: the 15 working days apply.
        assert_quiet(RuleId::Rgt02, |m| m.rights.deadline = None);
    }

    #[test]
    fn rgt_03() {
        assert_rule(RuleId::Rgt03, |m| right(m, RightKind::Access).deadline = Some(Duration::days(45)));
        assert_rule(RuleId::Rgt03, |m| right(m, RightKind::Explanation).deadline = Some(Duration::working_days(30)));
    }

    #[test]
    fn rgt_04() {
        assert_rule(RuleId::Rgt04, |m| right(m, RightKind::Cancellation).extra_pi_required = true);
        assert_rule(RuleId::Rgt04, |m| right(m, RightKind::Cancellation).conditions.push("上传手持身份证照片".into()));
        // Seed 002: an unexpired paid plan blocks cancellation until the user resolves it.
        assert_quiet(RuleId::Rgt04, |m| {
            let c = right(m, RightKind::Cancellation);
            c.blockers.push(Blocker {
                id: "paid-plan".into(),
                description: "付费服务期限未满".into(),
                description_en: Some("A paid plan has not expired".into()),
            });
            c.conditions.push("账号处于安全状态，无未完成的交易".into());
        });
    }

    #[test]
    fn rgt_05() {
        assert_rule(RuleId::Rgt05, |m| right(m, RightKind::Cancellation).erase_within = None);
        assert_rule(RuleId::Rgt05, |m| right(m, RightKind::Cancellation).erase_within = Some(Duration::days(30)));
    }

    #[test]
    fn rgt_06() {
        assert_rule(RuleId::Rgt06, |m| {
            if let Some(r) = m.rights.repeat.as_mut() {
                r.fee = Some(FeeBasis::Other);
            }
        });
        assert_rule(RuleId::Rgt06, |m| {
            if let Some(r) = m.rights.repeat.as_mut() {
                r.free = 0;
            }
        });
    }

    #[test]
    fn rgt_07() {
        assert_rule(RuleId::Rgt07, |m| m.rights.deceased = None);
        assert_rule(RuleId::Rgt07, |m| {
            m.rights.deceased = Some(DeceasedRights { relatives: false, channel: None, channel_en: None })
        });
    }

    #[test]
    fn rgt_08() {
        assert_rule(RuleId::Rgt08, |m| right(m, RightKind::Portability).portability_conditions.clear());
    }
}

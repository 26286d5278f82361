//! Minors: guardian consent, children's rules, a responsible person, audits and staff
//! access (PIPL 31; CHILD; MINOR).

use super::notice::filled;
use super::{Ctx, Force, Rule, RuleId, Severity::*};
use crate::app_types::AppType;
use crate::manifest::{Audience, GuardianConsent, Manifest, Purpose, RightKind};
use crate::taxonomy::Category;
use crate::text::Text as B;

pub const RULES: &[Rule] = &[
    Rule {
        id: RuleId::Min01,
        severity: Error,
        source: "PIPL 31",
        binding: "PIPL 31",
        force: Force::Law,
        title: B::new(
            "可能有不满十四周岁用户的，设定监护人同意年龄（14周岁）和监护人同意流程",
            "If users under 14 are possible, set the guardian-consent age (14) and a guardian-consent flow",
        ),
        message: B::new("未成年人保护：{what}", "minors: {what}"),
        hint: B::new(
            "在 [minors] 中设置 guardian_consent_age = 14 和 guardian_consent = \"verified\"；只面向成年人并核验年龄的，设置 audience = \"adults-only\"",
            "set `guardian_consent_age = 14` and `guardian_consent = \"verified\"` in [minors]; for an adults-only app that checks age, set `audience = \"adults-only\"`",
        ),
    },
    Rule {
        id: RuleId::Min02,
        severity: Error,
        source: "PIPL 31, 14",
        binding: "PIPL 31",
        force: Force::Law,
        title: B::new("不得推定已取得监护人同意", "Guardian consent is never presumed"),
        message: B::new(
            "以注册视为已取得监护人同意（guardian_consent = \"presumed\"），这不构成同意",
            "registration is taken as the guardian's consent (`guardian_consent = \"presumed\"`), which is not consent",
        ),
        hint: B::new(
            "由监护人在经核验的独立步骤中作出同意，并设置 guardian_consent = \"verified\"",
            "have the guardian consent in a verified step of their own and set `guardian_consent = \"verified\"`",
        ),
    },
    Rule {
        id: RuleId::Min03,
        severity: Error,
        source: "PIPL 31; CHILD 8",
        binding: "PIPL 31",
        force: Force::Law,
        title: B::new("制定专门的儿童个人信息处理规则", "Declare separate rules for children's PI"),
        message: B::new(
            "应用可能处理不满十四周岁儿童的个人信息，但没有专门的儿童个人信息处理规则",
            "the app may process PI of children under 14 but has no separate rules for it",
        ),
        hint: B::new(
            "在 [minors] 的 children_rules 中填写儿童个人信息保护规则的标题或链接",
            "set `children_rules` in [minors] to the title or link of the children's rules",
        ),
    },
    Rule {
        id: RuleId::Min04,
        severity: Error,
        source: "CHILD 8",
        binding: "CHILD 8",
        force: Force::DepartmentalRule,
        title: B::new("指定专人负责儿童个人信息保护", "Name a person responsible for children's PI"),
        message: B::new("没有指定负责儿童个人信息保护的专人", "no one is named responsible for children's PI"),
        hint: B::new("填写 [minors.officer] 的 name 和 contact", "fill in `name` and `contact` of [minors.officer]"),
    },
    Rule {
        id: RuleId::Min05,
        severity: Info,
        source: "MINOR 37",
        binding: "MINOR 37",
        force: Force::Regulation,
        title: B::new(
            "每年对处理未成年人个人信息的情况开展合规审计，并报告网信部门",
            "Audit the processing of minors' PI every year and report it to the CAC",
        ),
        message: B::new(
            "请确认每年对处理未成年人个人信息的情况开展合规审计并报告网信部门（清单中没有声明）",
            "confirm that the processing of minors' PI is audited every year and reported to the CAC (the manifest does not say so)",
        ),
        hint: B::new(
            "每年开展合规审计并将情况报告网信部门，然后在 [minors] 中设置 annual_audit = true",
            "audit every year and report to the CAC, then set `annual_audit = true` in [minors]",
        ),
    },
    Rule {
        id: RuleId::Min06,
        severity: Error,
        source: "CHILD 10",
        binding: "CHILD 10",
        force: Force::DepartmentalRule,
        title: B::new(
            "儿童个人信息处理规则告知全部法定事项，并提供拒绝选项",
            "The children's notice states every required item and offers a way to refuse",
        ),
        message: B::new("儿童个人信息处理规则缺少{what}", "the children's notice lacks {what}"),
        hint: B::new(
            "在清单中补全该事项，使儿童个人信息处理规则可以从清单生成",
            "fill in the item in the manifest so that the children's notice can be rendered from it",
        ),
    },
    Rule {
        id: RuleId::Min07,
        severity: Info,
        source: "MINOR 36",
        binding: "MINOR 36",
        force: Force::Regulation,
        title: B::new(
            "工作人员访问未成年人个人信息实行最小授权、经审批并记录",
            "Staff access to minors' PI is least-privilege, approved and logged",
        ),
        message: B::new(
            "请确认工作人员访问未成年人个人信息实行最小授权、经审批并记录（清单中没有声明）",
            "confirm that staff access to minors' PI is least-privilege, approved and logged (the manifest does not say so)",
        ),
        hint: B::new(
            "落实最小授权、访问审批和访问记录，然后在 [minors] 中设置 staff_access_controlled = true",
            "put least privilege, approval and access logs in place, then set `staff_access_controlled = true` in [minors]",
        ),
    },
    Rule {
        id: RuleId::Min08,
        severity: Warning,
        source: "MINOR 45; 关于规范网络直播打赏 加强未成年人保护的意见 (2022)",
        binding: "MINOR 45",
        force: Force::Regulation,
        title: B::new(
            "直播、短视频服务不向未成年人提供打赏等与其民事行为能力不符的付费服务",
            "A live-streaming or short-video service offers minors no tipping or other paid service beyond their capacity",
        ),
        message: B::new(
            "处理目的 `{purpose}` 涉及打赏或虚拟礼物，但清单没有说明禁止未成年人打赏",
            "purpose `{purpose}` involves tipping or virtual gifts, but the manifest does not say minors are barred from it",
        ),
        hint: B::new(
            "禁止未成年人参与直播打赏（2022年《关于规范网络直播打赏 加强未成年人保护的意见》），并在 [minors] 的 children_rules 或 refusal_consequence 中写明；服务不面向未成年人且核验年龄的，设 audience = \"adults-only\"",
            "bar minors from tipping (the 2022 opinion on live-stream tipping and minors) and say so in [minors] `children_rules` or `refusal_consequence`; if the service is not for minors and checks age, set `audience = \"adults-only\"`",
        ),
    },
];

/// PIPL 31: below this age a guardian consents.
const GUARDIAN_AGE: u8 = 14;

/// Children's PI may be processed: the audience is not adults-only, or a field holds
/// children's PI whatever the audience says.
fn may_have_children(m: &Manifest) -> bool {
    m.minors.may_have_children() || m.fields.iter().any(|f| f.category == Category::Minor)
}

/// MIN-08: a purpose of tipping or virtual gifts, by its words.
fn tipping(p: &Purpose) -> bool {
    let says = |t: &str| ["打赏", "礼物道具", "虚拟礼物", "收礼"].iter().any(|w| t.contains(w));
    says(&p.name) || p.description.as_deref().is_some_and(says)
}

/// MIN-08 (MINOR 45; the 2022 opinion on tipping): in a live-streaming or short-video
/// service open to minors, tipping must be barred for them, and the manifest must say so.
fn minors_tipping(cx: &mut Ctx<'_>) {
    let m = cx.m;
    let streams = matches!(m.controller.app_type, AppType::LiveStreaming | AppType::ShortVideo);
    let said = [m.minors.children_rules.as_deref(), m.minors.refusal_consequence.as_deref()]
        .into_iter()
        .flatten()
        .any(|t| t.contains("打赏"));
    if !streams || m.minors.audience == Audience::AdultsOnly || said {
        return;
    }
    for (i, p) in m.purposes.iter().enumerate().filter(|(_, p)| tipping(p)) {
        cx.report(RuleId::Min08, format!("purposes[{i}].name"), &[("purpose", p.id.as_str())]);
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    minors_tipping(cx);
    let m = cx.m;
    let mi = &m.minors;

    // MIN-02 (PIPL 31, 14): wrong whoever the audience is.
    if mi.guardian_consent == GuardianConsent::Presumed {
        cx.report(RuleId::Min02, "minors.guardian_consent", &[]);
    }
    if !may_have_children(m) {
        return;
    }

    // MIN-01 (PIPL 31): a higher age protects more and is allowed.
    if mi.guardian_consent_age < GUARDIAN_AGE {
        let age = mi.guardian_consent_age;
        let zh = format!("监护人同意年龄设为{age}周岁，低于十四周岁");
        let en = format!("the guardian-consent age is {age}, below 14");
        cx.report_bilingual(RuleId::Min01, "minors.guardian_consent_age", &[], &[("what", &zh, &en)]);
    }
    if mi.guardian_consent == GuardianConsent::None {
        cx.report_bilingual(
            RuleId::Min01,
            "minors.guardian_consent",
            &[],
            &[(
                "what",
                "应用可能有不满十四周岁的用户，但没有声明监护人同意流程",
                "the app may have users under 14 but declares no guardian-consent flow",
            )],
        );
    }

    // MIN-03 (PIPL 31; CHILD 8)
    if !filled(mi.children_rules.as_deref()) {
        cx.report(RuleId::Min03, "minors.children_rules", &[]);
    }

    // MIN-04 (CHILD 8)
    if mi.officer.as_ref().is_none_or(|o| o.name.trim().is_empty()) {
        cx.report(RuleId::Min04, "minors.officer", &[]);
    }

    // MIN-05 (MINOR 37)
    if !mi.annual_audit {
        cx.report(RuleId::Min05, "minors.annual_audit", &[]);
    }

    children_notice(cx);

    // MIN-07 (MINOR 36)
    if !mi.staff_access_controlled {
        cx.report(RuleId::Min07, "minors.staff_access_controlled", &[]);
    }
}

/// MIN-06 (CHILD 10): every item of the children's notice must be derivable from the
/// manifest, since gebao renders that notice from it. Purpose-level gaps are reported once
/// per item, at the first purpose that lacks it.
fn children_notice(cx: &mut Ctx<'_>) {
    let m = cx.m;
    let mut missing: Vec<(String, String, String)> = Vec::new();
    let mut per_purpose = |lacks: &dyn Fn(&Purpose) -> bool, key: &str, zh: &str, en: &str| {
        let ids: Vec<(usize, &str)> =
            m.purposes.iter().enumerate().filter(|(_, p)| lacks(p)).map(|(i, p)| (i, p.id.as_str())).collect();
        if let Some(&(first, _)) = ids.first() {
            let names = ids.iter().map(|(_, id)| format!("`{id}`")).collect::<Vec<_>>();
            missing.push((
                format!("purposes[{first}].{key}"),
                format!("{zh}：{}", names.join("、")),
                format!("{en}: {}", names.join(", ")),
            ));
        }
    };

    per_purpose(
        &|p| !filled(p.description.as_deref()) || p.fields.is_empty(),
        "description",
        "处理的目的、方式和范围（description、fields）",
        "the purpose, method and scope of processing (`description`, `fields`)",
    );
    per_purpose(
        &|p| p.retention.as_ref().is_none_or(|r| r.period.is_none() && !filled(r.method.as_deref())),
        "retention",
        "保存期限（retention）",
        "the retention period (`retention`)",
    );
    per_purpose(
        &|p| p.retention.as_ref().is_some_and(|r| r.then.is_none()),
        "retention.then",
        "到期后的处理方式（retention.then）",
        "what happens when retention ends (`retention.then`)",
    );

    if m.purposes.is_empty() {
        missing.push((
            "purposes".into(),
            "处理的目的、方式和范围".into(),
            "the purposes, methods and scope of processing".into(),
        ));
    }
    if m.storage.countries.is_empty() && !filled(m.storage.description.as_deref()) {
        missing.push(("storage".into(), "存储地点（[storage]）".into(), "the storage location ([storage])".into()));
    }
    if m.protection.measures.is_empty() {
        missing.push((
            "protection.measures".into(),
            "安全保障措施（protection.measures）".into(),
            "the security measures (`protection.measures`)".into(),
        ));
    }
    // The refusal option and its consequence: a guardian who can say no must be told what
    // saying no costs.
    if !filled(m.minors.refusal_consequence.as_deref()) {
        missing.push((
            "minors.refusal_consequence".into(),
            "拒绝的后果（minors.refusal_consequence）".into(),
            "the consequences of refusing (`minors.refusal_consequence`)".into(),
        ));
    }
    let complaint = m.controller.complaints.as_ref().is_some_and(|c| !c.is_empty())
        || m.rights.complaint.as_ref().is_some_and(|r| r.offered && filled(m.rights.channel_of(r)))
        || filled(m.minors.guardian_contact.as_deref());
    if !complaint {
        missing.push((
            "controller.complaints".into(),
            "投诉、举报渠道".into(),
            "a complaint and report channel".into(),
        ));
    }
    for (kind, zh, en) in [
        (RightKind::Correction, "更正个人信息的权利", "the right to correct PI"),
        (RightKind::Deletion, "删除个人信息的权利", "the right to delete PI"),
    ] {
        if !m.rights.get(kind).is_some_and(|r| r.offered) {
            missing.push((format!("rights.{}", kind.as_str()), zh.into(), en.into()));
        }
    }

    for (path, zh, en) in missing {
        cx.report_bilingual(RuleId::Min06, path, &[], &[("what", &zh, &en)]);
    }
}

#[cfg(test)]
mod tests {
    use crate::manifest::*;
    use crate::rules::RuleId;
    use crate::rules::tests::{assert_quiet, assert_rule};
    use crate::taxonomy::Category;

    fn adults_only(m: &mut Manifest) {
        m.minors = Minors { audience: Audience::AdultsOnly, ..Minors::default() };
    }

    #[test]
    fn min_01() {
        assert_rule(RuleId::Min01, |m| m.minors.guardian_consent = GuardianConsent::None);
        assert_rule(RuleId::Min01, |m| m.minors.guardian_consent_age = 12);
        assert_rule(RuleId::Min01, |m| m.minors = Minors::default());
        assert_quiet(RuleId::Min01, adults_only);
        assert_quiet(RuleId::Min01, |m| m.minors.guardian_consent_age = 16);
    }

    #[test]
    fn min_02() {
        assert_rule(RuleId::Min02, |m| m.minors.guardian_consent = GuardianConsent::Presumed);
        assert_rule(RuleId::Min02, |m| {
            adults_only(m);
            m.minors.guardian_consent = GuardianConsent::Presumed;
        });
    }

    #[test]
    fn min_03() {
        assert_rule(RuleId::Min03, |m| m.minors.children_rules = None);
        assert_quiet(RuleId::Min03, adults_only);
        // An adults-only app that still holds children's PI needs the rules.
        assert_rule(RuleId::Min03, |m| {
            adults_only(m);
            m.fields[1].category = Category::Minor;
        });
    }

    #[test]
    fn min_04() {
        assert_rule(RuleId::Min04, |m| m.minors.officer = None);
        assert_quiet(RuleId::Min04, adults_only);
    }

    #[test]
    fn min_05() {
        assert_rule(RuleId::Min05, |m| m.minors.annual_audit = false);
        assert_quiet(RuleId::Min05, adults_only);
    }

    #[test]
    fn min_06() {
        assert_rule(RuleId::Min06, |m| m.minors.refusal_consequence = None);
        assert_rule(RuleId::Min06, |m| m.rights.correction = None);
        assert_rule(RuleId::Min06, |m| m.rights.deletion = None);
        assert_rule(RuleId::Min06, |m| m.protection.measures.clear());
        assert_rule(RuleId::Min06, |m| m.storage = Storage::default());
        assert_rule(RuleId::Min06, |m| m.purposes[2].retention = None);
        assert_rule(RuleId::Min06, |m| {
            if let Some(r) = &mut m.purposes[4].retention {
                r.then = None;
            }
        });
        assert_rule(RuleId::Min06, |m| {
            m.controller.complaints = None;
            m.rights.complaint = None;
            m.minors.guardian_contact = None;
        });
        assert_quiet(RuleId::Min06, adults_only);
    }

    #[test]
    fn min_07() {
        assert_rule(RuleId::Min07, |m| m.minors.staff_access_controlled = false);
        assert_quiet(RuleId::Min07, adults_only);
    }

    #[test]
    fn min_08() {
        // Seed 004: a live-streaming app selling gifts, open to minors.
        let gifts = |m: &mut Manifest| {
            m.controller.app_type = crate::app_types::AppType::LiveStreaming;
            m.purposes[0].name = "下单与支付（购买礼物道具、会员增值服务）".into();
        };
        assert_rule(RuleId::Min08, gifts);
        assert_quiet(RuleId::Min08, |m| {
            gifts(m);
            m.minors.children_rules = Some("禁止未成年人参与直播打赏".into());
        });
        assert_quiet(RuleId::Min08, |m| {
            gifts(m);
            adults_only(m);
        });
    }
}

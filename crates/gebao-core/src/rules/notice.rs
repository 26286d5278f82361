//! Notice: what the policy must tell users (PIPL 7, 17; NDSMR; APP19; GB/T 35273 5.5).

use super::{Ctx, Force, Rule, RuleId, Severity::*};
use crate::manifest::{Handling, RightKind};
use crate::text::{Lang, Text as B};

pub const RULES: &[Rule] = &[
    Rule {
        id: RuleId::Not01,
        severity: Error,
        source: "PIPL 17(1)",
        binding: "PIPL 17(1)",
        force: Force::Law,
        title: B::new(
            "声明个人信息处理者的名称和至少一种联系方式",
            "Declare the controller's legal name and at least one contact channel",
        ),
        message: B::new("未声明个人信息处理者的{what}", "the controller's {what} is not declared"),
        hint: B::new(
            "在 [controller] 中填写 name（营业执照或登记证书上的名称，如“…有限公司”；处理者是个人或公司以外的组织时，另填 legal_form = \"individual\" 或 \"organisation\"），并在 [controller.contact] 中至少填写 email、phone、web_form、in_app、qq 或 post 之一",
            "fill in `name` in [controller] (the name on the business licence or registration certificate, such as “… Co., Ltd.”; for an individual or an organisation that is not a company, also set `legal_form = \"individual\"` or `\"organisation\"`) and at least one of email, phone, web_form, in_app, qq or post in [controller.contact]",
        ),
    },
    Rule {
        id: RuleId::Not02,
        severity: Error,
        source: "PIPL 17(2)",
        binding: "PIPL 17(2)",
        force: Force::Law,
        title: B::new(
            "每个处理目的都说明用途、使用的字段和保存期限",
            "Every purpose has a description, the fields it uses and a retention",
        ),
        message: B::new("处理目的 `{purpose}` 缺少{what}", "purpose `{purpose}` has no {what}"),
        hint: B::new(
            "为该目的填写 description、fields 和 retention",
            "give the purpose a `description`, its `fields` and a `retention`",
        ),
    },
    Rule {
        id: RuleId::Not03,
        severity: Error,
        source: "PIPL 17(3), 50",
        binding: "PIPL 17(3)",
        force: Force::Law,
        title: B::new(
            "提供的每项权利都有行使渠道和答复期限",
            "Every right offered has a channel and a response deadline",
        ),
        message: B::new("“{right}”权利缺少{what}", "the right of {right} has no {what}"),
        hint: B::new(
            "在 [rights.{kind}] 中填写 channel 和 deadline，或在 [rights] 中填写默认的 channel 和 deadline",
            "set `channel` and `deadline` in [rights.{kind}], or defaults in [rights]",
        ),
    },
    Rule {
        id: RuleId::Not04,
        severity: Error,
        source: "NDSMR 20; CSL 51; APP19",
        binding: "CSL 51",
        force: Force::Law,
        title: B::new("声明投诉、举报渠道", "Declare a complaint and report channel"),
        message: B::new("未声明投诉、举报渠道", "no complaint or report channel is declared"),
        hint: B::new(
            "填写 [controller.complaints]，或在 [rights.complaint] 中填写 channel",
            "fill in [controller.complaints], or a `channel` in [rights.complaint]",
        ),
    },
    Rule {
        id: RuleId::Not05,
        severity: Warning,
        source: "practice (seeds)",
        binding: "—",
        force: Force::Practice,
        title: B::new(
            "写明版本号、发布日期和生效日期，且生效日期不早于发布日期",
            "Set version, publication and effective dates; effective not before published",
        ),
        message: B::new("政策元数据有问题：{what}", "policy metadata: {what}"),
        hint: B::new(
            "在 [policy] 中填写 version、published、effective，生效日期不早于发布日期",
            "set `version`, `published` and `effective` in [policy], with effective on or after published",
        ),
    },
    Rule {
        id: RuleId::Not06,
        severity: Warning,
        source: "PIPL 52; 35273 11.1",
        binding: "35273 11.1",
        force: Force::RecommendedStandard,
        title: B::new(
            "指定个人信息保护部门或负责人及其联系方式",
            "Name a PI protection department or officer with contact",
        ),
        message: B::new(
            "未指定个人信息保护部门或负责人的{what}",
            "the PI protection department or officer has no {what}",
        ),
        hint: B::new(
            "填写 [controller.officer] 的 name 和 contact",
            "fill in `name` and `contact` of [controller.officer]",
        ),
    },
    Rule {
        id: RuleId::Not07,
        severity: Error,
        source: "NDSMR; PIPL 17(2)",
        binding: "PIPL 17(2)",
        force: Force::Law,
        title: B::new(
            "每个处理目的都说明保存期限或确定期限的方法",
            "State a retention, or how it is determined, for every purpose",
        ),
        message: B::new(
            "处理目的 `{purpose}` 没有保存期限，也没有说明确定期限的方法",
            "purpose `{purpose}` states neither a retention period nor how it is determined",
        ),
        hint: B::new(
            "填写 retention.period（如 \"6 months\"）或 retention.method",
            "set `retention.period` (e.g. \"6 months\") or `retention.method`",
        ),
    },
    Rule {
        id: RuleId::Not08,
        severity: Error,
        source: "PIPL 30",
        binding: "PIPL 30",
        force: Force::Law,
        title: B::new(
            "敏感个人信息写明处理的必要性和对个人权益的影响",
            "Sensitive fields carry a necessity statement and the impact on the individual",
        ),
        message: B::new("敏感个人信息 `{field}` 缺少{what}", "sensitive field `{field}` has no {what}"),
        hint: B::new(
            "为该字段填写 necessity（必要性）和 impact（对个人权益的影响）",
            "give the field `necessity` and `impact`",
        ),
    },
    Rule {
        id: RuleId::Not09,
        severity: Warning,
        source: "NDSMR; 41391",
        binding: "41391",
        force: Force::RecommendedStandard,
        title: B::new(
            "个人信息收集清单和第三方共享清单所需的信息齐全",
            "The collection list and the third-party sharing list have the data they need",
        ),
        message: B::new("{what}缺少清单所需的信息：{missing}", "{what} lacks what the lists need: {missing}"),
        hint: B::new(
            "字段需被某个处理目的使用；接收方需填写 company、purpose 和 fields",
            "each field must be used by a purpose; each recipient needs `company`, `purpose` and `fields`",
        ),
    },
    Rule {
        id: RuleId::Not10,
        severity: Warning,
        source: "35273 5.5",
        binding: "35273 5.5",
        force: Force::RecommendedStandard,
        title: B::new("声明个人信息的存储地点", "Declare where PI is stored"),
        message: B::new("未声明个人信息的存储地点", "the storage location is not declared"),
        hint: B::new("在 [storage] 中填写 countries（如 [\"CN\"]）", "set `countries` in [storage] (e.g. [\"CN\"])"),
    },
    Rule {
        id: RuleId::Not11,
        severity: Info,
        source: "—",
        binding: "—",
        force: Force::Practice,
        title: B::new(
            "面向非中文用户时同时提供英文文本",
            "Offer an English text when the app serves non-Chinese users",
        ),
        message: B::new("{what}", "{what}"),
        hint: B::new(
            "在 [policy] 的 languages 中加入 \"en\"，并为名称和说明填写 _en 文本",
            "add \"en\" to `languages` in [policy] and fill in the `_en` texts",
        ),
    },
    Rule {
        id: RuleId::Not12,
        severity: Info,
        source: "APP19 一.2–一.4",
        binding: "APP19 一.2–一.4",
        force: Force::NormativeDocument,
        title: B::new(
            "首次运行时以弹窗展示政策，主界面4次点击内可达，且有简体中文版本",
            "Show the policy in a first-run pop-up, within 4 taps of the main screen, in Simplified Chinese",
        ),
        message: B::new("请确认隐私政策的展示方式：{what}", "confirm how the policy is shown: {what}"),
        hint: B::new(
            "在 [policy.display] 中设置 first_run_popup = true、taps_from_home ≤ 4，并保留 languages 中的 \"zh-CN\"",
            "set `first_run_popup = true` and `taps_from_home` ≤ 4 in [policy.display], and keep \"zh-CN\" in `languages`",
        ),
    },
    Rule {
        id: RuleId::Not13,
        severity: Info,
        source: "APP19; 41391",
        binding: "APP19",
        force: Force::NormativeDocument,
        title: B::new(
            "在申请权限或收集敏感个人信息时同步告知目的",
            "Show the purpose when a permission or sensitive field is requested",
        ),
        message: B::new(
            "请确认{what}在申请时同步告知了目的（清单中没有提示文字）",
            "confirm that the purpose of {what} is shown when it is requested (the manifest has no prompt)",
        ),
        hint: B::new(
            "为权限或使用该信息的场景填写 prompt",
            "give the permission, or the scenario that uses the field, a `prompt`",
        ),
    },
];

/// The endings of the names of registered entities: companies and enterprises (公司法,
/// 合伙企业法, 个体工商户), and the public institutions, associations and foundations that
/// also process PI. A name without one (a product's, "微博") does not say who answers for it.
const ENTITY_ENDINGS: &[&str] = &[
    "公司",
    "集团",
    "企业",
    "合伙）",
    "合伙)",
    "事务所",
    "个体工商户",
    "工作室",
    "商行",
    "经营部",
    "研究院",
    "研究所",
    "医院",
    "学校",
    "大学",
    "学院",
    "协会",
    "学会",
    "基金会",
    "中心",
    "委员会",
    "局",
    "厅",
    "银行",
    "分行",
    "支行",
    "co., ltd",
    "co.,ltd",
    "ltd",
    "limited",
    "inc",
    "llc",
    "llp",
    "plc",
    "gmbh",
    "corporation",
    "corp",
    "company",
];

/// NOT-01 (PIPL 17(1)): whether a controller's name reads as a legal entity's.
fn names_an_entity(name: &str) -> bool {
    let name = name.trim().trim_end_matches(['.', '。']).to_lowercase();
    ENTITY_ENDINGS.iter().map(|e| e.trim_end_matches('.')).any(|e| {
        // A Latin ending is a word of its own ("Zinc" is not "Inc").
        name.strip_suffix(e)
            .is_some_and(|head| !e.is_ascii() || head.chars().next_back().is_none_or(|c| !c.is_ascii_alphanumeric()))
    })
}

/// A text is there and not a placeholder left from a template.
pub(crate) fn filled(s: Option<&str>) -> bool {
    s.is_some_and(|s| !s.trim().is_empty())
}

pub fn check(cx: &mut Ctx<'_>) {
    let m = cx.m;

    // NOT-01
    if m.controller.name.trim().is_empty() {
        cx.report_bilingual(RuleId::Not01, "controller.name", &[], &[("what", "名称", "legal name")]);
    } else if m.controller.legal_form.is_none() && !names_an_entity(&m.controller.name) {
        let zh =
            format!("法定名称：“{}”不像公司或其他组织的名称（如“…有限公司”），像是产品名", m.controller.name.trim());
        let en = format!(
            "legal name: “{}” does not read as a company or other organisation (such as “… Co., Ltd.”); it reads as a product",
            m.controller.name.trim()
        );
        cx.report_bilingual(RuleId::Not01, "controller.name", &[], &[("what", &zh, &en)]);
    }
    if m.controller.contact.is_empty() {
        cx.report_bilingual(RuleId::Not01, "controller.contact", &[], &[("what", "联系方式", "contact channel")]);
    }

    // NOT-02, NOT-07
    for (i, p) in m.purposes.iter().enumerate() {
        let at = format!("purposes[{i}]");
        if !filled(p.description.as_deref()) {
            cx.report_bilingual(
                RuleId::Not02,
                format!("{at}.name"),
                &[("purpose", p.id.as_str())],
                &[("what", "用途说明（description）", "description")],
            );
        }
        if p.fields.is_empty() {
            cx.report_bilingual(
                RuleId::Not02,
                format!("{at}.name"),
                &[("purpose", p.id.as_str())],
                &[("what", "使用的字段（fields）", "fields")],
            );
        }
        let has_retention = p.retention.as_ref().is_some_and(|r| r.period.is_some() || filled(r.method.as_deref()));
        if !has_retention {
            cx.report(RuleId::Not07, format!("{at}.name"), &[("purpose", p.id.as_str())]);
        }
    }

    // NOT-03
    for (kind, right) in m.rights.offered() {
        let path = format!("rights.{}", kind.as_str());
        let label = kind.label();
        if m.rights.channel_of(right).is_none_or(|c| c.trim().is_empty()) {
            cx.report_bilingual(
                RuleId::Not03,
                &path,
                &[("kind", kind.as_str())],
                &[("right", label.zh, label.en), ("what", "行使渠道（channel）", "channel")],
            );
        }
        // PIPL 50 sets no deadline; APP19's 15 working days are for requests handled by
        // hand, so a right the user exercises at once in the app needs none.
        let self_service = right.handling == Handling::SelfService;
        if m.rights.deadline_of(right).is_none() && kind != RightKind::Withdrawal && !self_service {
            cx.report_bilingual(
                RuleId::Not03,
                &path,
                &[("kind", kind.as_str())],
                &[("right", label.zh, label.en), ("what", "答复期限（deadline）", "response deadline")],
            );
        }
    }

    // NOT-04
    let complaint_channel = m.controller.complaints.as_ref().is_some_and(|c| !c.is_empty())
        || m.rights.complaint.as_ref().is_some_and(|r| r.offered && filled(r.channel.as_deref()));
    if !complaint_channel {
        cx.report(RuleId::Not04, "controller", &[]);
    }

    // NOT-05
    let pol = &m.policy;
    if !filled(pol.version.as_deref()) {
        cx.report_bilingual(RuleId::Not05, "policy", &[], &[("what", "缺少版本号（version）", "no version")]);
    }
    if pol.published.is_none() {
        cx.report_bilingual(
            RuleId::Not05,
            "policy",
            &[],
            &[("what", "缺少发布日期（published）", "no publication date")],
        );
    }
    if pol.effective.is_none() {
        cx.report_bilingual(
            RuleId::Not05,
            "policy",
            &[],
            &[("what", "缺少生效日期（effective）", "no effective date")],
        );
    }
    if let (Some(p), Some(e)) = (pol.published, pol.effective)
        && e < p
    {
        cx.report_bilingual(
            RuleId::Not05,
            "policy.effective",
            &[],
            &[("what", "生效日期早于发布日期", "the effective date is before the publication date")],
        );
    }

    // NOT-06
    match &m.controller.officer {
        None => {
            cx.report_bilingual(RuleId::Not06, "controller", &[], &[("what", "名称和联系方式", "name and contact")])
        }
        Some(o) if o.contact.is_empty() => {
            cx.report_bilingual(RuleId::Not06, "controller.officer", &[], &[("what", "联系方式", "contact")])
        }
        Some(_) => {}
    }

    // NOT-08
    for (i, f) in m.fields.iter().enumerate() {
        if !f.is_sensitive() || m.purposes_using(&f.id).next().is_none() {
            continue;
        }
        if !filled(f.necessity.as_deref()) {
            cx.report_bilingual(
                RuleId::Not08,
                format!("fields[{i}].id"),
                &[("field", f.id.as_str())],
                &[("what", "必要性说明（necessity）", "necessity statement")],
            );
        }
        if !filled(f.impact.as_deref()) {
            cx.report_bilingual(
                RuleId::Not08,
                format!("fields[{i}].id"),
                &[("field", f.id.as_str())],
                &[("what", "对个人权益影响的说明（impact）", "statement of impact")],
            );
        }
    }

    // NOT-09
    for (i, r) in m.recipients.iter().enumerate() {
        let mut missing = Vec::new();
        if !filled(r.company.as_deref()) && r.kind != crate::manifest::RecipientKind::PublicDisclosure {
            missing.push("company");
        }
        if !filled(r.purpose.as_deref()) && r.purposes.is_empty() {
            missing.push("purpose");
        }
        if r.fields.is_empty() {
            missing.push("fields");
        }
        if !missing.is_empty() {
            let name = format!("recipients `{}`", r.id);
            cx.report_bilingual(
                RuleId::Not09,
                format!("recipients[{i}].id"),
                &[("missing", &missing.join(", "))],
                &[("what", &format!("接收方 `{}`", r.id), &name)],
            );
        }
    }

    // NOT-10
    if m.storage.countries.is_empty() && !filled(m.storage.description.as_deref()) {
        cx.report(RuleId::Not10, "storage", &[]);
    }

    // NOT-11
    if pol.serves_non_chinese_users && !pol.languages.contains(&Lang::En) {
        cx.report_bilingual(
            RuleId::Not11,
            "policy.languages",
            &[],
            &[(
                "what",
                "应用面向非中文用户，但政策没有英文版本",
                "the app serves non-Chinese users but the policy has no English version",
            )],
        );
    }
    // One finding per manifest section, naming every text of it that has no `_en` twin: the
    // English policy would print those in Chinese.
    if pol.languages.contains(&Lang::En) {
        for (section, keys) in crate::manifest::english::missing(m) {
            let list = keys.join(", ");
            cx.report_bilingual(
                RuleId::Not11,
                section,
                &[],
                &[(
                    "what",
                    &format!("政策提供英文版本，但 [{section}] 中这些文本缺少英文（_en）：{list}"),
                    &format!(
                        "the policy is offered in English but these texts of [{section}] have no `_en` twin: {list}"
                    ),
                )],
            );
        }
    }

    // NOT-12
    let d = &pol.display;
    if !d.first_run_popup {
        cx.report_bilingual(
            RuleId::Not12,
            "policy.display",
            &[],
            &[("what", "首次运行时未以弹窗方式提示", "no pop-up on first run")],
        );
    }
    match d.taps_from_home {
        None => cx.report_bilingual(
            RuleId::Not12,
            "policy.display",
            &[],
            &[(
                "what",
                "未说明从主界面到达政策需要几次点击",
                "how many taps reach the policy from the main screen is not declared",
            )],
        ),
        Some(n) if n > 4 => cx.report_bilingual(
            RuleId::Not12,
            "policy.display.taps_from_home",
            &[],
            &[("what", &format!("需要点击{n}次，超过4次"), &format!("it takes {n} taps, more than 4"))],
        ),
        Some(_) => {}
    }
    if !pol.languages.contains(&Lang::ZhCn) {
        cx.report_bilingual(
            RuleId::Not12,
            "policy.languages",
            &[],
            &[("what", "没有简体中文版本", "no Simplified Chinese version")],
        );
    }

    // NOT-13
    for (i, p) in m.permissions.iter().enumerate() {
        let used_with_prompt = m.scenarios.iter().any(|s| s.permissions.contains(&p.id) && filled(s.prompt.as_deref()));
        if !filled(p.prompt.as_deref()) && !used_with_prompt {
            let label = p.id.label();
            cx.report_bilingual(
                RuleId::Not13,
                format!("permissions[{i}].id"),
                &[],
                &[("what", &format!("权限“{}”", label.zh), &format!("permission `{}`", p.id.as_str()))],
            );
        }
    }
    for (i, f) in m.fields.iter().enumerate() {
        if !f.is_sensitive() {
            continue;
        }
        let purposes: Vec<_> = m.purposes_using(&f.id).map(|p| &p.id).collect();
        if purposes.is_empty() {
            continue;
        }
        let prompted = m.scenarios.iter().any(|s| {
            filled(s.prompt.as_deref())
                && (s.fields.as_ref().is_some_and(|fs| fs.contains(&f.id))
                    || s.purposes.iter().any(|p| purposes.contains(&p)))
        });
        if !prompted {
            cx.report_bilingual(
                RuleId::Not13,
                format!("fields[{i}].id"),
                &[],
                &[("what", &format!("敏感个人信息 `{}`", f.id), &format!("sensitive field `{}`", f.id))],
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::manifest::*;
    use crate::rules::RuleId;
    use crate::rules::tests::{assert_quiet, assert_rule};

    #[test]
    fn not_01() {
        assert_rule(RuleId::Not01, |m| m.controller.contact = Contact::default());
        assert_rule(RuleId::Not01, |m| m.controller.name = " ".into());
        // A product name is not the processor's (seed 000 names only "微博").
        assert_rule(RuleId::Not01, |m| m.controller.name = "微博".into());
        assert_quiet(RuleId::Not01, |m| m.controller.name = "北京微梦创科网络技术有限公司".into());
        assert_quiet(RuleId::Not01, |m| m.controller.name = "Example Network Technology Co., Ltd.".into());
        assert_quiet(RuleId::Not01, |m| {
            m.controller.name = "张三".into();
            m.controller.legal_form = Some(LegalForm::Individual);
        });
    }

    #[test]
    fn not_02() {
        assert_rule(RuleId::Not02, |m| m.purposes[0].description = None);
        assert_rule(RuleId::Not02, |m| m.purposes[0].fields.clear());
    }

    #[test]
    fn not_03() {
        assert_rule(RuleId::Not03, |m| {
            m.rights.deadline = None;
        });
        assert_rule(RuleId::Not03, |m| m.rights.channel = None);
        // PIPL 50 sets no deadline, and APP19's 15 working days are for requests handled by
        // hand: a self-service right needs none.
        let no_deadlines = |m: &mut Manifest| {
            m.rights.deadline = None;
            let r = &mut m.rights;
            let all = [
                &mut r.access,
                &mut r.copy,
                &mut r.portability,
                &mut r.correction,
                &mut r.deletion,
                &mut r.restriction,
                &mut r.withdrawal,
                &mut r.cancellation,
                &mut r.explanation,
                &mut r.complaint,
            ];
            for right in all.into_iter().flatten() {
                right.handling = Handling::SelfService;
                right.deadline = None;
            }
        };
        assert_quiet(RuleId::Not03, no_deadlines);
        let f = crate::rules::tests::findings_of(RuleId::Not03, |m| {
            no_deadlines(m);
            if let Some(d) = m.rights.deletion.as_mut() {
                d.handling = Handling::ByHand;
            }
        });
        assert_eq!(f.len(), 1);
        assert!(f[0].path == "rights.deletion" && f[0].message_zh.contains("删除"), "{f:#?}");
    }

    #[test]
    fn not_04() {
        assert_rule(RuleId::Not04, |m| {
            m.controller.complaints = None;
            m.rights.complaint = None;
        });
    }

    #[test]
    fn not_05() {
        assert_rule(RuleId::Not05, |m| m.policy.version = None);
        assert_rule(RuleId::Not05, |m| m.policy.effective = chrono::NaiveDate::from_ymd_opt(2025, 1, 1));
    }

    #[test]
    fn not_06() {
        assert_rule(RuleId::Not06, |m| m.controller.officer = None);
    }

    #[test]
    fn not_07() {
        assert_rule(RuleId::Not07, |m| m.purposes[1].retention = None);
    }

    #[test]
    fn not_08() {
        assert_rule(RuleId::Not08, |m| m.fields[3].necessity = None);
    }

    #[test]
    fn not_09() {
        assert_rule(RuleId::Not09, |m| m.recipients[0].company = None);
    }

    #[test]
    fn not_10() {
        assert_rule(RuleId::Not10, |m| m.storage = Storage::default());
    }

    #[test]
    fn not_11() {
        assert_rule(RuleId::Not11, |m| m.fields[0].name_en = None);
        // The keys that had no English twin before issue 10 part 5.
        assert_rule(RuleId::Not11, |m| m.cookies[0].name = "登录Cookie".into());
        assert_rule(RuleId::Not11, |m| m.permissions[0].withdraw_en = None);
        assert_rule(RuleId::Not11, |m| m.protection.incident.as_mut().unwrap().regulator_en = None);
        assert_rule(RuleId::Not11, |m| m.minors.children_rules_en = None);
        assert_rule(RuleId::Not11, |m| m.controller.contact.post = Some("北京市海淀区示例路1号".into()));
        assert_rule(RuleId::Not11, |m| {
            m.policy.languages = vec![crate::text::Lang::ZhCn];
            m.policy.serves_non_chinese_users = true;
        });
    }

    /// One finding per manifest section, naming each key without its English twin.
    #[test]
    fn not_11_groups_missing_english_by_section() {
        let mut m = crate::rules::tests::clean();
        m.permissions[0].withdraw_en = None;
        m.permissions[1].withdraw_en = None;
        m.changes.archive = Some("我的-设置-历史版本".into());
        let found: Vec<_> = crate::rules::check(&m, None).into_iter().filter(|f| f.rule == RuleId::Not11).collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.iter().any(|f| f.message_en.contains("[permissions]")
            && f.message_en.contains("permissions[0].withdraw, permissions[1].withdraw")));
        assert!(found.iter().any(|f| f.message_en.contains("[changes]") && f.message_en.contains("changes.archive")));
        // A policy only in Chinese needs no English.
        m.policy.languages = vec![crate::text::Lang::ZhCn];
        assert!(crate::rules::check(&m, None).iter().all(|f| f.rule != RuleId::Not11));
    }

    #[test]
    fn not_12() {
        assert_rule(RuleId::Not12, |m| m.policy.display.first_run_popup = false);
        assert_rule(RuleId::Not12, |m| m.policy.display.taps_from_home = Some(5));
        assert_rule(RuleId::Not12, |m| m.policy.languages = vec![crate::text::Lang::En]);
    }

    #[test]
    fn not_13() {
        assert_rule(RuleId::Not13, |m| {
            m.permissions[0].prompt = None;
            m.scenarios[1].prompt = None;
        });
    }
}

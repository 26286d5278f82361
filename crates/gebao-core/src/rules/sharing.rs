//! Sharing, entrusting, transfer and public disclosure (PIPL 21–25, 47; NDSMR 12;
//! GB/T 35273 8.3, 9; GB/T 41391).

use super::notice::filled;
use super::retention::shorter_than;
use super::{Ctx, Force, Rule, RuleId, Severity::*};
use crate::manifest::{LegalMinimum, Manifest, Recipient, RecipientKind};
use crate::text::{Lang, Text as B};
use std::collections::HashSet;

pub const RULES: &[Rule] = &[
    Rule {
        id: RuleId::Shr01,
        severity: Error,
        source: "PIPL 23",
        binding: "PIPL 23",
        force: Force::Law,
        title: B::new(
            "向其他个人信息处理者提供个人信息时告知接收方信息并取得单独同意",
            "A recipient that is another processor is fully described and needs separate consent",
        ),
        message: B::new("接收方 `{recipient}`：{problem}", "recipient `{recipient}`: {problem}"),
        hint: B::new(
            "为该接收方填写 name、contact、purpose（或 purposes）、method 和 fields，并设置 separate_consent = true",
            "give the recipient `name`, `contact`, `purpose` (or `purposes`), `method` and `fields`, and set `separate_consent = true`",
        ),
    },
    Rule {
        id: RuleId::Shr02,
        severity: Info,
        source: "PIPL 21",
        binding: "PIPL 21",
        force: Force::Law,
        title: B::new(
            "委托处理约定目的、期限、处理方式、个人信息种类、保护措施及到期返还或删除",
            "An entrusted processor has a contract with purpose, period, fields, protection measures and return or deletion at the end",
        ),
        message: B::new(
            "请确认与受托处理者 `{recipient}` 的委托合同约定了以下事项（清单中缺少）：{missing}",
            "confirm that the contract with entrusted processor `{recipient}` covers what the manifest lacks: {missing}",
        ),
        hint: B::new(
            "填写 purpose（或 purposes）、fields，以及 contract = { reference, period, protection, on_end }",
            "fill in `purpose` (or `purposes`), `fields` and `contract = { reference, period, protection, on_end }`",
        ),
    },
    Rule {
        id: RuleId::Shr03,
        severity: Error,
        source: "PIPL 25",
        binding: "PIPL 25",
        force: Force::Law,
        title: B::new("公开个人信息须取得单独同意", "Public disclosure of PI needs separate consent"),
        message: B::new(
            "公开披露 `{recipient}` 没有取得个人的单独同意",
            "public disclosure `{recipient}` has no separate consent",
        ),
        hint: B::new(
            "为该公开披露设置 separate_consent = true，并在公开前单独征得同意",
            "set `separate_consent = true` and ask for that consent on its own before disclosing",
        ),
    },
    Rule {
        id: RuleId::Shr04,
        severity: Warning,
        source: "41391; NDSMR",
        binding: "41391",
        force: Force::RecommendedStandard,
        title: B::new(
            "第三方SDK列明所属公司、目的、收集的个人信息和其隐私政策链接",
            "Every third-party SDK lists its company, purpose, fields and a link to its own policy",
        ),
        message: B::new("第三方SDK `{recipient}` 缺少：{missing}", "third-party SDK `{recipient}` lacks: {missing}"),
        hint: B::new(
            "为该SDK填写 company 和 policy_url（其隐私政策链接）",
            "give the SDK `company` and `policy_url` (the link to its privacy policy)",
        ),
    },
    Rule {
        id: RuleId::Shr05,
        severity: Error,
        source: "PIPL 6, 23",
        binding: "PIPL 6, 23",
        force: Force::Law,
        title: B::new(
            "接收方只接收其服务的处理目的所声明的字段",
            "A recipient receives only fields its purposes declare",
        ),
        message: B::new(
            "接收方 `{recipient}` 接收字段 `{field}`，但其服务的处理目的（{purposes}）都没有使用该字段",
            "recipient `{recipient}` receives field `{field}`, which none of its purposes ({purposes}) uses",
        ),
        hint: B::new(
            "从接收方的 fields 中去掉该字段，或将其加入对应处理目的的 fields（并说明必要性）",
            "remove the field from the recipient's `fields`, or add it to the purpose's `fields` (and justify it)",
        ),
    },
    Rule {
        id: RuleId::Shr06,
        severity: Warning,
        source: "PIPL 22",
        binding: "PIPL 22",
        force: Force::Law,
        title: B::new(
            "说明合并、分立、解散、破产时个人信息的转移规则",
            "State what happens to PI on a merger, split, dissolution or bankruptcy",
        ),
        message: B::new(
            "合并、分立、解散、破产条款不完整：{problem}",
            "the merger, split, dissolution and bankruptcy clause is incomplete: {problem}",
        ),
        hint: B::new(
            "在 [changes.ownership_transfer] 中设置 notify_recipient = true 和 reconsent_on_purpose_change = true",
            "set `notify_recipient = true` and `reconsent_on_purpose_change = true` in [changes.ownership_transfer]",
        ),
    },
    Rule {
        id: RuleId::Shr07,
        severity: Warning,
        source: "PIPL 47; 35273 8.3",
        binding: "35273 8.3",
        force: Force::RecommendedStandard,
        title: B::new(
            "每个接收方都声明删除请求如何转达给它",
            "Every recipient declares how deletion requests reach it",
        ),
        message: B::new(
            "接收方 `{recipient}` 没有声明删除请求的转达方式",
            "recipient `{recipient}` declares no way to forward deletion requests",
        ),
        hint: B::new(
            "为该接收方填写 deletion = { via = \"webhook\" | \"email\" | \"api\", address = \"…\" }",
            "give the recipient `deletion = { via = \"webhook\" | \"email\" | \"api\", address = \"…\" }`",
        ),
    },
    Rule {
        id: RuleId::Shr08,
        severity: Error,
        source: "NDSMR 12",
        binding: "NDSMR 12",
        force: Force::Regulation,
        title: B::new(
            "提供、委托处理个人信息的记录保存不少于三年",
            "Records of providing and entrusting PI are kept for at least three years",
        ),
        message: B::new(
            "处理目的 `{purpose}` 将处理情况记录的保存期限设为{period}，少于三年",
            "purpose `{purpose}` keeps processing records for {period}, less than three years",
        ),
        hint: B::new(
            "将 retention.period 设为不少于 \"3 years\"；gebao 自动保存共享和委托处理记录至少三年",
            "set `retention.period` to at least \"3 years\"; gebao itself keeps sharing and entrusting records for at least three years",
        ),
    },
];

/// Whether sharing with `r` rests on consent: PIPL 13 para. 2 lifts the consent duty when
/// every purpose the recipient serves has another legal basis (e.g. a courier for delivery
/// under the contract). A recipient that names no purpose is assumed to need consent.
fn sharing_needs_consent(m: &Manifest, r: &Recipient) -> bool {
    r.purposes.is_empty() || r.purposes.iter().any(|id| m.purpose(id.as_str()).is_none_or(|p| p.needs_consent()))
}

/// The recipient's purpose is stated, in words or by purpose ids.
fn has_purpose(r: &Recipient) -> bool {
    filled(r.purpose.as_deref()) || !r.purposes.is_empty()
}

/// Reports `rule` once for a recipient with the keys it lacks, at the first missing key.
fn report_missing(cx: &mut Ctx<'_>, rule: RuleId, i: usize, r: &Recipient, missing: &[&str]) {
    if let Some(first) = missing.first() {
        cx.report(
            rule,
            format!("recipients[{i}].{first}"),
            &[("recipient", r.id.as_str()), ("missing", &missing.join(", "))],
        );
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    let m = cx.m;

    for (i, r) in m.recipients.iter().enumerate() {
        let at = format!("recipients[{i}]");

        // SHR-01 (PIPL 23): another processor deciding on its own.
        if r.is_independent_processor() {
            let mut missing = Vec::new();
            if r.name.trim().is_empty() {
                missing.push("name");
            }
            if !filled(r.contact.as_deref()) {
                missing.push("contact");
            }
            if !has_purpose(r) {
                missing.push("purpose");
            }
            if !filled(r.method.as_deref()) {
                missing.push("method");
            }
            if r.fields.is_empty() {
                missing.push("fields");
            }
            if let Some(first) = missing.first() {
                let list = missing.join(", ");
                cx.report_bilingual(
                    RuleId::Shr01,
                    format!("{at}.{first}"),
                    &[("recipient", r.id.as_str())],
                    &[(
                        "problem",
                        &format!("缺少应告知的信息：{list}"),
                        &format!("lacks what users must be told: {list}"),
                    )],
                );
            }
            if !r.separate_consent && sharing_needs_consent(m, r) {
                cx.report_bilingual(
                    RuleId::Shr01,
                    format!("{at}.separate_consent"),
                    &[("recipient", r.id.as_str())],
                    &[("problem", "向其提供个人信息没有取得单独同意", "PI is provided to it without separate consent")],
                );
            }
        }

        // SHR-02 (PIPL 21): the entrustment contract.
        if r.kind == RecipientKind::Entrusted {
            let mut missing = Vec::new();
            if !has_purpose(r) {
                missing.push("purpose");
            }
            if r.fields.is_empty() {
                missing.push("fields");
            }
            match &r.contract {
                None => missing.push("contract"),
                Some(c) => {
                    if c.reference.trim().is_empty() {
                        missing.push("contract.reference");
                    }
                    if !filled(c.period.as_deref()) {
                        missing.push("contract.period");
                    }
                    if !filled(c.protection.as_deref()) {
                        missing.push("contract.protection");
                    }
                    if c.on_end.is_none() {
                        missing.push("contract.on_end");
                    }
                }
            }
            report_missing(cx, RuleId::Shr02, i, r, &missing);
        }

        // SHR-03 (PIPL 25): public disclosure.
        if r.kind == RecipientKind::PublicDisclosure && !r.separate_consent && sharing_needs_consent(m, r) {
            cx.report(RuleId::Shr03, format!("{at}.separate_consent"), &[("recipient", r.id.as_str())]);
        }

        // SHR-04 (41391; NDSMR): the SDK list. Purpose and fields of an SDK are SHR-01's.
        if r.kind == RecipientKind::Sdk {
            let mut missing = Vec::new();
            if !filled(r.company.as_deref()) {
                missing.push("company");
            }
            if !filled(r.policy_url.as_deref()) {
                missing.push("policy_url");
            }
            report_missing(cx, RuleId::Shr04, i, r, &missing);
        }

        // SHR-05 (PIPL 6, 23): no field beyond those of the recipient's purposes. A recipient
        // that names no purpose receives every field for no declared purpose: the worst case.
        let purposes: Option<Vec<_>> = r.purposes.iter().map(|id| m.purpose(id.as_str())).collect();
        if let Some(purposes) = purposes {
            let allowed: HashSet<&str> = purposes.iter().flat_map(|p| p.fields.iter().map(|f| f.as_str())).collect();
            let names = if r.purposes.is_empty() {
                "—".to_owned()
            } else {
                r.purposes.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(", ")
            };
            for (j, f) in r.fields.iter().enumerate() {
                if !allowed.contains(f.as_str()) {
                    cx.report(
                        RuleId::Shr05,
                        format!("{at}.fields[{j}]"),
                        &[("recipient", r.id.as_str()), ("field", f.as_str()), ("purposes", &names)],
                    );
                }
            }
        }

        // SHR-07 (PIPL 47; 35273 8.3): deletion reaches the recipient. Public disclosure
        // has no recipient to forward to.
        if r.kind != RecipientKind::PublicDisclosure {
            match &r.deletion {
                None => cx.report(RuleId::Shr07, format!("{at}.deletion"), &[("recipient", r.id.as_str())]),
                Some(d) if d.address.trim().is_empty() => {
                    cx.report(RuleId::Shr07, format!("{at}.deletion.address"), &[("recipient", r.id.as_str())])
                }
                Some(_) => {}
            }
        }
    }

    // SHR-06 (PIPL 22): ownership transfer.
    match &m.changes.ownership_transfer {
        None => cx.report_bilingual(RuleId::Shr06, "changes", &[], &[("problem", "未声明", "it is not declared")]),
        Some(t) => {
            if !t.notify_recipient {
                cx.report_bilingual(
                    RuleId::Shr06,
                    "changes.ownership_transfer.notify_recipient",
                    &[],
                    &[(
                        "problem",
                        "未承诺告知接收方的名称和联系方式",
                        "users are not promised the new recipient's name and contact",
                    )],
                );
            }
            if !t.reconsent_on_purpose_change {
                cx.report_bilingual(
                    RuleId::Shr06,
                    "changes.ownership_transfer.reconsent_on_purpose_change",
                    &[],
                    &[(
                        "problem",
                        "未承诺接收方变更处理目的、处理方式时重新取得同意",
                        "the recipient is not bound to ask for consent again if it changes the purpose or method",
                    )],
                );
            }
        }
    }

    // SHR-08 (NDSMR 12): processing records are kept at least three years.
    let minimum = LegalMinimum::ProcessingRecords.minimum();
    for (i, p) in m.purposes.iter().enumerate() {
        let Some(r) = p.retention.as_ref().filter(|r| r.legal_minimum == Some(LegalMinimum::ProcessingRecords)) else {
            continue;
        };
        if let Some(period) = shorter_than(r, &minimum) {
            cx.report_bilingual(
                RuleId::Shr08,
                format!("purposes[{i}].retention.period"),
                &[("purpose", p.id.as_str())],
                &[("period", &period.display(Lang::ZhCn), &period.display(Lang::En))],
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::duration::Duration;
    use crate::manifest::*;
    use crate::rules::RuleId;
    use crate::rules::tests::{assert_quiet, assert_rule};

    fn recipient(m: &Manifest, id: &str) -> usize {
        m.recipients.iter().position(|r| r.id.as_str() == id).unwrap_or_else(|| panic!("no recipient {id}"))
    }

    #[test]
    fn shr_01() {
        assert_rule(RuleId::Shr01, |m| {
            let i = recipient(m, "push-sdk");
            m.recipients[i].separate_consent = false;
        });
        assert_rule(RuleId::Shr01, |m| {
            let i = recipient(m, "push-sdk");
            m.recipients[i].contact = None;
        });
        assert_rule(RuleId::Shr01, |m| {
            let i = recipient(m, "push-sdk");
            m.recipients[i].method = None;
        });
        // A partner serving only a contract-based purpose needs no consent (PIPL 13 para. 2).
        assert_quiet(RuleId::Shr01, |m| {
            let i = recipient(m, "push-sdk");
            let r = &mut m.recipients[i];
            r.kind = RecipientKind::Partner;
            r.separate_consent = false;
            r.purposes = vec!["publish".into()];
            r.fields = vec!["posts".into()];
        });
    }

    #[test]
    fn shr_02() {
        assert_rule(RuleId::Shr02, |m| {
            let i = recipient(m, "cloud");
            m.recipients[i].contract = None;
        });
        assert_rule(RuleId::Shr02, |m| {
            let i = recipient(m, "cloud");
            if let Some(c) = m.recipients[i].contract.as_mut() {
                c.on_end = None;
            }
        });
    }

    fn disclosure(m: &mut Manifest, consent: bool) {
        m.recipients.push(Recipient {
            id: "public-profile".into(),
            name: "公开主页".into(),
            name_en: Some("Public profile".into()),
            kind: RecipientKind::PublicDisclosure,
            sdk: None,
            company: None,
            company_en: None,
            contact: None,
            contact_en: None,
            purposes: vec!["nearby".into()],
            purpose: Some("在主页公开展示您的位置".into()),
            purpose_en: Some("Showing your location on your public profile".into()),
            fields: vec!["precise_location".into()],
            method: Some("公开展示".into()),
            method_en: Some("Shown publicly".into()),
            policy_url: None,
            hosts: Vec::new(),
            country: "CN".into(),
            separate_consent: consent,
            deletion: None,
            contract: None,
            cross_border: None,
            pia: Some("pia-location".into()),
        });
    }

    #[test]
    fn shr_03() {
        assert_rule(RuleId::Shr03, |m| disclosure(m, false));
        assert_quiet(RuleId::Shr03, |m| disclosure(m, true));
    }

    #[test]
    fn shr_04() {
        assert_rule(RuleId::Shr04, |m| {
            let i = recipient(m, "push-sdk");
            m.recipients[i].policy_url = None;
        });
        assert_rule(RuleId::Shr04, |m| {
            let i = recipient(m, "push-sdk");
            m.recipients[i].company = Some(" ".into());
        });
    }

    #[test]
    fn shr_05() {
        assert_rule(RuleId::Shr05, |m| {
            let i = recipient(m, "push-sdk");
            m.recipients[i].fields.push("phone".into());
        });
        assert_rule(RuleId::Shr05, |m| {
            let i = recipient(m, "push-sdk");
            m.recipients[i].purposes.clear();
        });
        assert_rule(RuleId::Shr05, |m| {
            let i = recipient(m, "cloud");
            m.recipients[i].purposes = vec!["register".into()];
        });
    }

    #[test]
    fn shr_06() {
        assert_rule(RuleId::Shr06, |m| m.changes.ownership_transfer = None);
        assert_rule(RuleId::Shr06, |m| {
            if let Some(t) = m.changes.ownership_transfer.as_mut() {
                t.reconsent_on_purpose_change = false;
            }
        });
    }

    #[test]
    fn shr_07() {
        assert_rule(RuleId::Shr07, |m| {
            let i = recipient(m, "cloud");
            m.recipients[i].deletion = None;
        });
    }

    #[test]
    fn shr_08() {
        let records = |m: &mut Manifest, period| {
            let i = m
                .purposes
                .iter()
                .position(|p| p.id.as_str() == "security_logs")
                .unwrap_or_else(|| panic!("no security_logs"));
            if let Some(r) = m.purposes[i].retention.as_mut() {
                r.legal_minimum = Some(LegalMinimum::ProcessingRecords);
                r.period = Some(period);
            }
        };
        assert_rule(RuleId::Shr08, |m| records(m, Duration::years(1)));
        assert_quiet(RuleId::Shr08, |m| records(m, Duration::years(3)));
    }
}

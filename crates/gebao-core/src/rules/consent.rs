//! Consent and necessity: what may be asked, how, and what a refusal may cost (PIPL 13–16,
//! 29; NEC; GB/T 35273 5.3–5.4; APP19; GB/T 42574).

mod nec;

use super::notice::filled;
use super::{Ctx, Force, Rule, RuleId, Severity::*};
use crate::duration::Duration;
use crate::manifest::{ConsentDefault, ConsentMethod, Function, Purpose, Recipient, RecipientKind};
use crate::text::{Lang, Text as B};
use std::collections::BTreeMap;

pub const RULES: &[Rule] = &[
    Rule {
        id: RuleId::Con01,
        severity: Error,
        source: "NEC art. 4–5; PIPL 6",
        binding: "NEC art. 4–5",
        force: Force::NormativeDocument,
        title: B::new(
            "基本业务功能只使用该类应用的必要个人信息",
            "A basic function uses only the necessary PI of its app type",
        ),
        message: B::new(
            "基本业务功能 `{purpose}` 使用了 `{field}`（{category}），不在“{app_type}”类应用的必要个人信息范围内{note}",
            "basic function `{purpose}` uses `{field}` ({category}), which is not necessary PI for {app_type} apps{note}",
        ),
        hint: B::new(
            "把该字段移到一个扩展业务功能的处理目的（function = \"additional\"，basis = \"consent\"），使用户拒绝提供后仍能使用基本功能；若它是用户自己发布的内容，设置该字段的 user_content = true",
            "move the field to an additional-function purpose (function = \"additional\", basis = \"consent\") so that users who refuse it can still use the basic function; if it is content the user publishes, set `user_content = true` on the field",
        ),
    },
    Rule {
        id: RuleId::Con02,
        severity: Error,
        source: "PIPL 16; 35273 5.3",
        binding: "PIPL 16",
        force: Force::Law,
        title: B::new(
            "拒绝扩展业务功能不影响使用基本业务功能",
            "Refusing an additional function does not disable a basic function",
        ),
        message: B::new(
            "基本业务功能 `{purpose}` 依赖扩展业务功能 `{additional}`：{how}",
            "basic function `{purpose}` depends on additional function `{additional}`: {how}",
        ),
        hint: B::new(
            "从基本业务功能中去掉对扩展业务功能的依赖（requires、共用的 consent.group），扩展业务功能单独征得同意",
            "remove the basic function's dependency on the additional one (`requires`, a shared `consent.group`) and ask for the additional function's consent on its own",
        ),
    },
    Rule {
        id: RuleId::Con03,
        severity: Error,
        source: "35273 5.3; APP19",
        binding: "APP19",
        force: Force::NormativeDocument,
        title: B::new(
            "每个扩展业务功能单独征得同意，不得捆绑",
            "Each additional function is consented separately, never bundled",
        ),
        message: B::new("扩展业务功能的同意被捆绑：{what}", "consent to additional functions is bundled: {what}"),
        hint: B::new(
            "为每个扩展业务功能单独征得同意：去掉共用的 consent.group，并设置 obtained_by = \"prompt\"",
            "ask for each additional function's consent on its own: drop the shared `consent.group` and set `obtained_by = \"prompt\"`",
        ),
    },
    Rule {
        id: RuleId::Con04,
        severity: Error,
        source: "APP19; 35273 5.4",
        binding: "APP19",
        force: Force::NormativeDocument,
        title: B::new(
            "同意的默认状态为“未同意”，不得默认勾选或以使用视为同意",
            "Consent starts as not given: no pre-ticked boxes, no consent implied by use",
        ),
        message: B::new("处理目的 `{purpose}` {what}", "purpose `{purpose}` {what}"),
        hint: B::new(
            "删除 consent.default（默认为 \"not-given\"），并设置 obtained_by = \"prompt\"，由用户主动作出同意",
            "remove `consent.default` (it defaults to \"not-given\") and set `obtained_by = \"prompt\"` so that the user actively agrees",
        ),
    },
    Rule {
        id: RuleId::Con05,
        severity: Info,
        source: "NDSMR 22(5); APP19 三",
        binding: "NDSMR 22(5)",
        force: Force::Regulation,
        title: B::new("用户拒绝后不频繁重复征求同意", "No frequent re-prompting after a refusal"),
        message: B::new("处理目的 `{purpose}` {what}", "purpose `{purpose}` {what}"),
        hint: B::new(
            "法规只禁止在用户拒绝后频繁征求同意，没有规定间隔；48小时是 gebao 建议的常见做法：请确认该间隔不构成频繁征求，或把 consent.reprompt_after 设为不短于 \"48 hours\"",
            "the regulation forbids asking often after a refusal but sets no interval; 48 hours is gebao's suggestion from common practice: confirm that the interval is not frequent asking, or set `consent.reprompt_after` to at least \"48 hours\"",
        ),
    },
    Rule {
        id: RuleId::Con06,
        severity: Error,
        source: "PIPL 15",
        binding: "PIPL 15",
        force: Force::Law,
        title: B::new(
            "每个基于同意的处理目的都提供便捷的撤回同意方式",
            "Every consent-based purpose offers a convenient way to withdraw",
        ),
        message: B::new(
            "处理目的 `{purpose}` 基于同意，但没有说明如何撤回同意",
            "purpose `{purpose}` is based on consent but does not say how to withdraw it",
        ),
        hint: B::new(
            "填写 consent.withdraw，写明撤回的路径（如 \"我的-设置-隐私\"），且不比给出同意更难",
            "fill in `consent.withdraw` with the way to withdraw (e.g. \"Me > Settings > Privacy\"), no harder than giving consent",
        ),
    },
    Rule {
        id: RuleId::Con07,
        severity: Error,
        source: "PIPL 13",
        binding: "PIPL 13",
        force: Force::Law,
        title: B::new(
            "不基于同意的处理目的写明适用第十三条的哪项事由及理由",
            "A purpose not based on consent names its art. 13 ground and why it applies",
        ),
        message: B::new(
            "处理目的 `{purpose}` 的合法性基础是“{basis}”，但没有说明理由",
            "purpose `{purpose}` relies on “{basis}” but does not say why",
        ),
        hint: B::new(
            "填写 basis_note，说明该事由为何适用（如所依据的合同或法律条文）",
            "fill in `basis_note`: why the ground applies (the contract, or the article of law)",
        ),
    },
    Rule {
        id: RuleId::Con08,
        severity: Warning,
        source: "PIPL 6",
        binding: "PIPL 6",
        force: Force::Law,
        title: B::new("不收集任何处理目的都不使用的个人信息", "Collect no field that no purpose uses"),
        message: B::new("字段 `{field}` 没有被任何处理目的使用", "field `{field}` is used by no purpose"),
        hint: B::new(
            "把该字段加入使用它的处理目的的 fields，或停止收集并删除该字段",
            "add the field to the `fields` of the purpose that uses it, or stop collecting it and remove it",
        ),
    },
    Rule {
        id: RuleId::Con09,
        severity: Warning,
        source: "41391; APP19",
        binding: "APP19",
        force: Force::NormativeDocument,
        title: B::new("不申请任何业务场景都不使用的设备权限", "Request no device permission that no scenario uses"),
        message: B::new("权限“{permission}”没有被任何业务场景使用", "permission `{permission}` is used by no scenario"),
        hint: B::new(
            "在使用该权限的业务场景的 permissions 中列出它，或停止申请并删除该权限",
            "list it in the `permissions` of the scenario that uses it, or stop requesting it and remove it",
        ),
    },
    Rule {
        id: RuleId::Con10,
        severity: Error,
        source: "NEC",
        binding: "NEC",
        force: Force::NormativeDocument,
        title: B::new(
            "基本功能服务无须个人信息的应用类型，不提供个人信息也能使用基本业务功能",
            "For app types whose basic function needs no PI, basic functions work without any",
        ),
        message: B::new(
            "“{app_type}”类应用的基本功能服务无须个人信息，但基本业务功能 `{purpose}` 使用了 `{field}`{note}",
            "the basic function of {app_type} apps needs no PI, but basic function `{purpose}` uses `{field}`{note}",
        ),
        hint: B::new(
            "把该处理目的改为扩展业务功能（function = \"additional\"，basis = \"consent\"），使用户不提供个人信息也能使用基本功能",
            "make the purpose an additional function (function = \"additional\", basis = \"consent\") so that users can use the basic function without giving any PI",
        ),
    },
    Rule {
        id: RuleId::Con11,
        severity: Error,
        source: "PIPL 29, 23, 25, 39; 42574",
        binding: "PIPL 29, 23, 25, 39",
        force: Force::Law,
        title: B::new(
            "同意整个隐私政策不视为单独同意，每项单独同意都是独立的一步",
            "Agreeing to the policy as a whole is never a separate consent: each separate consent is its own step",
        ),
        message: B::new(
            "{what}通过同意整个隐私政策取得，不构成单独同意",
            "{what} is obtained by agreeing to the policy as a whole, which is not a separate consent",
        ),
        hint: B::new(
            "为每项单独同意设置独立的一步：设置 obtained_by = \"prompt\"，并单独告知该项的事项",
            "make each separate consent its own step: set `obtained_by = \"prompt\"` and give its notice on its own",
        ),
    },
];

pub fn check(cx: &mut Ctx<'_>) {
    if let Some(entry) = cx.m.controller.app_type.necessary_pi() {
        nec::check(cx, entry);
    }
    requires_additional(cx);
    bundled(cx);
    let m = cx.m;
    for (i, p) in m.purposes.iter().enumerate() {
        consent_form(cx, i, p);
    }
    unused(cx);
    policy_agreement(cx);
}

/// CON-02 (PIPL 16; 35273 5.3): a basic purpose may not wait for an additional purpose's
/// consent, neither through `requires` nor by sharing its consent action.
fn requires_additional(cx: &mut Ctx<'_>) {
    let m = cx.m;
    for (i, p) in m.purposes.iter().enumerate().filter(|(_, p)| p.function == Function::Basic) {
        for (j, r) in p.requires.iter().enumerate() {
            if m.purpose(r.as_str()).is_some_and(|q| q.function == Function::Additional) {
                let how = ("在 requires 中要求先取得它的同意", "its `requires` asks for that consent first");
                cx.report_bilingual(
                    RuleId::Con02,
                    format!("purposes[{i}].requires[{j}]"),
                    &[("purpose", p.id.as_str()), ("additional", r.as_str())],
                    &[("how", how.0, how.1)],
                );
            }
        }
        let Some(group) = p.consent.group.as_deref().filter(|_| p.needs_consent()) else { continue };
        for q in m.purposes.iter().filter(|q| is_consented_additional(q) && q.consent.group.as_deref() == Some(group)) {
            let zh = format!("两者共用一个同意（consent.group = \"{group}\"），拒绝其一即拒绝两者");
            let en = format!("they share one consent (consent.group = \"{group}\"), so refusing one refuses both");
            cx.report_bilingual(
                RuleId::Con02,
                format!("purposes[{i}].consent.group"),
                &[("purpose", p.id.as_str()), ("additional", q.id.as_str())],
                &[("how", &zh, &en)],
            );
        }
    }
}

fn is_consented_additional(p: &Purpose) -> bool {
    p.function == Function::Additional && p.needs_consent()
}

/// CON-03 (35273 5.3; APP19): one action may not consent to several additional functions,
/// nor to an additional function together with the policy (and so with the basic ones).
fn bundled(cx: &mut Ctx<'_>) {
    let m = cx.m;
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, p) in m.purposes.iter().enumerate().filter(|(_, p)| is_consented_additional(p)) {
        if let Some(g) = p.consent.group.as_deref() {
            groups.entry(g).or_default().push(i);
        }
    }
    for (group, members) in groups.iter().filter(|(_, v)| v.len() > 1) {
        let names = members.iter().map(|&i| format!("`{}`", m.purposes[i].id)).collect::<Vec<_>>();
        let zh = format!("{} 共用同一个同意（consent.group = \"{group}\"）", names.join("、"));
        let en = format!("{} share one consent (consent.group = \"{group}\")", names.join(", "));
        cx.report_bilingual(
            RuleId::Con03,
            format!("purposes[{}].consent.group", members[0]),
            &[],
            &[("what", &zh, &en)],
        );
    }
    // A separate consent taken by policy agreement is CON-11's finding, not this one's.
    for (i, p) in m.purposes.iter().enumerate() {
        if is_consented_additional(p) && !p.consent.separate && p.consent.obtained_by == ConsentMethod::PolicyAgreement
        {
            let zh = format!("`{}` 的同意通过同意整个隐私政策取得", p.id);
            let en = format!("consent to `{}` is taken by agreeing to the whole policy", p.id);
            cx.report_bilingual(
                RuleId::Con03,
                format!("purposes[{i}].consent.obtained_by"),
                &[],
                &[("what", &zh, &en)],
            );
        }
    }
}

/// CON-04 to CON-07: how one purpose's consent is asked, kept and withdrawn, or why it
/// needs none.
fn consent_form(cx: &mut Ctx<'_>, i: usize, p: &Purpose) {
    let at = format!("purposes[{i}]");
    let purpose = [("purpose", p.id.as_str())];
    // CON-04 (APP19; 35273 5.4): checked on every purpose, since a pre-ticked box is wrong
    // wherever it appears.
    if p.consent.default == ConsentDefault::Granted {
        cx.report_bilingual(
            RuleId::Con04,
            format!("{at}.consent.default"),
            &purpose,
            &[(
                "what",
                "默认勾选同意（consent.default = \"granted\"）",
                "pre-ticks consent (consent.default = \"granted\")",
            )],
        );
    }
    if p.consent.obtained_by == ConsentMethod::ImpliedByUse {
        cx.report_bilingual(
            RuleId::Con04,
            format!("{at}.consent.obtained_by"),
            &purpose,
            &[(
                "what",
                "以使用服务视为同意（obtained_by = \"implied-by-use\"）",
                "takes use of the service as consent (obtained_by = \"implied-by-use\")",
            )],
        );
    }
    if !p.needs_consent() {
        // CON-07 (PIPL 13)
        if !filled(p.basis_note.as_deref()) {
            let basis = p.basis.label();
            cx.report_bilingual(RuleId::Con07, format!("{at}.basis"), &purpose, &[("basis", basis.zh, basis.en)]);
        }
        return;
    }
    // CON-05 (NDSMR 22(5); APP19 三): the regulation forbids asking often after a refusal
    // and sets no interval, so no policy has to state one; a declared interval shorter than
    // gebao's suggested 48 hours (a common review practice) is only worth a look (info).
    if let Some(d) = p.consent.reprompt_after.filter(|d| !d.at_least(&Duration::hours(48))) {
        let zh = format!("在用户拒绝后{}就再次征求同意，短于 gebao 建议的48小时", d.display(Lang::ZhCn));
        let en = format!("asks again {} after a refusal, sooner than gebao's suggested 48 hours", d.display(Lang::En));
        cx.report_bilingual(RuleId::Con05, format!("{at}.consent.reprompt_after"), &purpose, &[("what", &zh, &en)]);
    }
    // CON-06 (PIPL 15): a convenient way to withdraw, not one per purpose: a general
    // withdrawal channel (`[rights.withdrawal] channel`) serves every purpose.
    if !filled(p.consent.withdraw.as_deref()) && !general_withdrawal(cx.m) {
        cx.report(RuleId::Con06, format!("{at}.consent"), &purpose);
    }
}

/// The manifest offers withdrawal with a channel of its own, which covers every purpose.
fn general_withdrawal(m: &crate::manifest::Manifest) -> bool {
    m.rights.withdrawal.as_ref().is_some_and(|r| r.offered && filled(r.channel.as_deref()))
}

/// CON-08 (PIPL 6) and CON-09 (41391; APP19): fields and permissions nothing uses.
fn unused(cx: &mut Ctx<'_>) {
    let m = cx.m;
    for (i, f) in m.fields.iter().enumerate() {
        if m.purposes_using(&f.id).next().is_none() {
            cx.report(RuleId::Con08, format!("fields[{i}].id"), &[("field", f.id.as_str())]);
        }
    }
    for (i, p) in m.permissions.iter().enumerate() {
        if !m.scenarios.iter().any(|s| s.permissions.contains(&p.id)) {
            let label = p.id.label();
            cx.report_bilingual(
                RuleId::Con09,
                format!("permissions[{i}].id"),
                &[],
                &[("permission", label.zh, p.id.as_str())],
            );
        }
    }
}

/// Whether providing PI to this recipient needs a separate consent of its own: another
/// processor (PIPL 23), public disclosure (25) or a recipient abroad (39).
fn needs_separate_consent(r: &Recipient) -> bool {
    r.is_independent_processor() || r.kind == RecipientKind::PublicDisclosure || r.is_abroad()
}

/// CON-11 (PIPL 29, 23, 25, 39; 42574): a separate consent is its own step, never the
/// policy agreement, whether the purpose itself, a recipient of its data or storage abroad
/// is what needs it.
fn policy_agreement(cx: &mut Ctx<'_>) {
    let m = cx.m;
    let by_policy = |p: &Purpose| p.needs_consent() && p.consent.obtained_by == ConsentMethod::PolicyAgreement;
    for (i, p) in m.purposes.iter().enumerate() {
        if by_policy(p) && p.consent.separate {
            let zh = format!("处理目的 `{}` 的单独同意", p.id);
            let en = format!("the separate consent of purpose `{}`", p.id);
            cx.report_bilingual(
                RuleId::Con11,
                format!("purposes[{i}].consent.obtained_by"),
                &[],
                &[("what", &zh, &en)],
            );
        }
    }
    for (i, r) in m.recipients.iter().enumerate().filter(|(_, r)| needs_separate_consent(r)) {
        for (j, pid) in r.purposes.iter().enumerate() {
            if m.purpose(pid.as_str()).is_some_and(by_policy) {
                let kind = r.kind.label();
                let zh = format!("向 `{}`（{}）提供处理目的 `{pid}` 的个人信息所需的单独同意", r.id, kind.zh);
                let en =
                    format!("the separate consent needed to give `{}` ({}) the PI of purpose `{pid}`", r.id, kind.en);
                cx.report_bilingual(
                    RuleId::Con11,
                    format!("recipients[{i}].purposes[{j}]"),
                    &[],
                    &[("what", &zh, &en)],
                );
            }
        }
    }
    let first_abroad = m.storage.countries.iter().position(|c| crate::manifest::is_outside_mainland(c));
    if let Some(k) = first_abroad {
        let abroad = m.storage.countries.join(", ");
        for p in m.purposes.iter().filter(|p| by_policy(p)) {
            let zh = format!("在境外（{abroad}）存储处理目的 `{}` 的个人信息所需的单独同意", p.id);
            let en = format!("the separate consent needed to store the PI of purpose `{}` abroad ({abroad})", p.id);
            cx.report_bilingual(RuleId::Con11, format!("storage.countries[{k}]"), &[], &[("what", &zh, &en)]);
        }
    }
}

#[cfg(test)]
mod tests;

//! Security and organisation: impact assessments, incidents, officers, audits, measures
//! (PIPL 51–59; NDSMR 26–30; AUDIT; INCID; NETID).

use super::notice::filled;
use super::{Ctx, Force, Rule, RuleId, Severity::*};
use crate::app_types::AppType;
use crate::duration::{Duration, Unit};
use crate::manifest::{Manifest, Measure, Purpose, Recipient, RecipientKind};
use crate::taxonomy::Category;
use crate::text::Text as B;

pub const RULES: &[Rule] = &[
    Rule {
        id: RuleId::Sec01,
        severity: Info,
        source: "PIPL 55",
        binding: "PIPL 55",
        force: Force::Law,
        title: B::new(
            "对敏感个人信息、自动化决策、委托处理、向他人提供、公开、出境等情形事前进行个人信息保护影响评估并记录",
            "Assess and record the impact beforehand for sensitive PI, automated decisions, entrusting, providing, disclosure and cross-border transfer",
        ),
        message: B::new(
            "请确认已对{what}事前开展个人信息保护影响评估并记录（清单中没有评估记录）",
            "confirm that {what} had a prior PI protection impact assessment, kept on record (the manifest lists none)",
        ),
        hint: B::new(
            "添加一条 [[pia]] 记录并在其 purposes 或 recipients 中列出它，或填写它的 pia",
            "add a [[pia]] record that lists it in `purposes` or `recipients`, or set its `pia`",
        ),
    },
    Rule {
        id: RuleId::Sec02,
        severity: Error,
        source: "PIPL 51, 57; INCID",
        binding: "PIPL 57",
        force: Force::Law,
        title: B::new(
            "声明个人信息安全事件应急预案（负责人、报告的监管部门、告知用户的方式）",
            "Declare an incident response plan (contact, regulator, how users are told)",
        ),
        message: B::new("安全事件应急预案有缺漏：{what}", "the incident response plan falls short: {what}"),
        hint: B::new(
            "在 [protection.incident] 中填写 contact、regulator、notify，并将 report_within 设为不超过4小时（关键信息基础设施运营者1小时）",
            "fill in `contact`, `regulator` and `notify` in [protection.incident], with `report_within` at most 4 hours (1 hour for a CIIO)",
        ),
    },
    Rule {
        id: RuleId::Sec03,
        severity: Error,
        source: "PIPL 52; AUDIT 12; CAC notice 2025-07-18",
        binding: "PIPL 52",
        force: Force::Law,
        title: B::new(
            "处理100万人以上个人信息的，指定个人信息保护负责人，并在达到该数量之日起30个工作日内向设区的市级网信部门报送",
            "With PI of 1,000,000 or more individuals, name a PI protection officer and report them to the city-level CAC within 30 working days",
        ),
        message: B::new("{count}，{what}", "{count}, and {what}"),
        hint: B::new(
            "在 [controller.officer] 中指定个人信息保护负责人，报送后在 [organisation] 中填写 officer_reported（报送日期）",
            "name the officer in [controller.officer] and, once reported, set `officer_reported` (the date) in [organisation]",
        ),
    },
    Rule {
        id: RuleId::Sec04,
        severity: Info,
        source: "AUDIT; PIPL 54",
        binding: "PIPL 54",
        force: Force::Law,
        title: B::new(
            "定期开展个人信息保护合规审计；处理1000万人以上个人信息的，至少每两年一次",
            "Audit compliance regularly; with PI of more than 10,000,000 individuals, at least every two years",
        ),
        message: B::new("请确认个人信息保护合规审计的安排：{what}", "confirm how compliance audits are done: {what}"),
        hint: B::new(
            "在 [organisation] 中填写 audit_every（审计频次，1000万人以上不超过 \"2 years\"）和 last_audit（最近一次审计日期）",
            "set `audit_every` (at most \"2 years\" above 10 million individuals) and `last_audit` (the last audit's date) in [organisation]",
        ),
    },
    Rule {
        id: RuleId::Sec07,
        severity: Error,
        source: "NDSMR 28, 30",
        binding: "NDSMR 28, 30",
        force: Force::Regulation,
        title: B::new(
            "处理1000万人以上个人信息的，从管理层成员中明确网络数据安全负责人，并设立网络数据安全管理机构",
            "With PI of 10,000,000 or more individuals, name a network data security officer from management and a management body",
        ),
        message: B::new("{count}，{what}", "{count}, and {what}"),
        hint: B::new(
            "在 [organisation] 中填写 data_security_officer（管理层成员）和 management_body",
            "set `data_security_officer` (a member of management) and `management_body` in [organisation]",
        ),
    },
    Rule {
        id: RuleId::Sec05,
        severity: Error,
        source: "PIPL 53; NDSMR 26",
        binding: "PIPL 53",
        force: Force::Law,
        title: B::new(
            "境外处理者在境内设立专门机构或指定代表，并将名称和联系方式报送设区的市级网信部门",
            "An overseas operator names a representative in China and reports its name and contact to the city-level CAC",
        ),
        message: B::new("境外个人信息处理者的境内代表{what}", "the overseas operator's representative in China {what}"),
        hint: B::new(
            "在 [organisation.representative] 中填写 name 和 contact，并报送设区的市级网信部门",
            "fill in `name` and `contact` of [organisation.representative] and report them to the city-level CAC",
        ),
    },
    Rule {
        id: RuleId::Sec08,
        severity: Info,
        source: "NETID",
        binding: "NETID",
        force: Force::DepartmentalRule,
        title: B::new(
            "实名认证支持国家网络身份认证（网号、网证），使用后不再要求提供明文身份信息",
            "Real-name verification accepts the national network identity (网号/网证) and then asks for no plaintext identity details",
        ),
        message: B::new("{what}", "{what}"),
        hint: B::new(
            "《国家网络身份认证公共服务管理办法》鼓励（并非强制）平台支持网号、网证：如支持，在 [protection.real_name] 中设置 accepts_network_identity = true",
            "NETID encourages platforms to accept the national network identity, it does not oblige them: if you do, set `accepts_network_identity = true` in [protection.real_name]",
        ),
    },
    Rule {
        id: RuleId::Sec06,
        severity: Warning,
        source: "PIPL 51",
        binding: "PIPL 51",
        force: Force::Law,
        title: B::new(
            "声明安全保护措施：访问控制、加密、去标识化、安全培训、日志记录",
            "Declare protection measures: access control, encryption, de-identification, training, logging",
        ),
        message: B::new("未声明这些安全保护措施：{missing}", "these protection measures are not declared: {missing}"),
        hint: B::new("在 [protection] 的 measures 中加入 {ids}", "add {ids} to `measures` in [protection]"),
    },
];

/// Whether a PIA id names a `[[pia]]` record.
fn pia_recorded(m: &Manifest, id: Option<&crate::ids::PiaId>) -> bool {
    id.is_some_and(|id| m.pia.iter().any(|r| &r.id == id))
}

/// A purpose is assessed when its `pia` names a record or a record lists it.
pub(crate) fn purpose_has_pia(m: &Manifest, p: &Purpose) -> bool {
    pia_recorded(m, p.pia.as_ref()) || m.pia.iter().any(|r| r.purposes.contains(&p.id))
}

/// A recipient is assessed when its `pia` names a record or a record lists it.
pub(crate) fn recipient_has_pia(m: &Manifest, r: &Recipient) -> bool {
    pia_recorded(m, r.pia.as_ref()) || m.pia.iter().any(|p| p.recipients.contains(&r.id))
}

/// The longest a duration can last, in hours; `None` for indefinite.
fn max_hours(d: &Duration) -> Option<u64> {
    match *d {
        Duration::Finite { amount, unit: Unit::Hours } => Some(u64::from(amount)),
        _ => d.max_days().map(|days| u64::from(days) * 24),
    }
}

const MILLION: u64 = 1_000_000;
const TEN_MILLION: u64 = 10_000_000;

/// Words that mark a purpose as real-name verification (SEC-08).
const REAL_NAME_WORDS: [&str; 9] = [
    "实名",
    "身份核验",
    "身份验证",
    "身份认证",
    "real-name",
    "real name",
    "realname",
    "real_name",
    "identity verification",
];

/// App types whose services commonly reach millions of users (social, messaging, streaming,
/// shopping, payment, media): without a declared figure, SEC-03 and SEC-07 ask.
fn mass_market(t: AppType) -> bool {
    matches!(
        t,
        AppType::InstantMessaging
            | AppType::OnlineCommunity
            | AppType::LiveStreaming
            | AppType::ShortVideo
            | AppType::OnlineShopping
            | AppType::OnlinePayment
            | AppType::AudioVideo
            | AppType::News
            | AppType::MapNavigation
            | AppType::Browser
            | AppType::InputMethod
    )
}

pub fn check(cx: &mut Ctx<'_>) {
    let m = cx.m;
    let org = &m.organisation;

    // SEC-01 (PIPL 55). Automated purposes are ADM-04's and flows abroad XB-03's, so that one
    // missing record is reported once.
    for (i, p) in m.purposes.iter().enumerate() {
        let sensitive: Vec<&str> = m.sensitive_fields_of(p).map(|f| f.id.as_str()).collect();
        if sensitive.is_empty() || p.automated.is_some() || purpose_has_pia(m, p) {
            continue;
        }
        let list = sensitive.join(", ");
        cx.report_bilingual(
            RuleId::Sec01,
            format!("purposes[{i}].pia"),
            &[],
            &[(
                "what",
                &format!("处理目的 `{}` 处理敏感个人信息（{list}），", p.id),
                &format!("purpose `{}`, which processes sensitive PI ({list}),", p.id),
            )],
        );
    }
    for (i, r) in m.recipients.iter().enumerate() {
        if r.is_abroad() || recipient_has_pia(m, r) {
            continue;
        }
        let kind = r.kind.label();
        let (zh, en) = if r.kind == RecipientKind::PublicDisclosure {
            (format!("公开披露 `{}` 的个人信息", r.id), format!("public disclosure `{}`", r.id))
        } else {
            (
                format!("向{} `{}` 提供或委托处理个人信息", kind.zh, r.id),
                format!("giving PI to the {} `{}`", kind.en, r.id),
            )
        };
        cx.report_bilingual(RuleId::Sec01, format!("recipients[{i}].pia"), &[], &[("what", &zh, &en)]);
    }

    // SEC-02 (PIPL 51, 57; INCID art. 4: 4 hours, a CIIO 1 hour).
    match &m.protection.incident {
        None => cx.report_bilingual(
            RuleId::Sec02,
            "protection.incident",
            &[],
            &[("what", "没有声明应急预案", "no plan is declared")],
        ),
        Some(inc) => {
            if inc.contact.trim().is_empty() {
                cx.report_bilingual(
                    RuleId::Sec02,
                    "protection.incident.contact",
                    &[],
                    &[("what", "没有负责人或联系方式", "no contact")],
                );
            }
            if inc.regulator.trim().is_empty() {
                cx.report_bilingual(
                    RuleId::Sec02,
                    "protection.incident.regulator",
                    &[],
                    &[("what", "没有写明报告的监管部门", "no regulator to report to")],
                );
            }
            if inc.notify.is_empty() {
                cx.report_bilingual(
                    RuleId::Sec02,
                    "protection.incident.notify",
                    &[],
                    &[("what", "没有写明如何告知用户", "no way of telling users")],
                );
            }
            let limit = if org.ciio { 1 } else { 4 };
            if let Some(within) = &inc.report_within
                && max_hours(within).is_none_or(|h| h > limit)
            {
                let zh = format!(
                    "较大及以上安全事件的报告时限为{}，超过{limit}小时",
                    within.display(crate::text::Lang::ZhCn)
                );
                let en = format!(
                    "incidents graded 较大 or above are reported within {}, more than {limit} hour{}",
                    within.display(crate::text::Lang::En),
                    if limit == 1 { "" } else { "s" }
                );
                cx.report_bilingual(RuleId::Sec02, "protection.incident.report_within", &[], &[("what", &zh, &en)]);
            }
        }
    }

    // SEC-03 (PIPL 52; AUDIT 12)
    if let Some(n) = org.individuals.filter(|n| *n >= MILLION) {
        let count = (format!("处理{n}人的个人信息"), format!("PI of {n} individuals is processed"));
        if m.controller.officer.as_ref().is_none_or(|o| o.name.trim().is_empty()) {
            cx.report_bilingual(
                RuleId::Sec03,
                "controller.officer",
                &[],
                &[
                    ("count", &count.0, &count.1),
                    ("what", "未指定个人信息保护负责人", "no PI protection officer is named"),
                ],
            );
        }
        if org.officer_reported.is_none() {
            cx.report_bilingual(
                RuleId::Sec03,
                "organisation.officer_reported",
                &[],
                &[
                    ("count", &count.0, &count.1),
                    (
                        "what",
                        "未声明已向设区的市级网信部门报送负责人信息",
                        "the officer is not declared as reported to the city-level CAC",
                    ),
                ],
            );
        }
    }

    check_audit(cx);

    // SEC-07 (NDSMR 28, 30)
    if let Some(n) = org.individuals.filter(|n| *n >= TEN_MILLION) {
        let count = (format!("处理{n}人的个人信息"), format!("PI of {n} individuals is processed"));
        if !filled(org.data_security_officer.as_deref()) {
            cx.report_bilingual(
                RuleId::Sec07,
                "organisation.data_security_officer",
                &[],
                &[
                    ("count", &count.0, &count.1),
                    ("what", "但未明确网络数据安全负责人", "no network data security officer is named"),
                ],
            );
        }
        if !filled(org.management_body.as_deref()) {
            cx.report_bilingual(
                RuleId::Sec07,
                "organisation.management_body",
                &[],
                &[
                    ("count", &count.0, &count.1),
                    ("what", "但未明确网络数据安全管理机构", "no network data security management body is named"),
                ],
            );
        }
    }

    // SEC-03, SEC-07: no figure, yet an app of a kind that commonly serves millions; a
    // manifest cannot show the count, so the operator is asked.
    if org.individuals.is_none() && mass_market(m.controller.app_type) {
        let kind = m.controller.app_type;
        let count = (
            format!(
                "未声明处理个人信息的人数（[organisation] individuals），{}类应用常达百万乃至千万级",
                kind.name_zh()
            ),
            format!(
                "the number of individuals is not declared ([organisation] `individuals`), and {} apps often reach millions",
                kind.name_en().to_lowercase()
            ),
        );
        let asks: [(RuleId, &str, &str, &str); 2] = [
            (
                RuleId::Sec03,
                "请确认是否已达100万人：达到的，须指定个人信息保护负责人并报送设区的市级网信部门",
                "confirm whether it reaches 1,000,000: then a PI protection officer must be named and reported to the city-level CAC",
                "organisation",
            ),
            (
                RuleId::Sec07,
                "请确认是否已达1000万人：达到的，须从管理层明确网络数据安全负责人并设立管理机构",
                "confirm whether it reaches 10,000,000: then a network data security officer from management and a management body must be named",
                "organisation",
            ),
        ];
        for (id, zh, en, path) in asks {
            cx.report_at(id, Info, path, &[], &[("count", &count.0, &count.1), ("what", zh, en)]);
        }
    }

    // SEC-05 (PIPL 53; NDSMR 26)
    if org.overseas {
        match &org.representative {
            Some(r) if r.name.trim().is_empty() => cx.report_bilingual(
                RuleId::Sec05,
                "organisation.representative.name",
                &[],
                &[("what", "没有名称", "has no name")],
            ),
            Some(r) if r.contact.is_empty() => cx.report_bilingual(
                RuleId::Sec05,
                "organisation.representative.contact",
                &[],
                &[("what", "没有联系方式", "has no contact")],
            ),
            Some(_) => {}
            None => cx.report_bilingual(
                RuleId::Sec05,
                "organisation.representative",
                &[],
                &[("what", "未指定", "is not named")],
            ),
        }
    }

    check_real_name(cx);

    // SEC-06 (PIPL 51)
    let missing: Vec<Measure> = Measure::REQUIRED.into_iter().filter(|x| !m.protection.measures.contains(x)).collect();
    if !missing.is_empty() {
        let zh: Vec<&str> = missing.iter().map(|x| x.label().zh).collect();
        let en: Vec<&str> = missing.iter().map(|x| x.label().en).collect();
        let ids: Vec<String> = missing.iter().map(|x| format!("\"{}\"", measure_id(*x))).collect();
        cx.report_bilingual(
            RuleId::Sec06,
            "protection.measures",
            &[("ids", &ids.join(", "))],
            &[("missing", &zh.join("、"), &en.join(", "))],
        );
    }
}

/// SEC-04 (AUDIT; PIPL 54): above 10 million individuals an audit at least every two years,
/// and one done; below, audits planned in some form.
fn check_audit(cx: &mut Ctx<'_>) {
    let m = cx.m;
    let org = &m.organisation;
    let large = org.individuals.is_some_and(|n| n > TEN_MILLION);
    if !large {
        let planned =
            org.last_audit.is_some() || org.audit_every.is_some() || m.protection.measures.contains(&Measure::Audit);
        if !planned {
            cx.report_bilingual(
                RuleId::Sec04,
                "organisation.audit_every",
                &[],
                &[("what", "没有声明定期开展合规审计", "no regular audit is declared")],
            );
        }
        return;
    }
    match &org.audit_every {
        None => cx.report_bilingual(
            RuleId::Sec04,
            "organisation.audit_every",
            &[],
            &[(
                "what",
                "处理超过1000万人的个人信息，但未声明审计频次",
                "PI of more than 10 million individuals is processed, but no audit frequency is declared",
            )],
        ),
        Some(every) if !every.at_most(&Duration::years(2)) => {
            let zh =
                format!("处理超过1000万人的个人信息，审计频次为每{}，长于两年", every.display(crate::text::Lang::ZhCn));
            let en = format!(
                "PI of more than 10 million individuals is processed, and audits run every {}, longer than two years",
                every.display(crate::text::Lang::En)
            );
            cx.report_bilingual(RuleId::Sec04, "organisation.audit_every", &[], &[("what", &zh, &en)]);
        }
        Some(_) => {}
    }
    match org.last_audit {
        None => cx.report_bilingual(
            RuleId::Sec04,
            "organisation.last_audit",
            &[],
            &[(
                "what",
                "处理超过1000万人的个人信息，但未声明最近一次审计的日期",
                "PI of more than 10 million individuals is processed, but the date of the last audit is not declared",
            )],
        ),
        Some(last) => {
            // The policy's own date is the reference: the check stays the same whenever it runs.
            let as_of = m.policy.effective.or(m.policy.published);
            let due = last.checked_add_months(chrono::Months::new(24));
            if let (Some(as_of), Some(due)) = (as_of, due)
                && as_of > due
            {
                let zh = format!("最近一次审计在{last}，到政策生效日{as_of}已超过两年");
                let en = format!("the last audit was on {last}, more than two years before the policy's date {as_of}");
                cx.report_bilingual(RuleId::Sec04, "organisation.last_audit", &[], &[("what", &zh, &en)]);
            }
        }
    }
}

/// SEC-08 (NETID): real-name verification and the national network identity.
fn check_real_name(cx: &mut Ctx<'_>) {
    let m = cx.m;
    match &m.protection.real_name {
        Some(r) if !r.accepts_network_identity => {
            cx.report_bilingual(
                RuleId::Sec08,
                "protection.real_name.accepts_network_identity",
                &[],
                &[(
                    "what",
                    "实名认证不支持国家网络身份认证（网号、网证）",
                    "real-name verification does not accept the national network identity (网号/网证)",
                )],
            );
        }
        Some(_) => {}
        None => {
            for (i, p) in m.purposes.iter().enumerate() {
                let ids = p
                    .fields
                    .iter()
                    .filter_map(|f| m.field(f.as_str()))
                    .any(|f| f.category == Category::IdentityDocument);
                if !ids || !is_real_name(p) {
                    continue;
                }
                let zh = format!(
                    "处理目的 `{}` 使用身份证件信息进行实名认证，但未在 [protection.real_name] 中说明是否支持网号、网证",
                    p.id
                );
                let en = format!(
                    "purpose `{}` uses identity documents for real-name verification, but [protection.real_name] does not say whether the national network identity is accepted",
                    p.id
                );
                cx.report_bilingual(RuleId::Sec08, format!("purposes[{i}].fields"), &[], &[("what", &zh, &en)]);
            }
        }
    }
}

fn is_real_name(p: &Purpose) -> bool {
    let texts = [
        Some(p.id.as_str()),
        Some(p.name.as_str()),
        p.name_en.as_deref(),
        p.description.as_deref(),
        p.description_en.as_deref(),
    ];
    texts.into_iter().flatten().any(|t| {
        let t = t.to_lowercase();
        REAL_NAME_WORDS.iter().any(|w| t.contains(w))
    })
}

/// The manifest spelling of a measure.
fn measure_id(x: Measure) -> &'static str {
    match x {
        Measure::AccessControl => "access-control",
        Measure::Encryption => "encryption",
        Measure::DeIdentification => "de-identification",
        Measure::Training => "training",
        Measure::Logging => "logging",
        Measure::Audit => "audit",
        Measure::IncidentDrills => "incident-drills",
        Measure::Backups => "backups",
    }
}

#[cfg(test)]
mod tests;

//! Retention: how long PI is kept and what happens at the end (PIPL 19, 47, 73; CSL 23(3);
//! ECL 31; AML 34; GB/T 35273 8.3; `pipl-rules.md` parts C and F).

use super::{Ctx, Force, Rule, RuleId, Severity::*};
use crate::duration::Duration;
use crate::manifest::{Disposal, Field, LegalMinimum, Purpose, Retention, RetentionStart, Sector, Source};
use crate::taxonomy::Category;
use crate::text::{Lang, Text as B};

pub const RULES: &[Rule] = &[
    Rule {
        id: RuleId::Ret01,
        severity: Error,
        source: "CSL 23(3)",
        binding: "CSL 23(3)",
        force: Force::Law,
        title: B::new(
            "网络日志、安全事件记录保存不少于六个月",
            "Network and security logs are kept for at least six months",
        ),
        message: B::new("{problem}", "{problem}"),
        hint: B::new(
            "为保存网络日志的处理目的将 retention.period 设为不少于 \"6 months\"（可加 at_least = true），并填写 legal_minimum = \"network-logs\"：注销或删除时日志依法保留",
            "give the purpose that keeps network logs a `retention.period` of at least \"6 months\" (`at_least = true` if it is a floor) and `legal_minimum = \"network-logs\"`: logs are then held through cancellation and deletion",
        ),
    },
    Rule {
        id: RuleId::Ret02,
        severity: Error,
        source: "ECL 31",
        binding: "ECL 31",
        force: Force::Law,
        title: B::new(
            "电子商务平台经营者保存商品和服务信息、交易信息自交易完成之日起不少于三年",
            "An e-commerce platform keeps goods, service and transaction records for at least three years after completion",
        ),
        message: B::new(
            "电子商务平台的交易记录保存不符合要求：{problem}",
            "e-commerce platform records are not kept as required: {problem}",
        ),
        hint: B::new(
            "为保存商品、服务和交易信息的处理目的设置 retention = { period = \"3 years\", from = \"transaction-completion\", legal_minimum = \"ecommerce-records\" }",
            "give the purpose that keeps goods, service and transaction records `retention = { period = \"3 years\", from = \"transaction-completion\", legal_minimum = \"ecommerce-records\" }`",
        ),
    },
    Rule {
        id: RuleId::Ret03,
        severity: Error,
        source: "PIPL 19",
        binding: "PIPL 19",
        force: Force::Law,
        title: B::new("基于同意处理的个人信息不得永久保存", "Consent-based data is not kept indefinitely"),
        message: B::new(
            "处理目的 `{purpose}` 基于同意处理，却无期限地保存个人信息",
            "purpose `{purpose}` is based on consent but keeps the data with no end",
        ),
        hint: B::new(
            "保存期限应为实现处理目的所必要的最短时间：为 retention.period 设定具体期限",
            "keep the data only as long as the purpose needs: give `retention.period` a finite duration",
        ),
    },
    Rule {
        id: RuleId::Ret04,
        severity: Error,
        source: "PIPL 47, 73",
        binding: "PIPL 47",
        force: Force::Law,
        title: B::new(
            "保存期限届满后删除或匿名化处理，去标识化不等于匿名化",
            "At the end of retention the data is deleted or anonymised; de-identified is not anonymised",
        ),
        message: B::new("处理目的 `{purpose}`：{problem}", "purpose `{purpose}`: {problem}"),
        hint: B::new(
            "将 retention.then 设为 \"delete\" 或 \"anonymise\"",
            "set `retention.then` to \"delete\" or \"anonymise\"",
        ),
    },
    Rule {
        id: RuleId::Ret05,
        severity: Warning,
        source: "35273 8.3",
        binding: "35273 8.3",
        force: Force::RecommendedStandard,
        title: B::new("说明已删除的信息何时从备份中清除", "Say when erased data leaves the backups"),
        message: B::new(
            "未说明已删除的个人信息在多长时间内从备份中清除",
            "the policy does not say how soon erased data leaves the backups",
        ),
        hint: B::new(
            "在 [storage] 中填写 backups_purged_within（如 \"30 days\"）",
            "set `backups_purged_within` in [storage] (e.g. \"30 days\")",
        ),
    },
    Rule {
        id: RuleId::Ret06,
        severity: Error,
        source: "AML 34",
        binding: "AML 34",
        force: Force::Law,
        title: B::new(
            "金融机构保存客户身份资料和交易记录不少于十年",
            "Financial institutions keep customer identity and transaction records for at least ten years",
        ),
        message: B::new(
            "反洗钱记录的保存不符合要求：{problem}",
            "anti-money-laundering records are not kept as required: {problem}",
        ),
        hint: B::new(
            "客户身份资料：retention = { period = \"10 years\", from = \"relationship-end\", legal_minimum = \"aml-customer-identity\" }；交易记录：retention = { period = \"10 years\", from = \"transaction-completion\", legal_minimum = \"aml-transactions\" }",
            "customer identity: `retention = { period = \"10 years\", from = \"relationship-end\", legal_minimum = \"aml-customer-identity\" }`; transactions: `retention = { period = \"10 years\", from = \"transaction-completion\", legal_minimum = \"aml-transactions\" }`",
        ),
    },
    Rule {
        id: RuleId::Ret07,
        severity: Error,
        source: "税收征管法实施细则 29",
        binding: "税收征管法实施细则 29",
        force: Force::Regulation,
        title: B::new(
            "账簿、记账凭证、完税凭证等涉税资料（含代扣代缴）保存十年",
            "Tax records (books, vouchers, tax receipts, withholding) are kept for ten years",
        ),
        message: B::new("涉税资料的保存不符合要求：{problem}", "tax records are not kept as required: {problem}"),
        hint: B::new(
            "为保存涉税资料的处理目的设置 retention = { period = \"10 years\", from = \"transaction-completion\", legal_minimum = \"tax-records\" }",
            "give the purpose that keeps tax records `retention = { period = \"10 years\", from = \"transaction-completion\", legal_minimum = \"tax-records\" }`",
        ),
    },
    Rule {
        id: RuleId::Ret08,
        severity: Warning,
        source: "PIPL 19; ECL 31",
        binding: "PIPL 19",
        force: Force::Law,
        title: B::new(
            "只在法律确实适用时以法定保存期限为由延长保存：《电子商务法》第三十一条只约束电子商务平台经营者",
            "Keep data longer on a legal minimum only where that law applies: ECL 31 binds e-commerce platform operators only",
        ),
        message: B::new(
            "处理目的 `{purpose}` 以《电子商务法》第三十一条的三年最短期限保存，但处理者没有声明为电子商务平台经营者",
            "purpose `{purpose}` keeps data for ECL 31's three-year minimum, but the operator is not declared an e-commerce platform",
        ),
        hint: B::new(
            "第三十一条只约束平台经营者；自营商品或服务的，按第十九条保存到目的所必需的最短时间，或写明真正适用的法律（如涉税资料 legal_minimum = \"tax-records\"）；确为平台的，在 [controller] 中设 ecommerce_platform = true",
            "art. 31 binds platform operators only; a seller of its own goods or services keeps data no longer than its purpose needs (PIPL 19) or names the law that does apply (e.g. `legal_minimum = \"tax-records\"`); a platform sets `ecommerce_platform = true` in [controller]",
        ),
    },
];

/// The purpose's retention period when it is shorter than `minimum`.
pub(crate) fn shorter_than(r: &Retention, minimum: &Duration) -> Option<Duration> {
    r.period.filter(|p| !p.at_least(minimum))
}

/// Whether a text names logs: the word "log"/"logs"/"logging" (not "login" or "blog") or 日志.
fn says_log(text: &str) -> bool {
    if text.contains("日志") {
        return true;
    }
    // Split snake_case, kebab-case, spaces and camelCase into words.
    let mut words = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in text.chars() {
        let boundary = !c.is_ascii_alphanumeric() || (c.is_ascii_uppercase() && prev_lower);
        if boundary && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        }
        prev_lower = c.is_ascii_lowercase();
    }
    words.push(word);
    words
        .iter()
        .any(|w| matches!(w.as_str(), "log" | "logs" | "logging" | "syslog" | "syslogs" | "logfile" | "logfiles"))
}

/// A field that is a network log: online records or network identifiers collected
/// automatically while the service runs.
fn is_log_field(f: &Field) -> bool {
    matches!(f.category, Category::UsageRecords | Category::NetworkIdentity) && f.source == Source::Automatic
}

/// RET-01 applies to a purpose that declares the network-log minimum, or that keeps log
/// fields and calls itself a log.
fn keeps_network_logs(cx: &Ctx<'_>, p: &Purpose, r: &Retention) -> bool {
    match r.legal_minimum {
        Some(lm) => lm == LegalMinimum::NetworkLogs,
        None => {
            let named_log = says_log(p.id.as_str()) || says_log(&p.name) || p.name_en.as_deref().is_some_and(says_log);
            named_log && p.fields.iter().filter_map(|f| cx.m.field(f.as_str())).any(is_log_field)
        }
    }
}

/// RET-01: log data is collected (an automatic network identifier, or a field named a log), yet no purpose keeps network logs under their legal minimum; worse when
/// cancellation erases everything sooner than six months (seed 000: "即刻删除").
fn no_log_keeper(cx: &mut Ctx<'_>) {
    let m = cx.m;
    let keeps = m.purposes.iter().any(|p| p.retention.as_ref().is_some_and(|r| keeps_network_logs(cx, p, r)));
    if keeps {
        return;
    }
    // Network identifiers collected automatically (an IP address and its time), or a field
    // that calls itself a log; browsing records alone are not the network log.
    let log = |f: &&Field| {
        (f.category == Category::NetworkIdentity && f.source == Source::Automatic)
            || says_log(&f.name)
            || f.name_en.as_deref().is_some_and(says_log)
    };
    // A declared field is collected, whether or not a purpose claims it (seed 000 lists the
    // IP address in its introduction only).
    let logs: Vec<&Field> = m.fields.iter().filter(log).collect();
    let Some(first) = logs.first() else { return };
    let Some(i) = m.fields.iter().position(|f| f.id == first.id) else { return };
    let names: Vec<String> = logs.iter().map(|f| format!("`{}`", f.id)).collect();
    let mut zh =
        format!("收集了网络日志类信息（{}），但没有任何处理目的依法留存网络日志不少于六个月", names.join("、"));
    let mut en = format!(
        "log data is collected ({}), but no purpose keeps network logs for the six months the law requires",
        names.join(", ")
    );
    let minimum = LegalMinimum::NetworkLogs.minimum();
    let erase = m.rights.cancellation.as_ref().filter(|c| c.offered).and_then(|c| c.erase_within);
    if let Some(d) = erase.filter(|d| !d.at_least(&minimum)) {
        let (when_zh, when_en) = if d.at_least(&Duration::days(1)) {
            (format!("{}内", d.display(Lang::ZhCn)), format!("within {}", d.display(Lang::En)))
        } else {
            (d.display(Lang::ZhCn), d.display(Lang::En))
        };
        zh.push_str(&format!("；注销账号后{when_zh}删除全部信息，日志也随之删除"));
        en.push_str(&format!("; cancellation erases everything {when_en}, the logs included"));
    }
    cx.report_bilingual(RuleId::Ret01, format!("fields[{i}]"), &[], &[("problem", &zh, &en)]);
}

/// A purpose's period counted from an event that may come before the one the law counts
/// from (`allowed`), so the data could go before the legal minimum has run.
fn wrong_start(r: &Retention, allowed: &[RetentionStart]) -> bool {
    !allowed.contains(&r.from)
}

/// Checks the purposes that declare `minimum`; reports `rule` with a bilingual problem.
/// Returns whether any purpose declared it.
fn check_minimum(cx: &mut Ctx<'_>, rule: RuleId, minimum: LegalMinimum, allowed: &[RetentionStart]) -> bool {
    let m = cx.m;
    let mut declared = false;
    for (i, p) in m.purposes.iter().enumerate() {
        let Some(r) = p.retention.as_ref().filter(|r| r.legal_minimum == Some(minimum)) else { continue };
        declared = true;
        let at = format!("purposes[{i}].retention");
        if let Some(period) = shorter_than(r, &minimum.minimum()) {
            let min = minimum.minimum();
            cx.report_bilingual(
                rule,
                format!("{at}.period"),
                &[],
                &[(
                    "problem",
                    &format!(
                        "处理目的 `{}` 只保存{}，少于{}",
                        p.id,
                        period.display(Lang::ZhCn),
                        min.display(Lang::ZhCn)
                    ),
                    &format!(
                        "purpose `{}` keeps them for {}, less than {}",
                        p.id,
                        period.display(Lang::En),
                        min.display(Lang::En)
                    ),
                )],
            );
        }
        if wrong_start(r, allowed) {
            let start = r.from.label();
            let want = allowed.first().map_or(start, |s| s.label());
            cx.report_bilingual(
                rule,
                format!("{at}.from"),
                &[],
                &[(
                    "problem",
                    &format!("处理目的 `{}` 的保存期限{}计算，应{}计算", p.id, start.zh, want.zh),
                    &format!("purpose `{}` counts the period {}; it should count it {}", p.id, start.en, want.en),
                )],
            );
        }
    }
    declared
}

pub fn check(cx: &mut Ctx<'_>) {
    let m = cx.m;

    for (i, p) in m.purposes.iter().enumerate() {
        let Some(r) = &p.retention else { continue };
        let at = format!("purposes[{i}].retention");

        // RET-01 (CSL 23(3)): network logs at least six months.
        if keeps_network_logs(cx, p, r)
            && let Some(period) = shorter_than(r, &LegalMinimum::NetworkLogs.minimum())
        {
            let zh = format!("处理目的 `{}` 保存网络日志{}，少于法律要求的六个月", p.id, period.display(Lang::ZhCn));
            let en = format!(
                "purpose `{}` keeps network logs for {}, less than the six months the law requires",
                p.id,
                period.display(Lang::En)
            );
            cx.report_bilingual(RuleId::Ret01, format!("{at}.period"), &[], &[("problem", &zh, &en)]);
        }

        // RET-03 (PIPL 19): consent-based data is kept no longer than the purpose needs.
        if p.needs_consent() {
            if r.period == Some(Duration::Indefinite) {
                cx.report(RuleId::Ret03, format!("{at}.period"), &[("purpose", p.id.as_str())]);
            } else if r.period.is_none() && r.method.as_deref().is_some_and(says_forever) {
                cx.report(RuleId::Ret03, format!("{at}.method"), &[("purpose", p.id.as_str())]);
            }
        }

        // RET-04 (PIPL 47, 73): delete or anonymise; data kept with no end has no "then".
        if r.period != Some(Duration::Indefinite) {
            match r.then {
                None => cx.report_bilingual(RuleId::Ret04, at.clone(), &[("purpose", p.id.as_str())], &[(
                    "problem",
                    "未说明保存期限届满后如何处理个人信息",
                    "it does not say what happens to the data when the retention ends",
                )]),
                Some(Disposal::DeIdentify) => cx.report_bilingual(RuleId::Ret04, format!("{at}.then"), &[("purpose", p.id.as_str())], &[(
                    "problem",
                    "保存期限届满后仅作去标识化处理，去标识化的信息仍是个人信息，应删除或匿名化",
                    "the data is only de-identified when the retention ends; de-identified data is still personal information and must be deleted or anonymised",
                )]),
                Some(_) => {}
            }
        }
    }

    // RET-01 (CSL 23(3)): every network operator keeps its logs six months, so a manifest
    // that collects log data must say which purpose keeps them.
    no_log_keeper(cx);

    // RET-02 (ECL 31): only for a declared e-commerce platform.
    if m.controller.ecommerce_platform {
        let allowed = [
            RetentionStart::TransactionCompletion,
            RetentionStart::RelationshipEnd,
            RetentionStart::AccountCancellation,
            RetentionStart::PurposeEnd,
        ];
        if !check_minimum(cx, RuleId::Ret02, LegalMinimum::EcommerceRecords, &allowed) {
            cx.report_bilingual(RuleId::Ret02, "controller.ecommerce_platform", &[], &[(
                "problem",
                "声明了电子商务平台经营者身份，但没有任何处理目的声明保存商品、服务和交易信息的法定最短期限",
                "the operator is declared an e-commerce platform but no purpose declares the legal minimum for goods, service and transaction records",
            )]);
        }
    }

    // RET-08 (PIPL 19): ECL 31's minimum claimed by an operator it does not bind (seed 002).
    if !m.controller.ecommerce_platform {
        for (i, p) in m.purposes.iter().enumerate() {
            let claims = p.retention.as_ref().is_some_and(|r| r.legal_minimum == Some(LegalMinimum::EcommerceRecords));
            if claims {
                let at = format!("purposes[{i}].retention.legal_minimum");
                cx.report(RuleId::Ret08, at, &[("purpose", p.id.as_str())]);
            }
        }
    }

    // RET-05 (35273 8.3): backups.
    match m.storage.backups_purged_within {
        None => cx.report(RuleId::Ret05, "storage", &[]),
        Some(Duration::Indefinite) => cx.report(RuleId::Ret05, "storage.backups_purged_within", &[]),
        Some(_) => {}
    }

    // RET-07 (税收征收管理法实施细则 29): for any operator that keeps tax records.
    tax_records(cx);

    // RET-06 (AML 34): only for financial institutions.
    if m.controller.sector == Sector::Finance {
        let identity = [RetentionStart::RelationshipEnd, RetentionStart::AccountCancellation];
        let transactions = [
            RetentionStart::TransactionCompletion,
            RetentionStart::RelationshipEnd,
            RetentionStart::AccountCancellation,
            RetentionStart::PurposeEnd,
        ];
        let missing: [(bool, &str, &str); 2] = [
            (
                check_minimum(cx, RuleId::Ret06, LegalMinimum::AmlCustomerIdentity, &identity),
                "客户身份资料",
                "customer identity records",
            ),
            (
                check_minimum(cx, RuleId::Ret06, LegalMinimum::AmlTransactions, &transactions),
                "交易记录",
                "transaction records",
            ),
        ];
        for (declared, zh, en) in missing {
            if !declared {
                cx.report_bilingual(
                    RuleId::Ret06,
                    "controller.sector",
                    &[],
                    &[(
                        "problem",
                        &format!("行业为金融，但没有处理目的声明{zh}的法定最短保存期限"),
                        &format!("the sector is finance but no purpose declares the legal minimum for {en}"),
                    )],
                );
            }
        }
    }
}

/// Chinese words, and English words (whole words: not "taxi"), that mark a purpose as keeping
/// tax records (withholding, invoices, tax filings).
const TAX_WORDS_ZH: [&str; 2] = ["税", "发票"];
const TAX_WORDS_EN: [&str; 7] = ["tax", "taxes", "withholding", "invoice", "invoices", "invoicing", "fapiao"];

fn says_tax(text: &str) -> bool {
    let lower = text.to_lowercase();
    TAX_WORDS_ZH.iter().any(|w| lower.contains(w))
        || lower.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| TAX_WORDS_EN.contains(&w))
}

/// RET-07 (税收征收管理法实施细则 art. 29): tax records are kept ten years. A purpose that
/// declares the minimum is held to it; one that speaks of taxes or invoices but declares no
/// legal minimum is asked to (a warning: the words are a guess).
fn tax_records(cx: &mut Ctx<'_>) {
    let allowed = [
        RetentionStart::TransactionCompletion,
        RetentionStart::RelationshipEnd,
        RetentionStart::AccountCancellation,
        RetentionStart::PurposeEnd,
    ];
    check_minimum(cx, RuleId::Ret07, LegalMinimum::TaxRecords, &allowed);
    let m = cx.m;
    for (i, p) in m.purposes.iter().enumerate() {
        if p.retention.as_ref().is_some_and(|r| r.legal_minimum.is_some()) {
            continue;
        }
        let texts = [Some(p.id.as_str()), Some(p.name.as_str()), p.name_en.as_deref(), p.basis_note.as_deref()];
        if texts.into_iter().flatten().any(says_tax) {
            let zh = format!("处理目的 `{}` 似乎涉及涉税资料，但没有声明法定最短保存期限（十年）", p.id);
            let en = format!("purpose `{}` seems to keep tax records but declares no legal minimum (ten years)", p.id);
            cx.report_at(RuleId::Ret07, Warning, format!("purposes[{i}].retention"), &[], &[("problem", &zh, &en)]);
        }
    }
}

/// A retention method that says the data is kept for ever.
fn says_forever(text: &str) -> bool {
    let t = text.to_lowercase();
    ["永久", "无限期", "长期保存", "permanent", "indefinite", "forever"].iter().any(|w| t.contains(w))
}

#[cfg(test)]
mod tests {
    use super::says_log;
    use crate::duration::Duration;
    use crate::manifest::*;
    use crate::rules::tests::{assert_quiet, assert_rule, findings_of};
    use crate::rules::{RuleId, Severity};

    fn purpose(m: &Manifest, id: &str) -> usize {
        m.purposes.iter().position(|p| p.id.as_str() == id).unwrap_or_else(|| panic!("no purpose {id}"))
    }

    fn retention<'a>(m: &'a mut Manifest, id: &str) -> &'a mut Retention {
        let i = purpose(m, id);
        m.purposes[i].retention.as_mut().unwrap_or_else(|| panic!("{id} has no retention"))
    }

    #[test]
    fn log_words() {
        assert!(says_log("security_logs"));
        assert!(says_log("accessLog"));
        assert!(says_log("网络安全日志"));
        assert!(says_log("Network security logs"));
        assert!(!says_log("login"));
        assert!(!says_log("blog"));
        assert!(!says_log("catalog"));
    }

    #[test]
    fn ret_08() {
        // Seed 002: order records kept under ECL 31 by a seller of its own service.
        let orders = |m: &mut Manifest| {
            let r = retention(m, "recommend");
            r.period = Some(Duration::years(3));
            r.from = RetentionStart::TransactionCompletion;
            r.legal_minimum = Some(LegalMinimum::EcommerceRecords);
        };
        assert_rule(RuleId::Ret08, orders);
        assert_quiet(RuleId::Ret08, |m| {
            orders(m);
            m.controller.ecommerce_platform = true;
        });
    }

    #[test]
    fn ret_01() {
        assert_rule(RuleId::Ret01, |m| retention(m, "security_logs").period = Some(Duration::days(90)));
        // Named as a log and keeping automatic network identifiers, with no legal minimum.
        assert_rule(RuleId::Ret01, |m| {
            let r = retention(m, "security_logs");
            r.legal_minimum = None;
            r.period = Some(Duration::months(3));
        });
        // A purpose that is not about logs may keep network identifiers for less.
        assert_quiet(RuleId::Ret01, |m| {
            let i = purpose(m, "recommend");
            m.purposes[i].fields.push("ip_log".into());
        });
        // Log data collected, and no purpose keeps the logs (seeds 000 and 001).
        let no_keeper = |m: &mut Manifest| {
            m.purposes.retain(|p| p.id.as_str() != "security_logs");
            let i = purpose(m, "recommend");
            m.purposes[i].fields.push("ip_log".into());
        };
        assert_rule(RuleId::Ret01, no_keeper);
        let f = findings_of(RuleId::Ret01, |m| {
            no_keeper(m);
            if let Some(c) = m.rights.cancellation.as_mut() {
                c.erase_within = Some(Duration::days(0));
            }
        });
        assert_eq!(f.len(), 1, "{f:#?}");
        assert!(
            f[0].message_zh.contains("`ip_log`") && f[0].message_zh.contains("注销账号后立即删除全部信息"),
            "{f:#?}"
        );
        assert!(f[0].message_en.contains("cancellation erases everything immediately"), "{f:#?}");
        // Declared log data is collected even when no purpose claims it (seed 000's IP address).
        assert_rule(RuleId::Ret01, |m| m.purposes.retain(|p| p.id.as_str() != "security_logs"));
        // Without log data there is no log to keep.
        assert_quiet(RuleId::Ret01, |m| {
            m.purposes.retain(|p| p.id.as_str() != "security_logs");
            m.fields.retain(|f| f.id.as_str() != "ip_log");
        });
    }

    #[test]
    fn ret_02() {
        assert_rule(RuleId::Ret02, |m| m.controller.ecommerce_platform = true);
        assert_rule(RuleId::Ret02, |m| {
            m.controller.ecommerce_platform = true;
            let r = retention(m, "register");
            r.legal_minimum = Some(LegalMinimum::EcommerceRecords);
            r.period = Some(Duration::years(3));
            r.from = RetentionStart::Collection;
        });
        assert_rule(RuleId::Ret02, |m| {
            m.controller.ecommerce_platform = true;
            let r = retention(m, "register");
            r.legal_minimum = Some(LegalMinimum::EcommerceRecords);
            r.period = Some(Duration::years(1));
            r.from = RetentionStart::TransactionCompletion;
        });
        assert_quiet(RuleId::Ret02, |m| {
            m.controller.ecommerce_platform = true;
            let r = retention(m, "register");
            r.legal_minimum = Some(LegalMinimum::EcommerceRecords);
            r.period = Some(Duration::years(3));
            r.from = RetentionStart::TransactionCompletion;
        });
    }

    #[test]
    fn ret_03() {
        assert_rule(RuleId::Ret03, |m| retention(m, "recommend").period = Some(Duration::Indefinite));
        assert_rule(RuleId::Ret03, |m| {
            let r = retention(m, "recommend");
            r.period = None;
            r.method = Some("永久保存".into());
        });
        // Kept with no end on a legal basis other than consent is not this rule.
        assert_quiet(RuleId::Ret03, |m| retention(m, "security_logs").period = Some(Duration::Indefinite));
    }

    #[test]
    fn ret_04() {
        assert_rule(RuleId::Ret04, |m| retention(m, "push").then = None);
        assert_rule(RuleId::Ret04, |m| retention(m, "recommend").then = Some(Disposal::DeIdentify));
    }

    #[test]
    fn ret_05() {
        assert_rule(RuleId::Ret05, |m| m.storage.backups_purged_within = None);
        assert_rule(RuleId::Ret05, |m| m.storage.backups_purged_within = Some(Duration::Indefinite));
    }

    /// Seed 004 withholds tax ("代缴税款") and deletes the records 15 working days after
    /// cancellation; tax records are kept ten years (税收征收管理法实施细则 第二十九条).
    #[test]
    fn ret_07_tax_records_ten_years() {
        let tax = |m: &mut Manifest, period: Duration| {
            let r = retention(m, "publish");
            r.legal_minimum = Some(LegalMinimum::TaxRecords);
            r.period = Some(period);
            r.from = RetentionStart::TransactionCompletion;
        };
        assert_rule(RuleId::Ret07, |m| tax(m, Duration::working_days(15)));
        assert_rule(RuleId::Ret07, |m| tax(m, Duration::years(3)));
        assert_quiet(RuleId::Ret07, |m| tax(m, Duration::years(10)));
        assert_eq!(LegalMinimum::TaxRecords.minimum(), Duration::years(10));
        // Named like tax withholding with no legal minimum: a warning asking for one.
        let found = crate::rules::tests::findings_of(RuleId::Ret07, |m| {
            let i = m.purposes.iter().position(|p| p.id.as_str() == "publish").unwrap_or_default();
            m.purposes[i].name = "代缴税款".into();
        });
        assert!(found.len() == 1 && found[0].severity == Severity::Warning, "{found:#?}");
        assert!(super::says_tax("tax_withholding") && super::says_tax("Issuing invoices"));
        assert!(!super::says_tax("Taxi booking") && !super::says_tax("syntax help"));
    }

    #[test]
    fn ret_06() {
        assert_rule(RuleId::Ret06, |m| m.controller.sector = Sector::Finance);
        assert_rule(RuleId::Ret06, |m| {
            m.controller.sector = Sector::Finance;
            let r = retention(m, "register");
            r.legal_minimum = Some(LegalMinimum::AmlCustomerIdentity);
            r.period = Some(Duration::years(10));
            r.from = RetentionStart::AccountCancellation;
            let r = retention(m, "publish");
            r.legal_minimum = Some(LegalMinimum::AmlTransactions);
            r.period = Some(Duration::years(5));
            r.from = RetentionStart::TransactionCompletion;
        });
        assert_quiet(RuleId::Ret06, |m| {
            m.controller.sector = Sector::Finance;
            let r = retention(m, "register");
            r.legal_minimum = Some(LegalMinimum::AmlCustomerIdentity);
            r.period = Some(Duration::years(10));
            r.from = RetentionStart::AccountCancellation;
            let r = retention(m, "publish");
            r.legal_minimum = Some(LegalMinimum::AmlTransactions);
            r.period = Some(Duration::years(10));
            r.from = RetentionStart::TransactionCompletion;
        });
    }
}

use crate::app_types::{AppType, Confirmation, NecEntry, NecessaryItem};
use crate::duration::Duration;
use crate::manifest::*;
use crate::rules::tests::{assert_quiet, assert_rule, clean, findings_of};
use crate::rules::{Ctx, Finding, RuleId, Severity, check};
use crate::taxonomy::Category;

/// The findings of one rule on a manifest.
fn found(m: &Manifest, id: RuleId) -> Vec<Finding> {
    check(m, None).into_iter().filter(|f| f.rule == id).collect()
}

/// Runs the NEC rules against an entry made up for the test, so that both rules are tested
/// whatever rows the shipped table has.
fn nec_findings(m: &Manifest, entry: &NecEntry) -> Vec<Finding> {
    let mut cx = Ctx { m, out: Vec::new() };
    super::nec::check(&mut cx, entry);
    cx.out
}

#[test]
fn con_01() {
    assert_rule(RuleId::Con01, |m| m.purposes[0].fields.push("device_id".into()));
    let mut m = clean();
    m.purposes[0].fields.push("device_id".into());
    let f = found(&m, RuleId::Con01);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].path, "purposes[0].fields[2]");
    assert!(
        f[0].message_zh.contains("网络社区") && !f[0].message_zh.contains("注意"),
        "a verified row has no note: {}",
        f[0].message_zh
    );
    // The same field in an additional, consent-based purpose is what the rule asks for.
    assert_quiet(RuleId::Con01, |m| m.purposes[4].fields.push("precise_location".into()));
    // Logs kept under a legal obligation are not NEC's necessary PI.
    assert_quiet(RuleId::Con01, |m| m.purposes[2].fields.push("browsing".into()));
    // No NEC row for `other`.
    assert_quiet(RuleId::Con01, |m| {
        m.controller.app_type = AppType::Other;
        m.purposes[0].fields.push("device_id".into());
    });
    // Content flag is not honoured for identifying data.
    assert_rule(RuleId::Con01, |m| {
        m.fields[4].user_content = true;
        m.purposes[0].fields.push("device_id".into());
    });
}

#[test]
fn con_01_unconfirmed_row_says_so() {
    const ITEMS: &[NecessaryItem] =
        &[NecessaryItem { text: "注册用户移动电话号码", categories: &[Category::Phone] }];
    let entry = NecEntry {
        app_type: AppType::OnlineGames,
        basic_function: "test",
        items: ITEMS,
        confirmation: Confirmation::Unconfirmed("test"),
    };
    let mut m = clean();
    m.purposes[0].fields.push("device_id".into());
    let out = nec_findings(&m, &entry);
    assert_eq!(out.len(), 1, "{out:#?}");
    assert_eq!(out[0].rule, RuleId::Con01);
    assert!(out[0].message_zh.contains("尚未") && out[0].message_en.contains("not yet confirmed"), "{:?}", out[0]);
    assert!(out[0].message_zh.contains("网络游戏"));
}

#[test]
fn con_02() {
    assert_rule(RuleId::Con02, |m| m.purposes[0].requires.push("recommend".into()));
    assert_rule(RuleId::Con02, |m| {
        m.purposes[0].basis = LegalBasis::Consent;
        m.purposes[0].consent.group = Some("start".into());
        m.purposes[5].consent.group = Some("start".into());
    });
    // A basic function may need another basic one; an additional one may need another.
    assert_quiet(RuleId::Con02, |m| {
        m.purposes[1].requires.push("register".into());
        m.purposes[5].requires.push("recommend".into());
    });
}

#[test]
fn con_03() {
    assert_rule(RuleId::Con03, |m| {
        m.purposes[4].consent.group = Some("extras".into());
        m.purposes[5].consent.group = Some("extras".into());
    });
    assert_rule(RuleId::Con03, |m| m.purposes[4].consent.obtained_by = ConsentMethod::PolicyAgreement);
    // A group of one is still one consent per additional function.
    assert_quiet(RuleId::Con03, |m| {
        m.purposes[3].consent.group = Some("a".into());
        m.purposes[4].consent.group = Some("b".into());
        m.purposes[5].consent.group = Some("c".into());
    });
}

#[test]
fn con_04() {
    assert_rule(RuleId::Con04, |m| m.purposes[4].consent.default = ConsentDefault::Granted);
    assert_rule(RuleId::Con04, |m| m.purposes[4].consent.obtained_by = ConsentMethod::ImpliedByUse);
}

#[test]
fn con_05() {
    assert_rule(RuleId::Con05, |m| m.purposes[4].consent.reprompt_after = Some(Duration::hours(24)));
    assert_rule(RuleId::Con05, |m| m.purposes[4].consent.reprompt_after = Some(Duration::days(1)));
    assert_quiet(RuleId::Con05, |m| m.purposes[4].consent.reprompt_after = Some(Duration::days(7)));
    // No rule asks a policy to state an interval (NDSMR 22(5) forbids frequent asking only).
    assert_quiet(RuleId::Con05, |m| {
        for p in &mut m.purposes {
            p.consent.reprompt_after = None;
        }
    });
    // 48 hours is gebao's suggestion, not the law's: advice only.
    let f = findings_of(RuleId::Con05, |m| m.purposes[4].consent.reprompt_after = Some(Duration::hours(1)));
    assert!(f.iter().all(|f| f.severity == Severity::Info), "{f:#?}");
}

#[test]
fn con_06() {
    assert_rule(RuleId::Con06, |m| m.purposes[5].consent.withdraw = None);
    assert_rule(RuleId::Con06, |m| m.purposes[5].consent.withdraw = Some(" ".into()));
    // PIPL 15 asks for a convenient way, not one per purpose: a general channel serves all.
    assert_quiet(RuleId::Con06, |m| {
        for p in &mut m.purposes {
            p.consent.withdraw = None;
        }
        if let Some(w) = m.rights.withdrawal.as_mut() {
            w.channel = Some("我的-设置-隐私-撤回同意".into());
        }
    });
    // …but only one that is offered and says where.
    assert_rule(RuleId::Con06, |m| {
        m.purposes[5].consent.withdraw = None;
        if let Some(w) = m.rights.withdrawal.as_mut() {
            w.channel = Some(" ".into());
        }
    });
}

#[test]
fn con_07() {
    assert_rule(RuleId::Con07, |m| m.purposes[0].basis_note = None);
    assert_rule(RuleId::Con07, |m| m.purposes[2].basis_note = Some(String::new()));
}

#[test]
fn con_08() {
    assert_rule(RuleId::Con08, |m| {
        let mut f = m.fields[1].clone();
        f.id = "gender".into();
        m.fields.push(f);
    });
}

#[test]
fn con_09() {
    let microphone = |m: &mut Manifest| {
        let mut p = m.permissions[0].clone();
        p.id = PermissionKind::Microphone;
        m.permissions.push(p);
    };
    assert_rule(RuleId::Con09, microphone);
    assert_quiet(RuleId::Con09, |m| {
        microphone(m);
        m.scenarios[1].permissions.push(PermissionKind::Microphone);
    });
}

#[test]
fn con_10() {
    let entry = NecEntry {
        app_type: AppType::ShortVideo,
        basic_function: "test",
        items: &[],
        confirmation: Confirmation::Unconfirmed("test"),
    };
    let m = clean();
    let out = nec_findings(&m, &entry);
    assert!(out.iter().all(|f| f.rule == RuleId::Con10), "{out:#?}");
    // register (phone, nickname) and publish (posts, nickname): content counts here, since the
    // basic function of such an app is consuming, not publishing; the logs do not.
    let paths: Vec<_> = out.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        ["purposes[0].fields[0]", "purposes[0].fields[1]", "purposes[1].fields[0]", "purposes[1].fields[1]"]
    );
    assert!(out[0].message_zh.contains("短视频") && out[0].message_en.contains("not yet confirmed"));
    // Whatever no-PI rows the shipped table has, a manifest of that type fires.
    for t in AppType::NEC.into_iter().filter(|t| t.necessary_pi().is_some_and(NecEntry::needs_no_pi)) {
        assert_rule(RuleId::Con10, |m| m.controller.app_type = t);
        assert_quiet(RuleId::Con10, |m| {
            m.controller.app_type = t;
            for p in &mut m.purposes {
                if p.basis != LegalBasis::LegalObligation {
                    p.function = Function::Additional;
                }
            }
        });
        // Seed 004: registering and posting are not a 网络直播 app's basic function service
        // (viewing), which the manifest says with its reason.
        assert_quiet(RuleId::Con10, |m| {
            m.controller.app_type = t;
            for p in &mut m.purposes {
                p.beyond_nec = Some("发布内容不属于该类应用的基本功能服务".into());
            }
        });
        // A blank reason is no reason.
        assert_rule(RuleId::Con10, |m| {
            m.controller.app_type = t;
            for p in &mut m.purposes {
                p.beyond_nec = Some(" ".into());
            }
        });
    }
}

#[test]
fn con_11() {
    assert_rule(RuleId::Con11, |m| m.purposes[3].consent.obtained_by = ConsentMethod::PolicyAgreement);
    // The push SDK is another processor: its purpose's consent by policy agreement is no
    // separate consent for it.
    let mut m = clean();
    m.purposes[5].consent.separate = false;
    m.purposes[5].consent.obtained_by = ConsentMethod::PolicyAgreement;
    let f = found(&m, RuleId::Con11);
    assert_eq!(f.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(), ["recipients[0].purposes[0]"]);
    // Storage abroad.
    assert_rule(RuleId::Con11, |m| {
        m.storage.countries = vec!["CN".into(), "SG".into()];
        m.purposes[4].consent.obtained_by = ConsentMethod::PolicyAgreement;
    });
    // Storage abroad with every consent asked in its own prompt.
    assert_quiet(RuleId::Con11, |m| {
        m.storage.countries = vec!["SG".into()];
        m.storage.separate_consent = true;
    });
}

/// NEC's own necessary item for shopping, 支付信息 (time, amount, channel), is a transaction
/// record: not PIPL-sensitive, so a basic purpose using it needs no separate consent, and it
/// is necessary PI for the type. A bank card number is a financial account (PIPL 28).
#[test]
fn necessary_payment_records_need_no_separate_consent() {
    let shop = |m: &mut Manifest, category: Category| {
        m.controller.app_type = AppType::OnlineShopping;
        let mut f = m.fields[0].clone();
        f.id = "payment_info".into();
        f.name = "支付时间、支付金额、支付渠道".into();
        f.category = category;
        f.necessity = None;
        f.impact = None;
        m.fields.push(f);
        m.purposes[0].fields = vec!["phone".into(), "payment_info".into()];
        m.purposes[0].basis = LegalBasis::Consent;
        m.purposes[0].consent.withdraw = Some("我的-设置-隐私".into());
    };
    for id in [RuleId::Sen01, RuleId::Not08, RuleId::Con01] {
        assert_quiet(id, |m| shop(m, Category::TransactionRecords));
    }
    assert_rule(RuleId::Sen01, |m| shop(m, Category::FinancialAccount));
    assert_rule(RuleId::Not08, |m| shop(m, Category::FinancialAccount));
    assert!(
        !Category::TransactionRecords.pipl_sensitive(false) && Category::TransactionRecords.standard_sensitive(false)
    );
    assert!(Category::FinancialAccount.pipl_sensitive(false));
}

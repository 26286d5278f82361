//! Tests of the change classifier: each trigger fires on a change of its kind, wording
//! stays minor, and reordering is no change. The baseline is the rules' clean manifest.
#![allow(clippy::panic)] // a test that cannot find its fixture should fail loudly

use super::*;
use crate::duration::Duration;
use crate::ids::{FieldId, PiaId, RecipientId};
use crate::manifest::{Blocker, LegalBasis, Pia, Precision, RecipientKind, Risk};
use crate::taxonomy::Category;

fn clean() -> Manifest {
    match crate::manifest::load::load_manifest(include_str!("../rules/testdata/clean.toml")) {
        Ok(m) => m,
        Err(e) => panic!("clean.toml does not load: {:?}", e.diagnostics()),
    }
}

/// The diff from the clean manifest to a changed copy.
fn after(change: impl FnOnce(&mut Manifest)) -> Diff {
    let old = clean();
    let mut new = old.clone();
    change(&mut new);
    diff(&old, &new)
}

fn purpose<'a>(m: &'a mut Manifest, id: &str) -> &'a mut crate::manifest::Purpose {
    m.purposes.iter_mut().find(|p| p.id.as_str() == id).unwrap_or_else(|| panic!("no purpose {id}"))
}

fn recipient<'a>(m: &'a mut Manifest, id: &str) -> &'a mut crate::manifest::Recipient {
    m.recipients.iter_mut().find(|r| r.id.as_str() == id).unwrap_or_else(|| panic!("no recipient {id}"))
}

fn field<'a>(m: &'a mut Manifest, id: &str) -> &'a mut crate::manifest::Field {
    m.fields.iter_mut().find(|f| f.id.as_str() == id).unwrap_or_else(|| panic!("no field {id}"))
}

/// Asserts the change is major with `trigger`, and returns the diff.
#[track_caller]
fn assert_major(trigger: Trigger, change: impl FnOnce(&mut Manifest)) -> Diff {
    let d = after(change);
    assert!(d.is_major(), "not major: {:#?}", d.changes);
    assert!(d.triggers().contains(&trigger), "{:?} missing from {:?}: {:#?}", trigger, d.triggers(), d.changes);
    d
}

/// Asserts the change is listed and minor.
#[track_caller]
fn assert_minor(change: impl FnOnce(&mut Manifest)) -> Diff {
    let d = after(change);
    assert!(!d.is_empty(), "the change is not listed");
    assert!(!d.is_major(), "major: {:#?}", d.major().collect::<Vec<_>>());
    d
}

fn change_at<'a>(d: &'a Diff, path: &str) -> &'a Change {
    d.changes.iter().find(|c| c.path == path).unwrap_or_else(|| panic!("no change at {path}: {:#?}", d.changes))
}

#[test]
fn identical_manifests_give_an_empty_diff() {
    let m = clean();
    let d = diff(&m, &m.clone());
    assert!(d.is_empty(), "{:#?}", d.changes);
    assert!(!d.is_major());
    assert!(d.triggers().is_empty());
}

#[test]
fn reordering_is_no_change() {
    let d = after(|m| {
        m.fields.reverse();
        m.purposes.reverse();
        m.recipients.reverse();
        m.scenarios.reverse();
        m.permissions.reverse();
        m.pia.reverse();
        m.cookies.reverse();
        for p in &mut m.purposes {
            p.fields.reverse();
        }
        for r in &mut m.recipients {
            r.fields.reverse();
            r.purposes.reverse();
        }
        m.protection.measures.reverse();
        m.policy.display.places.reverse();
    });
    assert!(d.is_empty(), "{:#?}", d.changes);
}

// 5.5 a) purposes, PI categories, way of use.

#[test]
fn purpose_added_or_removed_is_major() {
    let d = assert_major(Trigger::Purposes, |m| {
        let mut p = m.purposes[0].clone();
        p.id = "ads".into();
        p.name = "广告投放".into();
        m.purposes.push(p);
    });
    let c = change_at(&d, "purposes[ads]");
    assert_eq!(c.kind, ChangeKind::Added);
    assert_eq!(c.summary_zh, "新增处理目的「广告投放」");
    assert_eq!(c.after.as_deref(), Some("广告投放"));
    assert_major(Trigger::Purposes, |m| m.purposes.retain(|p| p.id.as_str() != "push"));
}

#[test]
fn field_added_to_a_purpose_is_major_and_removed_is_minor() {
    let d = assert_major(Trigger::Purposes, |m| purpose(m, "recommend").fields.push(FieldId::from("precise_location")));
    let c = change_at(&d, "purposes[recommend].fields[precise_location]");
    assert_eq!(c.summary_zh, "处理目的「个性化推荐」新增个人信息字段「精确位置」");
    assert_eq!(c.summary_en, "Purpose “Personalised recommendations”: field “Precise location” added");
    assert_minor(|m| purpose(m, "recommend").fields.retain(|f| f.as_str() != "device_id"));
}

#[test]
fn category_or_sensitivity_of_a_field_is_major() {
    assert_major(Trigger::Purposes, |m| field(m, "nickname").category = Category::Health);
    // Coarse location is not 行踪轨迹: sensitivity flips.
    assert_major(Trigger::Purposes, |m| field(m, "precise_location").precision = Precision::Coarse);
    // Precision means nothing for a phone number: no sensitivity changes.
    assert_minor(|m| field(m, "phone").precision = Precision::Coarse);
    assert_major(Trigger::Purposes, |m| {
        let f = field(m, "browsing");
        f.sensitive = Some(true);
        f.sensitive_reason = Some("可推断宗教信仰".into());
    });
}

#[test]
fn new_field_is_major() {
    assert_major(Trigger::Purposes, |m| {
        let mut f = m.fields[0].clone();
        f.id = "face".into();
        f.name = "人脸信息".into();
        f.category = Category::Biometric;
        m.fields.push(f);
    });
}

#[test]
fn basis_function_personalisation_and_automation_are_major() {
    assert_major(Trigger::Purposes, |m| purpose(m, "push").basis = LegalBasis::Contract);
    assert_major(Trigger::Purposes, |m| purpose(m, "push").function = crate::manifest::Function::Basic);
    assert_major(Trigger::Purposes, |m| purpose(m, "push").personalised = true);
    assert_major(Trigger::Purposes, |m| purpose(m, "recommend").automated = None);
    assert_major(Trigger::Purposes, |m| {
        if let Some(a) = purpose(m, "recommend").automated.as_mut() {
            a.differential_pricing = true;
        }
    });
}

#[test]
fn longer_retention_is_major_and_shorter_is_minor() {
    let d = assert_major(Trigger::Purposes, |m| {
        if let Some(r) = purpose(m, "recommend").retention.as_mut() {
            r.period = Some(Duration::years(1));
        }
    });
    let c = change_at(&d, "purposes[recommend].retention.period");
    assert_eq!(c.before.as_deref(), Some("90 days"));
    assert_eq!(c.after.as_deref(), Some("1 year"));
    assert_eq!(c.summary_zh, "处理目的「个性化推荐」的保存期限已延长");
    assert_eq!(c.summary_en, "Purpose “Personalised recommendations”: retention period lengthened");
    assert_minor(|m| {
        if let Some(r) = purpose(m, "recommend").retention.as_mut() {
            r.period = Some(Duration::days(30));
        }
    });
    // Same length in other words is no lengthening.
    use std::cmp::Ordering::{Equal, Greater, Less};
    assert_eq!(limits::compare(&Duration::months(12), &Duration::years(1)), Equal);
    assert_eq!(limits::compare(&Duration::working_days(15), &Duration::days(21)), Equal);
    assert_eq!(limits::compare(&Duration::days(30), &Duration::months(1)), Less);
    assert_eq!(limits::compare(&Duration::Indefinite, &Duration::years(30)), Greater);
    assert_minor(|m| {
        if let Some(r) = purpose(m, "security_logs").retention.as_mut() {
            r.period = Some(Duration::days(180));
        }
    });
    assert_major(Trigger::Purposes, |m| {
        if let Some(r) = purpose(m, "recommend").retention.as_mut() {
            r.period = Some(Duration::Indefinite);
        }
    });
    assert_major(Trigger::Purposes, |m| purpose(m, "recommend").retention = None);
    assert_major(Trigger::Purposes, |m| {
        if let Some(r) = purpose(m, "push").retention.as_mut() {
            r.from = crate::manifest::RetentionStart::AccountCancellation;
        }
    });
}

#[test]
fn new_device_permission_is_major() {
    assert_major(Trigger::Purposes, |m| {
        let mut p = m.permissions[0].clone();
        p.id = crate::manifest::PermissionKind::Contacts;
        m.permissions.push(p);
    });
    assert_minor(|m| m.permissions[0].purpose = "拍摄照片".into());
}

// 5.5 b) ownership or organisation.

#[test]
fn controller_name_is_ownership() {
    let d = assert_major(Trigger::Ownership, |m| m.controller.name = "收购方科技有限公司".into());
    assert_eq!(d.triggers(), BTreeSet::from([Trigger::Ownership]));
    assert_minor(|m| m.controller.name_en = Some("Example Network Tech Ltd.".into()));
}

// 5.5 c) recipients.

#[test]
fn recipient_added_or_removed_is_major() {
    assert_major(Trigger::Recipients, |m| {
        let mut r = m.recipients[0].clone();
        r.id = RecipientId::from("ads-sdk");
        r.name = "示例广告SDK".into();
        m.recipients.push(r);
    });
    assert_major(Trigger::Recipients, |m| m.recipients.retain(|r| r.id.as_str() != "cloud"));
}

#[test]
fn recipient_company_country_kind_and_fields_are_major() {
    assert_major(Trigger::Recipients, |m| recipient(m, "push-sdk").company = Some("另一家推送公司".into()));
    assert_major(Trigger::Recipients, |m| recipient(m, "cloud").country = "US".into());
    assert_major(Trigger::Recipients, |m| recipient(m, "cloud").kind = RecipientKind::PublicDisclosure);
    assert_major(Trigger::Recipients, |m| recipient(m, "push-sdk").fields.push(FieldId::from("phone")));
    // Same place, other spelling.
    let d = after(|m| recipient(m, "cloud").country = "cn".into());
    assert!(!d.is_major(), "{:#?}", d.changes);
}

#[test]
fn recipient_details_are_minor() {
    assert_minor(|m| recipient(m, "push-sdk").policy_url = Some("https://push.example.cn/privacy-v2".into()));
    assert_minor(|m| recipient(m, "push-sdk").method = Some("SDK收集设备标识符".into()));
    assert_minor(|m| recipient(m, "cloud").fields.retain(|f| f.as_str() != "posts"));
}

#[test]
fn storage_abroad_is_a_transfer() {
    let d = assert_major(Trigger::Recipients, |m| m.storage.countries.push("SG".into()));
    assert_eq!(change_at(&d, "storage.countries[SG]").kind, ChangeKind::Added);
}

// 5.5 d) rights.

#[test]
fn right_removed_or_not_offered_is_major() {
    assert_major(Trigger::Rights, |m| m.rights.portability = None);
    assert_major(Trigger::Rights, |m| {
        if let Some(r) = m.rights.copy.as_mut() {
            r.offered = false;
        }
    });
}

#[test]
fn right_channel_and_longer_deadline_are_major() {
    assert_major(Trigger::Rights, |m| m.rights.channel = Some("联系客服".into()));
    assert_major(Trigger::Rights, |m| {
        if let Some(r) = m.rights.cancellation.as_mut() {
            r.channel = Some("发送邮件至客服".into());
        }
    });
    let d = assert_major(Trigger::Rights, |m| m.rights.deadline = Some(Duration::days(30)));
    assert_eq!(change_at(&d, "rights.deadline").summary_en, "Rights: response deadline lengthened");
    assert_minor(|m| m.rights.deadline = Some(Duration::days(15)));
    // A right's own deadline is compared with the default it replaces.
    assert_major(Trigger::Rights, |m| {
        if let Some(r) = m.rights.deletion.as_mut() {
            r.deadline = Some(Duration::working_days(30));
        }
    });
    assert_major(Trigger::Rights, |m| purpose(m, "push").consent.withdraw = Some("联系客服".into()));
}

#[test]
fn cancellation_conditions_and_blockers_are_major() {
    let d = assert_major(Trigger::Rights, |m| {
        if let Some(r) = m.rights.cancellation.as_mut() {
            r.blockers.push(Blocker {
                id: "paid-plan".into(),
                description: "付费套餐未到期".into(),
                description_en: None,
            });
        }
    });
    assert_eq!(
        change_at(&d, "rights.cancellation.blockers[paid-plan]").summary_zh,
        "个人权利「注销账号」新增注销前须处理的事项「paid-plan」"
    );
    assert_major(Trigger::Rights, |m| {
        if let Some(r) = m.rights.cancellation.as_mut() {
            r.conditions.push("账号内无未完成的订单".into());
        }
    });
    assert_minor(|m| {
        if let Some(r) = m.rights.cancellation.as_mut() {
            r.note = Some("注销后无法恢复".into());
        }
    });
}

// 5.5 e) department, contact, complaints.

#[test]
fn contact_officer_and_complaints_are_major() {
    assert_major(Trigger::Contact, |m| m.controller.contact.email = Some("privacy@new.example.cn".into()));
    assert_major(Trigger::Contact, |m| {
        if let Some(o) = m.controller.officer.as_mut() {
            o.name = "法务部".into();
        }
    });
    assert_major(Trigger::Contact, |m| m.controller.complaints = None);
    assert_minor(|m| {
        if let Some(o) = m.controller.officer.as_mut() {
            o.name_en = Some("Legal Department".into());
        }
    });
}

// 5.5 f) high-risk PIA.

#[test]
fn high_risk_pia_is_major() {
    let d = assert_major(Trigger::HighRiskPia, |m| {
        if let Some(p) = m.pia.iter_mut().find(|p| p.id.as_str() == "pia-recommend") {
            p.risk = Risk::High;
        }
    });
    let c = change_at(&d, "pia[pia-recommend].risk");
    assert_eq!((c.before.as_deref(), c.after.as_deref()), (Some("medium"), Some("high")));
    assert!(c.purposes.contains(&PurposeId::from("recommend")));
    assert_major(Trigger::HighRiskPia, |m| {
        m.pia.push(Pia {
            id: PiaId::from("pia-ads"),
            date: chrono::NaiveDate::from_ymd_opt(2026, 2, 1).unwrap_or_default(),
            purposes: vec![],
            recipients: vec![],
            risk: Risk::High,
            summary: None,
        });
    });
    assert_minor(|m| m.pia[0].risk = Risk::Medium);
}

#[test]
fn high_risk_that_stays_high_is_minor() {
    let mut old = clean();
    old.pia[0].risk = Risk::High;
    let mut new = old.clone();
    new.pia[0].summary = Some("复评：风险仍为高".into());
    let d = diff(&old, &new);
    assert_eq!(d.changes.len(), 1);
    assert!(!d.is_major());
}

// Minor changes.

#[test]
fn cosmetic_changes_are_minor() {
    let d = assert_minor(|m| {
        m.policy.version = Some("1.1".into());
        m.policy.published = chrono::NaiveDate::from_ymd_opt(2026, 3, 1);
        m.policy.effective = chrono::NaiveDate::from_ymd_opt(2026, 3, 8);
        purpose(m, "register").description = Some("使用手机号码注册、登录您的账号".into());
        purpose(m, "register").name_en = Some("Sign-up and sign-in".into());
        field(m, "phone").name = "手机号".into();
        m.cookies[1].purpose = Some("统计访问量".into());
        m.controller.address = Some("北京市朝阳区示例路2号".into());
        m.changes.archive = Some("https://example.cn/privacy/archive".into());
    });
    assert!(d.changes.len() >= 9, "{:#?}", d.changes);
}

#[test]
fn first_cookie_of_a_new_category_is_major() {
    assert_major(Trigger::Purposes, |m| {
        let mut c = m.cookies[1].clone();
        c.name = "_ad".into();
        c.category = crate::manifest::CookieCategory::Advertising;
        m.cookies.push(c);
    });
    assert_minor(|m| {
        let mut c = m.cookies[1].clone();
        c.name = "_stat2".into();
        m.cookies.push(c);
    });
}

#[test]
fn changes_come_sorted_by_path() {
    let d = after(|m| {
        m.controller.contact.email = Some("a@example.cn".into());
        m.policy.version = Some("2".into());
        purpose(m, "push").basis = LegalBasis::Contract;
        m.fields.reverse();
        field(m, "phone").name = "手机".into();
    });
    let paths: Vec<&str> = d.changes.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(paths, ["controller.contact.email", "fields[phone].name", "policy.version", "purposes[push].basis"]);
}

// Re-consent.

#[test]
fn purposes_needing_reconsent() {
    let reconsent = |change: fn(&mut Manifest)| {
        let old = clean();
        let mut new = old.clone();
        change(&mut new);
        diff(&old, &new).purposes_needing_reconsent(&new)
    };
    let ids = |xs: &[&str]| xs.iter().map(|x| PurposeId::from(*x)).collect::<BTreeSet<_>>();
    // A field added to a consent-based purpose.
    assert_eq!(reconsent(|m| purpose(m, "recommend").fields.push("posts".into())), ids(&["recommend"]));
    // A field used by consent-based and other purposes changes category: only the consent-based ones.
    assert_eq!(reconsent(|m| field(m, "device_id").category = Category::Biometric), ids(&["push", "recommend"]));
    // A recipient of a consent-based purpose moves abroad.
    assert_eq!(reconsent(|m| recipient(m, "push-sdk").country = "US".into()), ids(&["push"]));
    // A contract-based purpose changes: major, but no consent to ask again.
    assert!(reconsent(|m| purpose(m, "register").fields.push("device_id".into())).is_empty());
    // Contact and rights changes are told, not re-consented.
    assert!(reconsent(|m| m.controller.contact.phone = None).is_empty());
    assert!(reconsent(|m| m.rights.deadline = Some(Duration::days(60))).is_empty());
    // A purpose moved to consent has no consent yet.
    assert_eq!(reconsent(|m| purpose(m, "publish").basis = LegalBasis::Consent), ids(&["publish"]));
}

#[test]
fn serialises_for_the_cli() {
    let d = after(|m| m.pia[1].risk = Risk::High);
    let json = serde_json::to_value(&d).unwrap_or_default();
    let c = &json["changes"][0];
    assert_eq!(c["trigger"], "high-risk-pia");
    assert_eq!(c["kind"], "modified");
    assert_eq!(c["path"], "pia[pia-recommend].risk");
    assert!(Trigger::ALL.iter().all(|t| !t.label().zh.is_empty() && !t.label().en.is_empty()));
    assert_eq!(serde_json::to_value(Trigger::HighRiskPia).unwrap_or_default(), Trigger::HighRiskPia.id());
}

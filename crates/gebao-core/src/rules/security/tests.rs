use crate::duration::Duration;
use crate::manifest::*;
use crate::rules::tests::{assert_quiet, assert_rule, findings_of};
use crate::rules::{RuleId, Severity};
use chrono::NaiveDate;

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn incident(m: &mut Manifest) -> &mut IncidentPlan {
    match m.protection.incident.as_mut() {
        Some(i) => i,
        None => panic!("clean.toml has no [protection.incident]"),
    }
}

/// The clean manifest's purpose using precise location, and its entrusted cloud.
const NEARBY: usize = 3;
const CLOUD: usize = 1;

#[test]
fn sec_01() {
    assert_rule(RuleId::Sec01, |m| {
        m.purposes[NEARBY].pia = None;
        m.pia.retain(|p| p.id.as_str() != "pia-location");
    });
    assert_rule(RuleId::Sec01, |m| {
        m.recipients[CLOUD].pia = None;
        m.pia.retain(|p| p.id.as_str() != "pia-cloud");
    });
    // A `pia` naming no record is no assessment.
    assert_rule(RuleId::Sec01, |m| {
        m.recipients[CLOUD].pia = Some("pia-missing".into());
        m.pia.retain(|p| p.id.as_str() != "pia-cloud");
    });
    // Listed by a [[pia]] record without its own `pia` key.
    assert_quiet(RuleId::Sec01, |m| m.purposes[NEARBY].pia = None);
    assert_quiet(RuleId::Sec01, |m| m.recipients[CLOUD].pia = None);
}

#[test]
fn sec_02() {
    assert_rule(RuleId::Sec02, |m| m.protection.incident = None);
    assert_rule(RuleId::Sec02, |m| incident(m).notify.clear());
    assert_rule(RuleId::Sec02, |m| incident(m).regulator = String::new());
    assert_rule(RuleId::Sec02, |m| incident(m).report_within = Some(Duration::hours(24)));
    assert_rule(RuleId::Sec02, |m| incident(m).report_within = Some(Duration::days(1)));
    assert_rule(RuleId::Sec02, |m| m.organisation.ciio = true);
    assert_quiet(RuleId::Sec02, |m| {
        m.organisation.ciio = true;
        incident(m).report_within = Some(Duration::hours(1));
    });
}

#[test]
fn sec_03() {
    assert_rule(RuleId::Sec03, |m| m.organisation.individuals = Some(1_000_000));
    assert_rule(RuleId::Sec03, |m| {
        m.organisation.individuals = Some(2_000_000);
        m.organisation.officer_reported = date(2025, 3, 1);
        m.controller.officer = None;
    });
    assert_quiet(RuleId::Sec03, |m| {
        m.organisation.individuals = Some(2_000_000);
        m.organisation.officer_reported = date(2025, 3, 1);
    });
}

/// Without a declared figure, an app of a kind that commonly reaches millions is asked
/// (seed 000, Weibo, declares none); another kind is not.
#[test]
fn sec_03_and_07_ask_when_the_figure_is_missing() {
    for id in [RuleId::Sec03, RuleId::Sec07] {
        assert_rule(id, |m| m.organisation.individuals = None);
        let f = findings_of(id, |m| m.organisation.individuals = None);
        assert!(f.iter().all(|f| f.severity == Severity::Info && f.message_zh.contains("请确认")), "{f:#?}");
        assert!(f[0].message_zh.contains("网络社区"), "{f:#?}");
        assert_quiet(id, |m| {
            m.organisation.individuals = None;
            m.controller.app_type = crate::app_types::AppType::Other;
        });
    }
}

/// A manifest of a very large operator that meets SEC-03, SEC-04 and SEC-07.
fn large(m: &mut Manifest) {
    let o = &mut m.organisation;
    o.individuals = Some(20_000_000);
    o.officer_reported = date(2025, 3, 1);
    o.audit_every = Some(Duration::years(2));
    o.last_audit = date(2025, 6, 1);
    o.data_security_officer = Some("张三（副总裁）".into());
    o.management_body = Some("数据安全委员会".into());
}

#[test]
fn sec_04() {
    assert_rule(RuleId::Sec04, |m| {
        m.organisation.audit_every = None;
        m.organisation.last_audit = None;
    });
    assert_rule(RuleId::Sec04, |m| {
        large(m);
        m.organisation.audit_every = Some(Duration::years(3));
    });
    assert_rule(RuleId::Sec04, |m| {
        large(m);
        m.organisation.last_audit = None;
    });
    assert_rule(RuleId::Sec04, |m| {
        large(m);
        m.organisation.last_audit = date(2023, 6, 1);
    });
    assert_quiet(RuleId::Sec04, large);
    // Below 10 million an audit measure is enough.
    assert_quiet(RuleId::Sec04, |m| {
        m.organisation.audit_every = None;
        m.protection.measures.push(Measure::Audit);
    });
}

#[test]
fn sec_05() {
    assert_rule(RuleId::Sec05, |m| m.organisation.overseas = true);
    assert_rule(RuleId::Sec05, |m| {
        m.organisation.overseas = true;
        m.organisation.representative =
            Some(Officer { name: "示例（北京）代表处".into(), name_en: None, contact: Contact::default() });
    });
    assert_quiet(RuleId::Sec05, |m| {
        m.organisation.overseas = true;
        let contact = Contact { email: Some("china@example.com".into()), ..Contact::default() };
        m.organisation.representative =
            Some(Officer { name: "示例（北京）代表处".into(), name_en: None, contact });
    });
}

#[test]
fn sec_06() {
    assert_rule(RuleId::Sec06, |m| m.protection.measures.retain(|x| *x != Measure::Training));
    assert_rule(RuleId::Sec06, |m| m.protection.measures.clear());
}

#[test]
fn sec_07() {
    assert_rule(RuleId::Sec07, |m| {
        large(m);
        m.organisation.data_security_officer = None;
    });
    assert_rule(RuleId::Sec07, |m| {
        large(m);
        m.organisation.management_body = Some(" ".into());
    });
    assert_quiet(RuleId::Sec07, large);
}

/// Adds a real-name verification purpose using an ID-card number.
fn real_name_purpose(m: &mut Manifest) {
    let mut f = m.fields[0].clone();
    f.id = "id_number".into();
    f.name = "身份证号码".into();
    f.category = crate::taxonomy::Category::IdentityDocument;
    m.fields.push(f);
    let mut p = m.purposes[0].clone();
    p.id = "real_name".into();
    p.name = "实名认证".into();
    p.fields = vec!["id_number".into()];
    m.purposes.push(p);
}

#[test]
fn sec_08() {
    assert_rule(RuleId::Sec08, |m| m.protection.real_name = Some(RealName { accepts_network_identity: false }));
    assert_rule(RuleId::Sec08, real_name_purpose);
    assert_quiet(RuleId::Sec08, |m| {
        real_name_purpose(m);
        m.protection.real_name = Some(RealName { accepts_network_identity: true });
    });
    // Identity documents for something other than real-name verification.
    assert_quiet(RuleId::Sec08, |m| {
        real_name_purpose(m);
        if let Some(p) = m.purposes.last_mut() {
            p.id = "visa".into();
            p.name = "签证办理".into();
        }
    });
}

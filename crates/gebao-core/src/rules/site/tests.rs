use super::*;
use crate::rules::tests::clean;

fn cookie(name: &str, domain: &str) -> SeenCookie {
    SeenCookie { name: name.into(), domain: domain.into(), third_party: !domain.ends_with("example.cn") }
}

fn phase(cookies: &[&str], hosts: &[&str]) -> PhaseFacts {
    PhaseFacts {
        cookies: cookies.iter().map(|n| cookie(n, "www.example.cn")).collect(),
        third_party_hosts: hosts.iter().map(|h| (*h).to_owned()).collect(),
        ..PhaseFacts::default()
    }
}

/// A page that does what clean.toml declares: its session cookie always, `_stat` only
/// after "accept all".
fn matching() -> SiteFacts {
    SiteFacts {
        phases: vec![
            (Phase::BeforeConsent, phase(&["session_id"], &[])),
            (Phase::Accepted, phase(&["session_id", "_stat"], &[])),
            (Phase::Rejected, phase(&["session_id"], &[])),
        ],
    }
}

fn of(m: &Manifest, site: &SiteFacts, id: RuleId) -> Vec<Finding> {
    compare(m, site, None).into_iter().filter(|f| f.rule == id).collect()
}

fn facts_mut(site: &mut SiteFacts, p: Phase) -> &mut PhaseFacts {
    site.phases.iter_mut().find(|(q, _)| *q == p).map(|(_, f)| f).expect("phase")
}

#[test]
fn a_page_that_matches_the_manifest_gives_no_finding() {
    assert_eq!(compare(&clean(), &matching(), None), vec![]);
}

#[test]
fn scan_06_a_declared_analytics_cookie_before_consent_is_an_error_at_its_declaration() {
    let mut site = matching();
    facts_mut(&mut site, Phase::BeforeConsent).cookies.push(cookie("_stat", "www.example.cn"));
    let f = of(&clean(), &site, RuleId::Scan06);
    assert_eq!((f.len(), f[0].severity, f[0].path.as_str()), (1, Error, "cookies[1]"), "{f:#?}");
    assert!(f[0].message_zh.contains("分析类 Cookie `_stat`（域 www.example.cn）"), "{}", f[0].message_zh);
    assert!(f[0].message_en.contains("analytics cookie `_stat`"), "{}", f[0].message_en);
    assert!(compare(&clean(), &site, None).iter().all(|f| f.rule == RuleId::Scan06), "nothing else");
}

#[test]
fn scan_06_and_07_an_undeclared_cookie_before_consent_is_both() {
    let mut site = matching();
    facts_mut(&mut site, Phase::BeforeConsent).cookies.push(cookie("_ga", ".example.cn"));
    let rules: Vec<RuleId> = compare(&clean(), &site, None).into_iter().map(|f| f.rule).collect();
    assert_eq!(rules, vec![RuleId::Scan06, RuleId::Scan07]);
    let f = &of(&clean(), &site, RuleId::Scan06)[0];
    assert!(f.message_zh.contains("未声明类别的 Cookie `_ga`"), "{}", f.message_zh);
}

#[test]
fn scan_06_an_essential_cookie_before_consent_is_fine() {
    let site = matching();
    assert!(of(&clean(), &site, RuleId::Scan06).is_empty());
}

#[test]
fn scan_07_an_undeclared_cookie_is_told_once_in_the_first_phase_it_was_seen() {
    let mut site = matching();
    for p in [Phase::Accepted, Phase::Rejected] {
        facts_mut(&mut site, p).cookies.push(cookie("_hjid", "tracker.example.com"));
    }
    let f = of(&clean(), &site, RuleId::Scan07);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].also, Vec::<String>::new(), "one cookie, one place");
    assert!(
        f[0].message_en.contains("`_hjid` (domain tracker.example.com, after “accept all”)"),
        "{}",
        f[0].message_en
    );
    assert!(f[0].hint_zh.contains("设置它的第三方，域 tracker.example.com"), "{}", f[0].hint_zh);
    assert!(f[0].hint_en.contains("name = \"_hjid\""), "{}", f[0].hint_en);
}

#[test]
fn scan_08_a_cookie_set_after_rejection_is_an_error_unless_it_was_there_before() {
    let mut site = matching();
    facts_mut(&mut site, Phase::Rejected).cookies.push(cookie("_stat", "www.example.cn"));
    let f = of(&clean(), &site, RuleId::Scan08);
    assert_eq!((f.len(), f[0].severity, f[0].path.as_str()), (1, Error, "cookies[1]"));
    assert!(f[0].message_zh.contains("拒绝全部"), "{}", f[0].message_zh);
    // Set before consent already: SCAN-06 says so; it is not told twice.
    facts_mut(&mut site, Phase::BeforeConsent).cookies.push(cookie("_stat", "www.example.cn"));
    assert!(of(&clean(), &site, RuleId::Scan08).is_empty());
    assert_eq!(of(&clean(), &site, RuleId::Scan06).len(), 1);
}

#[test]
fn scan_09_an_undeclared_third_party_host_is_a_warning_once() {
    let mut site = matching();
    facts_mut(&mut site, Phase::BeforeConsent).third_party_hosts.push("cdn.other.com".into());
    facts_mut(&mut site, Phase::Accepted).third_party_hosts.push("cdn.other.com".into());
    let f = of(&clean(), &site, RuleId::Scan09);
    assert_eq!((f.len(), f[0].severity, f[0].path.as_str()), (1, Warning, "recipients"));
    assert!(f[0].hint_en.contains("hosts = [\"cdn.other.com\"]"), "{}", f[0].hint_en);
}

#[test]
fn scan_10_a_consent_based_recipient_contacted_before_consent_or_after_rejection_is_an_error() {
    let mut m = clean();
    let push = m.recipients.iter().position(|r| r.id.as_str() == "push-sdk").expect("push-sdk");
    let cloud = m.recipients.iter().position(|r| r.id.as_str() == "cloud").expect("cloud");
    m.recipients[push].hosts = vec!["push.example.cn".into()];
    m.recipients[cloud].hosts = vec!["static.cloud.example.cn".into()];
    let mut site = matching();
    // After "accept all", and the entrusted cloud (contract) at any time: as declared.
    facts_mut(&mut site, Phase::Accepted).third_party_hosts.push("t.push.example.cn".into());
    facts_mut(&mut site, Phase::BeforeConsent).third_party_hosts.push("static.cloud.example.cn".into());
    assert_eq!(compare(&m, &site, None), vec![]);
    facts_mut(&mut site, Phase::BeforeConsent).third_party_hosts.push("t.push.example.cn".into());
    facts_mut(&mut site, Phase::Rejected).third_party_hosts.push("t.push.example.cn".into());
    let f = of(&m, &site, RuleId::Scan10);
    assert_eq!((f.len(), f[0].severity), (1, Error), "{f:#?}");
    assert_eq!(f[0].path, format!("recipients[{push}]"));
    for text in ["用户同意前", "拒绝全部", "`示例推送SDK`", "`t.push.example.cn`"] {
        assert!(f[0].message_zh.contains(text), "{text}: {}", f[0].message_zh);
    }
    assert!(f[0].message_en.contains("`Example Push SDK`"), "{}", f[0].message_en);
}

#[test]
fn scan_11_storage_written_before_consent_is_asked_unless_declared_necessary() {
    let mut m = clean();
    let mut site = matching();
    let before = facts_mut(&mut site, Phase::BeforeConsent);
    before.local_storage = vec!["ab_test".into(), "session_id".into()];
    before.session_storage = vec!["_stat".into()];
    let f = of(&m, &site, RuleId::Scan11);
    assert_eq!((f.len(), f[0].severity), (1, Info), "one finding for the section: {f:#?}");
    assert!(f[0].message_zh.starts_with("请确认"), "{}", f[0].message_zh);
    let text = &f[0].message_en;
    assert!(text.contains("`ab_test`, which the page writes to localStorage"), "{text}");
    assert!(text.contains("`_stat` (declared analytics), which the page writes to sessionStorage"), "{text}");
    // Declared strictly necessary: nothing to ask.
    m.cookies[1].category = CookieCategory::StrictlyNecessary;
    let f = of(&m, &site, RuleId::Scan11);
    assert!(f.len() == 1 && !f[0].message_en.contains("_stat"), "{f:#?}");
}

#[test]
fn a_recipient_serves_its_hosts_and_their_subdomains() {
    let mut r = clean().recipients[0].clone();
    r.hosts = vec!["Stats.Example.cn".into()];
    assert!(r.serves_host("stats.example.cn"));
    assert!(r.serves_host("a.stats.example.cn."));
    assert!(!r.serves_host("xstats.example.cn"));
    assert!(!r.serves_host("example.cn"));
}

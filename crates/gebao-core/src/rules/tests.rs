//! Every rule has a test here: the clean manifest does not trigger it, and one change does.
//! Add the tests of a rule module in the module for that area below.

use super::*;
use crate::manifest::Manifest;

pub(crate) const CLEAN: &str = include_str!("testdata/clean.toml");

pub(crate) fn clean() -> Manifest {
    match crate::manifest::load::load_manifest(CLEAN) {
        Ok(m) => m,
        Err(e) => panic!("clean.toml does not load: {:?}", e.diagnostics()),
    }
}

/// The rule ids reported for a manifest.
pub(crate) fn ids(m: &Manifest) -> Vec<RuleId> {
    check(m, None).into_iter().map(|f| f.rule).collect()
}

/// Asserts that the clean manifest does not trigger `id` and that `change` makes it fire.
pub(crate) fn assert_rule(id: RuleId, change: impl FnOnce(&mut Manifest)) {
    let base = clean();
    assert!(!ids(&base).contains(&id), "{id} fires on the clean manifest: {:?}", check(&base, None));
    let mut m = base;
    change(&mut m);
    let found: Vec<Finding> = check(&m, None).into_iter().filter(|f| f.rule == id).collect();
    assert!(!found.is_empty(), "{id} does not fire after the change");
    for f in &found {
        for text in [&f.message_zh, &f.message_en] {
            assert!(
                unfilled(text).is_none(),
                "{id}: `{}` left unfilled in `{text}`",
                unfilled(text).unwrap_or_default()
            );
        }
    }
}

/// The first `{slot}` of a text that looks like a catalogue slot (a lowercase name).
fn unfilled(text: &str) -> Option<&str> {
    text.split('{')
        .skip(1)
        .filter_map(|p| p.split_once('}').map(|x| x.0))
        .find(|name| !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
}

#[test]
fn clean_manifest_has_no_findings() {
    let findings = check(&clean(), Some(CLEAN));
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn catalogue_ids_are_unique_and_bilingual() {
    let mut seen = std::collections::HashSet::new();
    for r in catalogue() {
        assert!(seen.insert(r.id), "{} twice", r.id);
        for t in [r.title, r.message, r.hint] {
            assert!(!t.zh.trim().is_empty() && !t.en.trim().is_empty(), "{} lacks a language", r.id);
            let holes = |s: &str| {
                let mut v: Vec<String> =
                    s.split('{').skip(1).filter_map(|p| p.split_once('}').map(|x| x.0.to_owned())).collect();
                v.sort();
                v
            };
            assert_eq!(holes(t.zh), holes(t.en), "{}: placeholders differ between zh and en", r.id);
        }
    }
}

#[test]
fn the_catalogue_is_keyed_by_rule_id() {
    assert_eq!(catalogue().count(), RuleId::ALL.len());
    for (i, (r, id)) in catalogue().zip(RuleId::ALL).enumerate() {
        assert_eq!(r.id, *id, "catalogue order is RuleId order");
        assert_eq!((id.index(), id.rule().id), (i, *id));
        let code = id.as_str();
        let (area, n) = code.split_once('-').unwrap_or_default();
        assert!((2..=4).contains(&area.len()) && area.chars().all(|c| c.is_ascii_uppercase()), "{code}");
        assert!(n.len() == 2 && n.chars().all(|c| c.is_ascii_digit()), "{code}");
        assert_eq!(code.parse::<RuleId>(), Ok(*id));
        assert_eq!(code.to_lowercase().parse::<RuleId>(), Ok(*id));
        assert_eq!(serde_json::to_string(id).ok(), Some(format!("\"{code}\"")));
    }
    assert_eq!(format!("[{:<7}]", RuleId::Xb01), "[XB-01  ]", "Display pads like a string");
    assert!("CON-99".parse::<RuleId>().is_err_and(|e| e.contains("CON-05")));
}

#[test]
fn findings_serialise_their_rule_as_its_id() {
    let mut m = clean();
    m.controller.name = String::new();
    let f = check(&m, None).into_iter().find(|f| f.rule == RuleId::Not01);
    let json = f.map(|f| serde_json::to_value(&f).unwrap_or_default());
    assert_eq!(json.as_ref().and_then(|j| j["rule"].as_str()), Some("NOT-01"));
}

#[test]
fn findings_are_placed_in_the_source() {
    let mut src = CLEAN.replace("[controller.contact]\nemail = \"privacy@example.cn\"\nphone = \"400-000-0000\"\nin_app = \"我的-设置-帮助与反馈\"\nin_app_en = \"Me > Settings > Help and feedback\"\n", "");
    src.push('\n');
    let m = crate::manifest::load::load_manifest(&src).unwrap_or_else(|e| panic!("{e:?}"));
    let f = check(&m, Some(&src)).into_iter().find(|f| f.rule == RuleId::Not01);
    assert!(f.is_some_and(|f| f.span.is_some()));
}

/// The findings of rule `id` after `change` is applied to the clean manifest.
pub(crate) fn findings_of(id: RuleId, change: impl FnOnce(&mut Manifest)) -> Vec<Finding> {
    let mut m = clean();
    change(&mut m);
    check(&m, None).into_iter().filter(|f| f.rule == id).collect()
}

/// A rule that reports errors is bound by a mandatory text, named among its sources; one
/// bound by a recommended standard or by practice only warns or advises.
#[test]
fn every_rule_says_what_binds_it() {
    for r in catalogue() {
        assert!(!r.binding.trim().is_empty(), "{}: no binding text", r.id);
        if r.severity == Severity::Error {
            assert!(r.force.is_mandatory(), "{} is an error but {} is {:?}", r.id, r.binding, r.force);
        }
        if r.force == Force::Practice {
            assert_eq!(r.binding, "—", "{}: practice has no binding text", r.id);
        } else {
            let short = r.binding.split(' ').next().unwrap_or_default();
            assert!(r.source.contains(short), "{}: binding {} is not among the sources {}", r.id, r.binding, r.source);
        }
        let label = r.force.label();
        assert!(!label.zh.is_empty() && !label.en.is_empty());
    }
}

/// What cannot be judged from a manifest is asked, not charged: these rules only advise,
/// and their findings ask the operator to confirm.
#[test]
fn what_a_manifest_cannot_show_is_asked_not_charged() {
    let asked = [
        RuleId::Sec01,
        RuleId::Adm04,
        RuleId::Not12,
        RuleId::Not13,
        RuleId::Min05,
        RuleId::Min07,
        RuleId::Sec04,
        RuleId::Shr02,
    ];
    for id in asked {
        let r = id.rule();
        assert_eq!(r.severity, Severity::Info, "{id}");
        assert!(r.message.zh.starts_with("请确认") && r.message.en.starts_with("confirm"), "{id}");
    }
    let f = findings_of(RuleId::Sec01, |m| {
        m.purposes[3].pia = None;
        m.pia.retain(|p| p.id.as_str() != "pia-location");
    });
    assert!(f.iter().all(|f| f.severity == Severity::Info && f.message_zh.starts_with("请确认")), "{f:#?}");
}

/// The same problem at several places of a section is one finding, at the first place,
/// naming every place.
#[test]
fn repeated_findings_are_grouped_per_section() {
    let mut src = CLEAN.to_owned();
    let m0 = clean();
    for p in &m0.purposes[..2] {
        let line = format!("description = \"{}\"\n", p.description.as_deref().unwrap_or_default());
        assert!(src.contains(&line), "clean.toml: {line}");
        src = src.replacen(&line, "", 1);
    }
    let m = crate::manifest::load::load_manifest(&src).unwrap_or_else(|e| panic!("{e:?}"));
    let found: Vec<Finding> = check(&m, Some(&src)).into_iter().filter(|f| f.rule == RuleId::Not02).collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = &found[0];
    assert_eq!((f.path.as_str(), f.also.as_slice()), ("purposes[0].name", &["purposes[1].name".to_owned()][..]));
    for p in &m.purposes[..2] {
        assert!(f.message_zh.contains(p.id.as_str()) && f.message_en.contains(p.id.as_str()), "{f:#?}");
    }
    assert!(f.span.as_ref().is_some_and(|s| src[s.clone()].contains(m.purposes[0].name.as_str())), "{f:#?}");
    // One hint, not one per place.
    assert_eq!(f.hint_zh, RuleId::Not02.rule().hint.zh);
}

/// A grouped message says the shared part once and lists what differs.
#[test]
fn grouped_messages_say_the_shared_part_once() {
    let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        super::joined(&v(&["基本业务功能 `browse` 使用了 `a`", "基本业务功能 `browse` 使用了 `bb`"]), "、", "；"),
        "基本业务功能 `browse` 使用了 `a`、`bb`"
    );
    assert_eq!(
        super::joined(
            &v(&["field `a` has no necessity", "field `a` has no impact", "field `b` has no impact"]),
            ", ",
            "; "
        ),
        "field `a` has no necessity; `a` has no impact; `b` has no impact"
    );
    // What follows a shared whole name is listed after it, not after a stray backquote.
    assert_eq!(
        super::joined(&v(&["接收方 `sdk`：缺少联系方式", "接收方 `sdk`：没有取得单独同意"]), "、", "；"),
        "接收方 `sdk`：缺少联系方式；没有取得单独同意"
    );
    assert_eq!(
        super::joined(&v(&["recipient `sdk`: no contact", "recipient `sdk`: no separate consent"]), ", ", "; "),
        "recipient `sdk`: no contact; no separate consent"
    );
    assert_eq!(
        super::joined(&v(&["purpose `a` is wrong here", "purpose `b` is wrong here"]), ", ", "; "),
        "purpose `a`, `b` is wrong here"
    );
    assert_eq!(super::joined(&v(&["one thing", "another"]), ", ", "; "), "one thing; another");
    assert_eq!(super::joined(&v(&["only"]), ", ", "; "), "only");
}

/// Asserts that `change`, applied to the clean manifest, does not trigger `id`: for rules
/// whose condition the clean manifest lacks (a recipient abroad, face recognition, …), the
/// compliant variant of the condition must stay quiet.
pub(crate) fn assert_quiet(id: RuleId, change: impl FnOnce(&mut Manifest)) {
    let mut m = clean();
    change(&mut m);
    let found: Vec<_> = check(&m, None).into_iter().filter(|f| f.rule == id).collect();
    assert!(found.is_empty(), "{id} fires on a compliant variant: {found:#?}");
}

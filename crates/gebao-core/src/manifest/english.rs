//! Which manifest texts that reach the policy lack their English twin (`_en`).
//!
//! Every text the policy or its lists print has an `_en` key beside it; a policy offered in
//! English (`[policy] languages` lists `en`) prints the Chinese text where the twin is
//! missing. [`missing`] lists those places, grouped by manifest section, so that NOT-11 can
//! report each section once. Names and addresses that are proper names are listed too: an
//! English name (e.g. the company's registered English name) is the operator's to give.

use super::Manifest;

/// The manifest sections in the order `missing` reports them, with the keys missing an
/// English text (paths as `gebao check` prints them).
pub fn missing(m: &Manifest) -> Vec<(&'static str, Vec<String>)> {
    let mut out: Vec<(&'static str, Vec<String>)> = Vec::new();
    let mut section = |name: &'static str, keys: Vec<String>| {
        if !keys.is_empty() {
            out.push((name, keys));
        }
    };
    let mut keys = Keys::default();

    let c = &m.controller;
    keys.one("controller.name", &c.name, &c.name_en);
    keys.one("controller.product", &c.product, &c.product_en);
    keys.opt("controller.address", &c.address, &c.address_en);
    keys.contact("controller.contact", &c.contact);
    if let Some(o) = &c.officer {
        keys.one("controller.officer.name", &o.name, &o.name_en);
        keys.contact("controller.officer.contact", &o.contact);
    }
    if let Some(ct) = &c.complaints {
        keys.contact("controller.complaints", ct);
    }
    section("controller", keys.take());

    let p = &m.policy;
    keys.opt("policy.title", &p.title, &p.title_en);
    keys.opt("policy.scope", &p.scope, &p.scope_en);
    keys.list("policy.display.places", &p.display.places, &p.display.places_en);
    section("policy", keys.take());

    let s = &m.storage;
    keys.opt("storage.description", &s.description, &s.description_en);
    if let Some(x) = &s.cross_border {
        keys.opt("storage.cross_border.rights_how", &x.rights_how, &x.rights_how_en);
    }
    section("storage", keys.take());

    for (i, f) in m.fields.iter().enumerate() {
        keys.one(&format!("fields[{i}].name"), &f.name, &f.name_en);
        keys.opt(&format!("fields[{i}].necessity"), &f.necessity, &f.necessity_en);
        keys.opt(&format!("fields[{i}].impact"), &f.impact, &f.impact_en);
    }
    section("fields", keys.take());

    for (i, pu) in m.purposes.iter().enumerate() {
        let at = format!("purposes[{i}]");
        keys.one(&format!("{at}.name"), &pu.name, &pu.name_en);
        keys.opt(&format!("{at}.description"), &pu.description, &pu.description_en);
        keys.opt(&format!("{at}.basis_note"), &pu.basis_note, &pu.basis_note_en);
        keys.opt(&format!("{at}.beyond_nec"), &pu.beyond_nec, &pu.beyond_nec_en);
        keys.opt(&format!("{at}.consent.withdraw"), &pu.consent.withdraw, &pu.consent.withdraw_en);
        if let Some(r) = &pu.retention {
            keys.opt(&format!("{at}.retention.method"), &r.method, &r.method_en);
        }
        if let Some(a) = &pu.automated {
            keys.one(&format!("{at}.automated.description"), &a.description, &a.description_en);
            keys.opt(&format!("{at}.automated.explanation"), &a.explanation, &a.explanation_en);
            keys.opt(&format!("{at}.automated.opt_out"), &a.opt_out, &a.opt_out_en);
        }
    }
    section("purposes", keys.take());

    for (i, sc) in m.scenarios.iter().enumerate() {
        keys.one(&format!("scenarios[{i}].name"), &sc.name, &sc.name_en);
        keys.opt(&format!("scenarios[{i}].prompt"), &sc.prompt, &sc.prompt_en);
    }
    section("scenarios", keys.take());

    for (i, pe) in m.permissions.iter().enumerate() {
        keys.one(&format!("permissions[{i}].purpose"), &pe.purpose, &pe.purpose_en);
        keys.opt(&format!("permissions[{i}].prompt"), &pe.prompt, &pe.prompt_en);
        keys.opt(&format!("permissions[{i}].withdraw"), &pe.withdraw, &pe.withdraw_en);
    }
    section("permissions", keys.take());

    for (i, r) in m.recipients.iter().enumerate() {
        let at = format!("recipients[{i}]");
        keys.one(&format!("{at}.name"), &r.name, &r.name_en);
        keys.opt(&format!("{at}.company"), &r.company, &r.company_en);
        keys.opt(&format!("{at}.contact"), &r.contact, &r.contact_en);
        keys.opt(&format!("{at}.purpose"), &r.purpose, &r.purpose_en);
        keys.opt(&format!("{at}.method"), &r.method, &r.method_en);
        if let Some(ct) = &r.contract {
            keys.opt(&format!("{at}.contract.period"), &ct.period, &ct.period_en);
        }
        if let Some(x) = &r.cross_border {
            keys.opt(&format!("{at}.cross_border.rights_how"), &x.rights_how, &x.rights_how_en);
        }
    }
    section("recipients", keys.take());

    for (i, ck) in m.cookies.iter().enumerate() {
        keys.one(&format!("cookies[{i}].name"), &ck.name, &ck.name_en);
        keys.opt(&format!("cookies[{i}].purpose"), &ck.purpose, &ck.purpose_en);
    }
    section("cookies", keys.take());

    let rt = &m.rights;
    keys.opt("rights.channel", &rt.channel, &rt.channel_en);
    for (kind, r) in rt.offered() {
        let at = format!("rights.{}", kind.as_str());
        keys.opt(&format!("{at}.channel"), &r.channel, &r.channel_en);
        keys.opt(&format!("{at}.note"), &r.note, &r.note_en);
        keys.list(&format!("{at}.conditions"), &r.conditions, &r.conditions_en);
        keys.list(&format!("{at}.portability_conditions"), &r.portability_conditions, &r.portability_conditions_en);
        for (j, b) in r.blockers.iter().enumerate() {
            keys.one(&format!("{at}.blockers[{j}].description"), &b.description, &b.description_en);
        }
    }
    if let Some(d) = &rt.deceased {
        keys.opt("rights.deceased.channel", &d.channel, &d.channel_en);
    }
    section("rights", keys.take());

    let mn = &m.minors;
    keys.opt("minors.children_rules", &mn.children_rules, &mn.children_rules_en);
    keys.opt("minors.guardian_contact", &mn.guardian_contact, &mn.guardian_contact_en);
    keys.opt("minors.refusal_consequence", &mn.refusal_consequence, &mn.refusal_consequence_en);
    if let Some(o) = &mn.officer {
        keys.one("minors.officer.name", &o.name, &o.name_en);
        keys.contact("minors.officer.contact", &o.contact);
    }
    section("minors", keys.take());

    let pr = &m.protection;
    keys.list("protection.certifications", &pr.certifications, &pr.certifications_en);
    if let Some(i) = &pr.incident {
        keys.one("protection.incident.contact", &i.contact, &i.contact_en);
        keys.one("protection.incident.regulator", &i.regulator, &i.regulator_en);
    }
    section("protection", keys.take());

    keys.opt("changes.archive", &m.changes.archive, &m.changes.archive_en);
    section("changes", keys.take());

    out
}

/// The keys of one section missing an English text.
#[derive(Default)]
struct Keys(Vec<String>);

impl Keys {
    fn take(&mut self) -> Vec<String> {
        std::mem::take(&mut self.0)
    }

    /// A text with Chinese in it and no English twin. A text without Chinese (an e-mail
    /// address, a URL, a number, an English name) reads the same in both languages.
    fn one(&mut self, key: &str, zh: &str, en: &Option<String>) {
        let has_en = en.as_deref().is_some_and(|e| !e.trim().is_empty());
        if !has_en && has_chinese(zh) {
            self.0.push(key.to_owned());
        }
    }

    fn opt(&mut self, key: &str, zh: &Option<String>, en: &Option<String>) {
        if let Some(zh) = zh {
            self.one(key, zh, en);
        }
    }

    /// A list, whose English twin must have one item for each item.
    fn list(&mut self, key: &str, zh: &[String], en: &[String]) {
        let complete = en.len() == zh.len() && en.iter().all(|e| !e.trim().is_empty());
        if !complete && zh.iter().any(|z| has_chinese(z)) {
            self.0.push(key.to_owned());
        }
    }

    fn contact(&mut self, at: &str, c: &super::Contact) {
        self.opt(&format!("{at}.web_form"), &c.web_form, &c.web_form_en);
        self.opt(&format!("{at}.in_app"), &c.in_app, &c.in_app_en);
        self.opt(&format!("{at}.post"), &c.post, &c.post_en);
    }
}

/// Whether a text has a CJK character in it.
pub fn has_chinese(text: &str) -> bool {
    text.chars().any(|ch| ('\u{3400}'..='\u{9fff}').contains(&ch) || ('\u{f900}'..='\u{faff}').contains(&ch))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean() -> Manifest {
        crate::load_manifest(include_str!("../rules/testdata/clean.toml")).unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn clean_manifest_misses_nothing() {
        assert_eq!(missing(&clean()), Vec::<(&str, Vec<String>)>::new());
    }

    #[test]
    fn each_new_twin_is_asked_for() {
        let mut m = clean();
        if let Some(r) = m.rights.cancellation.as_mut() {
            r.conditions = vec!["账号无未完成的订单".into()];
        }
        m.changes.archive = Some("我的-设置-历史版本".into());
        m.controller.contact.post = Some("北京市海淀区".into());
        let got = missing(&m);
        assert!(got.contains(&("controller", vec!["controller.contact.post".to_owned()])), "{got:?}");
        assert!(got.contains(&("changes", vec!["changes.archive".to_owned()])), "{got:?}");
        assert!(
            got.iter().any(|(s, k)| *s == "rights" && k.contains(&"rights.cancellation.conditions".to_owned())),
            "{got:?}"
        );
        m.changes.archive_en = Some("Me > Settings > Earlier versions".into());
        assert!(!missing(&m).iter().any(|(s, _)| *s == "changes"));
    }

    #[test]
    fn text_without_chinese_needs_no_twin() {
        let mut m = clean();
        m.changes.archive = Some("https://example.com/privacy/archive".into());
        m.changes.archive_en = None;
        assert!(!missing(&m).iter().any(|(s, _)| *s == "changes"));
    }
}

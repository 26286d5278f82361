//! Chapter "how we handle minors' personal information": guardian age and consent
//! (PIPL 31, MIN-01/02), the rule for minors from 14 to 18, the children's rules and their
//! officer (CHILD 8, MIN-03/04), audits and staff access (MINOR 36–37, MIN-05/07), the
//! guardian's contact, and incident notice to guardians (MINOR 35).

use crate::catalogue::minors as k;
use crate::md::Writer;
use crate::text::{channels, md, md_opt, sentence};
use gebao_core::Manifest;
use gebao_core::manifest::{Audience, GuardianConsent, TeenRule};

pub(super) fn write(w: &mut Writer, m: &Manifest) {
    let lang = w.lang;
    let mn = &m.minors;
    if mn.audience == Audience::AdultsOnly {
        w.para([Some(w.t(k::MINORS_ADULTS).to_owned()), Some(w.t(k::MINORS_UNVERIFIED).to_owned())]);
        return;
    }
    let audience = match mn.audience {
        Audience::Children => k::MINORS_CHILDREN,
        _ => k::MINORS_GENERAL,
    };
    let age = mn.guardian_consent_age.to_string();
    // Presumed consent ("registering counts as the guardian's consent", MIN-02) is never
    // printed as a promise; only a verified flow earns the sentence about it.
    let verified = mn.guardian_consent == GuardianConsent::Verified;
    let teen = match mn.teen_rule {
        TeenRule::OwnConsent => k::MINORS_TEEN_OWN,
        TeenRule::GuardianConsent => k::MINORS_TEEN_GUARDIAN,
    };
    w.para([Some(w.t(audience).to_owned())]);
    w.para([
        w.f(k::MINORS_GUARDIAN, &[("age", &age)]),
        verified.then(|| w.t(k::MINORS_VERIFIED).to_owned()),
        w.f(teen, &[("age", &age)]),
    ]);
    let rules = md_opt(lang, &mn.children_rules, &mn.children_rules_en).map(|s| crate::text::clause(&s));
    let refusal = md_opt(lang, &mn.refusal_consequence, &mn.refusal_consequence_en).and_then(|t| sentence(lang, &t));
    w.para([rules.and_then(|r| w.f(k::MINORS_RULES, &[("rules", &r)])), refusal]);

    if let Some(officer) = &mn.officer {
        let name = md(lang, &officer.name, &officer.name_en);
        let contact = channels(lang, &officer.contact);
        let intro = if contact.is_empty() { k::MINORS_OFFICER } else { k::MINORS_OFFICER_CONTACT };
        w.para([w.f(intro, &[("officer", &name)])]);
        w.bullets(&contact);
    }
    let guardian_contact = md_opt(lang, &mn.guardian_contact, &mn.guardian_contact_en)
        .map(|s| crate::text::clause(&s))
        .filter(|s| !s.is_empty());
    w.para([guardian_contact.and_then(|c| w.f(k::MINORS_GUARDIAN_CONTACT, &[("contact", &c)]))]);
    w.para([
        mn.staff_access_controlled.then(|| w.t(k::MINORS_STAFF).to_owned()),
        mn.annual_audit.then(|| w.t(k::MINORS_AUDIT).to_owned()),
        m.protection.incident.is_some().then(|| w.t(k::MINORS_INCIDENT).to_owned()),
        Some(w.t(k::MINORS_UNVERIFIED).to_owned()),
    ]);
}

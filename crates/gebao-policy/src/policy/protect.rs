//! Chapter "how we protect your personal information": measures (PIPL 51, SEC-06),
//! encryption (SEN-02), certifications, and incident response (PIPL 57, SEC-02; INCID).

use crate::catalogue::protect as k;
use crate::md::Writer;
use crate::text::{join, label, md};
use crate::view;
use gebao_core::Manifest;
use gebao_core::manifest::NoticeChannel;

pub(super) fn write(w: &mut Writer, m: &Manifest) {
    let lang = w.lang;
    let p = &m.protection;
    w.say(k::PROTECT_INTRO);
    let measures: Vec<String> =
        crate::text::dedup(p.measures.iter().copied()).into_iter().map(|ms| label(lang, ms.label())).collect();
    if !measures.is_empty() {
        w.say(k::PROTECT_MEASURES);
        w.bullets(&measures);
    }
    let categories: Vec<String> = crate::text::dedup(p.encryption.categories.iter().copied())
        .into_iter()
        .map(|ct| ct.name(lang).to_owned())
        .collect();
    let certs: Vec<String> = crate::text::items_in(lang, &p.certifications, &p.certifications_en);
    w.para([
        p.encryption.sensitive_at_rest.then(|| w.t(k::PROTECT_AT_REST).to_owned()),
        (!categories.is_empty())
            .then(|| w.f(k::PROTECT_CATEGORIES, &[("categories", &join(lang, &categories))]))
            .flatten(),
        p.encryption.in_transit.then(|| w.t(k::PROTECT_IN_TRANSIT).to_owned()),
        (!certs.is_empty()).then(|| w.f(k::PROTECT_CERTS, &[("certs", &join(lang, &certs))])).flatten(),
    ]);
    w.say(k::PROTECT_ACCOUNT);

    let Some(plan) = &p.incident else { return };
    w.section(k::SEC_INCIDENT);
    let regulator = md(lang, &plan.regulator, &plan.regulator_en);
    let within = plan.report_within.map(|d| view::duration(lang, &d));
    let channels = view::notice_channels(lang, &plan.notify);
    let contact = md(lang, &plan.contact, &plan.contact_en);
    w.para([
        w.f(k::INCIDENT_REMEDY, &[("regulator", &regulator)]),
        within.and_then(|t| w.f(k::INCIDENT_REPORT_WITHIN, &[("time", &t)])),
        channels.and_then(|ch| w.f(k::INCIDENT_NOTIFY, &[("channels", &ch)])),
        plan.notify.contains(&NoticeChannel::Announcement).then(|| w.t(k::INCIDENT_ANNOUNCE).to_owned()),
        w.f(k::INCIDENT_CONTACT, &[("contact", &contact)]),
    ]);
}

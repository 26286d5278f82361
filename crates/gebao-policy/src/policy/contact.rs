//! Chapter "how to contact us": the controller, its address and channels (PIPL 17(1),
//! NOT-01), the PI protection officer (PIPL 52, NOT-06), the representative of an overseas
//! operator (PIPL 53), complaint channels (NOT-04) and the remedies of PIPL 50.

use crate::catalogue::contact as k;
use crate::md::Writer;
use crate::text::{channels, fill_label, md, md_opt};
use crate::view;
use gebao_core::Manifest;
use gebao_core::manifest::{DeadlineStart, Officer, RightKind};

pub(super) fn write(w: &mut Writer, m: &Manifest) {
    let lang = w.lang;
    let ct = &m.controller;
    w.say(k::CONTACT_INTRO);
    let name = crate::md::esc(view::controller(m, lang));
    let address = md_opt(lang, &ct.address, &ct.address_en);
    let mut items: Vec<String> =
        [fill_label(lang, k::LABEL_CONTROLLER, &name), address.and_then(|a| fill_label(lang, k::LABEL_ADDRESS, &a))]
            .into_iter()
            .flatten()
            .collect();
    items.extend(channels(lang, &ct.contact));
    w.bullets(&items);

    if let Some(officer) = &ct.officer {
        person(w, k::CONTACT_OFFICER, "officer", officer);
    }
    if let Some(rep) = &m.organisation.representative {
        person(w, k::CONTACT_REPRESENTATIVE, "name", rep);
    }
    if let Some(complaints) = ct.complaints.as_ref().filter(|c| !c.is_empty()) {
        w.say(k::CONTACT_COMPLAINTS);
        w.bullets(&channels(lang, complaints));
    }
    // The reply time is the complaint right's own, else the default deadline of [rights].
    let complaint = m.rights.get(RightKind::Complaint).filter(|rt| rt.offered);
    let reply = complaint.and_then(|rt| m.rights.deadline_of(rt)).or(m.rights.deadline);
    let from = complaint.map_or(m.rights.deadline_from, |rt| m.rights.deadline_from_of(rt));
    let reply = reply.and_then(|d| {
        let text = match (d.is_zero(), from) {
            (true, DeadlineStart::Receipt) => k::CONTACT_REPLY_NOW,
            (true, DeadlineStart::Verification) => k::CONTACT_REPLY_VERIFIED_NOW,
            (false, DeadlineStart::Receipt) => k::CONTACT_REPLY,
            (false, DeadlineStart::Verification) => k::CONTACT_REPLY_VERIFIED,
        };
        w.f(text, &[("time", &view::duration(lang, &d))])
    });
    w.para([reply]);
    w.say(k::CONTACT_REMEDY);
}

/// A named person or department with their channels.
fn person(w: &mut Writer, intro: gebao_core::text::Text, slot: &str, p: &Officer) {
    let lang = w.lang;
    let name = md(lang, &p.name, &p.name_en);
    let items = channels(lang, &p.contact);
    if items.is_empty() {
        return;
    }
    w.para([w.f(intro, &[(slot, &name)])]);
    w.bullets(&items);
}

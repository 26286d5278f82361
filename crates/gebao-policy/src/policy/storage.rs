//! Chapter "how we store your personal information": location (NOT-10), retention per
//! purpose (NOT-07, RET-*), cross-border transfers with the notice items of PIPL 39 (XB-01,
//! XB-02), backups (RET-05) and the end of the service (TRM-01, TRM-02).

use crate::catalogue::{sharing as sh, storage as k};
use crate::md::{Writer, bold};
use crate::text::{country, join, label, md_opt, upper_first};
use crate::view;
use gebao_core::Manifest;
use gebao_core::manifest::{CrossBorder, Recipient, is_outside_mainland};

pub(super) fn write(w: &mut Writer, m: &Manifest) {
    location(w, m);
    retention(w, m);
    cross_border(w, m);
    backups(w, m);
    termination(w, m);
}

fn location(w: &mut Writer, m: &Manifest) {
    let lang = w.lang;
    let s = &m.storage;
    let countries: Vec<String> = crate::text::dedup(s.countries.iter().map(|code| country(lang, code)));
    // `description` is either a place ("中华人民共和国境内（北京）"), which goes into the
    // catalogue sentence, or a statement of its own, which is printed as it is.
    // Whether the description is a statement is read from the zh-CN text, so that both
    // languages print it the same way.
    let statement = s.description.as_deref().is_some_and(view::is_statement);
    let text = match md_opt(lang, &s.description, &s.description_en) {
        Some(d) if statement => crate::text::sentence(lang, &d),
        Some(d) => w.f(k::STORAGE_PLACE, &[("place", &d)]),
        None if !countries.is_empty() => w.f(k::STORAGE_PLACE, &[("place", &join(lang, &countries))]),
        None => None,
    };
    let Some(text) = text else { return };
    w.section(k::SEC_LOCATION);
    w.para([Some(text)]);
}

fn retention(w: &mut Writer, m: &Manifest) {
    let lang = w.lang;
    w.section(k::SEC_RETENTION);
    let rows: Vec<Vec<Option<String>>> = m
        .purposes
        .iter()
        .filter_map(|p| {
            let r = p.retention.as_ref()?;
            Some(vec![
                Some(view::purpose(lang, p)),
                view::retention_period(lang, r),
                r.legal_minimum.map(|l| label(lang, l.label())),
                r.then.map(|d| label(lang, d.label())),
            ])
        })
        .collect();
    if !rows.is_empty() {
        w.say(k::RETENTION_INTRO);
        w.table(&[k::COL_PURPOSE, k::COL_RETENTION, k::COL_LEGAL, k::COL_AT_END], &rows);
    }
    w.say(k::RETENTION_HOLD);
}

/// The legal mechanism of a flow in words, for a sentence or a cell.
fn mechanism(w: &Writer, xb: Option<&CrossBorder>) -> Option<String> {
    xb.map(|x| upper_first(x.mechanism.label().get(w.lang)))
}

fn cross_border(w: &mut Writer, m: &Manifest) {
    let lang = w.lang;
    w.section(k::SEC_CROSS_BORDER);
    if !m.has_cross_border() {
        w.para([Some(w.t(k::XB_NONE).to_owned()), Some(w.t(k::XB_FUTURE).to_owned())]);
        return;
    }
    let s = &m.storage;
    if s.is_abroad() {
        let places: Vec<String> =
            crate::text::dedup(s.countries.iter().filter(|c| is_outside_mainland(c)).map(|code| country(lang, code)));
        let xb = s.cross_border.as_ref();
        let rights = xb.and_then(|x| md_opt(lang, &x.rights_how, &x.rights_how_en)).map(|t| crate::text::clause(&t));
        let mechanism = mechanism(w, xb).map(|t| crate::text::clause(&t));
        let storage = if s.abroad_possible { k::XB_STORAGE_POSSIBLE } else { k::XB_STORAGE };
        w.para([
            w.f(storage, &[("places", &join(lang, &places))]),
            mechanism.and_then(|t| w.f(k::XB_MECHANISM, &[("mechanism", &t)])),
            rights.and_then(|t| w.f(k::XB_RIGHTS, &[("how", &t)])),
            s.separate_consent.then(|| w.t(k::XB_SEPARATE).to_owned()),
        ]);
    }
    let abroad: Vec<&Recipient> = view::recipients(m).into_iter().filter(|r| r.is_abroad()).collect();
    if !abroad.is_empty() {
        w.say(k::XB_RECIPIENTS);
        let rows: Vec<Vec<Option<String>>> = abroad
            .iter()
            .map(|r| {
                let xb = r.cross_border.as_ref();
                vec![
                    Some(bold(&view::recipient(lang, r))),
                    view::recipient_company(lang, r),
                    Some(upper_first(&country(lang, &r.country))),
                    md_opt(lang, &r.contact, &r.contact_en),
                    view::recipient_purpose(lang, m, r),
                    view::recipient_method(lang, r),
                    view::recipient_fields(lang, m, r),
                    mechanism(w, xb),
                    xb.and_then(|x| md_opt(lang, &x.rights_how, &x.rights_how_en)),
                ]
            })
            .collect();
        w.table(
            &[
                sh::COL_RECIPIENT,
                sh::COL_COMPANY,
                sh::COL_LOCATION,
                sh::COL_CONTACT,
                sh::COL_RECIPIENT_PURPOSE,
                sh::COL_METHOD,
                sh::COL_RECIPIENT_FIELDS,
                k::COL_MECHANISM,
                k::COL_RIGHTS_HOW,
            ],
            &rows,
        );
        let all_separate = abroad.iter().all(|r| r.separate_consent);
        w.para([all_separate.then(|| w.t(k::XB_SEPARATE).to_owned())]);
    }
    w.say(k::XB_STANDARD);
}

fn backups(w: &mut Writer, m: &Manifest) {
    let Some(d) = m.storage.backups_purged_within else { return };
    let time = view::duration(w.lang, &d);
    w.section(k::SEC_BACKUPS);
    w.para([w.f(k::BACKUPS, &[("time", &time)])]);
}

fn termination(w: &mut Writer, m: &Manifest) {
    let lang = w.lang;
    let t = &m.termination;
    let channels = view::notice_channels(lang, &t.notify);
    let notice = t.notice.map(|d| view::duration(lang, &d));
    let told = match (&notice, &channels) {
        (Some(n), Some(ch)) => w.f(k::TERM_NOTICE_BY, &[("notice", n), ("channels", ch)]),
        (Some(n), None) => w.f(k::TERM_NOTICE, &[("notice", n)]),
        (None, Some(ch)) => w.f(k::TERM_BY, &[("channels", ch)]),
        (None, None) => None,
    };
    let then = t.then.and_then(|d| w.f(k::TERM_THEN, &[("disposal", d.label().get(lang))]));
    if !t.stop_collection && told.is_none() && then.is_none() {
        return;
    }
    w.section(k::SEC_TERMINATION);
    w.para([t.stop_collection.then(|| w.t(k::TERM_STOP).to_owned()), told, then]);
}

//! Chapter "how this policy changes": notice of updates, re-consent on a major change
//! (PIPL 14, CHG-01), the six major-change triggers (35273 5.5, CHG-02) and where earlier
//! versions are kept (CHG-03).

use crate::catalogue::changes as k;
use crate::md::Writer;
use crate::view;
use gebao_core::Manifest;

pub(super) fn write(w: &mut Writer, m: &Manifest) {
    let c = &m.changes;
    let channels = view::notice_channels(w.lang, &c.notify);
    // `accepted_by_continued_use` is deliberately never printed: continued use is not
    // consent (PIPL 14), and `gebao check` reports it.
    w.para([Some(w.t(k::CHANGES_INTRO).to_owned()), Some(w.t(k::CHANGES_PUBLISH).to_owned())]);
    w.para([
        channels.and_then(|ch| w.f(k::CHANGES_MAJOR_NOTIFY, &[("channels", &ch)])),
        c.reconsent_on_major.then(|| w.t(k::CHANGES_RECONSENT).to_owned()),
        c.new_use_consent.then(|| w.t(k::CHANGES_NEW_USE).to_owned()),
    ]);
    w.say(k::CHANGES_MAJOR_INTRO);
    let triggers = [
        k::MAJOR_SERVICE_MODEL,
        k::MAJOR_OWNERSHIP,
        k::MAJOR_RECIPIENTS,
        k::MAJOR_RIGHTS,
        k::MAJOR_CONTACT,
        k::MAJOR_PIA,
    ];
    let items: Vec<String> = triggers.iter().map(|b| w.t(*b).to_owned()).collect();
    w.numbered(&items);
    let archive = crate::text::md_opt(w.lang, &c.archive, &c.archive_en);
    // A link reads well inside the sentence; a description of the archive gets a label.
    let text = archive.and_then(|a| {
        let template = if a.contains("://") && !a.contains(char::is_whitespace) {
            k::CHANGES_ARCHIVE
        } else {
            k::CHANGES_ARCHIVE_TEXT
        };
        w.f(template, &[("place", &crate::text::clause(&a))])
    });
    w.para([text]);
}

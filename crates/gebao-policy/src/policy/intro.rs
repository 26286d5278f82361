//! The opening of the policy: version and dates, who we are, what the policy covers,
//! where it can be read, and the two definitions (PIPL 4, 28).

use crate::catalogue::common as c;
use crate::md::{Writer, chapter_number, esc};
use crate::text::{date, join, md_opt};
use crate::view;
use gebao_core::Manifest;
use gebao_core::text::{Lang, Text};

pub(super) fn write(w: &mut Writer, m: &Manifest, contents: &[Text]) {
    let lang = w.lang;
    let p = &m.policy;
    let version = p.version.as_deref().map(esc).filter(|v| !v.trim().is_empty());
    // Without a version label the version is named by its date, so that a reader can always
    // tell which version they read.
    let dated = p.published.or(p.effective).map(|d| date(lang, d));
    let meta = [
        match (version, dated) {
            (Some(v), _) => w.f(c::META_VERSION, &[("version", &v)]),
            (None, Some(d)) => w.f(c::META_VERSION_DATED, &[("date", &d)]),
            (None, None) => None,
        },
        p.published.and_then(|d| w.f(c::META_PUBLISHED, &[("date", &date(lang, d))])),
        p.effective.and_then(|d| w.f(c::META_EFFECTIVE, &[("date", &date(lang, d))])),
    ];
    let meta: Vec<String> = meta.into_iter().flatten().collect();
    w.bullets(&meta);

    let product = esc(view::product(m, lang));
    let controller = esc(view::controller(m, lang));
    let address = md_opt(lang, &m.controller.address, &m.controller.address_en);
    w.para([
        w.f(c::INTRO_WHO, &[("product", &product), ("controller", &controller)]),
        address.and_then(|a| w.f(c::INTRO_ADDRESS, &[("address", &a)])),
        Some(w.t(c::INTRO_COMMITMENT).to_owned()),
    ]);
    let scope = md_opt(lang, &p.scope, &p.scope_en).map(|s| crate::text::clause(&s));
    w.para([
        scope.and_then(|s| w.f(c::INTRO_COVERS, &[("scope", &s)])),
        Some(w.t(c::INTRO_SCOPE).to_owned()),
        Some(w.t(c::INTRO_READ).to_owned()),
    ]);

    let url = p.url.as_deref().filter(|u| !u.trim().is_empty()).map(esc);
    let places: Vec<String> = crate::text::items_in(lang, &p.display.places, &p.display.places_en)
        .into_iter()
        .map(|s| format!("“{s}”"))
        .collect();
    let both_languages = p.languages.contains(&Lang::ZhCn) && p.languages.contains(&Lang::En);
    w.para([
        url.and_then(|u| w.f(c::INTRO_URL, &[("url", &u)])),
        (!places.is_empty()).then(|| w.f(c::INTRO_PLACES, &[("places", &join(lang, &places))])).flatten(),
        both_languages.then(|| w.t(c::INTRO_LANGUAGES).to_owned()),
    ]);

    w.bullets(&[w.t(c::DEF_PI).to_owned(), w.t(c::DEF_SENSITIVE).to_owned()]);

    if !contents.is_empty() {
        w.say(c::INTRO_CONTENTS);
        match lang {
            // "一、…" cannot be read as list syntax, so the Chinese numbers stay in the text.
            Lang::ZhCn => {
                let items: Vec<String> = contents
                    .iter()
                    .enumerate()
                    .map(|(i, t)| format!("{}{}", chapter_number(lang, i + 1), t.get(lang)))
                    .collect();
                w.bullets(&items);
            }
            Lang::En => {
                let items: Vec<String> = contents.iter().map(|t| t.get(lang).to_owned()).collect();
                w.numbered(&items);
            }
        }
    }
}

//! Chapter "how we use cookies and similar technologies": per category, with consent for
//! non-essential cookies (COO-01, COO-02) and the Do-Not-Track / GPC behaviour (COO-03).

use crate::catalogue::{common as c, cookies as k};
use crate::md::{Writer, esc};
use crate::text::{label, md, md_opt};
use crate::view;
use gebao_core::Manifest;
use gebao_core::manifest::{Cookie, CookieCategory, SignalHandling};

/// Whether the manifest declares anything for this chapter.
pub(super) fn present(m: &Manifest) -> bool {
    !m.cookies.is_empty() || m.tracking.do_not_track.is_some() || m.tracking.gpc.is_some()
}

pub(super) fn write(w: &mut Writer, m: &Manifest) {
    let lang = w.lang;
    if !m.cookies.is_empty() {
        w.say(k::COOKIES_INTRO);
    }
    for category in CookieCategory::ALL {
        let cookies: Vec<&Cookie> = m.cookies.iter().filter(|ck| ck.category == category).collect();
        if cookies.is_empty() {
            continue;
        }
        let name = label(lang, category.label());
        if let Some(title) = w.f(k::COOKIE_CATEGORY, &[("category", &name)]) {
            w.item_heading(&title);
        }
        let about = match category {
            CookieCategory::StrictlyNecessary => k::COOKIE_STRICT,
            CookieCategory::Functional => k::COOKIE_FUNCTIONAL,
            CookieCategory::Analytics => k::COOKIE_ANALYTICS,
            CookieCategory::Advertising => k::COOKIE_ADVERTISING,
        };
        // Only claim consent-first when no cookie of the category is set before consent.
        let consent_first = !category.is_essential() && cookies.iter().all(|ck| !ck.set_before_consent);
        w.para([Some(w.t(about).to_owned()), consent_first.then(|| w.t(k::COOKIE_CONSENT).to_owned())]);
        let rows: Vec<Vec<Option<String>>> = cookies
            .iter()
            .map(|ck| {
                let provider = ck.provider.as_deref().filter(|p| !p.trim().is_empty()).map(|p| {
                    if p.trim().eq_ignore_ascii_case("first-party") { w.t(c::FIRST_PARTY).to_owned() } else { esc(p) }
                });
                let lifetime = match (&ck.lifetime, ck.session) {
                    (Some(d), _) => Some(view::duration(lang, d)),
                    (None, true) => Some(w.t(c::SESSION).to_owned()),
                    (None, false) => None,
                };
                vec![
                    Some(md(lang, &ck.name, &ck.name_en)),
                    provider,
                    md_opt(lang, &ck.purpose, &ck.purpose_en),
                    lifetime,
                ]
            })
            .collect();
        w.table(&[k::COL_COOKIE_NAME, k::COL_COOKIE_PROVIDER, k::COL_COOKIE_PURPOSE, k::COL_COOKIE_LIFETIME], &rows);
    }
    if !m.cookies.is_empty() {
        w.say(k::COOKIE_BROWSER);
    }
    let dnt = m.tracking.do_not_track.map(|h| match h {
        SignalHandling::Honoured => k::DNT_HONOURED,
        SignalHandling::Ignored => k::DNT_IGNORED,
    });
    let gpc = m.tracking.gpc.map(|h| match h {
        SignalHandling::Honoured => k::GPC_HONOURED,
        SignalHandling::Ignored => k::GPC_IGNORED,
    });
    if dnt.is_some() || gpc.is_some() {
        let title = w.t(k::SEC_SIGNALS);
        w.item_heading(title);
        w.para([dnt.map(|b| w.t(b).to_owned()), gpc.map(|b| w.t(b).to_owned())]);
    }
}

//! The three lists published beside the policy (NDSMR; GB/T 41391; NOT-09): the personal
//! information collection list, the third-party sharing list (SDKs included) and the app
//! permission list. Each is one page that names the policy it belongs to.

pub(crate) mod collection;
pub(crate) mod permissions;
pub(crate) mod sharing;

use crate::catalogue::common as c;
use crate::md::{Writer, esc};
use crate::text::date;
use crate::view;
use gebao_core::Manifest;
use gebao_core::text::{Lang, Text};

/// Writes a list's title, the policy version and dates, and its introduction; returns the
/// plain-text title.
fn head(w: &mut Writer, m: &Manifest, title: Text, intro: Text) -> String {
    let lang: Lang = w.lang;
    let product = view::product(m, lang);
    let plain = gebao_core::text::fill(title.get(lang), &[("product", product)]).unwrap_or_else(|| product.to_owned());
    w.title(&plain);
    let p = &m.policy;
    let version = p.version.as_deref().filter(|v| !v.trim().is_empty()).map(esc);
    let meta: Vec<String> = [
        version.and_then(|v| w.f(c::META_VERSION, &[("version", &v)])),
        p.published.and_then(|d| w.f(c::META_PUBLISHED, &[("date", &date(lang, d))])),
        p.effective.and_then(|d| w.f(c::META_EFFECTIVE, &[("date", &date(lang, d))])),
    ]
    .into_iter()
    .flatten()
    .collect();
    w.bullets(&meta);
    let policy = esc(&view::policy_title(m, lang));
    w.para([w.f(intro, &[("product", &esc(product)), ("policy", &policy)])]);
    plain
}

//! The banner script, generated from the policy version in force: the hand-written
//! `assets/banner.js` (its stylesheet `assets/banner.css` inside) with the version's cookie
//! categories and the banner's texts baked in as one JSON object, built once per version,
//! with its gzip form and its `ETag`.

use super::texts;
use gebao_core::Manifest;
use gebao_core::manifest::{Cookie, CookieCategory};
use gebao_core::text::{Lang, Text};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::Write;

const SCRIPT: &str = include_str!("../../assets/banner.js");
const STYLESHEET: &str = include_str!("../../assets/banner.css");
/// Where the script takes its configuration.
const CONFIG_SLOT: &str = "__GEBAO_CONFIG__";
/// Where the script takes its stylesheet.
const CSS_SLOT: &str = "__GEBAO_CSS__";

/// What the script knows of the policy version in force.
#[derive(Debug, Serialize)]
pub struct Config {
    /// The policy version whose cookies and texts the visitor is shown (recorded with the
    /// choices).
    pub version: i64,
    /// The cookies the site needs for its basic functions: shown, never a choice (COO-02).
    pub necessary: Vec<CookieView>,
    /// Each category of non-essential cookies the manifest declares, in a fixed order.
    pub categories: Vec<Category>,
    /// Whether a Global Privacy Control or Do-Not-Track signal counts as "reject all"
    /// (`[tracking]`, COO-03).
    pub gpc: bool,
    pub dnt: bool,
    /// The banner's fixed texts, per language.
    pub t: Text<serde_json::Map<String, serde_json::Value>>,
}

/// A category of non-essential cookies.
#[derive(Debug, Serialize)]
pub struct Category {
    /// `functional`, `analytics` or `advertising`: the scope recorded in the ledger and the
    /// `data-gebao-category` of the scripts it activates.
    pub id: &'static str,
    pub label: Text,
    /// Asked as its own step, never with "accept all": its cookies are set by a recipient
    /// that needs a separate consent (PIPL 23 provision, PIPL 39 abroad).
    pub separate: bool,
    pub cookies: Vec<CookieView>,
    /// Names the banner deletes from the site's cookies when the category is withdrawn
    /// (the declared names that are cookie names, not descriptions).
    pub names: Vec<String>,
}

/// One declared cookie, as the visitor reads it: what it is, what for, who sets it, how
/// long it lives (COO-01).
#[derive(Debug, Serialize)]
pub struct CookieView {
    pub name: Text<String>,
    pub purpose: Text<String>,
    pub provider: Text<String>,
    pub lifetime: Text<String>,
}

/// A text and its `_en` twin; the Chinese stands in for a missing twin.
fn twin(zh: &str, en: Option<&str>) -> Text<String> {
    Text::new(zh.to_owned(), en.unwrap_or(zh).to_owned())
}

fn cookie_view(m: &Manifest, c: &Cookie) -> CookieView {
    let provider = match c.provider.as_deref() {
        None | Some("first-party") => texts::FIRST_PARTY.into(),
        Some(p) => match m.recipients.iter().find(|r| r.id.0 == p || r.name == p) {
            Some(r) => twin(&r.name, r.name_en.as_deref()),
            None => twin(p, None),
        },
    };
    let lifetime = match (&c.lifetime, c.session) {
        (Some(d), _) => Text::new(d.display(Lang::ZhCn), d.display(Lang::En)),
        (None, true) => texts::SESSION.into(),
        (None, false) => texts::UNSTATED.into(),
    };
    CookieView {
        name: twin(&c.name, c.name_en.as_deref()),
        purpose: c.purpose.as_deref().map_or_else(|| texts::UNSTATED.into(), |p| twin(p, c.purpose_en.as_deref())),
        provider,
        lifetime,
    }
}

/// RFC 6265 cookie-name characters (a token): a declared name with anything else is a
/// description ("网站信标和像素标签"), which the banner cannot delete.
fn is_cookie_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Whether a cookie is set by a recipient that needs a separate consent.
fn needs_separate(m: &Manifest, c: &Cookie) -> bool {
    let Some(p) = c.provider.as_deref() else { return false };
    m.recipients
        .iter()
        .filter(|r| r.id.0 == p || r.name == p || r.company.as_deref() == Some(p))
        .any(|r| !crate::routes::recipient_needs(r).is_empty())
}

impl Config {
    /// The banner's view of a manifest published as `version`.
    pub fn of(m: &Manifest, version: i64) -> Config {
        let necessary = m.cookies.iter().filter(|c| c.category.is_essential()).map(|c| cookie_view(m, c)).collect();
        let categories = CookieCategory::ALL
            .into_iter()
            .filter(|cat| !cat.is_essential())
            .filter_map(|cat| {
                let cookies: Vec<&Cookie> = m.cookies.iter().filter(|c| c.category == cat).collect();
                (!cookies.is_empty()).then(|| Category {
                    id: cat.as_str(),
                    label: cat.label(),
                    separate: cookies.iter().any(|c| needs_separate(m, c)),
                    names: cookies.iter().filter(|c| is_cookie_name(&c.name)).map(|c| c.name.clone()).collect(),
                    cookies: cookies.into_iter().map(|c| cookie_view(m, c)).collect(),
                })
            })
            .collect();
        let honoured =
            |s: Option<gebao_core::manifest::SignalHandling>| s == Some(gebao_core::manifest::SignalHandling::Honoured);
        Config {
            version,
            necessary,
            categories,
            gpc: honoured(m.tracking.gpc),
            dnt: honoured(m.tracking.do_not_track),
            t: texts::catalogue(),
        }
    }
}

/// The script served for one policy version.
pub struct Built {
    pub version: i64,
    pub body: bytes::Bytes,
    pub gzip: bytes::Bytes,
    /// A strong validator of `body`.
    pub etag: String,
}

/// Builds the script of a manifest published as `version`.
pub fn build(m: &Manifest, version: i64) -> Built {
    let config = serde_json::to_string(&Config::of(m, version)).unwrap_or_else(|_| "{}".into());
    // Kept inside a script: `<` never closes an element the script is inlined in.
    let config = config.replace('<', "\\u003c");
    let css = serde_json::to_string(STYLESHEET).unwrap_or_else(|_| "\"\"".into());
    let body = SCRIPT.replacen(CONFIG_SLOT, &config, 1).replacen(CSS_SLOT, &css, 1);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Empty when compression fails (it writes to memory): the plain script is served then.
    let gzip: Vec<u8> = gz.write_all(body.as_bytes()).and_then(|()| gz.finish()).unwrap_or_default();
    let etag = format!("\"{}\"", hex::encode(&Sha256::digest(body.as_bytes())[..16]));
    Built { version, body: body.into(), gzip: gzip.into(), etag }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn manifest(path: &str) -> Manifest {
        let text = std::fs::read_to_string(format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR"))).unwrap_or_default();
        gebao_core::load_manifest(&text).unwrap_or_else(|_| panic!("{path} loads"))
    }

    fn config(path: &str) -> Value {
        serde_json::to_value(Config::of(&manifest(path), 3)).unwrap_or_default()
    }

    #[test]
    fn categories_come_from_the_manifest_and_necessary_cookies_are_no_choice() {
        let c = config("examples/quickstart.toml");
        assert_eq!(c["version"], 3);
        let ids: Vec<&str> = c["categories"].as_array().unwrap().iter().filter_map(|c| c["id"].as_str()).collect();
        assert_eq!(ids, ["analytics"]);
        let analytics = &c["categories"][0];
        assert_eq!(analytics["label"]["zh"], "分析类");
        assert_eq!(analytics["names"], serde_json::json!(["_stat"]));
        assert_eq!(analytics["cookies"][0]["purpose"]["en"], "Counts page views");
        assert_eq!(analytics["cookies"][0]["provider"]["zh"], "本网站");
        assert_eq!(analytics["cookies"][0]["lifetime"]["en"], "1 year");
        assert_eq!(analytics["separate"], false);
        assert_eq!(c["necessary"][0]["name"]["zh"], "session_id");
        assert_eq!(c["necessary"][0]["lifetime"]["zh"], "关闭浏览器即删除");
        assert_eq!((c["gpc"].as_bool(), c["dnt"].as_bool()), (Some(true), Some(true)));
    }

    #[test]
    fn a_described_cookie_is_shown_but_never_deleted_by_name() {
        let c = config("examples/002-lanhu.toml");
        let ids: Vec<&str> = c["categories"].as_array().unwrap().iter().filter_map(|c| c["id"].as_str()).collect();
        assert_eq!(ids, ["functional", "analytics", "advertising"]);
        assert_eq!(c["categories"][1]["cookies"][0]["name"]["zh"], "网站信标和像素标签");
        assert_eq!(c["categories"][1]["names"], serde_json::json!([]));
        assert_eq!((c["gpc"].as_bool(), c["dnt"].as_bool()), (Some(false), Some(false)));
    }

    #[test]
    fn a_category_set_by_a_recipient_abroad_is_a_separate_step() {
        let mut m = manifest("examples/quickstart.toml");
        let mut r = m.recipients.first().cloned().unwrap_or_else(|| panic!("a recipient"));
        r.country = "US".into();
        let name = r.name.clone();
        m.recipients = vec![r];
        for c in m.cookies.iter_mut().filter(|c| c.category == CookieCategory::Analytics) {
            c.provider = Some(name.clone());
        }
        let c = serde_json::to_value(Config::of(&m, 1)).unwrap_or_default();
        assert_eq!(c["categories"][0]["separate"], true);
        assert_eq!(c["categories"][0]["cookies"][0]["provider"]["zh"], name.as_str());
    }

    #[test]
    fn every_text_exists_in_both_languages() {
        let t = texts::catalogue();
        assert!(!t.zh.is_empty());
        let zh: Vec<&String> = t.zh.keys().collect();
        let en: Vec<&String> = t.en.keys().collect();
        assert_eq!(zh, en);
        for (k, v) in t.zh.iter().chain(t.en.iter()) {
            assert!(v.as_str().is_some_and(|s| !s.trim().is_empty()), "{k}");
        }
    }

    #[test]
    fn the_script_is_filled_in_and_validated_by_its_etag() {
        let m = manifest("examples/quickstart.toml");
        let a = build(&m, 1);
        let body = String::from_utf8_lossy(&a.body).into_owned();
        assert!(!body.contains(CONFIG_SLOT) && !body.contains(CSS_SLOT));
        assert!(body.contains("\"_stat\""));
        assert_eq!(build(&m, 1).etag, a.etag, "the same manifest gives the same bytes");
        assert_ne!(build(&m, 2).etag, a.etag);
        let mut plain = String::new();
        let mut gz = flate2::read::GzDecoder::new(&a.gzip[..]);
        std::io::Read::read_to_string(&mut gz, &mut plain).unwrap_or_default();
        assert_eq!(plain, body);
    }

    /// The budget of issue 11: at most 15 KB over the wire, gzipped, with the largest seed
    /// manifest (docs/benchmarks.md reports the figure).
    #[test]
    fn the_script_is_within_its_size_budget() {
        for seed in ["000-weibo", "002-lanhu", "004-liaoliao", "quickstart"] {
            let b = build(&manifest(&format!("examples/{seed}.toml")), 1);
            println!("{seed}: {} bytes, {} gzipped", b.body.len(), b.gzip.len());
            assert!(b.gzip.len() <= 15 * 1024, "{seed}: {} bytes gzipped", b.gzip.len());
        }
    }
}

//! Helpers that turn manifest values into the words of a sentence: picking the language,
//! joining lists, dates, countries and contact channels.

use crate::catalogue::common as c;
use crate::md::esc;
use chrono::NaiveDate;
use gebao_core::manifest::{Contact, Platform};
use gebao_core::text::{Lang, Text};

/// The manifest text in a language, English falling back to zh-CN.
pub(crate) fn pick<'a>(lang: Lang, zh: &'a str, en: &'a Option<String>) -> &'a str {
    lang.pick(zh, en.as_deref())
}

/// The manifest text in a language, escaped for Markdown.
pub(crate) fn md(lang: Lang, zh: &str, en: &Option<String>) -> String {
    esc(pick(lang, zh, en))
}

/// An optional manifest text in a language, escaped, with the English falling back to zh-CN.
pub(crate) fn md_opt(lang: Lang, zh: &Option<String>, en: &Option<String>) -> Option<String> {
    zh.as_deref().map(|zh| esc(lang.pick(zh, en.as_deref()))).filter(|s| !s.trim().is_empty())
}

/// A manifest sentence used inside a catalogue sentence: escaped, with its own final
/// punctuation removed because the catalogue sentence brings its own.
pub(crate) fn clause(md: &str) -> String {
    md.trim_end_matches(|ch: char| ch.is_whitespace() || "。．.!！;；,，、:：".contains(ch)).to_owned()
}

/// A list of manifest strings in a language: the English list when it has one item for each
/// Chinese item, else the Chinese list; escaped, as clauses.
pub(crate) fn items_in(lang: Lang, zh: &[String], en: &[String]) -> Vec<String> {
    let chosen = match lang {
        Lang::En if en.len() == zh.len() && en.iter().all(|s| !s.trim().is_empty()) => en,
        _ => zh,
    };
    chosen.iter().map(|s| clause(&esc(s))).filter(|s| !s.is_empty()).collect()
}

/// A path or channel put into "通过“{path}”": a manifest value that itself starts with "通过"
/// ("通过短信回复退订") would read "通过“通过…”", so the word is not repeated.
pub(crate) fn via(md: String) -> String {
    match md.trim_start().strip_prefix("通过") {
        Some(rest) if !rest.trim().is_empty() => rest.trim_start().to_owned(),
        _ => md,
    }
}

/// A manifest text as a whole sentence, ending with a full stop that suits its script: a
/// Chinese text shown in English (no English text in the manifest) keeps "。".
pub(crate) fn sentence(lang: Lang, md: &str) -> Option<String> {
    let body = clause(md);
    let last = body.chars().last()?;
    let chinese = ('\u{2e80}'..='\u{9fff}').contains(&last) || ('\u{ff00}'..='\u{ffef}').contains(&last);
    Some(match (lang, chinese) {
        (Lang::ZhCn, _) | (Lang::En, true) => format!("{body}。"),
        (Lang::En, false) => format!("{body}."),
    })
}

/// Joins items as a list inside a sentence: "甲、乙" or "A, B".
pub(crate) fn join(lang: Lang, items: &[String]) -> String {
    items.join(match lang {
        Lang::ZhCn => "、",
        Lang::En => ", ",
    })
}

/// Joins items as a list that reads as a phrase: "甲、乙和丙" or "A, B and C".
pub(crate) fn join_and(lang: Lang, items: &[String]) -> String {
    match (items.split_last(), lang) {
        (Some((last, rest)), _) if !rest.is_empty() => {
            let and = match lang {
                Lang::ZhCn => "和",
                Lang::En => " and ",
            };
            format!("{}{and}{last}", join(lang, rest))
        }
        _ => join(lang, items),
    }
}

/// Joins items that may contain commas: "甲；乙" or "A; B".
pub(crate) fn join_semi(lang: Lang, items: &[String]) -> String {
    items.join(match lang {
        Lang::ZhCn => "；",
        Lang::En => "; ",
    })
}

/// A date: "2026年1月10日" or "10 January 2026".
pub(crate) fn date(lang: Lang, d: NaiveDate) -> String {
    match lang {
        Lang::ZhCn => d.format("%Y年%-m月%-d日").to_string(),
        Lang::En => d.format("%-d %B %Y").to_string(),
    }
}

/// The first letter in upper case, for English labels that start a cell or a sentence.
pub(crate) fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A catalogue label, with an upper-case first letter in English.
pub(crate) fn label(lang: Lang, b: Text) -> String {
    upper_first(b.get(lang))
}

/// A country or region by its ISO 3166 code, named when gebao knows it.
pub(crate) fn country(lang: Lang, code: &str) -> String {
    let known = match code.trim().to_ascii_uppercase().as_str() {
        "CN" | "CHN" => Some(c::COUNTRY_CN),
        // Left out in the manifest: the policy does not say, and neither do we.
        "" => Some(c::COUNTRY_UNSTATED),
        "HK" => Some(c::COUNTRY_HK),
        "MO" => Some(c::COUNTRY_MO),
        "TW" => Some(c::COUNTRY_TW),
        "US" => Some(c::COUNTRY_US),
        "SG" => Some(c::COUNTRY_SG),
        "JP" => Some(c::COUNTRY_JP),
        "KR" => Some(c::COUNTRY_KR),
        "DE" => Some(c::COUNTRY_DE),
        "IE" => Some(c::COUNTRY_IE),
        "NL" => Some(c::COUNTRY_NL),
        "GB" | "UK" => Some(c::COUNTRY_GB),
        "FR" => Some(c::COUNTRY_FR),
        // ISO 3166 user-assigned "ZZ": a foreign place the operator does not name.
        "ZZ" => Some(c::COUNTRY_UNNAMED),
        _ => None,
    };
    match known {
        Some(b) => b.get(lang).to_owned(),
        None => esc(code.trim()),
    }
}

/// A platform's name.
pub(crate) fn platform(lang: Lang, p: Platform) -> &'static str {
    match p {
        Platform::Android => c::PLATFORM_ANDROID,
        Platform::Ios => c::PLATFORM_IOS,
        Platform::Harmonyos => c::PLATFORM_HARMONYOS,
        Platform::Web => c::PLATFORM_WEB,
        Platform::MiniProgram => c::PLATFORM_MINI_PROGRAM,
    }
    .get(lang)
}

/// The channels of a contact as "电子邮件：x" / "Email: x", in the model's fixed order.
pub(crate) fn channels(lang: Lang, contact: &Contact) -> Vec<String> {
    contact.channels_in(lang).filter_map(|(kind, value)| fill_label(lang, kind.label(), &esc(value))).collect()
}

/// "label：value" / "label: value".
pub(crate) fn fill_label(lang: Lang, label: Text, value: &str) -> Option<String> {
    gebao_core::text::fill(c::LABELLED.get(lang), &[("label", label.get(lang)), ("value", value)])
}

/// Unique items in first-seen order (deterministic, unlike a hash set).
pub(crate) fn dedup<T: PartialEq>(items: impl IntoIterator<Item = T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

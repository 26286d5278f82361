//! The catalogue of every fixed sentence the renderer writes, keyed by id, in zh-CN and
//! English. Sentences may have `{name}` slots that the renderer fills from manifest data with
//! [`gebao_core::text::fill`]: a sentence whose slot has no value is left out, never printed
//! half-filled.
//!
//! Chapters keep their sentences in submodules so that no file grows long; the ids are the
//! constant names and are unique across the whole catalogue (a test checks it).

#[cfg(test)]
use gebao_core::text::Text;

/// Declares catalogue entries: `ID = "zh-CN text" / "English text";`. Each becomes a
/// `Text` constant, and `ENTRIES` lists them all for the completeness tests.
macro_rules! catalogue {
    ($($(#[$doc:meta])* $id:ident = $zh:literal / $en:literal;)*) => {
        $(
            $(#[$doc])*
            pub(crate) const $id: gebao_core::text::Text = gebao_core::text::Text::new($zh, $en);
        )*
        /// Every entry of this part of the catalogue, with its id.
        #[cfg(test)]
        pub(crate) const ENTRIES: &[(&str, gebao_core::text::Text)] = &[$((stringify!($id), $id),)*];
    };
}

pub(crate) mod changes;
pub(crate) mod collect;
pub(crate) mod common;
pub(crate) mod contact;
pub(crate) mod cookies;
pub(crate) mod lists;
pub(crate) mod minors;
pub(crate) mod protect;
pub(crate) mod rights;
pub(crate) mod sharing;
pub(crate) mod storage;

/// All entries of the catalogue, for the tests.
#[cfg(test)]
pub(crate) fn entries() -> impl Iterator<Item = (&'static str, Text)> {
    [
        changes::ENTRIES,
        collect::ENTRIES,
        common::ENTRIES,
        contact::ENTRIES,
        cookies::ENTRIES,
        lists::ENTRIES,
        minors::ENTRIES,
        protect::ENTRIES,
        rights::ENTRIES,
        sharing::ENTRIES,
        storage::ENTRIES,
    ]
    .into_iter()
    .flatten()
    .copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn slots(text: &str) -> BTreeSet<&str> {
        let mut out = BTreeSet::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else { break };
            out.insert(&after[..close]);
            rest = &after[close + 1..];
        }
        out
    }

    #[test]
    fn every_key_has_both_languages() {
        for (id, b) in entries() {
            assert!(!b.zh.trim().is_empty(), "{id} has no zh-CN text");
            assert!(!b.en.trim().is_empty(), "{id} has no English text");
        }
    }

    #[test]
    fn ids_are_unique() {
        let mut seen = BTreeSet::new();
        for (id, _) in entries() {
            assert!(seen.insert(id), "{id} is declared twice");
        }
    }

    #[test]
    fn both_languages_have_the_same_slots() {
        for (id, b) in entries() {
            assert_eq!(slots(b.zh), slots(b.en), "{id}: the slots differ between zh-CN and English");
            assert_eq!(b.zh.matches('{').count(), b.zh.matches('}').count(), "{id}: unbalanced braces");
            assert_eq!(b.en.matches('{').count(), b.en.matches('}').count(), "{id}: unbalanced braces");
        }
    }

    #[test]
    fn english_texts_are_english() {
        for (id, b) in entries() {
            let cjk = b.en.chars().find(|c| {
                ('\u{4e00}'..='\u{9fff}').contains(c)
                    || ('\u{3000}'..='\u{303f}').contains(c)
                    || ('\u{ff00}'..='\u{ffef}').contains(c)
            });
            assert!(cjk.is_none(), "{id}: the English text contains `{}`", cjk.unwrap_or(' '));
        }
    }

    #[test]
    fn texts_carry_no_markdown_or_placeholder_markers() {
        for (id, b) in entries() {
            for text in [b.zh, b.en] {
                for bad in ["TODO", "XXX", "待定", "*", "_", "|", "<", ">", "#", "`"] {
                    assert!(!text.contains(bad), "{id}: contains `{bad}`");
                }
            }
        }
    }
}

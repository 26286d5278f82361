//! Bilingual text. zh-CN is the default language of everything users see; English is second.
//!
//! One type, [`Text`], holds a text in both languages, and one filler, [`fill`] (with its
//! lenient twin [`fill_keeping`]), puts values into the `{name}` slots of a catalogue
//! sentence. The rule catalogue, the policy catalogue and every other list of built-in
//! sentences use them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A language gebao writes user-facing text in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema, Default)]
pub enum Lang {
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Picks the text of this language from a zh-CN text and an optional English one; English
    /// falls back to zh-CN so that no sentence is ever empty.
    pub fn pick<'a>(self, zh: &'a str, en: Option<&'a str>) -> &'a str {
        match (self, en) {
            (Lang::En, Some(en)) if !en.trim().is_empty() => en,
            _ => zh,
        }
    }
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "zh_cn" | "cn" => Ok(Lang::ZhCn),
            "en" | "en-us" | "en-gb" | "en_us" => Ok(Lang::En),
            other => Err(format!("unknown language `{other}`: use `zh-CN` or `en`")),
        }
    }
}

/// A text in zh-CN and English.
///
/// `S` holds each language. The default, `&'static str`, is for catalogues of built-in
/// sentences: `Copy`, and built in `const` items with [`Text::new`]. `Text<String>` is a text
/// made at run time, e.g. a message with a value in it, built as
/// `Text { zh: format!(..), en: format!(..) }` and read as `.zh` / `.en`; `from` turns a
/// catalogue text into one.
///
/// ```
/// use gebao_core::text::{Lang, Text};
/// const SAVED: Text = Text::new("已保存", "Saved");
/// assert_eq!(SAVED.get(Lang::En), "Saved");
/// let made: Text<String> = Text { zh: format!("{}。", SAVED.zh), en: format!("{}.", SAVED.en) };
/// assert_eq!(made.get(Lang::ZhCn), "已保存。");
/// assert_eq!(Text::<String>::from(SAVED), Text { zh: "已保存".to_owned(), en: "Saved".to_owned() });
///
/// // A crate whose own `Text` held two Strings adopts this one with an alias; its struct
/// // literals and `.zh` / `.en` reads stay as they are.
/// type Message = Text<String>;
/// let m = Message { zh: "未找到".into(), en: "Not found".into() };
/// let (zh, en): (String, String) = (m.zh, m.en);
/// assert_eq!((zh.as_str(), en.as_str()), ("未找到", "Not found"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub struct Text<S = &'static str> {
    pub zh: S,
    pub en: S,
}

impl<S> Text<S> {
    pub const fn new(zh: S, en: S) -> Self {
        Self { zh, en }
    }

    /// Both languages through `f`, e.g. `text.map(str::to_uppercase)`.
    pub fn map<T>(self, mut f: impl FnMut(S) -> T) -> Text<T> {
        Text { zh: f(self.zh), en: f(self.en) }
    }
}

impl<'a> Text<&'a str> {
    /// The text in `lang`, for as long as the text itself lives (`'static` in a catalogue).
    pub const fn get(&self, lang: Lang) -> &'a str {
        match lang {
            Lang::ZhCn => self.zh,
            Lang::En => self.en,
        }
    }
}

impl Text<String> {
    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::ZhCn => &self.zh,
            Lang::En => &self.en,
        }
    }
}

impl From<Text<&str>> for Text<String> {
    fn from(t: Text<&str>) -> Self {
        t.map(str::to_owned)
    }
}

/// Fills the `{name}` slots of a catalogue sentence from `args`, or gives `None` when a slot
/// has no value or only a blank one, so that the caller leaves the sentence out rather than
/// print it half-filled (the policy's rule).
///
/// Values are inserted as given (escape manifest text first when the output needs it). The
/// sentence is scanned once, so a value that itself contains `{…}` is never expanded again.
///
/// ```
/// use gebao_core::text::fill;
/// assert_eq!(fill("保存{period}。", &[("period", "30日")]).as_deref(), Some("保存30日。"));
/// assert_eq!(fill("保存{period}。", &[("period", " ")]), None);
/// ```
pub fn fill(template: &str, args: &[(&str, &str)]) -> Option<String> {
    fill_slots(template, args, Unfilled::LeaveOut)
}

/// Like [`fill`], but never gives up: a slot without a value keeps its `{name}`, and blank
/// values are inserted as they are. For texts that must always be shown, such as a rule's
/// finding, whose templates may also hold literal braces (`retention = { … }`).
///
/// ```
/// use gebao_core::text::fill_keeping;
/// assert_eq!(fill_keeping("`{purpose}`: set `retention = { period = … }`", &[("purpose", "ads")]),
///     "`ads`: set `retention = { period = … }`");
/// ```
pub fn fill_keeping(template: &str, args: &[(&str, &str)]) -> String {
    // `Keep` never gives up; the fallback is the template itself, which is never reached.
    fill_slots(template, args, Unfilled::Keep).unwrap_or_else(|| template.to_owned())
}

/// What [`fill_slots`] does with a slot that has no value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Unfilled {
    LeaveOut,
    Keep,
}

/// The one filler: a single scan of `template`, each `{name}` replaced by the first value of
/// `name` in `args`. The first matching `}` closes a slot; a `{` without one is text.
fn fill_slots(template: &str, args: &[(&str, &str)], unfilled: Unfilled) -> Option<String> {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            if unfilled == Unfilled::LeaveOut {
                return None;
            }
            out.push_str(&rest[open..]);
            return Some(out);
        };
        let name = &after[..close];
        match args.iter().find(|(k, _)| *k == name) {
            Some((_, value)) if unfilled == Unfilled::Keep || !value.trim().is_empty() => out.push_str(value),
            _ if unfilled == Unfilled::Keep => out.push_str(&rest[open..open + close + 2]),
            _ => return None,
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    #[test]
    fn fill_leaves_out_a_sentence_with_a_missing_value() {
        assert_eq!(fill("保存{time}。", &[("time", "30日")]).as_deref(), Some("保存30日。"));
        assert_eq!(fill("保存{time}。", &[]), None);
        assert_eq!(fill("保存{time}。", &[("time", " ")]), None);
        assert_eq!(fill("保存{time", &[("time", "30日")]), None, "an unclosed slot is no sentence");
        assert_eq!(fill("{a}{b}", &[("a", "{b}"), ("b", "x")]).as_deref(), Some("{b}x"), "one scan");
        assert_eq!(fill("{a}", &[("a", "1"), ("a", "2")]).as_deref(), Some("1"), "the first value wins");
    }

    #[test]
    fn fill_keeping_keeps_what_it_cannot_fill() {
        assert_eq!(fill_keeping("{a} and {b}", &[("a", "x")]), "x and {b}");
        assert_eq!(fill_keeping("[{a}]", &[("a", "")]), "[]");
        assert_eq!(fill_keeping("{ period = \"3 years\" } {a", &[("a", "x")]), "{ period = \"3 years\" } {a");
        assert_eq!(fill_keeping("{a}{b}", &[("a", "{b}"), ("b", "x")]), "{b}x");
        assert_eq!(fill_keeping("", &[]), "");
    }

    #[test]
    fn one_type_for_catalogues_and_run_time_texts() {
        const T: Text = Text::new("提示", "info");
        let copy = T;
        assert_eq!((T.get(Lang::ZhCn), copy.get(Lang::En)), ("提示", "info"));
        let owned = Text { zh: format!("{}！", T.zh), en: format!("{}!", T.en) };
        assert_eq!((owned.get(Lang::ZhCn), owned.en.as_str()), ("提示！", "info!"));
        assert_eq!(Text::<String>::from(T).map(|s| s.len()), Text { zh: 6, en: 4 });
        let cow: Text<Cow<'static, str>> = T.map(Cow::Borrowed);
        assert_eq!(cow.map(Cow::into_owned), Text::<String>::from(T));
        assert_eq!(serde_json::to_string(&owned).ok().as_deref(), Some(r#"{"zh":"提示！","en":"info!"}"#));
    }
}

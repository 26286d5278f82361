//! Bilingual text. zh-CN is the default language of everything users see; English is second.

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

/// A pair of texts, zh-CN and English, used by catalogues of built-in strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bilingual {
    pub zh: &'static str,
    pub en: &'static str,
}

impl Bilingual {
    pub const fn new(zh: &'static str, en: &'static str) -> Self {
        Self { zh, en }
    }

    pub fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::ZhCn => self.zh,
            Lang::En => self.en,
        }
    }
}

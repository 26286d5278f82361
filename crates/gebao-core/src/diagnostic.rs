//! Diagnostics for a manifest that cannot be read: each names the place (byte span, which
//! the CLI turns into file:line:column with the text underlined), what is wrong, and the fix.

use crate::text::Lang;
use serde::Serialize;
use std::ops::Range;

/// One problem that stops a manifest from loading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// A stable code, e.g. `unknown-key`, `dangling-reference`.
    pub code: &'static str,
    pub message_zh: String,
    pub message_en: String,
    /// How to fix it, if gebao can tell (often a "did you mean").
    pub help_zh: Option<String>,
    pub help_en: Option<String>,
    /// Byte range in the manifest text.
    pub span: Option<Range<usize>>,
    /// Dotted path in the manifest, e.g. `purposes[2].fields[1]`.
    pub path: Option<String>,
}

impl Diagnostic {
    pub fn new(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Diagnostic {
            code,
            message_zh: zh.into(),
            message_en: en.into(),
            help_zh: None,
            help_en: None,
            span: None,
            path: None,
        }
    }

    pub fn help(mut self, zh: impl Into<String>, en: impl Into<String>) -> Self {
        self.help_zh = Some(zh.into());
        self.help_en = Some(en.into());
        self
    }

    pub fn at(mut self, span: Option<Range<usize>>, path: Option<String>) -> Self {
        self.span = span;
        self.path = path;
        self
    }

    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::ZhCn => &self.message_zh,
            Lang::En => &self.message_en,
        }
    }

    pub fn help_text(&self, lang: Lang) -> Option<&str> {
        match lang {
            Lang::ZhCn => self.help_zh.as_deref(),
            Lang::En => self.help_en.as_deref(),
        }
    }
}

/// Why a manifest could not be loaded. Every variant is "exit code 2" for the CLI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    #[error("the manifest is not valid UTF-8 (line {line}, byte {offset})")]
    NotUtf8 { offset: usize, line: usize },
    #[error("the manifest has {} error(s)", .0.len())]
    Invalid(Vec<Diagnostic>),
}

impl LoadError {
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self {
            LoadError::NotUtf8 { offset, line } => vec![
                Diagnostic::new(
                    "not-utf8",
                    format!("清单文件不是有效的 UTF-8 编码（第 {line} 行，第 {offset} 字节处）"),
                    format!("the manifest is not valid UTF-8 (line {line}, byte {offset})"),
                )
                .help(
                    "请将文件另存为 UTF-8 编码（例如 `iconv -f GBK -t UTF-8`）",
                    "save the file as UTF-8 (for example `iconv -f GBK -t UTF-8`)",
                )
                .at(Some(*offset..*offset + 1), None),
            ],
            LoadError::Invalid(d) => d.clone(),
        }
    }
}

/// Line and column (both 1-based, column in characters) of a byte offset.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = src.get(..offset).unwrap_or(src);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// The closest candidate to `word`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars() {
        let src = "a = 1\n名称 = \"x\"\n";
        assert_eq!(line_col(src, 0), (1, 1));
        let off = src.find('=').map(|_| src.rfind('=').unwrap_or(0)).unwrap_or(0);
        assert_eq!(line_col(src, off), (2, 4));
    }

    #[test]
    fn suggests_close_names() {
        assert_eq!(did_you_mean("nmae", ["id", "name", "category"]), Some("name"));
        assert_eq!(did_you_mean("zzzz", ["id", "name"]), None);
    }
}

//! A small Markdown writer: headings with Chinese or Arabic numbering, paragraphs, lists
//! and tables, with every piece of manifest text escaped so that it can never become markup
//! (or raw HTML) in the rendered page.

use gebao_core::text::fill;
use gebao_core::text::{Lang, Text};

/// What a table cell shows when one row lacks a value that other rows have.
pub(crate) const DASH: &str = "—";

/// A rendered document before it becomes a page: its plain-text title and its Markdown.
pub(crate) struct Rendered {
    pub(crate) title: String,
    pub(crate) markdown: String,
}

/// Whether a manifest text is a slot left unfilled from a template ("XXX 服务供应商",
/// "发送电子邮件至[公司邮箱]", "TODO"). Such a text counts as missing: the sentence that
/// would carry it is left out, and `gebao check` reports the gap.
pub(crate) fn is_placeholder(text: &str) -> bool {
    gebao_core::rules::is_placeholder(text)
}

/// Escapes manifest text for Markdown: every character that could start markup is
/// backslash-escaped (CommonMark allows this for all ASCII punctuation), line breaks become
/// spaces so that the text stays in its paragraph or table cell, and a leading list or
/// heading marker is neutralised. A template placeholder becomes the empty string, which
/// every caller treats as missing.
pub(crate) fn esc(text: &str) -> String {
    if is_placeholder(text) {
        return String::new();
    }
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars: Vec<char> = flat.chars().collect();
    let mut out = String::with_capacity(flat.len() + 8);
    // A text that starts with "1. " or "1) " would become an ordered list item.
    let digits = chars.iter().take_while(|c| c.is_ascii_digit()).count();
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let prev = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
        // Block markers only matter where the text may start a line.
        let block_marker = i == 0 && matches!(c, '-' | '+' | '=' | '>' | '#');
        let list_number = digits > 0 && i == digits && matches!(c, '.' | ')') && next.is_none_or(char::is_whitespace);
        // An underscore inside a word ("session_id") can never open or close emphasis.
        let loose_underscore =
            c == '_' && !(prev.is_some_and(char::is_alphanumeric) && next.is_some_and(char::is_alphanumeric));
        if block_marker
            || list_number
            || loose_underscore
            || matches!(c, '\\' | '`' | '*' | '[' | ']' | '<' | '|' | '&' | '~')
        {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Bold text. Callers put it at the start of a line or after punctuation or a space, and
/// follow it with punctuation, a space or the end of the line, so that CommonMark's
/// flanking rules always make it bold, Chinese punctuation included.
pub(crate) fn bold(md: &str) -> String {
    format!("**{md}**")
}

/// The number of a chapter: "一、" or "1. ".
pub(crate) fn chapter_number(lang: Lang, n: usize) -> String {
    match lang {
        Lang::ZhCn => format!("{}、", zh_number(n)),
        Lang::En => format!("{n}. "),
    }
}

fn section_number(lang: Lang, chapter: usize, n: usize) -> String {
    match lang {
        Lang::ZhCn => format!("（{}）", zh_number(n)),
        Lang::En => format!("{chapter}.{n} "),
    }
}

/// Chinese numerals up to 99, enough for chapters and sections.
fn zh_number(n: usize) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n].to_owned(),
        10 => "十".to_owned(),
        11..=19 => format!("十{}", DIGITS[n % 10]),
        20..=99 => match (n / 10, n % 10) {
            (tens, 0) => format!("{}十", DIGITS[tens]),
            (tens, units) => format!("{}十{}", DIGITS[tens], DIGITS[units]),
        },
        _ => n.to_string(),
    }
}

/// Builds a Markdown document block by block.
pub(crate) struct Writer {
    pub(crate) lang: Lang,
    out: String,
    chapters: usize,
    sections: usize,
}

impl Writer {
    pub(crate) fn new(lang: Lang) -> Self {
        Writer { lang, out: String::new(), chapters: 0, sections: 0 }
    }

    /// A catalogue text in this writer's language.
    pub(crate) fn t(&self, b: Text) -> &'static str {
        b.get(self.lang)
    }

    /// A catalogue sentence with its slots filled; `None` (leave it out) when a value is
    /// missing. Values must already be Markdown (escaped manifest text).
    pub(crate) fn f(&self, b: Text, args: &[(&str, &str)]) -> Option<String> {
        fill(b.get(self.lang), args)
    }

    fn block(&mut self, md: &str) {
        self.out.push_str(md);
        self.out.push_str("\n\n");
    }

    /// The document title (plain text).
    pub(crate) fn title(&mut self, plain: &str) {
        self.block(&format!("# {}", esc(plain)));
    }

    /// A numbered chapter heading.
    pub(crate) fn chapter(&mut self, title: Text) {
        self.chapters += 1;
        self.sections = 0;
        let heading = format!("## {}{}", chapter_number(self.lang, self.chapters), self.t(title));
        self.block(&heading);
    }

    /// A numbered section heading inside the current chapter.
    pub(crate) fn section(&mut self, title: Text) {
        self.sections += 1;
        let heading = format!("### {}{}", section_number(self.lang, self.chapters, self.sections), self.t(title));
        self.block(&heading);
    }

    /// An unnumbered section heading, for documents without chapters.
    pub(crate) fn plain_section(&mut self, title: Text) {
        let heading = format!("## {}", self.t(title));
        self.block(&heading);
    }

    /// A small heading (Markdown) for one item of a section, e.g. one purpose.
    pub(crate) fn item_heading(&mut self, md: &str) {
        self.block(&format!("#### {md}"));
    }

    /// A paragraph of the given sentences; sentences that are `None` are left out, and
    /// nothing is written when none is left.
    pub(crate) fn para<I: IntoIterator<Item = Option<String>>>(&mut self, sentences: I) {
        let sep = match self.lang {
            Lang::ZhCn => "",
            Lang::En => " ",
        };
        let parts: Vec<String> = sentences.into_iter().flatten().filter(|s| !s.trim().is_empty()).collect();
        if !parts.is_empty() {
            let text = parts.join(sep);
            self.block(&text);
        }
    }

    /// A paragraph of one fixed catalogue sentence.
    pub(crate) fn say(&mut self, b: Text) {
        let text = self.t(b);
        self.block(text);
    }

    /// A bulleted list; nothing when empty.
    pub(crate) fn bullets(&mut self, items: &[String]) {
        if items.is_empty() {
            return;
        }
        let text: Vec<String> = items.iter().filter(|i| !i.trim().is_empty()).map(|i| format!("- {i}")).collect();
        if text.is_empty() {
            return;
        }
        self.block(&text.join("\n"));
    }

    /// A numbered list; nothing when empty.
    pub(crate) fn numbered(&mut self, items: &[String]) {
        if items.is_empty() {
            return;
        }
        let text: Vec<String> = items
            .iter()
            .filter(|i| !i.trim().is_empty())
            .enumerate()
            .map(|(i, item)| format!("{}. {item}", i + 1))
            .collect();
        if text.is_empty() {
            return;
        }
        self.block(&text.join("\n"));
    }

    /// A table. A column that no row has a value for is dropped; a missing value in a kept
    /// column shows as a dash, so that no cell is ever empty. Nothing when there are no rows.
    pub(crate) fn table(&mut self, headers: &[Text], rows: &[Vec<Option<String>>]) {
        if rows.is_empty() {
            return;
        }
        let keep: Vec<usize> = (0..headers.len())
            .filter(|&c| {
                rows.iter().any(|r| r.get(c).is_some_and(|v| v.as_deref().is_some_and(|s| !s.trim().is_empty())))
            })
            .collect();
        if keep.is_empty() {
            return;
        }
        let cell = |s: &str| s.replace(['\r', '\n'], " ");
        let mut text = String::new();
        text.push('|');
        for &c in &keep {
            text.push_str(&format!(" {} |", self.t(headers[c])));
        }
        text.push_str("\n|");
        for _ in &keep {
            text.push_str("---|");
        }
        for row in rows {
            text.push_str("\n|");
            for &c in &keep {
                let value = row.get(c).and_then(|v| v.as_deref()).filter(|s| !s.trim().is_empty()).unwrap_or(DASH);
                text.push_str(&format!(" {} |", cell(value)));
            }
        }
        self.block(&text);
    }

    pub(crate) fn finish(self) -> String {
        let mut out = self.out.trim_end().to_owned();
        out.push('\n');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_html() {
        assert_eq!(esc("<script>alert(1)</script>"), "\\<script>alert(1)\\</script>");
        assert_eq!(esc("> quote"), "\\> quote");
        assert_eq!(esc("# title"), "\\# title");
        assert_eq!(esc("1.0"), "1.0");
        assert_eq!(esc("Me > Settings"), "Me > Settings");
        assert_eq!(esc("a|b\nc"), "a\\|b c");
        assert_eq!(esc("1. first"), "1\\. first");
        assert_eq!(esc("- item"), "\\- item");
        assert_eq!(esc("session_id *x* _stat"), "session_id \\*x\\* \\_stat");
        assert_eq!(esc("我的-设置-隐私"), "我的-设置-隐私");
        assert_eq!(esc("XXX 服务供应商"), "");
        assert_eq!(esc("发送电子邮件至[公司邮箱]"), "");
        assert_eq!(esc("见[1]和[官网](https://example.cn)"), "见\\[1\\]和\\[官网\\](https://example.cn)");
    }

    #[test]
    fn numbers_in_chinese() {
        assert_eq!(zh_number(1), "一");
        assert_eq!(zh_number(10), "十");
        assert_eq!(zh_number(12), "十二");
        assert_eq!(zh_number(20), "二十");
        assert_eq!(zh_number(23), "二十三");
    }

    #[test]
    fn tables_drop_empty_columns_and_fill_gaps() {
        use crate::catalogue::common::{NO, YES};
        let mut w = Writer::new(Lang::ZhCn);
        w.table(&[YES, NO], &[vec![Some("a".into()), None], vec![None, None]]);
        assert_eq!(w.finish(), "| 是 |\n|---|\n| a |\n| — |\n");
    }
}

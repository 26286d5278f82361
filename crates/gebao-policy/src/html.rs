//! The standalone HTML page: the Markdown rendered by pulldown-cmark (tables on), headings
//! given stable ids, a linked table of contents before the first chapter, and a small inline
//! stylesheet. Manifest text arrives escaped in the Markdown, so pulldown-cmark prints it as
//! text; the title and the table of contents are escaped here.

use gebao_core::text::Lang;
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

const STYLE: &str = "body{margin:0;padding:0 1rem;color:#1f2328;background:#fff;font-family:system-ui,-apple-system,\"PingFang SC\",\"Hiragino Sans GB\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"WenQuanYi Micro Hei\",sans-serif;line-height:1.75}
main{max-width:56rem;margin:2rem auto 4rem}
h1{font-size:1.8rem;line-height:1.3}
h2{margin-top:2.5rem;padding-bottom:.3rem;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;width:100%;margin:1rem 0;font-size:.92rem}
th,td{border:1px solid #d0d7de;padding:.4rem .6rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}
nav.toc{margin:1.5rem 0;padding:.75rem 1.5rem;background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px}
nav.toc ol{margin:.25rem 0;padding-left:1.25rem;list-style:none}
a{color:#0969da}
@media print{nav.toc{display:none}a{color:inherit}}";

/// Escapes text for HTML element content and double-quoted attribute values: `&`, `<`, `>`,
/// `"` and `'`, with the escaper pulldown-cmark renders the Markdown with (gebao-connectors'
/// copy of a user's data uses it too).
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Writing to a `String` cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}

fn toc_label(lang: Lang) -> &'static str {
    crate::catalogue::common::TOC.get(lang)
}

/// Renders a complete page from a document's plain-text title and its Markdown.
pub(crate) fn page(lang: Lang, title: &str, markdown: &str) -> String {
    let body = fragment(lang, markdown, Cells::Plain);
    format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n<style>\n{STYLE}\n</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        lang = lang.code(),
        title = escape(title),
    )
}

/// How table cells are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cells {
    /// `<td>`.
    Plain,
    /// `<td data-label="column heading">`: a narrow screen's stylesheet can show each row
    /// as a card of "heading: value" lines instead of a table wider than the screen.
    Labelled,
}

/// The document's HTML without a page around it (for a page of the caller's, such as the
/// privacy centre's): headings with stable ids (`sec-2`, `sec-2-1`) and, for two chapters
/// or more, a linked table of contents before the first.
pub(crate) fn fragment(lang: Lang, markdown: &str, cells: Cells) -> String {
    let mut events: Vec<Event> = Parser::new_ext(markdown, Options::ENABLE_TABLES).collect();
    if cells == Cells::Labelled {
        label_cells(&mut events);
    }

    // Give chapter (h2) and section (h3) headings stable ids and collect the chapters.
    let (mut chapter, mut section) = (0usize, 0usize);
    let mut toc: Vec<(String, String)> = Vec::new();
    let mut open: Option<usize> = None;
    let mut first_chapter: Option<usize> = None;
    for (i, event) in events.iter_mut().enumerate() {
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => match level {
                HeadingLevel::H2 => {
                    chapter += 1;
                    section = 0;
                    let anchor = format!("sec-{chapter}");
                    *id = Some(CowStr::from(anchor.clone()));
                    toc.push((anchor, String::new()));
                    open = Some(toc.len() - 1);
                    first_chapter.get_or_insert(i);
                }
                HeadingLevel::H3 => {
                    section += 1;
                    *id = Some(CowStr::from(format!("sec-{chapter}-{section}")));
                }
                _ => {}
            },
            Event::Text(text) | Event::Code(text) => {
                if let Some(entry) = open.and_then(|n| toc.get_mut(n)) {
                    entry.1.push_str(text);
                }
            }
            Event::End(TagEnd::Heading(_)) => open = None,
            _ => {}
        }
    }
    if toc.len() >= 2 {
        let mut nav =
            format!("<nav class=\"toc\" aria-label=\"{0}\"><strong>{0}</strong><ol>", escape(toc_label(lang)));
        for (anchor, text) in &toc {
            nav.push_str(&format!("<li><a href=\"#{anchor}\">{}</a></li>", escape(text)));
        }
        nav.push_str("</ol></nav>\n");
        let at = first_chapter.unwrap_or(events.len());
        events.insert(at, Event::Html(CowStr::from(nav)));
    }

    let mut body = String::with_capacity(markdown.len() * 2);
    html::push_html(&mut body, events.into_iter());
    body
}

/// Gives every body cell of every table its column's heading as `data-label`.
fn label_cells(events: &mut [Event]) {
    let mut headings: Vec<String> = Vec::new();
    let (mut in_head, mut column) = (false, 0usize);
    let mut heading = String::new();
    for event in events.iter_mut() {
        match event {
            Event::Start(Tag::TableHead) => {
                in_head = true;
                headings.clear();
            }
            Event::End(TagEnd::TableHead) => in_head = false,
            Event::Start(Tag::TableRow) => column = 0,
            Event::Start(Tag::TableCell) if in_head => heading.clear(),
            Event::Text(t) | Event::Code(t) if in_head => heading.push_str(t),
            Event::End(TagEnd::TableCell) if in_head => headings.push(std::mem::take(&mut heading)),
            Event::Start(Tag::TableCell) => {
                let label = headings.get(column).map(String::as_str).unwrap_or_default();
                *event = Event::Html(CowStr::from(format!("<td data-label=\"{}\">", escape(label))));
                column += 1;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Cells, fragment};
    use gebao_core::text::Lang;

    #[test]
    fn labelled_cells_carry_their_column_heading() {
        let md = "| 字段 | 用途 |\n|---|---|\n| 手机号 | 登录 &lt;b&gt; |\n| 昵称 | 展示 |\n";
        let html = fragment(Lang::ZhCn, md, Cells::Labelled);
        assert!(html.contains("<td data-label=\"字段\">手机号</td>"), "{html}");
        assert!(html.contains("<td data-label=\"用途\">登录 &lt;b&gt;</td>"), "{html}");
        assert!(html.contains("<th>字段</th>"), "{html}");
        let plain = fragment(Lang::ZhCn, md, Cells::Plain);
        assert!(!plain.contains("data-label"), "{plain}");
    }
}

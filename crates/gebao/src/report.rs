//! Human output in the style of compiler diagnostics: file:line:column, the offending text
//! underlined, and the fix. Colour only on a terminal (anstream strips it elsewhere and
//! honours NO_COLOR).

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet, renderer::DecorStyle};
use gebao_core::Diagnostic;
use gebao_core::diagnostic::line_col;
use gebao_core::rules::{Finding, Severity};
use gebao_core::text::Lang;
use std::ops::Range;
use std::path::Path;

fn renderer() -> Renderer {
    Renderer::styled().decor_style(DecorStyle::Unicode)
}

fn level(sev: Severity) -> Level<'static> {
    match sev {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    }
}

/// Renders one finding with its source excerpt, hint and legal source.
pub fn finding(f: &Finding, path: &Path, src: &str, lang: Lang) -> String {
    let file = path.display().to_string();
    let (help, source) = match lang {
        Lang::ZhCn => ("修复建议", "依据"),
        Lang::En => ("fix", "source"),
    };
    let mut title = level(f.severity).primary_title(f.message(lang)).id(f.rule.as_str());
    let groups = match clamp(f.span.clone(), src) {
        Some(span) => {
            title = title.clone();
            vec![
                title.element(
                    Snippet::source(src)
                        .line_start(1)
                        .path(file.as_str())
                        .annotation(AnnotationKind::Primary.span(span).label(f.path.as_str())),
                ),
                Group::with_title(Level::HELP.with_name(Some(help)).secondary_title(f.hint(lang))),
                Group::with_title(Level::NOTE.with_name(Some(source)).secondary_title(f.source)),
            ]
        }
        None => vec![
            Group::with_title(title),
            Group::with_title(Level::NOTE.with_name(Some("位置/at")).secondary_title(format!("{file}: {}", f.path))),
            Group::with_title(Level::HELP.with_name(Some(help)).secondary_title(f.hint(lang))),
            Group::with_title(Level::NOTE.with_name(Some(source)).secondary_title(f.source)),
        ],
    };
    renderer().render(&groups)
}

/// Renders one load diagnostic.
pub fn diagnostic(d: &Diagnostic, path: &Path, src: Option<&str>, lang: Lang) -> String {
    let file = path.display().to_string();
    let help_name = if lang == Lang::ZhCn { "修复建议" } else { "help" };
    let title = Level::ERROR.primary_title(d.message(lang)).id(d.code);
    let mut groups = match (src, d.span.clone()) {
        (Some(src), Some(span)) if clamp(Some(span.clone()), src).is_some() => {
            let span = clamp(Some(span), src).unwrap_or(0..0);
            let label = d.path.clone().unwrap_or_default();
            vec![
                title.element(
                    Snippet::source(src)
                        .line_start(1)
                        .path(file.as_str())
                        .annotation(AnnotationKind::Primary.span(span).label(label)),
                ),
            ]
        }
        _ => vec![
            Group::with_title(title),
            Group::with_title(Level::NOTE.with_name(Some("file")).secondary_title(file.clone())),
        ],
    };
    if let Some(h) = d.help_text(lang) {
        groups.push(Group::with_title(Level::HELP.with_name(Some(help_name)).secondary_title(h.to_owned())));
    }
    renderer().render(&groups)
}

/// Keeps a span inside the text and on character boundaries; an empty span at the end of
/// the text points at its last character.
fn clamp(span: Option<Range<usize>>, src: &str) -> Option<Range<usize>> {
    let span = span?;
    if src.is_empty() {
        return None;
    }
    let mut start = span.start.min(src.len());
    let mut end = span.end.min(src.len()).max(start);
    while !src.is_char_boundary(start) {
        start -= 1;
    }
    while !src.is_char_boundary(end) {
        end += 1;
    }
    if start == src.len() {
        start = src.char_indices().last().map_or(0, |(i, _)| i);
        end = src.len();
    }
    Some(start..end)
}

/// Line/column of a span, for JSON and SARIF.
pub fn region(span: Option<&Range<usize>>, src: &str) -> Option<serde_json::Value> {
    let span = span?;
    let (line, column) = line_col(src, span.start);
    let (end_line, end_column) = line_col(src, span.end);
    Some(serde_json::json!({"line": line, "column": column, "end_line": end_line, "end_column": end_column}))
}

/// A load diagnostic as JSON.
pub fn diagnostic_json(d: &Diagnostic, src: &str) -> serde_json::Value {
    serde_json::json!({
        "code": d.code,
        "message": d.message_zh,
        "message_en": d.message_en,
        "help": d.help_zh,
        "help_en": d.help_en,
        "path": d.path,
        "location": region(d.span.as_ref(), src),
    })
}

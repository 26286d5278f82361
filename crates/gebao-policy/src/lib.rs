//! Renders the privacy policy (个人信息保护政策) and the three lists published beside it —
//! the personal information collection list (个人信息收集清单), the third-party sharing list
//! (第三方共享清单, SDKs included) and the app permission list (应用权限列表) — from a gebao
//! manifest, in zh-CN (the default) or English, as Markdown or as a standalone HTML page.
//!
//! Every sentence comes either from the manifest or from the bilingual catalogue of fixed
//! sentences (`catalogue`); a sentence whose data the manifest lacks is left out, never
//! printed with a placeholder. Output is deterministic: the same manifest gives the same
//! bytes.
//!
//! ```
//! use gebao_policy::{Document, Format, render};
//! use gebao_core::text::Lang;
//!
//! let manifest = gebao_core::load_manifest(r#"
//! [policy]
//! version = "1.0"
//! [controller]
//! name = "示例网络科技有限公司"
//! product = "示例"
//! app_type = "网络社区"
//! contact = { email = "privacy@example.cn" }
//! "#).unwrap();
//! let text = render(&manifest, Document::Policy, Lang::ZhCn, Format::Markdown);
//! assert!(text.starts_with("# 示例个人信息保护政策"));
//! ```
#![forbid(unsafe_code)]

mod catalogue;
mod html;
mod lists;
mod md;
mod policy;
mod public;
mod text;
mod view;

use gebao_core::Manifest;
pub use gebao_core::text::Lang;
pub use public::{is_public_path, public_list_model, public_model};

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// CommonMark with GitHub-style tables.
    #[default]
    Markdown,
    /// A complete HTML page with a table of contents and inline CSS.
    Html,
}

/// Which document to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Document {
    /// The privacy policy itself.
    #[default]
    Policy,
    /// 个人信息收集清单: every field, its category, source, purposes and functions.
    CollectionList,
    /// 第三方共享清单: SDKs, other processors, entrusted processors, public disclosure.
    SharingList,
    /// 应用权限列表: device permissions, their purposes, prompts and how to turn them off.
    PermissionList,
}

/// Renders a document of the manifest in a language and format.
pub fn render(m: &Manifest, doc: Document, lang: Lang, format: Format) -> String {
    let rendered = match doc {
        Document::Policy => policy::render(m, lang, format == Format::Markdown),
        Document::CollectionList => lists::collection::render(m, lang),
        Document::SharingList => lists::sharing::render(m, lang),
        Document::PermissionList => lists::permissions::render(m, lang),
    };
    match format {
        Format::Markdown => rendered.markdown,
        Format::Html => html::page(lang, &rendered.title, &rendered.markdown),
    }
}

/// A document as HTML to place inside a page of one's own, e.g. the privacy centre's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragment {
    /// The document's title, as plain text.
    pub title: String,
    /// The HTML: the title as `<h1>`, a table of contents, the chapters. Manifest text in it
    /// is escaped; it has no `<style>`, no script and no inline style.
    pub html: String,
}

/// Renders a document of the manifest as a [`Fragment`].
pub fn render_fragment(m: &Manifest, doc: Document, lang: Lang) -> Fragment {
    let rendered = match doc {
        Document::Policy => policy::render(m, lang, false),
        Document::CollectionList => lists::collection::render(m, lang),
        Document::SharingList => lists::sharing::render(m, lang),
        Document::PermissionList => lists::permissions::render(m, lang),
    };
    Fragment { html: html::fragment(lang, &rendered.markdown, html::Cells::Labelled), title: rendered.title }
}

/// A document stored as Markdown (as published: an archived version's text) as the HTML of
/// a [`Fragment`], with the same headings and table of contents as the HTML page.
/// Table cells carry their column's heading (`data-label`) for narrow screens.
pub fn markdown_fragment(lang: Lang, markdown: &str) -> String {
    html::fragment(lang, markdown, html::Cells::Labelled)
}

/// Text escaped for Markdown that gebao writes (a record's words print as words, on one
/// line): for documents beside the policy, such as a stored impact assessment.
pub fn escape_markdown(text: &str) -> String {
    md::esc(text)
}

/// A standalone HTML page with the policy's stylesheet, from a plain-text title and Markdown
/// whose words were escaped with [`escape_markdown`].
pub fn html_page(lang: Lang, title: &str, markdown: &str) -> String {
    html::page(lang, title, markdown)
}

/// A format or document name that is not known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("unknown format `{0}`: use `markdown` or `html`")]
    Format(String),
    #[error("unknown document `{0}`: use `policy`, `collection`, `sharing` or `permissions`")]
    Document(String),
}

impl Format {
    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Markdown => "markdown",
            Format::Html => "html",
        }
    }
}

impl std::str::FromStr for Format {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "markdown" | "md" => Ok(Format::Markdown),
            "html" | "htm" => Ok(Format::Html),
            _ => Err(ParseError::Format(s.to_owned())),
        }
    }
}

impl Document {
    /// The name used on the command line (`--list`).
    pub fn as_str(self) -> &'static str {
        match self {
            Document::Policy => "policy",
            Document::CollectionList => "collection",
            Document::SharingList => "sharing",
            Document::PermissionList => "permissions",
        }
    }
}

impl std::str::FromStr for Document {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "policy" => Ok(Document::Policy),
            "collection" | "collection-list" => Ok(Document::CollectionList),
            "sharing" | "sharing-list" | "sdk" | "sdks" => Ok(Document::SharingList),
            "permissions" | "permission" | "permission-list" => Ok(Document::PermissionList),
            _ => Err(ParseError::Document(s.to_owned())),
        }
    }
}

//! `gebao render [FILE]`: the privacy policy, or one of its lists, from the manifest.

use crate::{Outcome, input, out};
use anyhow::{Context, Result};
use gebao_core::text::Lang;
use gebao_policy::{Document, Format as OutFormat, render};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// The manifest (default: gebao.toml).
    file: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    format: Format,
    /// What to render.
    #[arg(long, value_enum, default_value_t = List::Policy)]
    list: List,
    /// Write to this file instead of standard output.
    #[arg(long, short = 'o')]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    #[value(alias = "md")]
    Markdown,
    Html,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum List {
    /// The privacy policy.
    Policy,
    /// 个人信息收集清单.
    Collection,
    /// 第三方共享清单 (with SDKs).
    Sharing,
    /// 应用权限列表.
    Permissions,
}

pub fn run(args: Args, lang: Lang) -> Result<Outcome> {
    let Some(loaded) = input::load_or_report(args.file.as_deref(), lang) else {
        return Ok(Outcome::BadInput);
    };
    let doc = match args.list {
        List::Policy => Document::Policy,
        List::Collection => Document::CollectionList,
        List::Sharing => Document::SharingList,
        List::Permissions => Document::PermissionList,
    };
    let format = match args.format {
        Format::Markdown => OutFormat::Markdown,
        Format::Html => OutFormat::Html,
    };
    let text = render(&loaded.manifest, doc, lang, format);
    match args.output {
        Some(path) => std::fs::write(&path, text).with_context(|| format!("cannot write `{}`", path.display()))?,
        None => out::line(text.trim_end())?,
    }
    Ok(Outcome::Ok)
}

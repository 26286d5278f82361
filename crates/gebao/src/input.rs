//! Reading a manifest file and reporting why it could not be read.

use crate::report;
use gebao_core::manifest::load::load_bytes;
use gebao_core::text::Lang;
use gebao_core::{LoadError, Manifest};
use std::path::{Path, PathBuf};

/// The default manifest file name.
pub const DEFAULT_MANIFEST: &str = "gebao.toml";

/// A manifest with its text and path, for placing findings.
pub struct Loaded {
    pub path: PathBuf,
    pub text: String,
    pub manifest: Manifest,
}

/// Why a manifest could not be read, already explained to the user.
pub struct Unreadable {
    pub path: PathBuf,
    pub errors: Vec<gebao_core::Diagnostic>,
    pub text: Option<String>,
}

/// Reads and loads a manifest, or returns its diagnostics.
pub fn load(path: Option<&Path>) -> Result<Loaded, Unreadable> {
    let path = path.map_or_else(|| PathBuf::from(DEFAULT_MANIFEST), Path::to_path_buf);
    let bytes = std::fs::read(&path).map_err(|e| Unreadable {
        errors: vec![io_diagnostic(&path, &e)],
        path: path.clone(),
        text: None,
    })?;
    match load_bytes(&bytes) {
        Ok(manifest) => Ok(Loaded { text: String::from_utf8_lossy(&bytes).into_owned(), path, manifest }),
        Err(e) => {
            let text = match &e {
                LoadError::NotUtf8 { .. } => None,
                LoadError::Invalid(_) => Some(String::from_utf8_lossy(&bytes).into_owned()),
            };
            Err(Unreadable { path, errors: e.diagnostics(), text })
        }
    }
}

fn io_diagnostic(path: &Path, e: &std::io::Error) -> gebao_core::Diagnostic {
    let p = path.display();
    let (zh, en, help_zh, help_en) = match e.kind() {
        std::io::ErrorKind::NotFound => (
            format!("找不到清单文件 `{p}`"),
            format!("manifest `{p}` not found"),
            "请指定清单文件路径，或运行 `gebao init` 生成一个".to_owned(),
            "pass the manifest's path, or run `gebao init` to create one".to_owned(),
        ),
        std::io::ErrorKind::PermissionDenied => (
            format!("没有权限读取清单文件 `{p}`"),
            format!("no permission to read manifest `{p}`"),
            "请检查文件权限".to_owned(),
            "check the file's permissions".to_owned(),
        ),
        _ => (
            format!("无法读取清单文件 `{p}`：{e}"),
            format!("cannot read manifest `{p}`: {e}"),
            "请确认路径指向一个可读的文件".to_owned(),
            "make sure the path names a readable file".to_owned(),
        ),
    };
    gebao_core::Diagnostic::new("unreadable-file", zh, en).help(help_zh, help_en)
}

/// Loads a manifest for commands with human output only: on failure its diagnostics are
/// printed and `None` is returned (the command then exits with 2).
pub fn load_or_report(path: Option<&Path>, lang: Lang) -> Option<Loaded> {
    load(path).map_err(|bad| bad.print(lang)).ok()
}

impl Unreadable {
    /// Prints the diagnostics in the human format to standard error.
    pub fn print(&self, lang: Lang) {
        for d in &self.errors {
            anstream::eprintln!("{}", report::diagnostic(d, &self.path, self.text.as_deref(), lang));
        }
    }

    /// The diagnostics as JSON values, for `--format json`.
    pub fn to_json(&self) -> serde_json::Value {
        let text = self.text.as_deref().unwrap_or("");
        serde_json::json!({
            "file": self.path.display().to_string(),
            "ok": false,
            "errors": self.errors.iter().map(|d| report::diagnostic_json(d, text)).collect::<Vec<_>>(),
        })
    }
}

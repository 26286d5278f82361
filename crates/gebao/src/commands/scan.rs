//! `gebao scan apk FILE.apk [--manifest gebao.toml]`: what the app package really contains
//! (permissions, components, embedded SDKs), and — with a manifest — where the two disagree
//! (SCAN-* findings, with the output formats and exit codes of `check`). `gebao scan site`
//! does the same for a web page (`scan_site.rs`).

use super::check::{self, Format, ReportArgs};
use crate::{Outcome, out};
use anyhow::Result;
use gebao_core::manifest::PermissionKind;
use gebao_core::rules::scan::compare;
use gebao_core::text::Lang;
use gebao_scan::{ApkScan, Catalogue, Limits, ScanError, scan_apk};
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    target: Target,
}

#[derive(clap::Subcommand)]
enum Target {
    /// Scan an Android package (.apk): manifest, permissions, components and SDKs.
    Apk(ApkArgs),
    /// Scan a web page in a headless browser: cookies, storage and third-party requests,
    /// before consent and after accepting or rejecting in the gebao banner.
    Site(super::scan_site::SiteArgs),
}

#[derive(clap::Args)]
pub struct ApkArgs {
    /// The APK file.
    #[arg(required_unless_present = "list_sdks")]
    file: Option<PathBuf>,
    /// Compare with this manifest and report where they disagree.
    #[arg(long)]
    manifest: Option<PathBuf>,
    #[command(flatten)]
    report: ReportArgs,
    /// An SDK catalogue of your own, in the format of the built-in one, used instead of it.
    #[arg(long, value_name = "FILE")]
    catalogue: Option<PathBuf>,
    /// The largest size one entry of the package may unpack to (zip bombs are refused).
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_entry_bytes)]
    max_entry_bytes: u64,
    /// Print the SDK catalogue (id, name, company, purpose, package prefixes) and exit.
    #[arg(long)]
    list_sdks: bool,
}

pub fn run(args: Args, lang: Lang) -> Result<Outcome> {
    match args.target {
        Target::Apk(a) => apk(a, lang),
        Target::Site(a) => super::scan_site::run(a, lang),
    }
}

/// The catalogue asked for, or why it could not be read.
pub(crate) fn load_catalogue(path: Option<&Path>) -> Result<Catalogue, ScanError> {
    match path {
        None => Catalogue::built_in(),
        Some(p) => {
            let text =
                std::fs::read_to_string(p).map_err(|source| ScanError::Io { path: p.display().to_string(), source })?;
            Catalogue::parse(&text, &p.display().to_string())
        }
    }
}

/// Scans `file`, or prints why it could not be (in `format`) and returns `None`.
pub(crate) fn scan_or_report(
    file: &Path,
    catalogue: Option<&Path>,
    max_entry_bytes: u64,
    format: Format,
    lang: Lang,
) -> Result<Option<ApkScan>> {
    let limits = Limits { max_entry_bytes, ..Limits::default() };
    match load_catalogue(catalogue).and_then(|c| scan_apk(file, &c, limits)) {
        Ok(scan) => Ok(Some(scan)),
        Err(e) => {
            if format == Format::Human {
                let prefix = if lang == Lang::ZhCn { "错误" } else { "error" };
                out::err(format!("{prefix}: {}", e.message(lang)))?;
            } else {
                let v = serde_json::json!({
                    "file": file.display().to_string(),
                    "ok": false,
                    "error": e.message(Lang::ZhCn),
                    "error_en": e.message(Lang::En),
                });
                out::line(format!("{v:#}"))?;
            }
            Ok(None)
        }
    }
}

fn apk(args: ApkArgs, lang: Lang) -> Result<Outcome> {
    let format = args.report.format;
    if args.list_sdks {
        return list_sdks(args.catalogue.as_deref(), format, lang);
    }
    let Some(file) = args.file.as_deref() else { return Ok(Outcome::BadInput) };
    // The manifest first: a mistake in it is cheaper to report than a scan.
    let loaded = match args.manifest.as_deref() {
        Some(path) => match check::load_or_report(Some(path), format, lang)? {
            Some(l) => Some(l),
            None => return Ok(Outcome::BadInput),
        },
        None => None,
    };
    let Some(scan) = scan_or_report(file, args.catalogue.as_deref(), args.max_entry_bytes, format, lang)? else {
        return Ok(Outcome::BadInput);
    };
    if format == Format::Human {
        print_scan(&scan, lang)?;
    }
    match loaded {
        Some(loaded) => {
            let findings = compare(&loaded.manifest, &scan.facts(), Some(&loaded.text));
            if format == Format::Human {
                out::line("")?;
            }
            check::report(&loaded, findings, &args.report, lang, Some(("app", serde_json::to_value(&scan)?)))
        }
        None => {
            match format {
                Format::Human => {}
                Format::Json => out::line(format!("{:#}", serde_json::json!({ "app": scan, "ok": true })))?,
                Format::Sarif => out::line(format!("{:#}", super::check_sarif::empty(lang)))?,
            }
            Ok(Outcome::Ok)
        }
    }
}

/// The scan as a reader takes it in: the app, its permissions, its SDKs, then what the scan
/// could not judge.
fn print_scan(scan: &ApkScan, lang: Lang) -> std::io::Result<()> {
    let zh = lang == Lang::ZhCn;
    let m = &scan.manifest;
    let unknown = if zh { "未说明" } else { "not stated" };
    let num = |v: Option<i64>| v.map_or_else(|| unknown.to_owned(), |v| v.to_string());
    out::line(format!("{} {}{}", if zh { "安装包" } else { "Package" }, scan.file, if zh { "：" } else { ": " }))?;
    out::line(format!(
        "  {} {}  versionName {}  versionCode {}  minSdk {}  targetSdk {}",
        if zh { "应用包名" } else { "application id" },
        m.package,
        m.version_name.as_deref().unwrap_or(unknown),
        num(m.version_code),
        num(m.min_sdk),
        num(m.target_sdk),
    ))?;
    let dex: Vec<String> = scan.dex.iter().map(|d| format!("{} ({})", d.name, d.classes)).collect();
    out::line(if zh {
        format!("  代码：{} 个类，{}", scan.class_count(), dex.join("、"))
    } else {
        format!("  code: {} classes in {}", scan.class_count(), dex.join(", "))
    })?;

    out::line(if zh {
        format!("\n申请的权限（{}）：", m.permissions.len())
    } else {
        format!("\nPermissions requested ({}):", m.permissions.len())
    })?;
    for p in &m.permissions {
        let kind = PermissionKind::from_android(&p.name).map(|k| k.label().get(lang).to_owned()).unwrap_or_default();
        let max = p.max_sdk.map(|v| format!(" (maxSdkVersion {v})")).unwrap_or_default();
        out::line(format!("  {:<48} {kind}{max}", p.name))?;
    }

    out::line(if zh {
        format!("\n识别出的第三方 SDK（{}）：", scan.sdks.len())
    } else {
        format!("\nThird-party SDKs recognised ({}):", scan.sdks.len())
    })?;
    for s in &scan.sdks {
        let (purpose_zh, purpose_en) = s.sdk.purpose.describe();
        let name = if zh { &s.sdk.name } else { &s.sdk.name_en };
        let company = s.sdk.company.as_deref().unwrap_or(if zh { "公司未知" } else { "company unknown" });
        let checked = s.sdk.confirmed.iter().any(|c| c == "company");
        let company = match (checked, zh) {
            (true, _) => company.to_owned(),
            (false, true) => format!("{company}（未核实）"),
            (false, false) => format!("{company} (unverified)"),
        };
        out::line(format!("  {:<24} {}  {}  {}", s.sdk.id, name, if zh { purpose_zh } else { purpose_en }, company))?;
        out::line(if zh {
            format!("  {:<24} {} 个类，如 {}", "", s.classes, s.example_class)
        } else {
            format!("  {:<24} {} classes, e.g. {}", "", s.classes, s.example_class)
        })?;
    }
    if !scan.unrecognised.is_empty() {
        out::line(if zh {
            "\n目录中没有的第三方代码（请确认是否是 SDK）：".to_owned()
        } else {
            "\nThird-party code the catalogue does not know (check whether it is an SDK):".to_owned()
        })?;
        for p in scan.unrecognised.iter().take(20) {
            out::line(format!("  {:<48} {}", p.package, p.classes))?;
        }
        if scan.unrecognised.len() > 20 {
            let more = scan.unrecognised.len() - 20;
            out::line(if zh {
                format!("  …另有 {more} 个包（--format json 列出全部）")
            } else {
                format!("  … {more} more packages (--format json lists all)")
            })?;
        }
    }
    let exported: Vec<_> = m.components.iter().filter(|c| c.exported && c.permission.is_none()).collect();
    if !exported.is_empty() {
        out::line(if zh {
            "\n其他应用可直接调用的组件（exported，且未要求权限）：".to_owned()
        } else {
            "\nComponents any other app can start (exported, no permission required):".to_owned()
        })?;
        for c in exported {
            let how = match (c.exported_implicitly, zh) {
                (true, true) => "（因 intent-filter 隐式导出）",
                (true, false) => " (exported implicitly by its intent filter)",
                (false, _) => "",
            };
            out::line(format!("  {:<14} {}{how}", c.kind.as_str(), c.name))?;
        }
    }
    if !scan.packed_code.is_empty() {
        out::line(if zh {
            format!("\n未扫描的打包代码（可能在运行时加载）：{}", scan.packed_code.join("、"))
        } else {
            format!("\nPacked code not scanned (it may be loaded at run time): {}", scan.packed_code.join(", "))
        })?;
    }
    Ok(())
}

fn list_sdks(path: Option<&Path>, format: Format, lang: Lang) -> Result<Outcome> {
    let catalogue = match load_catalogue(path) {
        Ok(c) => c,
        Err(e) => {
            out::err(e.message(lang))?;
            return Ok(Outcome::BadInput);
        }
    };
    if format != Format::Human {
        out::line(format!("{:#}", serde_json::to_value(catalogue.sdks())?))?;
        return Ok(Outcome::Ok);
    }
    for s in catalogue.sdks() {
        let (purpose_zh, purpose_en) = s.purpose.describe();
        out::line(format!(
            "{:<24} {:<10} {}  [{}]",
            s.id,
            if lang == Lang::ZhCn { purpose_zh } else { purpose_en },
            if lang == Lang::ZhCn { &s.name } else { &s.name_en },
            s.prefixes.join(", ")
        ))?;
    }
    let n = catalogue.sdks().len();
    out::line(if lang == Lang::ZhCn { format!("共 {n} 个 SDK") } else { format!("{n} SDKs") })?;
    Ok(Outcome::Ok)
}

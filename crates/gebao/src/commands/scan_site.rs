//! `gebao scan site URL [--manifest gebao.toml]`: what a web page really does in a real
//! browser — cookies, storage keys, third-party hosts — before consent and after "accept
//! all" and "reject all" in the gebao banner, and — with a manifest — where that disagrees
//! with it (SCAN-06…11, with the output formats and exit codes of `check`).

use super::check::{self, Format, ReportArgs};
use crate::{Outcome, out};
use anyhow::Result;
use gebao_core::manifest::Manifest;
use gebao_core::rules::site::compare;
use gebao_core::text::Lang;
use gebao_scan::site::{CookieRecord, Party, PhaseRecord, PhaseStatus, SiteError, SiteOptions, SiteScan, scan_site};
use std::path::PathBuf;
use std::time::Duration;

#[derive(clap::Args)]
pub struct SiteArgs {
    /// The page's address (http:// or https://).
    url: String,
    /// Compare with this manifest and report where they disagree.
    #[arg(long)]
    manifest: Option<PathBuf>,
    /// The page has settled when it has sent no request for this long (milliseconds).
    #[arg(long, value_name = "MS", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(100..=60_000))]
    wait: u64,
    /// The longest the whole scan (three page loads) may take (seconds).
    #[arg(long, value_name = "SECONDS", default_value_t = 120, value_parser = clap::value_parser!(u64).range(5..=3600))]
    timeout: u64,
    #[command(flatten)]
    report: ReportArgs,
}

/// Prints why the page could not be scanned, in `format`.
fn report_error(url: &str, e: &SiteError, format: Format, lang: Lang) -> Result<()> {
    if format == Format::Human {
        let prefix = if lang == Lang::ZhCn { "错误" } else { "error" };
        out::err(format!("{prefix}: {}", e.message(lang)))?;
    } else {
        let v = serde_json::json!({
            "url": url,
            "ok": false,
            "error": e.message(Lang::ZhCn),
            "error_en": e.message(Lang::En),
        });
        out::line(format!("{v:#}"))?;
    }
    Ok(())
}

pub fn run(args: SiteArgs, lang: Lang) -> Result<Outcome> {
    let format = args.report.format;
    // The address first, then the manifest: both are cheaper to refuse than a browser.
    if let Err(e) = gebao_scan::site::parse_url(&args.url) {
        report_error(&args.url, &e, format, lang)?;
        return Ok(Outcome::BadInput);
    }
    let loaded = match args.manifest.as_deref() {
        Some(path) => match check::load_or_report(Some(path), format, lang)? {
            Some(l) => Some(l),
            None => return Ok(Outcome::BadInput),
        },
        None => None,
    };
    let opts = SiteOptions {
        wait: Duration::from_millis(args.wait),
        timeout: Duration::from_secs(args.timeout),
        ..SiteOptions::default()
    };
    let scan = match super::block_on(scan_site(&args.url, &opts))? {
        Ok(scan) => scan,
        Err(e) => {
            report_error(&args.url, &e, format, lang)?;
            return Ok(Outcome::BadInput);
        }
    };
    if format == Format::Human {
        print_scan(&scan, loaded.as_ref().map(|l| &l.manifest), lang)?;
    }
    match loaded {
        Some(loaded) => {
            let findings = compare(&loaded.manifest, &scan.facts(), Some(&loaded.text));
            if format == Format::Human {
                out::line("")?;
            }
            check::report(&loaded, findings, &args.report, lang, Some(("site", serde_json::to_value(&scan)?)))
        }
        None => {
            match format {
                Format::Human => {}
                Format::Json => out::line(format!("{:#}", serde_json::json!({ "site": scan, "ok": true })))?,
                Format::Sarif => out::line(format!("{:#}", super::check_sarif::empty(lang)))?,
            }
            Ok(Outcome::Ok)
        }
    }
}

/// Why a phase could not be recorded.
fn not_possible(status: PhaseStatus, zh: bool) -> &'static str {
    match (status, zh) {
        (PhaseStatus::Recorded, _) => "",
        (PhaseStatus::NoBanner, true) => "无法测试：网页上没有 gebao 横幅",
        (PhaseStatus::NoBanner, false) => "not possible: the page has no gebao banner",
        (PhaseStatus::NoChoice, true) => "无法测试：横幅不提供选择（清单没有声明非必要的 Cookie 类别）",
        (PhaseStatus::NoChoice, false) => {
            "not possible: the banner offers no choice (the manifest declares no non-essential cookie category)"
        }
        (PhaseStatus::ChoiceNotRecorded, true) => {
            "无法测试：点击后横幅没有记录选择（gebao 无法访问，或网页的来源不在 gebao 配置的 [banner] origins 中）"
        }
        (PhaseStatus::ChoiceNotRecorded, false) => {
            "not possible: the banner did not record the choice (gebao cannot be reached, or the page's origin is not in gebao's [banner] origins)"
        }
    }
}

/// One cookie as a line: name, domain, then who sets it, its declared category and its
/// lifetime.
fn cookie_line(c: &CookieRecord, m: Option<&Manifest>, zh: bool) -> String {
    let party = match (c.third_party, zh) {
        (false, true) => "第一方",
        (false, false) => "first party",
        (true, true) => "第三方",
        (true, false) => "third party",
    };
    let declared = m.map(|m| match (m.cookies.iter().find(|d| d.name == c.name), zh) {
        (Some(d), _) => d.category.label().get(if zh { Lang::ZhCn } else { Lang::En }).to_owned(),
        (None, true) => "未声明".to_owned(),
        (None, false) => "not declared".to_owned(),
    });
    let life = match (&c.expires, zh) {
        (Some(t), true) => format!("至 {t}"),
        (Some(t), false) => format!("until {t}"),
        (None, true) => "会话".to_owned(),
        (None, false) => "session".to_owned(),
    };
    let mut parts = vec![party.to_owned()];
    parts.extend(declared);
    parts.push(life);
    format!("    {:<24} {:<28} {}", c.name, c.domain, parts.join(" · "))
}

fn print_phase(p: &PhaseRecord, m: Option<&Manifest>, lang: Lang) -> std::io::Result<()> {
    let zh = lang == Lang::ZhCn;
    let label = p.phase.label().get(lang);
    if p.status != PhaseStatus::Recorded {
        return out::line(format!("\n[{label}] {}", not_possible(p.status, zh)));
    }
    let settled = match (p.settled, zh) {
        (true, _) => "",
        (false, true) => "（页面一直在发请求，按超时时的状态记录）",
        (false, false) => " (the page kept sending requests: recorded as it stood)",
    };
    out::line(format!("\n[{label}]{settled}"))?;
    out::line(if zh {
        format!("  Cookie（{}）：", p.cookies.len())
    } else {
        format!("  Cookies ({}):", p.cookies.len())
    })?;
    for c in &p.cookies {
        out::line(cookie_line(c, m, zh))?;
    }
    let none = if zh { "无" } else { "none" };
    let sep = if zh { "、" } else { ", " };
    let keys = |k: &[String]| if k.is_empty() { none.to_owned() } else { k.join(sep) };
    let colon = if zh { "：" } else { ": " };
    out::line(format!("  localStorage{colon}{}", keys(&p.local_storage)))?;
    out::line(format!("  sessionStorage{colon}{}", keys(&p.session_storage)))?;
    for (party, zh_label, en_label) in [
        (Party::ThirdParty, "第三方主机", "Third-party hosts"),
        (Party::Gebao, "gebao 横幅服务", "gebao banner server"),
    ] {
        let hosts: Vec<String> = p
            .hosts
            .iter()
            .filter(|h| h.party == party)
            .map(|h| match (zh, h.requests) {
                (true, n) => format!("{}（{n} 个请求）", h.host),
                (false, 1) => format!("{} (1 request)", h.host),
                (false, n) => format!("{} ({n} requests)", h.host),
            })
            .collect();
        if party == Party::Gebao && hosts.is_empty() {
            continue;
        }
        let label = if zh { zh_label } else { en_label };
        let list = if hosts.is_empty() { none.to_owned() } else { hosts.join(sep) };
        out::line(format!("  {label}{colon}{list}"))?;
    }
    Ok(())
}

/// The scan as a reader takes it in: the page and its banner, then each phase.
fn print_scan(scan: &SiteScan, m: Option<&Manifest>, lang: Lang) -> std::io::Result<()> {
    let zh = lang == Lang::ZhCn;
    out::line(if zh {
        format!("网页 {}（站点 {}；用时 {:.1} 秒）", scan.url, scan.site, scan.elapsed_ms as f64 / 1000.0)
    } else {
        format!("Page {} (site {}; {:.1} s)", scan.url, scan.site, scan.elapsed_ms as f64 / 1000.0)
    })?;
    out::line(match (&scan.banner, zh) {
        (Some(b), true) => format!(
            "  gebao 横幅：有（由 {} 提供{}）",
            b.host,
            b.policy_version.map(|v| format!("，政策版本 {v}")).unwrap_or_default()
        ),
        (Some(b), false) => format!(
            "  gebao banner: yes (served by {}{})",
            b.host,
            b.policy_version.map(|v| format!(", policy version {v}")).unwrap_or_default()
        ),
        (None, true) => "  gebao 横幅：没有，无法测试“接受全部”和“拒绝全部”后的情况".to_owned(),
        (None, false) => {
            "  gebao banner: none, so what happens after “accept all” and “reject all” cannot be tested".to_owned()
        }
    })?;
    for p in &scan.phases {
        print_phase(p, m, lang)?;
    }
    Ok(())
}

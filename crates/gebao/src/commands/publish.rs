//! `gebao publish`: stores the manifest and its rendered policy as a new policy version,
//! with the diff to the previous version and whether it is a major change (after which
//! consent-based purposes need consent again).

use super::store_args::{StoreArgs, cli_actor, now_ms};
use crate::{Outcome, input, out};
use anyhow::{Context, Result};
use gebao_core::text::Lang;
use gebao_store::NewAudit;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// The manifest to publish (default: gebao.toml).
    #[arg(long, env = "GEBAO_MANIFEST")]
    manifest: Option<PathBuf>,
    /// The date the version takes effect (default: the manifest's `policy.effective`, else today).
    #[arg(long)]
    effective: Option<chrono::NaiveDate>,
    /// Publish even though `gebao check` reports error-level findings.
    #[arg(long)]
    allow_findings: bool,
    #[command(flatten)]
    store: StoreArgs,
}

pub fn run(args: Args, lang: Lang) -> Result<Outcome> {
    // Read and check the manifest first, with the usual diagnostics.
    let Some(loaded) = input::load_or_report(args.manifest.as_deref(), lang) else {
        return Ok(Outcome::BadInput);
    };
    super::block_on(async move {
        let store = args.store.open().await?;
        let previous = match store.latest_policy().await? {
            Some(v) => Some(
                gebao_core::load_manifest(&v.body.manifest)
                    .map_err(|e| anyhow::anyhow!("the stored version {} does not load: {e}", v.version))?,
            ),
            None => None,
        };
        let (manifest, version) = gebao_server::prepare(previous.as_ref(), &loaded.text, args.effective, now_ms())
            .map_err(|e| anyhow::anyhow!("{e}"))
            .context("cannot prepare the version")?;
        if !args.allow_findings {
            let errors = gebao_server::versions::blocking_findings(&manifest, &loaded.text);
            if !errors.is_empty() {
                for f in &errors {
                    let message = if lang == Lang::ZhCn { &f.message_zh } else { &f.message_en };
                    out::line(format!("{} {}: {message}", f.rule, f.path))?;
                }
                out::line(match lang {
                    Lang::ZhCn => format!(
                        "未发布：`gebao check` 报告 {} 个错误级问题；请修正，或加 --allow-findings 仍然发布",
                        errors.len()
                    ),
                    Lang::En => format!(
                        "not published: `gebao check` reports {} error-level finding(s); fix them, or pass --allow-findings",
                        errors.len()
                    ),
                })?;
                return Ok(Outcome::Flagged);
            }
        }
        let audit = NewAudit {
            actor: cli_actor(),
            action: gebao_store::AuditAction::PolicyPublish,
            target: String::new(),
            reason: None,
            detail: serde_json::json!({"major": version.major, "reconsent": version.reconsent, "effective": version.effective}),
            at_ms: now_ms(),
        };
        let stored = store.publish_policy(version, audit).await?;
        let b = &stored.body;
        out::line(match lang {
            Lang::ZhCn => format!(
                "已发布第 {} 版，{} 生效；{}",
                stored.version,
                b.effective,
                if b.major {
                    format!("重大变更，需重新取得同意的处理目的：{}", b.reconsent.join("、"))
                } else {
                    "非重大变更".into()
                }
            ),
            Lang::En => format!(
                "published version {}, effective {}; {}",
                stored.version,
                b.effective,
                if b.major {
                    format!("major change, consent asked again for: {}", b.reconsent.join(", "))
                } else {
                    "not a major change".into()
                }
            ),
        })?;
        Ok(Outcome::Ok)
    })?
}

//! `gebao audit verify`: recomputes the hash chains of the consent ledger and the audit log
//! and reports the first broken record of each (exit 1 when one is broken).

use super::store_args::StoreArgs;
use crate::{Outcome, out};
use anyhow::Result;
use gebao_core::text::Lang;
use gebao_store::chain::ChainStatus;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: AuditCommand,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(clap::Subcommand)]
enum AuditCommand {
    /// Verify the consent ledger and the audit log.
    Verify {
        #[arg(long)]
        json: bool,
    },
}

pub fn run(args: Args, lang: Lang) -> Result<Outcome> {
    super::block_on(async move {
        let store = args.store.open().await?;
        let AuditCommand::Verify { json } = args.command;
        let report = store.verify().await?;
        if json {
            out::line(serde_json::to_string_pretty(&report)?)?;
        } else {
            let (ledger, log) =
                if lang == Lang::ZhCn { ("同意记录", "审计日志") } else { ("consent ledger", "audit log") };
            out::line(line(ledger, &report.consents, lang))?;
            out::line(line(log, &report.audit, lang))?;
        }
        Ok(if report.is_intact() { Outcome::Ok } else { Outcome::Flagged })
    })?
}

fn line(name: &str, s: &ChainStatus, lang: Lang) -> String {
    match (s.first_broken, lang) {
        (None, Lang::ZhCn) => format!("{name}：{} 条记录，哈希链完整", s.records),
        (None, Lang::En) => format!("{name}: {} records, chain intact", s.records),
        (Some(seq), Lang::ZhCn) => {
            format!("{name}：第 {seq} 条记录起哈希链断裂（{}）", s.reason.as_deref().unwrap_or(""))
        }
        (Some(seq), Lang::En) => {
            format!("{name}: chain broken at record {seq} ({})", s.reason.as_deref().unwrap_or(""))
        }
    }
}

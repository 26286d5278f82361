//! `gebao audit verify`: recomputes the keyed chains of the consent ledger and the audit log
//! and reports the first broken record of each; checks every API key, subject and policy
//! version against the state its last audit entry recorded; and, with the external anchor,
//! finds a chain cut short. Exit 1 when anything does not verify.

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
        /// The external anchor file(s) the server appends checkpoints to (default:
        /// `<data-dir>/anchor.jsonl` when it exists).
        #[arg(long)]
        anchor: Vec<std::path::PathBuf>,
    },
}

pub fn run(args: Args, lang: Lang) -> Result<Outcome> {
    super::block_on(async move {
        let store = args.store.open().await?;
        let AuditCommand::Verify { json, mut anchor } = args.command;
        if anchor.is_empty() {
            let default = args.store.data_dir().join(super::store_args::ANCHOR_FILE);
            if default.exists() {
                anchor.push(default);
            }
        }
        let keys = args.store.keys()?;
        let mut checkpoints = Vec::new();
        for path in &anchor {
            checkpoints.extend(gebao_store::anchor::read(path, &keys)?);
        }
        let report = store.verify((!anchor.is_empty()).then_some(checkpoints.as_slice())).await?;
        if json {
            out::line(serde_json::to_string_pretty(&report)?)?;
        } else {
            let (ledger, log) =
                if lang == Lang::ZhCn { ("同意记录", "审计日志") } else { ("consent ledger", "audit log") };
            out::line(line(ledger, &report.consents, lang))?;
            out::line(line(log, &report.audit, lang))?;
            out::line(state_line(&report.state, lang))?;
            for p in &report.state.problems {
                out::line(format!("  {}: {}", p.target, p.reason))?;
            }
            out::line(anchor_line(report.anchor.as_ref(), lang))?;
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

fn state_line(s: &gebao_store::chain::StateStatus, lang: Lang) -> String {
    match (s.is_intact(), lang) {
        (true, Lang::ZhCn) => format!("密钥、主体与政策版本：{} 行，均与审计记录一致", s.rows),
        (true, Lang::En) => {
            format!("keys, subjects and policy versions: {} rows, all match their audit records", s.rows)
        }
        (false, Lang::ZhCn) => {
            format!("密钥、主体与政策版本：{} 行与审计记录不一致（在 gebao 之外被修改）", s.problems.len())
        }
        (false, Lang::En) => {
            format!(
                "keys, subjects and policy versions: {} rows do not match their audit records (changed outside gebao)",
                s.problems.len()
            )
        }
    }
}

fn anchor_line(a: Option<&gebao_store::chain::AnchorStatus>, lang: Lang) -> String {
    match (a, lang) {
        (None, Lang::ZhCn) => "外部锚点：未提供（--anchor），无法发现被截短的链尾".into(),
        (None, Lang::En) => {
            "external anchor: none given (--anchor); a chain cut short at its end cannot be found".into()
        }
        (Some(a), Lang::ZhCn) => match &a.problem {
            None => format!("外部锚点：{} 个检查点，均与链一致", a.checkpoints),
            Some(p) => format!("外部锚点：{p}"),
        },
        (Some(a), Lang::En) => match &a.problem {
            None => format!("external anchor: {} checkpoints, all match the chains", a.checkpoints),
            Some(p) => format!("external anchor: {p}"),
        },
    }
}

//! `gebao import subjects|consents FILE.jsonl`: an operator's existing users and consents
//! brought into gebao's store (`--data-dir` / `--database-url`, like `gebao audit`), one
//! JSON object a line — the body of `POST /v1/subjects`, or of `POST /v1/consents` with
//! `at_ms`, when the consent was given. Every line is checked first, as the API checks it,
//! against the policy version in force; one bad line and nothing is written (exit 2, each
//! problem named by line and field). Then the lines are written in batches, each one
//! transaction: subjects with their audit entries, consents appended to the hash-chained
//! ledger. A running server picks them up through the change feed. docs/import.md.

use super::store_args::StoreArgs;
use crate::{Outcome, out};
use anyhow::{Context, Result, bail};
use gebao_core::text::Lang;
use gebao_server::import::LineError;
use gebao_store::{AuditAction, NewAudit, Store, StoreError};
use std::io::BufRead;
use std::path::PathBuf;
use std::time::Instant;

/// Most problems listed before the rest are only counted.
const SHOWN: usize = 20;

#[derive(clap::Args)]
pub struct Args {
    /// `subjects` or `consents`.
    #[arg(value_parser = ["subjects", "consents"])]
    what: String,
    /// The file, one JSON object a line (`-`: standard input).
    file: PathBuf,
    /// Lines per transaction. Larger is faster (each transaction rewrites the index pages
    /// it touches) and holds the write lock longer: a running server's writes wait for it.
    #[arg(long, default_value_t = 20_000, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    batch: u32,
    /// Check every line; write nothing.
    #[arg(long)]
    dry_run: bool,
    #[command(flatten)]
    store: StoreArgs,
}

/// Who the audit log and the ledger name for an import.
const ACTOR: &str = "cli:import";

fn lines(file: &PathBuf) -> Result<Vec<(usize, String)>> {
    let reader: Box<dyn BufRead> = if file.as_os_str() == "-" {
        Box::new(std::io::BufReader::new(std::io::stdin()))
    } else {
        Box::new(std::io::BufReader::new(
            std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?,
        ))
    };
    let mut out = Vec::new();
    for (i, line) in reader.lines().enumerate() {
        let line = line.with_context(|| format!("{}: line {} is not UTF-8 text", file.display(), i + 1))?;
        if !line.trim().is_empty() {
            out.push((i + 1, line));
        }
    }
    Ok(out)
}

fn report(file: &std::path::Path, errors: &[(usize, LineError)], lang: Lang) -> Result<()> {
    let zh = lang == Lang::ZhCn;
    for (n, e) in errors.iter().take(SHOWN) {
        let field = if e.field.is_empty() { String::new() } else { format!(" `{}`", e.field) };
        let text = if zh { &e.text.zh } else { &e.text.en };
        eprintln!("{}:{n}:{field} {text}", file.display());
    }
    if errors.len() > SHOWN {
        eprintln!(
            "{}",
            if zh {
                format!("……另有 {} 处问题", errors.len() - SHOWN)
            } else {
                format!("… and {} more problems", errors.len() - SHOWN)
            }
        );
    }
    eprintln!(
        "{}",
        if zh {
            format!("{} 行有问题，未写入任何记录：请修正后重新导入", errors.len())
        } else {
            format!("{} lines have problems; nothing was written: fix them and import again", errors.len())
        }
    );
    Ok(())
}

pub fn run(args: Args, lang: Lang) -> Result<Outcome> {
    let zh = lang == Lang::ZhCn;
    let all = lines(&args.file)?;
    let file = args.file.clone();
    let started = Instant::now();
    let written = super::block_on(async move {
        let store = args.store.open().await?;
        let now = gebao_server::now_ms();
        if args.what == "subjects" {
            let (batch, mut errors) = check_all(&all, |line| gebao_server::import::subject(line, now));
            guardians_known(store.as_ref(), &batch, &mut errors).await?;
            if !errors.is_empty() {
                report(&file, &errors, lang)?;
                return Ok(None);
            }
            if args.dry_run {
                return Ok(Some(Written::Checked(batch.len())));
            }
            let mut done = 0;
            for chunk in batch.chunks(args.batch as usize) {
                let items = chunk
                    .iter()
                    .map(|(_, s)| {
                        let audit = NewAudit {
                            actor: ACTOR.into(),
                            action: AuditAction::SubjectRegister,
                            target: String::new(),
                            reason: Some("bulk import".into()),
                            detail: serde_json::json!({ "import": true }),
                            at_ms: now,
                        };
                        (s.clone(), audit)
                    })
                    .collect();
                store.put_subjects(items).await.map_err(|e| stopped(e, chunk[0].0, done, zh))?;
                done += chunk.len();
            }
            Ok(Some(Written::Imported(done)))
        } else {
            let metas = store.policy_versions().await?;
            let Some(latest) = metas.iter().map(|m| m.version).max() else {
                bail!(if zh {
                    "尚未发布政策版本：先用 gebao serve 或 gebao publish 发布清单"
                } else {
                    "no policy version is published: publish the manifest first (gebao serve or gebao publish)"
                });
            };
            let current = gebao_server::versions::in_force(&metas, gebao_server::versions::today()).unwrap_or(latest);
            let stored = store.policy_version(current).await?.context("the version in force is missing")?;
            let manifest = gebao_core::load_manifest(&stored.body.manifest)
                .map_err(|_| anyhow::anyhow!("the stored manifest of version {current} does not load"))?;
            let (batch, errors) =
                check_all(&all, |line| gebao_server::import::consent(line, &manifest, current, latest, ACTOR, now));
            if !errors.is_empty() {
                report(&file, &errors, lang)?;
                return Ok(None);
            }
            if args.dry_run {
                return Ok(Some(Written::Checked(batch.len())));
            }
            let mut done = 0;
            for chunk in batch.chunks(args.batch as usize) {
                let items = chunk.iter().map(|(_, c)| c.clone()).collect();
                let lines = (chunk[0].0, chunk[chunk.len() - 1].0);
                let audit = NewAudit {
                    actor: ACTOR.into(),
                    action: AuditAction::ConsentImport,
                    target: String::new(),
                    reason: Some("bulk import".into()),
                    detail: serde_json::json!({ "file": file.display().to_string(), "lines": [lines.0, lines.1] }),
                    at_ms: now,
                };
                if let Err(e) = store.import_consents(items, audit).await {
                    // Name the line of a subject the store does not know.
                    let line = match &e {
                        StoreError::NotFound(what) => chunk
                            .iter()
                            .find(|(_, c)| what.contains(&format!("`{}`", c.subject)))
                            .map_or(chunk[0].0, |(n, _)| *n),
                        _ => chunk[0].0,
                    };
                    return Err(stopped(e, line, done, zh));
                }
                done += chunk.len();
            }
            Ok(Some(Written::Imported(done)))
        }
    })??;
    let Some(written) = written else { return Ok(Outcome::BadInput) };
    let secs = started.elapsed().as_secs_f64();
    let rate = |n: usize| n as f64 / secs.max(1e-9);
    out::line(match (written, zh) {
        (Written::Checked(n), true) => format!("检查完毕，{n} 行全部有效；未写入（--dry-run）"),
        (Written::Checked(n), false) => format!("All {n} lines are valid; nothing written (--dry-run)"),
        (Written::Imported(n), true) => format!("已导入 {n} 条记录，用时 {secs:.1} 秒（每秒 {:.0} 条）", rate(n)),
        (Written::Imported(n), false) => format!("Imported {n} records in {secs:.1} s ({:.0}/s)", rate(n)),
    })?;
    Ok(Outcome::Ok)
}

/// What a run did.
enum Written {
    Checked(usize),
    Imported(usize),
}

/// Every line checked: the records, by line number, and the problems.
#[allow(clippy::type_complexity)]
fn check_all<T>(
    all: &[(usize, String)],
    check: impl Fn(&str) -> Result<T, LineError>,
) -> (Vec<(usize, T)>, Vec<(usize, LineError)>) {
    let (mut ok, mut bad) = (Vec::with_capacity(all.len()), Vec::new());
    for (n, line) in all {
        match check(line) {
            Ok(r) => ok.push((*n, r)),
            Err(e) => bad.push((*n, e)),
        }
    }
    (ok, bad)
}

/// A batch the store refused: what was committed before it, and where to start again.
fn stopped(e: StoreError, line: usize, done: usize, zh: bool) -> anyhow::Error {
    if zh {
        anyhow::anyhow!("第 {line} 行所在的批次未写入（{e}）；此前已提交 {done} 条：修正后从第 {line} 行起重新导入")
    } else {
        anyhow::anyhow!(
            "the batch with line {line} was not written ({e}); {done} records before it are committed: fix it and import again from line {line}"
        )
    }
}

/// A guardian must be registered already or come earlier in the file.
async fn guardians_known(
    store: &dyn Store,
    batch: &[(usize, gebao_store::NewSubject)],
    errors: &mut Vec<(usize, LineError)>,
) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    for (n, s) in batch {
        if let Some(g) = &s.guardian
            && !seen.contains(g.as_str())
            && store.subject(g).await?.is_none()
        {
            errors.push((
                *n,
                LineError {
                    field: "guardian".into(),
                    text: gebao_server::messages::Text::new(
                        format!("监护人 `{g}` 未登记：请先导入监护人，或将其放在本文件更前面"),
                        format!("guardian `{g}` is not registered: import the guardian first, or earlier in this file"),
                    ),
                },
            ));
        }
        seen.insert(s.id.as_str());
    }
    Ok(())
}

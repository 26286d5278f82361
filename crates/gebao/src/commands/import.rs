//! `gebao import subjects|consents FILE.jsonl`: an operator's existing users and consents
//! brought into gebao's store (`--data-dir` / `--database-url`, like `gebao audit`), one
//! JSON object a line — the body of `POST /v1/subjects`, or of `POST /v1/consents` with
//! `at_ms`, when the consent was given. Every line is checked first, as the API checks it,
//! against the policy version in force; one bad line and nothing is written (exit 2, each
//! problem named by line and field). Then the lines are written in batches, each one
//! transaction: subjects with their audit entries, consents appended to the hash-chained
//! ledger. A file is read twice, line by line, so memory stays bounded at any size; the next
//! batch is read and checked on another thread while the store writes one. A running server
//! picks the imports up through the change feed. docs/import.md.

use super::store_args::StoreArgs;
use crate::{Outcome, out};
use anyhow::{Context, Result, bail};
use gebao_core::text::Lang;
use gebao_server::import::LineError;
use gebao_store::{AuditAction, NewAudit, Store, StoreError};
use std::collections::{HashMap, HashSet};
use std::io::BufRead;
use std::path::PathBuf;
use std::sync::Arc;
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
    /// it touches, most of them at a million users) and holds the write lock longer: a
    /// running server's writes wait for it. With the server stopped, 200000 or more.
    #[arg(long, default_value_t = 20_000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    batch: u32,
    /// Check every line; write nothing.
    #[arg(long)]
    dry_run: bool,
    #[command(flatten)]
    store: StoreArgs,
}

/// Who the audit log and the ledger name for an import.
const ACTOR: &str = "cli:import";

/// Where the lines come from. A file is read twice, line by line — checked, then written —
/// so that memory stays bounded whatever its size; standard input, which cannot be read
/// twice, is read into memory once.
enum Source {
    File(PathBuf),
    Stdin(Vec<(usize, String)>),
}

/// Numbered lines that are not blank, or the first read error.
type Lines<'a> = Box<dyn Iterator<Item = Result<(usize, String)>> + Send + 'a>;

impl Source {
    fn open(file: &PathBuf) -> Result<Source> {
        if file.as_os_str() != "-" {
            // Opened now, so that a missing file is named before anything else is done.
            std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
            return Ok(Source::File(file.clone()));
        }
        let stdin = std::io::BufReader::new(std::io::stdin());
        Ok(Source::Stdin(numbered(Box::new(stdin), file).collect::<Result<_>>()?))
    }

    fn lines(&self) -> Result<Lines<'_>> {
        match self {
            Source::File(file) => {
                let f = std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
                Ok(numbered(Box::new(std::io::BufReader::with_capacity(1 << 20, f)), file))
            }
            Source::Stdin(lines) => Ok(Box::new(lines.iter().cloned().map(Ok))),
        }
    }
}

fn numbered<'a>(reader: Box<dyn BufRead + Send>, file: &'a std::path::Path) -> Lines<'a> {
    Box::new(reader.lines().enumerate().filter_map(move |(i, line)| match line {
        Ok(line) if line.trim().is_empty() => None,
        Ok(line) => Some(Ok((i + 1, line))),
        Err(e) => Some(Err(anyhow::anyhow!("{}: line {} is not UTF-8 text ({e})", file.display(), i + 1))),
    }))
}

/// The problems found, the first [`SHOWN`] of them kept.
#[derive(Default)]
struct Problems {
    shown: Vec<(usize, LineError)>,
    count: usize,
}

impl Problems {
    fn add(&mut self, line: usize, e: LineError) {
        if self.shown.len() < SHOWN {
            self.shown.push((line, e));
        }
        self.count += 1;
    }
}

fn report(file: &std::path::Path, problems: &Problems, lang: Lang) -> Result<()> {
    let zh = lang == Lang::ZhCn;
    for (n, e) in &problems.shown {
        let field = if e.field.is_empty() { String::new() } else { format!(" `{}`", e.field) };
        let text = if zh { &e.text.zh } else { &e.text.en };
        eprintln!("{}:{n}:{field} {text}", file.display());
    }
    let more = problems.count - problems.shown.len();
    if more > 0 {
        eprintln!("{}", if zh { format!("……另有 {more} 处问题") } else { format!("… and {more} more problems") });
    }
    eprintln!(
        "{}",
        if zh {
            format!("{} 行有问题，未写入任何记录：请修正后重新导入", problems.count)
        } else {
            format!("{} lines have problems; nothing was written: fix them and import again", problems.count)
        }
    );
    Ok(())
}

pub fn run(args: Args, lang: Lang) -> Result<Outcome> {
    let zh = lang == Lang::ZhCn;
    let source = Arc::new(Source::open(&args.file)?);
    let file = args.file.clone();
    let started = Instant::now();
    let written = super::block_on(async move {
        let store = args.store.open_tuned(gebao_store::Tuning::Bulk).await?;
        // Closed whatever happened: on SQLite what was committed is copied back into the
        // database file, and no write-ahead log is left behind.
        let result = async {
            let now = gebao_server::now_ms();
            let size = args.batch as usize;
            if args.what == "subjects" {
                let check = move |line: &str| gebao_server::import::subject(line, now);
                let mut guardians = Vec::new();
                let (valid, mut problems) = check_lines(&source, check, |n, s| {
                    if let Some(g) = s.guardian {
                        guardians.push((n, g));
                    }
                })?;
                guardians_known(store.as_ref(), &source, check, guardians, &mut problems).await?;
                let audit = || NewAudit {
                    actor: ACTOR.into(),
                    action: AuditAction::SubjectRegister,
                    target: String::new(),
                    reason: Some("bulk import".into()),
                    detail: serde_json::json!({ "import": true }),
                    at_ms: now,
                };
                let plan = Plan { source: &source, file: &file, valid, problems, dry_run: args.dry_run, size, lang };
                plan.write(check, async |chunk, done| {
                    let first = chunk[0].0;
                    let items = chunk.into_iter().map(|(_, s)| (s, audit())).collect();
                    store.put_subjects(items).await.map_err(|e| stopped(e, first, done, zh))?;
                    Ok(())
                })
                .await
            } else {
                let metas = store.policy_versions().await?;
                let Some(latest) = metas.iter().map(|m| m.version).max() else {
                    bail!(if zh {
                        "尚未发布政策版本：先用 gebao serve 或 gebao publish 发布清单"
                    } else {
                        "no policy version is published: publish the manifest first (gebao serve or gebao publish)"
                    });
                };
                let current =
                    gebao_server::versions::in_force(&metas, gebao_server::versions::today()).unwrap_or(latest);
                let stored = store.policy_version(current).await?.context("the version in force is missing")?;
                let manifest = Arc::new(
                    gebao_core::load_manifest(&stored.body.manifest)
                        .map_err(|_| anyhow::anyhow!("the stored manifest of version {current} does not load"))?,
                );
                let check =
                    move |line: &str| gebao_server::import::consent(line, &manifest, current, latest, ACTOR, now);
                let (valid, problems) = check_lines(&source, check.clone(), |_, _| ())?;
                let plan = Plan { source: &source, file: &file, valid, problems, dry_run: args.dry_run, size, lang };
                plan.write(check, async |chunk, done| {
                    let (first, last) = (chunk[0].0, chunk[chunk.len() - 1].0);
                    let audit = NewAudit {
                        actor: ACTOR.into(),
                        action: AuditAction::ConsentImport,
                        target: String::new(),
                        reason: Some("bulk import".into()),
                        detail: serde_json::json!({ "file": file.display().to_string(), "lines": [first, last] }),
                        at_ms: now,
                    };
                    let items = chunk.into_iter().map(|(_, c)| c).collect();
                    if let Err(e) = store.import_consents(items, audit).await {
                        // Name the line of a subject the store does not know.
                        let line = match &e {
                            StoreError::NotFound(what) => line_naming(&source, (first, last), what).unwrap_or(first),
                            _ => first,
                        };
                        return Err(stopped(e, line, done, zh));
                    }
                    Ok(())
                })
                .await
            }
        }
        .await;
        store.close().await;
        result
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

/// A file whose every line was checked: how many are valid and the problems of the others.
struct Plan<'a> {
    source: &'a Arc<Source>,
    file: &'a std::path::Path,
    valid: usize,
    problems: Problems,
    dry_run: bool,
    size: usize,
    lang: Lang,
}

impl Plan<'_> {
    /// Reports the problems and writes nothing when there are any, or with `--dry-run`;
    /// otherwise reads and checks the lines again, a batch of `size` at a time, and gives
    /// each batch to `write` with the number of records committed before it. `None`: the
    /// lines had problems.
    async fn write<T: Send + 'static>(
        self,
        check: impl Fn(&str) -> Result<T, LineError> + Send + 'static,
        mut write: impl AsyncFnMut(Vec<(usize, T)>, usize) -> Result<()>,
    ) -> Result<Option<Written>> {
        if self.problems.count > 0 {
            report(self.file, &self.problems, self.lang)?;
            return Ok(None);
        }
        if self.dry_run {
            return Ok(Some(Written::Checked(self.valid)));
        }
        let zh = self.lang == Lang::ZhCn;
        let mut done = 0;
        let mut batches = checked_batches(Arc::clone(self.source), self.size, check);
        while let Some(chunk) = batches.recv().await {
            let chunk = chunk.map_err(|e| changed(e, done, zh))?;
            let n = chunk.len();
            write(chunk, done).await?;
            done += n;
        }
        Ok(Some(Written::Imported(done)))
    }
}

/// Checks every line, giving each record to `each`: how many lines are valid, and the
/// problems of the others.
fn check_lines<T>(
    source: &Source,
    check: impl Fn(&str) -> Result<T, LineError>,
    mut each: impl FnMut(usize, T),
) -> Result<(usize, Problems)> {
    let (mut valid, mut problems) = (0, Problems::default());
    for line in source.lines()? {
        let (n, line) = line?;
        match check(&line) {
            Ok(r) => {
                valid += 1;
                each(n, r);
            }
            Err(e) => problems.add(n, e),
        }
    }
    Ok((valid, problems))
}

/// The checked records in batches of `size`, read and checked on a thread of their own while
/// the store writes the batch before (one batch ahead, so memory stays bounded). A line that
/// no longer passes its check — the file changed after it was checked — ends the batches
/// with an error naming it.
fn checked_batches<T: Send + 'static>(
    source: Arc<Source>,
    size: usize,
    check: impl Fn(&str) -> Result<T, LineError> + Send + 'static,
) -> tokio::sync::mpsc::Receiver<Result<Vec<(usize, T)>>> {
    let (tx, rx) = tokio::sync::mpsc::channel(1);
    std::thread::spawn(move || {
        let read = || -> Result<()> {
            let mut batch = Vec::with_capacity(size);
            for line in source.lines()? {
                let (n, line) = line?;
                let record = check(&line)
                    .map_err(|e| anyhow::anyhow!("line {n} changed after it was checked: {}", e.text.en))?;
                batch.push((n, record));
                if batch.len() == size
                    && tx.blocking_send(Ok(std::mem::replace(&mut batch, Vec::with_capacity(size)))).is_err()
                {
                    return Ok(()); // the writer stopped
                }
            }
            if !batch.is_empty() {
                let _ = tx.blocking_send(Ok(batch));
            }
            Ok(())
        };
        if let Err(e) = read() {
            let _ = tx.blocking_send(Err(e));
        }
    });
    rx
}

/// The first line in `lines` (first and last line numbers) whose consent names the subject
/// a `NotFound` error names.
fn line_naming(source: &Source, (first, last): (usize, usize), what: &str) -> Option<usize> {
    let subject = |line: &str| -> Option<String> {
        serde_json::from_str::<serde_json::Value>(line).ok()?.get("subject")?.as_str().map(str::to_owned)
    };
    source
        .lines()
        .ok()?
        .filter_map(Result::ok)
        .skip_while(|(n, _)| *n < first)
        .take_while(|(n, _)| *n <= last)
        .find_map(|(n, line)| subject(&line).filter(|s| what.contains(&format!("`{s}`"))).map(|_| n))
}

/// The file could not be read again, or a line changed, after `done` records were committed.
fn changed(e: anyhow::Error, done: usize, zh: bool) -> anyhow::Error {
    if zh {
        anyhow::anyhow!("导入中止（{e}）；此前已提交 {done} 条：修正后从该行起重新导入")
    } else {
        anyhow::anyhow!(
            "the import stopped ({e}); {done} records before it are committed: fix it and import again from that line"
        )
    }
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

/// A guardian must be registered already or come earlier in the file: `refs` are the
/// guardians named, by line; the file is read again for the lines that register them.
async fn guardians_known(
    store: &dyn Store,
    source: &Source,
    check: impl Fn(&str) -> Result<gebao_store::NewSubject, LineError>,
    refs: Vec<(usize, String)>,
    problems: &mut Problems,
) -> Result<()> {
    if refs.is_empty() {
        return Ok(());
    }
    let named: HashSet<&str> = refs.iter().map(|(_, g)| g.as_str()).collect();
    let mut registered_at: HashMap<String, usize> = HashMap::new();
    check_lines(source, check, |n, s| {
        if named.contains(s.id.as_str()) {
            registered_at.entry(s.id).or_insert(n);
        }
    })?;
    for (n, g) in &refs {
        let earlier = registered_at.get(g).is_some_and(|at| at < n);
        if !earlier && store.subject(g).await?.is_none() {
            problems.add(
                *n,
                LineError {
                    field: "guardian".into(),
                    text: gebao_server::messages::Text::new(
                        format!("监护人 `{g}` 未登记：请先导入监护人，或将其放在本文件更前面"),
                        format!("guardian `{g}` is not registered: import the guardian first, or earlier in this file"),
                    ),
                },
            );
        }
    }
    Ok(())
}

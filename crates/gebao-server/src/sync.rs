//! Keeping in step with other instances that share the database (DESIGN "Scale"). The task
//! waits for a wake-up (PostgreSQL `NOTIFY`, sent by every write when it commits) or at most
//! `sync_interval`, then reads what it has not seen:
//! - the consent ledger (`Store::consents_after`): a withdrawal made on another instance is
//!   honoured here within about one wake-up (PIPL 15);
//! - the change feed (`Store::changes_after`): subjects registered, restricted or erased
//!   elsewhere are re-read by key; a key created or revoked anywhere empties the key cache,
//!   so a revoked key is refused by every instance within the sync interval; a policy
//!   version published elsewhere is swapped in when it is in force.
//!
//! It also swaps in a policy version on the day it takes effect.

use crate::state::AppState;
use crate::versions::today;
use crate::writer;
use chrono::NaiveDate;
use gebao_store::crypto::SubjectKey;
use gebao_store::{ChangeKind, StoreError, SubjectRecord};
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::watch;

/// Records read per call.
const PAGE: i64 = 1000;
/// How long the change feed keeps a change by default (`changes_kept_days`): an instance
/// cut off from the database for longer, or a snapshot older, cannot catch up by the feed
/// (it rebuilds from the database).
pub const CHANGES_KEPT: Duration = Duration::from_secs(7 * 24 * 3600);
/// How often an instance prunes the change feed.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// How far this instance has read the shared ledger and change feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursors {
    /// Highest ledger sequence number applied.
    pub ledger: i64,
    /// Highest change feed sequence number applied.
    pub changes: i64,
}

/// Where and how often the task writes the snapshot of the decision state.
#[derive(Debug, Clone)]
pub struct Saving {
    pub path: std::path::PathBuf,
    pub every: Duration,
}

/// How the task follows the others: how often it reads at most, and how long the change
/// feed keeps a change before it prunes it.
#[derive(Debug, Clone, Copy)]
pub struct Following {
    pub every: Duration,
    pub changes_kept: Duration,
}

/// The sync task; ends when `stop` turns true, after a last step and a last snapshot.
pub async fn run(
    state: AppState,
    mut cursors: Cursors,
    Following { every, changes_kept }: Following,
    saving: Option<Saving>,
    mut stop: watch::Receiver<bool>,
) {
    let mut day = today();
    let mut saved = std::time::Instant::now();
    // The snapshot is started by this task because it owns the cursors: the state holds
    // at least everything up to them when the snapshot is taken, and only grows newer while
    // it is written — in a task of its own, so that following the other instances never
    // waits for it (ten million subjects take seconds to write).
    let mut saved_at = cursors;
    let mut writing: Option<tokio::task::JoinHandle<()>> = None;
    // Pruning runs beside the task too: a first run may delete millions of changes. It
    // runs first after the first read, so that an instance restarted more often than
    // hourly still prunes.
    let mut pruning: Option<tokio::task::JoinHandle<()>> = None;
    let mut pruned: Option<std::time::Instant> = None;
    // An instance that fell behind the change feed reads the database beside the task,
    // which goes on following the ledger with the old state meanwhile.
    let mut rebuilding: Option<Rebuilding> = None;
    loop {
        let woken = tokio::select! {
            woken = state.store.wait_for_changes(every) => woken,
            _ = stop.wait_for(|s| *s) => break,
        };
        if let Err(e) = woken {
            tracing::debug!(error = %e, "wake-up channel lost; polling until it is back");
            // Do not spin while the database is gone.
            tokio::time::sleep(every).await;
        }
        if let Err(e) = step(&state, &mut cursors, &mut day).await {
            state.metrics.sync_error();
            tracing::warn!(error = %e, "sync with the shared database failed; retrying");
        }
        if state.is_behind_the_feed() {
            match rebuilding.take() {
                None => {
                    let st = state.clone();
                    let read =
                        tokio::spawn(async move { crate::memory::start::from_database(st.store.as_ref()).await });
                    rebuilding = Some(Rebuilding { started: std::time::Instant::now(), read });
                }
                Some(r) if r.read.is_finished() => {
                    // A snapshot being written holds what the state was: not replaced under it.
                    if let Some(w) = writing.take() {
                        let _ = w.await;
                    }
                    rejoin(&state, r, &mut cursors, &mut day).await;
                }
                Some(r) => rebuilding = Some(r),
            }
        }
        // A state that missed changes is never saved: a restart would trust it.
        if let Some(saving) = &saving
            && !state.is_behind_the_feed()
            && saved.elapsed() >= saving.every
            && cursors != saved_at
            && writing.as_ref().is_none_or(|w| w.is_finished())
        {
            let (st, saving) = (state.clone(), saving.clone());
            writing = Some(tokio::spawn(async move { save(&st, &saving, cursors).await }));
            (saved, saved_at) = (std::time::Instant::now(), cursors);
        }
        if pruned.is_none_or(|at| at.elapsed() >= PRUNE_EVERY) && pruning.as_ref().is_none_or(|p| p.is_finished()) {
            let st = state.clone();
            pruning = Some(tokio::spawn(async move { prune(&st, changes_kept).await }));
            pruned = Some(std::time::Instant::now());
        }
    }
    if let Some(p) = pruning {
        p.abort();
    }
    if let Some(r) = rebuilding {
        r.read.abort();
    }
    if let Some(w) = writing {
        let _ = w.await;
    }
    if let Some(saving) = &saving {
        // What the writer committed while stopping is in memory; read the rest, then save.
        if let Err(e) = step(&state, &mut cursors, &mut day).await {
            tracing::warn!(error = %e, "last sync before the snapshot failed");
        }
        if state.is_behind_the_feed() {
            tracing::warn!(
                "no snapshot written: the state missed changes pruned from the feed (the next start rebuilds it)"
            );
        } else {
            save(&state, saving, cursors).await;
        }
    }
    tracing::debug!("sync task stopped");
}

/// The state being read from the database again, and since when.
struct Rebuilding {
    started: std::time::Instant,
    read: tokio::task::JoinHandle<Result<(crate::memory::Subjects, Cursors), StoreError>>,
}

/// Puts the state read from the database (after the change feed was found pruned past what
/// this instance had read) in place of the old one, replays what was written since it was
/// read, and returns the instance to service. Until then the old state goes on answering
/// (the instance is out of the load balancer) and following the ledger. A failed read is
/// logged and the next wake-up reads again.
async fn rejoin(state: &AppState, rebuilt: Rebuilding, cursors: &mut Cursors, day: &mut NaiveDate) {
    let (fresh, at) = match rebuilt.read.await {
        Ok(Ok(read)) => read,
        Ok(Err(e)) => return tracing::warn!(error = %e, "cannot rebuild the state from the database; retrying"),
        Err(e) => return tracing::warn!(error = %e, "the rebuild of the state failed; retrying"),
    };
    let subjects = fresh.len();
    state.subjects.replace_with(fresh);
    *cursors = at;
    if let Err(e) = step(state, cursors, day).await {
        return tracing::warn!(error = %e, "cannot replay what was written during the rebuild; rebuilding again");
    }
    state.back_in_step();
    tracing::info!(
        subjects,
        ms = rebuilt.started.elapsed().as_millis() as u64,
        "state rebuilt from the database after falling behind the change feed: back in service"
    );
}

/// Deletes the changes older than `kept`; a failure is logged (the next hour tries again).
async fn prune(state: &AppState, kept: Duration) {
    let before = crate::now_ms() - i64::try_from(kept.as_millis()).unwrap_or(i64::MAX);
    match state.store.prune_changes(before).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(pruned = n, "change feed pruned"),
        Err(e) => tracing::warn!(error = %e, "cannot prune the change feed; retried in an hour"),
    }
}

/// Writes the snapshot; a failure is logged (the next start then reads the database).
async fn save(state: &AppState, saving: &Saving, at: Cursors) {
    let started = std::time::Instant::now();
    let header = match crate::memory::start::header(state.store.as_ref(), &state.subjects, at).await {
        Ok(h) => h,
        Err(e) => return tracing::warn!(error = %e, "cannot write the snapshot of the decision state"),
    };
    let (st, path) = (state.clone(), saving.path.clone());
    let written =
        tokio::task::spawn_blocking(move || crate::memory::snapshot::write(&path, &st.crypto, &st.subjects, &header))
            .await;
    match written {
        Ok(Ok(bytes)) => tracing::info!(
            path = %saving.path.display(),
            bytes,
            ms = started.elapsed().as_millis() as u64,
            "snapshot of the decision state written"
        ),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, path = %saving.path.display(), "cannot write the snapshot of the decision state")
        }
        Err(e) => tracing::warn!(error = %e, "the snapshot writer failed"),
    }
}

#[derive(Debug, thiserror::Error)]
enum SyncError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Policy(#[from] crate::versions::RefreshError),
}

/// Applies what was written after `cursors` before a starting instance answers: the tail of
/// the ledger and the change feed after its snapshot.
pub async fn catch_up(state: &AppState, cursors: &mut Cursors) {
    let mut day = today();
    if let Err(e) = step(state, cursors, &mut day).await {
        tracing::warn!(error = %e, "catching up with the database failed; the sync task retries");
    }
}

/// Re-reads subjects changed elsewhere, a page of them in one read. Their generations are
/// taken before the database is read: a write of this instance in between wins.
async fn reread(state: &AppState, changed: &[SubjectKey]) -> Result<(), StoreError> {
    if changed.is_empty() {
        return Ok(());
    }
    let seen: HashMap<SubjectKey, u32> = changed.iter().map(|k| (*k, state.subjects.generation(k))).collect();
    let keys: Vec<SubjectKey> = seen.keys().copied().collect();
    for (key, record) in state.store.subjects_by_keys(&keys).await? {
        match record {
            SubjectRecord::Live(s) => {
                state.subjects.put_profile_if(&s, seen.get(&key).copied().unwrap_or_default());
            }
            SubjectRecord::Erased(t) => state.subjects.erase(&t),
        }
    }
    Ok(())
}

/// Reads and applies everything new once.
async fn step(state: &AppState, cursors: &mut Cursors, day: &mut NaiveDate) -> Result<(), SyncError> {
    let store = state.store.as_ref();
    let mut policy_changed = false;
    loop {
        let changes = store.changes_after(cursors.changes, PAGE).await?;
        let mut changed = Vec::new();
        // The feed is numbered without gaps: a gap is changes pruned (or lost) unread.
        let mut next = cursors.changes + 1;
        for c in &changes {
            if c.seq != next {
                state.fell_behind_the_feed(next - 1, c.seq);
            }
            next = c.seq + 1;
            match &c.change {
                ChangeKind::Subject(key) => changed.push(*key),
                ChangeKind::ApiKey(_) => state.keys.invalidate(),
                ChangeKind::Policy(_) => policy_changed = true,
                ChangeKind::Termination(_) => {
                    crate::termination::refresh(state).await?;
                }
            }
        }
        reread(state, &changed).await?;
        if let Some(last) = changes.last() {
            cursors.changes = last.seq;
        }
        if (changes.len() as i64) < PAGE {
            break;
        }
    }
    loop {
        let rows = store.consents_after(cursors.ledger, PAGE).await?;
        for row in &rows {
            if !writer::apply(state, row).await {
                // Not advanced past a record that could not be applied: next round retries.
                return Ok(());
            }
            cursors.ledger = row.seq;
        }
        if (rows.len() as i64) < PAGE {
            break;
        }
    }
    let now = today();
    if policy_changed || now != *day {
        state.policies.refresh(store).await?;
        *day = now;
    }
    Ok(())
}

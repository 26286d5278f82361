//! Group commit of consent records. Requests hand their record to one writer task over a
//! channel; the writer takes everything queued (up to `batch_max`) and commits it with ONE
//! `Store::append_consents` call — one transaction, one fsync — then updates the memory
//! and answers each request. A request is answered 2xx only after its record is durable
//! (DESIGN: "an acknowledged consent survives a crash"), and thousands of writes per
//! second need no more than a few hundred commits.

use crate::error::ApiError;
use crate::state::AppState;
use gebao_store::{ConsentRow, NewConsent, SubjectRecord};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot, watch};

struct Job {
    consent: NewConsent,
    reply: oneshot::Sender<Result<ConsentRow, ApiError>>,
}

/// The sending side, held in the shared state.
pub struct Writer {
    tx: mpsc::Sender<Job>,
}

/// The receiving side, handed to [`run`].
pub struct Queue(mpsc::Receiver<Job>);

impl Writer {
    /// A writer and its queue of `capacity` waiting records.
    pub fn channel(capacity: usize) -> (Writer, Queue) {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        (Writer { tx }, Queue(rx))
    }

    /// Queues a record and waits until it is committed.
    pub async fn append(&self, consent: NewConsent) -> Result<ConsentRow, ApiError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Job { consent, reply })
            .await
            .map_err(|_| ApiError::Unavailable("the consent writer has stopped".into()))?;
        answer.await.map_err(|_| ApiError::Unavailable("the consent writer stopped before committing".into()))?
    }
}

/// The writer task: runs until `stop` turns true, then commits what is still queued.
///
/// Group commit waits a little for the clients it has just answered. Eight clients that each
/// send again as soon as they are answered otherwise split into two groups that take turns:
/// while one group's commit runs the other queues, and each client waits for a whole commit
/// of the other group before its own. So when the last commit answered `n` requests, the
/// next one takes what is queued and waits — at most half the last commit's
/// duration — until `n` more have come. A single client is never kept waiting (it is the
/// `n` = 1 it waits for), and with no one answered there is no wait.
pub async fn run(state: AppState, Queue(mut rx): Queue, mut stop: watch::Receiver<bool>, batch_max: usize) {
    let batch_max = batch_max.max(1);
    let (mut answered, mut took) = (0, Duration::ZERO);
    loop {
        let queued = rx.len();
        let first = tokio::select! {
            biased;
            job = rx.recv() => match job {
                Some(job) => job,
                None => break,
            },
            _ = stop.wait_for(|s| *s) => break,
        };
        let expected = (queued + answered).min(batch_max);
        let until = tokio::time::Instant::now() + took.min(GATHER_AT_MOST) / 2;
        let jobs = gather(&mut rx, first, expected, until, batch_max).await;
        answered = jobs.len();
        let started = Instant::now();
        commit(&state, jobs).await;
        took = started.elapsed();
    }
    // Shutting down: refuse new records, commit the ones already queued.
    rx.close();
    let mut rest = Vec::new();
    while let Some(job) = rx.recv().await {
        rest.push(job);
        if rest.len() == batch_max {
            commit(&state, std::mem::take(&mut rest)).await;
        }
    }
    if !rest.is_empty() {
        commit(&state, rest).await;
    }
    tracing::debug!("consent writer stopped");
}

/// The longest commit whose half [`run`] may wait for answered clients (half of 4 ms: a
/// slow commit does not make every batch wait long).
const GATHER_AT_MOST: Duration = Duration::from_millis(4);

/// `first` and what is queued, then what comes until there are `expected` or it is `until`;
/// at most `batch_max`.
async fn gather<T>(
    rx: &mut mpsc::Receiver<T>,
    first: T,
    expected: usize,
    until: tokio::time::Instant,
    batch_max: usize,
) -> Vec<T> {
    let mut jobs = vec![first];
    take_queued(rx, &mut jobs, batch_max);
    while jobs.len() < expected.min(batch_max) {
        match tokio::time::timeout_at(until, rx.recv()).await {
            Ok(Some(job)) => {
                jobs.push(job);
                take_queued(rx, &mut jobs, batch_max);
            }
            _ => break,
        }
    }
    jobs
}

/// Moves what is queued into `jobs`, up to `batch_max`.
fn take_queued<T>(rx: &mut mpsc::Receiver<T>, jobs: &mut Vec<T>, batch_max: usize) {
    while jobs.len() < batch_max {
        match rx.try_recv() {
            Ok(job) => jobs.push(job),
            Err(_) => break,
        }
    }
}

/// Commits one batch, updates the memory, answers every request.
#[tracing::instrument(skip_all, fields(size = jobs.len()))]
async fn commit(state: &AppState, jobs: Vec<Job>) {
    let size = jobs.len();
    let (batch, replies): (Vec<NewConsent>, Vec<_>) = jobs.into_iter().map(|j| (j.consent, j.reply)).unzip();
    let retry = (size > 1).then(|| batch.clone());
    let started = Instant::now();
    match state.store.append_consents(batch).await {
        Ok(rows) if rows.len() == size => {
            state.metrics.consent_batch(size, started.elapsed());
            for row in &rows {
                // On failure the sync task applies the record when it reads the ledger.
                apply(state, row).await;
            }
            for (reply, row) in replies.into_iter().zip(rows) {
                // The requester may have gone away; its record is committed all the same.
                let _ = reply.send(Ok(row));
            }
        }
        Ok(rows) => {
            let msg = format!("append_consents stored {} records of {size}", rows.len());
            tracing::error!("{msg}");
            for reply in replies {
                let _ = reply.send(Err(ApiError::Internal(msg.clone())));
            }
        }
        // The batch was all or nothing. So that one record the database refuses cannot fail
        // the others queued with it, each is tried again in its own transaction.
        Err(e) if retry.is_some() => {
            tracing::warn!(error = %e, size, "consent batch failed; committing its records one by one");
            for (consent, reply) in retry.unwrap_or_default().into_iter().zip(replies) {
                let started = Instant::now();
                let answer = match state.store.append_consents(vec![consent]).await {
                    Ok(rows) => match rows.into_iter().next() {
                        Some(row) => {
                            state.metrics.consent_batch(1, started.elapsed());
                            apply(state, &row).await;
                            Ok(row)
                        }
                        None => Err(ApiError::Internal("append_consents stored nothing".into())),
                    },
                    Err(e) => {
                        tracing::error!(error = %e, "consent record not stored");
                        Err(ApiError::from(e))
                    }
                };
                let _ = reply.send(answer);
            }
        }
        Err(e) => {
            tracing::error!(error = %e, "consent record not stored");
            if let Some(reply) = replies.into_iter().next() {
                let _ = reply.send(Err(ApiError::from(e)));
            }
        }
    }
}

/// Applies a committed record to the memory, loading its subject first if this instance
/// does not hold it yet (registered on another instance a moment ago). `false` when the
/// subject could not be loaded (the database failed): the caller tries again later.
pub async fn apply(state: &AppState, row: &ConsentRow) -> bool {
    if state.subjects.apply(row) {
        return true;
    }
    let Some(key) = row.subject_key else { return true };
    let seen = state.subjects.generation(&key);
    match state.store.subject_by_key(&key).await {
        Ok(Some(SubjectRecord::Live(s))) => {
            state.subjects.put_profile_if(&s, seen);
            state.subjects.apply(row);
            true
        }
        Ok(Some(SubjectRecord::Erased(t))) => {
            state.subjects.erase(&t);
            true
        }
        Ok(None) => {
            // Erased and registered again meanwhile, or a bug: retrying would not help.
            tracing::warn!(seq = row.seq, "ledger record of a subject that is no longer registered");
            true
        }
        Err(e) => {
            tracing::warn!(error = %e, seq = row.seq, "cannot load the subject of a ledger record");
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::{Instant, advance};

    #[tokio::test(start_paused = true)]
    async fn a_lone_request_is_committed_at_once() {
        let (_tx, mut rx) = mpsc::channel::<u32>(16);
        let t0 = Instant::now();
        let jobs = gather(&mut rx, 1, 1, t0 + Duration::from_millis(2), 64).await;
        assert_eq!(jobs, vec![1]);
        assert_eq!(Instant::now(), t0, "no wait when nobody else is expected");
    }

    #[tokio::test(start_paused = true)]
    async fn the_answered_clients_are_waited_for_until_they_come() {
        let (tx, mut rx) = mpsc::channel::<u32>(16);
        tx.send(2).await.unwrap();
        let t0 = Instant::now();
        let late = tokio::spawn(async move {
            advance(Duration::from_micros(300)).await;
            for n in 3..=4 {
                tx.send(n).await.unwrap();
            }
            tx
        });
        let jobs = gather(&mut rx, 1, 4, t0 + Duration::from_millis(2), 64).await;
        assert_eq!(jobs, vec![1, 2, 3, 4], "the queued one at once, the two answered when they come");
        assert!(Instant::now() - t0 < Duration::from_millis(2), "no longer than they took");
        drop(late.await.unwrap());
    }

    #[tokio::test(start_paused = true)]
    async fn the_wait_ends_at_its_bound_and_the_batch_at_its_size() {
        let (tx, mut rx) = mpsc::channel::<u32>(16);
        let t0 = Instant::now();
        let jobs = gather(&mut rx, 1, 8, t0 + Duration::from_millis(2), 64).await;
        assert_eq!(jobs, vec![1], "nobody came");
        assert_eq!(Instant::now() - t0, Duration::from_millis(2));
        for n in 2..=9 {
            tx.send(n).await.unwrap();
        }
        let jobs = gather(&mut rx, 1, 100, Instant::now() + Duration::from_millis(2), 4).await;
        assert_eq!(jobs, vec![1, 2, 3, 4], "at most batch_max, the rest for the next commit");
    }
}

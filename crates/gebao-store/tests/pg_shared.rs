//! Several gebao instances sharing one PostgreSQL database.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use gebao_store::SqlStore as PgStore;
use gebao_store::Store;
use std::sync::Arc;
use std::time::{Duration, Instant};

const TASKS: usize = 8;
const BATCHES: usize = 10;
const BATCH: usize = 25;
const SUBJECTS: usize = 10;

/// Two instances start together (concurrent migrations), then append consent batches,
/// audit entries and policy versions concurrently: the result is one unbroken chain of
/// each kind, without gaps, and policy versions numbered 1, 2, 3, … .
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_make_one_unbroken_chain() {
    run_pg(|url| async move {
        let a = PgStore::open(&url, keys()).await.unwrap();
        let b = PgStore::open(&url, keys()).await.unwrap();
        let (ra, rb) = tokio::join!(a.migrate(), b.migrate());
        ra.unwrap();
        rb.unwrap();
        register(&a, SUBJECTS).await;
        let (a, b) = (Arc::new(a), Arc::new(b));

        let mut tasks = tokio::task::JoinSet::new();
        for t in 0..TASKS {
            let store = if t % 2 == 0 { a.clone() } else { b.clone() };
            tasks.spawn(async move {
                for i in 0..BATCHES {
                    let at = T0 + (t * 1000 + i * 100) as i64;
                    let rows = store.append_consents(grants(BATCH, SUBJECTS, at)).await.unwrap();
                    // A batch is contiguous in the chain.
                    assert!(rows.windows(2).all(|w| w[1].seq == w[0].seq + 1 && w[1].prev_hash == w[0].hash));
                    if i % 3 == 0 {
                        store.append_audit(audit("admin.action", &format!("task:{t}"))).await.unwrap();
                    }
                }
                store.publish_policy(bare_policy(), audit("policy.publish", "")).await.unwrap();
            });
        }
        while let Some(r) = tasks.join_next().await {
            r.unwrap();
        }

        let total = TASKS * BATCHES * BATCH;
        let report = b.verify(None).await.unwrap();
        assert!(report.is_intact(), "{report:?}");
        assert_eq!(report.consents.records, total as u64);
        let seqs: Vec<i64> = a.consents_after(0, 100_000).await.unwrap().iter().map(|r| r.seq).collect();
        assert_eq!(seqs, (1..=total as i64).collect::<Vec<_>>());
        let versions: Vec<i64> = a.policy_versions().await.unwrap().iter().map(|v| v.version).collect();
        assert_eq!(versions, (1..=TASKS as i64).collect::<Vec<_>>());
        a.close().await;
        b.close().await;
    })
    .await;
}

/// Two instances on one migrated database with one registered subject.
async fn two_instances(url: &str) -> (PgStore, PgStore) {
    let a = PgStore::open(url, keys()).await.unwrap();
    let b = PgStore::open(url, keys()).await.unwrap();
    a.migrate().await.unwrap();
    register(&a, 1).await;
    (a, b)
}

/// An append by one instance wakes another waiting on `NOTIFY gebao_changes`.
#[tokio::test]
async fn append_wakes_the_other_instance() {
    run_pg(|url| async move {
        let (a, b) = two_instances(&url).await;
        // The first call starts listening; nothing has been appended yet.
        assert!(!b.wait_for_changes(Duration::from_millis(50)).await.unwrap());
        a.append_consents(grants(3, 1, T0)).await.unwrap();
        let started = Instant::now();
        assert!(b.wait_for_changes(Duration::from_secs(10)).await.unwrap());
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(b.consents_after(0, 10).await.unwrap().len(), 3);
        a.close().await;
        b.close().await;
    })
    .await;
}

/// An instance's own writes do not wake it (it has applied them already): a busy writer
/// would otherwise re-read the ledger after every commit. Another's still do, even while
/// its own wake-ups arrive in between.
#[tokio::test]
async fn own_writes_do_not_wake_the_writer() {
    run_pg(|url| async move {
        let (a, b) = two_instances(&url).await;
        assert!(!a.wait_for_changes(Duration::from_millis(50)).await.unwrap(), "listening");
        a.append_consents(grants(2, 1, T0)).await.unwrap();
        a.append_audit(audit("admin.action", "own")).await.unwrap();
        assert!(!a.wait_for_changes(Duration::from_millis(300)).await.unwrap(), "woken by its own writes");
        a.append_consents(grants(1, 1, T0 + 10)).await.unwrap();
        b.append_consents(grants(1, 1, T0 + 20)).await.unwrap();
        let started = Instant::now();
        assert!(a.wait_for_changes(Duration::from_secs(10)).await.unwrap(), "not woken by the other instance");
        assert!(started.elapsed() < Duration::from_secs(5));
        a.close().await;
        b.close().await;
    })
    .await;
}

/// Two instances register the same new id at the same moment: one registration results.
/// Both look the id up, find nothing and insert; PostgreSQL holds the second insert until
/// the first commits and then refuses it, so the second put fails as a conflict (the API
/// answers 409) instead of leaving a row other than the one its audit entry describes. A
/// put that comes after the first commit is an update of that registration.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_id_registered_by_two_instances_at_once_is_one_registration() {
    run_pg(|url| async move {
        let (a, b) = two_instances(&url).await;
        let mut conflicts = 0;
        for round in 0..30 {
            let id = format!("race{round}");
            let (ra, rb) = tokio::join!(
                a.put_subject(subject(&id), audit("subject.register", "")),
                b.put_subject(subject(&id), audit("subject.register", ""))
            );
            let mut written = Vec::new();
            for r in [ra, rb] {
                match r {
                    Ok(s) => written.push(s.pseudonym),
                    Err(gebao_store::StoreError::Conflict(_)) => conflicts += 1,
                    Err(e) => panic!("round {round}: {e}"),
                }
            }
            let stored = a.subject(&id).await.unwrap().unwrap().pseudonym;
            assert!(!written.is_empty(), "round {round}: neither put succeeded");
            assert!(written.iter().all(|p| *p == stored), "round {round}: two registrations {written:?}");
        }
        // Every subject's row is the one its last audit entry describes.
        let report = b.verify(None).await.unwrap();
        assert!(report.is_intact(), "{report:?}");
        // The race was run, not only the update that follows a finished registration (27
        // of 30 rounds conflicted on a 2-core machine).
        assert!(conflicts > 0, "no round raced");
        a.close().await;
        b.close().await;
    })
    .await;
}

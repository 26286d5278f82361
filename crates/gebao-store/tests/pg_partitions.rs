//! The consent ledger and the audit log partitioned by range of seq on PostgreSQL
//! (migration 0012): rows land in the partition of their seq, the store makes the next
//! partitions as the newest fills (once, with several instances), the chains verify across
//! partition boundaries, and a database from before partitioning keeps every row.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use gebao_store::{SqlStore, Store};
use sqlx::PgPool;
use std::num::NonZeroU32;
use std::sync::Arc;

/// Records per partition in these tests.
const ROWS: i64 = 10;

fn small(store: SqlStore) -> SqlStore {
    store.with_partition_rows(NonZeroU32::new(ROWS as u32).unwrap())
}

/// One partition of a table: its name and seq range (`from` is `None` for `MINVALUE`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Leaf {
    name: String,
    from: Option<i64>,
    to: i64,
}

/// The partitions of `table` (from `pg_partition_tree`), in order of their ranges.
async fn leaves(pool: &PgPool, table: &str) -> Vec<Leaf> {
    let rows: Vec<(String, Option<i64>, i64)> = sqlx::query_as(
        "SELECT c.relname::text, \
                (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \\(''(-?[0-9]+)''\\)'))[1]::bigint, \
                (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''(-?[0-9]+)''\\)'))[1]::bigint \
         FROM pg_partition_tree($1::regclass) t JOIN pg_class c ON c.oid = t.relid \
         WHERE t.isleaf ORDER BY 3",
    )
    .bind(table)
    .fetch_all(pool)
    .await
    .unwrap();
    rows.into_iter().map(|(name, from, to)| Leaf { name, from, to }).collect()
}

/// `(partition, rows, lowest seq, highest seq)` for each partition holding rows of `table`,
/// as PostgreSQL routed them (`tableoid`).
async fn placed(pool: &PgPool, table: &str) -> Vec<(String, i64, i64, i64)> {
    sqlx::query_as(&format!(
        "SELECT tableoid::regclass::text, count(*), min(seq), max(seq) FROM {table} GROUP BY 1 ORDER BY 3"
    ))
    .fetch_all(pool)
    .await
    .unwrap()
}

/// The partitions of `table` are contiguous, every row lies in its partition's range, and
/// at least one partition of room is left above `head`.
async fn check_layout(pool: &PgPool, table: &str, head: i64) -> Vec<Leaf> {
    let leaves = leaves(pool, table).await;
    assert!(!leaves.is_empty(), "{table} has no partitions");
    for w in leaves.windows(2) {
        assert_eq!(w[1].from, Some(w[0].to), "{table}: a gap or overlap between partitions: {leaves:?}");
    }
    let mut total = 0;
    for (name, n, lo, hi) in placed(pool, table).await {
        let leaf = leaves.iter().find(|l| l.name == name).unwrap_or_else(|| panic!("{name} is not a partition"));
        assert!(leaf.from.is_none_or(|f| f <= lo) && hi < leaf.to, "{table}: rows {lo}..={hi} in {leaf:?}");
        total += n;
    }
    assert_eq!(total, head, "{table}: every record is in a partition");
    let upper = leaves.last().unwrap().to;
    assert!(upper - (head + 1) >= ROWS, "{table}: less than a partition of room above {head}: {leaves:?}");
    leaves
}

async fn pool(url: &str) -> PgPool {
    PgPool::connect(url).await.unwrap()
}

/// A new database starts with two empty partitions of the configured size; appends fill
/// them in order and the store adds partitions as they fill, also for a batch larger than
/// the room there was; the chains verify across the boundaries.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_land_in_partitions_made_as_the_ledger_grows() {
    run_pg(|url| async move {
        let store = small(SqlStore::open(&url, keys()).await.unwrap());
        store.migrate().await.unwrap();
        let db = pool(&url).await;
        let fresh = |table: &str| {
            vec![
                Leaf { name: format!("{table}_from_1"), from: Some(1), to: 11 },
                Leaf { name: format!("{table}_from_11"), from: Some(11), to: 21 },
            ]
        };
        assert_eq!(leaves(&db, "consents").await, fresh("consents"));
        assert_eq!(leaves(&db, "audit_log").await, fresh("audit_log"));
        // An empty table of before is not kept as a partition.
        let legacy: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_class WHERE relname LIKE '%legacy'")
            .fetch_one(&db)
            .await
            .unwrap();
        assert_eq!(legacy, 0);

        register(&store, 3).await;
        for i in 0..8 {
            store.append_consents(grants(5, 3, T0 + i * 10)).await.unwrap();
        }
        let consents = check_layout(&db, "consents", 40).await;
        assert!(consents.len() >= 5, "{consents:?}");
        check_layout(&db, "audit_log", 43).await;

        // One batch bigger than the room left: its partitions are made before it is inserted.
        store.append_consents(grants(35, 3, T0 + 1000)).await.unwrap();
        check_layout(&db, "consents", 75).await;
        check_layout(&db, "audit_log", 78).await;

        let report = store.verify(None).await.unwrap();
        assert!(report.is_intact(), "{report:?}");
        assert_eq!((report.consents.records, report.audit.records), (75, 78));
        let seqs: Vec<i64> = store.consents_after(0, 1000).await.unwrap().iter().map(|r| r.seq).collect();
        assert_eq!(seqs, (1..=75).collect::<Vec<_>>());
        // A subject's history spans partitions; erasing it clears its evidence in all of them
        // and the chain still verifies.
        // s1 has every third record of each batch: 2 of each 5, 12 of the 35.
        assert_eq!(store.consents_of("s1").await.unwrap().len(), 28);
        store.erase_subject("s1", audit("subject.erase", "subject:s1")).await.unwrap();
        let kept: i64 = sqlx::query_scalar("SELECT count(*) FROM consents WHERE evidence IS NOT NULL")
            .fetch_one(&db)
            .await
            .unwrap();
        assert_eq!(kept, 75 - 28);
        assert!(store.verify(None).await.unwrap().is_intact());
        db.close().await;
        store.close().await;
    })
    .await;
}

/// Two instances appending at once on small partitions: each partition is made once, the
/// ranges stay contiguous, and both chains are whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_make_each_partition_once() {
    run_pg(|url| async move {
        let a = Arc::new(small(SqlStore::open(&url, keys()).await.unwrap()));
        let b = Arc::new(small(SqlStore::open(&url, keys()).await.unwrap()));
        let (ra, rb) = tokio::join!(a.migrate(), b.migrate());
        ra.unwrap();
        rb.unwrap();
        register(a.as_ref(), 4).await;
        let mut tasks = tokio::task::JoinSet::new();
        for t in 0..6 {
            let store = if t % 2 == 0 { a.clone() } else { b.clone() };
            tasks.spawn(async move {
                for i in 0..10 {
                    store.append_consents(grants(1 + (t + i) % 7, 4, T0 + (t * 100 + i) as i64)).await.unwrap();
                }
            });
        }
        while let Some(r) = tasks.join_next().await {
            r.unwrap();
        }
        let total: usize = (0..6).flat_map(|t| (0..10).map(move |i| 1 + (t + i) % 7)).sum();
        let db = pool(&url).await;
        check_layout(&db, "consents", total as i64).await;
        check_layout(&db, "audit_log", total as i64 + 4).await;
        let report = a.verify(None).await.unwrap();
        assert!(report.is_intact(), "{report:?}");
        assert_eq!(report.consents.records, total as u64);
        db.close().await;
        a.close().await;
        b.close().await;
    })
    .await;
}

/// A database made by a gebao from before partitioning (migrations up to 0011) is upgraded
/// in place: its rows become the first partition unchanged, new rows go to new partitions,
/// and both chains verify from the first record.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_from_before_partitioning_keeps_every_row() {
    run_pg(|url| async move {
        let old = SqlStore::open(&url, keys()).await.unwrap();
        old.migrate_until(11).await.unwrap();
        register(&old, 5).await;
        for i in 0..6 {
            old.append_consents(grants(7, 5, T0 + i * 10)).await.unwrap();
        }
        let consents_before = old.consents_after(0, 1000).await.unwrap();
        let audit_before = old.audit_after(0, 1000).await.unwrap();
        assert_eq!((consents_before.len(), audit_before.len()), (42, 47));
        old.close().await;

        let store = small(SqlStore::open(&url, keys()).await.unwrap());
        store.migrate().await.unwrap();
        let db = pool(&url).await;
        let kind: String =
            sqlx::query_scalar("SELECT relkind::text FROM pg_class WHERE relname = 'consents'").fetch_one(&db).await.unwrap();
        assert_eq!(kind, "p", "the ledger is partitioned");
        let leaves = check_layout(&db, "consents", 42).await;
        assert_eq!(leaves[0], Leaf { name: "consents_legacy".into(), from: None, to: 43 });
        assert_eq!(leaves[1].from, Some(43));
        assert_eq!(check_layout(&db, "audit_log", 47).await[0].name, "audit_log_legacy");

        // The old indexes serve as the partitions' own: none was built again.
        let indexes: Vec<String> = sqlx::query_scalar(
            "SELECT indexname::text FROM pg_indexes WHERE tablename IN ('consents_legacy', 'audit_log_legacy') ORDER BY 1",
        )
        .fetch_all(&db)
        .await
        .unwrap();
        assert_eq!(
            indexes,
            ["audit_log_legacy_pkey", "audit_log_legacy_state_by_target", "consents_legacy_by_subject", "consents_legacy_pkey"]
        );
        // Every row as it was, field for field.
        assert_eq!(store.consents_after(0, 1000).await.unwrap(), consents_before);
        assert_eq!(store.audit_after(0, 1000).await.unwrap(), audit_before);
        store.append_consents(grants(12, 5, T0 + 5000)).await.unwrap();
        check_layout(&db, "consents", 54).await;
        let placed = placed(&db, "consents").await;
        assert_eq!(placed[0], ("consents_legacy".into(), 42, 1, 42));
        let report = store.verify(None).await.unwrap();
        assert!(report.is_intact(), "{report:?}");
        assert_eq!((report.consents.records, report.audit.records), (54, 59));
        db.close().await;
        store.close().await;
    })
    .await;
}

//! Several instances claiming from one PostgreSQL outbox never get the same item.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use gebao_store::SqlStore as PgStore;
use gebao_store::{Channel, NewOutbox, OutboxKind, Store};
use std::collections::HashSet;
use std::sync::Arc;

const ITEMS: usize = 300;
const WORKERS: usize = 8;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_never_claim_the_same_item() {
    run_pg(|url| async move {
        let a = Arc::new(PgStore::open(&url, keys()).await.unwrap());
        let b = Arc::new(PgStore::open(&url, keys()).await.unwrap());
        a.migrate().await.unwrap();
        let items: Vec<NewOutbox> = (0..ITEMS)
            .map(|i| NewOutbox {
                id: format!("o{i:04}"),
                kind: OutboxKind::RecipientDeletion,
                channel: Channel::Webhook,
                target: "http://127.0.0.1:9/".into(),
                payload: serde_json::json!({ "n": i }),
                request_id: None,
                recipient: None,
                dedupe: None,
                sensitive: false,
                max_attempts: 5,
                created_ms: T0,
            })
            .collect();
        a.enqueue_outbox(items, vec![audit("outbox.enqueue", "test")]).await.unwrap();

        let mut tasks = tokio::task::JoinSet::new();
        for w in 0..WORKERS {
            let store = if w % 2 == 0 { a.clone() } else { b.clone() };
            tasks.spawn(async move {
                let mut mine = Vec::new();
                loop {
                    // A long lease: nothing expires during the test, so a second claim of
                    // the same item could only come from a broken lock.
                    let got = store.claim_outbox(T0 + 1, 600_000, 7).await.unwrap();
                    if got.is_empty() {
                        return mine;
                    }
                    mine.extend(got.into_iter().map(|i| i.id));
                    tokio::task::yield_now().await;
                }
            });
        }
        let mut seen = HashSet::new();
        let mut per_worker = Vec::new();
        while let Some(r) = tasks.join_next().await {
            let mine = r.unwrap();
            per_worker.push(mine.len());
            for id in mine {
                assert!(seen.insert(id.clone()), "{id} was claimed twice");
            }
        }
        assert_eq!(seen.len(), ITEMS, "every item was claimed once: {per_worker:?}");
        a.close().await;
        b.close().await;
    })
    .await;
}

//! SQLite datasets: an erasure leaves no readable copy of the erased values in the file, its
//! write-ahead log or its shared-memory file (`secure_delete`, then a truncating
//! checkpoint), and concurrent erasures wait for each other's locks instead of failing with
//! SQLITE_BUSY (`BEGIN IMMEDIATE`, a busy timeout).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Db, Env};
use gebao_connectors::{Action, Checkpoint, Connections, Executor};
use gebao_core::manifest::Engine;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

const PHONE: &str = "13912345678";
const EMAIL: &str = "victim.zhang@example.com";
const NICKNAME: &str = "小明同学今天很忙";
const POST: &str = "今天去了西湖，看见断桥残雪，很开心";

/// The fields of the shop's manifest with one dataset `app`: users and their posts.
fn manifest() -> gebao_core::Manifest {
    let shop = include_str!("shop.toml");
    let head = &shop[..shop.find("[[datasets]]").unwrap()];
    let text = format!(
        "{head}[[datasets]]\nid = \"app\"\nengine = \"sqlite\"\nconnection = \"app\"\n\n\
         [[datasets.tables]]\nname = \"users\"\nsubject = \"id\"\nerase = \"delete-row\"\n\
         columns.phone = {{ field = \"phone\" }}\ncolumns.email = {{ field = \"email\" }}\n\
         columns.nickname = {{ field = \"nickname\" }}\n\n\
         [[datasets.tables]]\nname = \"posts\"\nsubject = \"user_id\"\nerase = \"delete-row\"\n\
         columns.body = {{ field = \"ticket\" }}\n"
    );
    gebao_core::load_manifest(&text).unwrap()
}

fn occurrences(file: &Path, needle: &str) -> usize {
    let Ok(bytes) = std::fs::read(file) else { return 0 };
    bytes.windows(needle.len()).filter(|w| *w == needle.as_bytes()).count()
}

fn residue(db: &Path) -> Vec<(String, &'static str, usize)> {
    let mut found = Vec::new();
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let file = db.with_file_name(format!("{}{suffix}", db.file_name().unwrap().to_str().unwrap()));
        for needle in [PHONE, EMAIL, NICKNAME, POST] {
            let n = occurrences(&file, needle);
            if n > 0 {
                found.push((file.display().to_string(), needle, n));
            }
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erasure_leaves_no_bytes_in_the_file_or_its_wal() {
    let db = Db::create(Engine::Sqlite).await.unwrap();
    let path = Path::new(db.url.trim_start_matches("sqlite://")).to_path_buf();
    let raw = db.raw().await;
    raw.exec("PRAGMA journal_mode = WAL").await;
    raw.exec("CREATE TABLE users (id TEXT PRIMARY KEY, phone TEXT, email TEXT, nickname TEXT)").await;
    raw.exec("CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users (id), body TEXT)")
        .await;
    raw.exec("CREATE INDEX posts_user ON posts (user_id)").await;
    raw.exec(&format!("INSERT INTO users VALUES ('victim', '{PHONE}', '{EMAIL}', '{NICKNAME}')")).await;
    raw.exec("INSERT INTO users VALUES ('other', '13800000000', 'other@example.com', '别人')").await;
    for i in 0..50 {
        raw.exec(&format!("INSERT INTO posts (user_id, body) VALUES ('other', '别人的第{i}条动态')")).await;
    }
    raw.exec(&format!("INSERT INTO posts (user_id, body) VALUES ('victim', '{POST}')")).await;
    // The values are in the WAL (and, after this checkpoint, in the database file as well).
    raw.exec("PRAGMA wal_checkpoint(PASSIVE)").await;
    raw.exec(&format!("UPDATE users SET nickname = '{NICKNAME}' WHERE id = 'victim'")).await;
    assert!(!residue(&path).is_empty(), "the test starts with the values on disk");

    let exec = Executor::new(&manifest(), Connections::new([("app", db.url.as_str())]).unwrap()).unwrap();
    let out = exec.execute("victim", &Action::Erase, &BTreeSet::new()).await.unwrap();
    assert_eq!(out.completed[0].rows, 2);
    assert_eq!(out.completed[0].wal, Some(Checkpoint::Truncated));
    // Both pools are still open: the WAL and shared-memory files exist and are read as they are.
    assert_eq!(residue(&path), vec![], "erased values left on disk");
    assert_eq!(raw.rows("users", &["id"]).await, vec![vec![Some("other".to_owned())]]);
    assert_eq!(raw.rows("posts", &["id"]).await.len(), 50);
    raw.close().await;
}

async fn concurrent(journal: &str) {
    let Some(env) = Env::new(Engine::Sqlite).await else { return };
    for db in [&env.shop, &env.crm] {
        let raw = db.raw().await;
        raw.exec(&format!("PRAGMA journal_mode = {journal}")).await;
        raw.close().await;
    }
    let exec = Arc::new(env.executor());
    let tasks: Vec<_> = (1..=8)
        .map(|k| {
            let exec = exec.clone();
            tokio::spawn(async move { exec.execute(&k.to_string(), &Action::Erase, &BTreeSet::new()).await })
        })
        .collect();
    for (k, t) in (1..=8).zip(tasks) {
        let out = t.await.unwrap().unwrap_or_else(|e| panic!("{journal}: subject {k}: {e}"));
        assert_eq!(out.completed.len(), 2, "{journal}: subject {k}");
    }
    let after = env.snapshot().await;
    let logs = &after["shop.login_logs"];
    assert_eq!(logs.len(), 12 * 6, "{journal}: the logs of subjects 1..8 are gone, the others' stay");
    assert_eq!(after["crm.tickets"].len(), 12 * 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_concurrent_erasures_all_succeed_in_wal_mode() {
    concurrent("WAL").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_concurrent_erasures_all_succeed_with_a_rollback_journal() {
    concurrent("DELETE").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_holding_the_wal_is_reported_not_an_error() {
    use sqlx::Connection;
    let db = Db::create(Engine::Sqlite).await.unwrap();
    let raw = db.raw().await;
    raw.exec("PRAGMA journal_mode = WAL").await;
    raw.exec("CREATE TABLE users (id TEXT PRIMARY KEY, phone TEXT, email TEXT, nickname TEXT)").await;
    raw.exec("CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id TEXT NOT NULL, body TEXT)").await;
    raw.exec(&format!("INSERT INTO users VALUES ('victim', '{PHONE}', '{EMAIL}', '{NICKNAME}')")).await;
    raw.close().await;
    // Another program reads in a long transaction that started before the erasure.
    let mut reader = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
    sqlx::query("BEGIN").execute(&mut reader).await.unwrap();
    sqlx::query("SELECT COUNT(*) FROM users").fetch_one(&mut reader).await.unwrap();

    let exec = Executor::new(&manifest(), Connections::new([("app", db.url.as_str())]).unwrap()).unwrap();
    let out = exec.execute("victim", &Action::Erase, &BTreeSet::new()).await.unwrap();
    assert_eq!(out.completed[0].rows, 1, "the erasure is committed");
    let wal = out.completed[0].wal.clone().unwrap();
    assert!(matches!(wal, Checkpoint::Busy { .. }), "{wal:?}");
    assert!(wal.label().en.contains("run the request again"), "{wal:?}");

    // Once the reader is gone, running the request again empties the WAL.
    sqlx::query("COMMIT").execute(&mut reader).await.unwrap();
    reader.close().await.unwrap();
    let again = exec.execute("victim", &Action::Erase, &BTreeSet::new()).await.unwrap();
    assert_eq!((again.completed[0].rows, again.completed[0].wal.clone()), (0, Some(Checkpoint::Truncated)));
    let path = Path::new(db.url.trim_start_matches("sqlite://")).to_path_buf();
    assert_eq!(residue(&path), vec![]);
}

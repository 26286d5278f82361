//! What the test kits of gebao's crates share (a dev-dependency only):
//!
//! - [`TestDb`]: a fresh database per test on the real PostgreSQL or MariaDB server, or a
//!   SQLite file in a temporary directory, removed when dropped — also when the test panics;
//! - [`Raw`]: SQL straight to it, bypassing gebao, to look at what is really stored and to
//!   tamper with it;
//! - the rule for servers that cannot be reached: under `CI=true` the test fails (the
//!   database suites must run there); elsewhere it is skipped with a notice;
//! - [`Browser`]: a real headless Chromium (`gebao-browser`), for the page tests (the same
//!   rule when it is not installed: [`browser_installed`]), and [`pages::Pages`], web pages
//!   served on loopback for it;
//! - [`android::build_apk`]: a real APK built from source by Debian's apktool, for the scan
//!   tests (the same rule).
//!
//! The servers are found at `GEBAO_TEST_PG_URL` and `GEBAO_TEST_MYSQL_URL` (admin URLs;
//! defaults: `postgres://postgres@127.0.0.1:5432/postgres`, `mysql://root@127.0.0.1:3306/mysql`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod android;
mod browser;
mod db;
pub mod mail;
pub mod pages;
mod raw;

pub use browser::{Browser, browser_installed};
pub use db::{DbKind, TestDb, with_db};
pub use raw::Raw;

/// Whether this is a CI run (`CI=true`), where nothing may be skipped.
pub fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// A port free on 127.0.0.1 at the time of the call.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Defines each named scenario twice, as tests `sqlite::name` and `postgres::name`: `$run`
/// (a kit's `async fn run(DbKind, scenario)`) gives the scenario its fresh store on that
/// engine. Write it at the root of a test file, after the scenarios.
#[macro_export]
macro_rules! on_both_engines {
    ($run:path; $($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                $run($crate::DbKind::Sqlite, super::$name).await
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                $run($crate::DbKind::Postgres, super::$name).await
            })*
        }
    };
}

/// Polls `check` every 10 ms until it holds, and returns how long that took; fails the test
/// when `limit` passes first.
pub async fn within<F, Fut>(limit: std::time::Duration, mut check: F) -> std::time::Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = std::time::Instant::now();
    loop {
        if check().await {
            return start.elapsed();
        }
        assert!(start.elapsed() < limit, "not seen within {limit:?}");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

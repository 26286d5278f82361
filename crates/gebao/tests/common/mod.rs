//! Shared helpers of the CLI tests: the real binary on real files.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests and benches fail by panicking
#![allow(dead_code)]

use assert_cmd::Command;
pub mod serve;

use std::path::{Path, PathBuf};

/// The complete, clean manifest used across tests.
pub const CLEAN: &str = include_str!("../../../gebao-core/src/rules/testdata/clean.toml");

pub fn gebao() -> Command {
    let mut c = Command::cargo_bin("gebao").expect("the gebao binary is built");
    c.env_remove("GEBAO_LANG").env("NO_COLOR", "1");
    c
}

/// Writes `text` into a fresh temporary directory and returns (dir guard, file path).
pub fn manifest_file(text: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("gebao.toml");
    std::fs::write(&path, text).expect("write manifest");
    (dir, path)
}

pub fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

/// `CLEAN` with one exact piece of text replaced; fails if the text is not there.
pub fn clean_with(from: &str, to: &str) -> String {
    assert!(CLEAN.contains(from), "clean.toml has no `{from}`");
    CLEAN.replacen(from, to, 1)
}

//! Bad manifests get a clear error naming the place and the fix, and exit code 2.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests and benches fail by panicking

mod common;
use common::*;
use predicates::prelude::*;

fn check_fails(text: &[u8], expected: &[&str]) {
    let (_dir, path) = manifest_file(text);
    let out = gebao().arg("check").arg(&path).assert().code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    for e in expected {
        assert!(stderr.contains(e), "stderr lacks `{e}`:\n{stderr}");
    }
}

#[test]
fn malformed_toml() {
    let text = clean_with("[policy.display]", "[policy.display");
    check_fails(text.as_bytes(), &["toml-syntax", "gebao.toml:"]);
}

#[test]
fn unknown_key_suggests_the_right_one() {
    let text = clean_with("email = \"privacy@example.cn\"", "emial = \"privacy@example.cn\"");
    check_fails(text.as_bytes(), &["unknown-key", "未知的键 `emial`", "是否想写 `email`", "gebao.toml:31:1"]);
}

#[test]
fn unknown_value_suggests_the_right_one() {
    let text = clean_with("basis = \"contract\"", "basis = \"contrat\"");
    check_fails(text.as_bytes(), &["unknown-value", "`contrat`", "是否想写 `contract`"]);
}

/// `property` was split (PIPL 28 names financial accounts only): an old manifest is told
/// which of the two categories to use, at the field, rather than guessed for.
#[test]
fn the_retired_property_category_names_its_successors() {
    let text = clean_with("category = \"phone\"", "category = \"property\"");
    check_fails(
        text.as_bytes(),
        &["retired-value", "`property`", "已拆分", "`financial-account`", "`transaction-records`", "gebao.toml:59:"],
    );
    let (_dir, path) = manifest_file(text.as_bytes());
    gebao()
        .args(["--lang", "en", "check"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("has been split in two"))
        .stderr(predicate::str::contains("sensitive under PIPL 28"));
}

#[test]
fn dangling_reference_points_at_the_reference() {
    let text = clean_with("fields = [\"phone\", \"nickname\"]", "fields = [\"phone\", \"nikname\"]");
    let (_dir, path) = manifest_file(text.as_bytes());
    gebao()
        .args(["--lang", "en", "check"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("dangling-reference"))
        .stderr(predicate::str::contains("`nikname` is not declared in `fields`"))
        .stderr(predicate::str::contains("did you mean `nickname`?"))
        .stderr(predicate::str::contains("purposes[0].fields[1]"));
}

#[test]
fn duplicate_id_names_both_entries() {
    let text = clean_with("id = \"nickname\"", "id = \"phone\"");
    // The second `phone` is a duplicate; references to `nickname` then dangle too.
    check_fails(text.as_bytes(), &["duplicate-id", "`phone` 重复", "fields[1].id"]);
}

#[test]
fn bad_duration_explains_the_format() {
    let text = clean_with("period = \"7 days\"", "period = \"7 dais\"");
    check_fails(text.as_bytes(), &["bad-duration", "`7 dais` is not a duration", "15 working days"]);
}

#[test]
fn bad_date_explains_the_format() {
    let text = clean_with("published = 2026-01-10", "published = \"2026-13-10\"");
    check_fails(text.as_bytes(), &["bad-date", "YYYY-MM-DD"]);
}

#[test]
fn missing_required_key() {
    let text = clean_with("app_type = \"网络社区\"\n", "");
    check_fails(text.as_bytes(), &["missing-key", "app_type"]);
}

#[test]
fn non_utf8_file() {
    let mut bytes = b"[policy]\nversion = \"".to_vec();
    bytes.extend_from_slice(&[0xc4, 0xe3]); // GBK, not UTF-8
    bytes.extend_from_slice(b"\"\n");
    check_fails(&bytes, &["not-utf8", "第 2 行", "UTF-8"]);
}

#[test]
fn missing_file() {
    gebao()
        .args(["check", "no-such-manifest.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("找不到清单文件"));
}

#[test]
fn bad_input_as_json_is_machine_readable() {
    let text = clean_with("email = \"privacy@example.cn\"", "emial = \"privacy@example.cn\"");
    let (_dir, path) = manifest_file(text.as_bytes());
    let out = gebao().args(["check", "--format", "json"]).arg(&path).assert().code(2);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).expect("JSON");
    assert_eq!(v["ok"], false);
    assert_eq!(v["errors"][0]["code"], "unknown-key");
    assert_eq!(v["errors"][0]["location"]["line"], 31);
}

#[test]
fn unknown_flag_is_a_usage_error() {
    gebao().args(["check", "--colour"]).assert().code(2);
}

#[test]
fn dataset_connection_must_be_a_name() {
    // The connection used to be `env:NAME` or a URL: the manifest chose what gebao opens.
    let text = format!(
        "{}\n[[datasets]]\nid = \"shop\"\nengine = \"sqlite\"\nconnection = \"env:GEBAO_DATABASE_URL\"\n\n\
         [[datasets.tables]]\nname = \"users\"\nsubject = \"id\"\ncolumns.phone = {{ field = \"phone\" }}\n",
        clean_with("", "")
    );
    let line = text.lines().position(|l| l.starts_with("connection = ")).expect("the line") + 1;
    check_fails(
        text.as_bytes(),
        &[
            "connection-not-a-name",
            "不能引用环境变量",
            &format!("gebao.toml:{line}:14"),
            "datasets[0].connection",
            "GEBAO_CONNECTION_SHOP",
            "[connections]",
        ],
    );
}

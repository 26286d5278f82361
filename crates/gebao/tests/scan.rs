//! `gebao scan apk` and `gebao init --from-apk` on real packages built from source by
//! apktool: exit codes, the three output formats, and the draft manifest.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

mod common;
use common::*;
use gebao_testkit::android::{AppSpec, build_apk};
use predicates::prelude::*;
use std::path::{Path, PathBuf};

/// clean.toml with its push SDK named by catalogue id.
fn manifest() -> String {
    clean_with("name = \"示例推送SDK\"\n", "name = \"示例推送SDK\"\nsdk = \"jpush\"\n")
}

/// A package that matches clean.toml, plus `extra` classes and permissions.
fn package(dir: &Path, extra_classes: &[&str], extra_permissions: &[&str]) -> Option<PathBuf> {
    let mut classes = vec!["cn.example.community.Main", "cn.jpush.android.api.JPushInterface"];
    classes.extend_from_slice(extra_classes);
    let mut spec = AppSpec::new("cn.example.community", &classes);
    let mut permissions =
        vec!["android.permission.INTERNET", "android.permission.CAMERA", "android.permission.ACCESS_FINE_LOCATION"];
    permissions.extend_from_slice(extra_permissions);
    spec.permissions = permissions.into_iter().map(|p| (p.to_owned(), None)).collect();
    build_apk(dir, &spec)
}

#[test]
fn a_package_that_matches_its_manifest_exits_zero() {
    let (dir, toml) = manifest_file(manifest().as_bytes());
    let Some(apk) = package(dir.path(), &[], &[]) else { return };
    gebao()
        .args(["scan", "apk"])
        .arg(&apk)
        .arg("--manifest")
        .arg(&toml)
        .assert()
        .success()
        .stdout(predicate::str::contains("cn.example.community"))
        .stdout(predicate::str::contains("jpush"))
        .stdout(predicate::str::contains("未发现问题"));
}

#[test]
fn an_undeclared_sdk_and_permission_exit_one_in_every_format() {
    let (dir, toml) = manifest_file(manifest().as_bytes());
    let Some(apk) = package(dir.path(), &["com.umeng.analytics.MobclickAgent"], &["android.permission.READ_CONTACTS"])
    else {
        return;
    };
    let run = |format: &str| {
        let out =
            gebao().args(["scan", "apk", "--format", format, "--manifest"]).arg(&toml).arg(&apk).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let human = run("human");
    assert!(human.contains("error[SCAN-01]") && human.contains("com.umeng.analytics.MobclickAgent"), "{human}");
    assert!(human.contains("error[SCAN-03]") && human.contains("READ_CONTACTS"), "{human}");
    assert!(human.contains("gebao.toml:"), "findings are placed in the manifest: {human}");

    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(json["ok"], false);
    let rules: Vec<&str> = json["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
    assert_eq!(rules, ["SCAN-03", "SCAN-01"], "{json:#}");
    let sdks: Vec<&str> = json["app"]["sdks"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(sdks, ["jpush", "umeng-analytics"]);
    assert_eq!(json["app"]["manifest"]["package"], "cn.example.community");

    let sarif: serde_json::Value = serde_json::from_str(&run("sarif")).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "SCAN-01" && r["level"] == "error"), "{sarif:#}");
}

#[test]
fn without_a_manifest_the_scan_only_reports_what_it_found() {
    let dir = tempfile::tempdir().unwrap();
    let Some(apk) = package(dir.path(), &["com.tencent.bugly.crashreport.CrashReport"], &[]) else { return };
    gebao()
        .args(["--lang", "en", "scan", "apk"])
        .arg(&apk)
        .assert()
        .success()
        .stdout(predicate::str::contains("Third-party SDKs recognised (2)"))
        .stdout(predicate::str::contains("tencent-bugly"))
        .stdout(predicate::str::contains("android.permission.CAMERA"));
}

#[test]
fn a_damaged_package_exits_two_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let Some(apk) = package(dir.path(), &[], &[]) else { return };
    let bytes = std::fs::read(&apk).unwrap();
    let cut = dir.path().join("cut.apk");
    std::fs::write(&cut, &bytes[..bytes.len() - 30]).unwrap();
    gebao()
        .args(["scan", "apk"])
        .arg(&cut)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cut.apk"))
        .stderr(predicate::str::contains("请传入构建生成的完整 .apk 文件"));
    gebao()
        .args(["scan", "apk", "--format", "json"])
        .arg(dir.path().join("missing.apk"))
        .assert()
        .code(2)
        .stdout(predicate::str::contains("\"error_en\""));
    // Too large for the limit given: refused, not unpacked.
    gebao()
        .args(["scan", "apk", "--max-entry-bytes", "64"])
        .arg(&apk)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("压缩炸弹"));
}

#[test]
fn the_catalogue_is_listed() {
    gebao()
        .args(["scan", "apk", "--list-sdks"])
        .assert()
        .success()
        .stdout(predicate::str::contains("umeng-analytics"))
        .stdout(predicate::str::is_match(r"共 \d{2,} 个 SDK").unwrap());
}

#[test]
fn a_draft_from_a_package_lists_its_sdks_and_permissions_for_completion() {
    let dir = tempfile::tempdir().unwrap();
    let Some(apk) = package(dir.path(), &["com.umeng.analytics.MobclickAgent"], &["android.permission.READ_CONTACTS"])
    else {
        return;
    };
    let draft = dir.path().join("draft.toml");
    gebao()
        .args(["init", "-t", "网络社区", "--controller", "杭州示例网络科技有限公司", "--product", "示例社区", "-o"])
        .arg(&draft)
        .arg("--from-apk")
        .arg(&apk)
        .assert()
        .success();
    let text = std::fs::read_to_string(&draft).unwrap();
    for expected in [
        "sdk = \"jpush\"",
        "sdk = \"umeng-analytics\"",
        "id = \"contacts\"",
        "id = \"camera\"",
        "permissions = [\"location\"]",
    ] {
        assert!(text.contains(expected), "{expected} missing from the draft:\n{text}");
    }
    // The draft loads; what is left to complete is reported until it is completed.
    gebao().arg("check").arg(&draft).assert().code(1).stdout(predicate::str::contains("待补充"));
    // And the package agrees with it.
    gebao().args(["scan", "apk", "--manifest"]).arg(&draft).arg(&apk).assert().success();
}

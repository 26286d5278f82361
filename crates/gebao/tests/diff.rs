//! `gebao diff` on real files: one test per major-change trigger, and minor changes.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests and benches fail by panicking

mod common;
use common::*;

/// Runs `gebao diff --format json` between the clean manifest and a changed copy.
fn diff_json(from: &str, to: &str, code: i32) -> serde_json::Value {
    let dir = tempfile::tempdir().expect("temp dir");
    let old = dir.path().join("old.toml");
    let new = dir.path().join("new.toml");
    std::fs::write(&old, CLEAN).expect("write");
    std::fs::write(&new, clean_with(from, to)).expect("write");
    let out = gebao().args(["diff", "--format", "json"]).arg(&old).arg(&new).assert().code(code);
    serde_json::from_slice(&out.get_output().stdout).expect("JSON")
}

fn assert_trigger(from: &str, to: &str, trigger: &str) {
    let v = diff_json(from, to, 1);
    assert_eq!(v["major"], true);
    let triggers: Vec<&str> = v["triggers"].as_array().expect("array").iter().filter_map(|t| t.as_str()).collect();
    assert!(triggers.contains(&trigger), "{trigger} not in {triggers:?}");
}

#[test]
fn trigger_1_purposes_and_pi_types() {
    assert_trigger(
        "fields = [\"browsing\", \"device_id\"]",
        "fields = [\"browsing\", \"device_id\", \"precise_location\"]",
        "purposes",
    );
    let v = diff_json(
        "fields = [\"browsing\", \"device_id\"]",
        "fields = [\"browsing\", \"device_id\", \"precise_location\"]",
        1,
    );
    assert_eq!(v["reconsent"], serde_json::json!(["recommend"]));
}

#[test]
fn trigger_2_ownership() {
    assert_trigger("name = \"示例网络科技有限公司\"", "name = \"新示例控股有限公司\"", "ownership");
}

#[test]
fn trigger_3_main_recipients() {
    assert_trigger("company = \"示例推送技术有限公司\"", "company = \"另一推送技术有限公司\"", "recipients");
}

#[test]
fn trigger_4_rights() {
    assert_trigger("channel = \"我的-设置-账号与安全-注销账号\"", "channel = \"致电客服注销\"", "rights");
}

#[test]
fn trigger_5_contact_and_complaints() {
    assert_trigger("email = \"report@example.cn\"", "email = \"complaints@example.cn\"", "contact");
}

#[test]
fn trigger_6_high_risk_pia() {
    assert_trigger(
        "purposes = [\"recommend\"]\nrisk = \"medium\"",
        "purposes = [\"recommend\"]\nrisk = \"high\"",
        "high-risk-pia",
    );
}

#[test]
fn wording_and_version_are_minor() {
    let v = diff_json("version = \"1.0\"", "version = \"1.1\"", 0);
    assert_eq!(v["major"], false);
    assert_eq!(v["changes"].as_array().map(Vec::len), Some(1));
}

#[test]
fn human_output_marks_major_changes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let old = dir.path().join("old.toml");
    let new = dir.path().join("new.toml");
    std::fs::write(&old, CLEAN).expect("write");
    std::fs::write(&new, clean_with("name = \"示例网络科技有限公司\"", "name = \"新示例控股有限公司\""))
        .expect("write");
    let out = gebao().arg("diff").arg(&old).arg(&new).assert().code(1);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(stdout.contains("重大变更"), "{stdout}");
}

#[test]
fn unreadable_side_exits_two() {
    let (_dir, path) = manifest_file(CLEAN.as_bytes());
    gebao().arg("diff").arg(&path).arg("missing.toml").assert().code(2);
}

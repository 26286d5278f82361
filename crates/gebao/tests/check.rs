//! `gebao check` on real files: exit codes, output formats, the rule list.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests and benches fail by panicking

mod common;
use common::*;
use predicates::prelude::*;

#[test]
fn clean_manifest_exits_zero() {
    let (_dir, path) = manifest_file(CLEAN.as_bytes());
    gebao().arg("check").arg(&path).assert().success().stdout(predicate::str::contains("未发现问题"));
}

#[test]
fn default_file_is_gebao_toml() {
    let (dir, _path) = manifest_file(CLEAN.as_bytes());
    gebao().current_dir(dir.path()).arg("check").assert().success();
}

#[test]
fn an_error_exits_one_and_shows_place_and_fix() {
    let text = clean_with("taps_from_home = 3", "taps_from_home = 6");
    let (_dir, path) = manifest_file(text.as_bytes());
    gebao()
        .arg("check")
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("error[NOT-12]"))
        .stdout(predicate::str::contains("gebao.toml:17:18"))
        .stdout(predicate::str::contains("修复建议"))
        .stdout(predicate::str::contains("APP19"));
}

#[test]
fn english_messages() {
    let text = clean_with("taps_from_home = 3", "taps_from_home = 6");
    let (_dir, path) = manifest_file(text.as_bytes());
    gebao()
        .args(["--lang", "en", "check"])
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("it takes 6 taps, more than 4"));
}

#[test]
fn fail_on_sets_the_threshold() {
    // A warning only (NOT-06): exit 0 by default, 1 with --fail-on warning.
    let text = clean_with(
        "[controller.officer]\nname = \"个人信息保护部\"\nname_en = \"Personal Information Protection Department\"\ncontact = { email = \"dpo@example.cn\" }\n",
        "",
    );
    let (_dir, path) = manifest_file(text.as_bytes());
    gebao().arg("check").arg(&path).assert().success().stdout(predicate::str::contains("NOT-06"));
    gebao().args(["check", "--fail-on", "warning"]).arg(&path).assert().code(1);
    gebao()
        .args(["check", "--severity", "error"])
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("NOT-06").not());
}

#[test]
fn json_output() {
    let text = clean_with("taps_from_home = 3", "taps_from_home = 6");
    let (_dir, path) = manifest_file(text.as_bytes());
    let out = gebao().args(["check", "--format", "json"]).arg(&path).assert().code(1);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).expect("JSON");
    assert_eq!(v["summary"]["error"], 1);
    // `ok` says what the exit code says: not ok with an error at or above --fail-on…
    assert_eq!(v["ok"], false);
    let f = &v["findings"][0];
    assert_eq!(f["rule"], "NOT-12");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["path"], "policy.display.taps_from_home");
    assert_eq!(f["location"]["line"], 17);
    assert!(f["message_en"].as_str().is_some_and(|s| s.contains("6 taps")));
}

/// The README serves `examples/quickstart.toml`: it must stay clean.
#[test]
fn the_quickstart_example_is_clean() {
    gebao().args(["check"]).arg(examples_dir().join("quickstart.toml")).assert().success();
}

/// …and ok when nothing reaches it.
#[test]
fn json_ok_follows_fail_on() {
    let (_dir, path) = manifest_file(CLEAN.as_bytes());
    let out = gebao().args(["check", "--format", "json"]).arg(&path).assert().success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).expect("JSON");
    assert_eq!(v["ok"], true);
}

#[test]
fn sarif_output() {
    let text = clean_with("taps_from_home = 3", "taps_from_home = 6");
    let (_dir, path) = manifest_file(text.as_bytes());
    let out = gebao().args(["check", "--format", "sarif"]).arg(&path).assert().code(1);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).expect("JSON");
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "gebao");
    let r = &run["results"][0];
    assert_eq!(r["ruleId"], "NOT-12");
    assert_eq!(r["level"], "error");
    assert_eq!(r["locations"][0]["physicalLocation"]["region"]["startLine"], 17);
    let idx = r["ruleIndex"].as_u64().expect("index") as usize;
    assert_eq!(run["tool"]["driver"]["rules"][idx]["id"], "NOT-12");
}

#[test]
fn list_rules_prints_every_rule_with_its_source() {
    let out = gebao().args(["check", "--list-rules", "--format", "json"]).assert().success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).expect("JSON");
    let rules = v.as_array().expect("array");
    assert!(rules.iter().any(|r| r["id"] == "NOT-01" && r["source"] == "PIPL 17(1)"));
    for r in rules {
        assert!(r["title"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(r["title_en"].as_str().is_some_and(|t| !t.is_empty()));
    }
    gebao().args(["check", "--list-rules"]).assert().success().stdout(predicate::str::contains("NOT-01"));
}

#[test]
fn schema_is_json_schema_of_the_manifest() {
    let out = gebao().arg("schema").assert().success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).expect("JSON");
    assert_eq!(v["title"], "Manifest");
    assert!(v["properties"]["purposes"].is_object());
    assert!(v["required"].as_array().is_some_and(|r| r.iter().any(|x| x == "controller")));
}

#[test]
fn every_seed_example_reports_its_known_flaws() {
    // The flaws that each seed policy's text shows (examples/README.md explains each).
    let expected: &[(&str, &[&str])] = &[
        ("000-weibo.toml", &["MIN-02", "SEN-01", "CON-03"]),
        ("001-weimacms.toml", &["XB-01", "XB-02", "XB-03", "CON-04", "CHG-01", "NOT-01", "NOT-03", "ADM-01"]),
        ("002-lanhu.toml", &["SHR-03", "ADM-01", "NOT-04"]),
        ("003-weimi.toml", &["NOT-14", "RGT-02", "XB-02", "CON-11"]),
        ("004-liaoliao.toml", &["CON-03", "CON-10", "CHG-01", "SEN-03"]),
    ];
    for (file, rules) in expected {
        let out = gebao().args(["check", "--format", "json"]).arg(examples_dir().join(file)).assert().code(1);
        let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).expect("JSON");
        let found: Vec<&str> =
            v["findings"].as_array().expect("array").iter().filter_map(|f| f["rule"].as_str()).collect();
        for r in *rules {
            assert!(found.contains(r), "{file}: {r} not reported");
        }
    }
}

#[test]
fn render_every_example_in_both_languages_and_formats() {
    for file in ["000-weibo.toml", "001-weimacms.toml", "002-lanhu.toml", "003-weimi.toml", "004-liaoliao.toml"] {
        for lang in ["zh-CN", "en"] {
            let out = gebao()
                .args(["--lang", lang, "render", "--format", "html"])
                .arg(examples_dir().join(file))
                .assert()
                .success();
            let html = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
            assert!(html.starts_with("<!doctype html>") || html.starts_with("<!DOCTYPE html>"), "{file} {lang}");
            assert!(html.contains(&format!("lang=\"{lang}\"")), "{file} {lang}");
        }
    }
    let out =
        gebao().args(["render", "--list", "sharing"]).arg(examples_dir().join("004-liaoliao.toml")).assert().success();
    assert!(String::from_utf8_lossy(&out.get_output().stdout).contains("共享"));
}

#[test]
fn render_writes_a_file() {
    let (dir, path) = manifest_file(CLEAN.as_bytes());
    let html = dir.path().join("policy.html");
    gebao().args(["render", "--format", "html", "-o"]).arg(&html).arg(&path).assert().success();
    let text = std::fs::read_to_string(&html).expect("written");
    assert!(text.contains("示例社区"));
}

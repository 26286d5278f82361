//! `gebao pia`: a draft assessment for every processing PIPL 55 names, with the three items
//! of PIPL 56 and the record that covers it; `--require-records` fails when one has none.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

mod common;
use common::*;

#[test]
fn drafts_name_their_trigger_items_and_record() {
    let dir = tempfile::tempdir().unwrap();
    let clean = dir.path().join("gebao.toml");
    std::fs::write(&clean, CLEAN).unwrap();
    let out = gebao().args(["--lang", "zh-CN", "pia"]).arg(&clean).assert().success();
    let md = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    for needle in [
        "个人信息保护影响评估（草稿）",
        "处理敏感个人信息（第五十五条第一项）",
        "利用个人信息进行自动化决策（第五十五条第二项）",
        "一、个人信息的处理目的、处理方式等是否合法、正当、必要",
        "二、对个人权益的影响及安全风险",
        "三、所采取的保护措施是否合法、有效并与风险程度相适应",
        "已有评估记录：`pia-location`",
    ] {
        assert!(md.contains(needle), "`{needle}` not in:\n{md}");
    }
    let out = gebao().args(["pia", "--format", "json"]).arg(&clean).assert().success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert!(v.as_array().unwrap().iter().any(|d| d["trigger"] == "sensitive-pi" && d["purpose"] == "nearby"));

    // Without records, --require-records fails (exit 1) and the drafts say what is missing.
    let bare = dir.path().join("bare.toml");
    let text = CLEAN.replace("pia = \"pia-location\"\n", "").replace("purposes = [\"nearby\"]\n", "purposes = []\n");
    std::fs::write(&bare, text).unwrap();
    let out = gebao().args(["--lang", "zh-CN", "pia", "--require-records"]).arg(&bare).assert().code(1);
    assert!(String::from_utf8_lossy(&out.get_output().stdout).contains("尚无评估记录"));
    gebao().args(["pia"]).arg(dir.path().join("missing.toml")).assert().code(2);
}

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

/// Recording, listing and exporting assessments through a running server: a new version
/// each time, a high risk flagged as a major change, the export written to a file.
#[test]
fn assessments_are_recorded_listed_and_exported_through_the_server() {
    use common::serve::{Backend, Server};
    let backend = Backend::sqlite();
    let token = backend.key("pia:read,pia:write");
    let server = Server::start(&backend);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("push.json");
    let body = serde_json::json!({
        "id": "pia-push", "trigger": "recipient:push-sdk", "assessed": "2025-12-01", "risk": "high",
        "assessor": "张三（个人信息保护负责人）",
        "conclusions": { "lawfulness": "目的明确且必要", "impact": "泄露可能导致骚扰", "measures": "合同约束、加密传输" }
    });
    std::fs::write(&file, body.to_string()).unwrap();
    let cli = |args: &[&str]| {
        let mut c = gebao();
        c.args(["--lang", "zh-CN", "pia"]).args(args).args(["--server", &server.base, "--token", &token]);
        c
    };
    let out = cli(&["record", file.to_str().unwrap()]).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        text.contains("已记录 pia-push 第 1 版") && text.contains("2028-12-01") && text.contains("重大变更"),
        "{text}"
    );
    // Other triggers are not assessed yet: the list says so and exits 1.
    let out = cli(&["list"]).assert().code(1);
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(text.contains("✓") && text.contains("已评估 pia-push:1") && text.contains("尚未评估"), "{text}");
    let page = dir.path().join("push.html");
    cli(&["export", "pia-push", "--format", "html", "-o", page.to_str().unwrap()]).assert().success();
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!doctype html>") && html.contains("合同约束、加密传输"), "{html}");
    // A file that is not JSON is named; a refusal of the server names the field.
    std::fs::write(&file, "risk = high").unwrap();
    cli(&["record", file.to_str().unwrap()]).assert().code(2).stderr(predicates::str::contains("push.json"));
    std::fs::write(&file, body.to_string().replace("recipient:push-sdk", "recipient:nsa")).unwrap();
    cli(&["record", file.to_str().unwrap()]).assert().code(2).stderr(predicates::str::contains("(`trigger`)"));
    cli(&["export", "pia-none"]).assert().code(2).stderr(predicates::str::contains("HTTP 404"));
}

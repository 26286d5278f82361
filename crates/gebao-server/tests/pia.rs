//! Impact assessments over HTTP (PIPL 55–56; issue: "stored as versioned records kept at
//! least 3 years, exportable; a high-risk result is a major change"): the manifest's
//! triggers are listed with the record that assesses each; an assessment is recorded as the
//! next version of its id, never changed, kept three years from its date; a high risk and a
//! manifest that says otherwise are flagged; a record exports as Markdown and as an HTML page
//! with the assessor's words escaped; bad input names the field. On SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod reqkit;

use common::*;
use gebao_store::Scope;
use reqkit::{Receiver, start};
use serde_json::{Value, json};

gebao_testkit::on_both_engines!(crate::common::run;
    assessments_are_recorded_as_versions_and_exported,
    bad_assessments_are_refused_naming_the_field,
);

fn assessment(risk: &str, assessed: &str) -> Value {
    json!({
        "id": "pia-push", "trigger": "recipient:push-sdk", "assessed": assessed, "risk": risk,
        "assessor": "张三（个人信息保护负责人）",
        "conclusions": {
            "lawfulness": "推送需取得单独同意，目的明确且必要。",
            "impact": "设备标识符泄露可能导致骚扰推送。\n\n影响范围：<script>alert(1)</script> 全体开启推送的用户。",
            "measures": "SDK 合同约定仅用于推送，传输加密，每年审计。"
        }
    })
}

async fn assessments_are_recorded_as_versions_and_exported(kit: Kit) {
    let r = Receiver::start().await;
    let (s, _dir) = start(&kit, &r, &reqkit::manifest(&r)).await;
    // The manifest's triggers, none assessed yet.
    let list = s.get("/v1/pia").await.json();
    let triggers: Vec<&str> =
        list["drafts"].as_array().unwrap().iter().map(|d| d["trigger"].as_str().unwrap()).collect();
    assert!(triggers.contains(&"recipient:push-sdk") && triggers.contains(&"recipient:cloud"), "{list:#}");
    assert_eq!(list["unassessed"].as_array().unwrap().len(), triggers.len());

    let today = gebao_server::versions::today();
    let first = s.post("/v1/pia", &assessment("low", "2025-12-01")).await;
    assert_eq!(first.status, 201, "{}", first.body);
    let v = first.json();
    assert_eq!((v["version"].as_i64(), v["keep_until"].as_str()), (Some(1), Some("2028-12-01")), "three years: {v:#}");
    assert_eq!(v["warnings"], json!([]), "the manifest says the same: {v:#}");
    assert!(v["draft"].as_array().unwrap().len() == 3, "the three items of PIPL 56: {v:#}");

    // Reassessed today as high risk: version 2, and the operator is told what follows.
    let second = s.post("/v1/pia", &assessment("high", &today.to_string())).await;
    assert_eq!(second.status, 201, "{}", second.body);
    let v = second.json();
    assert_eq!(v["version"], 2);
    let warnings: Vec<&str> = v["warnings"].as_array().unwrap().iter().map(|w| w["zh"].as_str().unwrap()).collect();
    assert!(warnings.iter().any(|w| w.contains("重大变更")), "{warnings:?}");
    assert!(warnings.iter().any(|w| w.contains("2025-12-01") && w.contains(&today.to_string())), "{warnings:?}");

    let list = s.get("/v1/pia").await.json();
    assert_eq!(list["records"].as_array().unwrap().len(), 1);
    assert_eq!(list["records"][0]["version"], 2);
    assert!(!list["unassessed"].as_array().unwrap().iter().any(|t| t == "recipient:push-sdk"));
    let push = list["drafts"].as_array().unwrap().iter().find(|d| d["trigger"] == "recipient:push-sdk").unwrap();
    assert_eq!((push["assessed_by"].as_str(), push["manifest_pia"].as_str()), (Some("pia-push:2"), Some("pia-push")));
    let versions = s.get("/v1/pia/pia-push").await.json();
    assert_eq!(
        versions.as_array().unwrap().iter().map(|r| r["risk"].as_str().unwrap()).collect::<Vec<_>>(),
        ["low", "high"]
    );

    // Exported: Markdown in Chinese (the latest), an HTML page in English (version 1).
    let md = s.get("/v1/pia/pia-push/export").await;
    assert_eq!(md.status, 200);
    for needle in ["个人信息保护影响评估", "第 2 版", "风险等级 | 高", "SDK 合同约定仅用于推送", "至少保存三年"]
    {
        assert!(md.body.contains(needle), "`{needle}` not in:\n{}", md.body);
    }
    let page = s.get("/v1/pia/pia-push/export?version=1&format=html&lang=en").await;
    assert_eq!(page.status, 200);
    assert!(page.body.starts_with("<!doctype html>") && page.body.contains("version 1") && page.body.contains("low"));
    assert!(!page.body.contains("<script>alert"), "the assessor's words are text, not markup");
    assert!(page.body.contains("&lt;script&gt;"), "{}", page.body);
    assert_eq!(s.get("/v1/pia/pia-push/export?version=9").await.problem(404).as_deref(), Some("version"));
    assert_eq!(s.get("/v1/pia/pia-push/export?format=pdf").await.problem(400).as_deref(), Some("format"));
    assert_eq!(s.get("/v1/pia/pia-nothing").await.problem(404).as_deref(), Some("id"));

    // Recorded in the audit log with each row's digest: the chain and the rows verify.
    assert!(s.state.store.verify(None).await.unwrap().is_intact());
    let reader = s.key(&[Scope::PiaRead]).await;
    assert_eq!(s.get_as("/v1/pia", Some(&reader)).await.status, 200);
    assert_eq!(s.post_as("/v1/pia", Some(&reader), &assessment("low", "2025-12-01")).await.status, 403);
    s.stop().await;
}

async fn bad_assessments_are_refused_naming_the_field(kit: Kit) {
    let r = Receiver::start().await;
    let (s, _dir) = start(&kit, &r, &reqkit::manifest(&r)).await;
    let bad = |body: Value, status: u16, field: &'static str| {
        let s = &s;
        async move {
            let resp = s.post("/v1/pia", &body).await;
            assert_eq!(resp.problem(status).as_deref(), Some(field), "{body}: {}", resp.body);
        }
    };
    let with = |key: &str, value: Value| {
        let mut b = assessment("low", "2025-12-01");
        let mut at = &mut b;
        let parts: Vec<&str> = key.split('.').collect();
        for p in &parts[..parts.len() - 1] {
            at = &mut at[*p];
        }
        at[parts[parts.len() - 1]] = value;
        b
    };
    bad(with("trigger", json!("recipient:nsa")), 422, "trigger").await;
    bad(with("assessed", json!("2999-01-01")), 422, "assessed").await;
    bad(with("conclusions.impact", json!("TODO")), 422, "conclusions.impact").await;
    bad(with("conclusions.measures", json!("   ")), 422, "conclusions.measures").await;
    bad(with("assessor", json!("")), 422, "assessor").await;
    bad(with("id", json!("a b")), 422, "id").await;
    let risk = s.post("/v1/pia", &with("risk", json!("extreme"))).await;
    assert!(matches!(risk.status, 400 | 422) && risk.body.contains("risk"), "{}", risk.body);
    // Nothing was recorded.
    assert_eq!(s.get("/v1/pia").await.json()["records"], json!([]));
    s.stop().await;
}

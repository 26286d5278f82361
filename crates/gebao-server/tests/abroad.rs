//! Personal information sent abroad, counted (XB24 arts. 7–8; issue: "a flow crossing
//! 100,000 individuals raises the warning"): decisions that send a user's information to a
//! recipient abroad count that user once a year, across restarts and instances; the
//! operator reports what gebao did not decide; near 100,000 (80%) and at it the operator is
//! told which mechanism becomes necessary and which flow lacks it — once each. On SQLite and
//! PostgreSQL stores.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod reqkit;

use common::*;
use gebao_core::abroad::Nearness;
use gebao_store::Scope;
use reqkit::{Receiver, start};
use serde_json::{Value, json};

gebao_testkit::on_both_engines!(crate::common::run;
    a_flow_crossing_100000_individuals_warns_the_operator,
    reports_and_reads_are_checked_and_scoped,
);

/// The clean manifest with the push SDK moved to Singapore under the small-volume
/// exemption (fewer than 100,000 individuals a year: no contract, no assessment).
fn manifest(r: &Receiver) -> String {
    let text = reqkit::manifest(r);
    let from = "kind = \"sdk\"\ncountry = \"CN\"";
    assert!(text.contains(from));
    text.replacen(from, "kind = \"sdk\"\ncountry = \"SG\"", 1).replacen(
        "pia = \"pia-push\"\n\n[[recipients]]",
        "pia = \"pia-push\"\ncross_border = { mechanism = \"exempt\", exemption = \"small-volume\", individuals = 5000, \
         rights_how = \"发送邮件至 privacy@push.example.cn\", rights_how_en = \"Email privacy@push.example.cn\" }\n\n[[recipients]]",
        1,
    )
}

/// Waits until the year's decision count reaches `n`.
async fn counted(s: &Server, n: u64) -> Value {
    let started = std::time::Instant::now();
    loop {
        let v = s.get("/v1/abroad").await.json();
        if v["totals"]["counted"].as_u64() == Some(n) {
            return v;
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "counted {} of {n}", v["totals"]["counted"]);
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// Waits for `n` threshold warnings at the operator's webhook.
async fn warnings(r: &Receiver, n: usize) -> Vec<reqkit::Call> {
    let started = std::time::Instant::now();
    loop {
        let got: Vec<_> = r.calls("operator").into_iter().filter(|c| c.body["kind"] == "abroad-threshold").collect();
        if got.len() >= n {
            return got;
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "{} of {n} warnings", got.len());
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

async fn send_abroad(s: &Server, subject: &str) -> Value {
    let r = s
        .post(
            "/v1/decisions",
            &json!({ "subject": subject, "purpose": "push", "fields": ["device_id"], "recipient": "push-sdk" }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

async fn a_flow_crossing_100000_individuals_warns_the_operator(kit: Kit) {
    let r = Receiver::start().await;
    let text = manifest(&r);
    assert!(text.contains("country = \"SG\"") && text.contains("small-volume"));
    let (s, _dir) = start(&kit, &r, &text).await;
    for u in ["u1", "u2", "u3"] {
        s.register(u, json!({})).await;
        s.consent(u, "grant", purpose("push"), json!({})).await;
        for separate in ["provision", "cross-border"] {
            let scope = json!({ "kind": "recipient", "recipient": "push-sdk", "separate": separate });
            s.consent(u, "grant", scope, json!({})).await;
        }
    }
    // u3 has not consented to the transfer: a refused decision sends nothing and counts no one.
    s.consent(
        "u3",
        "withdraw",
        json!({ "kind": "recipient", "recipient": "push-sdk", "separate": "cross-border" }),
        json!({}),
    )
    .await;
    for _ in 0..3 {
        for u in ["u1", "u2"] {
            let d = send_abroad(&s, u).await;
            assert_eq!(d["allow"], true, "{d}");
        }
    }
    assert_eq!(send_abroad(&s, "u3").await["allow"], false);
    // Not to a recipient abroad: not counted.
    assert!(s.decide("u3", "push", &["device_id"]).await.0, "a purpose without the recipient is allowed");
    let v = counted(&s, 2).await;
    assert_eq!(v["individuals"], 2, "each user once, however often: {v:#}");
    assert_eq!((v["band"].as_str(), v["understated"].as_bool()), (Some("none"), Some(false)), "{v:#}");

    // Another instance (or this one after a restart) seeing the same users counts no one again.
    let keys: Vec<_> = ["u1", "u2"].iter().map(|u| (s.state.crypto.subject_key(u), false)).collect();
    let year = gebao_server::abroad::year_of(gebao_server::now_ms());
    assert_eq!(s.state.store.count_abroad(year, keys, gebao_server::now_ms()).await.unwrap(), 0);

    // The operator's batch exports bring the year to 80,000: the warning, before the threshold.
    let rep = s
        .post(
            "/v1/abroad/reports",
            &json!({ "recipient": "push-sdk", "individuals": 79_998, "note": "历史数据批量同步" }),
        )
        .await;
    assert_eq!(rep.status, 201, "{}", rep.body);
    let v = rep.json();
    assert_eq!(v["individuals"], 80_000);
    assert_eq!(v["understated"], true, "the manifest declares 5,000: {v:#}");
    let th = v["thresholds"].as_array().unwrap().iter().find(|t| t["key"] == "individuals-100000").unwrap().clone();
    assert_eq!(th["nearness"], "approaching", "{th:#}");
    assert_eq!(th["short"][0]["flow"], "push-sdk", "{th:#}");
    let now = chrono::Utc::now();
    let alerted = gebao_server::abroad::pass(&s.state, now).await.unwrap();
    assert_eq!(
        alerted.iter().map(|a| (a.key, a.nearness)).collect::<Vec<_>>(),
        [("individuals-100000", Nearness::Approaching)]
    );
    let calls = warnings(&r, 1).await;
    let warn = &calls[0];
    assert!(warn.signed);
    assert_eq!((warn.body["nearness"].as_str(), warn.body["count"].as_u64()), (Some("approaching"), Some(80_000)));
    let zh = warn.body["message"]["zh-CN"].as_str().unwrap();
    assert!(zh.contains("标准合同") && zh.contains("push-sdk") && zh.contains("80000"), "{zh}");

    // Crossing 100,000: told again, once however often the monitor passes.
    let rep = s.post("/v1/abroad/reports", &json!({ "individuals": 20_000 })).await;
    assert_eq!(rep.status, 201, "{}", rep.body);
    assert_eq!(rep.json()["band"], "contract");
    for _ in 0..3 {
        gebao_server::abroad::pass(&s.state, now).await.unwrap();
    }
    let sent = warnings(&r, 2).await;
    assert_eq!(sent[1].body["nearness"], "crossed");
    assert!(sent[1].body["message"]["en"].as_str().unwrap().contains("standard contract"), "{:#}", sent[1].body);
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert_eq!(warnings(&r, 2).await.len(), 2, "each threshold once");
    // Both reports and the warnings are in the audit log.
    let audit = s.get("/v1/audit?limit=1000").await.json();
    let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(actions.iter().filter(|a| **a == "abroad.report").count(), 2);
    assert!(actions.contains(&"abroad.alert"));
    s.stop().await;
}

async fn reports_and_reads_are_checked_and_scoped(kit: Kit) {
    let r = Receiver::start().await;
    let (s, _dir) = start(&kit, &r, &manifest(&r)).await;
    let bad = |body: Value, field: &'static str| {
        let s = &s;
        async move {
            let resp = s.post("/v1/abroad/reports", &body).await;
            assert_eq!(resp.problem(422).as_deref(), Some(field), "{body}: {}", resp.body);
        }
    };
    bad(json!({ "individuals": 0 }), "individuals").await;
    bad(json!({ "recipient": "cloud", "individuals": 5 }), "recipient").await;
    bad(json!({ "recipient": "nsa", "individuals": 5 }), "recipient").await;
    bad(json!({ "year": 1999, "individuals": 5 }), "year").await;
    bad(json!({ "individuals": 3_000_000_000u64 }), "individuals").await;
    assert_eq!(s.get("/v1/abroad?year=3000").await.problem(400).as_deref(), Some("year"));
    // Nothing was recorded.
    assert_eq!(s.get("/v1/abroad").await.json()["individuals"], 0);
    // A sensitive report: the first sensitive individual already needs a contract.
    let v = s.post("/v1/abroad/reports", &json!({ "sensitive_individuals": 1 })).await.json();
    assert_eq!((v["sensitive_individuals"].as_u64(), v["band"].as_str()), (Some(1), Some("contract")), "{v:#}");
    let reader = s.key(&[Scope::AbroadRead]).await;
    assert_eq!(s.get_as("/v1/abroad", Some(&reader)).await.status, 200);
    assert_eq!(s.post_as("/v1/abroad/reports", Some(&reader), &json!({ "individuals": 1 })).await.status, 403);
    let decisions = s.key(&[Scope::DecisionsRead]).await;
    assert_eq!(s.get_as("/v1/abroad", Some(&decisions)).await.status, 403);
    s.stop().await;
}

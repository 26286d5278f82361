//! Records of provision (PIPL 55–56; GB/T 35273 9.2 i), kept three years: each allowed
//! decision that sends fields to a recipient counts for the day, the recipient and the
//! purpose; a refused one does not; records older than three years go. On SQLite and
//! PostgreSQL stores.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod reqkit;

use chrono::{Days, Months};
use common::*;
use gebao_store::Scope;
use gebao_store::provision::ProvisionRecord;
use reqkit::{Receiver, start};
use serde_json::json;

gebao_testkit::on_both_engines!(crate::common::run;
    each_days_provisions_are_recorded_per_recipient_and_kept_three_years,
);

async fn each_days_provisions_are_recorded_per_recipient_and_kept_three_years(kit: Kit) {
    let r = Receiver::start().await;
    let (s, _dir) = start(&kit, &r, &reqkit::manifest(&r)).await;
    for u in ["u1", "u2"] {
        s.register(u, json!({})).await;
        s.consent(u, "grant", purpose("push"), json!({})).await;
    }
    s.consent(
        "u1",
        "grant",
        json!({ "kind": "recipient", "recipient": "push-sdk", "separate": "provision" }),
        json!({}),
    )
    .await;
    let send = |subject: &'static str| {
        let s = &s;
        async move {
            let body =
                json!({ "subject": subject, "purpose": "push", "fields": ["device_id"], "recipient": "push-sdk" });
            s.post("/v1/decisions", &body).await.json()["allow"].as_bool().unwrap()
        }
    };
    for _ in 0..3 {
        assert!(send("u1").await);
    }
    assert!(!send("u2").await, "u2 has not consented to the provision");
    // A record from four years ago, kept until the next write.
    let today = gebao_server::versions::today();
    let old = today.checked_sub_months(Months::new(48)).unwrap();
    let stale = ProvisionRecord {
        day: old,
        recipient: "push-sdk".into(),
        purpose: "push".into(),
        kind: "sdk".into(),
        decisions: 9,
        fields: vec!["device_id".into()],
    };
    s.state.store.record_provisions(vec![stale], old, gebao_server::now_ms()).await.unwrap();

    let from = old - Days::new(1);
    let v = s.get(&format!("/v1/provisions?from={}&to={today}", today - Days::new(2))).await;
    assert_eq!(v.status, 200, "{}", v.body);
    let v = v.json();
    assert_eq!(v["records"].as_array().unwrap().len(), 1, "{v:#}");
    let rec = &v["records"][0];
    assert_eq!(
        (rec["day"].as_str(), rec["recipient"].as_str(), rec["kind"].as_str(), rec["decisions"].as_u64()),
        (Some(today.to_string().as_str()), Some("push-sdk"), Some("sdk"), Some(3)),
        "{v:#}"
    );
    assert_eq!(rec["fields"], json!(["device_id"]));
    assert_eq!(v["totals"][0]["decisions"], 3);
    // The write deleted what is older than three years.
    let all = s.state.store.provisions(from, today).await.unwrap();
    assert!(all.iter().all(|r| r.day >= today.checked_sub_months(Months::new(36)).unwrap()), "{all:?}");
    assert_eq!(all.len(), 1);

    // More the same day add up.
    assert!(send("u1").await);
    let v = s.get("/v1/provisions?recipient=push-sdk").await.json();
    assert_eq!(v["records"][0]["decisions"], 4, "{v:#}");
    assert_eq!(s.get("/v1/provisions?recipient=cloud").await.json()["records"], json!([]));

    // Bad ranges are named; the scope is needed.
    let bad = s.get(&format!("/v1/provisions?from={today}&to={}", today - Days::new(1))).await;
    assert_eq!(bad.problem(400).as_deref(), Some("from"), "{}", bad.body);
    assert_eq!(s.get("/v1/provisions?from=yesterday").await.status, 400);
    let decisions = s.key(&[Scope::DecisionsRead]).await;
    assert_eq!(s.get_as("/v1/provisions", Some(&decisions)).await.status, 403);
    let reader = s.key(&[Scope::ProvisionsRead]).await;
    assert_eq!(s.get_as("/v1/provisions", Some(&reader)).await.status, 200);
    s.stop().await;
}

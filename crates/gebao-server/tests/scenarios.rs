//! The scenarios of issue 4, over HTTP, on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Kit, clean_text, purpose};
use serde_json::json;

gebao_testkit::on_both_engines!(crate::common::run;
    consent_then_withdraw_then_denied,
    major_change_forces_reconsent,
    under_14_denied_until_guardian_consents,
    sensitive_field_needs_separate_consent,
    restriction_and_cancellation,
    contact_points_found_by_blind_index,
);

async fn consent_then_withdraw_then_denied(k: Kit) {
    let s = k.start().await;
    s.register("u1", json!({ "age": 30 })).await;
    assert_eq!(s.decide("u1", "recommend", &["browsing"]).await, (false, Some("consent-missing".into())));
    // A contract purpose needs no consent.
    assert_eq!(s.decide("u1", "register", &["phone"]).await, (true, None));
    let rec = s.consent("u1", "grant", purpose("recommend"), json!({ "evidence": { "ui": "v3" } })).await;
    assert_eq!(rec["policy_version"], 1);
    assert_eq!(rec["actor"].as_str().unwrap().split(':').next(), Some("api-key"));
    let r = s.post("/v1/decisions", &json!({ "subject": "u1", "purpose": "recommend", "fields": ["browsing"] })).await;
    assert_eq!(r.json(), json!({ "allow": true, "basis": "consent", "policy_version": 1 }));
    // PIPL 15: one call, as easy as granting.
    let w = s.post("/v1/consents/withdraw", &json!({ "subject": "u1", "scope": purpose("recommend") })).await;
    assert_eq!(w.status, 201, "{}", w.body);
    assert_eq!(w.json()["action"], "withdraw");
    assert_eq!(s.decide("u1", "recommend", &["browsing"]).await, (false, Some("consent-withdrawn".into())));
    // A field the purpose does not declare is denied whatever the consent.
    assert_eq!(s.decide("u1", "recommend", &["phone"]).await, (false, Some("field-not-declared".into())));
    let c = s.get("/v1/subjects/u1/consents").await.json();
    assert_eq!(c["history"].as_array().unwrap().len(), 2);
    assert_eq!(c["current"][0]["granted"], false);
    // Batch: same answers, in order.
    let b = s
        .post(
            "/v1/decisions/batch",
            &json!([
                { "subject": "u1", "purpose": "recommend", "fields": ["browsing"] },
                { "subject": "u1", "purpose": "publish", "fields": ["posts"] },
                { "subject": "u1", "purpose": "nope" },
            ]),
        )
        .await
        .json();
    let reasons: Vec<_> =
        b.as_array().unwrap().iter().map(|d| d["reason"].as_str().unwrap_or("allow").to_owned()).collect();
    assert_eq!(reasons, ["consent-withdrawn", "allow", "purpose-unknown"]);
    // Every write left an audit entry: a key, a subject, two consents.
    let audit = s.get("/v1/audit?limit=1000").await.json();
    let actions: Vec<_> =
        audit["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap().to_owned()).collect();
    assert!(actions.iter().any(|a| a == "subject.register"), "{actions:?}");
    assert!(actions.iter().filter(|a| a.starts_with("consent")).count() >= 2, "{actions:?}");
    s.stop().await;
}

async fn major_change_forces_reconsent(k: Kit) {
    let s = k.start().await;
    s.register("u1", json!({})).await;
    s.consent("u1", "grant", purpose("recommend"), json!({})).await;
    assert_eq!(s.decide("u1", "recommend", &["browsing"]).await, (true, None));
    // Add a field to a consent-based purpose: a change of the PI it processes (CHG-01).
    let old = r#"fields = ["browsing", "device_id"]"#;
    let v2 = clean_text().replacen(old, r#"fields = ["browsing", "device_id", "nickname"]"#, 1);
    assert_ne!(v2, clean_text());
    let today = chrono::Utc::now().date_naive().pred_opt().unwrap().to_string();
    let r =
        s.post("/v1/policy/versions", &json!({ "manifest": v2, "effective": today, "reason": "more fields" })).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let v = r.json();
    assert_eq!(
        (v["version"].as_i64(), v["major"].as_bool(), v["in_force"].as_bool()),
        (Some(2), Some(true), Some(true))
    );
    assert_eq!(v["reconsent"], json!(["recommend"]));
    assert_eq!(s.decide("u1", "recommend", &["browsing"]).await, (false, Some("reconsent-required".into())));
    // A purpose the change does not touch keeps its consent.
    s.consent("u1", "grant", purpose("push"), json!({ "policy_version": 1 })).await;
    assert_eq!(s.decide("u1", "push", &["device_id"]).await, (true, None));
    // Consent again, under version 2 (the default): allowed, also for the new field.
    let rec = s.consent("u1", "grant", purpose("recommend"), json!({})).await;
    assert_eq!(rec["policy_version"], 2);
    assert_eq!(s.decide("u1", "recommend", &["browsing", "nickname"]).await, (true, None));
    s.stop().await;
    // A restart compiles the same engine from the store.
    let s = k.start().await;
    assert_eq!(s.state.policies.current().version, 2);
    assert_eq!(s.decide("u1", "recommend", &["nickname"]).await, (true, None));
    s.stop().await;
}

async fn under_14_denied_until_guardian_consents(k: Kit) {
    let s = k.start().await;
    s.register("parent", json!({ "age": 40 })).await;
    s.register("kid", json!({ "age": 10, "guardian": "parent" })).await;
    // The child's own click is recorded but does not count (PIPL 31).
    s.consent("kid", "grant", purpose("recommend"), json!({})).await;
    assert_eq!(s.decide("kid", "recommend", &["browsing"]).await, (false, Some("guardian-consent-missing".into())));
    s.consent("kid", "grant", purpose("recommend"), json!({ "by_guardian": true })).await;
    assert_eq!(s.decide("kid", "recommend", &["browsing"]).await, (true, None));
    // A date of birth works the same way.
    let born = chrono::Utc::now().date_naive().checked_sub_months(chrono::Months::new(12 * 8)).unwrap();
    s.register("kid2", json!({ "birth_date": born.to_string() })).await;
    s.consent("kid2", "grant", purpose("recommend"), json!({})).await;
    assert_eq!(s.decide("kid2", "recommend", &["browsing"]).await, (false, Some("guardian-consent-missing".into())));
    // 14–18 follows the manifest: clean.toml says `teen_rule = "own-consent"`.
    s.register("teen", json!({ "age": 15 })).await;
    s.consent("teen", "grant", purpose("recommend"), json!({})).await;
    assert_eq!(s.decide("teen", "recommend", &["browsing"]).await, (true, None));
    s.stop().await;
}

async fn sensitive_field_needs_separate_consent(k: Kit) {
    let s = k.start().await;
    s.register("u1", json!({})).await;
    s.consent("u1", "grant", purpose("nearby"), json!({})).await;
    assert_eq!(s.decide("u1", "nearby", &["precise_location"]).await, (false, Some("separate-consent-missing".into())));
    s.consent("u1", "grant", json!({ "kind": "sensitive", "purpose": "nearby" }), json!({})).await;
    assert_eq!(s.decide("u1", "nearby", &["precise_location"]).await, (true, None));
    // A recipient that is an independent processor needs its own consent (PIPL 23).
    s.consent("u1", "grant", purpose("push"), json!({})).await;
    let q = json!({ "subject": "u1", "purpose": "push", "fields": ["device_id"], "recipient": "push-sdk" });
    assert_eq!(s.post("/v1/decisions", &q).await.json()["reason"], "recipient-not-consented");
    s.consent("u1", "grant", json!({ "kind": "recipient", "recipient": "push-sdk" }), json!({})).await;
    assert_eq!(s.post("/v1/decisions", &q).await.json()["allow"], true);
    s.stop().await;
}

async fn restriction_and_cancellation(k: Kit) {
    let s = k.start().await;
    s.register("u1", json!({})).await;
    s.consent("u1", "grant", purpose("recommend"), json!({})).await;
    let r = s.post("/v1/subjects/u1/restrict", &json!({ "reason": "user asked" })).await;
    assert_eq!((r.status, r.json()["status"].as_str()), (200, Some("restricted")), "{}", r.body);
    assert_eq!(s.decide("u1", "recommend", &["browsing"]).await, (false, Some("subject-restricted".into())));
    // Legal obligations continue under restriction (PIPL 44).
    assert_eq!(s.decide("u1", "security_logs", &["ip_log"]).await, (true, None));
    let r = s.send("POST", "/v1/subjects/u1/unrestrict", Some(&s.admin), None, Vec::new()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(s.decide("u1", "recommend", &["browsing"]).await, (true, None));
    let r = s.post("/v1/subjects/u1/cancel", &json!({})).await;
    assert_eq!(r.json()["status"], "cancelled");
    assert_eq!(s.decide("u1", "recommend", &["browsing"]).await, (false, Some("subject-cancelled".into())));
    // Final: the record is erased; the subject's endpoints answer 410 Gone.
    let r = s.post("/v1/consents", &json!({ "subject": "u1", "action": "grant", "scope": purpose("push") })).await;
    assert_eq!(r.problem(410).as_deref(), Some("subject"));
    assert_eq!(s.post("/v1/subjects/u1/unrestrict", &json!({})).await.problem(410).as_deref(), Some("id"));
    assert_eq!(s.get("/v1/subjects/u1").await.problem(410).as_deref(), Some("id"));
    // Registering the id again starts a new, empty subject: the old consent does not come back.
    let again = s.post("/v1/subjects", &json!({ "id": "u1" })).await;
    assert_eq!(again.status, 201, "{}", again.body);
    assert_eq!(s.decide("u1", "recommend", &["browsing"]).await, (false, Some("consent-missing".into())));
    assert!(s.get("/v1/subjects/u1/consents").await.json()["history"].as_array().unwrap().is_empty());
    s.stop().await;
}

async fn contact_points_found_by_blind_index(k: Kit) {
    let s = k.start().await;
    s.register("u1", json!({ "phone": "+86 138-0013-8000", "email": "Li.Lei@Example.cn" })).await;
    s.register("u2", json!({ "phone": "13900139000" })).await;
    let found = s.get("/v1/subjects?phone=13800138000").await.json();
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found[0]["id"], "u1");
    let found = s.get("/v1/subjects?email=li.lei%40example.cn").await.json();
    assert_eq!(found[0]["id"], "u1");
    assert_eq!(s.get("/v1/subjects?phone=10000000000").await.json(), json!([]));
    let one = s.get("/v1/subjects/u2").await.json();
    assert_eq!((one["id"].as_str(), one["phone"].as_str()), (Some("u2"), Some("13900139000")));
    assert_eq!(s.get("/v1/subjects/nobody").await.problem(404).as_deref(), Some("id"));
    assert_eq!(s.get("/v1/subjects?phone=1&email=a%40b.cn").await.problem(400).as_deref(), Some("phone"));
    // The audit log names which fields were given, never their values.
    let audit = s.get("/v1/audit?limit=1000").await.body;
    assert!(!audit.contains("13800138000") && !audit.contains("138-0013"), "{audit}");
    s.stop().await;
}

//! Rights requests over HTTP, on SQLite and PostgreSQL: the lifecycle, illegal transitions,
//! identity verification (operator-asserted, one-time codes and their lockout), another
//! person's data, repeated requests, due dates on the holiday calendar, overdue listing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod reqkit;

use common::*;
use reqkit::*;
use serde_json::json;

async fn lifecycle_happy_path(kit: Kit) {
    let r = Receiver::start().await;
    let (s, _dir) = start(&kit, &r, &manifest(&r)).await;
    s.register("u1", json!({ "phone": "13800138000" })).await;
    s.register("u2", json!({})).await;
    let audit_before = s.audit_len().await;

    let v = file(&s, json!({ "kind": "deletion", "subject": "u1", "details": { "reason": "不再使用" } })).await;
    let id = v["id"].as_str().unwrap().to_owned();
    assert_eq!((v["state"].as_str(), v["state_label"].as_str()), (Some("received"), Some("已受理")));
    assert_eq!(v["due"]["deadline"], "15 working days");
    assert_eq!(v["due"]["overdue"], false);
    assert!(v["due"]["working_days_left"].as_i64().unwrap() >= 14, "{v}");

    // Nothing may be carried out before identity is verified.
    let early = s.post(&format!("/v1/requests/{id}/execute"), &json!({})).await;
    assert_eq!(early.problem(409).as_deref(), Some("state"));

    let v = vouch(&s, &id, "u1").await;
    assert_eq!(v["state"], "awaiting-approval");
    assert_eq!(v["verification"]["method"], "operator-asserted");
    // The dry run shows the plan and who will be told, and changes nothing.
    let plan = act(&s, &id, "execute?dry_run=true", json!({})).await;
    assert_eq!(plan["dry_run"], true);
    let told: Vec<&str> =
        plan["plan"]["recipients"].as_array().unwrap().iter().map(|t| t["recipient"].as_str().unwrap()).collect();
    assert_eq!(told, ["push-sdk", "cloud"]);
    assert_eq!(get(&s, &id).await["state"], "awaiting-approval");

    let v = act(&s, &id, "approve", json!({ "note": "已核对" })).await;
    assert_eq!(v["state"], "in-progress");
    // An illegal transition is a 409 problem naming the state.
    let again = s.post(&format!("/v1/requests/{id}/approve"), &json!({})).await;
    assert_eq!(again.problem(409).as_deref(), Some("state"));

    let v = act(&s, &id, "execute", json!({})).await;
    assert_eq!(v["state"], "completed");
    assert!(v["closed_ms"].as_i64().is_some());
    assert_eq!(events(&v), ["received", "identity-verified", "request-approval", "approve", "complete"]);
    // Deletion propagated: a webhook to the push SDK, manual action for the cloud's email.
    let push = deliveries(&v, "recipient-deletion");
    assert_eq!(push.len(), 2, "{v:#}");
    let manual: Vec<_> = push.iter().filter(|d| d["channel"] == "manual").collect();
    assert_eq!(
        (manual[0]["target"].as_str(), manual[0]["state"].as_str()),
        (Some("dpo@cloud.example.cn"), Some("manual"))
    );
    let calls = r.wait_calls("recipient/push", 1).await;
    assert_eq!((calls[0].body["user"].as_str(), calls[0].body["fields"].clone()), (Some("u1"), json!(["device_id"])));

    // Terminal: nothing more.
    let refuse = s.post(&format!("/v1/requests/{id}/refuse"), &json!({ "reason": "legal-retention" })).await;
    assert_eq!(refuse.problem(409).as_deref(), Some("state"));
    // Every transition was audited.
    let log = s.get(&format!("/v1/audit?after={audit_before}&limit=1000")).await.json();
    let actions: Vec<&str> = log["items"].as_array().unwrap().iter().map(|a| a["action"].as_str().unwrap()).collect();
    for a in [
        "request.received",
        "request.identity-verified",
        "request.request-approval",
        "request.approve",
        "request.complete",
    ] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }

    // Someone else's data: the backend vouches for u2 on u1's request.
    let other = file(&s, json!({ "kind": "access", "subject": "u1" })).await;
    let oid = other["id"].as_str().unwrap();
    let v = vouch(&s, oid, "u2").await;
    assert_eq!((v["state"].as_str(), v["refusal"]["reason"].as_str()), (Some("refused"), Some("other-person-data")));
    assert!(v["refusal"]["remedy"].as_str().unwrap().contains("第五十条"), "{v}");
    // The user withdraws a request of theirs.
    let w = file(&s, json!({ "kind": "copy", "subject": "u1" })).await;
    let v = act(&s, w["id"].as_str().unwrap(), "withdraw", json!({})).await;
    assert_eq!(v["state"], "withdrawn");
    // Unknown request and missing scope.
    assert_eq!(s.get("/v1/requests/req_nope").await.problem(404).as_deref(), Some("id"));
    let reader = s.key(&[gebao_store::Scope::RequestsRead]).await;
    let denied = s.post_as("/v1/requests", Some(&reader), &json!({ "kind": "access", "subject": "u1" })).await;
    denied.problem(403);
    s.stop().await;
}

async fn guardian_and_relatives(kit: Kit) {
    let r = Receiver::start().await;
    let (s, _dir) = start(&kit, &r, &manifest(&r)).await;
    s.register("mum", json!({})).await;
    s.register("kid", json!({ "age": 10, "guardian": "mum" })).await;
    s.register("teen", json!({ "age": 16, "guardian": "mum" })).await;
    // PIPL 31: the guardian of a child under 14 acts for the child.
    let v =
        file(&s, json!({ "kind": "access", "subject": "kid", "requester": { "id": "mum", "role": "guardian" } })).await;
    let v = vouch(&s, v["id"].as_str().unwrap(), "mum").await;
    assert_eq!(v["state"], "in-progress");
    // …not for a 16-year-old.
    let v = file(&s, json!({ "kind": "access", "subject": "teen", "requester": { "id": "mum", "role": "guardian" } }))
        .await;
    let v = vouch(&s, v["id"].as_str().unwrap(), "mum").await;
    assert_eq!(v["refusal"]["reason"], "other-person-data");
    // PIPL 49: a close relative states an interest, and may not ask for everything.
    let no_interest = s
        .post(
            "/v1/requests",
            &json!({ "kind": "copy", "subject": "kid", "requester": { "id": "mum", "role": "close-relative" } }),
        )
        .await;
    assert_eq!(no_interest.problem(422).as_deref(), Some("requester.interest"));
    let body = json!({ "kind": "cancellation", "subject": "kid", "requester": { "id": "mum", "role": "close-relative", "interest": "遗产处理" } });
    assert_eq!(s.post("/v1/requests", &body).await.problem(422).as_deref(), Some("kind"));
    let body = json!({ "kind": "copy", "subject": "kid", "requester": { "id": "mum", "role": "close-relative", "interest": "遗产处理" } });
    let v = file(&s, body).await;
    assert_eq!(v["requester"]["interest"], "遗产处理");
    // Details that do not fit the kind, an unknown field, a missing destination.
    let bad = s
        .post(
            "/v1/requests",
            &json!({ "kind": "access", "subject": "kid", "details": { "destination": "https://x.cn" } }),
        )
        .await;
    assert_eq!(bad.problem(422).as_deref(), Some("details.destination"));
    let bad = s.post("/v1/requests", &json!({ "kind": "correction", "subject": "kid", "details": { "corrections": [{ "field": "shoe_size", "value": 1 }] } })).await;
    assert_eq!(bad.problem(422).as_deref(), Some("details.corrections[0].field"));
    let bad = s.post("/v1/requests", &json!({ "kind": "portability", "subject": "kid" })).await;
    assert_eq!(bad.problem(422).as_deref(), Some("details.destination"));
    let bad = s.post("/v1/requests", &json!({ "kind": "erasure", "subject": "kid" })).await;
    assert_eq!(bad.problem(422).as_deref(), Some("kind"));
    assert_eq!(
        s.post("/v1/requests", &json!({ "kind": "access", "subject": "ghost" })).await.problem(404).as_deref(),
        Some("subject")
    );
    s.stop().await;
}

async fn otp_success_and_lockout(kit: Kit) {
    let r = Receiver::start().await;
    let (s, _dir) = start(&kit, &r, &manifest(&r)).await;
    s.register("u1", json!({ "phone": "+86 138 0013 8000" })).await;
    s.register("nophone", json!({})).await;

    let v = file(&s, json!({ "kind": "access", "subject": "u1" })).await;
    let id = v["id"].as_str().unwrap().to_owned();
    let v = act(&s, &id, "verify", json!({ "method": "otp" })).await;
    assert_eq!(
        (v["state"].as_str(), v["verification"]["code_pending"].as_bool()),
        (Some("verifying-identity"), Some(true))
    );
    let sent = r.wait_calls("notify", 1).await;
    let code = sent[0].body["code"].as_str().unwrap().to_owned();
    assert_eq!((code.len(), sent[0].body["to"]["phone"].as_str()), (6, Some("+86 138 0013 8000")));
    assert!(sent[0].body["message"]["zh-CN"].as_str().unwrap().contains(&code));
    // Once delivered, the code is in no gebao record: the delivery shows no payload.
    let v = wait_for(&s, &id, "the code delivered", |v| deliveries(v, "otp")[0]["state"] == "delivered").await;
    assert!(!v.to_string().contains(&format!("\"{code}\"")), "{v}");

    let wrong = if code == "000000" { "111111" } else { "000000" };
    let r1 = s.post(&format!("/v1/requests/{id}/otp"), &json!({ "code": wrong })).await;
    assert_eq!(r1.problem(422).as_deref(), Some("code"));
    assert!(r1.json()["detail"].as_str().unwrap().contains('4'), "{}", r1.body);
    assert_eq!(
        s.post(&format!("/v1/requests/{id}/otp"), &json!({ "code": "12ab" })).await.problem(422).as_deref(),
        Some("code")
    );
    let v = act(&s, &id, "otp", json!({ "code": code })).await;
    assert_eq!((v["state"].as_str(), v["verification"]["attempts"].as_u64()), (Some("in-progress"), Some(2)));
    assert_eq!(v["verification"]["verified_as"], "u1");

    // Five wrong codes: refused as identity-unverified, with the remedy.
    let v = file(&s, json!({ "kind": "copy", "subject": "u1" })).await;
    let id = v["id"].as_str().unwrap().to_owned();
    act(&s, &id, "verify", json!({ "method": "otp" })).await;
    let code = r.wait_calls("notify", 2).await[1].body["code"].as_str().unwrap().to_owned();
    let wrong = if code == "999999" { "888888" } else { "999999" };
    for i in 1..=5 {
        let res = s.post(&format!("/v1/requests/{id}/otp"), &json!({ "code": wrong })).await;
        assert_eq!(res.problem(422).as_deref(), Some("code"), "attempt {i}");
    }
    let v = get(&s, &id).await;
    assert_eq!((v["state"].as_str(), v["refusal"]["reason"].as_str()), (Some("refused"), Some("identity-unverified")));
    assert_eq!(v["verification"]["attempts"], 5);
    assert!(events(&v).contains(&"identity-failed".to_owned()));
    // Even the right code is too late now.
    let late = s.post(&format!("/v1/requests/{id}/otp"), &json!({ "code": code })).await;
    assert_eq!(late.problem(409).as_deref(), Some("code"));
    // The user is told of the refusal through the notifier.
    let notices = r.wait_calls("notify", 3).await;
    assert!(notices.iter().any(|c| c.body["kind"] == "request-notice" && c.body["state"] == "refused"));

    // No contact point: no code can be sent.
    let v = file(&s, json!({ "kind": "access", "subject": "nophone" })).await;
    let res = s.post(&format!("/v1/requests/{}/verify", v["id"].as_str().unwrap()), &json!({ "method": "otp" })).await;
    assert_eq!(res.problem(409).as_deref(), Some("method"));
    s.stop().await;
}

async fn repeated_requests_charged(kit: Kit) {
    let r = Receiver::start().await;
    let text = manifest(&r).replace("free = 4", "free = 2");
    let (s, _dir) = start(&kit, &r, &text).await;
    s.register("u1", json!({})).await;
    for _ in 0..2 {
        let v = file(&s, json!({ "kind": "access", "subject": "u1" })).await;
        assert!(v["fee"].is_null(), "{v}");
    }
    let v = file(&s, json!({ "kind": "access", "subject": "u1" })).await;
    assert_eq!((v["state"].as_str(), v["fee"]["basis"].as_str()), (Some("received"), Some("cost")));
    assert_eq!(v["fee"]["previous_in_period"], 2);
    assert!(v["fee"]["text"].as_str().unwrap().contains("成本"));
    // Other kinds count separately, and withdrawals are always free (PIPL 15).
    assert!(file(&s, json!({ "kind": "copy", "subject": "u1" })).await["fee"].is_null());
    s.stop().await;
}

async fn repeated_requests_refused(kit: Kit) {
    let r = Receiver::start().await;
    let text = manifest(&r).replace("free = 4", "free = 1").replace("then = \"charge\"", "then = \"refuse\"");
    let (s, _dir) = start(&kit, &r, &text).await;
    s.register("u1", json!({})).await;
    file(&s, json!({ "kind": "access", "subject": "u1" })).await;
    let v = file(&s, json!({ "kind": "access", "subject": "u1" })).await;
    assert_eq!(v["state"], "refused");
    assert_eq!(v["refusal"]["reason"], "manifestly-unfounded-or-excessive");
    assert!(v["refusal"]["explanation"].as_str().unwrap().contains("合理范围"));
    assert!(!v["refusal"]["remedy_en"].as_str().unwrap().is_empty());
    s.stop().await;
}

async fn due_date_over_national_day(kit: Kit) {
    let r = Receiver::start().await;
    let (s, _dir) = start(&kit, &r, &manifest(&r)).await;
    s.register("u1", json!({})).await;
    // Filed on the eve of the National Day holiday (10-01 – 10-07, make-up day 10-10):
    // day 1 is 10-08, and the 15th working day is Tuesday 10-27.
    let v = file(
        &s,
        json!({ "kind": "correction", "subject": "u1", "received_at": "2026-09-30T10:00:00+08:00",
        "details": { "corrections": [{ "field": "nickname", "value": "新昵称" }] } }),
    )
    .await;
    assert_eq!(v["due"]["date"], "2026-10-27");
    assert_eq!(v["due"]["at"], "2026-10-27T15:59:59.999+00:00");
    assert_eq!((v["due"]["estimated"].as_bool(), v["due"]["overdue"].as_bool()), (Some(false), Some(true)));
    let bad = s
        .post("/v1/requests", &json!({ "kind": "access", "subject": "u1", "received_at": "2099-01-01T00:00:00Z" }))
        .await;
    assert_eq!(bad.problem(422).as_deref(), Some("received_at"));
    s.stop().await;
}

async fn overdue_listing(kit: Kit) {
    let r = Receiver::start().await;
    let (s, _dir) = start(&kit, &r, &manifest(&r)).await;
    s.register("u1", json!({})).await;
    let late = file(
        &s,
        json!({ "kind": "complaint", "subject": "u1", "received_at": "2026-09-30T10:00:00+08:00",
        "details": { "text": "客服未答复" } }),
    )
    .await;
    let fresh = file(&s, json!({ "kind": "access", "subject": "u1" })).await;
    let done =
        file(&s, json!({ "kind": "deletion", "subject": "u1", "received_at": "2026-09-01T10:00:00+08:00" })).await;
    act(&s, done["id"].as_str().unwrap(), "withdraw", json!({})).await;
    let ids = |path: &str| {
        let s = &s;
        let path = path.to_owned();
        async move {
            let res = s.get(&path).await;
            assert_eq!(res.status, 200, "{}", res.body);
            res.json()["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    let (late_id, fresh_id) = (late["id"].as_str().unwrap(), fresh["id"].as_str().unwrap());
    assert_eq!(ids("/v1/requests?overdue=true").await, [late_id]);
    let soon = ids("/v1/requests?due_within=30d").await;
    assert!(soon.contains(&fresh_id.to_owned()) && soon.contains(&late_id.to_owned()) && soon.len() == 2);
    assert_eq!(ids("/v1/requests?due_within=1d&state=received").await, [late_id]);
    assert_eq!(ids("/v1/requests?state=withdrawn").await.len(), 1);
    assert_eq!(ids("/v1/requests?kind=access").await, [fresh_id]);
    assert_eq!(s.get("/v1/requests?due_within=soon").await.problem(400).as_deref(), Some("due_within"));
    assert_eq!(s.get("/v1/requests?state=lost").await.problem(400).as_deref(), Some("state"));
    // Paging by cursor.
    let page = s.get("/v1/requests?limit=2").await.json();
    let next = page["next"].as_str().unwrap();
    assert_eq!(s.get(&format!("/v1/requests?limit=2&after={next}")).await.json()["items"].as_array().unwrap().len(), 1);

    // The monitor: the metric, and one notice to the operator per request and threshold.
    // (The withdrawn request was overdue too until it was withdrawn: the monitor may have
    // told of it in between, so only the late request's notices are counted.)
    let about = |id: &str| r.calls("operator").into_iter().filter(|c| c.body["request"] == id).collect::<Vec<_>>();
    gebao_testkit::within(std::time::Duration::from_secs(15), || async { !about(late_id).is_empty() }).await;
    let notice = about(late_id);
    assert_eq!((notice[0].body["kind"].as_str(), notice[0].body["overdue"].as_bool()), (Some("deadline"), Some(true)));
    let mut metrics = String::new();
    for _ in 0..100 {
        metrics = s.get("/metrics").await.body;
        if metrics.contains("gebao_requests_overdue 1") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(30)).await;
    }
    assert!(metrics.contains("gebao_requests_overdue 1"), "{metrics}");
    assert!(metrics.contains("gebao_requests_due_soon 0"), "{metrics}");
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert_eq!(about(late_id).len(), 1, "the notice is sent once");
    assert!(about(fresh_id).is_empty(), "a request due in 15 working days is neither overdue nor due soon");
    s.stop().await;
}

gebao_testkit::on_both_engines!(crate::common::run;
    lifecycle_happy_path,
    guardian_and_relatives,
    otp_success_and_lockout,
    repeated_requests_charged,
    repeated_requests_refused,
    due_date_over_national_day,
    overdue_listing,
);

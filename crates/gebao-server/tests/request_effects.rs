//! What rights requests do, over HTTP on SQLite and PostgreSQL: withdrawal, restriction and
//! explanation change decisions at once; cancellation waits for the operator's blockers
//! (seed 002's paid plan) and then erases gebao's own records; deletion is propagated to
//! recipients with retries and acknowledgements; and the work is carried out against an
//! operator database (a SQLite file) declared as a dataset.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod reqkit;

use common::*;
use gebao_connectors::Connections;
use reqkit::*;
use serde_json::json;
use sqlx::SqlitePool;

async fn withdrawal_restriction_explanation(kit: Kit) {
    let r = Receiver::start().await;
    let (s, _dir) = start(&kit, &r, &manifest(&r)).await;
    s.register("u1", json!({ "age": 30 })).await;
    s.consent("u1", "grant", purpose("recommend"), json!({})).await;
    assert_eq!(s.decide("u1", "recommend", &["browsing"]).await, (true, None));

    // PIPL 15: a withdrawal request takes effect the moment identity is verified.
    let v = file(&s, json!({ "kind": "withdrawal", "subject": "u1", "details": { "scopes": [purpose("recommend")] } }))
        .await;
    let v = vouch(&s, v["id"].as_str().unwrap(), "u1").await;
    assert_eq!(v["state"], "completed");
    assert_eq!(v["result"]["withdrawn"][0]["scope"], "purpose:recommend");
    assert_eq!(s.decide("u1", "recommend", &["browsing"]).await, (false, Some("consent-withdrawn".into())));
    let ledger = s.get("/v1/subjects/u1/consents").await.json();
    assert_eq!(ledger["history"].as_array().unwrap().last().unwrap()["evidence"]["request"], v["id"]);
    let bad = s
        .post(
            "/v1/requests",
            &json!({ "kind": "withdrawal", "subject": "u1", "details": { "scopes": [purpose("nope")] } }),
        )
        .await;
    assert_eq!(bad.problem(422).as_deref(), Some("details.scopes[0].purpose"));

    // PIPL 24: the explanation is the manifest's, and the opt-out is recorded at once.
    s.consent("u1", "grant", purpose("recommend"), json!({})).await;
    let v = file(
        &s,
        json!({ "kind": "explanation", "subject": "u1", "details": { "purpose": "recommend", "opt_out": true } }),
    )
    .await;
    let v = vouch(&s, v["id"].as_str().unwrap(), "u1").await;
    assert_eq!(v["state"], "completed");
    let e = &v["result"]["explanations"][0];
    assert_eq!(e["description"], "根据您的浏览记录计算兴趣标签并排序内容");
    assert_eq!(e["opt_out"], "我的-设置-隐私-个性化推荐（关闭后立即生效）");
    assert_eq!(v["result"]["opted_out"][0]["scope"], "personalisation");
    assert_eq!(s.decide("u1", "recommend", &["browsing"]).await, (false, Some("personalisation-opted-out".into())));
    s.consent("u1", "grant", json!({ "kind": "personalisation" }), json!({})).await;

    // PIPL 44: restriction at once, and reversible.
    let v = file(&s, json!({ "kind": "restriction", "subject": "u1", "details": { "reason": "暂停处理" } })).await;
    let v = vouch(&s, v["id"].as_str().unwrap(), "u1").await;
    assert_eq!((v["state"].as_str(), v["result"]["status"].as_str()), (Some("completed"), Some("restricted")));
    assert_eq!(s.decide("u1", "recommend", &["browsing"]).await, (false, Some("subject-restricted".into())));
    assert_eq!(s.decide("u1", "security_logs", &["ip_log"]).await, (true, None));
    let res = s.post("/v1/subjects/u1/unrestrict", &json!({})).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(s.decide("u1", "recommend", &["browsing"]).await, (true, None));
    // Nothing to execute for these kinds.
    let ex = s.post(&format!("/v1/requests/{}/execute", v["id"].as_str().unwrap()), &json!({})).await;
    assert_eq!(ex.problem(409).as_deref(), Some("kind"));

    // A complaint is tracked with its deadline and closed by the operator's reply.
    let c = file(&s, json!({ "kind": "complaint", "subject": "u1", "details": { "text": "推送太多" } })).await;
    assert_eq!(c["due"]["deadline"], "15 working days");
    let id = c["id"].as_str().unwrap();
    vouch(&s, id, "u1").await;
    let no_reply = s.post(&format!("/v1/requests/{id}/execute"), &json!({})).await;
    assert_eq!(no_reply.problem(422).as_deref(), Some("reply"));
    let v = act(&s, id, "execute", json!({ "reply": "已调整推送频率", "reply_en": "Push frequency reduced" })).await;
    assert_eq!(
        (v["state"].as_str(), v["result"]["reply"]["zh-CN"].as_str()),
        (Some("completed"), Some("已调整推送频率"))
    );
    s.stop().await;
}

async fn cancellation_blocked_then_cleared(kit: Kit) {
    let r = Receiver::start().await;
    r.answer("operator", 200, json!({ "blockers": [{ "id": "paid-plan" }] }));
    r.answer("operator", 200, json!({ "blockers": [] }));
    let (s, _dir) = start(&kit, &r, &manifest(&r)).await;
    s.register("u1", json!({ "age": 30, "phone": "13800138000", "email": "u1@example.cn" })).await;
    s.consent("u1", "grant", purpose("recommend"), json!({})).await;

    let v = file(&s, json!({ "kind": "cancellation", "subject": "u1" })).await;
    let id = v["id"].as_str().unwrap().to_owned();
    let v = vouch(&s, &id, "u1").await;
    assert_eq!(v["state"], "in-progress");
    // The operator is asked, answers "paid plan", and the user is told (seed 002).
    let v = wait_for(&s, &id, "blockers reported", |v| v["result"]["blockers"].is_array()).await;
    assert_eq!(v["result"]["blockers"][0]["id"], "paid-plan");
    assert_eq!(v["result"]["blockers"][0]["description"], "付费服务期限未满，请先处理");
    assert_eq!(v["state"], "in-progress");
    let asked = r.calls("operator");
    assert_eq!(
        (asked[0].body["kind"].as_str(), asked[0].body["user"].as_str()),
        (Some("cancellation-blockers"), Some("u1"))
    );
    assert!(asked[0].signed, "every delivery is signed");
    let told = r.wait_calls("notify", 1).await;
    assert!(told[0].body["message"]["zh-CN"].as_str().unwrap().contains("付费服务期限未满"), "{:?}", told[0].body);

    // Blocked: nothing is erased; the operator is asked again.
    let blocked = s.post(&format!("/v1/requests/{id}/execute"), &json!({})).await;
    assert_eq!(blocked.problem(409).as_deref(), Some("blockers"));
    assert_eq!(s.decide("u1", "recommend", &["browsing"]).await, (true, None));
    let v = wait_for(&s, &id, "blockers cleared", |v| v["result"]["blockers"] == json!([])).await;
    assert_eq!(v["state"], "in-progress");

    let v = act(&s, &id, "execute", json!({})).await;
    assert_eq!(v["state"], "completed");
    // gebao's own records: erased — the subject answers 410, contact points are gone, the
    // request names a pseudonym, decisions deny at once.
    assert_eq!(s.decide("u1", "recommend", &["browsing"]).await, (false, Some("subject-cancelled".into())));
    assert_eq!(s.get("/v1/subjects/u1").await.problem(410).as_deref(), Some("id"));
    assert_eq!(s.get("/v1/subjects/u1/consents").await.problem(410).as_deref(), Some("id"));
    assert!(s.get("/v1/subjects?phone=13800138000").await.json().as_array().unwrap().is_empty());
    assert!(v["subject"].as_str().unwrap().starts_with("p_"), "{v}");
    assert_eq!(v["verification"]["verified_as"], v["subject"]);
    assert!(v["details"].is_null());
    // The deletion went on to the recipients, and the proof (ledger, audit) is intact,
    // naming the pseudonym only.
    assert_eq!(deliveries(&v, "recipient-deletion").len(), 2);
    let log = s.get("/v1/audit?limit=1000").await.json();
    let items = log["items"].as_array().unwrap();
    assert!(items.iter().any(|a| a["action"] == "subject.erase"));
    assert!(!log.to_string().contains("\"u1\"") && !log.to_string().contains("subject:u1"), "{log}");
    assert!(s.state.store.verify(None).await.unwrap().is_intact());
    s.stop().await;
}

async fn deletion_propagated_with_retry(kit: Kit) {
    let r = Receiver::start().await;
    r.answer("recipient/push", 500, json!({ "error": "busy" }));
    r.answer("recipient/push", 200, json!({ "acknowledged": true, "ticket": "DEL-1" }));
    let (s, _dir) = start(&kit, &r, &manifest(&r)).await;
    s.register("u1", json!({})).await;
    let v = file(&s, json!({ "kind": "deletion", "subject": "u1", "details": { "fields": ["device_id"] } })).await;
    let id = v["id"].as_str().unwrap().to_owned();
    vouch(&s, &id, "u1").await;
    let plan = act(&s, &id, "execute?dry_run=true", json!({})).await;
    let told: Vec<&str> =
        plan["plan"]["recipients"].as_array().unwrap().iter().map(|t| t["recipient"].as_str().unwrap()).collect();
    assert_eq!(told, ["push-sdk"], "only the recipient of the erased field");
    act(&s, &id, "approve", json!({})).await;
    act(&s, &id, "execute", json!({})).await;

    // First answer 500, then delivered after the backoff, acknowledged in the answer.
    let v = wait_for(&s, &id, "the deletion notice delivered", |v| {
        deliveries(v, "recipient-deletion").first().is_some_and(|d| d["state"] == "delivered")
    })
    .await;
    let d = deliveries(&v, "recipient-deletion")[0];
    assert_eq!((d["attempts"].as_u64(), d["acknowledged"].as_bool()), (Some(2), Some(true)), "{d}");
    // The answer is understood, never relayed: gebao records who acknowledged, not what
    // the recipient said.
    assert_eq!(d["ack"], json!({ "by": "recipient", "via": "delivery-answer" }));
    assert!(!v.to_string().contains("DEL-1") && !v.to_string().contains("busy"), "{v}");
    assert_eq!(d["recipient"], "push-sdk");
    let calls = r.calls("recipient/push");
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].outbox_id, calls[1].outbox_id, "a retry carries the same idempotency key");
    assert_eq!(calls[0].body["fields"], json!(["device_id"]));
    assert!(calls.iter().all(|c| c.signed), "every delivery is signed");
    // The recipient acknowledges with the delivery's own token, no API key; a wrong token,
    // or the token of another delivery, is refused.
    let path = calls[0].body["acknowledge"]["path"].as_str().unwrap().to_owned();
    let token = calls[0].body["acknowledge"]["token"].as_str().unwrap().to_owned();
    let wrong = s.post_as(&path, None, &json!({ "token": "A".repeat(43) })).await;
    assert_eq!(wrong.problem(401), None);
    let elsewhere = s.post_as("/v1/outbox/obx_other/ack", None, &json!({ "token": token })).await;
    assert_eq!(elsewhere.problem(401), None);
    let ok = s.post_as(&path, None, &json!({ "token": token, "reference": "DEL-2" })).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.json()["ack"]["by"], "recipient");

    // A manual channel (email) waits for someone to acknowledge it.
    let v = file(&s, json!({ "kind": "deletion", "subject": "u1", "details": { "fields": ["nickname"] } })).await;
    let id = v["id"].as_str().unwrap().to_owned();
    vouch(&s, &id, "u1").await;
    act(&s, &id, "approve", json!({})).await;
    let v = act(&s, &id, "execute", json!({})).await;
    let m = deliveries(&v, "recipient-deletion")[0].clone();
    assert_eq!(
        (m["channel"].as_str(), m["state"].as_str(), m["target"].as_str()),
        (Some("manual"), Some("manual"), Some("dpo@cloud.example.cn"))
    );
    assert_eq!(v["result"]["propagation"][0]["state"], "manual");
    let oid = m["id"].as_str().unwrap();
    let ack = s.post(&format!("/v1/outbox/{oid}/ack"), &json!({ "reference": "邮件回执 2026-11-23" })).await;
    assert_eq!(ack.status, 200, "{}", ack.body);
    let v = get(&s, &id).await;
    let m = deliveries(&v, "recipient-deletion")[0];
    assert_eq!((m["state"].as_str(), m["acknowledged"].as_bool()), (Some("delivered"), Some(true)));
    assert_eq!(m["ack"]["reference"], "邮件回执 2026-11-23");
    assert_eq!(s.post("/v1/outbox/obx_nope/ack", &json!({})).await.problem(404).as_deref(), Some("id"));
    s.stop().await;
}

const OPERATOR_DB: &str = "
CREATE TABLE users (id TEXT PRIMARY KEY, phone TEXT, nickname TEXT);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users (id), body TEXT);
INSERT INTO users VALUES ('u1', '13800138000', '小明'), ('u2', '13900139000', '小红');
INSERT INTO posts VALUES (1, 'u1', '你好世界'), (2, 'u1', '第二条'), (3, 'u2', '别人的');
";

fn with_dataset(text: &str) -> String {
    format!(
        "{text}\n[[datasets]]\nid = \"app\"\nname = \"业务库\"\nengine = \"sqlite\"\nconnection = \"app\"\n\n\
         [[datasets.tables]]\nname = \"users\"\nlabel = \"用户\"\nsubject = \"id\"\nerase = \"delete-row\"\n\
         columns.phone = {{ field = \"phone\" }}\ncolumns.nickname = {{ field = \"nickname\" }}\n\n\
         [[datasets.tables]]\nname = \"posts\"\nlabel = \"动态\"\nsubject = \"user_id\"\nerase = \"delete-row\"\n\
         columns.body = {{ field = \"posts\" }}\n"
    )
}

async fn count(db: &SqlitePool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(db).await.unwrap()
}

async fn execution_against_operator_database(kit: Kit) {
    let r = Receiver::start().await;
    let dbdir = tempfile::tempdir().unwrap();
    let (db_url, db) = operator_sqlite(dbdir.path(), OPERATOR_DB).await;
    let connections = Connections::new([("app", &db_url)]).unwrap();
    let (s, _dir) = start_with(&kit, &r, &with_dataset(&manifest(&r)), Some(connections)).await;
    s.register("u1", json!({})).await;

    // Access (PIPL 45): the copy, with zh-CN labels, from the operator's tables.
    let v = file(&s, json!({ "kind": "access", "subject": "u1" })).await;
    let id = v["id"].as_str().unwrap().to_owned();
    assert_eq!(s.get(&format!("/v1/requests/{id}/bundle")).await.problem(409).as_deref(), Some("state"));
    vouch(&s, &id, "u1").await;
    let plan = act(&s, &id, "execute?dry_run=true", json!({})).await;
    assert_eq!(plan["plan"]["rows"], 3);
    let v = act(&s, &id, "execute", json!({})).await;
    assert_eq!((v["state"].as_str(), v["result"]["bundle"]["rows"].as_u64()), (Some("completed"), Some(3)));
    let zip = s.get(&format!("/v1/requests/{id}/bundle")).await;
    assert_eq!((zip.status, zip.content_type.as_str()), (200, "application/zip"));
    assert!(zip.body.starts_with("PK"));
    for needle in ["data.json", "index.html", "你好世界", "小明", "用户"] {
        assert!(zip.body.contains(needle), "{needle} missing from the copy");
    }
    assert!(!zip.body.contains("别人的"), "another user's row is in the copy");
    // A valid archive (streamed with ZIP64 data descriptors), every entry readable.
    let bytes = s.get_bytes(&format!("/v1/requests/{id}/bundle")).await;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let names: Vec<String> = (0..archive.len()).map(|i| archive.by_index(i).unwrap().name().to_owned()).collect();
    assert!(names.iter().any(|n| n == "data.json") && names.iter().any(|n| n.ends_with(".csv")), "{names:?}");

    // Correction (PIPL 46).
    let v = file(&s, json!({ "kind": "correction", "subject": "u1", "details": { "corrections": [{ "field": "nickname", "value": "大明" }] } })).await;
    let id = v["id"].as_str().unwrap().to_owned();
    vouch(&s, &id, "u1").await;
    act(&s, &id, "approve", json!({})).await;
    let v = act(&s, &id, "execute", json!({})).await;
    assert_eq!(v["state"], "completed");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM users WHERE id = 'u1' AND nickname = '大明'").await, 1);

    // Deletion (PIPL 47): the dry run shows the statements and changes nothing.
    let v = file(&s, json!({ "kind": "deletion", "subject": "u1" })).await;
    let id = v["id"].as_str().unwrap().to_owned();
    vouch(&s, &id, "u1").await;
    let plan = act(&s, &id, "execute?dry_run=true", json!({})).await;
    assert!(plan["plan"]["rows"].as_u64().unwrap() >= 3, "{plan}");
    let sql = plan["plan"]["plans"][0]["datasets"][0]["statements"][0]["sql"].as_str().unwrap();
    assert!(sql.contains("DELETE") || sql.contains("UPDATE"), "{sql}");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM posts WHERE user_id = 'u1'").await, 2);
    act(&s, &id, "approve", json!({})).await;
    let v = act(&s, &id, "execute", json!({})).await;
    assert_eq!(v["state"], "completed");
    assert_eq!(v["progress"], json!(["app"]));
    assert_eq!(count(&db, "SELECT COUNT(*) FROM users WHERE id = 'u1'").await, 0);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM posts WHERE user_id = 'u1'").await, 0);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM posts WHERE user_id = 'u2'").await, 1, "another user's rows stay");
    // A full deletion erases every field, stored here or not: the cloud (phone, nickname,
    // posts) is told, and so is the push SDK, which received `device_id` from the app although
    // the operator's database holds none (never skip a recipient that received data).
    let mut told: Vec<&str> =
        deliveries(&v, "recipient-deletion").iter().map(|d| d["recipient"].as_str().unwrap()).collect();
    told.sort_unstable();
    assert_eq!(told, ["cloud", "push-sdk"]);
    // …and gebao denies those fields from now on.
    assert_eq!(s.decide("u1", "register", &["phone"]).await, (false, Some("field-erased".into())));
    s.stop().await;
}

/// A database that is not there mid-erasure: the request stays in progress with the
/// datasets already done recorded, and a retry resumes after them.
async fn failed_erasure_resumes(kit: Kit) {
    let r = Receiver::start().await;
    let dbdir = tempfile::tempdir().unwrap();
    let (db_url, db) = operator_sqlite(dbdir.path(), OPERATOR_DB).await;
    let archive_dir = dbdir.path().join("archive");
    let archive_url = format!("sqlite://{}", archive_dir.join("archive.db").display());
    let text = format!(
        "{}\n[[datasets]]\nid = \"archive\"\nengine = \"sqlite\"\nconnection = \"archive\"\n\n\
         [[datasets.tables]]\nname = \"old_posts\"\nsubject = \"user_id\"\nerase = \"delete-row\"\n\
         columns.body = {{ field = \"posts\" }}\n",
        with_dataset(&manifest(&r))
    );
    let connections = Connections::new([("app", &db_url), ("archive", &archive_url)]).unwrap();
    let (s, _dir) = start_with(&kit, &r, &text, Some(connections)).await;
    s.register("u1", json!({})).await;
    let v = file(&s, json!({ "kind": "deletion", "subject": "u1" })).await;
    let id = v["id"].as_str().unwrap().to_owned();
    vouch(&s, &id, "u1").await;
    act(&s, &id, "approve", json!({})).await;

    // The archive database is not there: the first dataset is erased, the request is not
    // reported as done.
    let res = s.post(&format!("/v1/requests/{id}/execute"), &json!({})).await;
    res.problem(503);
    let v = get(&s, &id).await;
    assert_eq!((v["state"].as_str(), v["progress"].clone()), (Some("in-progress"), json!(["app"])));
    assert_eq!(events(&v).last().map(String::as_str), Some("fail"));
    assert!(deliveries(&v, "recipient-deletion").is_empty(), "nothing propagated before the erasure is done");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM users WHERE id = 'u1'").await, 0);

    // The database comes back: the retry skips `app` and finishes.
    std::fs::create_dir_all(&archive_dir).unwrap();
    let archive = SqlitePool::connect(&format!("{archive_url}?mode=rwc")).await.unwrap();
    sqlx::raw_sql("CREATE TABLE old_posts (id INTEGER PRIMARY KEY, user_id TEXT, body TEXT); INSERT INTO old_posts VALUES (1, 'u1', '旧动态');")
        .execute(&archive)
        .await
        .unwrap();
    let v = act(&s, &id, "execute", json!({})).await;
    assert_eq!((v["state"].as_str(), v["progress"].clone()), (Some("completed"), json!(["app", "archive"])));
    assert_eq!(count(&archive, "SELECT COUNT(*) FROM old_posts WHERE user_id = 'u1'").await, 0);
    s.stop().await;
}

/// PIPL 47 with a legal hold: a recipient whose data the operator keeps under a legal
/// minimum is not told to delete (the request says why); one that received erased fields is
/// told about exactly those.
async fn held_fields_are_not_propagated(kit: Kit) {
    let r = Receiver::start().await;
    let dbdir = tempfile::tempdir().unwrap();
    let (db_url, db) = operator_sqlite(dbdir.path(), OPERATOR_DB).await;
    sqlx::raw_sql(&format!(
        "CREATE TABLE logs (id INTEGER PRIMARY KEY, user_id TEXT, device TEXT, at TEXT); \
         INSERT INTO logs VALUES (1, 'u1', 'dev-1', '{}');",
        chrono::Utc::now().format("%Y-%m-%d %H:%M:%S")
    ))
    .execute(&db)
    .await
    .unwrap();
    let text = format!(
        "{}\n[[datasets.tables]]\nname = \"logs\"\nsubject = \"user_id\"\nerase = \"delete-row\"\n\
         columns.device = {{ field = \"device_id\" }}\nhold = {{ purpose = \"security_logs\", since = \"at\" }}\n",
        with_dataset(&manifest(&r))
    );
    let connections = Connections::new([("app", &db_url)]).unwrap();
    let (s, _dir) = start_with(&kit, &r, &text, Some(connections)).await;
    s.register("u1", json!({})).await;
    let v = file(&s, json!({ "kind": "deletion", "subject": "u1" })).await;
    let id = v["id"].as_str().unwrap().to_owned();
    vouch(&s, &id, "u1").await;
    act(&s, &id, "approve", json!({})).await;
    let v = act(&s, &id, "execute", json!({})).await;
    assert_eq!(v["state"], "completed");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM logs WHERE user_id = 'u1'").await, 1, "the log is kept (CSL 21)");
    let told: Vec<&str> =
        deliveries(&v, "recipient-deletion").iter().map(|d| d["recipient"].as_str().unwrap()).collect();
    assert_eq!(told, ["cloud"], "the push SDK received only `device_id`, which is kept: not told");
    let propagation = v["result"]["propagation"].as_array().unwrap();
    let push = propagation.iter().find(|p| p["recipient"] == "push-sdk").unwrap();
    assert_eq!((push["state"].as_str(), push["held"].clone()), (Some("held"), json!(["device_id"])));
    // gebao denies the erased fields from now on, not the kept one.
    assert_eq!(s.decide("u1", "register", &["phone"]).await, (false, Some("field-erased".into())));
    assert_ne!(s.decide("u1", "security_logs", &["device_id"]).await.1.as_deref(), Some("field-erased"));
    s.stop().await;
}

gebao_testkit::on_both_engines!(crate::common::run;
    withdrawal_restriction_explanation,
    cancellation_blocked_then_cleared,
    deletion_propagated_with_retry,
    execution_against_operator_database,
    failed_erasure_resumes,
    held_fields_are_not_propagated,
);

//! Ending the service (TRM-01; issue: "a termination stops collection on its date and
//! erases the operator's test database"): an end is announced only on a day that keeps the
//! manifest's notice, published in the privacy centre and queued to the notifier; from its
//! day decisions deny `service-ended` and no consent or registration is taken; then the
//! operator's database (on MariaDB) is erased with the rows under a legal hold kept, gebao's
//! own records of the users too, and the final report says what was done. On SQLite and
//! PostgreSQL stores.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod reqkit;

use chrono::{NaiveDate, TimeDelta, Utc};
use common::*;
use gebao_connectors::Connections;
use gebao_core::calendar::Calendar;
use gebao_core::termination::{earliest_end, end_instant};
use gebao_testkit::{DbKind, TestDb};
use reqkit::Receiver;
use serde_json::{Value, json};

/// The clean manifest (30 days of notice, then delete) with a MariaDB dataset: accounts,
/// and login logs kept 6 months under the network-log legal minimum.
fn manifest() -> String {
    format!(
        "{}\n[[datasets]]\nid = \"shop\"\nengine = \"mysql\"\nconnection = \"shop\"\n\n\
         [[datasets.tables]]\nname = \"users\"\nkey = \"id\"\nsubject = \"id\"\nerase = \"delete-row\"\n\
         columns.phone = {{ field = \"phone\" }}\n\n\
         [[datasets.tables]]\nname = \"logs\"\nsubject = \"user_id\"\nerase = \"delete-row\"\n\
         columns.ip = {{ field = \"ip_log\" }}\nhold = {{ purpose = \"security_logs\", since = \"at\" }}\n",
        clean_text()
    )
}

/// Three users; u1 has an old log (past 6 months) and a recent one.
async fn operator_db() -> Option<TestDb> {
    let db = TestDb::create(DbKind::Mysql, "gebao_end").await?;
    let raw = db.raw().await;
    raw.exec("CREATE TABLE users (id VARCHAR(32) PRIMARY KEY, phone VARCHAR(32))").await;
    raw.exec("CREATE TABLE logs (id INT PRIMARY KEY, user_id VARCHAR(32), ip VARCHAR(64), at DATETIME)").await;
    raw.exec("INSERT INTO users VALUES ('u1', '13800000001'), ('u2', '13800000002'), ('u3', '13800000003')").await;
    let at = |days: i64| (Utc::now() - TimeDelta::days(days)).format("%Y-%m-%d %H:%M:%S").to_string();
    raw.exec(&format!(
        "INSERT INTO logs VALUES (1, 'u1', '10.0.0.1', '{}'), (2, 'u1', '10.0.0.2', '{}')",
        at(400),
        at(3)
    ))
    .await;
    raw.close().await;
    Some(db)
}

async fn start(kit: &Kit, db: &TestDb, notifier: &Receiver) -> (Server, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gebao.toml");
    std::fs::write(&path, manifest()).unwrap();
    let mut cfg = kit.config();
    cfg.manifest = Some(path);
    cfg.egress = notifier.egress();
    cfg.requests.notifier_url = Some(notifier.url("/notify"));
    cfg.requests.connections = Some(Connections::new([("shop", db.url.as_str())]).unwrap());
    (Server::start(cfg).await, dir)
}

fn earliest() -> NaiveDate {
    let m = gebao_core::load_manifest(&clean_text()).unwrap();
    earliest_end(&m, Utc::now(), &Calendar::builtin())
}

async fn an_end_stops_collection_on_its_day_and_erases_the_operator_database(kit: Kit) {
    let Some(db) = operator_db().await else { return };
    let notifier = Receiver::start().await;
    let (s, _dir) = start(&kit, &db, &notifier).await;
    for u in ["u1", "u2"] {
        s.register(u, json!({})).await;
    }
    s.consent("u1", "grant", purpose("recommend"), json!({})).await;
    assert_eq!(s.decide("u1", "recommend", &["browsing"]).await, (true, None));
    assert_eq!(s.get("/v1/termination").await.status, 404, "nothing announced");

    // Thirty days of notice: a day earlier is refused, naming the earliest day.
    let day = earliest();
    let short = s.post("/v1/termination", &json!({ "end_day": day.pred_opt().unwrap() })).await;
    assert_eq!(short.problem(422).as_deref(), Some("end_day"), "{}", short.body);
    assert!(short.body.contains(&day.to_string()), "{}", short.body);
    // A dry run shows the notice and records nothing.
    let preview = s.post("/v1/termination", &json!({ "end_day": day, "dry_run": true })).await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    let zh: String = preview.json()["notice"].as_array().unwrap().iter().map(|l| l["zh"].as_str().unwrap()).collect();
    assert!(zh.contains(&day.to_string()) && zh.contains("删除") && zh.contains("六个月"), "{zh}");
    assert_eq!(s.get("/v1/termination").await.status, 404, "a dry run announces nothing");

    // Announced: published in the privacy centre, the users told through the outbox.
    let a = s.post("/v1/termination", &json!({ "end_day": day })).await;
    assert_eq!(a.status, 201, "{}", a.body);
    let v = a.json();
    assert_eq!((v["state"].as_str(), v["ended"].as_bool()), (Some("announced"), Some(false)));
    assert_eq!(s.post("/v1/termination", &json!({ "end_day": day })).await.problem(409).as_deref(), Some("end_day"));
    let page = s.get("/privacy/notices/end").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&day.to_string()) && page.body.contains("停止运营"), "{}", page.body);
    assert!(s.get("/privacy").await.body.contains("/privacy/notices/end"), "the home page says it first");
    assert!(s.get("/privacy/notices?lang=en").await.body.contains("The service ends"));
    // The notifier gets the notice once, to tell every user, with its every item.
    let call = notifier.wait_calls("/notify", 1).await.remove(0);
    assert!(call.signed);
    assert_eq!(
        (call.body["kind"].as_str(), call.body["audience"].as_str()),
        (Some("termination-notice"), Some("all-users"))
    );
    let told = call.body["message"]["zh-CN"].as_str().unwrap();
    assert!(told.contains(&day.to_string()) && told.contains("停止收集") && told.contains("副本"), "{told}");
    assert_eq!(s.get("/v1/termination").await.json()["notices"]["total"], 1);

    // Before the day nothing changes for users.
    assert_eq!(s.decide("u1", "recommend", &["browsing"]).await, (true, None));

    // The day comes (the monitor's pass, on an injected clock).
    let at = end_instant(day) + TimeDelta::minutes(1);
    let done = gebao_server::termination::pass(&s.state, at).await.unwrap().unwrap();
    assert_eq!(done.state, gebao_store::termination::EndState::Disposed, "{done:#?}");
    assert_eq!(s.decide("u1", "recommend", &["browsing"]).await, (false, Some("service-ended".into())));
    // What a legal minimum keeps may still be read.
    assert!(s.decide("u1", "security_logs", &["ip_log"]).await.0, "a legal hold is still read after the end");
    let grant =
        s.post("/v1/consents", &json!({ "subject": "u2", "action": "grant", "scope": purpose("recommend") })).await;
    assert_eq!(grant.problem(409).as_deref(), Some("action"), "{}", grant.body);
    let reg = s.post("/v1/subjects", &json!({ "id": "u9" })).await;
    assert_eq!(reg.problem(409).as_deref(), Some("id"), "{}", reg.body);

    // The operator's database: every phone gone, the old log deleted, the recent log kept
    // (6 months, CSL 21) with the account row it refers to (its phone erased).
    let raw = db.raw().await;
    assert_eq!(raw.rows("users", &["id", "phone"]).await, [vec![Some("u1".to_owned()), None]]);
    assert_eq!(raw.rows("logs", &["id", "ip"]).await, [vec![Some("2".to_owned()), Some("10.0.0.2".to_owned())]]);
    raw.close().await;

    // The final report.
    let r = s.get("/v1/termination").await.json();
    assert_eq!(r["state"], "disposed");
    let report = &r["report"];
    assert_eq!(report["registered_users_erased"], 2);
    let shop = &report["datasets"]["datasets"][0];
    assert_eq!((shop["dataset"].as_str(), shop["subjects"].as_u64()), (Some("shop"), Some(3)), "{report:#}");
    assert_eq!(shop["held"]["logs"]["rows"], 1, "{report:#}");
    assert!(shop["held"]["logs"]["reasons"][0].as_str().unwrap().contains("六个月"), "{report:#}");
    assert!(shop["held"]["logs"]["until"].is_string(), "{report:#}");
    // gebao's own records of the users are gone; the audit chain still verifies.
    assert!(s.state.store.subject("u1").await.unwrap().is_none());
    assert!(s.state.store.verify(None).await.unwrap().is_intact());
    // Past the day, cancelling is refused; another pass changes nothing.
    assert_eq!(s.post("/v1/termination/cancel", &json!({})).await.problem(409).as_deref(), Some("state"));
    let again = gebao_server::termination::pass(&s.state, at + TimeDelta::days(1)).await.unwrap().unwrap();
    assert_eq!(again.version, done.version);
    s.stop().await;
    db.drop_now().await;
}

async fn a_cancelled_end_changes_nothing_and_a_new_one_can_be_announced(kit: Kit) {
    let Some(db) = operator_db().await else { return };
    let notifier = Receiver::start().await;
    let (s, _dir) = start(&kit, &db, &notifier).await;
    s.register("u1", json!({})).await;
    s.consent("u1", "grant", purpose("recommend"), json!({})).await;
    let day = earliest() + chrono::Days::new(10);
    assert_eq!(s.post("/v1/termination", &json!({ "end_day": day })).await.status, 201);
    // Only the right scope may announce or read it.
    let reader = s.key(&[gebao_store::Scope::TerminationRead]).await;
    assert_eq!(s.post_as("/v1/termination/cancel", Some(&reader), &json!({})).await.status, 403);
    let decisions = s.key(&[gebao_store::Scope::DecisionsRead]).await;
    assert_eq!(s.get_as("/v1/termination", Some(&decisions)).await.status, 403);

    let c = s.post("/v1/termination/cancel", &json!({ "reason": "收购方继续运营" })).await;
    assert_eq!(c.status, 200, "{}", c.body);
    assert_eq!(c.json()["state"], "cancelled");
    // The users are told it is off.
    let calls = notifier.wait_calls("/notify", 2).await;
    assert_eq!(calls[1].body["kind"], "termination-cancelled");
    assert_eq!(s.get("/privacy/notices/end").await.status, 404);
    assert!(!s.get("/privacy").await.body.contains("/privacy/notices/end"));
    // The day passes: nothing happens.
    let after = gebao_server::termination::pass(&s.state, end_instant(day) + TimeDelta::hours(1)).await.unwrap();
    assert_eq!(after.unwrap().state, gebao_store::termination::EndState::Cancelled);
    assert_eq!(s.decide("u1", "recommend", &["browsing"]).await, (true, None));
    let raw = db.raw().await;
    assert_eq!(raw.int("SELECT COUNT(*) FROM users WHERE phone IS NOT NULL").await, 3);
    raw.close().await;
    // Another end may be announced now.
    assert_eq!(s.post("/v1/termination", &json!({ "end_day": day })).await.status, 201);
    let audit: Vec<Value> = s.get("/v1/audit?limit=1000").await.json()["items"].as_array().cloned().unwrap_or_default();
    let actions: Vec<&str> =
        audit.iter().filter_map(|e| e["action"].as_str()).filter(|a| a.starts_with("termination.")).collect();
    assert!(actions.contains(&"termination.announce") && actions.contains(&"termination.cancel"), "{actions:?}");
    s.stop().await;
    db.drop_now().await;
}

gebao_testkit::on_both_engines!(crate::common::run;
    an_end_stops_collection_on_its_day_and_erases_the_operator_database,
    a_cancelled_end_changes_nothing_and_a_new_one_can_be_announced,
);

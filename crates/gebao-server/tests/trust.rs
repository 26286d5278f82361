//! What gebao must never do, tried against a running server the way an attacker would
//! (`reviews/2026-12-03-security.md`): send a user's data to a door the operator did not
//! open, show internals on a public route, keep erased bytes, honour a revoked key or an
//! erased subject on another instance.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod reqkit;

use common::{Kind, Kit, operator_sqlite, purpose};
use reqkit::{Receiver, act, file, get, start, start_with, vouch, wait_for};
use serde_json::{Value, json};
use std::time::Duration;

gebao_testkit::on_both_engines!(crate::common::run;
    portability_goes_only_to_allowlisted_destinations,
    public_routes_reveal_nothing_internal,
    erasure_leaves_nothing_behind,
    revocation_reaches_every_instance_within_a_second,
    erasure_reaches_every_instance,
);

use gebao_testkit::within;

/// A portability destination is sent the user's copy only when it is an allowlisted
/// destination; every spelling of loopback, userinfo and link-local is refused at intake,
/// naming the field; the allowed one receives a signed delivery, and what it answers is
/// never shown back.
async fn portability_goes_only_to_allowlisted_destinations(kit: Kit) {
    let r = Receiver::start().await;
    let (s, _dir) = start(&kit, &r, &reqkit::manifest(&r)).await;
    s.register("u1", json!({ "phone": "13912345678" })).await;
    let port = r.base.rsplit(':').next().unwrap().to_owned();
    let other = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    for dest in [
        format!("http://localhost:{port}/steal"),
        format!("http://127.0.0.1:{other}/steal"),
        format!("http://2130706433:{other}/steal"),
        format!("http://0.0.0.0:{port}/steal"),
        format!("http://[::1]:{port}/steal"),
        format!("http://[::ffff:127.0.0.1]:{other}/steal"),
        format!("http://user:pass@127.0.0.1:{port}/steal"),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        "https://attacker.example.com/collect".to_owned(),
    ] {
        let body = json!({ "kind": "portability", "subject": "u1", "details": { "destination": dest } });
        let res = s.post("/v1/requests", &body).await;
        assert_eq!(res.problem(422).as_deref(), Some("details.destination"), "{dest} was accepted: {}", res.body);
        assert!(res.json()["detail_en"].as_str().unwrap().contains("egress."), "{}", res.body);
    }
    assert!(r.calls("steal").is_empty());

    // The allowed destination: delivered, signed; its answer is never relayed.
    r.answer("export", 200, json!({ "acknowledged": true, "internal_secret": "s3cr3t-from-target" }));
    let v = file(&s, json!({ "kind": "portability", "subject": "u1", "details": { "destination": r.url("export") } }))
        .await;
    let id = v["id"].as_str().unwrap().to_owned();
    vouch(&s, &id, "u1").await;
    act(&s, &id, "execute", json!({})).await;
    let calls = r.wait_calls("export", 1).await;
    assert!(calls[0].signed, "the copy is delivered signed");
    assert_eq!(calls[0].body["kind"], "portability");
    let v = wait_for(&s, &id, "the copy delivered", |v| {
        reqkit::deliveries(v, "portability").first().is_some_and(|d| d["state"] == "delivered")
    })
    .await;
    assert!(!v.to_string().contains("s3cr3t-from-target"), "the target's answer leaked: {v}");
    // Nor is a refused URL's credential ever stored.
    assert!(!s.get("/v1/requests?limit=100").await.body.contains("user:pass"));
    s.stop().await;
}

const DATASET: &str = r#"
[[datasets]]
id = "ds_k3q"
engine = "postgres"
connection = "conn_zq8"

[[datasets.tables]]
name = "tbl_orders_x7"
subject = "col_owner_p4"
columns.col_mobile_q9 = { field = "phone" }
hold = { purpose = "publish", since = "col_paid_at_w2" }
"#;

/// Internal names of the fixture: none may appear on a public route.
const INTERNAL: [&str; 7] =
    ["ds_k3q", "conn_zq8", "tbl_orders_x7", "col_owner_p4", "col_mobile_q9", "col_paid_at_w2", "hooks-internal-zz"];

/// Every route the OpenAPI document lists without a security requirement, in every form,
/// answers public facts only: no dataset, connection, table or column name, no deletion
/// endpoint, no counts.
async fn public_routes_reveal_nothing_internal(kit: Kit) {
    let r = Receiver::start().await;
    let text =
        reqkit::manifest(&r).replace(&r.url("recipient/push"), "https://hooks-internal-zz.example/delete") + DATASET;
    // The connection is the server's configuration (a database that is not there: the
    // start-up check reports it, and nothing here needs it).
    let conn = gebao_connectors::Connections::new([("conn_zq8", "postgres://gebao@127.0.0.1:1/nowhere")]).unwrap();
    let (s, _dir) = start_with(&kit, &r, &text, Some(conn)).await;
    s.register("u1", json!({})).await;
    // A manifest naming a connection the server does not have is refused.
    let unknown = text.replace("conn_zq8", "conn_other");
    let res = s.post("/v1/policy/versions", &json!({ "manifest": unknown, "effective": "2026-01-01" })).await;
    assert_eq!(res.problem(422).as_deref(), Some("manifest"));
    assert!(res.body.contains("GEBAO_CONNECTION_CONN_OTHER"), "{}", res.body);
    // A second version, so that archives and diffs exist.
    let v2 = text.replacen(r#"phone = "400-000-0000""#, r#"phone = "400-000-0001""#, 1);
    let res = s.post("/v1/policy/versions", &json!({ "manifest": v2, "effective": "2026-01-01" })).await;
    assert_eq!(res.status, 201, "{}", res.body);
    // A third whose only changes are internal: a column, the deletion endpoint, a new
    // dataset; its public diff is empty.
    let v3 = v2
        .replace("col_mobile_q9", "col_mobile_q9b")
        .replace("https://hooks-internal-zz.example/delete", "https://hooks-internal-zz.example/delete2")
        + &DATASET.replace("ds_k3q", "ds_k3q_two");
    let res = s.post("/v1/policy/versions", &json!({ "manifest": v3, "effective": "2026-01-01" })).await;
    assert_eq!(res.status, 201, "{}", res.body);
    let diff = s.get_as("/v1/policy/versions/3/diff", None).await.json();
    assert_eq!(diff["diff"]["changes"], json!([]), "{diff}");
    let diff = s.get_as("/v1/policy/versions/2/diff", None).await.json();
    assert!(diff["diff"]["changes"].to_string().contains("400-000-0001"), "the public change is shown: {diff}");

    let api = s.get_as("/openapi.json", None).await.json();
    let mut public: Vec<String> = Vec::new();
    for (path, ops) in api["paths"].as_object().unwrap() {
        let Some(get) = ops.get("get") else { continue };
        let secured = get.get("security").and_then(Value::as_array).is_some_and(|s| !s.is_empty());
        if !secured {
            for n in ["1", "2", "3"] {
                public.push(path.replace("{n}", n));
            }
        }
    }
    // The consent banner's script, public and built from the same manifest.
    public.push("/privacy/banner.js".into());
    public.sort();
    public.dedup();
    assert!(public.iter().any(|p| p == "/v1/policy") && public.iter().any(|p| p == "/readyz"), "{public:?}");
    let mut checked = 0;
    for path in &public {
        for query in ["", "?format=json", "?format=md", "?format=html", "?lang=en&format=json", "?lang=en&format=md"] {
            let res = s.get_as(&format!("{path}{query}"), None).await;
            if res.status != 200 {
                continue;
            }
            checked += 1;
            for name in INTERNAL {
                assert!(!res.body.contains(name), "GET {path}{query} shows `{name}`");
            }
        }
    }
    assert!(checked >= 10, "only {checked} public answers were checked");
    // The privacy centre's pages, every one a user can reach, in both languages.
    for start in ["/privacy", "/privacy?lang=en"] {
        let pages = common::crawl_centre(&s, start).await;
        assert!(pages.iter().any(|(p, _)| p.contains("/versions/3/changes")), "{start}: the changes of v3 are linked");
        for (path, res) in pages {
            let status = if path.starts_with("/privacy/me") { 401 } else { 200 };
            assert_eq!(res.status, status, "GET {path}");
            for name in INTERNAL {
                assert!(!res.body.contains(name), "GET {path} shows `{name}`");
            }
        }
    }
    // The public model still says what a policy must: recipients, fields, rights.
    let model = s.get_as("/v1/policy?format=json", None).await.json();
    assert!(model["recipients"].as_array().is_some_and(|r| !r.is_empty()));
    assert!(model.get("datasets").is_none() && model["recipients"][0].get("deletion").is_none());
    // /readyz says nothing countable.
    let ready = s.get_as("/readyz", None).await.json();
    assert!(ready.get("subjects").is_none() && ready.get("engine").is_none(), "{ready}");
    s.stop().await;
}

/// After an account is cancelled through a request: the subject answers 410, decisions
/// deny, the audit log and the requests name only a pseudonym, and — on SQLite — not one
/// byte of the id, phone, email or birth date is left in gebao's database file or its WAL.
/// Registering the id again starts a new, empty subject.
async fn erasure_leaves_nothing_behind(kit: Kit) {
    let r = Receiver::start().await;
    let (id, phone, email, born) = ("victim-7f3a9c", "13912345678", "victim.zhang@example.com", "1990-05-17");
    // The operator's own database: a SQLite file in WAL mode with the user's rows.
    let opdir = tempfile::tempdir().unwrap();
    let op_path = opdir.path().join("operator.db");
    let (op_url, op) = operator_sqlite(
        opdir.path(),
        &format!(
            "PRAGMA journal_mode = WAL; \
             CREATE TABLE users (id TEXT PRIMARY KEY, phone TEXT, nickname TEXT); \
             CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id TEXT NOT NULL, body TEXT); \
             INSERT INTO users VALUES ('{id}', '{phone}', '小张-7f3a'), ('other', '13800000000', '别人'); \
             INSERT INTO posts VALUES (1, '{id}', '今天心情-7f3a'), (2, 'other', '别人的帖子');"
        ),
    )
    .await;
    op.close().await;
    let text = reqkit::manifest(&r).replace(
        "blockers = [{ id = \"paid-plan\", description = \"付费服务期限未满，请先处理\", description_en = \"A paid plan has not expired: deal with it first\" }]",
        "",
    ) + "\n[[datasets]]\nid = \"app\"\nengine = \"sqlite\"\nconnection = \"app\"\n\n\
         [[datasets.tables]]\nname = \"users\"\nsubject = \"id\"\nerase = \"delete-row\"\n\
         columns.phone = { field = \"phone\" }\ncolumns.nickname = { field = \"nickname\" }\n\n\
         [[datasets.tables]]\nname = \"posts\"\nsubject = \"user_id\"\nerase = \"delete-row\"\n\
         columns.body = { field = \"posts\" }\n";
    let conn = gebao_connectors::Connections::new([("app", op_url.as_str())]).unwrap();
    let (s, dir) = start_with(&kit, &r, &text, Some(conn)).await;
    s.register(id, json!({ "phone": phone, "email": email, "birth_date": born })).await;
    for p in ["recommend", "push"] {
        s.consent(id, "grant", purpose(p), json!({ "evidence": { "shown": "v1", "contact": phone } })).await;
    }
    let c = file(&s, json!({ "kind": "correction", "subject": id, "details": { "corrections": [{ "field": "nickname", "value": email }] } })).await;
    let cid = c["id"].as_str().unwrap().to_owned();
    vouch(&s, &cid, id).await;
    act(&s, &cid, "refuse", json!({ "reason": "manifestly-unfounded-or-excessive" })).await;
    let v =
        file(&s, json!({ "kind": "cancellation", "subject": id, "details": { "reason": format!("换号了 {phone}") } }))
            .await;
    let rid = v["id"].as_str().unwrap().to_owned();
    // Scripted before the identity is vouched: the blockers question goes out then.
    r.answer("operator", 200, json!({ "blockers": [] }));
    vouch(&s, &rid, id).await;
    wait_for(&s, &rid, "no blockers", |v| v["result"]["blockers"] == json!([])).await;
    let done = act(&s, &rid, "execute", json!({})).await;
    assert_eq!(done["state"], "completed");

    assert_eq!(s.decide(id, "recommend", &["browsing"]).await, (false, Some("subject-cancelled".into())));
    assert_eq!(s.get(&format!("/v1/subjects/{id}")).await.problem(410).as_deref(), Some("id"));
    let both = format!("{}{}", get(&s, &rid).await, get(&s, &cid).await);
    for needle in [id, phone, email, born] {
        assert!(!both.contains(needle), "a request still shows `{needle}`: {both}");
    }
    let audit = s.get("/v1/audit?limit=1000").await.body;
    assert!(!audit.contains(id) && !audit.contains(phone), "the audit log names the subject");
    s.stop().await;

    // Not a byte left: the operator's SQLite file and its WAL…
    for file in [op_path.clone(), opdir.path().join("operator.db-wal")] {
        let bytes = std::fs::read(&file).unwrap_or_default();
        for needle in [id, phone, "小张-7f3a", "今天心情-7f3a"] {
            let hits = bytes.windows(needle.len()).filter(|w| *w == needle.as_bytes()).count();
            assert_eq!(hits, 0, "`{needle}` is still {hits} time(s) in {}", file.display());
        }
    }
    // …and gebao's own, on SQLite.
    if kit.kind == Kind::Sqlite {
        for file in ["gebao.db", "gebao.db-wal"] {
            let bytes = std::fs::read(dir_of(&kit).join(file)).unwrap_or_default();
            for needle in [id, phone, email, born] {
                let hits = bytes.windows(needle.len()).filter(|w| *w == needle.as_bytes()).count();
                assert_eq!(hits, 0, "`{needle}` is still {hits} time(s) in {file}");
            }
        }
    }
    drop(dir);

    // The same id registered again is a new, empty subject.
    let conn = gebao_connectors::Connections::new([("app", op_url.as_str())]).unwrap();
    let (s, _dir2) = start_with(&kit, &r, &text, Some(conn)).await;
    s.register(id, json!({})).await;
    assert_eq!(s.decide(id, "recommend", &["browsing"]).await, (false, Some("consent-missing".into())));
    let me = s.get(&format!("/v1/subjects/{id}")).await.json();
    assert!(me["phone"].is_null() && me["birth_date"].is_null(), "{me}");
    s.stop().await;
}

/// The data directory of a SQLite kit.
fn dir_of(kit: &Kit) -> std::path::PathBuf {
    let path = kit.url.trim_start_matches("sqlite://");
    std::path::Path::new(path).parent().unwrap().to_owned()
}

/// A key revoked on one instance is refused by another within a second, although that one
/// had it cached (the change feed, not a cache lifetime).
async fn revocation_reaches_every_instance_within_a_second(kit: Kit) {
    let a = kit.start().await;
    let b = kit.start().await;
    let token = a.key(&[gebao_store::Scope::DecisionsRead]).await;
    a.register("u1", json!({})).await;
    let q = json!({ "subject": "u1", "purpose": "recommend", "fields": ["browsing"] });
    within(Duration::from_secs(2), || async { b.post_as("/v1/decisions", Some(&token), &q).await.status == 200 }).await;
    let id = token.split('_').nth(1).unwrap().to_owned();
    let audit = gebao_store::NewAudit {
        actor: "cli:test".into(),
        action: gebao_store::AuditAction::KeyRevoke,
        target: String::new(),
        reason: None,
        detail: json!({}),
        at_ms: gebao_server::now_ms(),
    };
    assert!(a.state.store.revoke_api_key(&id, audit).await.unwrap());
    let took =
        within(Duration::from_secs(1), || async { b.post_as("/v1/decisions", Some(&token), &q).await.status == 401 })
            .await;
    eprintln!("revocation on A refused by B after {took:?}");
    a.stop().await;
    b.stop().await;
}

/// An account cancelled on one instance is denied by another within a second.
async fn erasure_reaches_every_instance(kit: Kit) {
    let a = kit.start().await;
    let b = kit.start().await;
    a.register("u1", json!({})).await;
    a.consent("u1", "grant", purpose("recommend"), json!({})).await;
    let q = json!({ "subject": "u1", "purpose": "recommend", "fields": ["browsing"] });
    within(Duration::from_secs(1), || async { b.post("/v1/decisions", &q).await.body.contains("\"allow\":true") })
        .await;
    assert_eq!(a.post("/v1/subjects/u1/cancel", &json!({})).await.status, 200);
    let took = within(Duration::from_secs(1), || async {
        b.decide("u1", "recommend", &["browsing"]).await.1.as_deref() == Some("subject-cancelled")
    })
    .await;
    eprintln!("erasure on A denied by B after {took:?}");
    a.stop().await;
    b.stop().await;
}

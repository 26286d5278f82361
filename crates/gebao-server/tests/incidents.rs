//! Personal-information incidents over HTTP, on SQLite and PostgreSQL: one found at 10:00
//! graded 较大 raises the operator's alert at 13:00 and, unreported, the overdue alert at
//! 14:00 (INCID art. 4: 4 hours; the clock injected), each once; the
//! report is recorded and the clock stops; it closes only once reported; bad input names the
//! field; keys without the scope are refused; every change is in the audit log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod reqkit;

use chrono::{Datelike, TimeDelta, Utc};
use common::*;
use gebao_core::incidents::Standing;
use gebao_store::{AuditAction, Scope};
use reqkit::{Receiver, start};
use serde_json::json;

gebao_testkit::on_both_engines!(crate::common::run;
    a_major_incident_alerts_before_and_after_four_hours_until_reported,
    closing_waits_for_the_report_and_bad_input_is_named,
    affected_individuals_and_the_guardians_of_minors_are_told_once_each,
    affected_users_are_emailed_through_a_real_smtp_server,
    affected_users_are_texted_through_the_sms_gateway,
    a_compliance_audit_falling_due_is_announced_to_the_operator,
);

fn opening(found: chrono::DateTime<Utc>) -> serde_json::Value {
    json!({
        "title": "撞库攻击导致部分账号信息泄露",
        "grade": "major",
        "found_at": found.to_rfc3339(),
        "affected": 1200,
        "description": "登录接口遭撞库，攻击者获取了部分账号的昵称和手机号",
        "notice": { "categories": ["手机号", "昵称"], "cause": "撞库攻击" },
    })
}

async fn a_major_incident_alerts_before_and_after_four_hours_until_reported(kit: Kit) {
    let r = Receiver::start().await;
    let (s, _dir) = start(&kit, &r, &reqkit::manifest(&r)).await;
    // Found a minute ago (say 10:00): the server's own monitor, on the real clock, has
    // nothing to say for hours; the passes below run on an injected one.
    let found = Utc::now() - TimeDelta::minutes(1);
    let opened = s.post("/v1/incidents", &opening(found)).await;
    assert_eq!(opened.status, 201, "{}", opened.body);
    let v = opened.json();
    let id = v["id"].as_str().unwrap().to_owned();
    assert_eq!(v["clock"]["due_ms"].as_i64(), Some((found + TimeDelta::hours(4)).timestamp_millis()));
    assert_eq!(v["notice_missing"], json!(["harm", "measures", "advice"]));

    // The clock, injected: nothing at 12:59, the alert at 13:00, the overdue alert at 14:00,
    // each once however often the monitor passes.
    let pass = |at: chrono::DateTime<Utc>| {
        let state = s.state.clone();
        async move { gebao_server::incidents::clock::pass(&state, at).await.unwrap() }
    };
    assert!(pass(found + TimeDelta::minutes(179)).await.is_empty());
    assert_eq!(pass(found + TimeDelta::hours(3)).await, [(id.clone(), Standing::DueSoon)]);
    pass(found + TimeDelta::minutes(200)).await;
    assert_eq!(pass(found + TimeDelta::hours(4)).await, [(id.clone(), Standing::Overdue)]);
    pass(found + TimeDelta::hours(5)).await;
    let calls = r.wait_calls("operator", 2).await;
    let alerts: Vec<_> = calls.iter().filter(|c| c.body["kind"] == "incident-report-due").collect();
    assert_eq!(alerts.len(), 2, "{calls:?}");
    assert_eq!(alerts[0].body["overdue"], false);
    assert_eq!(alerts[1].body["overdue"], true);
    assert!(alerts.iter().all(|c| c.signed && c.body["incident"] == id.as_str()));
    assert!(alerts[1].body["message"]["zh-CN"].as_str().unwrap().contains("逾期"), "{:?}", alerts[1].body);
    assert_eq!(alerts[1].body["report_to"], "北京市互联网信息办公室");
    // The alerts are the operator's, not notices to individuals.
    assert_eq!(s.get(&format!("/v1/incidents/{id}/notices")).await.json()["total"], 0);

    // Reported (now): recorded, and the clock stops.
    let body = json!({ "kind": "initial", "reference": "BJ-2026-1" });
    let rep = s.post(&format!("/v1/incidents/{id}/reports"), &body).await;
    assert_eq!(rep.status, 200, "{}", rep.body);
    let v = rep.json();
    assert_eq!(v["standing"], "reported");
    assert_eq!(v["reports"][0]["to"], "北京市互联网信息办公室", "the manifest's regulator by default");
    assert!(pass(found + TimeDelta::hours(6)).await.is_empty());
    // A second initial report is refused; a follow-up is taken.
    let again = s.post(&format!("/v1/incidents/{id}/reports"), &json!({ "kind": "initial" })).await;
    assert_eq!(again.problem(409).as_deref(), Some("kind"));
    let follow = s.post(&format!("/v1/incidents/{id}/reports"), &json!({ "kind": "follow-up" })).await;
    assert_eq!(follow.status, 200, "{}", follow.body);

    // The whole history, and the audit log.
    let one = s.get(&format!("/v1/incidents/{id}")).await.json();
    let kinds: Vec<&str> = one["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["opened", "reported", "reported"]);
    let log = s.state.store.audit_after(0, 10_000).await.unwrap();
    let count = |a: AuditAction| log.iter().filter(|e| e.entry.action == a).count();
    assert_eq!(
        (count(AuditAction::IncidentOpen), count(AuditAction::IncidentAlert), count(AuditAction::IncidentReport)),
        (1, 2, 2)
    );
    s.stop().await;
}

async fn closing_waits_for_the_report_and_bad_input_is_named(kit: Kit) {
    let r = Receiver::start().await;
    let (s, _dir) = start(&kit, &r, &reqkit::manifest(&r)).await;
    let found = Utc::now() - TimeDelta::minutes(30);
    let id = s.post("/v1/incidents", &opening(found)).await.json()["id"].as_str().unwrap().to_owned();

    // Graded 较大: not closed before it is reported.
    let early = s.post(&format!("/v1/incidents/{id}/close"), &json!({})).await;
    assert_eq!(early.problem(409).as_deref(), Some("id"));
    assert!(early.body.contains("须向监管部门报告"), "{}", early.body);
    // Downgraded to 一般 after review: no report window any more, and it may close.
    let down = s.post(&format!("/v1/incidents/{id}/update"), &json!({ "grade": "general", "affected": 3 })).await;
    assert_eq!(down.status, 200, "{}", down.body);
    assert_eq!((down.json()["standing"].as_str(), down.json()["clock"].is_null()), (Some("not-required"), true));
    let closed = s.post(&format!("/v1/incidents/{id}/close"), &json!({ "note": "影响已消除" })).await;
    assert_eq!(closed.status, 200, "{}", closed.body);
    let late = s.post(&format!("/v1/incidents/{id}/update"), &json!({ "affected": 4 })).await;
    assert_eq!(late.problem(409).as_deref(), Some("id"), "a closed incident does not change");
    let open: Vec<serde_json::Value> = s.get("/v1/incidents").await.json().as_array().unwrap().clone();
    assert!(open.is_empty(), "{open:?}");
    assert_eq!(s.get("/v1/incidents?open=false").await.json().as_array().unwrap().len(), 1);

    // Bad input names the field and writes nothing.
    let audit_before = s.audit_len().await;
    let mut future = opening(Utc::now() + TimeDelta::hours(2));
    assert_eq!(s.post("/v1/incidents", &future).await.problem(422).as_deref(), Some("found_at"));
    future = opening(found);
    future["grade"] = json!("big");
    assert_eq!(s.post("/v1/incidents", &future).await.problem(422).as_deref(), Some("grade"));
    future = opening(found);
    future["title"] = json!("");
    assert_eq!(s.post("/v1/incidents", &future).await.problem(422).as_deref(), Some("title"));
    future = opening(found);
    future["occurred_at"] = json!((found + TimeDelta::minutes(1)).to_rfc3339());
    assert_eq!(s.post("/v1/incidents", &future).await.problem(422).as_deref(), Some("occurred_at"));
    assert_eq!(s.post("/v1/incidents/inc_nothing/close", &json!({})).await.problem(404).as_deref(), Some("id"));
    assert_eq!(s.audit_len().await, audit_before);

    // Least privilege: a key without the scope is refused.
    let reader = s.key(&[Scope::IncidentsRead]).await;
    assert_eq!(s.get_as("/v1/incidents", Some(&reader)).await.status, 200);
    assert_eq!(s.post_as("/v1/incidents", Some(&reader), &opening(found)).await.status, 403);
    let other = s.key(&[Scope::RequestsRead]).await;
    assert_eq!(s.get_as("/v1/incidents", Some(&other)).await.status, 403);
    s.stop().await;
}

async fn affected_individuals_and_the_guardians_of_minors_are_told_once_each(kit: Kit) {
    let r = Receiver::start().await;
    let (s, _dir) = start(&kit, &r, &reqkit::manifest(&r)).await;
    s.register("parent", json!({ "age": 40 })).await;
    let born = Utc::now().date_naive().with_year(Utc::now().year() - 12).unwrap();
    s.register("kid", json!({ "birth_date": born.to_string(), "guardian": "parent" })).await;
    s.register("u1", json!({})).await;
    s.register("u2", json!({})).await;
    let id = s.post("/v1/incidents", &opening(Utc::now() - TimeDelta::minutes(5))).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Not before the notice says all PIPL 57 requires.
    let early = s.post(&format!("/v1/incidents/{id}/notices"), &json!({ "subjects": ["u1"] })).await;
    assert_eq!(early.problem(422).as_deref(), Some("notice.harm"));
    assert!(early.body.contains("harm, measures, advice"), "{}", early.body);
    let notice = json!({ "notice": {
        "categories": ["手机号", "昵称"], "cause": "撞库攻击",
        "harm": "可能收到冒充客服的诈骗电话", "measures": "已重置受影响账号的密码并封堵接口",
        "advice": "请修改密码，警惕索要验证码的来电",
    }});
    assert_eq!(s.post(&format!("/v1/incidents/{id}/update"), &notice).await.status, 200);

    // Three individuals (one a 12-year-old) and an unknown id: four notices, the guardian's one
    // about the child; nothing for the unknown id.
    let body = json!({ "subjects": ["u1", "u2", "kid", "nobody"] });
    let sent = s.post(&format!("/v1/incidents/{id}/notices"), &body).await;
    assert_eq!(sent.status, 202, "{}", sent.body);
    let q = sent.json();
    assert_eq!((q["queued"].as_u64(), q["guardians"].as_u64(), q["already"].as_u64()), (Some(4), Some(1), Some(0)));
    assert_eq!(q["unknown"], json!(["nobody"]));
    let calls = r.wait_calls("notify", 4).await;
    let notices: Vec<_> = calls.iter().filter(|c| c.body["kind"] == "incident-notice").collect();
    assert_eq!(notices.len(), 4);
    let mut to: Vec<(String, String)> = notices
        .iter()
        .map(|c| (c.body["user"].as_str().unwrap().to_owned(), c.body["role"].as_str().unwrap().to_owned()))
        .collect();
    to.sort();
    assert_eq!(
        to,
        [
            ("kid".into(), "subject".into()),
            ("parent".into(), "guardian".into()),
            ("u1".into(), "subject".into()),
            ("u2".into(), "subject".into())
        ]
    );
    for c in &notices {
        assert!(c.signed);
        let zh = c.body["message"]["zh-CN"].as_str().unwrap();
        for item in ["手机号", "撞库攻击", "诈骗电话", "重置", "修改密码", "security@example.cn"] {
            assert!(zh.contains(item), "the notice lacks {item}: {zh}");
        }
    }
    let guardian = notices.iter().find(|c| c.body["role"] == "guardian").unwrap();
    assert_eq!(guardian.body["ward"], "kid");
    assert!(guardian.body["message"]["zh-CN"].as_str().unwrap().contains("您监护的未成年人"));

    // Again for the same people: nothing new.
    let again = s.post(&format!("/v1/incidents/{id}/notices"), &json!({ "subjects": ["u1", "kid"] })).await.json();
    assert_eq!((again["queued"].as_u64(), again["already"].as_u64()), (Some(0), Some(3)));

    // Delivery per individual, by pseudonym: every one delivered, nobody named.
    gebao_testkit::within(std::time::Duration::from_secs(10), || async {
        s.get(&format!("/v1/incidents/{id}/notices")).await.json()["delivered"] == 4
    })
    .await;
    let tracked = s.get(&format!("/v1/incidents/{id}/notices")).await.json();
    assert_eq!(tracked["total"], 4);
    assert!(!tracked.to_string().contains("u1") && !tracked.to_string().contains("kid"), "{tracked}");

    // For those who cannot be told one by one: a public notice in the privacy centre, with
    // what the notice says and nothing of the incident's own record.
    assert_eq!(s.get(&format!("/privacy/notices/{id}")).await.status, 404, "not before it is published");
    let published = s.post(&format!("/v1/incidents/{id}/public-notice"), &json!({})).await;
    assert_eq!(published.status, 200, "{}", published.body);
    assert_eq!(
        s.post(&format!("/v1/incidents/{id}/public-notice"), &json!({})).await.problem(409).as_deref(),
        Some("id")
    );
    let page = s.get(&format!("/privacy/notices/{id}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    for item in
        ["个人信息安全事件公告", "手机号", "诈骗电话", "重置受影响账号的密码", "修改密码", "security@example.cn"]
    {
        assert!(page.body.contains(item), "the public notice lacks {item}");
    }
    for internal in ["登录接口遭撞库", "1200", "撞库攻击导致"] {
        assert!(!page.body.contains(internal), "the public notice shows `{internal}`");
    }
    let list = s.get("/privacy/notices?lang=en").await;
    assert!(list.body.contains(&format!("/privacy/notices/{id}")) && list.body.contains("Notices"), "{}", list.body);
    assert_eq!(s.get("/privacy/notices/inc_nothing").await.status, 404);
    s.stop().await;
}

/// The policy says users are told by text message (clean: push, sms, announcement): with an
/// SMS gateway configured, each affected user with a phone number gets one, signed, through
/// the outbox; the number leaves the outbox once delivered.
async fn affected_users_are_texted_through_the_sms_gateway(kit: Kit) {
    let r = Receiver::start().await;
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("gebao.toml");
    std::fs::write(&manifest, reqkit::manifest(&r)).unwrap();
    let mut cfg = kit.config();
    cfg.manifest = Some(manifest);
    cfg.egress = r.egress();
    cfg.requests.sms_gateway = Some(r.url("sms"));
    cfg.requests.outbox_interval = std::time::Duration::from_millis(30);
    let s = Server::start(cfg).await;
    s.register("a1", json!({ "phone": "13800000001" })).await;
    s.register("b2", json!({ "phone": "13800000002" })).await;
    s.register("nophone", json!({})).await;
    let mut body = opening(Utc::now() - TimeDelta::minutes(5));
    body["notice"] = json!({
        "categories": ["手机号"], "cause": "撞库攻击", "harm": "可能收到诈骗短信",
        "measures": "已重置密码", "advice": "请勿回复索要验证码的短信",
    });
    let id = s.post("/v1/incidents", &body).await.json()["id"].as_str().unwrap().to_owned();
    let sent = s.post(&format!("/v1/incidents/{id}/notices"), &json!({ "subjects": ["a1", "b2", "nophone"] })).await;
    assert_eq!(sent.status, 202, "{}", sent.body);
    let q = sent.json();
    assert_eq!(
        (q["queued"].as_u64(), q["sms"].as_u64(), q["unreachable"].as_u64()),
        (Some(2), Some(2), Some(1)),
        "{q}"
    );

    let calls = r.wait_calls("sms", 2).await;
    let mut to: Vec<&str> = calls.iter().map(|c| c.body["to"].as_str().unwrap()).collect();
    to.sort_unstable();
    assert_eq!(to, ["13800000001", "13800000002"]);
    for c in &calls {
        assert!(c.signed, "signed like every delivery");
        assert_eq!((c.body["kind"].as_str(), c.body["purpose"].as_str()), (Some("sms"), Some("incident-notice")));
        let text = c.body["text"].as_str().unwrap();
        for item in ["【示例社区】", "手机号", "撞库攻击", "诈骗短信", "已重置密码", "验证码", "security@example.cn"]
        {
            assert!(text.contains(item), "the text lacks {item}: {text}");
        }
        assert_eq!(c.body["params"]["product"], "示例社区");
    }
    // Delivered, by channel; the numbers are no longer in the outbox.
    gebao_testkit::within(std::time::Duration::from_secs(10), || async {
        s.get(&format!("/v1/incidents/{id}/notices")).await.json()["delivered"] == 2
    })
    .await;
    let list = s.get(&format!("/v1/incidents/{id}/notices")).await.json();
    assert!(list["notices"].as_array().unwrap().iter().all(|d| d["channel"] == "sms"), "{list:#}");
    let items = s.state.store.outbox_with_dedupe_prefix(&format!("incident:{id}:"), 100).await.unwrap();
    assert!(items.iter().all(|(_, i)| i.payload.is_null()), "a delivered text keeps no phone number");
    // Told once: asking again queues nothing.
    let again = s.post(&format!("/v1/incidents/{id}/notices"), &json!({ "subjects": ["a1"] })).await.json();
    assert_eq!((again["queued"].as_u64(), again["already"].as_u64()), (Some(0), Some(1)));
    s.stop().await;
}

async fn affected_users_are_emailed_through_a_real_smtp_server(kit: Kit) {
    let Some(mail) = gebao_testkit::mail::MailServer::start() else { return };
    // The policy tells users by e-mail too.
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("gebao.toml");
    let text = clean_text()
        .replace(r#"notify = ["push", "sms", "announcement"]"#, r#"notify = ["push", "sms", "email", "announcement"]"#);
    assert_ne!(text, clean_text());
    std::fs::write(&manifest, text).unwrap();
    let mut cfg = kit.config();
    cfg.manifest = Some(manifest);
    cfg.requests.smtp = Some(gebao_server::config::SmtpConfig {
        host: "127.0.0.1".into(),
        port: mail.port,
        tls: "none".into(),
        from: "示例社区 <privacy@example.cn>".into(),
        username: None,
        password: None,
    });
    cfg.requests.outbox_interval = std::time::Duration::from_millis(30);
    let s = Server::start(cfg).await;
    for (id, email) in [("a1", "alice@example.cn"), ("b2", "bob@example.cn"), ("c3", "carol@example.cn")] {
        s.register(id, json!({ "email": email })).await;
    }
    s.register("nomail", json!({})).await;
    let mut body = opening(Utc::now() - TimeDelta::minutes(5));
    body["notice"] = json!({
        "categories": ["电子邮箱"], "cause": "撞库攻击", "harm": "可能收到钓鱼邮件",
        "measures": "已重置密码", "advice": "请警惕索要密码的邮件",
    });
    let id = s.post("/v1/incidents", &body).await.json()["id"].as_str().unwrap().to_owned();
    let sent =
        s.post(&format!("/v1/incidents/{id}/notices"), &json!({ "subjects": ["a1", "b2", "c3", "nomail"] })).await;
    assert_eq!(sent.status, 202, "{}", sent.body);
    let q = sent.json();
    assert_eq!((q["queued"].as_u64(), q["emails"].as_u64(), q["unreachable"].as_u64()), (Some(3), Some(3), Some(1)));

    gebao_testkit::within(std::time::Duration::from_secs(15), || async { mail.messages().len() == 3 }).await;
    let messages: Vec<(String, String)> = mail.messages().iter().map(|m| gebao_testkit::mail::read(m)).collect();
    let mut to: Vec<&str> = messages.iter().map(|(to, _)| to.as_str()).collect();
    to.sort_unstable();
    assert_eq!(to, ["alice@example.cn", "bob@example.cn", "carol@example.cn"]);
    for (to, text) in &messages {
        // Every item PIPL 57 requires, in Chinese and then English.
        for item in [
            "电子邮箱",
            "撞库攻击",
            "钓鱼邮件",
            "已重置密码",
            "警惕索要密码",
            "security@example.cn",
            "Personal-information incident notice",
        ] {
            assert!(text.contains(item), "the e-mail to {to} lacks {item}: {text}");
        }
    }
    // Delivered, one per person, nobody named in the record.
    gebao_testkit::within(std::time::Duration::from_secs(10), || async {
        s.get(&format!("/v1/incidents/{id}/notices")).await.json()["delivered"] == 3
    })
    .await;
    let tracked = s.get(&format!("/v1/incidents/{id}/notices")).await.json();
    assert!(tracked["notices"].as_array().unwrap().iter().all(|n| n["channel"] == "email"), "{tracked}");
    assert!(!tracked.to_string().contains("alice"), "{tracked}");
    // Once delivered, the address and the text are gone from the outbox.
    let items = s.state.store.outbox_with_dedupe_prefix(&format!("incident:{id}:"), 10).await.unwrap();
    assert!(items.iter().all(|(_, i)| i.payload.is_null()), "{items:?}");
    s.stop().await;
}

/// The compliance audit (SEC-04) falling due: the operator is told 90 days before and once
/// it has passed, each once.
async fn a_compliance_audit_falling_due_is_announced_to_the_operator(kit: Kit) {
    let r = Receiver::start().await;
    let today = chrono::Utc::now().with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap()).date_naive();
    let last = today.checked_sub_months(chrono::Months::new(24)).unwrap() + chrono::Days::new(30);
    let text = reqkit::manifest(&r).replacen(
        r#"audit_every = "2 years""#,
        &format!("audit_every = \"2 years\"\nlast_audit = {last}"),
        1,
    );
    let (s, _dir) = start(&kit, &r, &text).await;
    let pass = |day: chrono::NaiveDate| {
        let state = s.state.clone();
        async move { gebao_server::duties::pass(&state, day).await.unwrap() }
    };
    let soon = pass(today).await;
    assert_eq!(soon.len(), 1, "{soon:?}");
    assert_eq!((soon[0].0.key.as_str(), soon[0].1), ("compliance-audit", gebao_core::duties::Standing::Soon));
    pass(today).await;
    let late = pass(today + chrono::Days::new(31)).await;
    assert_eq!(late[0].1, gebao_core::duties::Standing::Overdue);
    let calls = r.wait_calls("operator", 2).await;
    let duties: Vec<_> = calls.iter().filter(|c| c.body["kind"] == "duty-due").collect();
    assert_eq!(duties.len(), 2, "{calls:?}");
    assert_eq!((duties[0].body["overdue"].as_bool(), duties[1].body["overdue"].as_bool()), (Some(false), Some(true)));
    assert!(duties[0].body["message"]["zh-CN"].as_str().unwrap().contains("合规审计"));
    assert!(pass(today - chrono::Days::new(200)).await.is_empty(), "not yet due");
    s.stop().await;
}

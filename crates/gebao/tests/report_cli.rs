//! `gebao report`: the year's summary read from the store a running server wrote — on SQLite
//! and PostgreSQL: requests by kind (answered on time, still open), consents granted and
//! withdrawn, incidents by grade and whether they were reported in time, the manifest's
//! impact assessments (kept three years) and flows abroad; Markdown in zh-CN or English, JSON.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

mod common;
use common::serve::*;
use common::*;
use predicates::prelude::PredicateBooleanExt;
use serde_json::{Value, json};

const SCOPES: &str = "subjects:write,consents:write,requests:read,requests:write,incidents:read,incidents:write,abroad:read,abroad:write,decisions:read,provisions:read,pia:write";

fn year_report(backend: &Backend) {
    let token = backend.key(SCOPES);
    let server = Server::start(backend);
    for id in ["u1", "u2"] {
        register(&server.base, &token, id);
    }
    let scope = json!({ "kind": "purpose", "purpose": "recommend" });
    for (subject, action) in [("u1", "grant"), ("u2", "grant"), ("u2", "withdraw")] {
        let r =
            post(&server.base, &token, "/v1/consents", json!({ "subject": subject, "action": action, "scope": scope }))
                .unwrap();
        assert_eq!(r.status(), 201, "{}", r.text().unwrap());
    }
    let file = |body: Value| -> String {
        let r = post(&server.base, &token, "/v1/requests", body).unwrap();
        assert_eq!(r.status(), 201);
        r.json::<Value>().unwrap()["id"].as_str().unwrap().to_owned()
    };
    file(json!({ "kind": "access", "subject": "u1" }));
    let complaint = file(json!({ "kind": "complaint", "subject": "u2", "details": { "text": "客服未答复" } }));
    let r = post(&server.base, &token, &format!("/v1/requests/{complaint}/withdraw"), json!({})).unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().unwrap());
    let open = |grade: &str| -> String {
        let found = (chrono::Utc::now() - chrono::TimeDelta::minutes(10)).to_rfc3339();
        let body = json!({ "title": "t", "grade": grade, "found_at": found, "affected": 3, "description": "d" });
        let r = post(&server.base, &token, "/v1/incidents", body).unwrap();
        assert_eq!(r.status(), 201);
        r.json::<Value>().unwrap()["id"].as_str().unwrap().to_owned()
    };
    let major = open("major");
    open("general");
    let r =
        post(&server.base, &token, &format!("/v1/incidents/{major}/reports"), json!({ "kind": "initial" })).unwrap();
    assert_eq!(r.status(), 200);
    // Transfers abroad gebao did not decide, reported with `gebao abroad report`: 85,000 is
    // near the 100,000 threshold, and this manifest declares no flow abroad at all.
    let abroad = |args: &[&str]| {
        let mut c = gebao();
        c.args(["--lang", "zh-CN", "abroad"]).args(args).args(["--server", &server.base, "--token", &token]);
        c
    };
    abroad(&["report", "--individuals", "85000", "--note", "历史数据同步"]).assert().success();
    // A provision to the push SDK, allowed twice: the year's records count it.
    for scope in [
        json!({ "kind": "purpose", "purpose": "push" }),
        json!({ "kind": "recipient", "recipient": "push-sdk", "separate": "provision" }),
    ] {
        let r =
            post(&server.base, &token, "/v1/consents", json!({ "subject": "u1", "action": "grant", "scope": scope }))
                .unwrap();
        assert_eq!(r.status(), 201, "{}", r.text().unwrap());
    }
    for _ in 0..2 {
        let body = json!({ "subject": "u1", "purpose": "push", "fields": ["device_id"], "recipient": "push-sdk" });
        let d: Value = post(&server.base, &token, "/v1/decisions", body).unwrap().json().unwrap();
        assert_eq!(d["allow"], true, "{d}");
    }
    // An assessment recorded on the server: the report gives its date, risk and version.
    let pia = json!({
        "id": "pia-push", "trigger": "recipient:push-sdk", "assessed": "2026-01-15", "risk": "medium",
        "assessor": "张三", "conclusions": { "lawfulness": "必要", "impact": "较小", "measures": "加密" }
    });
    assert_eq!(post(&server.base, &token, "/v1/pia", pia).unwrap().status(), 201);
    let r = client().get(format!("{}/v1/provisions", server.base)).bearer_auth(&token).send().unwrap();
    assert_eq!(r.json::<Value>().unwrap()["totals"][0]["decisions"], 2, "written before the server stops");
    let out = abroad(&[]).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    for needle in ["85000", "申报 85000", "接近个人信息 100000 人门槛", "标准合同", "清单未声明任何出境活动"]
    {
        assert!(text.contains(needle), "`{needle}` not in:\n{text}");
    }
    abroad(&["report"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("HTTP 422").and(predicates::str::contains("individuals")));
    abroad(&["report", "--individuals", "5", "--recipient", "nsa"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("nsa"));
    drop(server);

    let year =
        chrono::Utc::now().with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap()).format("%Y").to_string();
    let out = gebao().args(["report", "--year", &year, "--format", "json"]).args(backend.args()).assert().success();
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["requests"]["access"]["received"], 1, "{v:#}");
    assert_eq!(v["requests"]["access"]["open"], 1);
    assert_eq!(v["requests"]["complaint"]["on_time"], 1, "withdrawn the same day: answered on time");
    assert_eq!(
        (v["consents_granted"].as_i64(), v["consents_withdrawn"].as_i64()),
        (Some(4), Some(1)),
        "two grants for the provision above"
    );
    assert_eq!(v["incidents"]["found"], 2);
    assert_eq!(v["incidents"]["by_grade"], json!({ "general": 1, "major": 1 }));
    assert_eq!(v["incidents"]["reported_on_time"], 1);
    assert_eq!(v["pias"][0]["id"], "pia-location", "{v:#}");
    let (date, keep) = (v["pias"][0]["date"].as_str().unwrap(), v["pias"][0]["keep_until"].as_str().unwrap());
    assert_eq!(keep[..4].parse::<i32>().unwrap(), date[..4].parse::<i32>().unwrap() + 3, "kept three years");
    assert_eq!((v["abroad"]["reported"].as_u64(), v["abroad_band"].as_str()), (Some(85_000), Some("none")), "{v:#}");
    assert_eq!(
        (v["provisions"][0]["recipient"].as_str(), v["provisions"][0]["decisions"].as_u64()),
        (Some("push-sdk"), Some(2))
    );

    let out = gebao().args(["--lang", "zh-CN", "report", "--year", &year]).args(backend.args()).assert().success();
    let md = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    for needle in [
        "年度个人信息保护报告",
        "| 查阅 | 1 | 0 | 0 | 0 | 1 | 0 |",
        "记录同意 4 次、撤回 1 次",
        "发现 2 起",
        "按时报告 1",
        "pia-location",
        "运营方另行申报 85000 人",
        "| push-sdk | sdk | 2 | 1 | push | device_id |",
        "| pia-push | 2026-01-15 | medium | 2029-01-15 | 第 1 版 |",
        "| pia-location | 2025-12-01 | low | 2028-12-01 | 仅清单声明 |",
    ] {
        assert!(md.contains(needle), "`{needle}` not in:\n{md}");
    }
    let out = gebao().args(["--lang", "en", "report", "--year", "2019"]).args(backend.args()).assert().success();
    let md = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(md.contains("No requests were received this year.") && md.contains("0 grants"), "{md}");
    gebao().args(["report", "--year", "26"]).args(backend.args()).assert().code(2);
}

#[test]
fn the_years_report_on_sqlite() {
    year_report(&Backend::sqlite());
}

#[test]
fn the_years_report_on_postgres() {
    if let Some(b) = Backend::postgres() {
        year_report(&b);
    }
}

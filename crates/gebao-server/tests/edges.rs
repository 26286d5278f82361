//! Scopes, bad input, the policy endpoints and the operational endpoints, over HTTP, on
//! SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Kit, clean_text, purpose};
use gebao_store::Scope;
use serde_json::{Value, json};

gebao_testkit::on_both_engines!(crate::common::run;
    scopes_are_enforced,
    bad_input_gets_4xx_and_writes_nothing,
    oversized_body_gets_413,
    policy_current_and_archived,
    ops_endpoints
);

async fn scopes_are_enforced(k: Kit) {
    let s = k.start().await;
    s.register("u1", json!({})).await;
    let q = json!({ "subject": "u1", "purpose": "register", "fields": ["phone"] });
    // No key, a malformed one, an unknown one: 401 with a Bearer challenge.
    for token in [None, Some("nonsense"), Some("gbk_zzzz_notarealsecret")] {
        let r = s.post_as("/v1/decisions", token, &q).await;
        r.problem(401);
        assert!(r.headers.get("www-authenticate").is_some());
    }
    // A key with the wrong scope: 403 naming the scope.
    let reader = s.key(&[Scope::DecisionsRead]).await;
    assert_eq!(s.post_as("/v1/decisions", Some(&reader), &q).await.status, 200);
    let grant = json!({ "subject": "u1", "action": "grant", "scope": purpose("recommend") });
    let r = s.post_as("/v1/consents", Some(&reader), &grant).await;
    r.problem(403);
    assert_eq!(r.json()["required_scope"], "consents:write");
    for path in ["/v1/audit", "/v1/subjects/u1", "/v1/subjects/u1/consents"] {
        s.get_as(path, Some(&reader)).await.problem(403);
    }
    s.post_as("/v1/policy/versions", Some(&reader), &json!({ "manifest": clean_text() })).await.problem(403);
    // Least privilege the other way round: a writer of consents cannot ask for decisions.
    let writer = s.key(&[Scope::ConsentsWrite]).await;
    assert_eq!(s.post_as("/v1/consents", Some(&writer), &grant).await.status, 201);
    s.post_as("/v1/decisions", Some(&writer), &q).await.problem(403);
    // Public: the policy, health, readiness, the API description.
    for path in ["/v1/policy", "/v1/policy/versions", "/v1/policy/versions/1", "/healthz", "/readyz", "/openapi.json"] {
        assert_eq!(s.get_as(path, None).await.status, 200, "{path}");
    }
    // Metrics need `audit:read` by default.
    s.get_as("/metrics", None).await.problem(401);
    s.get_as("/metrics", Some(&reader)).await.problem(403);
    let auditor = s.key(&[Scope::AuditRead]).await;
    assert_eq!(s.get_as("/metrics", Some(&auditor)).await.status, 200);
    s.stop().await;
}

/// What the store holds, to show a rejected request changed nothing.
async fn footprint(s: &common::Server) -> (usize, Value, Value) {
    (
        s.audit_len().await,
        s.get("/v1/subjects/u1/consents").await.json()["history"].clone(),
        s.get("/v1/policy/versions").await.json(),
    )
}

/// A request that must be refused: its status and the field the problem must name.
struct Case {
    path: &'static str,
    body: Vec<u8>,
    content_type: Option<&'static str>,
    status: u16,
    field: Option<&'static str>,
}

async fn bad_input_gets_4xx_and_writes_nothing(k: Kit) {
    let s = k.start().await;
    s.register("u1", json!({})).await;
    let before = footprint(&s).await;
    let tok = Some(s.admin.as_str());
    let j = "application/json";
    let g = |scope: Value| json!({ "subject": "u1", "action": "grant", "scope": scope });
    let c = |path: &'static str, body: Value, status: u16, field: Option<&'static str>| Case {
        path,
        body: body.to_string().into_bytes(),
        content_type: Some(j),
        status,
        field,
    };
    let rec = purpose("recommend");
    let u1 = |extra: Value| {
        let mut b = json!({ "subject": "u1", "action": "grant", "scope": purpose("recommend") });
        b.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        b
    };
    let cases = vec![
        // Malformed, empty, not JSON (too large: `oversized_body_gets_413`).
        Case {
            path: "/v1/consents",
            body: br#"{"subject": "u1", "action": "#.to_vec(),
            content_type: Some(j),
            status: 400,
            field: None,
        },
        Case { path: "/v1/consents", body: Vec::new(), content_type: Some(j), status: 400, field: None },
        Case {
            path: "/v1/consents",
            body: g(rec.clone()).to_string().into_bytes(),
            content_type: Some("text/plain"),
            status: 415,
            field: None,
        },
        Case {
            path: "/v1/consents",
            body: g(rec.clone()).to_string().into_bytes(),
            content_type: None,
            status: 415,
            field: None,
        },
        // Unknown or disallowed purpose, recipient, cookie category.
        c("/v1/consents", g(purpose("telepathy")), 422, Some("scope.purpose")),
        c("/v1/consents", g(purpose("register")), 422, Some("scope.purpose")),
        c("/v1/consents", g(json!({ "kind": "sensitive", "purpose": "recommend" })), 422, Some("scope.purpose")),
        c("/v1/consents", g(json!({ "kind": "recipient", "recipient": "nsa" })), 422, Some("scope.recipient")),
        c("/v1/consents", g(json!({ "kind": "recipient", "recipient": "cloud" })), 422, Some("scope.recipient")),
        c(
            "/v1/consents",
            g(json!({ "kind": "cookie", "category": "strictly-necessary" })),
            422,
            Some("scope.category"),
        ),
        c("/v1/consents", g(json!({ "kind": "cookie", "category": "advertising" })), 422, Some("scope.category")),
        // Wrong types, missing and unknown fields.
        c("/v1/consents", json!({ "subject": 5, "action": "grant", "scope": rec }), 422, Some("subject")),
        c("/v1/consents", json!({ "subject": "u1", "action": "maybe", "scope": rec }), 422, Some("action")),
        c("/v1/consents", json!({ "subject": "u1", "scope": rec }), 422, Some("action")),
        c("/v1/consents", u1(json!({ "colour": "red" })), 422, Some("colour")),
        c("/v1/consents", u1(json!({ "by_guardian": "yes" })), 422, Some("by_guardian")),
        c("/v1/consents", u1(json!({ "policy_version": 99 })), 422, Some("policy_version")),
        // Unknown subjects.
        c("/v1/consents", json!({ "subject": "ghost", "action": "grant", "scope": rec }), 404, Some("subject")),
        c("/v1/consents/withdraw", json!({ "subject": "ghost", "scope": rec }), 404, Some("subject")),
        c("/v1/decisions", json!({ "subject": "ghost", "purpose": "recommend" }), 404, Some("subject")),
        c(
            "/v1/decisions",
            json!({ "subject": "u1", "purpose": "recommend", "fields": "browsing" }),
            422,
            Some("fields"),
        ),
        c(
            "/v1/decisions/batch",
            json!([{ "subject": "u1", "purpose": "recommend" }, { "subject": "ghost", "purpose": "recommend" }]),
            404,
            Some("[1].subject"),
        ),
        c("/v1/decisions/batch", json!([{ "subject": "u1", "purpose": 7 }]), 422, Some("[0].purpose")),
        // Subjects.
        c("/v1/subjects", json!({ "id": "u9", "age": 300 }), 422, Some("age")),
        c("/v1/subjects", json!({ "id": "u9", "birth_date": "2010-13-40" }), 422, Some("birth_date")),
        c("/v1/subjects", json!({ "id": "u9", "age": 20, "birth_date": "2000-01-01" }), 422, Some("age")),
        c("/v1/subjects", json!({ "id": "has space" }), 422, Some("id")),
        c("/v1/subjects", json!({ "id": "u9", "email": "not-an-email" }), 422, Some("email")),
        c("/v1/subjects", json!({ "id": "u9", "phone": "call me" }), 422, Some("phone")),
        Case {
            path: "/v1/subjects/ghost/restrict",
            body: Vec::new(),
            content_type: None,
            status: 404,
            field: Some("id"),
        },
        // Policy versions.
        c("/v1/policy/versions", json!({ "manifest": "[policy\nversion = 1" }), 422, Some("manifest")),
        c(
            "/v1/policy/versions",
            json!({ "manifest": clean_text().replace("[controller]", "[controler]") }),
            422,
            Some("manifest"),
        ),
        c("/v1/policy/versions", json!({ "manifest": clean_text(), "effective": "soon" }), 422, Some("effective")),
    ];
    for case in cases {
        let r = s.send("POST", case.path, tok, case.content_type, case.body).await;
        assert_eq!(r.problem(case.status).as_deref(), case.field, "{}: {}", case.path, r.body);
    }
    // A rejected manifest lists its diagnostics with their line.
    let r = s
        .post("/v1/policy/versions", &json!({ "manifest": clean_text().replace("[controller]", "[controler]") }))
        .await;
    let errors = r.json()["errors"].clone();
    assert!(errors[0]["line"].as_u64().is_some() && errors[0]["code"].as_str().is_some(), "{errors}");
    // Unknown routes and methods are problems too; bad parameters name themselves.
    assert_eq!(s.get("/v1/nothing").await.problem(404), None);
    assert_eq!(s.send("DELETE", "/v1/consents", tok, None, Vec::new()).await.problem(405), None);
    assert_eq!(s.get("/v1/audit?limit=0").await.problem(400).as_deref(), Some("limit"));
    assert_eq!(s.get("/v1/audit?after=x").await.problem(400).as_deref(), Some("after"));
    assert_eq!(footprint(&s).await, before, "a rejected request wrote something");
    s.stop().await;
}

async fn policy_current_and_archived(k: Kit) {
    let s = k.start().await;
    let html = s.get_as("/v1/policy", None).await;
    assert_eq!(html.status, 200);
    assert!(html.content_type.starts_with("text/html"), "{}", html.content_type);
    assert!(html.body.contains("示例社区"), "{}", &html.body[..200.min(html.body.len())]);
    assert_eq!(html.headers["x-gebao-policy-version"], "1");
    let md = s.get_as("/v1/policy?lang=en&format=md", None).await;
    assert!(md.content_type.starts_with("text/markdown"));
    assert!(md.body.contains("Example Community"), "{}", md.body);
    assert_eq!(md.headers["content-language"], "en");
    let m1 = s.get_as("/v1/policy?format=json", None).await.json();
    assert_eq!(m1["purposes"][4]["id"], "recommend");
    assert_eq!(s.get_as("/v1/policy?format=pdf", None).await.problem(400).as_deref(), Some("format"));
    assert_eq!(s.get_as("/v1/policy?lang=fr", None).await.problem(400).as_deref(), Some("lang"));
    // A minor change (a new contact phone) is not major and asks nobody to re-consent.
    let v2 = clean_text().replacen(r#"phone = "400-000-0000""#, r#"phone = "400-000-0001""#, 1);
    let r = s.post("/v1/policy/versions", &json!({ "manifest": v2, "effective": "2026-01-20" })).await;
    assert_eq!(r.status, 201, "{}", r.body);
    // (A change of contact details is one of the six triggers: major, but no re-consent.)
    assert_eq!(r.json()["reconsent"], json!([]));
    let versions = s.get_as("/v1/policy/versions", None).await.json();
    let nums: Vec<_> = versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["version"].as_i64().unwrap(), v["in_force"].as_bool().unwrap()))
        .collect();
    assert_eq!(nums, [(1, false), (2, true)]);
    let now = s.get_as("/v1/policy?format=json", None).await.json();
    assert_eq!(now["controller"]["contact"]["phone"], "400-000-0001");
    // The archive keeps version 1 in every form (CHG-03).
    let old = s.get_as("/v1/policy/versions/1?format=json", None).await.json();
    assert_eq!(old, m1);
    let old_en = s.get_as("/v1/policy/versions/1?lang=en&format=html", None).await;
    assert!(old_en.body.contains("400-000-0000") && old_en.content_type.starts_with("text/html"));
    let d = s.get_as("/v1/policy/versions/2/diff", None).await.json();
    assert!(d["diff"]["changes"].as_array().is_some_and(|c| !c.is_empty()), "{d}");
    assert_eq!(s.get_as("/v1/policy/versions/3", None).await.problem(404).as_deref(), Some("n"));
    assert_eq!(s.get_as("/v1/policy/versions/x", None).await.problem(400).as_deref(), Some("n"));
    // A version effective in the future waits; the one in force stays.
    let v3 = clean_text().replacen(r#"phone = "400-000-0000""#, r#"phone = "400-000-0003""#, 1);
    let r = s.post("/v1/policy/versions", &json!({ "manifest": v3, "effective": "2099-01-01" })).await.json();
    assert_eq!((r["version"].as_i64(), r["in_force"].as_bool()), (Some(3), Some(false)));
    assert_eq!(s.get_as("/v1/policy", None).await.headers["x-gebao-policy-version"], "2");
    s.stop().await;
}

async fn ops_endpoints(k: Kit) {
    let s = k.start().await;
    let h = s.get_as("/healthz", None).await;
    assert_eq!((h.status, h.body.as_str()), (200, "ok"));
    assert!(h.headers.get("x-request-id").is_some());
    let ready = s.get_as("/readyz", None).await.json();
    assert_eq!(ready["policy_version"], 1);
    // Public: it says it is ready, nothing internal (no engine, no counts).
    assert_eq!(ready, json!({ "status": "ready", "policy_version": 1 }));
    let api = s.get_as("/openapi.json", None).await.json();
    for path in [
        "/v1/decisions",
        "/v1/decisions/batch",
        "/v1/consents",
        "/v1/consents/withdraw",
        "/v1/subjects/{id}",
        "/v1/policy/versions/{n}",
        "/v1/audit",
        "/healthz",
    ] {
        assert!(api["paths"][path].is_object(), "{path} missing from the OpenAPI document");
    }
    assert!(api["components"]["securitySchemes"]["api_key"].is_object());
    assert!(api["components"]["schemas"]["Problem"].is_object());
    // A caller's request id is echoed into the problem document.
    let r = s.send("GET", "/v1/nothing", None, None, Vec::new()).await;
    let id = r.headers["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(r.json()["request_id"], id.as_str());
    s.register("u1", json!({})).await;
    s.decide("u1", "recommend", &["browsing"]).await;
    s.consent("u1", "grant", purpose("recommend"), json!({})).await;
    let m = s.get("/metrics").await;
    for needle in [
        "gebao_decisions_total{outcome=\"deny\",reason=\"consent-missing\"} 1",
        "gebao_http_requests_total{route=\"/v1/decisions\",method=\"POST\",status=\"200\"} 1",
        "gebao_subjects_in_memory 1",
        "gebao_consent_batch_size_count 1",
        "gebao_consent_commit_duration_seconds_count 1",
    ] {
        assert!(m.body.contains(needle), "{needle} not in\n{}", m.body);
    }
    // Every metric the server exposes is explained to operators in the deployment guide.
    let guide = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/deployment.md")).unwrap();
    for name in m.body.lines().filter_map(|l| l.strip_prefix("# HELP ")).filter_map(|l| l.split(' ').next()) {
        assert!(guide.contains(&format!("`{name}`")), "metric {name} is not described in docs/deployment.md");
    }
    s.stop().await;
}

/// A body over the limit is refused from its Content-Length, before it is read. Sent over a
/// raw connection so that the answer is read before the (never sent) body: an HTTP client
/// that is still uploading when the server answers and closes may see a broken pipe instead.
async fn oversized_body_gets_413(k: Kit) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let s = k.start().await;
    let before = footprint(&s).await;
    let addr = s.base.trim_start_matches("http://").to_owned();
    let mut tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /v1/consents HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        s.admin,
        2 * 1024 * 1024
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(std::time::Duration::from_secs(5), tcp.read(&mut buf)).await.unwrap().unwrap();
    let answer = String::from_utf8_lossy(&buf[..n]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert_eq!(footprint(&s).await, before, "nothing was written");
}

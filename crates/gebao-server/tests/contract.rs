//! The OpenAPI document is the contract: what `scripts/api-conformance` found where the
//! server and `/openapi.json` disagreed, each fixed and held here over HTTP. Bad input of
//! every kind (a path segment, a query parameter, a header block, a content type, a body
//! shape) is answered as an RFC 9457 problem naming what is wrong. These edges do not
//! depend on the store, so they run on SQLite only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Kind, Kit, Server};
use serde_json::{Value, json};
use std::time::Duration;

macro_rules! on_sqlite {
    ($($name:ident),* $(,)?) => {
        $(mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::common::run($crate::common::Kind::Sqlite, super::$name).await
            }
        })*
    };
}

on_sqlite!(
    path_rejections_are_problems,
    query_rejections_name_the_parameter,
    oversized_headers_get_a_431_problem,
    graceful_shutdown_closes_idle_connections,
    only_application_json_is_json,
    optional_bodies_may_be_empty_or_null,
    bodies_are_objects_with_only_their_keys,
    integers_may_be_written_with_a_zero_fraction,
    erased_subjects_are_gone,
    document_states_the_limits,
);

async fn start(k: Kit) -> Server {
    assert_eq!(k.kind, Kind::Sqlite);
    let s = k.start().await;
    s.register("u1", json!({})).await;
    s
}

/// axum's own `Path` rejection was a text/plain 400 (`GET /v1/subjects/%FF`).
async fn path_rejections_are_problems(k: Kit) {
    let s = start(k).await;
    for (path, field) in [
        ("/v1/subjects/%FF", "id"),
        ("/v1/subjects/%C3%28/consents", "id"),
        ("/v1/requests/%FF", "id"),
        ("/v1/policy/versions/%FF", "n"),
        ("/v1/policy/versions/%FF/diff", "n"),
    ] {
        assert_eq!(s.get(path).await.problem(400).as_deref(), Some(field), "{path}");
    }
    let r = s.send("POST", "/v1/requests/%FF/approve", Some(&s.admin), None, Vec::new()).await;
    assert_eq!(r.problem(400).as_deref(), Some("id"));
    s.stop().await;
}

async fn query_rejections_name_the_parameter(k: Kit) {
    let s = start(k).await;
    for (path, field) in [
        ("/v1/requests?limit=x", "limit"),
        ("/v1/requests?limit=0", "limit"),
        ("/v1/requests?limit=-9223372036854775808", "limit"),
        ("/v1/requests?overdue=maybe", "overdue"),
        ("/v1/requests?state=received,%20completed", "state"),
        ("/v1/requests?state=", "state"),
        ("/v1/requests?state=received,,completed", "state"),
        ("/v1/requests?kind=", "kind"),
        ("/v1/requests?subject=a%20b", "subject"),
        ("/v1/requests?due_within=00001d", "due_within"),
        ("/v1/requests?due_within=%203d", "due_within"),
        ("/v1/requests?after=%2B5:req_x", "after"),
        ("/v1/audit?after=-1", "after"),
        ("/v1/audit?after=", "after"),
        ("/v1/audit?limit=1001", "limit"),
        ("/v1/policy?lang=", "lang"),
        ("/v1/policy?lang=EN", "lang"),
        ("/v1/policy?format=markdown", "format"),
        ("/v1/policy/versions/1?format=HTML", "format"),
        ("/v1/subjects?phone=1&email=a@b.c", "phone"),
    ] {
        assert_eq!(s.get(path).await.problem(400).as_deref(), Some(field), "{path}");
    }
    let r = s.post("/v1/requests/req_x/execute?dry_run=yes", &json!({})).await;
    assert_eq!(r.problem(400).as_deref(), Some("dry_run"));
    // What the document allows is taken.
    for path in [
        "/v1/requests?state=received,completed&kind=access&subject=u1&due_within=3660wd&limit=1000",
        "/v1/requests?after=-5:req_x&overdue=false",
        "/v1/audit?after=0&limit=1",
        "/v1/policy?lang=en&format=md",
    ] {
        assert_eq!(s.get(path).await.status, 200, "{path}");
    }
    s.stop().await;
}

/// hyper answered a head over its buffer with a bare 431; gebao reads heads up to 2 MiB and
/// refuses those over 64 KiB itself, as a problem document.
async fn oversized_headers_get_a_431_problem(k: Kit) {
    let s = start(k).await;
    let http = reqwest::Client::new();
    let get = |size: usize| {
        http.get(format!("{}/v1/subjects/u1", s.base))
            .bearer_auth(&s.admin)
            .header("x-padding", "a".repeat(size))
            .send()
    };
    let ok = get(60 * 1024).await.unwrap();
    assert_eq!(ok.status(), 200);
    for size in [gebao_server::HEADERS_MAX, 1024 * 1024] {
        let r = get(size).await.unwrap();
        assert_eq!(r.status(), 431, "{size}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        assert!(r.headers().get("x-request-id").is_some());
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["type"], "urn:gebao:problem:headers-too-large");
        assert!(p["detail_en"].as_str().unwrap().contains("65536"), "{p}");
    }
    // The server is none the worse.
    assert_eq!(s.get("/v1/subjects/u1").await.status, 200);
    s.stop().await;
}

/// The accept loop is gebao's own: a stop must still drain and return, even with a client
/// holding an idle keep-alive connection.
async fn graceful_shutdown_closes_idle_connections(k: Kit) {
    let s = start(k).await;
    let http = reqwest::Client::builder().pool_idle_timeout(Duration::from_secs(600)).build().unwrap();
    let r = http.get(format!("{}/healthz", s.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let base = s.base.clone();
    tokio::time::timeout(Duration::from_secs(10), s.stop()).await.expect("the server did not stop");
    // Nothing listens any more.
    assert!(http.get(format!("{base}/healthz")).send().await.is_err());
}

/// `application/evil+json` was taken as JSON. Now only `application/json` (any case, with
/// no charset but UTF-8), as the document says.
async fn only_application_json_is_json(k: Kit) {
    let s = start(k).await;
    let body = json!({ "id": "u2" }).to_string().into_bytes();
    for ct in ["application/evil+json", "application/merge-patch+json", "application/json; charset=latin1", "text/json"]
    {
        let r = s.send("POST", "/v1/subjects", Some(&s.admin), Some(ct), body.clone()).await;
        assert_eq!(r.problem(415), None, "{ct}");
    }
    for ct in [
        "application/json",
        "Application/JSON",
        "application/json; charset=UTF-8",
        "application/json;charset=\"utf-8\"",
    ] {
        let r = s.send("POST", "/v1/subjects", Some(&s.admin), Some(ct), body.clone()).await;
        assert!(r.status == 200 || r.status == 201, "{ct}: {}", r.body);
    }
    s.stop().await;
}

/// The document says these bodies are optional and may be `null`; `null` was a 422.
async fn optional_bodies_may_be_empty_or_null(k: Kit) {
    let s = start(k).await;
    let j = Some("application/json");
    for body in ["", "null", "{}", r#"{"reason": null}"#, r#"{"reason": "用户申请"}"#] {
        let r = s.send("POST", "/v1/subjects/u1/restrict", Some(&s.admin), j, body.into()).await;
        assert_eq!(r.status, 200, "{body}: {}", r.body);
        assert_eq!(r.json()["status"], "restricted");
    }
    let r = s.send("POST", "/v1/subjects/u1/unrestrict", Some(&s.admin), None, Vec::new()).await;
    assert_eq!(r.json()["status"], "active");
    s.stop().await;
}

/// A stray key in `scope` was ignored; an array was read as a struct's fields in order.
async fn bodies_are_objects_with_only_their_keys(k: Kit) {
    let s = start(k).await;
    let grant = |scope: Value| json!({ "subject": "u1", "action": "grant", "scope": scope });
    let stray = grant(json!({ "kind": "personalisation", "recipient": "x" }));
    assert_eq!(s.post("/v1/consents", &stray).await.problem(422).as_deref(), Some("scope.recipient"));
    let stray = grant(json!({ "kind": "purpose", "purpose": "recommend", "category": "analytics" }));
    assert_eq!(s.post("/v1/consents", &stray).await.problem(422).as_deref(), Some("scope.category"));
    let r = s.post("/v1/requests", &json!({ "kind": "access", "subject": "u1" })).await;
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let otp = json!({ "method": "otp", "user": "u1" });
    assert_eq!(s.post(&format!("/v1/requests/{id}/verify"), &otp).await.problem(422).as_deref(), Some("user"));
    // Arrays where objects are described.
    let j = Some("application/json");
    let r = s.send("POST", &format!("/v1/requests/{id}/withdraw"), Some(&s.admin), j, b"[]".to_vec()).await;
    r.problem(422);
    assert_eq!(
        s.post("/v1/consents", &grant(json!(["purpose", "recommend"]))).await.problem(422).as_deref(),
        Some("scope")
    );
    let r = s.post("/v1/requests", &json!({ "kind": "access", "subject": "u1", "requester": ["u1"] })).await;
    assert_eq!(r.problem(422).as_deref(), Some("requester"));
    // The well-formed ones are taken.
    assert_eq!(s.post("/v1/consents", &grant(json!({ "kind": "personalisation" }))).await.status, 201);
    s.stop().await;
}

/// JSON Schema's `integer` includes `7.0`, which generated clients send.
async fn integers_may_be_written_with_a_zero_fraction(k: Kit) {
    let s = start(k).await;
    let q = |at: Value| json!({ "subject": "u1", "purpose": "recommend", "collected_at_ms": at });
    assert_eq!(s.post("/v1/decisions", &q(json!(1_700_000_000_000.0))).await.status, 200);
    for bad in [json!(1.5), json!(-9.3e18), json!("5")] {
        assert_eq!(
            s.post("/v1/decisions", &q(bad.clone())).await.problem(422).as_deref(),
            Some("collected_at_ms"),
            "{bad}"
        );
    }
    let r = s.post("/v1/subjects", &json!({ "id": "u3", "age": 30.0 })).await;
    assert_eq!((r.status, r.json()["age"].as_i64()), (201, Some(30)));
    let grant =
        json!({ "subject": "u1", "action": "grant", "scope": common::purpose("recommend"), "policy_version": 1.0 });
    assert_eq!(s.post("/v1/consents", &grant).await.status, 201);
    s.stop().await;
}

/// The 410 of an erased subject, now in the document.
async fn erased_subjects_are_gone(k: Kit) {
    let s = start(k).await;
    assert_eq!(s.post("/v1/subjects/u1/cancel", &json!({})).await.status, 200);
    for path in ["/v1/subjects/u1", "/v1/subjects/u1/consents"] {
        let r = s.get(path).await;
        assert_eq!(r.problem(410).as_deref(), Some("id"), "{path}");
        assert_eq!(r.json()["type"], "urn:gebao:problem:gone");
    }
    let grant = json!({ "subject": "u1", "action": "grant", "scope": common::purpose("recommend") });
    assert_eq!(s.post("/v1/consents", &grant).await.problem(410).as_deref(), Some("subject"));
    let api = s.get_as("/openapi.json", None).await.json();
    for (path, method) in [
        ("/v1/subjects/{id}", "get"),
        ("/v1/subjects/{id}/consents", "get"),
        ("/v1/subjects/{id}/cancel", "post"),
        ("/v1/consents", "post"),
        ("/v1/requests", "post"),
    ] {
        assert!(api["paths"][path][method]["responses"]["410"].is_object(), "{method} {path}");
    }
    s.stop().await;
}

/// What the conformance run found missing from `/openapi.json`, now there.
async fn document_states_the_limits(k: Kit) {
    let s = start(k).await;
    let api = s.get_as("/openapi.json", None).await.json();
    let schemas = &api["components"]["schemas"];
    let paths = &api["paths"];
    let id = &schemas["OperatorId"];
    assert_eq!((id["minLength"].as_u64(), id["maxLength"].as_u64()), (Some(1), Some(128)), "{id}");
    assert!(id["pattern"].as_str().is_some());
    assert_eq!(schemas["SubjectBody"]["properties"]["id"]["$ref"], "#/components/schemas/OperatorId");
    // Parameters: ranges and closed sets.
    let param = |path: &str, name: &str| {
        paths[path]["get"]["parameters"].as_array().unwrap().iter().find(|p| p["name"] == name).unwrap().clone()
    };
    let limit = param("/v1/requests", "limit");
    assert_eq!((limit["schema"]["minimum"].as_i64(), limit["schema"]["maximum"].as_i64()), (Some(1), Some(1000)));
    assert_eq!(limit["required"], false);
    assert_eq!(param("/v1/policy", "lang")["schema"]["$ref"], "#/components/schemas/LangName");
    assert_eq!(schemas["LangName"]["enum"], json!(["zh-CN", "en"]));
    assert_eq!(schemas["TextFormat"]["enum"], json!(["html", "md", "json"]));
    assert_eq!(schemas["CookieCategoryName"]["enum"], json!(["functional", "analytics", "advertising"]));
    assert_eq!(schemas["RequestKindName"]["enum"].as_array().map(Vec::len), Some(10));
    assert_eq!(param("/v1/policy/versions/{n}", "n")["schema"]["minimum"], 1);
    // Content types.
    let policy = &paths["/v1/policy"]["get"]["responses"]["200"]["content"];
    for media in ["text/html", "text/markdown", "application/json"] {
        assert!(policy[media].is_object(), "{media}: {policy}");
    }
    assert!(paths["/metrics"]["get"]["responses"]["200"]["content"]["application/openmetrics-text"].is_object());
    // Nullable where the server answers null; any JSON where it takes any.
    assert_eq!(schemas["DiffView"]["properties"]["diff"]["type"], json!(["object", "null"]));
    let evidence = &schemas["ConsentView"]["properties"]["evidence"];
    assert!(evidence.get("type").is_none() && evidence.get("$ref").is_none(), "any JSON value: {evidence}");
    assert_eq!(param("/v1/requests", "state")["schema"]["minItems"], 1);
    let body = &paths["/v1/subjects/{id}/cancel"]["post"]["requestBody"];
    assert_ne!(body["required"], true, "{body}");
    // The dry run's plan, beside the request.
    let executed = &schemas["Executed"]["oneOf"];
    assert_eq!(executed.as_array().map(Vec::len), Some(2), "{executed}");
    // A recipient acknowledges with the delivery's token, staff with a key.
    let ack = &paths["/v1/outbox/{id}/ack"]["post"]["security"];
    assert_eq!(ack, &json!([{}, { "api_key": ["requests:write"] }]));
    assert!(paths["/v1/decisions"]["post"]["responses"]["431"].is_object());
    assert_eq!(schemas["Ready"]["required"], json!(["status", "policy_version"]));
    for tagged in ["ScopeBody", "VerifyBody"] {
        for variant in schemas[tagged]["oneOf"].as_array().unwrap() {
            assert_eq!(variant["additionalProperties"], false, "{tagged}: {variant}");
        }
    }
    s.stop().await;
}

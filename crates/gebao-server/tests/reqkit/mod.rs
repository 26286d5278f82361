//! Test kit for rights requests: a local HTTP receiver (127.0.0.1:0) that plays the
//! notifier, the operator's webhook and the recipients, and a manifest whose webhooks point
//! at it.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{Kit, Server, clean_text};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use serde_json::{Value, json};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;

/// The signing secret the receiver shares with the test server.
pub const SECRET: &str = "receiver-secret-0123456789abcdef0123456789";

/// One call the receiver got.
#[derive(Debug, Clone)]
pub struct Call {
    pub path: String,
    pub outbox_id: String,
    pub body: Value,
    /// Whether the call carried a valid gebao signature for [`SECRET`].
    pub signed: bool,
}

#[derive(Default)]
struct Inner {
    calls: Vec<Call>,
    /// Scripted answers per path, used in order; then 200 `{}`.
    script: HashMap<String, VecDeque<(u16, Value)>>,
}

/// The receiver: every POST to `/{path}` is recorded and answered from the script.
#[derive(Clone)]
pub struct Receiver {
    pub base: String,
    inner: Arc<Mutex<Inner>>,
}

async fn hook(
    State(r): State<Receiver>,
    Path(path): Path<String>,
    headers: axum::http::HeaderMap,
    raw: String,
) -> (StatusCode, axum::Json<Value>) {
    let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let signed = gebao_egress::verify_signature(
        SECRET.as_bytes(),
        &header("x-gebao-timestamp"),
        raw.as_bytes(),
        &header("x-gebao-signature"),
        gebao_server::now_ms() / 1000,
        gebao_egress::TOLERANCE,
    )
    .is_ok();
    let body: Value = serde_json::from_str(&raw).unwrap_or(Value::Null);
    let outbox_id = header("x-gebao-delivery");
    let mut inner = r.inner.lock().unwrap();
    inner.calls.push(Call { path: path.clone(), outbox_id, body, signed });
    let (status, answer) = inner.script.get_mut(&path).and_then(VecDeque::pop_front).unwrap_or((200, json!({})));
    (StatusCode::from_u16(status).unwrap(), axum::Json(answer))
}

impl Receiver {
    pub async fn start() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let r = Receiver { base, inner: Arc::default() };
        let app = axum::Router::new().route("/{*path}", post(hook)).with_state(r.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        r
    }

    /// The egress allowlist that lets a server deliver to this receiver (loopback: allowed
    /// explicitly), signed with [`SECRET`].
    pub fn egress(&self) -> gebao_egress::EgressConfig {
        gebao_egress::EgressConfig {
            destinations: vec![gebao_egress::DestinationConfig {
                name: "test-receiver".into(),
                url: self.base.clone(),
                secret: Some(gebao_egress::Secret::new(SECRET)),
                allow_private: true,
            }],
            ..Default::default()
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/{path}", self.base)
    }

    /// Queues an answer for the next call to `path`.
    pub fn answer(&self, path: &str, status: u16, body: Value) {
        self.inner.lock().unwrap().script.entry(path.to_owned()).or_default().push_back((status, body));
    }

    pub fn calls(&self, path: &str) -> Vec<Call> {
        self.inner.lock().unwrap().calls.iter().filter(|c| c.path == path).cloned().collect()
    }

    /// Waits until `path` got at least `n` calls.
    pub async fn wait_calls(&self, path: &str, n: usize) -> Vec<Call> {
        let start = Instant::now();
        loop {
            let calls = self.calls(path);
            if calls.len() >= n {
                return calls;
            }
            assert!(start.elapsed() < Duration::from_secs(15), "`{path}` got {} call(s), expected {n}", calls.len());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// The clean manifest with every external address replaced: the recipients' deletion
/// channels point at the receiver (push SDK: webhook) or are an email address (cloud:
/// manual action), and cancellation is blocked by a paid plan (seed 002).
pub fn manifest(r: &Receiver) -> String {
    let text = clean_text()
        .replace(
            r#"deletion = { via = "api", address = "https://push.example.cn/api/delete" }"#,
            &format!(r#"deletion = {{ via = "webhook", address = "{}" }}"#, r.url("recipient/push")),
        )
        .replace(
            r#"deletion = { via = "api", address = "https://cloud.example.cn/api/delete" }"#,
            r#"deletion = { via = "email", address = "dpo@cloud.example.cn" }"#,
        )
        .replace(
            "erase_within = \"15 working days\"",
            "erase_within = \"15 working days\"\nblockers = [{ id = \"paid-plan\", description = \"付费服务期限未满，请先处理\", description_en = \"A paid plan has not expired: deal with it first\" }]",
        );
    assert!(!text.contains("address = \"https://"), "a deletion channel still points outside this machine");
    text
}

/// Starts a server on `kit` with `manifest_text`, its webhooks on the receiver and fast
/// background jobs.
pub async fn start(kit: &Kit, r: &Receiver, manifest_text: &str) -> (Server, tempfile::TempDir) {
    start_with(kit, r, manifest_text, None).await
}

/// Like [`start`], with the URLs of the connections the manifest's datasets name.
pub async fn start_with(
    kit: &Kit,
    r: &Receiver,
    manifest_text: &str,
    connections: Option<gebao_connectors::Connections>,
) -> (Server, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gebao.toml");
    std::fs::write(&path, manifest_text).unwrap();
    let mut cfg = kit.config();
    cfg.manifest = Some(path);
    cfg.requests.notifier_url = Some(r.url("notify"));
    cfg.requests.operator_webhook = Some(r.url("operator"));
    cfg.requests.outbox_interval = Duration::from_millis(30);
    cfg.requests.outbox_backoff = Duration::from_millis(100);
    cfg.requests.outbox_backoff_cap = Duration::from_millis(400);
    cfg.requests.deadline_interval = Duration::from_millis(100);
    cfg.requests.webhook_timeout = Duration::from_secs(5);
    cfg.egress = r.egress();
    cfg.requests.connections = connections;
    (Server::start(cfg).await, dir)
}

/// Files a request; asserts 201.
pub async fn file(s: &Server, body: Value) -> Value {
    let r = s.post("/v1/requests", &body).await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()
}

/// Verifies as `user` (operator-asserted); asserts 200.
pub async fn vouch(s: &Server, id: &str, user: &str) -> Value {
    let r = s.post(&format!("/v1/requests/{id}/verify"), &json!({ "method": "operator-asserted", "user": user })).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

/// Posts an action; asserts 200.
pub async fn act(s: &Server, id: &str, action: &str, body: Value) -> Value {
    let r = s.post(&format!("/v1/requests/{id}/{action}"), &body).await;
    assert_eq!(r.status, 200, "{action}: {}", r.body);
    r.json()
}

pub async fn get(s: &Server, id: &str) -> Value {
    let r = s.get(&format!("/v1/requests/{id}")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

/// Waits until `check` holds for the request.
pub async fn wait_for(s: &Server, id: &str, what: &str, check: impl Fn(&Value) -> bool) -> Value {
    let start = Instant::now();
    loop {
        let v = get(s, id).await;
        if check(&v) {
            return v;
        }
        assert!(start.elapsed() < Duration::from_secs(15), "timed out waiting for {what}: {v:#}");
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
}

/// The names of a request's events, in order.
pub fn events(v: &Value) -> Vec<String> {
    v["events"].as_array().unwrap().iter().map(|e| e["event"].as_str().unwrap().to_owned()).collect()
}

/// The deliveries of a request of one kind.
pub fn deliveries<'a>(v: &'a Value, kind: &str) -> Vec<&'a Value> {
    v["deliveries"].as_array().unwrap().iter().filter(|d| d["kind"] == kind).collect()
}

//! Test kit: the real server on 127.0.0.1:0 over a fresh store (a SQLite file in a temp
//! dir, or a fresh PostgreSQL database), driven over HTTP with reqwest.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use gebao_server::{AppState, ServerConfig};
use gebao_store::crypto::Keys;
use gebao_store::{NewApiKey, NewAudit, Scope};
use serde_json::{Value, json};
use std::future::Future;
use std::path::PathBuf;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use gebao_testkit::DbKind as Kind;
use gebao_testkit::TestDb;

pub const MASTER: [u8; 32] = [9; 32];

/// The baseline manifest of the rule tests: free of findings.
pub fn clean_path() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../gebao-core/src/rules/testdata/clean.toml"))
}

pub fn clean_text() -> String {
    std::fs::read_to_string(clean_path()).unwrap()
}

/// What a test gets: where the store is; start as many instances on it as needed.
pub struct Kit {
    pub kind: Kind,
    pub url: String,
}

/// Runs `test` on a fresh store of `kind` (gebao's SQLite file in a data directory, or a
/// fresh PostgreSQL database), removed afterwards, also when the test panics.
pub async fn run<F, Fut>(kind: Kind, test: F)
where
    F: FnOnce(Kit) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let pg = match kind {
        Kind::Sqlite => None,
        _ => match TestDb::create(kind, "gebao_srv").await {
            Some(db) => Some(db),
            None => return,
        },
    };
    let url = pg.as_ref().map_or_else(|| gebao_server::sqlite_url(dir.path()), |db| db.url.clone());
    test(Kit { kind, url }).await;
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub content_type: String,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// Asserts a problem document with `status` and returns its `field`.
    pub fn problem(&self, status: u16) -> Option<String> {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(self.content_type, "application/problem+json", "{}", self.body);
        let p = self.json();
        assert_eq!(p["status"], status);
        assert!(p["detail"].as_str().is_some_and(|d| !d.is_empty()) && p["detail_en"].as_str().is_some(), "{p}");
        assert!(p["request_id"].as_str().is_some(), "{p}");
        p["field"].as_str().map(str::to_owned)
    }
}

/// One running instance.
pub struct Server {
    pub base: String,
    pub state: AppState,
    /// A token with every scope.
    pub admin: String,
    http: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    join: Option<JoinHandle<Result<(), gebao_server::ServerError>>>,
}

impl Kit {
    pub fn config(&self) -> ServerConfig {
        let mut cfg = ServerConfig::new(self.url.clone(), Keys::from_master(&MASTER));
        cfg.manifest = Some(clean_path());
        cfg
    }

    /// Starts an instance on this kit's store.
    pub async fn start(&self) -> Server {
        Server::start(self.config()).await
    }
}

impl Server {
    pub async fn start(cfg: ServerConfig) -> Server {
        let state = gebao_server::build(&cfg).await.unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = oneshot::channel::<()>();
        let join = tokio::spawn(gebao_server::serve_with(listener, state.clone(), async {
            let _ = rx.await;
        }));
        let mut s = Server {
            base,
            state,
            admin: String::new(),
            http: reqwest::Client::new(),
            stop: Some(tx),
            join: Some(join),
        };
        s.admin = s.key(&Scope::ALL).await;
        s
    }

    /// Creates an API key with `scopes`; returns its token.
    pub async fn key(&self, scopes: &[Scope]) -> String {
        let id = format!("{:08x}", rand::random::<u32>());
        let token = format!("gbk_{id}_{:032x}", rand::random::<u128>());
        let key = NewApiKey {
            id: id.clone(),
            name: "test".into(),
            hash: gebao_server::auth::token_hash(&token),
            scopes: scopes.to_vec(),
            created_ms: gebao_server::now_ms(),
        };
        let audit = NewAudit {
            actor: "cli:test".into(),
            action: gebao_store::AuditAction::KeyCreate,
            target: format!("key:{id}"),
            reason: None,
            detail: json!({}),
            at_ms: gebao_server::now_ms(),
        };
        self.state.store.create_api_key(key, audit).await.unwrap();
        token
    }

    /// Sends a request; `body` is sent as-is with `content_type`.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Resp {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self.http.request(method, format!("{}{path}", self.base)).body(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        Resp { status, content_type, headers, body: res.text().await.unwrap() }
    }

    pub async fn get_as(&self, path: &str, token: Option<&str>) -> Resp {
        self.send("GET", path, token, None, Vec::new()).await
    }

    pub async fn post_as(&self, path: &str, token: Option<&str>, body: &Value) -> Resp {
        self.send("POST", path, token, Some("application/json"), body.to_string().into_bytes()).await
    }

    /// The raw bytes of a GET with the admin key.
    pub async fn get_bytes(&self, path: &str) -> Vec<u8> {
        let res = self.http.get(format!("{}{path}", self.base)).bearer_auth(&self.admin).send().await.unwrap();
        res.bytes().await.unwrap().to_vec()
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.get_as(path, Some(&self.admin)).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Resp {
        self.post_as(path, Some(&self.admin), body).await
    }

    /// Registers a subject; `extra` adds fields (age, birth_date, …).
    pub async fn register(&self, id: &str, extra: Value) {
        let mut body = json!({ "id": id });
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        let r = self.post("/v1/subjects", &body).await;
        assert!(r.status == 201 || r.status == 200, "{}", r.body);
    }

    /// Grants (or withdraws) a consent; asserts 201.
    pub async fn consent(&self, subject: &str, action: &str, scope: Value, extra: Value) -> Value {
        let mut body = json!({ "subject": subject, "action": action, "scope": scope, "channel": "app" });
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        let r = self.post("/v1/consents", &body).await;
        assert_eq!(r.status, 201, "{}", r.body);
        r.json()
    }

    /// Asks for a decision; returns `(allow, reason)`.
    pub async fn decide(&self, subject: &str, purpose: &str, fields: &[&str]) -> (bool, Option<String>) {
        let r = self.post("/v1/decisions", &json!({ "subject": subject, "purpose": purpose, "fields": fields })).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let d = r.json();
        (d["allow"].as_bool().unwrap(), d["reason"].as_str().map(str::to_owned))
    }

    /// Number of audit entries.
    pub async fn audit_len(&self) -> usize {
        let mut n = 0;
        let mut after = 0;
        loop {
            let page = self.get(&format!("/v1/audit?after={after}&limit=1000")).await.json();
            n += page["items"].as_array().unwrap().len();
            match page["next_after"].as_i64() {
                Some(a) => after = a,
                None => return n,
            }
        }
    }

    /// Stops the instance gracefully and waits for it.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(j) = self.join.take() {
            j.await.unwrap().unwrap();
        }
    }
}

/// The operator's own database for a test: `operator.db` in `dir`, created with `sql`; its
/// URL (as a manifest's connection names it) and a pool on it.
pub async fn operator_sqlite(dir: &std::path::Path, sql: &str) -> (String, sqlx::SqlitePool) {
    let url = format!("sqlite://{}", dir.join("operator.db").display());
    let db = sqlx::SqlitePool::connect(&format!("{url}?mode=rwc")).await.unwrap();
    sqlx::raw_sql(sql).execute(&db).await.unwrap();
    (url, db)
}

pub fn purpose(p: &str) -> Value {
    json!({ "kind": "purpose", "purpose": p })
}

/// Every page of the privacy centre reachable from `start` by its own links (anonymous,
/// as a user's browser), each with its answer.
pub async fn crawl_centre(s: &Server, start: &str) -> Vec<(String, Resp)> {
    let mut seen: std::collections::BTreeSet<String> = [start.to_owned()].into();
    let mut queue = vec![start.to_owned()];
    let mut pages = Vec::new();
    while let Some(path) = queue.pop() {
        let res = s.get_as(&path, None).await;
        for link in attribute_values(&res.body, "href") {
            let link = link.replace("&amp;", "&");
            let link = link.split('#').next().unwrap_or_default().to_owned();
            if link.starts_with("/privacy") && !link.contains("/assets/") && seen.insert(link.clone()) {
                queue.push(link);
            }
        }
        pages.push((path, res));
    }
    pages
}

/// The values of every `name="…"` attribute in an HTML text.
pub fn attribute_values(html: &str, name: &str) -> Vec<String> {
    let needle = format!(" {name}=\"");
    html.match_indices(&needle)
        .filter_map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            rest.find('"').map(|end| rest[..end].to_owned())
        })
        .collect()
}

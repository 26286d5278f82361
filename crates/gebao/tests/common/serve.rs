//! A running `gebao serve` for tests: a data directory (SQLite) or a fresh PostgreSQL
//! database, API keys made with `gebao keys`, and blocking HTTP helpers.
#![allow(dead_code)]

use super::*;
use gebao_testkit::{DbKind, TestDb};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where a test's store lives: a data directory, and a PostgreSQL URL or none (SQLite).
pub struct Backend {
    pub dir: tempfile::TempDir,
    pub pg: Option<TestDb>,
    manifest_text: String,
    /// Flags `gebao serve` gets beyond the store's.
    pub serve_flags: Vec<String>,
    /// Environment variables `gebao serve` gets (named connections, …).
    pub serve_env: Vec<(String, String)>,
}

impl Backend {
    /// SQLite, serving the manifest `text`.
    pub fn sqlite_with(text: &str) -> Self {
        Backend { manifest_text: text.to_owned(), ..Backend::sqlite() }
    }

    /// Serves its manifest even though `gebao check` finds errors in it (the seeds are real
    /// policies, flaws included).
    pub fn allowing_findings(mut self) -> Self {
        self.serve_flags.push("--allow-findings".into());
        self
    }

    pub fn sqlite() -> Self {
        Backend {
            dir: tempfile::tempdir().expect("temp dir"),
            pg: None,
            manifest_text: CLEAN.to_owned(),
            serve_flags: Vec::new(),
            serve_env: Vec::new(),
        }
    }

    /// A fresh PostgreSQL database, or `None` when PostgreSQL cannot be reached (a failure
    /// when CI=true: the PostgreSQL suite must run there).
    pub fn postgres() -> Option<Self> {
        let pg = TestDb::create_blocking(DbKind::Postgres, "gebao_cli")?;
        Some(Backend {
            dir: tempfile::tempdir().expect("temp dir"),
            pg: Some(pg),
            manifest_text: CLEAN.to_owned(),
            serve_flags: Vec::new(),
            serve_env: Vec::new(),
        })
    }

    pub fn args(&self) -> Vec<String> {
        let mut a = vec!["--data-dir".to_owned(), self.dir.path().display().to_string()];
        if let Some(pg) = &self.pg {
            a.extend(["--database-url".to_owned(), pg.url.clone()]);
        }
        a
    }

    pub fn manifest(&self) -> PathBuf {
        let p = self.dir.path().join("gebao.toml");
        if !p.exists() {
            std::fs::write(&p, &self.manifest_text).expect("write manifest");
        }
        p
    }

    pub fn key(&self, scopes: &str) -> String {
        let out = gebao()
            .args(["keys", "create", "--name", "test", "--json", "--scope", scopes])
            .args(self.args())
            .assert()
            .success();
        let v: Value = serde_json::from_slice(&out.get_output().stdout).expect("JSON");
        v["token"].as_str().expect("token").to_owned()
    }
}

/// The start of the name of each server's log in its backend's directory.
const LOG_PREFIX: &str = "serve-";

/// What every server started on `b` wrote to its log.
pub fn server_logs(b: &Backend) -> String {
    let mut logs = String::new();
    for entry in std::fs::read_dir(b.dir.path()).into_iter().flatten().flatten() {
        if entry.file_name().to_string_lossy().starts_with(LOG_PREFIX) {
            logs.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
        }
    }
    logs
}

/// A running `gebao serve`, killed on drop.
pub struct Server {
    child: Child,
    pub base: String,
}

impl Server {
    pub fn start(b: &Backend) -> Server {
        let port = gebao_testkit::free_port();
        let log = b.dir.path().join(format!("{LOG_PREFIX}{port}.log"));
        let child = Command::new(assert_cmd::cargo::cargo_bin("gebao"))
            .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--manifest"])
            .arg(b.manifest())
            .args(b.args())
            .args(&b.serve_flags)
            .envs(b.serve_env.iter().map(|(k, v)| (k, v)))
            .env("GEBAO_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).map(Stdio::from).unwrap_or_else(|_| Stdio::null()))
            .spawn()
            .expect("spawn gebao serve");
        let s = Server { child, base: format!("http://127.0.0.1:{port}") };
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if reqwest::blocking::get(format!("{}/readyz", s.base)).is_ok_and(|r| r.status().is_success()) {
                return s;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("gebao serve did not become ready: {}", std::fs::read_to_string(&log).unwrap_or_default());
    }

    /// SIGTERM, as a service manager stops it, and waits for it to exit: in-flight requests
    /// drained, queued writes committed, the snapshot written, the store closed.
    pub fn stop(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().expect("run kill");
        assert!(sent.success(), "kill -TERM {pid} failed");
        self.child.wait().expect("wait for gebao serve")
    }

    /// SIGKILL: no graceful shutdown, no flush.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder().timeout(Duration::from_secs(10)).build().expect("client")
}

pub fn post(base: &str, token: &str, path: &str, body: Value) -> reqwest::Result<reqwest::blocking::Response> {
    client().post(format!("{base}{path}")).bearer_auth(token).json(&body).send()
}

pub fn register(base: &str, token: &str, id: &str) {
    let r = post(base, token, "/v1/subjects", json!({"id": id, "birth_date": "1990-05-01"})).expect("register");
    assert!(r.status().is_success(), "register {id}: {}", r.status());
}

pub fn ledger_seqs(base: &str, token: &str, subject: &str) -> BTreeSet<i64> {
    let r = client().get(format!("{base}/v1/subjects/{subject}/consents")).bearer_auth(token).send().expect("history");
    assert!(r.status().is_success());
    let v: Value = r.json().expect("JSON");
    let history = v["history"].as_array().cloned().unwrap_or_default();
    history.iter().filter_map(|h| h["seq"].as_i64()).collect()
}

impl Backend {
    /// `gebao serve` reads `toml` as its configuration file (`--config`).
    pub fn configure(&mut self, toml: &str) {
        let config = self.dir.path().join("serve.toml");
        std::fs::write(&config, toml).expect("write the configuration");
        self.serve_flags.extend(["--config".into(), config.display().to_string()]);
    }
}

/// A notifier on loopback: answers every POST with 200, counts them and keeps their bodies.
pub struct Notifier {
    pub url: String,
    pub count: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    pub bodies: std::sync::Arc<std::sync::Mutex<Vec<Value>>>,
}

impl Notifier {
    pub fn start() -> Notifier {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}/notify", listener.local_addr().expect("address"));
        let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let bodies = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (c, b) = (count.clone(), bodies.clone());
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let mut buf = vec![0u8; 64 * 1024];
                let mut got = Vec::new();
                // The head, then as much body as Content-Length says.
                let mut body_at = None;
                while let Ok(n) = stream.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    got.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&got).into_owned();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let len = text[..end]
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned())
                            })
                            .and_then(|v| v.parse::<usize>().ok())
                            .unwrap_or(0);
                        if got.len() >= end + 4 + len {
                            body_at = Some(end + 4);
                            break;
                        }
                    }
                }
                if let Some(at) = body_at
                    && let Ok(v) = serde_json::from_slice::<Value>(&got[at..])
                {
                    b.lock().expect("bodies").push(v);
                }
                c.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
            }
        });
        Notifier { url, count, bodies }
    }

    /// The configuration that makes it the server's notifier (an allowed egress destination).
    pub fn config(&self) -> String {
        format!(
            "notifier_url = \"{url}\"\n\n[[egress.destinations]]\nname = \"notifier\"\nurl = \"{url}\"\n\
             secret = \"a-notifier-secret-of-32-characters-or-more\"\nallow_private = true\n",
            url = self.url
        )
    }

    /// Waits until it got `n` calls; their bodies.
    pub fn wait(&self, n: usize) -> Vec<Value> {
        let started = Instant::now();
        while self.count.load(std::sync::atomic::Ordering::SeqCst) < n {
            assert!(started.elapsed() < Duration::from_secs(20), "the notifier got fewer than {n} calls");
            std::thread::sleep(Duration::from_millis(50));
        }
        self.bodies.lock().expect("bodies").clone()
    }
}

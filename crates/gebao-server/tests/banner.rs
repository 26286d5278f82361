//! The consent banner for websites: its script as served (cache validators, gzip, the
//! size budget), its public route as a browser and an abuser would use it (origins, body
//! size, categories, the rate limit, the ledger record with the policy version), and the
//! banner itself in a real browser on a test site of another host name: no analytics
//! cookie before consent, one after "accept all", none after "reject all", all by keyboard.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Kind, Kit, Server};
use gebao_testkit::Browser;
use serde_json::{Value, json};
use std::time::Duration;

gebao_testkit::on_both_engines!(crate::common::run;
    the_route_records_only_what_a_configured_site_may_send,
    a_visitor_never_writes_to_a_registered_subject,
    the_rate_limit_bounds_the_ledger_per_address,
);

const SITE: &str = "http://localhost:8080";
const VISITOR: &str = "0123456789abcdef0123456789abcdef";

async fn start(kit: &Kit, per_minute: u32) -> Server {
    let mut cfg = kit.config();
    cfg.banner.origins = vec![SITE.into()];
    cfg.banner.per_minute = per_minute;
    Server::start(cfg).await
}

/// A POST as the banner sends it, from `origin`.
async fn send(s: &Server, origin: Option<&str>, body: &[u8]) -> (u16, reqwest::header::HeaderMap, String) {
    let mut req = reqwest::Client::new()
        .post(format!("{}/v1/banner/consents", s.base))
        .header("content-type", "application/json")
        .body(body.to_vec());
    if let Some(o) = origin {
        req = req.header("origin", o);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    (status, headers, res.text().await.unwrap())
}

fn choice(visitor: &str, version: i64, granted: bool) -> Vec<u8> {
    json!({ "visitor": visitor, "policy_version": version, "via": if granted { "accept-all" } else { "reject-all" },
            "choices": [{ "category": "analytics", "granted": granted }] })
    .to_string()
    .into_bytes()
}

fn problem(status: u16, expected: u16, body: &str) -> Value {
    assert_eq!(status, expected, "{body}");
    let p: Value = serde_json::from_str(body).unwrap();
    assert_eq!(p["status"], expected);
    assert!(p["detail"].as_str().is_some_and(|d| !d.is_empty()) && p["detail_en"].as_str().is_some(), "{p}");
    p
}

async fn ledger(s: &Server) -> Vec<gebao_store::ConsentRow> {
    s.state.store.consents_after(0, 1000).await.unwrap()
}

/// Only a configured site, only declared non-essential categories, only the version in
/// force, only a small body; what is recorded names the visitor by pseudonym, with the
/// policy version and the script's validator as evidence, and is audited.
async fn the_route_records_only_what_a_configured_site_may_send(kit: Kit) {
    let s = start(&kit, 100).await;
    let body = choice(VISITOR, 1, true);

    // Another site, or none, is refused; neither may read the answer.
    for origin in [None, Some("http://localhost:8081"), Some("https://evil.example"), Some("null")] {
        let (status, h, text) = send(&s, origin, &body).await;
        let p = problem(status, 403, &text);
        assert_eq!(p["type"], "urn:gebao:problem:origin-refused");
        assert!(h.get("access-control-allow-origin").is_none());
    }
    // The preflight: answered for the configured site only.
    let client = reqwest::Client::new();
    let preflight = |origin: &str, method: &str| {
        client
            .request(reqwest::Method::OPTIONS, format!("{}/v1/banner/consents", s.base))
            .header("origin", origin)
            .header("access-control-request-method", method)
            .header("access-control-request-headers", "content-type")
            .send()
    };
    let ok = preflight(SITE, "POST").await.unwrap();
    assert_eq!(ok.status(), 204);
    assert_eq!(ok.headers()["access-control-allow-origin"], SITE);
    assert_eq!(ok.headers()["access-control-allow-methods"], "POST");
    assert_eq!(ok.headers()["access-control-allow-headers"], "content-type");
    for (origin, method) in [("https://evil.example", "POST"), (SITE, "DELETE")] {
        let res = preflight(origin, method).await.unwrap();
        assert_eq!(res.status(), 403, "{origin} {method}");
        assert!(res.headers().get("access-control-allow-origin").is_none());
    }

    // What the banner cannot send is refused, naming the field, readable by the site.
    let bad = |v: Value| v.to_string().into_bytes();
    let cases = [
        (
            json!({ "visitor": VISITOR, "policy_version": 1, "via": "settings", "choices": [{ "category": "advertising", "granted": true }] }),
            "choices[0].category",
        ),
        (
            json!({ "visitor": VISITOR, "policy_version": 1, "via": "settings", "choices": [{ "category": "strictly-necessary", "granted": true }] }),
            "choices[0].category",
        ),
        (
            json!({ "visitor": VISITOR, "policy_version": 1, "via": "settings", "choices": [{ "category": "cookies", "granted": true }] }),
            "choices[0].category",
        ),
        (
            json!({ "visitor": VISITOR, "policy_version": 1, "via": "settings", "choices": [{ "category": "analytics", "granted": true }, { "category": "analytics", "granted": false }] }),
            "choices[1].category",
        ),
        (json!({ "visitor": VISITOR, "policy_version": 1, "via": "settings", "choices": [] }), "choices"),
        (
            json!({ "visitor": "u1", "policy_version": 1, "via": "settings", "choices": [{ "category": "analytics", "granted": true }] }),
            "visitor",
        ),
        (
            json!({ "visitor": VISITOR.to_uppercase(), "policy_version": 1, "via": "settings", "choices": [{ "category": "analytics", "granted": true }] }),
            "visitor",
        ),
        (
            json!({ "visitor": VISITOR, "via": "settings", "choices": [{ "category": "analytics", "granted": true }] }),
            "policy_version",
        ),
        (
            json!({ "visitor": VISITOR, "policy_version": 1, "via": "settings", "subject": "u1", "choices": [{ "category": "analytics", "granted": true }] }),
            "subject",
        ),
    ];
    for (body, field) in cases {
        let (status, h, text) = send(&s, Some(SITE), &bad(body.clone())).await;
        let p = problem(status, 422, &text);
        assert_eq!(p["field"], field, "{body}");
        assert_eq!(h["access-control-allow-origin"], SITE);
    }
    // A banner of another version: reload and choose again.
    let (status, _, text) = send(&s, Some(SITE), &choice(VISITOR, 2, true)).await;
    assert_eq!(problem(status, 409, &text)["field"], "policy_version");
    // Oversize: refused before it is read.
    let mut big = json!({ "visitor": VISITOR, "policy_version": 1, "via": "settings",
        "choices": [{ "category": "analytics", "granted": true }] });
    big["pad"] = json!("x".repeat(4096));
    let (status, _, text) = send(&s, Some(SITE), big.to_string().as_bytes()).await;
    problem(status, 413, &text);
    // Not JSON.
    let res = reqwest::Client::new()
        .post(format!("{}/v1/banner/consents", s.base))
        .header("origin", SITE)
        .header("content-type", "text/plain")
        .body(choice(VISITOR, 1, true))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 415);
    assert!(ledger(&s).await.is_empty(), "nothing refused was recorded");

    // Accepted: recorded with the version in force, readable by the site.
    let (status, h, text) = send(&s, Some(SITE), &body).await;
    assert_eq!(status, 204, "{text}");
    assert_eq!(h["access-control-allow-origin"], SITE);
    let (status, _, _) = send(&s, Some(SITE), &choice(VISITOR, 1, false)).await;
    assert_eq!(status, 204);
    let rows = ledger(&s).await;
    assert_eq!(rows.len(), 2);
    let script = s.get_as("/privacy/banner.js", None).await;
    let etag = script.headers["etag"].to_str().unwrap().trim_matches('"').to_owned();
    for (row, action) in
        rows.iter().zip([gebao_core::decision::ConsentAction::Grant, gebao_core::decision::ConsentAction::Withdraw])
    {
        let r = &row.record;
        assert_eq!(r.action, action);
        assert_eq!(r.policy_version, 1);
        assert_eq!(r.channel, "banner");
        assert_eq!(r.actor, format!("banner:{SITE}"));
        assert_eq!(r.scope.to_string(), "cookie:analytics");
        assert!(r.subject.starts_with("v_") && r.subject.len() == 26, "{}", r.subject);
        assert!(!r.subject.contains(VISITOR));
        assert_eq!(r.evidence["banner"], etag.as_str());
        assert!(row.subject_key.is_none());
    }
    assert_eq!(rows[0].record.subject, rows[1].record.subject, "one visitor, one pseudonym");
    assert_eq!(rows[0].record.evidence["via"], "accept-all");
    // Audited, and the chain still verifies.
    let audit = s.get("/v1/audit?limit=100").await.json();
    let targets: Vec<&str> = audit["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["target"].as_str())
        .filter(|t| t.starts_with("visitor:"))
        .collect();
    assert_eq!(targets.len(), 2, "{audit}");
    let report = s.state.store.verify(None).await.unwrap();
    assert!(report.is_intact(), "{report:?}");
}

/// A visitor id that happens to be a registered subject's id writes nothing of that
/// subject's: the subject's ledger and decisions are untouched.
async fn a_visitor_never_writes_to_a_registered_subject(kit: Kit) {
    let s = start(&kit, 100).await;
    s.register(VISITOR, json!({})).await;
    let (status, _, text) = send(&s, Some(SITE), &choice(VISITOR, 1, true)).await;
    assert_eq!(status, 204, "{text}");
    let mine = s.get(&format!("/v1/subjects/{VISITOR}/consents")).await.json();
    assert_eq!(mine["history"], json!([]), "{mine}");
    assert_eq!(ledger(&s).await.len(), 1);
    // Another instance on the same store starts over a ledger with visitors' records, and
    // the subject's decisions are still its own.
    let other = start(&kit, 100).await;
    let ready = other.get_as("/readyz", None).await;
    assert_eq!(ready.status, 200, "{}", ready.body);
    let mine = other.get(&format!("/v1/subjects/{VISITOR}/consents")).await.json();
    assert_eq!(mine["history"], json!([]), "{mine}");
    assert!(other.state.store.verify(None).await.unwrap().is_intact());
}

/// Each request spends one record per choice from its address's allowance: past it, 429
/// with `Retry-After`, and nothing more reaches the ledger.
async fn the_rate_limit_bounds_the_ledger_per_address(kit: Kit) {
    let s = start(&kit, 3).await;
    for i in 0..3 {
        let (status, _, text) = send(&s, Some(SITE), &choice(&format!("{i:032x}"), 1, i % 2 == 0)).await;
        assert_eq!(status, 204, "{text}");
    }
    let (status, h, text) = send(&s, Some(SITE), &choice(VISITOR, 1, true)).await;
    let p = problem(status, 429, &text);
    assert_eq!(p["type"], "urn:gebao:problem:too-many-requests");
    let wait: u64 = h["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert_eq!(h["access-control-allow-origin"], SITE, "the site can tell the visitor");
    assert_eq!(ledger(&s).await.len(), 3);
}

/// The script: revalidated by its `ETag`, gzipped when asked, within 15 KB gzipped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_script_is_served_small_and_revalidated() {
    common::run(Kind::Sqlite, |kit| async move {
        let s = start(&kit, 100).await;
        let client = reqwest::Client::new();
        let url = format!("{}/privacy/banner.js", s.base);
        let plain = client.get(&url).send().await.unwrap();
        assert_eq!(plain.status(), 200);
        assert_eq!(plain.headers()["content-type"], "text/javascript; charset=utf-8");
        assert_eq!(plain.headers()["cache-control"], "no-cache");
        let etag = plain.headers()["etag"].clone();
        let text = plain.text().await.unwrap();
        assert!(text.contains("\"_stat\"") && text.contains("接受全部") && text.contains("Reject all"));
        let again = client.get(&url).header("if-none-match", etag.clone()).send().await.unwrap();
        assert_eq!(again.status(), 304);
        let gz = client.get(&url).header("accept-encoding", "gzip").send().await.unwrap();
        assert_eq!(gz.headers()["content-encoding"], "gzip");
        assert_eq!(gz.headers()["etag"], etag);
        let bytes = gz.bytes().await.unwrap();
        assert!(bytes.len() <= 15 * 1024, "{} bytes gzipped", bytes.len());
        assert!(bytes.len() < text.len());
    })
    .await;
}

// --- in a real browser ------------------------------------------------------------------

/// A website on `localhost` (not gebao's `127.0.0.1`) with a strict CSP, the banner, and
/// an analytics script held back as text that sets the `_stat` cookie.
async fn site(gebao: &str) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let page = format!(
        r#"<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>示例网站</title></head><body><main><h1>示例网站</h1>
<p>这是一个接入 gebao Cookie 横幅的网站。</p><p><a href="/about" data-gebao-open>Cookie 设置</a></p></main>
<script type="text/plain" data-gebao-category="analytics" nonce="t3st">document.cookie = "_stat=1; Path=/; Max-Age=3600";</script>
<script src="{gebao}/privacy/banner.js" nonce="t3st"></script>
</body></html>"#
    );
    let csp = format!(
        "default-src 'self'; script-src 'nonce-t3st' {gebao}; connect-src {gebao}; style-src 'self'; base-uri 'none'"
    );
    let join = tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else { return };
            let (page, csp) = (page.clone(), csp.clone());
            tokio::spawn(async move {
                use tokio::io::{AsyncReadExt, AsyncWriteExt};
                let mut buf = vec![0u8; 8192];
                let n = stream.read(&mut buf).await.unwrap_or(0);
                let page =
                    if buf[..n].starts_with(b"GET /en") { page.replace("lang=\"zh-CN\"", "lang=\"en\"") } else { page };
                let res = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\ncontent-security-policy: {csp}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{page}",
                    page.len()
                );
                let _ = stream.write_all(res.as_bytes()).await;
            });
        }
    });
    (format!("http://localhost:{port}"), join)
}

const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";
const SPACE: &str = " ";
const ESCAPE: &str = "\u{E00C}";

/// The text of the focused element inside the banner.
async fn focused(b: &Browser) -> String {
    let v = b
        .eval(
            "const h = document.querySelector('[data-gebao-banner]'); const a = h && h.shadowRoot.activeElement; \
             if (!a) return ''; if (a.tagName === 'INPUT') return a.labels[0].textContent; \
             return a.tagName === 'BUTTON' || a.tagName === 'A' ? a.textContent : ''",
        )
        .await;
    v.as_str().unwrap_or_default().to_owned()
}

/// Presses Tab until the focused control of the banner reads `text` (at most 12 times).
async fn tab_to(b: &Browser, text: &str) {
    for _ in 0..12 {
        if focused(b).await.contains(text) {
            return;
        }
        b.keys(TAB).await;
    }
    panic!("no control `{text}` reached by Tab; focus is on `{}`", focused(b).await);
}

async fn cookies(b: &Browser) -> String {
    b.eval("return document.cookie").await.as_str().unwrap_or_default().to_owned()
}

async fn wait_cookie(b: &Browser, want: bool) {
    for _ in 0..100 {
        if cookies(b).await.contains("_stat=1") == want {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("_stat present: {}, wanted {want}; cookies: {}", !want, cookies(b).await);
}

async fn banner_open(b: &Browser) -> bool {
    b.eval("const h = document.querySelector('[data-gebao-banner]'); return !!(h && h.shadowRoot.querySelector('[role=dialog]'))")
        .await
        .as_bool()
        .unwrap_or(false)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_banner_in_a_real_browser_by_keyboard_alone() {
    let Some(phone) = Browser::start(390, 844).await else { return };
    let Some(desktop) = Browser::start(1280, 900).await else { return };
    let shots = std::env::var_os("GEBAO_SCREENSHOTS").map(std::path::PathBuf::from);
    common::run(Kind::Sqlite, |kit| async move {
        let mut cfg = kit.config();
        let gebao_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let gebao = format!("http://{}", gebao_listener.local_addr().unwrap());
        let (site_url, site_task) = site(&gebao).await;
        cfg.banner.origins = vec![site_url.clone()];
        let state = gebao_server::build(&cfg).await.unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let serving = tokio::spawn(gebao_server::serve_with(gebao_listener, state.clone(), async {
            let _ = stopped.await;
        }));

        // Accept all, by keyboard, at a phone's width.
        let b = &phone;
        b.goto(&site_url).await;
        assert!(banner_open(b).await, "the banner opens on a first visit");
        assert_eq!(cookies(b).await, "", "nothing but the banner's own choice cookie, and not before a choice");
        let role = b.eval("return document.querySelector('[data-gebao-banner]').shadowRoot.activeElement.getAttribute('role')").await;
        assert_eq!(role, json!("dialog"), "focus moves into the banner");
        let label = b.eval("const r = document.querySelector('[data-gebao-banner]').shadowRoot; return r.getElementById(r.querySelector('[role=dialog]').getAttribute('aria-labelledby')).textContent").await;
        assert_eq!(label, json!("Cookie 与同类技术"));
        if let Some(dir) = &shots {
            std::fs::create_dir_all(dir).unwrap();
            b.screenshot(&dir.join("banner-first-390.png"), 1000).await;
        }
        // Escape is no consent.
        b.keys(ESCAPE).await;
        assert!(banner_open(b).await);
        assert!(!cookies(b).await.contains("_stat"));
        // The settings layer: one switch per category, off by default.
        tab_to(b, "逐项设置").await;
        b.keys(ENTER).await;
        let off = b.eval("return document.querySelector('[data-gebao-banner]').shadowRoot.getElementById('gc-analytics').checked").await;
        assert_eq!(off, json!(false));
        if let Some(dir) = &shots {
            b.screenshot(&dir.join("banner-settings-390.png"), 1600).await;
        }
        // Back by Escape, and accept all with Enter.
        b.keys(ESCAPE).await;
        tab_to(b, "接受全部").await;
        b.keys(ENTER).await;
        wait_cookie(b, true).await;
        assert!(!banner_open(b).await, "the banner closes once the choice is recorded");
        assert!(cookies(b).await.contains("gebao_consent="));
        let rows = state.store.consents_after(0, 100).await.unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].record.action, gebao_core::decision::ConsentAction::Grant);
        assert_eq!(rows[0].record.policy_version, 1);
        // The next page view keeps the choice without asking again.
        b.goto(&site_url).await;
        assert!(!banner_open(b).await);
        wait_cookie(b, true).await;

        // Withdraw as easily: reopen with the page's link, switch analytics off with Space,
        // save; the banner deletes `_stat` and reloads the page.
        b.eval("document.querySelector('[data-gebao-open]').focus(); return true").await;
        b.keys(ENTER).await;
        assert!(banner_open(b).await);
        tab_to(b, "逐项设置").await;
        b.keys(ENTER).await;
        tab_to(b, "分析类").await;
        let on = b.eval("return document.querySelector('[data-gebao-banner]').shadowRoot.getElementById('gc-analytics').checked").await;
        assert_eq!(on, json!(true), "the switch shows the choice in force");
        b.keys(SPACE).await;
        tab_to(b, "保存选择").await;
        b.keys(ENTER).await;
        wait_cookie(b, false).await;
        // The refusal took effect before gebao answered; the record follows.
        gebao_testkit::within(Duration::from_secs(5), || async {
            state.store.consents_after(0, 100).await.unwrap().len() == 2
        })
        .await;
        let rows = state.store.consents_after(0, 100).await.unwrap();
        assert_eq!(rows[1].record.action, gebao_core::decision::ConsentAction::Withdraw);
        assert_eq!(rows[1].record.subject, rows[0].record.subject, "the same visitor");
        assert!(b.console().await.iter().all(|m| !m.contains("Content Security Policy")), "{:?}", b.console().await);

        // Reject all, in a fresh browser at a desktop's width: no analytics cookie, ever.
        let b = &desktop;
        b.goto(&site_url).await;
        assert!(banner_open(b).await);
        if let Some(dir) = &shots {
            b.screenshot(&dir.join("banner-first-1280.png"), 1000).await;
            tab_to(b, "逐项设置").await;
            b.keys(ENTER).await;
            b.screenshot(&dir.join("banner-settings-1280.png"), 1600).await;
            b.keys(ESCAPE).await;
        }
        tab_to(b, "拒绝全部").await;
        b.keys(ENTER).await;
        for _ in 0..40 {
            if !banner_open(b).await {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(!banner_open(b).await);
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(!cookies(b).await.contains("_stat"), "{}", cookies(b).await);
        b.goto(&site_url).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(!cookies(b).await.contains("_stat"), "{}", cookies(b).await);
        assert!(!banner_open(b).await, "a rejection is remembered, not asked again");
        gebao_testkit::within(Duration::from_secs(5), || async {
            state.store.consents_after(0, 100).await.unwrap().len() == 3
        })
        .await;
        let rows = state.store.consents_after(0, 100).await.unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[2].record.action, gebao_core::decision::ConsentAction::Withdraw);
        assert_ne!(rows[2].record.subject, rows[0].record.subject, "another browser, another visitor");

        // English by the page's language; reopened by `gebao.open()`.
        b.goto(&format!("{site_url}/en")).await;
        b.eval("gebao.open(); return true").await;
        let title = b.eval("return document.querySelector('[data-gebao-banner]').shadowRoot.getElementById('gt').textContent").await;
        assert_eq!(title, json!("Cookies and similar technologies"));
        tab_to(b, "Reject all").await;
        tab_to(b, "Choose by category").await;

        let _ = stop.send(());
        serving.await.unwrap().unwrap();
        site_task.abort();
    })
    .await;
}

/// A category whose cookies a recipient needing a separate consent sets (here the clean
/// manifest's SDK, PIPL 23) is never granted by "accept all": it is asked on its own step,
/// agree and disagree alike, and recorded on its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_separate_consent_is_its_own_step() {
    let Some(b) = Browser::start(390, 844).await else { return };
    common::run(Kind::Sqlite, |kit| async move {
        let dir = tempfile::tempdir().unwrap();
        let text = common::clean_text().replacen(
            "name = \"_stat\"\ncategory = \"analytics\"\nprovider = \"first-party\"",
            "name = \"_stat\"\ncategory = \"analytics\"\nprovider = \"push-sdk\"",
            1,
        );
        assert!(text.contains("provider = \"push-sdk\""));
        let path = dir.path().join("gebao.toml");
        std::fs::write(&path, text).unwrap();
        let mut cfg = kit.config();
        cfg.manifest = Some(path);
        cfg.allow_findings = true;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let gebao = format!("http://{}", listener.local_addr().unwrap());
        let (site_url, site_task) = site(&gebao).await;
        cfg.banner.origins = vec![site_url.clone()];
        let state = gebao_server::build(&cfg).await.unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let serving = tokio::spawn(gebao_server::serve_with(listener, state.clone(), async {
            let _ = stopped.await;
        }));

        b.goto(&site_url).await;
        assert!(banner_open(&b).await);
        tab_to(&b, "接受全部").await;
        b.keys(ENTER).await;
        let title = "return document.querySelector('[data-gebao-banner]').shadowRoot.getElementById('gt').textContent";
        assert_eq!(b.eval(title).await, json!("单独同意 · 分析类"));
        assert!(!cookies(&b).await.contains("_stat"), "not granted by accept all");
        assert!(state.store.consents_after(0, 10).await.unwrap().is_empty());
        // The step names who sets the cookies.
        let text = b
            .eval("return document.querySelector('[data-gebao-banner]').shadowRoot.getElementById('gd').textContent")
            .await;
        assert!(text.as_str().unwrap().contains("示例推送SDK"), "{text}");
        // Escape goes back and records nothing; accepting again asks again.
        b.keys(ESCAPE).await;
        assert_eq!(b.eval(title).await, json!("Cookie 与同类技术"));
        tab_to(&b, "接受全部").await;
        b.keys(ENTER).await;
        tab_to(&b, "同意").await;
        b.keys(ENTER).await;
        wait_cookie(&b, true).await;
        let rows = state.store.consents_after(0, 10).await.unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].record.action, gebao_core::decision::ConsentAction::Grant);
        assert_eq!(rows[0].record.evidence["via"], "separate");

        let _ = stop.send(());
        serving.await.unwrap().unwrap();
        site_task.abort();
    })
    .await;
}

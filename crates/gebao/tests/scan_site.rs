//! `gebao scan site` in a real headless Chromium, on pages served on loopback by the test:
//! the page is on `localhost`, a "third party" on `127.0.0.1`. One page sets an analytics
//! cookie before consent and loads a third-party script; one has the real gebao banner,
//! served by a real `gebao serve`. Exit codes, the formats, and the addresses that cannot be
//! scanned. Chromium missing: skipped with a notice, a failure under `CI=true`.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

mod common;
use common::serve::{Backend, Server};
use common::*;
use gebao_testkit::browser_installed;
use gebao_testkit::pages::{Page, Pages};
use predicates::prelude::PredicateBooleanExt;
use serde_json::Value;

/// An analytics cookie set by a plain inline script, before any consent, and a script from
/// another site; no banner.
fn tracking_page() -> Pages {
    Pages::serve_with(|other| {
        vec![
            ("/track.js", Page::script("window.tracked = 1;")),
            (
                "/",
                Page::html(format!(
                    r#"<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>示例店铺</title></head>
<body><h1>示例店铺</h1>
<script>document.cookie = "_stat=" + Date.now() + "; Path=/; Max-Age=31536000";</script>
<script src="{other}/track.js"></script></body></html>"#
                )),
            ),
        ]
    })
}

/// `gebao scan site URL --format json [args]`: the exit code and the JSON.
fn scan_json(url: &str, args: &[&str]) -> (i32, Value) {
    let out = gebao().args(["scan", "site", url, "--wait", "300", "--format", "json"]).args(args).output().unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    });
    (out.status.code().unwrap_or(-1), v)
}

fn rules(v: &Value) -> Vec<String> {
    v["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap().to_owned()).collect()
}

fn cookie_names(phase: &Value) -> Vec<&str> {
    phase["cookies"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect()
}

#[test]
fn an_analytics_cookie_before_consent_is_an_error_and_the_third_party_host_is_named() {
    if !browser_installed() {
        return;
    }
    let pages = tracking_page();
    let url = pages.url("localhost", "/");

    // clean.toml declares `_stat` as analytics and no recipient at 127.0.0.1.
    let (dir, toml) = manifest_file(CLEAN.as_bytes());
    let (code, v) = scan_json(&url, &["--manifest", toml.to_str().unwrap()]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(rules(&v), ["SCAN-06", "SCAN-09"], "exactly these: {v:#}");
    let f = &v["findings"][0];
    assert_eq!((f["severity"].as_str(), f["path"].as_str()), (Some("error"), Some("cookies[1]")));
    assert!(f["message"].as_str().unwrap().contains("`_stat`"), "{f}");
    assert_eq!(v["findings"][1]["severity"], "warning");
    assert!(v["findings"][1]["message_en"].as_str().unwrap().contains("`127.0.0.1`"));
    let site = &v["site"];
    assert_eq!(site["site"], "localhost");
    assert!(site["banner"].is_null());
    let phases = site["phases"].as_array().unwrap();
    assert_eq!(phases[0]["phase"], "before-consent");
    assert_eq!(cookie_names(&phases[0]), ["_stat"]);
    assert_eq!(phases[0]["cookies"][0]["third_party"], false);
    assert!(phases[0]["cookies"][0].get("value").is_none(), "no value is recorded");
    let hosts: Vec<(&str, &str)> = phases[0]["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["host"].as_str().unwrap(), h["party"].as_str().unwrap()))
        .collect();
    assert_eq!(hosts, [("localhost", "first-party"), ("127.0.0.1", "third-party")]);
    for (p, name) in phases[1..].iter().zip(["accepted", "rejected"]) {
        assert_eq!((p["phase"].as_str(), p["status"].as_str()), (Some(name), Some("no-banner")), "not passed");
    }

    // The script's host declared as the push SDK's (which needs a separate consent): now a
    // request to a consent-based recipient before consent.
    std::fs::write(&toml, clean_with("name = \"示例推送SDK\"\n", "name = \"示例推送SDK\"\nhosts = [\"127.0.0.1\"]\n"))
        .unwrap();
    let (code, v) = scan_json(&url, &["--manifest", toml.to_str().unwrap()]);
    // Both errors, in the order of the manifest: the recipient comes before the cookies.
    assert_eq!((code, rules(&v)), (1, vec!["SCAN-10".to_owned(), "SCAN-06".to_owned()]), "{v:#}");
    assert_eq!(v["findings"][0]["path"], "recipients[0]");

    // Human output, in English: the phase, the cookie, the findings placed in the manifest.
    let out = gebao()
        .args(["--lang", "en", "scan", "site", &url, "--wait", "300", "--manifest"])
        .arg(&toml)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{text}");
    for want in [
        "[before consent]",
        "_stat",
        "first party · analytics",
        "Third-party hosts: 127.0.0.1 (1 request)",
        "[after “accept all”] not possible: the page has no gebao banner",
        "error[SCAN-06]",
        "error[SCAN-10]",
        "gebao.toml:",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
    // Without a manifest: what the page does, and exit 0.
    gebao().args(["scan", "site", &url, "--wait", "300"]).assert().success();
    // --fail-on and --severity as in `check`.
    let (code, v) =
        scan_json(&url, &["--manifest", toml.to_str().unwrap(), "--severity", "error", "--fail-on", "error"]);
    assert_eq!((code, v["summary"]["warning"].as_u64()), (1, Some(0)));
    drop(dir);
}

/// clean.toml with the banner's own cookie declared, and an advertising cookie set by the
/// push SDK, a recipient that needs a separate consent (the banner asks it on its own step).
fn banner_manifest() -> String {
    format!(
        "{CLEAN}\n[[cookies]]\nname = \"gebao_consent\"\ncategory = \"strictly-necessary\"\nprovider = \"first-party\"\n\
         purpose = \"记住您的 Cookie 选择\"\npurpose_en = \"Remembers your cookie choices\"\nlifetime = \"180 days\"\n\
         \n[[cookies]]\nname = \"_ad\"\ncategory = \"advertising\"\nprovider = \"push-sdk\"\n\
         purpose = \"推送广告效果统计\"\npurpose_en = \"Measures push campaigns\"\nlifetime = \"30 days\"\n"
    )
}

/// The banner site: the page on `localhost`, the real banner from a real `gebao serve` on
/// `127.0.0.1` (with the page's origin in `[banner] origins`), an analytics and an
/// advertising script held back until their categories are granted. The page's URL, and
/// what must live as long as the test.
fn banner_site() -> (String, Pages, Backend, Server) {
    let pages = Pages::serve(vec![]);
    let mut backend = Backend::sqlite_with(&banner_manifest());
    let config = backend.dir.path().join("gebao-serve.toml");
    let origin = pages.url("localhost", "");
    std::fs::write(&config, format!("[banner]\norigins = [\"{origin}\"]\nper_minute = 1000\n")).unwrap();
    backend.serve_flags.extend(["--config".to_owned(), config.display().to_string()]);
    let server = Server::start(&backend);
    pages.set(
        "/",
        Page::html(format!(
            r#"<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>示例网站</title></head>
<body><h1>示例网站</h1>
<script type="text/plain" data-gebao-category="analytics">document.cookie = "_stat=1; Path=/; Max-Age=3600";</script>
<script type="text/plain" data-gebao-category="advertising">document.cookie = "_ad=1; Path=/; Max-Age=3600";</script>
<script src="{}/privacy/banner.js"></script></body></html>"#,
            server.base
        )),
    );
    (pages.url("localhost", "/"), pages, backend, server)
}

/// Before consent nothing is set; after "accept all" (and the separate step it asks) both
/// held-back cookies are, declared; after "reject all" only the banner's own: no finding.
#[test]
fn the_gebao_banner_page_sets_non_essential_cookies_only_after_accepting() {
    if !browser_installed() {
        return;
    }
    let (url, _pages, backend, _server) = banner_site();
    let (code, v) = scan_json(&url, &["--manifest", backend.manifest().to_str().unwrap()]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(rules(&v), Vec::<String>::new(), "no finding at all: {v:#}");
    let site = &v["site"];
    assert_eq!(site["banner"]["host"], "127.0.0.1");
    assert_eq!(site["banner"]["policy_version"], 1);
    let phases = site["phases"].as_array().unwrap();
    let status: Vec<&str> = phases.iter().map(|p| p["status"].as_str().unwrap()).collect();
    assert_eq!(status, ["recorded"; 3], "{v:#}");
    assert_eq!(cookie_names(&phases[0]), Vec::<&str>::new(), "nothing before a choice");
    assert_eq!(cookie_names(&phases[1]), ["_ad", "_stat", "gebao_consent"], "after accepting, the separate step too");
    assert_eq!(cookie_names(&phases[2]), ["gebao_consent"], "after rejecting");
    // gebao's own requests are gebao's, not a third party's.
    let parties: Vec<&str> =
        phases[0]["hosts"].as_array().unwrap().iter().map(|h| h["party"].as_str().unwrap()).collect();
    assert_eq!(parties, ["first-party", "gebao"]);

    // Human output: the cookie after accepting is declared, and nothing is wrong.
    let out =
        gebao().args(["scan", "site", &url, "--wait", "300", "--manifest"]).arg(backend.manifest()).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    for want in
        ["gebao 横幅：有（由 127.0.0.1 提供，政策版本 1）", "[点击“接受全部”后]", "第一方 · 分析类", "未发现问题"]
    {
        assert!(text.contains(want), "{want}: {text}");
    }
}

#[test]
fn what_cannot_be_scanned_exits_two_with_a_message() {
    gebao()
        .args(["scan", "site", "ftp://example.cn/"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("不是 http:// 或 https:// 地址"));
    gebao()
        .args(["--lang", "en", "scan", "site", "javascript:alert(1)"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("is not an http:// or https:// address"));
    if !browser_installed() {
        return;
    }
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{closed}/");
    gebao()
        .args(["scan", "site", &url])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("无法访问").and(predicates::str::contains("ERR_CONNECTION_REFUSED")));
    let (code, v) = scan_json(&url, &[]);
    assert_eq!((code, v["ok"].as_bool()), (2, Some(false)));
    assert!(v["error_en"].as_str().unwrap().starts_with("cannot reach"), "{v}");
    let pages = Pages::serve(vec![]);
    gebao()
        .args(["--lang", "en", "scan", "site", &pages.url("localhost", "/gone")])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("answered HTTP 404"));
}

/// The figure in docs/benchmarks.md: the banner page scanned in its three phases, RUNS
/// times (default 5); prints the median. `cargo test -p gebao --test scan_site -- --ignored
/// --nocapture`.
#[test]
#[ignore]
fn bench_scan_of_the_banner_page() {
    if !browser_installed() {
        return;
    }
    let runs: usize = std::env::var("RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(5);
    let (url, _pages, backend, _server) = banner_site();
    let mut times = Vec::new();
    for _ in 0..runs {
        let start = std::time::Instant::now();
        gebao()
            .args(["scan", "site", &url, "--format", "json", "--manifest"])
            .arg(backend.manifest())
            .assert()
            .success();
        times.push(start.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    println!(
        "scan site, banner page, three phases, default --wait (1000 ms): median {:.2} s of {runs} (min {:.2}, max {:.2})",
        times[runs / 2],
        times[0],
        times[runs - 1]
    );
}

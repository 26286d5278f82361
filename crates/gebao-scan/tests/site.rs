//! What a page really does, recorded in a real browser from pages served on loopback
//! (`localhost` is the page's site, `127.0.0.1` another): cookies without their values,
//! storage keys without theirs, third-party hosts; and the addresses that cannot be scanned.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use gebao_core::rules::site::Phase;
use gebao_scan::site::{Party, PhaseStatus, SiteError, SiteOptions, scan_site};
use gebao_testkit::browser_installed;
use gebao_testkit::pages::{Page, Pages};
use std::time::Duration;

fn opts() -> SiteOptions {
    SiteOptions { wait: Duration::from_millis(300), ..SiteOptions::default() }
}

/// An analytics cookie and a storage item before any consent, a third-party script, and
/// no gebao banner.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_without_banner_is_recorded_before_consent_only() {
    if !browser_installed() {
        return;
    }
    let pages = Pages::serve_with(|base_other| {
        vec![
            ("/t.js", Page::script("window.tracked = true;")),
            (
                "/",
                Page::html(format!(
                    r#"<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>店</title></head><body>
<script>document.cookie = "_stat=S3CRET-VALUE; Path=/; Max-Age=3600"; localStorage.setItem("visits", "S3CRET-STORED");</script>
<script src="{base_other}/t.js"></script></body></html>"#
                )),
            ),
        ]
    });
    let scan = scan_site(&pages.url("localhost", "/"), &opts()).await.unwrap();
    assert_eq!((scan.host.as_str(), scan.site.as_str()), ("localhost", "localhost"));
    assert!(scan.banner.is_none());
    let before = &scan.phases[0];
    assert_eq!((before.phase, before.status), (Phase::BeforeConsent, PhaseStatus::Recorded));
    assert!(before.settled);
    let names: Vec<&str> = before.cookies.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["_stat"]);
    let c = &before.cookies[0];
    assert_eq!((c.domain.as_str(), c.path.as_str(), c.session, c.third_party), ("localhost", "/", false, false));
    assert!(c.expires.is_some());
    assert_eq!(before.local_storage, ["visits"]);
    let hosts: Vec<(&str, Party)> = before.hosts.iter().map(|h| (h.host.as_str(), h.party)).collect();
    assert_eq!(hosts, [("localhost", Party::FirstParty), ("127.0.0.1", Party::ThirdParty)]);
    for (p, phase) in scan.phases[1..].iter().zip([Phase::Accepted, Phase::Rejected]) {
        assert_eq!((p.phase, p.status), (phase, PhaseStatus::NoBanner));
    }
    let facts = scan.facts();
    assert_eq!(facts.phases.len(), 1);
    assert_eq!(facts.phases[0].1.third_party_hosts, ["127.0.0.1"]);
    // Values are never recorded.
    let json = serde_json::to_string(&scan).unwrap();
    assert!(!json.contains("S3CRET"), "{json}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_cannot_be_scanned_is_an_error_that_says_why() {
    let e = scan_site("ftp://example.cn/", &opts()).await.unwrap_err();
    assert!(matches!(e, SiteError::NotHttp { .. }), "{e}");
    let e = scan_site("not a url", &opts()).await.unwrap_err();
    assert!(matches!(e, SiteError::BadUrl { .. }), "{e}");
    if !browser_installed() {
        return;
    }
    let pages = Pages::serve(vec![]);
    let e = scan_site(&pages.url("localhost", "/missing"), &opts()).await.unwrap_err();
    assert!(matches!(e, SiteError::Status { status: 404, .. }), "{e}");
    // A port nobody listens on, and a name that does not resolve.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let e = scan_site(&format!("http://127.0.0.1:{closed}/"), &opts()).await.unwrap_err();
    assert!(matches!(&e, SiteError::Unreachable { reason, .. } if reason.contains("CONNECTION_REFUSED")), "{e}");
    let e = scan_site("http://gebao-test.invalid/", &opts()).await.unwrap_err();
    assert!(matches!(&e, SiteError::Unreachable { reason, .. } if reason.contains("NAME_NOT_RESOLVED")), "{e}");
    assert!(e.message(gebao_core::text::Lang::ZhCn).starts_with("无法访问"));
}

//! The browser on a page served on loopback: navigation, scripts, DevTools commands, the
//! network log, and errors that say what failed. Chromium missing: skipped with a notice,
//! or a failure under `CI=true` (the rule of gebao's test kit, which depends on this crate).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

use gebao_browser::{Browser, BrowserError, Options};
use serde_json::json;
use std::path::PathBuf;

fn installed() -> bool {
    match Options::default().installed() {
        Ok(()) => true,
        Err(e) => {
            assert!(std::env::var("CI").map_or(true, |v| v != "true"), "{e}");
            eprintln!("skipped: {e}");
            false
        }
    }
}

/// Serves `page` at every path of a loopback port; the base URL.
async fn serve(page: &'static str) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut s, _)) = listener.accept().await {
            let mut buf = vec![0u8; 4096];
            let _ = s.read(&mut buf).await;
            let res = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{page}",
                page.len()
            );
            let _ = s.write_all(res.as_bytes()).await;
        }
    });
    format!("http://localhost:{port}")
}

#[tokio::test]
async fn a_missing_browser_says_how_to_install_it() {
    let opts = Options { chromium: PathBuf::from("/nonexistent/chromium"), ..Options::default() };
    let Err(e) = Browser::start(&opts).await else { panic!("started without a browser") };
    assert!(e.is_not_installed());
    assert!(e.to_string().contains("apt-get install chromium chromium-driver"), "{e}");
}

#[tokio::test]
async fn a_page_its_scripts_cookies_and_network_events() {
    if !installed() {
        return;
    }
    let base = serve("<!doctype html><title>t</title><script>document.cookie = 'a=1; Path=/';</script>").await;
    let b = Browser::start(&Options { performance_log: true, ..Options::default() }).await.unwrap();
    b.goto(&format!("{base}/page")).await.unwrap();
    assert_eq!(b.url().await.unwrap(), format!("{base}/page"));
    assert_eq!(b.eval("return document.title").await.unwrap(), json!("t"));
    let cookies = b.cdp("Network.getAllCookies", json!({})).await.unwrap();
    assert_eq!(cookies["cookies"][0]["name"], "a");
    let events = b.performance_log().await.unwrap();
    assert!(
        events
            .iter()
            .any(|e| e["method"] == "Network.requestWillBeSent"
                && e["params"]["request"]["url"] == format!("{base}/page")),
        "{events:?}"
    );
    // A script error is an error naming the command, not a panic.
    let e = b.eval("throw new Error('boom')").await.unwrap_err();
    assert!(matches!(&e, BrowserError::Command { error, .. } if error == "javascript error"), "{e}");
    assert!(e.to_string().contains("boom"), "{e}");
    b.quit().await.unwrap();
}

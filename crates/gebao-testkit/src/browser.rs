//! A real browser for the page tests: `gebao-browser` (Debian's `chromium`, driven by
//! `chromedriver`), with the test kit's rules. Missing browser: the test is skipped with a
//! notice, or fails under `CI=true` (the test script installs it); any other failure fails
//! the test with the library's message.

use gebao_browser::{BrowserError, Options};
use serde_json::Value;
use std::path::Path;

/// Whether chromium and chromedriver are installed. When they are not: a failure under
/// `CI=true`, else `false` with a notice, so that the caller skips its test.
pub fn browser_installed() -> bool {
    match Options::default().installed() {
        Ok(()) => true,
        Err(e) => {
            assert!(!crate::ci(), "{e}");
            eprintln!("skipped: {e}");
            false
        }
    }
}

/// One headless browser window of a given size, with its own chromedriver.
pub struct Browser(gebao_browser::Browser);

fn ok<T>(r: Result<T, BrowserError>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

impl Browser {
    /// A window `width` × `height` CSS pixels wide (device scale 1); `None` when chromium or
    /// chromedriver is not installed (a failure under `CI=true`).
    pub async fn start(width: u32, height: u32) -> Option<Browser> {
        if !browser_installed() {
            return None;
        }
        let opts = Options { width, height, ..Options::default() };
        Some(Browser(ok(gebao_browser::Browser::start(&opts).await)))
    }

    /// Opens `url` and waits for it to load.
    pub async fn goto(&self, url: &str) {
        ok(self.0.goto(url).await)
    }

    /// Runs `script` (a function body: `return …`) in the page; its value.
    pub async fn eval(&self, script: &str) -> Value {
        ok(self.0.eval(script).await)
    }

    /// Clicks the first element matching `css`.
    pub async fn click(&self, css: &str) {
        ok(self.0.click(css).await)
    }

    /// Presses keys in the focused element (`\u{E004}` is Tab, `\u{E007}` Enter).
    pub async fn keys(&self, keys: &str) {
        ok(self.0.keys(keys).await)
    }

    /// The page's URL.
    pub async fn url(&self) -> String {
        ok(self.0.url().await)
    }

    /// What the page wrote to the console since the last call (errors, CSP violations…).
    pub async fn console(&self) -> Vec<String> {
        ok(self.0.console().await)
    }

    /// Saves the page as a PNG: what lies below the window too, up to `max_height` pixels.
    pub async fn screenshot(&self, path: &Path, max_height: u64) {
        std::fs::write(path, ok(self.0.screenshot(max_height).await)).unwrap();
    }
}

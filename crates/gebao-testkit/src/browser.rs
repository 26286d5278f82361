//! A real browser for the page tests: Debian's `chromium`, driven by `chromedriver` over
//! the W3C WebDriver protocol (a few commands, spoken with reqwest). Missing browser: the
//! test is skipped with a notice, or fails under `CI=true` (the test script installs it).

use base64::Engine as _;
use serde_json::{Value, json};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// One headless browser window of a given size, with its own chromedriver.
pub struct Browser {
    driver: Child,
    session: String,
    base: String,
    http: reqwest::Client,
}

impl Browser {
    /// A window `width` × `height` CSS pixels wide (device scale 1); `None` when chromium or
    /// chromedriver is not installed (a failure under `CI=true`).
    pub async fn start(width: u32, height: u32) -> Option<Browser> {
        if !Path::new(CHROMIUM).exists() || !Path::new(CHROMEDRIVER).exists() {
            let msg = "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)";
            assert!(!crate::ci(), "{msg}");
            eprintln!("skipped: {msg}");
            return None;
        }
        let port = crate::free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        let started = Instant::now();
        while http.get(format!("{base}/status")).send().await.is_err() {
            assert!(started.elapsed() < Duration::from_secs(20), "chromedriver did not answer within 20 s");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:loggingPrefs": { "browser": "ALL" },
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--hide-scrollbars", "--force-device-scale-factor=1",
                         format!("--window-size={width},{height}")],
            },
        }}});
        let mut b = Browser { driver, session: String::new(), base, http };
        let v = b.call(reqwest::Method::POST, "/session", caps).await;
        b.session = v["sessionId"].as_str().expect("a WebDriver session").to_owned();
        // A window is at least 500 px wide: a phone's width is an emulated mobile screen.
        let metrics = json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500 });
        b.cdp("Emulation.setDeviceMetricsOverride", metrics).await;
        Some(b)
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let mut req = self.http.request(method.clone(), format!("{}{path}", self.base));
        if method != reqwest::Method::GET {
            req = req.json(&body);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let v: Value = res.json().await.unwrap();
        assert!(status.is_success(), "WebDriver {path}: {status} {v}");
        v["value"].clone()
    }

    fn at(&self, path: &str) -> String {
        format!("/session/{}{path}", self.session)
    }

    /// Opens `url` and waits for it to load.
    pub async fn goto(&self, url: &str) {
        self.call(reqwest::Method::POST, &self.at("/url"), json!({ "url": url })).await;
    }

    /// Runs `script` (a function body: `return …`) in the page; its value.
    pub async fn eval(&self, script: &str) -> Value {
        self.call(reqwest::Method::POST, &self.at("/execute/sync"), json!({ "script": script, "args": [] })).await
    }

    /// Clicks the first element matching `css`.
    pub async fn click(&self, css: &str) {
        let el = self
            .call(reqwest::Method::POST, &self.at("/element"), json!({ "using": "css selector", "value": css }))
            .await;
        let id = el.as_object().and_then(|o| o.values().next()).and_then(Value::as_str).expect("an element").to_owned();
        self.call(reqwest::Method::POST, &self.at(&format!("/element/{id}/click")), json!({})).await;
    }

    /// Presses keys in the focused element (`\u{E004}` is Tab, `\u{E007}` Enter).
    pub async fn keys(&self, keys: &str) {
        let actions: Vec<Value> = keys
            .chars()
            .flat_map(|c| [json!({"type": "keyDown", "value": c}), json!({"type": "keyUp", "value": c})])
            .collect();
        let body = json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] });
        self.call(reqwest::Method::POST, &self.at("/actions"), body).await;
    }

    /// The page's URL.
    pub async fn url(&self) -> String {
        self.call(reqwest::Method::GET, &self.at("/url"), Value::Null).await.as_str().unwrap_or_default().to_owned()
    }

    /// What the page wrote to the console since the last call (errors, CSP violations…).
    pub async fn console(&self) -> Vec<String> {
        let v = self.call(reqwest::Method::POST, &self.at("/se/log"), json!({ "type": "browser" })).await;
        v.as_array().into_iter().flatten().filter_map(|e| e["message"].as_str().map(str::to_owned)).collect()
    }

    /// A Chrome DevTools command, through chromedriver.
    async fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.call(reqwest::Method::POST, &self.at("/goog/cdp/execute"), json!({ "cmd": cmd, "params": params })).await
    }

    /// Saves the page as a PNG: what lies below the window too, up to `max_height` pixels.
    pub async fn screenshot(&self, path: &Path, max_height: u64) {
        let size =
            self.eval("return [document.documentElement.scrollWidth, document.documentElement.scrollHeight]").await;
        let (width, height) = (size[0].as_u64().unwrap_or(800), size[1].as_u64().unwrap_or(800).min(max_height));
        let clip = json!({ "x": 0, "y": 0, "width": width, "height": height, "scale": 1 });
        let params = json!({ "format": "png", "captureBeyondViewport": true, "clip": clip });
        let shot = self.cdp("Page.captureScreenshot", params).await;
        let bytes =
            base64::engine::general_purpose::STANDARD.decode(shot["data"].as_str().unwrap_or_default()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Ends the session first: chromedriver then quits chromium and all its helper
        // processes (killing the driver alone leaves them running). A plain blocking
        // request, as a drop cannot await.
        if !self.session.is_empty() {
            let addr = self.base.trim_start_matches("http://").to_owned();
            if let Ok(mut stream) = std::net::TcpStream::connect(&addr) {
                use std::io::{Read, Write};
                let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                let request = format!(
                    "DELETE /session/{} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    self.session
                );
                if stream.write_all(request.as_bytes()).is_ok() {
                    // The answer comes once the browser has quit; its first bytes are enough.
                    let mut answer = [0u8; 1024];
                    let _ = stream.read(&mut answer);
                }
            }
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

//! A real browser for gebao: Debian's headless `chromium`, driven by `chromedriver` over
//! the W3C WebDriver protocol (the few commands gebao needs, spoken with reqwest), with
//! Chrome DevTools commands sent through the driver (`/goog/cdp/execute`) and its
//! performance log (network events) read through `/se/log`.
//!
//! Used by `gebao scan site` and by the page tests (through `gebao-testkit`). Every call is
//! bounded in time, and every failure is a [`BrowserError`] naming what failed; nothing
//! panics. Dropping a [`Browser`] ends its session first, so that chromedriver quits
//! chromium and all its helper processes, then stops the driver.

#![forbid(unsafe_code)]

mod error;

pub use error::BrowserError;

use base64::Engine as _;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How to start the browser.
#[derive(Debug, Clone)]
pub struct Options {
    /// The browser (Debian's package installs it at `/usr/bin/chromium`).
    pub chromium: PathBuf,
    /// Its driver (`/usr/bin/chromedriver`, package `chromium-driver`).
    pub chromedriver: PathBuf,
    /// The window, in CSS pixels (device scale 1).
    pub width: u32,
    pub height: u32,
    /// More command-line switches for chromium.
    pub args: Vec<String>,
    /// Keep the network events of the page for [`Browser::performance_log`].
    pub performance_log: bool,
    /// How long a page may take to load.
    pub page_load_timeout: Duration,
    /// How long a script run by [`Browser::eval`] may take.
    pub script_timeout: Duration,
    /// How long any other command may take, and the driver to start.
    pub command_timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            chromium: PathBuf::from("/usr/bin/chromium"),
            chromedriver: PathBuf::from("/usr/bin/chromedriver"),
            width: 1280,
            height: 900,
            args: Vec::new(),
            performance_log: false,
            page_load_timeout: Duration::from_secs(30),
            script_timeout: Duration::from_secs(10),
            command_timeout: Duration::from_secs(20),
        }
    }
}

impl Options {
    /// Whether chromium and chromedriver are where these options look for them.
    pub fn installed(&self) -> Result<(), BrowserError> {
        for (what, path) in [("chromium", &self.chromium), ("chromedriver", &self.chromedriver)] {
            if !path.exists() {
                return Err(BrowserError::NotInstalled { what, path: path.clone() });
            }
        }
        Ok(())
    }
}

/// One headless browser window with its own chromedriver and a fresh profile (the driver
/// makes a new temporary profile per session and removes it when the session ends).
pub struct Browser {
    driver: Child,
    session: String,
    base: String,
    http: reqwest::Client,
    timeout: Duration,
}

/// Chromium refuses to run as root with its sandbox; elsewhere the sandbox stays on.
fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// A port free on 127.0.0.1 at the time of the call.
fn free_port() -> Result<u16, std::io::Error> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl Browser {
    /// Starts chromedriver on a free port of 127.0.0.1 and opens a browser session.
    pub async fn start(opts: &Options) -> Result<Browser, BrowserError> {
        opts.installed()?;
        let spawn = |source| BrowserError::Spawn { path: opts.chromedriver.clone(), source };
        let port = free_port().map_err(spawn)?;
        let driver = Command::new(&opts.chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(spawn)?;
        // The client's own limit lies beyond the driver's page-load and script limits, so
        // that those come back as WebDriver `timeout` errors, which say more.
        let timeout =
            opts.command_timeout.max(opts.page_load_timeout.max(opts.script_timeout) + Duration::from_secs(5));
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(|source| BrowserError::Http { command: "start".into(), source })?;
        let mut b = Browser { driver, session: String::new(), base: format!("http://127.0.0.1:{port}"), http, timeout };

        let started = Instant::now();
        loop {
            let status = b.http.get(format!("{}/status", b.base)).timeout(Duration::from_secs(2)).send().await;
            if status.is_ok_and(|r| r.status().is_success()) {
                break;
            }
            if let Ok(Some(_)) = b.driver.try_wait() {
                return Err(BrowserError::Session {
                    message: format!("{} exited at once", opts.chromedriver.display()),
                });
            }
            if started.elapsed() > opts.command_timeout {
                return Err(BrowserError::DriverNotReady { after: opts.command_timeout });
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }

        let mut args: Vec<String> = [
            "--headless=new",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            "--no-first-run",
        ]
        .map(String::from)
        .into();
        if running_as_root() {
            args.push("--no-sandbox".into());
        }
        args.push(format!("--window-size={},{}", opts.width, opts.height));
        args.extend(opts.args.iter().cloned());
        let mut logging = json!({ "browser": "ALL" });
        let mut chrome = json!({ "binary": opts.chromium, "args": args });
        if opts.performance_log {
            logging["performance"] = json!("ALL");
            chrome["perfLoggingPrefs"] = json!({ "enableNetwork": true, "enablePage": false });
        }
        let ms = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:loggingPrefs": logging,
            "goog:chromeOptions": chrome,
            "timeouts": { "pageLoad": ms(opts.page_load_timeout), "script": ms(opts.script_timeout), "implicit": 0 },
        }}});
        let v = b.call(reqwest::Method::POST, "/session", caps, "start a session").await.map_err(|e| match e {
            BrowserError::Command { message, .. } => BrowserError::Session { message },
            other => other,
        })?;
        b.session = v["sessionId"]
            .as_str()
            .ok_or_else(|| BrowserError::BadAnswer { command: "start a session".into(), what: "no sessionId".into() })?
            .to_owned();
        // A window narrower than 500 px is a phone's: an emulated mobile screen.
        let metrics =
            json!({ "width": opts.width, "height": opts.height, "deviceScaleFactor": 1, "mobile": opts.width < 500 });
        b.cdp("Emulation.setDeviceMetricsOverride", metrics).await?;
        Ok(b)
    }

    /// One WebDriver call; its `value`. `what` names the command in errors ("open the page").
    async fn call(&self, method: reqwest::Method, path: &str, body: Value, what: &str) -> Result<Value, BrowserError> {
        let mut req = self.http.request(method.clone(), format!("{}{path}", self.base));
        if method == reqwest::Method::POST {
            req = req.json(&body);
        }
        let http = |source: reqwest::Error| {
            if source.is_timeout() {
                BrowserError::Timeout { command: what.to_owned(), after: self.timeout }
            } else {
                BrowserError::Http { command: what.to_owned(), source }
            }
        };
        let res = req.send().await.map_err(http)?;
        let status = res.status();
        let v: Value = res.json().await.map_err(http)?;
        let value = v.get("value").cloned().unwrap_or(Value::Null);
        if status.is_success() {
            return Ok(value);
        }
        let error = value["error"].as_str().unwrap_or("unknown error").to_owned();
        // The message's first line: the driver appends the session's details and a trace.
        let message = value["message"].as_str().unwrap_or_default();
        let message = message.lines().next().unwrap_or_default();
        let message = message.strip_prefix(&format!("{error}: ")).unwrap_or(message).trim().to_owned();
        if error == "timeout" || error == "script timeout" {
            return Err(BrowserError::Timeout { command: what.to_owned(), after: self.timeout });
        }
        Err(BrowserError::Command { command: what.to_owned(), error, message })
    }

    fn at(&self, path: &str) -> String {
        format!("/session/{}{path}", self.session)
    }

    /// Opens `url` and waits for it to load (the `load` event), within the page-load
    /// timeout. A page that cannot be reached may still "load" (Chromium's error page):
    /// see the network events to tell.
    pub async fn goto(&self, url: &str) -> Result<(), BrowserError> {
        self.call(reqwest::Method::POST, &self.at("/url"), json!({ "url": url }), "open the page").await.map(drop)
    }

    /// Reloads the page and waits for it to load.
    pub async fn reload(&self) -> Result<(), BrowserError> {
        self.call(reqwest::Method::POST, &self.at("/refresh"), json!({}), "reload the page").await.map(drop)
    }

    /// Runs `script` (a function body: `return …`) in the page; its value.
    pub async fn eval(&self, script: &str) -> Result<Value, BrowserError> {
        self.call(
            reqwest::Method::POST,
            &self.at("/execute/sync"),
            json!({ "script": script, "args": [] }),
            "run a script",
        )
        .await
    }

    /// Clicks the first element matching `css`.
    pub async fn click(&self, css: &str) -> Result<(), BrowserError> {
        let find = json!({ "using": "css selector", "value": css });
        let el = self.call(reqwest::Method::POST, &self.at("/element"), find, "find an element").await?;
        let id = el.as_object().and_then(|o| o.values().next()).and_then(Value::as_str).ok_or_else(|| {
            BrowserError::BadAnswer { command: "find an element".into(), what: "no element reference".into() }
        })?;
        let path = self.at(&format!("/element/{id}/click"));
        self.call(reqwest::Method::POST, &path, json!({}), "click an element").await.map(drop)
    }

    /// Presses keys in the focused element (`\u{E004}` is Tab, `\u{E007}` Enter).
    pub async fn keys(&self, keys: &str) -> Result<(), BrowserError> {
        let actions: Vec<Value> = keys
            .chars()
            .flat_map(|c| [json!({"type": "keyDown", "value": c}), json!({"type": "keyUp", "value": c})])
            .collect();
        let body = json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] });
        self.call(reqwest::Method::POST, &self.at("/actions"), body, "press keys").await.map(drop)
    }

    /// The page's URL.
    pub async fn url(&self) -> Result<String, BrowserError> {
        let v = self.call(reqwest::Method::GET, &self.at("/url"), Value::Null, "read the page's address").await?;
        Ok(v.as_str().unwrap_or_default().to_owned())
    }

    /// What the page wrote to the console since the last call (errors, CSP violations…).
    pub async fn console(&self) -> Result<Vec<String>, BrowserError> {
        let v = self.log("browser").await?;
        Ok(v.iter().filter_map(|e| e["message"].as_str().map(str::to_owned)).collect())
    }

    /// The DevTools network events since the last call (with
    /// [`Options::performance_log`]), each as `{"method": …, "params": …}`.
    pub async fn performance_log(&self) -> Result<Vec<Value>, BrowserError> {
        let entries = self.log("performance").await?;
        Ok(entries
            .iter()
            .filter_map(|e| e["message"].as_str())
            .filter_map(|m| serde_json::from_str::<Value>(m).ok())
            .map(|mut m| m["message"].take())
            .collect())
    }

    async fn log(&self, kind: &str) -> Result<Vec<Value>, BrowserError> {
        let v = self.call(reqwest::Method::POST, &self.at("/se/log"), json!({ "type": kind }), "read its log").await?;
        Ok(v.as_array().cloned().unwrap_or_default())
    }

    /// A Chrome DevTools command, through chromedriver; its result.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Result<Value, BrowserError> {
        let body = json!({ "cmd": cmd, "params": params });
        self.call(reqwest::Method::POST, &self.at("/goog/cdp/execute"), body, &format!("run {cmd}")).await
    }

    /// The page as a PNG: what lies below the window too, up to `max_height` pixels.
    pub async fn screenshot(&self, max_height: u64) -> Result<Vec<u8>, BrowserError> {
        let size =
            self.eval("return [document.documentElement.scrollWidth, document.documentElement.scrollHeight]").await?;
        let (width, height) = (size[0].as_u64().unwrap_or(800), size[1].as_u64().unwrap_or(800).min(max_height));
        let clip = json!({ "x": 0, "y": 0, "width": width, "height": height, "scale": 1 });
        let params = json!({ "format": "png", "captureBeyondViewport": true, "clip": clip });
        let shot = self.cdp("Page.captureScreenshot", params).await?;
        base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().unwrap_or_default())
            .map_err(|e| BrowserError::BadAnswer { command: "take a screenshot".into(), what: e.to_string() })
    }

    /// Ends the session (the browser quits) and stops the driver. Dropping does the same;
    /// this reports whether the session ended cleanly.
    pub async fn quit(mut self) -> Result<(), BrowserError> {
        let path = self.at("");
        self.call(reqwest::Method::DELETE, &path, Value::Null, "quit").await?;
        // Ended: the drop only stops the driver. (On an error, the drop tries again.)
        self.session.clear();
        Ok(())
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Ends the session first: chromedriver then quits chromium and all its helper
        // processes (killing the driver alone leaves them running). A plain blocking
        // request with its own time limits, as a drop cannot await.
        if !self.session.is_empty() {
            let addr = self.base.trim_start_matches("http://").to_owned();
            if let Ok(sock) = addr.parse::<std::net::SocketAddr>()
                && let Ok(mut stream) = std::net::TcpStream::connect_timeout(&sock, Duration::from_secs(2))
            {
                use std::io::{Read, Write};
                let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                let _ = stream.set_write_timeout(Some(Duration::from_secs(2)));
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

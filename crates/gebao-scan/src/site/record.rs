//! The browser's part of a site scan: open the page in a fresh profile, wait until it has
//! settled, choose in the gebao banner, and record cookies, storage keys and request hosts.

use super::party::{is_third_party, site_of};
use super::{Banner, CookieRecord, HostRecord, Party, PhaseRecord, PhaseStatus, SiteError, SiteOptions, SiteScan};
use gebao_browser::{Browser, BrowserError};
use gebao_core::rules::site::Phase;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

/// How often the page is looked at while it settles or while the banner records a choice.
const TICK: Duration = Duration::from_millis(100);
/// How long past `--wait` a page that keeps sending requests is given to settle.
const SETTLE_GRACE: Duration = Duration::from_secs(5);
/// How long the banner may take to record a choice and close.
const CHOICE_LIMIT: Duration = Duration::from_secs(10);

/// Switches that keep the browser to the page: no extensions, no sync, no updates, no
/// requests of the browser's own.
const QUIET: &[&str] = &[
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--mute-audio",
];

/// The page's storage keys, read in the page: the values never leave the browser.
const STORAGE_KEYS: &str = "const keys = (name) => { try { return Object.keys(window[name]).sort(); } catch (e) { return []; } }; \
     return [keys('localStorage'), keys('sessionStorage')];";

/// Whether the gebao banner is on the page: its host element with a shadow root, its
/// script's address and the policy version it shows.
const BANNER: &str = "const h = document.querySelector('[data-gebao-banner]'); \
     const s = Array.prototype.find.call(document.scripts, (x) => /\\/privacy\\/banner\\.js([?#]|$)/.test(x.src)); \
     const g = window.gebao; \
     return { present: !!(h && h.shadowRoot && g && g.version), src: s ? s.src : null, version: g && g.version ? g.version : null };";

/// Clicks button `INDEX` of the banner's first layer (0: 接受全部, 1: 拒绝全部; docs/banner.md
/// puts them first, in this order), opening the banner first if a choice hides it.
const CHOOSE: &str = "const h = document.querySelector('[data-gebao-banner]'); const r = h && h.shadowRoot; \
     if (!r) return 'no-banner'; \
     let d = r.querySelector('[role=dialog]'); \
     if (!d && window.gebao && window.gebao.open) { window.gebao.open(); d = r.querySelector('[role=dialog]'); } \
     if (!d) return 'no-banner'; \
     const b = d.querySelectorAll('.b button'); \
     if (b.length < 3) return 'no-choice'; \
     b[INDEX].click(); return 'clicked';";

/// Where the banner stands after a choice: closed (recorded), failed (its status line
/// says the choice could not be recorded), a separate-consent step (two buttons: 同意,
/// 不同意; agreed to when AGREE, once per step: each step is a new dialog element, marked
/// when clicked), or still waiting for gebao's answer.
const STEP: &str = "const h = document.querySelector('[data-gebao-banner]'); const r = h && h.shadowRoot; \
     const d = r && r.querySelector('[role=dialog]'); \
     if (!d) return 'closed'; \
     const s = d.querySelector('[role=status]'); \
     if (s && s.textContent) return 'failed'; \
     const b = d.querySelectorAll('.b button'); \
     if (b.length === 2 && AGREE && !d.hasAttribute('data-gebao-scan')) { \
       d.setAttribute('data-gebao-scan', 'agreed'); b[0].click(); return 'agreed'; } \
     return 'waiting';";

/// The page as loaded: its host and site.
struct Page {
    host: String,
    site: String,
}

/// One browser session and what its network log showed so far.
struct Session {
    b: Browser,
    main_frame: String,
    /// Requests per host (of http, https, ws and wss addresses).
    hosts: BTreeMap<String, usize>,
    /// Requests sent and not yet finished.
    in_flight: HashSet<String>,
    /// The main frame's document requests, and how the last one ended.
    documents: HashSet<String>,
    document_status: Option<u16>,
    document_error: Option<String>,
}

/// The host of an address the page requested, for the schemes that reach the network.
fn request_host(url: &str) -> Option<String> {
    let u = url::Url::parse(url).ok()?;
    matches!(u.scheme(), "http" | "https" | "ws" | "wss")
        .then(|| u.host_str().map(|h| h.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase()))
        .flatten()
}

impl Session {
    async fn open(opts: &SiteOptions) -> Result<Session, SiteError> {
        let mut browser = opts.browser.clone();
        browser.performance_log = true;
        browser.page_load_timeout = opts.page_load_timeout;
        browser.args.extend(QUIET.iter().map(|s| (*s).to_owned()));
        let b = Browser::start(&browser).await?;
        let tree = b.cdp("Page.getFrameTree", json!({})).await?;
        let main_frame = tree["frameTree"]["frame"]["id"].as_str().unwrap_or_default().to_owned();
        Ok(Session {
            b,
            main_frame,
            hosts: BTreeMap::new(),
            in_flight: HashSet::new(),
            documents: HashSet::new(),
            document_status: None,
            document_error: None,
        })
    }

    /// Reads the network events since the last call; how many there were.
    async fn poll(&mut self) -> Result<usize, SiteError> {
        let events = self.b.performance_log().await?;
        for e in &events {
            let p = &e["params"];
            let id = p["requestId"].as_str().unwrap_or_default().to_owned();
            match e["method"].as_str().unwrap_or_default() {
                "Network.requestWillBeSent" => {
                    if let Some(host) = p["request"]["url"].as_str().and_then(request_host) {
                        *self.hosts.entry(host).or_default() += 1;
                    }
                    if p["type"] == "Document" && p["frameId"].as_str() == Some(&self.main_frame) {
                        self.documents.insert(id.clone());
                    }
                    self.in_flight.insert(id);
                }
                "Network.responseReceived" if self.documents.contains(&id) => {
                    self.document_status = p["response"]["status"].as_u64().and_then(|s| u16::try_from(s).ok());
                }
                "Network.loadingFinished" => {
                    self.in_flight.remove(&id);
                }
                "Network.loadingFailed" => {
                    if self.documents.contains(&id) && p["canceled"] != true {
                        self.document_error = p["errorText"].as_str().map(str::to_owned);
                    }
                    self.in_flight.remove(&id);
                }
                _ => {}
            }
        }
        Ok(events.len())
    }

    /// Opens `url`; an error when it cannot be reached or answers with an error status.
    async fn navigate(&mut self, url: &str, opts: &SiteOptions) -> Result<Page, SiteError> {
        let loaded = self.b.goto(url).await;
        self.poll().await?;
        match loaded {
            Ok(()) => {}
            Err(BrowserError::Timeout { .. }) => {
                return Err(SiteError::PageTimeout { url: super::shown(url), secs: opts.page_load_timeout.as_secs() });
            }
            Err(BrowserError::Command { message, .. }) if message.contains("net::ERR_") => {
                let reason = message.split_whitespace().find(|w| w.starts_with("net::ERR_")).unwrap_or(&message);
                return Err(SiteError::Unreachable { url: super::shown(url), reason: reason.to_owned() });
            }
            Err(e) => return Err(e.into()),
        }
        let at = self.b.url().await?;
        if let Some(reason) = self.document_error.clone() {
            return Err(SiteError::Unreachable { url: super::shown(url), reason });
        }
        if at.starts_with("chrome-error:") {
            return Err(SiteError::Unreachable {
                url: super::shown(url),
                reason: "the page could not be loaded".into(),
            });
        }
        if let Some(status) = self.document_status.filter(|s| !(200..300).contains(s)) {
            return Err(SiteError::Status { url: super::shown(url), status });
        }
        let host = request_host(&at).unwrap_or_default();
        Ok(Page { site: site_of(&host), host })
    }

    /// Waits until the page has sent no request for `wait` and none is open, at most
    /// `wait` + [`SETTLE_GRACE`]; whether it went quiet.
    async fn settle(&mut self, wait: Duration) -> Result<bool, SiteError> {
        let start = Instant::now();
        let mut quiet_since = Instant::now();
        loop {
            tokio::time::sleep(TICK).await;
            if self.poll().await? > 0 {
                quiet_since = Instant::now();
            }
            if quiet_since.elapsed() >= wait && self.in_flight.is_empty() {
                return Ok(true);
            }
            if start.elapsed() >= wait + SETTLE_GRACE {
                return Ok(false);
            }
        }
    }

    /// Reloads the page and waits for it to load.
    async fn reload(&mut self, url: &str, opts: &SiteOptions) -> Result<(), SiteError> {
        match self.b.reload().await {
            Err(BrowserError::Timeout { .. }) => {
                Err(SiteError::PageTimeout { url: super::shown(url), secs: opts.page_load_timeout.as_secs() })
            }
            other => Ok(other?),
        }
    }

    async fn banner(&self) -> Result<Option<Banner>, SiteError> {
        let v = self.b.eval(BANNER).await?;
        if v["present"] != true {
            return Ok(None);
        }
        let host = v["src"].as_str().and_then(request_host).unwrap_or_default();
        Ok(Some(Banner { host, policy_version: v["version"].as_i64() }))
    }

    /// What the phase leaves in the browser: cookies (never their values), storage keys,
    /// and the hosts requested.
    async fn record(
        &mut self,
        phase: Phase,
        settled: bool,
        page: &Page,
        banner: Option<&Banner>,
    ) -> Result<PhaseRecord, SiteError> {
        self.poll().await?;
        let jar = self.b.cdp("Network.getAllCookies", json!({})).await?;
        let mut cookies: Vec<CookieRecord> =
            jar["cookies"].as_array().into_iter().flatten().map(|c| cookie(c, &page.site)).collect();
        cookies.sort_by(|a, b| (&a.name, &a.domain, &a.path).cmp(&(&b.name, &b.domain, &b.path)));
        let storage = self.b.eval(STORAGE_KEYS).await?;
        let keys = |v: &Value| -> Vec<String> {
            v.as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_owned).collect()
        };
        let mut hosts: Vec<HostRecord> = self
            .hosts
            .iter()
            .map(|(host, n)| {
                let party = if !is_third_party(host, &page.site) {
                    Party::FirstParty
                } else if banner.is_some_and(|b| &b.host == host) {
                    Party::Gebao
                } else {
                    Party::ThirdParty
                };
                HostRecord { host: host.clone(), party, requests: *n }
            })
            .collect();
        hosts.sort_by(|a, b| (a.party, &a.host).cmp(&(b.party, &b.host)));
        Ok(PhaseRecord {
            phase,
            status: PhaseStatus::Recorded,
            settled,
            cookies,
            local_storage: keys(&storage[0]),
            session_storage: keys(&storage[1]),
            hosts,
        })
    }

    async fn quit(self) {
        // A failed quit is retried by the browser's drop, which also stops the driver.
        let _ = self.b.quit().await;
    }
}

/// A cookie as DevTools gives it, without its value.
fn cookie(c: &Value, site: &str) -> CookieRecord {
    let text = |k: &str| c[k].as_str().unwrap_or_default().to_owned();
    let session = c["session"].as_bool().unwrap_or(false);
    let expires = c["expires"]
        .as_f64()
        .filter(|e| !session && *e > 0.0)
        .and_then(|e| chrono::DateTime::from_timestamp(e as i64, 0))
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    let domain = text("domain");
    CookieRecord {
        name: text("name"),
        third_party: is_third_party(&domain, site),
        domain,
        path: text("path"),
        session,
        expires,
        http_only: c["httpOnly"].as_bool().unwrap_or(false),
        secure: c["secure"].as_bool().unwrap_or(false),
        same_site: c["sameSite"].as_str().map(str::to_owned),
    }
}

/// The three phases, each in a fresh browser.
pub(super) async fn three_phases(url: &str, opts: &SiteOptions) -> Result<SiteScan, SiteError> {
    let mut s = Session::open(opts).await?;
    let page = s.navigate(url, opts).await?;
    let settled = s.settle(opts.wait).await?;
    let banner = s.banner().await?;
    let before = s.record(Phase::BeforeConsent, settled, &page, banner.as_ref()).await?;
    s.quit().await;

    let mut phases = vec![before];
    for (phase, accept) in [(Phase::Accepted, true), (Phase::Rejected, false)] {
        phases.push(match &banner {
            None => PhaseRecord::not_possible(phase, PhaseStatus::NoBanner),
            Some(b) => choose(url, opts, phase, accept, b).await?,
        });
    }
    Ok(SiteScan { url: super::shown(url), host: page.host, site: page.site, banner, phases, elapsed_ms: 0 })
}

/// A phase with a choice in the banner: open, settle, choose, settle, reload, settle,
/// record (the requests after the choice only).
async fn choose(
    url: &str,
    opts: &SiteOptions,
    phase: Phase,
    accept: bool,
    banner: &Banner,
) -> Result<PhaseRecord, SiteError> {
    let mut s = Session::open(opts).await?;
    let page = s.navigate(url, opts).await?;
    s.settle(opts.wait).await?;
    let clicked = s.b.eval(&CHOOSE.replace("INDEX", if accept { "0" } else { "1" })).await?;
    let not_possible = match clicked.as_str() {
        Some("clicked") => None,
        Some("no-choice") => Some(PhaseStatus::NoChoice),
        _ => Some(PhaseStatus::NoBanner),
    };
    if let Some(status) = not_possible {
        s.quit().await;
        return Ok(PhaseRecord::not_possible(phase, status));
    }
    // From here on, what the page requests is what it does after the choice.
    s.poll().await?;
    s.hosts.clear();
    let step = STEP.replace("AGREE", if accept { "true" } else { "false" });
    let start = Instant::now();
    let recorded = loop {
        tokio::time::sleep(TICK).await;
        s.poll().await?;
        match s.b.eval(&step).await?.as_str() {
            Some("closed") => break true,
            Some("failed") => break false,
            _ if start.elapsed() > CHOICE_LIMIT => break false,
            _ => {}
        }
    };
    if !recorded {
        s.quit().await;
        return Ok(PhaseRecord::not_possible(phase, PhaseStatus::ChoiceNotRecorded));
    }
    let first = s.settle(opts.wait).await?;
    s.reload(url, opts).await?;
    let second = s.settle(opts.wait).await?;
    let record = s.record(phase, first && second, &page, Some(banner)).await?;
    s.quit().await;
    Ok(record)
}

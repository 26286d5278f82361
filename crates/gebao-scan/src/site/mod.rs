//! What a web page really does, recorded in a real browser (Debian's headless Chromium,
//! through `gebao-browser`): the cookies it sets, the keys it writes to `localStorage` and
//! `sessionStorage`, and the hosts it sends requests to, in three phases, each in a fresh
//! browser profile so that nothing carries over:
//!
//! 1. **before consent**: the page opened, nothing chosen;
//! 2. **accepted**: "accept all" (接受全部) clicked in the gebao banner, every separate
//!    consent it then asks agreed to, the page reloaded once (many trackers set their
//!    cookies on the next page view);
//! 3. **rejected**: "reject all" (拒绝全部) clicked, the page reloaded once.
//!
//! Without the gebao banner, phases 2 and 3 are not possible, and say so. Values are never
//! recorded: a cookie's or a storage item's value may be personal information, so only
//! names and attributes are kept, and storage keys are read in the page without their
//! values. Of a request only the host is kept (a URL may carry personal information too).
//! `gebao_core::rules::site::compare` then holds the record against the manifest.

mod error;
mod party;
mod record;

pub use error::SiteError;
pub use party::{is_third_party, site_of};

use gebao_core::rules::site::{Phase, PhaseFacts, SeenCookie, SiteFacts};
use serde::Serialize;
use std::time::Duration;

/// How to scan.
#[derive(Debug, Clone)]
pub struct SiteOptions {
    /// The page has settled when it has sent no request for this long after loading.
    pub wait: Duration,
    /// The longest a page may take to load.
    pub page_load_timeout: Duration,
    /// The longest the whole scan (three phases) may take.
    pub timeout: Duration,
    /// Where chromium and chromedriver are, and more switches for chromium.
    pub browser: gebao_browser::Options,
}

impl Default for SiteOptions {
    fn default() -> Self {
        SiteOptions {
            wait: Duration::from_millis(1000),
            page_load_timeout: Duration::from_secs(30),
            timeout: Duration::from_secs(120),
            browser: gebao_browser::Options::default(),
        }
    }
}

/// What a scan of a web page found.
#[derive(Debug, Clone, Serialize)]
pub struct SiteScan {
    /// The address scanned, as given.
    pub url: String,
    /// The page's host after redirects.
    pub host: String,
    /// Its site (registrable domain, or the host): what "first party" means here.
    pub site: String,
    /// The gebao banner, when the page has it.
    pub banner: Option<Banner>,
    /// The three phases, in order.
    pub phases: Vec<PhaseRecord>,
    /// How long the scan took, in milliseconds.
    pub elapsed_ms: u64,
}

/// The gebao banner on the page.
#[derive(Debug, Clone, Serialize)]
pub struct Banner {
    /// The host of the gebao server that serves it (its requests are gebao's, not a
    /// recipient's).
    pub host: String,
    /// The policy version it shows.
    pub policy_version: Option<i64>,
}

/// Whether a phase could be recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PhaseStatus {
    Recorded,
    /// The page has no gebao banner to choose in.
    NoBanner,
    /// The banner offers no choice: the policy declares no non-essential cookie category.
    NoChoice,
    /// "Accept all" was clicked but the banner did not record it (gebao could not be
    /// reached, or the page's origin is not in its `[banner] origins`): nothing granted.
    ChoiceNotRecorded,
}

/// What one phase recorded.
#[derive(Debug, Clone, Serialize)]
pub struct PhaseRecord {
    pub phase: Phase,
    pub status: PhaseStatus,
    /// Whether the page went quiet before the settling time ran out (with `false`, a page
    /// that keeps sending requests was recorded as it stood).
    pub settled: bool,
    /// The cookies in the browser at the end of the phase, by name.
    pub cookies: Vec<CookieRecord>,
    /// Keys of the page's `localStorage`, sorted (never the values).
    pub local_storage: Vec<String>,
    /// Keys of the page's `sessionStorage`, sorted (never the values).
    pub session_storage: Vec<String>,
    /// Every host the page sent requests to (in the accepted and rejected phases: after the
    /// choice), first party first.
    pub hosts: Vec<HostRecord>,
}

impl PhaseRecord {
    fn not_possible(phase: Phase, status: PhaseStatus) -> PhaseRecord {
        PhaseRecord {
            phase,
            status,
            settled: false,
            cookies: Vec::new(),
            local_storage: Vec::new(),
            session_storage: Vec::new(),
            hosts: Vec::new(),
        }
    }
}

/// A cookie, without its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CookieRecord {
    pub name: String,
    /// As the browser keeps it: `.example.cn` for a cookie of the domain and its
    /// subdomains, `www.example.cn` for one of that host only.
    pub domain: String,
    pub path: String,
    /// Deleted when the browser closes.
    pub session: bool,
    /// When it expires (UTC, RFC 3339), for a persistent cookie.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    pub http_only: bool,
    pub secure: bool,
    /// `Strict`, `Lax` or `None`, when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub same_site: Option<String>,
    /// Of another site than the page's.
    pub third_party: bool,
}

/// Who a host belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Party {
    /// The page's own site.
    FirstParty,
    /// The gebao server that serves the banner.
    Gebao,
    /// Another site.
    ThirdParty,
}

/// A host the page sent requests to.
#[derive(Debug, Clone, Serialize)]
pub struct HostRecord {
    pub host: String,
    pub party: Party,
    pub requests: usize,
}

impl SiteScan {
    /// The phases that were recorded.
    pub fn recorded(&self) -> impl Iterator<Item = &PhaseRecord> {
        self.phases.iter().filter(|p| p.status == PhaseStatus::Recorded)
    }

    /// The facts the manifest is compared with: the recorded phases.
    pub fn facts(&self) -> SiteFacts {
        let phases = self
            .recorded()
            .map(|p| {
                let facts = PhaseFacts {
                    cookies: p
                        .cookies
                        .iter()
                        .map(|c| SeenCookie {
                            name: c.name.clone(),
                            domain: c.domain.clone(),
                            third_party: c.third_party,
                        })
                        .collect(),
                    local_storage: p.local_storage.clone(),
                    session_storage: p.session_storage.clone(),
                    third_party_hosts: p
                        .hosts
                        .iter()
                        .filter(|h| h.party == Party::ThirdParty)
                        .map(|h| h.host.clone())
                        .collect(),
                };
                (p.phase, facts)
            })
            .collect();
        SiteFacts { phases }
    }
}

/// `url` as it may be shown: without a user name or password (`https://user:pass@host/`
/// is shown as `https://host/`), so that credentials never reach a message or a report.
pub fn shown(url: &str) -> String {
    match url::Url::parse(url.trim()) {
        Ok(mut u) if !u.username().is_empty() || u.password().is_some() => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string()
        }
        _ => url.to_owned(),
    }
}

/// Checks that `url` is an http or https address, before any browser starts.
pub fn parse_url(url: &str) -> Result<url::Url, SiteError> {
    let parsed =
        url::Url::parse(url.trim()).map_err(|e| SiteError::BadUrl { url: url.to_owned(), reason: e.to_string() })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(SiteError::NotHttp { url: shown(url) });
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(SiteError::BadUrl { url: shown(url), reason: "no host".into() });
    }
    Ok(parsed)
}

/// Scans the page at `url` in three phases (see the module's documentation).
pub async fn scan_site(url: &str, opts: &SiteOptions) -> Result<SiteScan, SiteError> {
    let parsed = parse_url(url)?;
    opts.browser.installed()?;
    let started = std::time::Instant::now();
    let secs = opts.timeout.as_secs();
    let scan = tokio::time::timeout(opts.timeout, record::three_phases(parsed.as_str(), opts))
        .await
        .map_err(|_| SiteError::Timeout { secs })??;
    Ok(SiteScan { url: shown(url), elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(0), ..scan })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_in_an_address_are_never_shown() {
        assert_eq!(shown("https://admin:s3cret@staging.example.cn/app"), "https://staging.example.cn/app");
        assert_eq!(shown("https://www.example.cn/"), "https://www.example.cn/");
        assert_eq!(shown("not a url"), "not a url");
        let e = parse_url("ftp://admin:s3cret@example.cn/").unwrap_err();
        assert!(!e.to_string().contains("s3cret"), "{e}");
    }
}

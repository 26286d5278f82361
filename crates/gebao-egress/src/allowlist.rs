//! The allowlist: which URLs match which destination. URLs are parsed once with the `url`
//! crate (WHATWG), the same parser reqwest sends with, so the host that is checked is the
//! host that is connected to: `http://2130706433/`, `http://0x7f.1/`, `http://017700000001/`
//! and `http://127.1/` are all `127.0.0.1` by then, and `/a/%2e%2e/b` is `/b`.

use crate::addr::classify;
use crate::config::{DestinationConfig, MIN_SECRET_LEN, Secret};
use crate::error::{ConfigError, EgressError, UrlProblem};
use std::net::IpAddr;
use url::{Host, Url};

/// How a destination names its host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HostPattern {
    /// A DNS name, lowercase (IDNA), without a trailing dot.
    Exact(String),
    /// `*.suffix`: any name ending in `.suffix`, not `suffix` itself.
    Subdomains(String),
    Ip(IpAddr),
}

impl HostPattern {
    /// Whether a DNS name (as reqwest hands it to the resolver) matches.
    pub(crate) fn matches_name(&self, name: &str) -> bool {
        let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
        match self {
            HostPattern::Exact(h) => *h == name,
            HostPattern::Subdomains(suffix) => {
                name.len() > suffix.len() + 1
                    && name.ends_with(suffix.as_str())
                    && name.as_bytes()[name.len() - suffix.len() - 1] == b'.'
            }
            HostPattern::Ip(_) => false,
        }
    }

    fn matches(&self, host: &Host<&str>) -> bool {
        match (self, host) {
            (HostPattern::Ip(ip), Host::Ipv4(v4)) => *ip == IpAddr::V4(*v4),
            (HostPattern::Ip(ip), Host::Ipv6(v6)) => *ip == IpAddr::V6(*v6),
            (_, Host::Domain(name)) => self.matches_name(name),
            _ => false,
        }
    }
}

/// One validated destination.
#[derive(Debug, Clone)]
pub(crate) struct Destination {
    pub(crate) name: String,
    pub(crate) https: bool,
    pub(crate) host: HostPattern,
    pub(crate) port: u16,
    /// The path prefix without its trailing `/`; empty: any path.
    pub(crate) path: String,
    pub(crate) secret: Secret,
    pub(crate) allow_private: bool,
}

impl Destination {
    pub(crate) fn parse(c: &DestinationConfig) -> Result<Self, ConfigError> {
        let name = c.name.trim().to_string();
        if name.is_empty() {
            return Err(ConfigError::EmptyName);
        }
        let bad = |problem| ConfigError::Url { name: name.clone(), problem };
        // `*.` is taken off before parsing and must be the whole first label.
        let (wildcard, text) = match c.url.split_once("://*.") {
            Some((scheme, rest)) => (true, format!("{scheme}://{rest}")),
            None => (false, c.url.clone()),
        };
        let url = Url::parse(&text).map_err(|_| bad(UrlProblem::Parse))?;
        let https = match url.scheme() {
            "https" => true,
            "http" => false,
            _ => return Err(bad(UrlProblem::Scheme)),
        };
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad(UrlProblem::Userinfo));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(bad(UrlProblem::QueryOrFragment));
        }
        let host = match url.host() {
            None => return Err(bad(UrlProblem::NoHost)),
            Some(Host::Ipv4(ip)) if !wildcard => HostPattern::Ip(IpAddr::V4(ip)),
            Some(Host::Ipv6(ip)) if !wildcard => HostPattern::Ip(IpAddr::V6(ip)),
            Some(Host::Domain(d)) => {
                let d = d.strip_suffix('.').unwrap_or(d).to_string();
                if d.contains('*') || (wildcard && !d.contains('.')) {
                    return Err(bad(UrlProblem::Wildcard));
                }
                if wildcard { HostPattern::Subdomains(d) } else { HostPattern::Exact(d) }
            }
            Some(_) => return Err(bad(UrlProblem::Wildcard)),
        };
        let port = url.port_or_known_default().ok_or_else(|| bad(UrlProblem::Scheme))?;
        let path = url.path().trim_end_matches('/').to_string();
        let secret = match &c.secret {
            None => return Err(ConfigError::MissingSecret { name }),
            Some(s) if s.len() < MIN_SECRET_LEN => return Err(ConfigError::ShortSecret { name }),
            Some(s) => s.clone(),
        };
        Ok(Destination { name, https, host, port, path, secret, allow_private: c.allow_private })
    }

    fn path_matches(&self, path: &str) -> bool {
        self.path.is_empty()
            || path == self.path
            || (path.starts_with(self.path.as_str()) && path.as_bytes().get(self.path.len()) == Some(&b'/'))
    }
}

/// A URL that passed the checks that need no network, and the destination it matched.
#[derive(Clone)]
pub struct Route<'a> {
    pub(crate) url: Url,
    pub(crate) dest: &'a Destination,
}

impl std::fmt::Debug for Route<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Route").field("url", &self.redacted_url()).field("destination", &self.dest.name).finish()
    }
}

impl Route<'_> {
    /// The name of the matched destination.
    pub fn destination(&self) -> &str {
        &self.dest.name
    }

    /// The URL as it will be requested, without query (it may carry a token); credentials
    /// were refused already.
    pub fn redacted_url(&self) -> String {
        redact(&self.url)
    }
}

/// Checks `raw` against the allowlist, without resolving names.
pub(crate) fn route<'a>(destinations: &'a [Destination], raw: &str) -> Result<Route<'a>, EgressError> {
    let url = Url::parse(raw).map_err(|_| EgressError::InvalidUrl)?;
    let shown = redact(&url);
    if !url.username().is_empty() || url.password().is_some() {
        return Err(EgressError::Userinfo { url: shown });
    }
    let https = match url.scheme() {
        "https" => true,
        "http" => false,
        other => return Err(EgressError::Scheme { url: shown, scheme: other.chars().take(16).collect() }),
    };
    let host = url.host().ok_or(EgressError::InvalidUrl)?;
    let port = url.port_or_known_default().ok_or(EgressError::InvalidUrl)?;
    let matches_place = |d: &Destination| d.host.matches(&host) && d.path_matches(url.path());
    let Some(dest) = destinations.iter().find(|d| d.https == https && d.port == port && matches_place(d)) else {
        if let Some(d) = destinations.iter().find(|d| d.https && !https && matches_place(d)) {
            return Err(EgressError::InsecureScheme { url: shown, destination: d.name.clone() });
        }
        return Err(EgressError::NotAllowed { url: shown });
    };
    match host {
        Host::Ipv4(v4) => literal_allowed(dest, IpAddr::V4(v4), &shown)?,
        Host::Ipv6(v6) => literal_allowed(dest, IpAddr::V6(v6), &shown)?,
        Host::Domain(name) => {
            let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
            if !dest.allow_private && (name == "localhost" || name.ends_with(".localhost")) {
                return Err(EgressError::LocalName { url: shown, destination: dest.name.clone() });
            }
        }
    }
    Ok(Route { url, dest })
}

/// IP-literal hosts are connected to without resolution: they are checked here.
fn literal_allowed(dest: &Destination, addr: IpAddr, shown: &str) -> Result<(), EgressError> {
    let class = classify(addr);
    if class.allowed(dest.allow_private) {
        Ok(())
    } else {
        Err(EgressError::BlockedAddress { url: shown.to_string(), destination: dest.name.clone(), addr, class })
    }
}

fn redact(url: &Url) -> String {
    let mut shown = url.clone();
    // Both only fail for URLs that cannot have credentials, which then have none to hide.
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    let had_query = shown.query().is_some();
    shown.set_query(None);
    shown.set_fragment(None);
    let mut text = shown.to_string();
    if had_query {
        text.push_str("?…");
    }
    if text.chars().count() > 160 {
        text = text.chars().take(159).chain(['…']).collect();
    }
    text
}

/// A URL as gebao shows and stores it: no user name, password, query or fragment, at most
/// 160 characters. Text that is not a URL is not repeated at all.
pub fn redact_url(raw: &str) -> String {
    Url::parse(raw).map(|u| redact(&u)).unwrap_or_else(|_| "<invalid URL>".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dest(name: &str, url: &str, allow_private: bool) -> Destination {
        Destination::parse(&DestinationConfig {
            name: name.into(),
            url: url.into(),
            secret: Some(Secret::new("0123456789abcdef0123456789abcdef")),
            allow_private,
        })
        .unwrap()
    }

    fn code(ds: &[Destination], url: &str) -> &'static str {
        match route(ds, url) {
            Ok(_) => "ok",
            Err(e) => e.code(),
        }
    }

    #[test]
    fn entry_urls_are_validated() {
        let bad = |url: &str| {
            Destination::parse(&DestinationConfig {
                name: "x".into(),
                url: url.into(),
                secret: Some(Secret::new("0123456789abcdef0123456789abcdef")),
                allow_private: false,
            })
            .unwrap_err()
        };
        for (url, problem) in [
            ("not a url", UrlProblem::Parse),
            ("ftp://files.example.com", UrlProblem::Scheme),
            ("https://u:p@api.example.com", UrlProblem::Userinfo),
            ("https://api.example.com/?token=1", UrlProblem::QueryOrFragment),
            ("https://api.example.com/#x", UrlProblem::QueryOrFragment),
            ("https://*.com", UrlProblem::Wildcard),
            ("https://a.*.example.com", UrlProblem::Wildcard),
            ("https://*.10.0.0.1", UrlProblem::Wildcard),
        ] {
            match bad(url) {
                ConfigError::Url { problem: p, .. } => assert_eq!(p, problem, "{url}"),
                other => panic!("{url}: {other:?}"),
            }
        }
        let no_secret = DestinationConfig {
            name: "x".into(),
            url: "https://a.example.com".into(),
            secret: None,
            allow_private: false,
        };
        assert!(matches!(Destination::parse(&no_secret), Err(ConfigError::MissingSecret { .. })));
        let short = DestinationConfig { secret: Some(Secret::new("short")), ..no_secret };
        assert!(matches!(Destination::parse(&short), Err(ConfigError::ShortSecret { .. })));
    }

    #[test]
    fn host_port_scheme_and_path_must_match() {
        let ds = [
            dest("partner", "https://api.partner.example.com/gebao", false),
            dest("all", "https://*.partners.example.com", false),
            dest("alt", "http://hooks.example.org:8080/", false),
        ];
        assert_eq!(code(&ds, "https://api.partner.example.com/gebao"), "ok");
        assert_eq!(code(&ds, "https://API.Partner.Example.com./gebao/deletion?x=1"), "ok");
        assert_eq!(code(&ds, "https://api.partner.example.com:443/gebao/x"), "ok");
        assert_eq!(code(&ds, "https://api.partner.example.com/gebaox"), "egress.not-allowed");
        assert_eq!(code(&ds, "https://api.partner.example.com/other"), "egress.not-allowed");
        assert_eq!(code(&ds, "https://api.partner.example.com/gebao/%2e%2e/admin"), "egress.not-allowed");
        assert_eq!(code(&ds, "https://api.partner.example.com/gebao/../admin"), "egress.not-allowed");
        assert_eq!(code(&ds, "https://api.partner.example.com:8443/gebao"), "egress.not-allowed");
        assert_eq!(code(&ds, "http://api.partner.example.com/gebao"), "egress.insecure-scheme");
        assert_eq!(code(&ds, "https://evil-api.partner.example.com/gebao"), "egress.not-allowed");
        assert_eq!(code(&ds, "https://api.partner.example.com.evil.com/gebao"), "egress.not-allowed");
        assert_eq!(code(&ds, "https://a.partners.example.com/x"), "ok");
        assert_eq!(code(&ds, "https://a.b.partners.example.com/x"), "ok");
        assert_eq!(code(&ds, "https://partners.example.com/x"), "egress.not-allowed");
        assert_eq!(code(&ds, "https://xpartners.example.com/x"), "egress.not-allowed");
        assert_eq!(code(&ds, "http://hooks.example.org:8080/any"), "ok");
        assert_eq!(code(&ds, "http://hooks.example.org/any"), "egress.not-allowed");
        assert_eq!(code(&ds, "https://hooks.example.org:8080/any"), "egress.not-allowed");
        assert_eq!(code(&ds, "ftp://api.partner.example.com/gebao"), "egress.scheme");
        assert_eq!(code(&ds, "file:///etc/passwd"), "egress.scheme");
        assert_eq!(code(&ds, "gopher://api.partner.example.com/"), "egress.scheme");
        assert_eq!(code(&ds, "not a url"), "egress.invalid-url");
        assert_eq!(code(&ds, "https://u:p@api.partner.example.com/gebao"), "egress.userinfo");
        assert_eq!(code(&ds, "https://u@api.partner.example.com/gebao"), "egress.userinfo");
        assert_eq!(code(&ds, "https://:p@api.partner.example.com/gebao"), "egress.userinfo");
    }

    #[test]
    fn every_loopback_spelling_is_one_address() {
        let strict = [dest("lo", "http://127.0.0.1:8080", false)];
        for url in [
            "http://127.0.0.1:8080/",
            "http://2130706433:8080/",
            "http://0x7f.1:8080/",
            "http://0x7f000001:8080/",
            "http://017700000001:8080/",
            "http://0177.0.0.1:8080/",
            "http://127.1:8080/",
            "http://127.0.0.1.:8080/",
        ] {
            assert_eq!(code(&strict, url), "egress.blocked-address", "{url}");
        }
        let ds = [
            dest("zero", "http://0.0.0.0:8080", false),
            dest("v6", "http://[::1]:8080", false),
            dest("mapped", "http://[::ffff:127.0.0.1]:8080", false),
            dest("name", "http://localhost:8080", false),
            dest("meta", "http://169.254.169.254", false),
        ];
        for url in [
            "http://0.0.0.0:8080/",
            "http://0:8080/",
            "http://[::1]:8080/",
            "http://[0:0:0:0:0:0:0:1]:8080/",
            "http://[::ffff:127.0.0.1]:8080/",
            "http://[::ffff:7f00:1]:8080/",
            "http://169.254.169.254/latest/meta-data/",
            "http://0xa9fea9fe/latest/meta-data/",
        ] {
            assert_eq!(code(&ds, url), "egress.blocked-address", "{url}");
        }
        assert_eq!(code(&ds, "http://localhost:8080/"), "egress.local-name");
        assert_eq!(code(&ds, "http://LOCALHOST.:8080/"), "egress.local-name");
        // With allow_private the same spellings go through (an internal notifier)…
        let private = [dest("lo", "http://127.0.0.1:8080", true)];
        assert_eq!(code(&private, "http://2130706433:8080/"), "ok");
        // …but never to a metadata service.
        let meta = [dest("meta", "http://169.254.169.254", true)];
        assert_eq!(code(&meta, "http://169.254.169.254/"), "egress.blocked-address");
    }

    #[test]
    fn routes_show_neither_query_nor_secret() {
        let ds = [dest("p", "https://a.example.com", false)];
        let shown = format!("{:?}", route(&ds, "https://a.example.com/x?token=s3cr3t").unwrap());
        assert!(!shown.contains("s3cr3t") && !shown.contains("0123456789abcdef"), "{shown}");
        assert!(shown.contains("https://a.example.com/x?…"), "{shown}");
    }

    #[test]
    fn urls_are_shown_without_credentials_or_query() {
        assert_eq!(redact_url("https://u:p@a.example.com/x?token=s#f"), "https://a.example.com/x?…");
        assert_eq!(redact_url("::not a url with a secret"), "<invalid URL>");
        let e = route(&[], "http://user:hunter2@127.0.0.1/steal").unwrap_err();
        assert!(!e.to_string().contains("hunter2"), "{e}");
        assert!(e.to_string().contains("http://127.0.0.1/steal"), "{e}");
        let long = format!("https://a.example.com/{}", "x".repeat(500));
        assert_eq!(redact_url(&long).chars().count(), 160);
    }
}

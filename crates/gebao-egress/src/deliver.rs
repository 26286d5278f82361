//! Deliveries: check, sign, POST, and an outcome that is safe to store and show.

use crate::allowlist::{self, Destination, Route};
use crate::config::EgressConfig;
use crate::error::{ConfigError, EgressError};
use crate::outcome::{Answer, Attempt, TooLong, by_status};
use crate::resolve::{Blocked, Lookup, PolicyResolver, SystemLookup, resolve_allowed};
use crate::sign::{headers, sign};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use url::Host;

/// `User-Agent` of every delivery.
pub const USER_AGENT: &str = concat!("gebao/", env!("CARGO_PKG_VERSION"));

/// What to deliver. Its `Debug` shows neither the body (personal information) nor the
/// URL's credentials or query.
#[derive(Clone, Copy)]
pub struct Outgoing<'a> {
    pub url: &'a str,
    /// `X-Gebao-Kind`: the outbox kind (`recipient-deletion`, `portability`, …).
    pub kind: &'a str,
    /// `X-Gebao-Delivery` and `Idempotency-Key`: the same on every retry of one item.
    pub delivery_id: &'a str,
    pub body: &'a serde_json::Value,
}

impl fmt::Debug for Outgoing<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Outgoing")
            .field("url", &allowlist::redact_url(self.url))
            .field("kind", &self.kind)
            .field("delivery_id", &self.delivery_id)
            .finish_non_exhaustive()
    }
}

/// The one way gebao sends anything out. Build it once at start (it holds two HTTP
/// clients) and share it.
pub struct Egress {
    destinations: Vec<Destination>,
    lookup: Arc<dyn Lookup>,
    strict: reqwest::Client,
    private: reqwest::Client,
    timeout: Duration,
    max_answer_bytes: usize,
}

impl fmt::Debug for Egress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.destinations.iter().map(|d| d.name.as_str()).collect();
        f.debug_struct("Egress").field("destinations", &names).field("timeout", &self.timeout).finish_non_exhaustive()
    }
}

impl Egress {
    /// Validates the configuration and builds the clients, resolving names with the
    /// operating system.
    pub fn new(config: &EgressConfig) -> Result<Self, ConfigError> {
        Self::with_lookup(config, Arc::new(SystemLookup))
    }

    /// As [`Egress::new`], with another resolver (a pinned table, a test).
    pub fn with_lookup(config: &EgressConfig, lookup: Arc<dyn Lookup>) -> Result<Self, ConfigError> {
        if config.connect_timeout_ms == 0 || config.timeout_ms == 0 || config.max_answer_bytes == 0 {
            return Err(ConfigError::Limits);
        }
        let mut destinations: Vec<Destination> = Vec::with_capacity(config.destinations.len());
        for c in &config.destinations {
            let d = Destination::parse(c)?;
            if destinations.iter().any(|o| o.name == d.name) {
                return Err(ConfigError::DuplicateName { name: d.name });
            }
            destinations.push(d);
        }
        let connect = Duration::from_millis(config.connect_timeout_ms);
        let timeout = Duration::from_millis(config.timeout_ms);
        let private_hosts = destinations.iter().filter(|d| d.allow_private).map(|d| d.host.clone()).collect();
        let strict =
            client(PolicyResolver { lookup: Arc::clone(&lookup), private_hosts: Vec::new() }, connect, timeout)?;
        let private = client(PolicyResolver { lookup: Arc::clone(&lookup), private_hosts }, connect, timeout)?;
        Ok(Self { destinations, lookup, strict, private, timeout, max_answer_bytes: config.max_answer_bytes })
    }

    /// Checks a URL against the allowlist without touching the network: scheme,
    /// credentials, destination, and IP-literal hosts. Use it where a URL enters gebao (a
    /// portability destination in a request) to refuse it there, with the error's message.
    pub fn check(&self, url: &str) -> Result<Route<'_>, EgressError> {
        allowlist::route(&self.destinations, url)
    }

    /// [`Egress::check`], then resolves the host now and refuses it when no address is
    /// allowed. Advisory: a delivery checks the addresses again when it connects.
    pub async fn check_resolved(&self, url: &str) -> Result<Route<'_>, EgressError> {
        let route = self.check(url)?;
        if let Some(Host::Domain(name)) = route.url.host() {
            let allow_private = route.dest.allow_private;
            if let Err(e) = resolve_allowed(self.lookup.as_ref(), name, allow_private).await {
                return Err(match e.get_ref().and_then(|inner| inner.downcast_ref::<Blocked>()) {
                    Some(b) => EgressError::BlockedAddress {
                        url: route.redacted_url(),
                        destination: route.dest.name.clone(),
                        addr: b.addr,
                        class: b.class,
                    },
                    None => EgressError::Unresolvable { url: route.redacted_url() },
                });
            }
        }
        Ok(route)
    }

    /// Delivers `out` once: check, sign, POST (redirects not followed), read at most
    /// `max_answer_bytes` of the answer. Never fails: every outcome is an [`Attempt`].
    #[tracing::instrument(skip_all, fields(kind = out.kind, delivery = out.delivery_id))]
    pub async fn deliver(&self, out: &Outgoing<'_>) -> Attempt {
        let route = match self.check(out.url) {
            Ok(r) => r,
            Err(e) => return Attempt::refused(e, None),
        };
        let name = route.dest.name.as_str();
        for (field, value) in [("delivery_id", out.delivery_id), ("kind", out.kind)] {
            if !header_safe(value) {
                return Attempt::refused(EgressError::InvalidHeader { field }, Some(name));
            }
        }
        let body = match serde_json::to_vec(out.body) {
            Ok(b) => b,
            Err(_) => return Attempt::failed("request", "无法序列化请求体 / cannot serialise the body", name),
        };
        let timestamp = unix_now();
        let client = if route.dest.allow_private { &self.private } else { &self.strict };
        let request = client
            .post(route.url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(reqwest::header::ACCEPT, "application/json")
            .header(headers::TIMESTAMP, timestamp.to_string())
            .header(headers::SIGNATURE, sign(route.dest.secret.expose(), timestamp, &body))
            .header(headers::DELIVERY, out.delivery_id)
            .header(headers::IDEMPOTENCY_KEY, out.delivery_id)
            .header(headers::KIND, out.kind)
            .body(body);
        let exchange = async {
            let response = request.send().await?;
            let status = response.status().as_u16();
            let answer = if (200..300).contains(&status) { self.read_answer(response).await } else { Ok(None) };
            Ok::<_, reqwest::Error>((status, answer))
        };
        match tokio::time::timeout(self.timeout, exchange).await {
            Err(_) => Attempt::failed("timeout", "超时 / timed out", name),
            Ok(Err(e)) => self.network_error(&route, &e),
            Ok(Ok((status, answer))) => by_status(status, answer, name),
        }
    }

    /// Reads the answer up to the limit; `Err` on a longer one (not read further).
    async fn read_answer(&self, mut response: reqwest::Response) -> Result<Option<Answer>, TooLong> {
        let limit = self.max_answer_bytes;
        if response.content_length().is_some_and(|n| n > limit as u64) {
            return Err(TooLong);
        }
        let mut buf = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if buf.len() + chunk.len() > limit {
                        return Err(TooLong);
                    }
                    buf.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                // Delivered, but the answer broke off: there is no answer.
                Err(_) => return Ok(None),
            }
        }
        Ok(serde_json::from_slice::<serde_json::Value>(&buf).ok().map(Answer))
    }

    fn network_error(&self, route: &Route<'_>, e: &reqwest::Error) -> Attempt {
        let name = route.dest.name.as_str();
        if let Some(b) = blocked_in(e) {
            let error = EgressError::BlockedAddress {
                url: route.redacted_url(),
                destination: name.to_string(),
                addr: b.addr,
                class: b.class,
            };
            return Attempt::refused(error, Some(name));
        }
        // The underlying text may hold the URL or a resolved address: logged, not returned.
        tracing::debug!(error = %causes(e), destination = name, "delivery failed");
        if e.is_timeout() {
            Attempt::failed("timeout", "超时 / timed out", name)
        } else if e.is_connect() {
            Attempt::failed("connect", "无法连接 / could not connect", name)
        } else {
            Attempt::failed("request", "请求失败 / the request failed", name)
        }
    }
}

/// Our resolver's refusal, wherever reqwest and hyper put it in the error chain.
fn blocked_in(e: &reqwest::Error) -> Option<Blocked> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if let Some(b) = err.downcast_ref::<Blocked>() {
            return Some(*b);
        }
        source = err.source();
    }
    None
}

/// The causes of an error without its own message (reqwest's names the URL).
fn causes(e: &reqwest::Error) -> String {
    let mut out = Vec::new();
    let mut source = std::error::Error::source(e);
    while let Some(err) = source {
        out.push(err.to_string());
        source = err.source();
    }
    out.join(": ")
}

fn header_safe(value: &str) -> bool {
    (1..=128).contains(&value.len())
        && value.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
}

fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn client(resolver: PolicyResolver, connect: Duration, timeout: Duration) -> Result<reqwest::Client, ConfigError> {
    reqwest::Client::builder()
        .dns_resolver(Arc::new(resolver))
        // A proxy would be resolved instead of the destination: the check would see the
        // proxy's address, not where the data goes.
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .referer(false)
        .user_agent(USER_AGENT)
        .connect_timeout(connect)
        .timeout(timeout)
        .build()
        .map_err(|e| ConfigError::Client { reason: e.without_url().to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn egress_is_shared_across_tasks() {
        fn shared<T: Send + Sync + 'static>() {}
        shared::<Egress>();
        shared::<Attempt>();
    }

    #[test]
    fn outgoing_debug_hides_the_body_and_credentials() {
        let body = serde_json::json!({"phone": "13800000000"});
        let out = Outgoing { url: "https://u:pw@a.example/x?t=1", kind: "otp", delivery_id: "obx_1", body: &body };
        let shown = format!("{out:?}");
        assert!(!shown.contains("13800000000") && !shown.contains("pw") && !shown.contains("t=1"), "{shown}");
    }

    #[test]
    fn header_values_are_restricted() {
        assert!(header_safe("obx_01HZX:1-2.3"));
        assert!(!header_safe(""));
        assert!(!header_safe("a\r\nx-evil: 1"));
        assert!(!header_safe(&"a".repeat(129)));
    }
}

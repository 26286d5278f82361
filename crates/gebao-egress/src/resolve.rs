//! Name resolution that cannot be rebound. A check of a name's addresses before the request
//! proves nothing: the name may resolve to a public address for the check and to 127.0.0.1
//! a millisecond later for the connection (DNS rebinding). So the check is done *in* the
//! resolver that reqwest connects through ([`PolicyResolver`]): it resolves, drops every
//! address the destination may not be sent to, and hands reqwest only the rest. The
//! addresses checked are the addresses connected to.

use crate::addr::{AddrClass, classify};
use crate::allowlist::HostPattern;
use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;

/// A boxed future of a lookup.
pub type LookupFuture<'a> = Pin<Box<dyn Future<Output = io::Result<Vec<IpAddr>>> + Send + 'a>>;

/// Turns a host name into addresses. [`SystemLookup`] asks the operating system; tests and
/// operators who pin their destinations' addresses use [`StaticLookup`].
pub trait Lookup: Send + Sync + 'static {
    fn lookup<'a>(&'a self, name: &'a str) -> LookupFuture<'a>;
}

/// The operating system's resolver (`getaddrinfo`, on a blocking thread).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemLookup;

impl Lookup for SystemLookup {
    fn lookup<'a>(&'a self, name: &'a str) -> LookupFuture<'a> {
        Box::pin(async move { Ok(tokio::net::lookup_host((name, 0)).await?.map(|a| a.ip()).collect()) })
    }
}

/// A fixed table of names and their addresses, like a hosts file; other names do not
/// resolve.
#[derive(Debug, Clone, Default)]
pub struct StaticLookup(HashMap<String, Vec<IpAddr>>);

impl StaticLookup {
    pub fn new<N: Into<String>>(entries: impl IntoIterator<Item = (N, Vec<IpAddr>)>) -> Self {
        Self(entries.into_iter().map(|(n, a)| (n.into().to_ascii_lowercase(), a)).collect())
    }
}

impl Lookup for StaticLookup {
    fn lookup<'a>(&'a self, name: &'a str) -> LookupFuture<'a> {
        let key = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
        let found = self.0.get(&key).cloned();
        Box::pin(async move { found.ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no such host")) })
    }
}

/// Every resolved address of a name was refused. Carried through reqwest's error chain so
/// that a delivery is classed `Refused`, not `Failed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("every address of the host is refused: {addr} is {}", class.as_str())]
pub struct Blocked {
    pub addr: IpAddr,
    pub class: AddrClass,
}

/// Keeps the addresses a destination may be sent to; `Err` with the first refused one when
/// none is left.
pub fn filter_addrs(addrs: &[IpAddr], allow_private: bool) -> Result<Vec<IpAddr>, Option<Blocked>> {
    let mut first_blocked = None;
    let mut ok = Vec::new();
    for &ip in addrs {
        let class = classify(ip);
        if class.allowed(allow_private) {
            ok.push(ip);
        } else if first_blocked.is_none() {
            first_blocked = Some(Blocked { addr: ip, class });
        }
    }
    if ok.is_empty() { Err(first_blocked) } else { Ok(ok) }
}

/// The resolver of one of the two HTTP clients: the strict one (no `private_hosts`) and the
/// one used for destinations with `allow_private` (their host patterns). A name gets the
/// private policy only when an `allow_private` destination names it, and only the client of
/// such a destination ever asks.
pub(crate) struct PolicyResolver {
    pub(crate) lookup: Arc<dyn Lookup>,
    pub(crate) private_hosts: Vec<HostPattern>,
}

impl PolicyResolver {
    pub(crate) fn allows_private(&self, name: &str) -> bool {
        self.private_hosts.iter().any(|p| p.matches_name(name))
    }
}

/// Resolves `name` and filters it by policy; shared by the resolver and
/// [`crate::Egress::check_resolved`].
pub(crate) async fn resolve_allowed(lookup: &dyn Lookup, name: &str, allow_private: bool) -> io::Result<Vec<IpAddr>> {
    let addrs = lookup.lookup(name).await?;
    filter_addrs(&addrs, allow_private).map_err(|blocked| match blocked {
        Some(b) => io::Error::other(b),
        None => io::Error::new(io::ErrorKind::NotFound, "the host has no address"),
    })
}

impl reqwest::dns::Resolve for PolicyResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        let allow_private = self.allows_private(&host);
        let lookup = Arc::clone(&self.lookup);
        Box::pin(async move {
            let addrs = lookup.lookup(&host).await?;
            match filter_addrs(&addrs, allow_private) {
                Ok(ok) => {
                    let iter: reqwest::dns::Addrs = Box::new(ok.into_iter().map(|ip| SocketAddr::new(ip, 0)));
                    Ok(iter)
                }
                Err(Some(blocked)) => Err(Box::new(blocked) as Box<dyn std::error::Error + Send + Sync>),
                Err(None) => Err(Box::new(io::Error::new(io::ErrorKind::NotFound, "the host has no address")) as _),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ips(list: &[&str]) -> Vec<IpAddr> {
        list.iter().map(|s| s.parse().unwrap()).collect()
    }

    #[test]
    fn filter_keeps_only_allowed_addresses() {
        let mixed = ips(&["127.0.0.1", "93.184.216.34", "10.0.0.1"]);
        assert_eq!(filter_addrs(&mixed, false), Ok(ips(&["93.184.216.34"])));
        assert_eq!(filter_addrs(&mixed, true), Ok(mixed.clone()));
        let internal = ips(&["::ffff:127.0.0.1", "169.254.169.254"]);
        assert_eq!(
            filter_addrs(&internal, false),
            Err(Some(Blocked { addr: internal[0], class: AddrClass::Loopback }))
        );
        assert_eq!(filter_addrs(&[], false), Err(None));
    }

    #[tokio::test]
    async fn static_lookup_is_case_and_dot_insensitive() {
        let l = StaticLookup::new([("Evil.Example.com", ips(&["127.0.0.1"]))]);
        assert_eq!(l.lookup("evil.example.com.").await.unwrap(), ips(&["127.0.0.1"]));
        assert!(l.lookup("other.example.com").await.is_err());
    }

    #[tokio::test]
    async fn system_lookup_resolves_localhost_to_loopback() {
        let addrs = SystemLookup.lookup("localhost").await.unwrap();
        assert!(!addrs.is_empty());
        assert!(addrs.iter().all(|a| classify(*a) == AddrClass::Loopback), "{addrs:?}");
        assert!(resolve_allowed(&SystemLookup, "localhost", false).await.is_err());
    }
}

//! The egress configuration: the destinations gebao may send data to, and the limits of a
//! delivery. Deserialised from the operator's configuration (TOML, JSON, environment — the
//! server decides where it lives); validated once by [`crate::Egress::new`].
//!
//! ```toml
//! connect_timeout_ms = 5000     # default 5 s
//! timeout_ms = 15000            # whole delivery, answer included; default 15 s
//! max_answer_bytes = 65536      # answers longer than this are not read; default 64 KiB
//!
//! [[destinations]]
//! name = "partner"                                   # shown in deliveries and errors
//! url = "https://api.partner.example.com/gebao/"     # scheme, host, port (default by scheme), path prefix
//! secret = "3f9c…(at least 32 characters)"          # HMAC key of X-Gebao-Signature
//!
//! [[destinations]]
//! name = "partners"
//! url = "https://*.partners.example.com"             # any subdomain (not the name itself)
//! secret = "…"
//!
//! [[destinations]]
//! name = "notifier"
//! url = "http://127.0.0.1:9100/otp"
//! secret = "…"
//! allow_private = true                               # internal service: loopback/private allowed
//! ```

use serde::Deserialize;
use std::fmt;

/// The shortest secret accepted, in bytes: 32 characters of `openssl rand -hex 32` or any
/// other generator give at least 128 bits of key.
pub const MIN_SECRET_LEN: usize = 32;

/// The egress configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EgressConfig {
    /// The allowlist. Empty: nothing can be delivered.
    #[serde(default)]
    pub destinations: Vec<DestinationConfig>,
    /// Time to establish a connection (TCP and TLS), in milliseconds.
    #[serde(default = "default_connect_timeout_ms")]
    pub connect_timeout_ms: u64,
    /// Time for the whole delivery, the answer included, in milliseconds.
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    /// The longest answer read from a destination, in bytes; a longer one is not read.
    #[serde(default = "default_max_answer_bytes")]
    pub max_answer_bytes: usize,
}

fn default_connect_timeout_ms() -> u64 {
    5_000
}
fn default_timeout_ms() -> u64 {
    15_000
}
fn default_max_answer_bytes() -> usize {
    64 * 1024
}

impl Default for EgressConfig {
    fn default() -> Self {
        Self {
            destinations: Vec::new(),
            connect_timeout_ms: default_connect_timeout_ms(),
            timeout_ms: default_timeout_ms(),
            max_answer_bytes: default_max_answer_bytes(),
        }
    }
}

/// One allowed destination.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DestinationConfig {
    /// A short name, unique in the list; deliveries and errors name the destination by it.
    pub name: String,
    /// `scheme://host[:port][/path-prefix]`. The host is exact, or `*.example.com` for every
    /// subdomain of `example.com`; the port defaults to the scheme's; a path prefix matches
    /// whole segments (`/hooks` allows `/hooks` and `/hooks/x`, not `/hooksx`). No
    /// credentials, query or fragment.
    pub url: String,
    /// The key deliveries are signed with (`X-Gebao-Signature`), shared with the receiver.
    /// Required: an entry without one is a configuration error, because an unsigned
    /// delivery cannot be told from a forged one.
    #[serde(default)]
    pub secret: Option<Secret>,
    /// Allow loopback, private (RFC 1918, fc00::/7), CGNAT, documentation and benchmarking
    /// addresses: for an internal service such as the one-time-code notifier. Link-local,
    /// cloud metadata, unspecified, multicast, broadcast and reserved addresses stay
    /// refused.
    #[serde(default)]
    pub allow_private: bool,
}

/// A secret: its bytes are the key, as written (not hex- or base64-decoded). `Debug` never
/// shows it, and it has no `Serialize`.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }

    /// The key bytes. Keep what you do with them out of logs.
    pub fn expose(&self) -> &[u8] {
        self.0.as_bytes()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_toml() {
        let text = r#"
            connect_timeout_ms = 2000
            [[destinations]]
            name = "partner"
            url = "https://api.partner.example.com/gebao/"
            secret = "0123456789abcdef0123456789abcdef"
            [[destinations]]
            name = "notifier"
            url = "http://127.0.0.1:9100/otp"
            secret = "fedcba9876543210fedcba9876543210"
            allow_private = true
        "#;
        let c: EgressConfig = toml::from_str(text).unwrap();
        assert_eq!(c.connect_timeout_ms, 2000);
        assert_eq!(c.timeout_ms, 15_000);
        assert_eq!(c.max_answer_bytes, 65_536);
        assert_eq!(c.destinations.len(), 2);
        assert!(!c.destinations[0].allow_private);
        assert!(c.destinations[1].allow_private);
    }

    #[test]
    fn rejects_unknown_keys() {
        let text = "[[destinations]]\nname = \"a\"\nurl = \"https://a.example\"\nallow_privat = true\n";
        assert!(toml::from_str::<EgressConfig>(text).is_err());
    }

    #[test]
    fn debug_never_shows_a_secret() {
        let c = DestinationConfig {
            name: "p".into(),
            url: "https://p.example".into(),
            secret: Some(Secret::new("hunter2-hunter2-hunter2-hunter2-x")),
            allow_private: false,
        };
        let shown = format!("{c:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("redacted"));
    }
}

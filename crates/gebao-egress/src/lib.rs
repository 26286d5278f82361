//! gebao-egress: the one way gebao sends anything out of its process.
//!
//! gebao POSTs on behalf of users: one-time codes to the operator's notifier, questions to
//! the operator's backend, deletion notices to recipients (PIPL 47), and a user's whole data
//! copy to the destination a portability request names (PIPL 45). Some of those URLs come
//! from outside — a portability destination is typed by whoever files the request — so the
//! process that holds everyone's personal information must not become their proxy.
//!
//! # The threats, and the defence against each
//!
//! - **Server-side request forgery / exfiltration.** A URL pointing at gebao's own host,
//!   the operator's network or a cloud metadata service (`http://127.0.0.1:…`,
//!   `http://2130706433/`, `http://[::ffff:127.0.0.1]/`, `http://169.254.169.254/`) would
//!   hand internal services a user's data, or hand an attacker internal answers. Only URLs
//!   that match a configured destination ([`EgressConfig`]) are sent anything, and a
//!   destination's host is only connected to at public addresses unless it says
//!   `allow_private = true` ([`AddrClass`]). URLs are parsed once, WHATWG-style, with the
//!   parser reqwest sends with, so every spelling of an address is judged as that address.
//! - **DNS rebinding.** A name that resolves to a public address when checked and to
//!   127.0.0.1 when connected. The check happens inside the resolver reqwest connects
//!   through, on the very addresses it connects to (`resolve.rs`); IP literals, which
//!   reqwest does not resolve, are checked before sending. Proxies are disabled (the proxy
//!   would be resolved instead of the destination) and redirects are never followed (a
//!   redirect is a new, unchecked URL).
//! - **Credentials in URLs.** `user:pass@` is refused always: it would be sent as Basic
//!   auth, and stored and shown with the URL. Errors and outcomes show URLs through
//!   [`redact_url`].
//! - **Forged deliveries and answers.** Every POST is signed, per destination, with
//!   HMAC-SHA256 over the timestamp and the raw body ([`sign`], [`verify_signature`],
//!   `docs/webhooks.md`); a destination without a secret is a configuration error.
//!   Recipients acknowledge a deletion with a per-delivery token ([`ack_token`]), not with
//!   an operator API key.
//! - **Echo of the receiver's answer.** An internal service's status or body shown through
//!   gebao's API turns gebao into a reading tool. [`Delivery`] holds only gebao's own short
//!   words; the [`Answer`] is read up to a limit, parsed as JSON, and can only be read into
//!   the caller's own type — never stored or returned raw.
//! - **Resource exhaustion.** Connect and total timeouts; answers past `max_answer_bytes`
//!   are not read.
//!
//! Retries are the caller's (the server's durable outbox), spaced by [`Backoff`].
//!
//! # Use
//!
//! ```no_run
//! use gebao_egress::{DeliveryClass, Egress, EgressConfig, Outgoing};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let config: EgressConfig = toml::from_str(
//!     r#"
//!     [[destinations]]
//!     name = "partner"
//!     url = "https://api.partner.example.com/gebao/"
//!     secret = "3f9c2b7e5d1a4c8f9e0b6a2d7c4e1f83"
//!     "#,
//! )?;
//! let egress = Egress::new(&config)?; // once, at start
//!
//! // Where a URL enters gebao, refuse it there, with a message the user can act on:
//! let url = "https://api.partner.example.com/gebao/deletion";
//! egress.check(url)?;
//!
//! let body = serde_json::json!({ "kind": "recipient-deletion", "request": "req_1" });
//! let attempt =
//!     egress.deliver(&Outgoing { url, kind: "recipient-deletion", delivery_id: "obx_1", body: &body }).await;
//! // `attempt.delivery` is safe to store and show; the answer is read into what we expect.
//! let acknowledged = attempt.answer.as_ref().is_some_and(|a| a.acknowledged());
//! match attempt.delivery.class {
//!     DeliveryClass::Delivered => println!("delivered, acknowledged: {acknowledged}"),
//!     _ if attempt.delivery.retryable() => println!("retry later: {}", attempt.delivery.reason),
//!     _ => println!("give up: {}", attempt.delivery.reason),
//! }
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]

mod ack;
mod addr;
mod allowlist;
mod backoff;
mod config;
mod deliver;
mod error;
mod outcome;
mod resolve;
mod sign;

pub use ack::{ack_token, verify_ack_token};
pub use addr::{AddrClass, classify};
pub use allowlist::{Route, redact_url};
pub use backoff::Backoff;
pub use config::{DestinationConfig, EgressConfig, MIN_SECRET_LEN, Secret};
pub use deliver::{Egress, Outgoing, USER_AGENT};
pub use error::{ConfigError, EgressError, UrlProblem};
pub use outcome::{Answer, Attempt, Delivery, DeliveryClass, MAX_REASON_CHARS};
pub use resolve::{Blocked, Lookup, LookupFuture, StaticLookup, SystemLookup, filter_addrs};
pub use sign::{SignatureError, TOLERANCE, headers, sign, verify_signature};

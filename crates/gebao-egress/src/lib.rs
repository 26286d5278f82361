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
#![forbid(unsafe_code)]

mod ack;
mod addr;
mod allowlist;
mod backoff;
mod config;
mod deliver;
mod error;
mod resolve;
mod sign;

pub use ack::{ack_token, verify_ack_token};
pub use addr::{AddrClass, classify};
pub use allowlist::{Route, redact_url};
pub use backoff::Backoff;
pub use config::{DestinationConfig, EgressConfig, MIN_SECRET_LEN, Secret};
pub use deliver::{Answer, Attempt, Delivery, DeliveryClass, Egress, MAX_REASON_CHARS, Outgoing, USER_AGENT};
pub use error::{ConfigError, EgressError, UrlProblem};
pub use resolve::{Blocked, Lookup, LookupFuture, StaticLookup, SystemLookup, filter_addrs};
pub use sign::{SignatureError, TOLERANCE, headers, sign, verify_signature};

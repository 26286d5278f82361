//! Signed deliveries. Every POST carries
//!
//! ```text
//! X-Gebao-Timestamp: 1767225600
//! X-Gebao-Signature: v1=<hex of HMAC-SHA256(secret, "1767225600." + raw body)>
//! ```
//!
//! so that a receiver can tell gebao from anyone who learnt its URL, and a replay older than
//! [`TOLERANCE`] from a fresh delivery. The timestamp is inside the signed string, so it
//! cannot be moved forward without the secret. `docs/webhooks.md` shows verification in
//! Python, Node.js, Go and Java.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::time::Duration;

type HmacSha256 = Hmac<Sha256>;

/// The replay window receivers should allow, either way: 5 minutes.
pub const TOLERANCE: Duration = Duration::from_secs(300);

/// Header names, lowercase (HTTP header names are case-insensitive).
pub mod headers {
    pub const TIMESTAMP: &str = "x-gebao-timestamp";
    pub const SIGNATURE: &str = "x-gebao-signature";
    pub const DELIVERY: &str = "x-gebao-delivery";
    pub const KIND: &str = "x-gebao-kind";
    pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
}

/// The HMAC key block of RFC 2104 (a key longer than the block is hashed, a shorter one
/// padded with zeros), so that keying is infallible for every secret.
fn key_block(secret: &[u8]) -> hmac::digest::Key<HmacSha256> {
    use sha2::Digest;
    let mut block = hmac::digest::Key::<HmacSha256>::default();
    if secret.len() > block.len() {
        let digest = Sha256::digest(secret);
        block.iter_mut().zip(digest.iter()).for_each(|(b, d)| *b = *d);
    } else {
        block.iter_mut().zip(secret.iter()).for_each(|(b, s)| *b = *s);
    }
    block
}

pub(crate) fn hmac(secret: &[u8]) -> HmacSha256 {
    <HmacSha256 as hmac::digest::KeyInit>::new(&key_block(secret))
}

fn mac(secret: &[u8], timestamp: &str, body: &[u8]) -> HmacSha256 {
    let mut mac = hmac(secret);
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The value of `X-Gebao-Signature` for `body` sent at `timestamp` (Unix seconds).
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let tag = mac(secret, &timestamp.to_string(), body).finalize().into_bytes();
    format!("v1={}", hex::encode(tag))
}

/// Why a signature was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("X-Gebao-Timestamp is not a number of seconds")]
    MalformedTimestamp,
    #[error("X-Gebao-Timestamp is outside the tolerance (a replay, or a clock off)")]
    Stale,
    #[error("X-Gebao-Signature is not v1=<64 hex digits>")]
    MalformedSignature,
    #[error("X-Gebao-Signature does not match the body")]
    Mismatch,
}

/// Verifies a delivery: `timestamp` and `header` as received, `body` the raw bytes (before
/// any JSON parsing), `now` in Unix seconds, `tolerance` the replay window (use
/// [`TOLERANCE`]). The comparison is constant-time.
///
/// ```
/// use gebao_egress::{TOLERANCE, sign, verify_signature};
/// let secret = b"0123456789abcdef0123456789abcdef";
/// let body = br#"{"kind":"otp"}"#;
/// let header = sign(secret, 1_767_225_600, body);
/// assert!(verify_signature(secret, "1767225600", body, &header, 1_767_225_630, TOLERANCE).is_ok());
/// assert!(verify_signature(secret, "1767225600", body, &header, 1_767_226_000, TOLERANCE).is_err());
/// ```
pub fn verify_signature(
    secret: &[u8],
    timestamp: &str,
    body: &[u8],
    header: &str,
    now: i64,
    tolerance: Duration,
) -> Result<(), SignatureError> {
    let ts: i64 = timestamp.trim().parse().map_err(|_| SignatureError::MalformedTimestamp)?;
    let skew = now.abs_diff(ts);
    if skew > tolerance.as_secs() {
        return Err(SignatureError::Stale);
    }
    let hex_tag = header.trim().strip_prefix("v1=").ok_or(SignatureError::MalformedSignature)?;
    let tag = hex::decode(hex_tag).map_err(|_| SignatureError::MalformedSignature)?;
    if tag.len() != 32 {
        return Err(SignatureError::MalformedSignature);
    }
    mac(secret, timestamp.trim(), body).verify_slice(&tag).map_err(|_| SignatureError::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn known_answer() {
        // python3: hmac.new(SECRET, b'1767225600.{"a":1}', hashlib.sha256).hexdigest()
        assert_eq!(
            sign(SECRET, 1_767_225_600, br#"{"a":1}"#),
            "v1=5a178d9c0a752b5853bf52551646d72a3506620c785b7cfaf493f8b2adddfbdd"
        );
    }

    #[test]
    fn keying_matches_hmac_for_every_key_length() {
        for len in [0, 1, 31, 32, 63, 64, 65, 200] {
            let key = vec![0x5a_u8; len];
            let ours = hmac(&key).chain_update(b"m").finalize().into_bytes();
            let theirs = HmacSha256::new_from_slice(&key).unwrap().chain_update(b"m").finalize().into_bytes();
            assert_eq!(ours, theirs, "{len}");
        }
    }

    #[test]
    fn round_trip_and_refusals() {
        let body = br#"{"kind":"recipient-deletion"}"#;
        let now = 1_767_225_600;
        let sig = sign(SECRET, now, body);
        let ts = now.to_string();
        assert_eq!(verify_signature(SECRET, &ts, body, &sig, now, TOLERANCE), Ok(()));
        assert_eq!(verify_signature(SECRET, &ts, body, &sig, now + 300, TOLERANCE), Ok(()));
        assert_eq!(verify_signature(SECRET, &ts, body, &sig, now - 300, TOLERANCE), Ok(()));
        assert_eq!(verify_signature(SECRET, &ts, body, &sig, now + 301, TOLERANCE), Err(SignatureError::Stale));
        assert_eq!(verify_signature(SECRET, &ts, body, &sig, now - 301, TOLERANCE), Err(SignatureError::Stale));
        assert_eq!(verify_signature(b"another secret", &ts, body, &sig, now, TOLERANCE), Err(SignatureError::Mismatch));
        assert_eq!(verify_signature(SECRET, &ts, b"{}", &sig, now, TOLERANCE), Err(SignatureError::Mismatch));
        // The timestamp is signed: moving it breaks the signature.
        let moved = (now + 1).to_string();
        assert_eq!(verify_signature(SECRET, &moved, body, &sig, now, TOLERANCE), Err(SignatureError::Mismatch));
        assert_eq!(
            verify_signature(SECRET, "soon", body, &sig, now, TOLERANCE),
            Err(SignatureError::MalformedTimestamp)
        );
        let bare = sig.trim_start_matches("v1=");
        assert_eq!(verify_signature(SECRET, &ts, body, bare, now, TOLERANCE), Err(SignatureError::MalformedSignature));
        assert_eq!(
            verify_signature(SECRET, &ts, body, "v1=abcd", now, TOLERANCE),
            Err(SignatureError::MalformedSignature)
        );
    }
}

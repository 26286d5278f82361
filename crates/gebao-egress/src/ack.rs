//! Acknowledgement tokens. A recipient told to delete a subject's data (PIPL 47) confirms
//! it with a token that is valid for that one delivery and nothing else, instead of an
//! operator API key (which could act on every request). The token travels in the signed
//! payload; the server accepts it at `POST /v1/outbox/{id}/ack`.
//!
//! `token = base64url(HMAC-SHA256(key, "gebao-ack-v1\0" + delivery_id))`, unpadded (43
//! characters). The label keeps these tags apart from any other use of the key.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::Mac;

const LABEL: &[u8] = b"gebao-ack-v1\0";

fn tag(key: &[u8], delivery_id: &str) -> impl AsRef<[u8]> {
    let mut mac = crate::sign::hmac(key);
    mac.update(LABEL);
    mac.update(delivery_id.as_bytes());
    mac.finalize().into_bytes()
}

/// The token that acknowledges delivery `delivery_id`. `key` is the server's own secret
/// (not a destination's): keep it out of logs.
pub fn ack_token(key: &[u8], delivery_id: &str) -> String {
    URL_SAFE_NO_PAD.encode(tag(key, delivery_id))
}

/// Whether `token` acknowledges `delivery_id`; constant-time in the token's content.
pub fn verify_ack_token(key: &[u8], delivery_id: &str, token: &str) -> bool {
    let Ok(given) = URL_SAFE_NO_PAD.decode(token.trim()) else { return false };
    let mut mac = crate::sign::hmac(key);
    mac.update(LABEL);
    mac.update(delivery_id.as_bytes());
    mac.verify_slice(&given).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const KEY: &[u8] = b"server ack key, 32 bytes or more!";

    #[test]
    fn a_token_acknowledges_its_delivery_only() {
        let t = ack_token(KEY, "obx_1");
        assert_eq!(t.len(), 43);
        assert!(t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'), "{t}");
        assert!(verify_ack_token(KEY, "obx_1", &t));
        assert!(!verify_ack_token(KEY, "obx_2", &t));
        assert!(!verify_ack_token(b"another key", "obx_1", &t));
        assert!(!verify_ack_token(KEY, "obx_1", ""));
        assert!(!verify_ack_token(KEY, "obx_1", "not base64 !"));
        assert!(!verify_ack_token(KEY, "obx_1", &t[..42]));
        // A signature of the same id is not a token.
        assert!(!verify_ack_token(KEY, "obx_1", &URL_SAFE_NO_PAD.encode([0u8; 32])));
    }

    proptest! {
        #[test]
        fn tokens_verify_and_do_not_transfer(a in "[a-z0-9_]{1,40}", b in "[a-z0-9_]{1,40}") {
            let t = ack_token(KEY, &a);
            prop_assert!(verify_ack_token(KEY, &a, &t));
            prop_assert_eq!(verify_ack_token(KEY, &b, &t), a == b);
        }
    }
}

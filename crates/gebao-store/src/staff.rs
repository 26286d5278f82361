//! Staff accounts of the console (`/console`), separate from API keys: a role, an Argon2id
//! password hash (PHC string) and a TOTP second factor (RFC 6238: HMAC-SHA1, six digits,
//! 30-second steps), whose secret the store keeps encrypted. Five failed sign-ins in a row
//! lock an account for fifteen minutes.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Failed sign-ins in a row that lock an account.
pub const MAX_FAILURES: i64 = 5;
/// How long a locked account stays locked.
pub const LOCK_MS: i64 = 15 * 60 * 1000;
/// The TOTP step (RFC 6238's `X`), in seconds.
pub const TOTP_STEP_S: i64 = 30;

/// What a member of staff may do is decided by their role (the console's permission table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StaffRole {
    /// 个人信息保护负责人: works requests (verify, approve, refuse, dry run, execute), may
    /// unmask a contact point with a reason.
    PrivacyOfficer,
    /// Sees the queue and the requests (masked), files requests for users, acknowledges.
    Support,
    /// Reads history, the audit log and figures; never unmasks.
    Auditor,
    /// Staff accounts and policy publishing; no request decisions.
    Admin,
}

impl StaffRole {
    pub const ALL: [StaffRole; 4] =
        [StaffRole::PrivacyOfficer, StaffRole::Support, StaffRole::Auditor, StaffRole::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::PrivacyOfficer => "privacy-officer",
            StaffRole::Support => "support",
            StaffRole::Auditor => "auditor",
            StaffRole::Admin => "admin",
        }
    }
}

impl std::str::FromStr for StaffRole {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        StaffRole::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| {
            let names: Vec<_> = StaffRole::ALL.iter().map(|r| r.as_str()).collect();
            format!("unknown role `{s}`: one of {}", names.join(", "))
        })
    }
}

impl fmt::Display for StaffRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a login name is acceptable: 1–64 of `a-z 0-9 . _ -`, starting with a letter
/// or digit (it appears in audit targets and URLs).
pub fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'))
        && name.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
}

/// A staff account as shown and checked (no secrets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffAccount {
    pub name: String,
    pub display_name: String,
    pub role: StaffRole,
    /// Failed sign-ins since the last success or lock.
    pub failed: i64,
    pub locked_until_ms: Option<i64>,
    pub disabled_ms: Option<i64>,
    pub created_ms: i64,
    /// When the credentials, role or state last changed: sessions started before end.
    pub changed_ms: i64,
    /// When the member last signed out: sessions started before end too.
    pub signed_out_ms: Option<i64>,
}

impl StaffAccount {
    /// Whether the account is locked at `now_ms`.
    pub fn locked(&self, now_ms: i64) -> bool {
        self.locked_until_ms.is_some_and(|until| until > now_ms)
    }
}

/// A TOTP secret (20 random bytes, as RFC 4226 recommends); never printed by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(pub Vec<u8>);

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret(…)")
    }
}

impl Drop for TotpSecret {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl TotpSecret {
    /// A new random secret.
    pub fn generate() -> TotpSecret {
        TotpSecret(rand::random::<[u8; 20]>().to_vec())
    }

    /// The secret in base32 (RFC 4648, no padding), as authenticator apps take it.
    pub fn base32(&self) -> String {
        const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        let mut out = String::new();
        let (mut buffer, mut bits) = (0u32, 0u32);
        for &b in &self.0 {
            buffer = (buffer << 8) | u32::from(b);
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
            }
        }
        if bits > 0 {
            out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
        }
        out
    }

    /// A secret from its base32 form (what an authenticator app is given); `None` when it
    /// is not base32.
    pub fn from_base32(text: &str) -> Option<TotpSecret> {
        const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        let (mut out, mut buffer, mut bits) = (Vec::new(), 0u32, 0u32);
        for c in text.trim_end_matches('=').bytes() {
            let v = ALPHABET.iter().position(|a| *a == c.to_ascii_uppercase())?;
            buffer = (buffer << 5) | v as u32;
            bits += 5;
            if bits >= 8 {
                bits -= 8;
                out.push((buffer >> bits) as u8);
            }
        }
        Some(TotpSecret(out))
    }

    /// The `otpauth://` URI an authenticator app enrols from (a QR code of it, or typed).
    pub fn uri(&self, issuer: &str, name: &str) -> String {
        let enc = |s: &str| form_urlencoded_component(s);
        format!(
            "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period={TOTP_STEP_S}",
            enc(issuer),
            enc(name),
            self.base32(),
            enc(issuer)
        )
    }

    /// The six-digit code of step `step` (RFC 6238 with HMAC-SHA1, RFC 4226 truncation).
    pub fn code_at(&self, step: i64) -> String {
        let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(&self.0) else { return String::new() };
        mac.update(&step.to_be_bytes());
        let h = mac.finalize().into_bytes();
        let offset = usize::from(h[h.len() - 1] & 0x0f);
        let bin = (u32::from(h[offset] & 0x7f) << 24)
            | (u32::from(h[offset + 1]) << 16)
            | (u32::from(h[offset + 2]) << 8)
            | u32::from(h[offset + 3]);
        format!("{:06}", bin % 1_000_000)
    }

    /// The step a code belongs to, if it is the code of the step at `now_ms` or of the step
    /// before or after (clock drift). Every candidate is compared, in constant time.
    pub fn check(&self, code: &str, now_ms: i64) -> Option<i64> {
        let now = now_ms.div_euclid(1000 * TOTP_STEP_S);
        let mut found = None;
        for step in [now - 1, now, now + 1] {
            if constant_time_eq(self.code_at(step).as_bytes(), code.as_bytes()) {
                found = Some(step);
            }
        }
        found
    }
}

/// Percent-encodes a URI component (everything but unreserved characters).
fn form_urlencoded_component(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Compares two byte strings in time that depends on their lengths only.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The Argon2id PHC string of a password (a random salt; the crate's default cost:
/// 19 MiB, 2 passes, 1 lane, as OWASP recommends).
pub fn hash_password(password: &str) -> Result<String, crate::StoreError> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| crate::StoreError::Crypto(format!("cannot hash the password: {e}")))
}

/// Whether `password` matches the PHC string `hash` (constant time inside the crate).
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A PHC string of a password nobody has: what a sign-in with an unknown name is checked
/// against, so that it takes as long as one with a known name.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password(&hex::encode(rand::random::<[u8; 16]>())).unwrap_or_default())
}

/// A random initial password: 20 characters of an alphabet without look-alikes.
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    (0..20).map(|_| char::from(ALPHABET[rand::random::<usize>() % ALPHABET.len()])).collect()
}

/// The shortest password a person may choose.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// A new account to store.
#[derive(Debug, Clone)]
pub struct NewStaff {
    pub name: String,
    pub display_name: String,
    pub role: StaffRole,
    /// Argon2id PHC string ([`hash_password`]).
    pub password_hash: String,
    pub totp_secret: TotpSecret,
    pub at_ms: i64,
}

/// An account with what signing in checks.
#[derive(Debug, Clone)]
pub struct StaffCredentials {
    pub account: StaffAccount,
    pub password_hash: String,
    pub totp_secret: TotpSecret,
    /// The last step a code was accepted for.
    pub totp_step: i64,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA1 rows (the 8-digit values' last six digits).
    #[test]
    fn totp_matches_the_rfc_vectors() {
        let s = TotpSecret(b"12345678901234567890".to_vec());
        for (t, code) in
            [(59_i64, "287082"), (1_111_111_109, "081804"), (1_234_567_890, "005924"), (2_000_000_000, "279037")]
        {
            assert_eq!(s.code_at(t / 30), code);
        }
        assert_eq!(s.check("081804", 1_111_111_109_000), Some(1_111_111_109 / 30));
        // One step either side is accepted; two are not.
        assert_eq!(s.check("081804", 1_111_111_139_000), Some(1_111_111_109 / 30));
        assert_eq!(s.check("081804", 1_111_111_169_000), None);
        assert_eq!(s.check("", 1_111_111_109_000), None);
    }

    #[test]
    fn base32_and_uri() {
        assert_eq!(TotpSecret(b"foobar".to_vec()).base32(), "MZXW6YTBOI");
        assert_eq!(TotpSecret::from_base32("MZXW6YTBOI").unwrap().0, b"foobar");
        let s = TotpSecret::generate();
        assert_eq!(TotpSecret::from_base32(&s.base32()).unwrap(), s);
        assert!(TotpSecret::from_base32("not base32!").is_none());
        let uri = TotpSecret(b"foobar".to_vec()).uri("gebao 示例", "li.na");
        assert!(uri.starts_with("otpauth://totp/gebao%20%E7%A4%BA%E4%BE%8B:li.na?secret=MZXW6YTBOI&"), "{uri}");
    }

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterz", &h));
        assert!(!verify_password("x", "not a hash"));
        assert!(!verify_password("x", decoy_hash()));
    }

    #[test]
    fn names_and_roles() {
        assert!(valid_name("li.na") && valid_name("a") && !valid_name("") && !valid_name("Li") && !valid_name("-x"));
        assert_eq!("privacy-officer".parse::<StaffRole>(), Ok(StaffRole::PrivacyOfficer));
        assert!("root".parse::<StaffRole>().unwrap_err().contains("privacy-officer"));
    }
}

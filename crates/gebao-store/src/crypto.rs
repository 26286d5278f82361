//! At-rest protection of contact points (PIPL 51: encryption of personal information).
//!
//! One 32-byte master key, kept outside the database (a file in the data directory or an
//! environment variable), so that a copy of the database alone reveals no phone number or
//! email address. Two keys are derived from it with HMAC-SHA256 and distinct labels, so the
//! key that encrypts and the key that indexes are never the same bytes:
//! - the **encryption key**: AES-256-GCM, a fresh random 96-bit nonce per value, stored as
//!   `nonce ‖ ciphertext‖tag`; the caller passes associated data (which subject, which
//!   column) so a ciphertext copied into another row does not decrypt;
//! - the **blind-index key**: HMAC of the normalised value, so a contact point can be found
//!   again (`subjects_by_index`) without being stored in clear;
//! - the **chain key**: the consent ledger and the audit log are HMAC chains under it, so
//!   that someone who can write the database but does not hold the master key cannot
//!   recompute a record's hash after editing it;
//! - the **subject key**: keyed pseudonyms of the operator's user ids — a fixed-width
//!   [`SubjectKey`] (memory, change feed, tombstones) and the per-registration pseudonym that
//!   stands for a subject in the ledger and the audit log, so erasing a subject needs no
//!   rewrite of either chain.

use crate::{Result, StoreError};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use std::fmt;
use std::path::Path;
use zeroize::Zeroize;

/// Environment variable holding the master key (base64 of 32 bytes); wins over the file.
pub const MASTER_KEY_ENV: &str = "GEBAO_MASTER_KEY";
/// Name of the master key file inside the data directory.
pub const MASTER_KEY_FILE: &str = "master.key";

/// Labels of the derived keys. Versioned so that a future scheme can coexist.
const ENCRYPTION_LABEL: &[u8] = b"gebao/v1/encryption";
const INDEX_LABEL: &[u8] = b"gebao/v1/blind-index";
const CHAIN_LABEL: &[u8] = b"gebao/v2/chain";
const SUBJECT_LABEL: &[u8] = b"gebao/v2/subject";
const NONCE_LEN: usize = 12;

/// Which kind of contact point a value is; it decides the normalisation and is mixed into
/// the blind index so that a phone number never matches an email index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactKind {
    Phone,
    Email,
}

impl ContactKind {
    fn label(self) -> &'static [u8] {
        match self {
            ContactKind::Phone => b"phone",
            ContactKind::Email => b"email",
        }
    }
}

/// The derived keys. `Debug` never shows them, and they are wiped from memory on drop.
#[derive(Clone)]
pub struct Keys {
    encryption: [u8; 32],
    index: [u8; 32],
    chain: [u8; 32],
    subject: [u8; 32],
}

/// A keyed, fixed-width pseudonym of an operator's user id: the first 16 bytes of
/// HMAC-SHA256 under the subject key. The same id always gives the same key, and without the
/// master key a key reveals nothing about the id. Memory, the change feed and the
/// tombstones of erased subjects name subjects by it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SubjectKey(pub [u8; 16]);

impl SubjectKey {
    /// The key as 32 hex digits.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Reads 32 hex digits.
    pub fn from_hex(s: &str) -> Option<SubjectKey> {
        let bytes = hex::decode(s).ok()?;
        <[u8; 16]>::try_from(bytes.as_slice()).ok().map(SubjectKey)
    }

    /// Reads 16 stored bytes.
    pub fn from_slice(b: &[u8]) -> Option<SubjectKey> {
        <[u8; 16]>::try_from(b).ok().map(SubjectKey)
    }
}

impl fmt::Debug for SubjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SubjectKey({})", self.to_hex())
    }
}

impl serde::Serialize for SubjectKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> serde::Deserialize<'de> for SubjectKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        SubjectKey::from_hex(&s).ok_or_else(|| serde::de::Error::custom("a subject key is 32 hex digits"))
    }
}

impl fmt::Display for SubjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Keys(<redacted>)")
    }
}

impl Drop for Keys {
    fn drop(&mut self) {
        self.encryption.zeroize();
        self.index.zeroize();
        self.chain.zeroize();
        self.subject.zeroize();
    }
}

/// The order number of the next registration this process makes: one more than the last,
/// from a random start. Random indexes on pseudonyms (the subjects', the audit log's and
/// the ledger's) cost a bulk import most of its time; in order, each registration lands
/// next to the one before. The start is random so that the number says nothing of how
/// many registrations came before, and two processes write in two places.
pub fn next_order() -> u32 {
    static NEXT: std::sync::LazyLock<std::sync::atomic::AtomicU32> =
        std::sync::LazyLock::new(|| std::sync::atomic::AtomicU32::new(rand::rngs::OsRng.next_u32()));
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC accepts keys of any length, so this cannot fail; the fallback keeps library
    // code free of `expect` without hiding a real error.
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(key) else {
        return [0; 32];
    };
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

impl Keys {
    /// Derives the working keys from the 32-byte master key.
    pub fn from_master(master: &[u8; 32]) -> Keys {
        Keys {
            encryption: hmac(master, &[ENCRYPTION_LABEL]),
            index: hmac(master, &[INDEX_LABEL]),
            chain: hmac(master, &[CHAIN_LABEL]),
            subject: hmac(master, &[SUBJECT_LABEL]),
        }
    }

    /// Loads the master key: from `GEBAO_MASTER_KEY` (base64) when set, else from
    /// `<dir>/master.key`, which is created (mode 0600, 32 random bytes) if missing.
    pub fn load_or_create(dir: &Path) -> Result<Keys> {
        let env = std::env::var(MASTER_KEY_ENV).ok().filter(|v| !v.trim().is_empty());
        Self::load_or_create_with(dir, env.as_deref())
    }

    /// [`Keys::load_or_create`] with the environment value passed in (testable without
    /// touching the process environment).
    pub fn load_or_create_with(dir: &Path, env: Option<&str>) -> Result<Keys> {
        let mut master = match env {
            Some(b64) => decode_master(b64)?,
            None => read_or_create_file(&dir.join(MASTER_KEY_FILE))?,
        };
        let keys = Keys::from_master(&master);
        master.zeroize();
        Ok(keys)
    }

    /// Encrypts `plain`; `aad` binds the ciphertext to its place (subject and column).
    pub fn encrypt(&self, plain: &[u8], aad: &[u8]) -> Result<Vec<u8>> {
        let cipher = Aes256Gcm::new((&self.encryption).into());
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ct = cipher
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: plain, aad })
            .map_err(|_| StoreError::Crypto("encryption failed".into()))?;
        let mut out = Vec::with_capacity(NONCE_LEN + ct.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Ok(out)
    }

    /// Decrypts what [`Keys::encrypt`] produced with the same `aad`. Fails with a wrong key,
    /// a tampered value or a value moved to another row.
    pub fn decrypt(&self, data: &[u8], aad: &[u8]) -> Result<Vec<u8>> {
        if data.len() < NONCE_LEN + 16 {
            return Err(StoreError::Crypto("ciphertext too short".into()));
        }
        let (nonce, ct) = data.split_at(NONCE_LEN);
        let cipher = Aes256Gcm::new((&self.encryption).into());
        cipher
            .decrypt(Nonce::from_slice(nonce), Payload { msg: ct, aad })
            .map_err(|_| StoreError::Crypto("cannot decrypt a stored value: wrong master key or tampered data".into()))
    }

    /// A keyed hash of `value` under a purpose `label` (HMAC-SHA256 with the index key),
    /// for values gebao must recognise again but never store: a one-time code, the
    /// pseudonym of an erased subject. Distinct labels never collide with each other or
    /// with a blind index.
    pub fn keyed_hash(&self, label: &str, value: &[u8]) -> [u8; 32] {
        hmac(&self.index, &[b"keyed\0", label.as_bytes(), b"\0", value])
    }

    /// The link of a chain record: `HMAC-SHA256(chain key, prev_hash ‖ content)`, hex.
    pub fn chain_mac(&self, prev_hash: &str, content: &str) -> String {
        self.chain_mac_bytes(prev_hash, content.as_bytes())
    }

    pub(crate) fn chain_mac_bytes(&self, prev_hash: &str, content: &[u8]) -> String {
        hex::encode(hmac(&self.chain, &[prev_hash.as_bytes(), content]))
    }

    /// A MAC over a chain head (`chain`, `seq`, `hash`), so that moving a head back needs
    /// the master key too.
    pub fn head_mac(&self, chain: &str, seq: i64, hash: &str) -> String {
        hex::encode(hmac(
            &self.chain,
            &[b"head\0", chain.as_bytes(), b"\0", seq.to_string().as_bytes(), b"\0", hash.as_bytes()],
        ))
    }

    /// A MAC for a line of the external chain anchor.
    pub fn anchor_mac(&self, line: &str) -> String {
        hex::encode(hmac(&self.chain, &[b"anchor\0", line.as_bytes()]))
    }

    /// The keyed pseudonym of an operator's user id (see [`SubjectKey`]).
    pub fn subject_key(&self, id: &str) -> SubjectKey {
        let mac = hmac(&self.subject, &[b"key\0", id.as_bytes()]);
        let mut k = [0u8; 16];
        k.copy_from_slice(&mac[..16]);
        SubjectKey(k)
    }

    /// The pseudonym of one registration of `id` (`p_` and 24 hex digits): `order` in 8 hex
    /// digits, then 16 of a MAC keyed, and salted with a random nonce per registration, so
    /// that a subject registered again after an erasure shares nothing with its erased
    /// history. `order` ([`next_order`]) makes the registrations of one process follow each
    /// other in the indexes on pseudonyms.
    pub fn subject_pseudonym(&self, id: &str, order: u32, nonce: &[u8; 16]) -> String {
        let mac = hmac(&self.subject, &[b"pseudonym\0", id.as_bytes(), b"\0", nonce]);
        format!("p_{order:08x}{}", hex::encode(&mac[..8]))
    }

    /// The ledger's name for a website visitor of the consent banner (`v_` and 24 hex
    /// digits), from the random id the banner keeps in the visitor's browser: keyed, so the
    /// ledger never holds the id, and never equal to a registration's `p_` pseudonym, so a
    /// visitor's record can never be read as a registered subject's.
    pub fn visitor_pseudonym(&self, visitor: &str) -> String {
        let mac = hmac(&self.subject, &[b"visitor\0", visitor.as_bytes()]);
        format!("v_{}", hex::encode(&mac[..12]))
    }

    /// The keyed blind index of a contact point: equal for equal (normalised) values, and
    /// useless without the master key.
    pub fn blind_index(&self, kind: ContactKind, value: &str) -> [u8; 32] {
        let norm = normalise(kind, value);
        hmac(&self.index, &[kind.label(), b"\0", norm.as_bytes()])
    }
}

/// The form a contact point is indexed under: trimmed; emails lower-case; phone numbers
/// digits only, without the +86 / 0086 country code, so `+86 138-0013-8000` and
/// `13800138000` are the same number.
pub fn normalise(kind: ContactKind, value: &str) -> String {
    let v = value.trim();
    match kind {
        ContactKind::Email => v.to_lowercase(),
        ContactKind::Phone => {
            let digits: String = v.chars().filter(char::is_ascii_digit).collect();
            if v.starts_with('+') && digits.starts_with("86") {
                digits[2..].to_string()
            } else if let Some(rest) = digits.strip_prefix("0086") {
                rest.to_string()
            } else if digits.len() == 13 && digits.starts_with("861") {
                // A mainland mobile number (11 digits, starting with 1) with the country
                // code but no `+`.
                digits[2..].to_string()
            } else {
                digits
            }
        }
    }
}

fn decode_master(b64: &str) -> Result<[u8; 32]> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .map_err(|_| StoreError::Crypto(format!("{MASTER_KEY_ENV} is not valid base64")))?;
    <[u8; 32]>::try_from(bytes.as_slice())
        .map_err(|_| StoreError::Crypto(format!("{MASTER_KEY_ENV} must encode exactly 32 bytes, not {}", bytes.len())))
}

fn read_or_create_file(path: &Path) -> Result<[u8; 32]> {
    let io = |what: &str, e: std::io::Error| StoreError::Crypto(format!("{what} {}: {e}", path.display()));
    match std::fs::read(path) {
        Ok(bytes) => {
            warn_if_readable_by_others(path);
            <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| {
                StoreError::Crypto(format!("{} must hold exactly 32 bytes, not {}", path.display(), bytes.len()))
            })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| io("cannot create the directory of", e))?;
            }
            let mut key = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut key);
            write_new_secret(path, &key).map_err(|e| io("cannot create", e))?;
            tracing::info!(path = %path.display(), "created a new master key; back it up: without it the contact points cannot be read");
            Ok(key)
        }
        Err(e) => Err(io("cannot read", e)),
    }
}

/// Creates the key file readable by its owner only. `create_new` so that two processes
/// starting at once cannot both write a different key: the loser fails and can retry.
fn write_new_secret(path: &Path, key: &[u8; 32]) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(key)?;
    f.sync_all()
}

#[cfg(unix)]
fn warn_if_readable_by_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path)
        && meta.permissions().mode() & 0o077 != 0
    {
        tracing::warn!(path = %path.display(), "the master key file is readable by group or others; chmod 600 it");
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_path: &Path) {}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn keys(b: u8) -> Keys {
        Keys::from_master(&[b; 32])
    }

    #[test]
    fn round_trip() {
        let k = keys(1);
        let ct = k.encrypt("13800138000".as_bytes(), b"subject:u1:phone").unwrap();
        assert!(!ct.windows(11).any(|w| w == b"13800138000"));
        assert_eq!(k.decrypt(&ct, b"subject:u1:phone").unwrap(), b"13800138000");
        // A fresh nonce per value: the same plaintext never gives the same ciphertext.
        assert_ne!(ct, k.encrypt("13800138000".as_bytes(), b"subject:u1:phone").unwrap());
    }

    #[test]
    fn wrong_key_or_place_fails() {
        let ct = keys(1).encrypt(b"a@b.cn", b"subject:u1:email").unwrap();
        assert!(keys(2).decrypt(&ct, b"subject:u1:email").is_err());
        assert!(keys(1).decrypt(&ct, b"subject:u2:email").is_err());
        let mut bad = ct.clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        assert!(keys(1).decrypt(&bad, b"subject:u1:email").is_err());
        assert!(keys(1).decrypt(&ct[..10], b"subject:u1:email").is_err());
    }

    #[test]
    fn blind_index_is_stable_and_normalised() {
        let k = keys(1);
        let i = k.blind_index(ContactKind::Phone, "13800138000");
        assert_eq!(i, k.blind_index(ContactKind::Phone, " +86 138-0013-8000 "));
        assert_eq!(i, k.blind_index(ContactKind::Phone, "008613800138000"));
        assert_eq!(i, k.blind_index(ContactKind::Phone, "8613800138000"));
        assert_ne!(i, k.blind_index(ContactKind::Phone, "13800138001"));
        assert_ne!(i, keys(2).blind_index(ContactKind::Phone, "13800138000"));
        assert_ne!(i, k.blind_index(ContactKind::Email, "13800138000"));
        let e = k.blind_index(ContactKind::Email, "Li.Lei@Example.CN ");
        assert_eq!(e, k.blind_index(ContactKind::Email, "li.lei@example.cn"));
        // Stable across runs: the index is stored, so its derivation must never drift.
        assert_eq!(
            hex::encode(keys(0).blind_index(ContactKind::Email, "a@b.cn")),
            hex::encode(hmac(&hmac(&[0; 32], &[INDEX_LABEL]), &[b"email", b"\0", b"a@b.cn"]))
        );
    }

    #[test]
    fn subject_pseudonyms_are_keyed_and_per_registration() {
        let k = keys(1);
        assert_eq!(k.subject_key("u1"), k.subject_key("u1"));
        assert_ne!(k.subject_key("u1"), k.subject_key("u2"));
        assert_ne!(k.subject_key("u1"), keys(2).subject_key("u1"));
        let a = k.subject_pseudonym("u1", 7, &[1; 16]);
        assert!(a.starts_with("p_00000007") && a.len() == 26 && !a.contains("u1"), "{a}");
        assert_ne!(a, k.subject_pseudonym("u1", 7, &[2; 16]));
        assert_eq!(SubjectKey::from_hex(&k.subject_key("u1").to_hex()), Some(k.subject_key("u1")));
        // The chain MAC depends on the key: without it a record cannot be re-linked.
        assert_ne!(k.chain_mac("0", "x"), keys(2).chain_mac("0", "x"));
        assert_ne!(k.head_mac("audit", 1, "h"), k.head_mac("audit", 2, "h"));
    }

    #[test]
    fn visitor_pseudonyms_are_keyed_and_never_a_registration_s() {
        let k = keys(1);
        let v = k.visitor_pseudonym("0123456789abcdef0123456789abcdef");
        assert!(v.starts_with("v_") && v.len() == 26 && !v.contains("0123456789abcdef"), "{v}");
        assert_eq!(v, k.visitor_pseudonym("0123456789abcdef0123456789abcdef"));
        assert_ne!(v, keys(2).visitor_pseudonym("0123456789abcdef0123456789abcdef"));
        assert_ne!(v[2..], k.subject_pseudonym("0123456789abcdef0123456789abcdef", 0, &[0; 16])[2..]);
    }

    #[test]
    fn debug_hides_keys() {
        let k = keys(0xab);
        let s = format!("{k:?}");
        assert!(!s.contains("171") && !s.to_lowercase().contains("ab, ab"));
        assert_eq!(s, "Keys(<redacted>)");
    }

    #[test]
    fn key_file_created_once_with_owner_only_mode() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("data");
        let a = Keys::load_or_create_with(&sub, None).unwrap();
        let b = Keys::load_or_create_with(&sub, None).unwrap();
        assert_eq!(a.blind_index(ContactKind::Email, "x@y.cn"), b.blind_index(ContactKind::Email, "x@y.cn"));
        let path = sub.join(MASTER_KEY_FILE);
        assert_eq!(std::fs::read(&path).unwrap().len(), 32);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }

    #[test]
    fn env_key_wins_and_is_checked() {
        let dir = tempfile::tempdir().unwrap();
        let b64 = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
        let k = Keys::load_or_create_with(dir.path(), Some(&b64)).unwrap();
        assert_eq!(k.blind_index(ContactKind::Email, "x@y.cn"), keys(7).blind_index(ContactKind::Email, "x@y.cn"));
        assert!(!dir.path().join(MASTER_KEY_FILE).exists());
        assert!(Keys::load_or_create_with(dir.path(), Some("not base64!")).is_err());
        let short = base64::engine::general_purpose::STANDARD.encode([7u8; 16]);
        assert!(Keys::load_or_create_with(dir.path(), Some(&short)).is_err());
    }

    #[test]
    fn bad_key_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(MASTER_KEY_FILE), b"short").unwrap();
        assert!(Keys::load_or_create_with(dir.path(), None).is_err());
    }
}

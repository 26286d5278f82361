//! Sign-in to the privacy centre by a one-time code (`portal_codes`): what the server asks
//! the store to keep and what a try of a code finds. The store never sees a contact point
//! or a code in clear: the contact point by its blind index, the client address, the code
//! and the browser's challenge by keyed hashes the server computes.

use crate::crypto::SubjectKey;

/// A code asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPortalCode {
    /// The keyed hash of the challenge the browser holds (names the row).
    pub challenge_hash: [u8; 32],
    /// The blind index of the contact point typed (registered or not).
    pub contact_index: [u8; 32],
    /// The keyed hash of the client's address.
    pub client_hash: [u8; 32],
    /// The subject signing in and the keyed hash of the code sent; `None` for a contact
    /// point that is not registered (the row then only counts towards the limits).
    pub code: Option<(SubjectKey, [u8; 32])>,
    pub created_ms: i64,
    pub expires_ms: i64,
}

/// How many codes may be asked for in a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeLimits {
    /// The window, in ms.
    pub window_ms: i64,
    /// Codes per contact point in the window.
    pub per_contact: i64,
    /// Codes per client address in the window.
    pub per_client: i64,
}

/// What asking for a code did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeIssued {
    /// Kept (and, for a registered contact point, its message queued).
    Kept,
    /// Over a limit: nothing kept, nothing sent.
    Limited,
}

/// What a try of a code found. Every try of a kept code counts, right or wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeCheck {
    /// Right: the code is used up and the subject signs in.
    SignedIn(SubjectKey),
    /// Wrong; `left` tries remain.
    Wrong { left: u32 },
    /// No try remains: the code no longer signs in, even when right.
    Locked,
    /// Too late.
    Expired,
    /// No such code, or already used.
    Unknown,
}

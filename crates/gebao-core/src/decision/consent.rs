//! What a consent record is about, and whether it grants or withdraws.

use crate::ids::{PurposeId, RecipientId};
use crate::manifest::CookieCategory;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The object of a consent: a purpose, a separate consent (PIPL 29, 23, 25, 39), a
/// recipient, a cookie category, or personalisation (PIPL 24).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ConsentScope {
    /// Consent to a consent-based purpose.
    Purpose { purpose: PurposeId },
    /// A separate consent (单独同意) for sensitive PI used by a purpose (PIPL 29).
    Sensitive { purpose: PurposeId },
    /// A separate consent to provide PI to a recipient (PIPL 23), to send it abroad (PIPL 39)
    /// or to disclose it publicly (PIPL 25).
    Recipient { recipient: RecipientId, separate: SeparateKind },
    /// Consent to a category of non-essential cookies.
    Cookie { category: CookieCategory },
    /// Personalisation based on personal characteristics (PIPL 24): withdrawing opts out.
    Personalisation,
}

/// Which separate consent a recipient needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SeparateKind {
    /// Provided to another processor (PIPL 23).
    Provision,
    /// Sent outside mainland China (PIPL 39).
    CrossBorder,
    /// Disclosed publicly (PIPL 25).
    PublicDisclosure,
}

impl fmt::Display for ConsentScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConsentScope::Purpose { purpose } => write!(f, "purpose:{purpose}"),
            ConsentScope::Sensitive { purpose } => write!(f, "sensitive:{purpose}"),
            ConsentScope::Recipient { recipient, separate } => {
                let k = match separate {
                    SeparateKind::Provision => "provision",
                    SeparateKind::CrossBorder => "cross-border",
                    SeparateKind::PublicDisclosure => "public-disclosure",
                };
                write!(f, "recipient:{recipient}:{k}")
            }
            ConsentScope::Cookie { category } => write!(f, "cookie:{}", category.as_str()),
            ConsentScope::Personalisation => f.write_str("personalisation"),
        }
    }
}

/// Grant or withdraw (PIPL 15: withdrawing is as easy as granting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConsentAction {
    Grant,
    Withdraw,
}

/// One entry of the consent ledger, as the engine needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRecord {
    pub scope: ConsentScope,
    pub action: ConsentAction,
    /// The policy version the user saw.
    pub policy_version: u32,
    /// Unix time in milliseconds.
    pub at_ms: i64,
    /// Given by the subject's guardian (PIPL 31).
    pub by_guardian: bool,
}

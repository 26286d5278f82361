//! `[[cookies]]` and `[tracking]`: cookies and similar technologies, Do-Not-Track and GPC.

use crate::duration::Duration;
use crate::text::Text;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cookie {
    pub name: String,
    #[serde(default)]
    pub name_en: Option<String>,
    pub category: CookieCategory,
    /// Who sets it: "first-party" or the third party's name (COO-01).
    #[serde(default)]
    pub provider: Option<String>,
    #[serde(default)]
    pub purpose: Option<String>,
    #[serde(default)]
    pub purpose_en: Option<String>,
    /// How long it lives; leave out for a session cookie (COO-01).
    #[serde(default)]
    pub lifetime: Option<Duration>,
    /// A session cookie, deleted when the browser closes.
    #[serde(default)]
    pub session: bool,
    /// Set before the user consents (COO-02 forbids it for non-essential cookies).
    #[serde(default)]
    pub set_before_consent: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CookieCategory {
    StrictlyNecessary,
    Functional,
    Analytics,
    Advertising,
}

impl CookieCategory {
    pub const ALL: [CookieCategory; 4] = [
        CookieCategory::StrictlyNecessary,
        CookieCategory::Functional,
        CookieCategory::Analytics,
        CookieCategory::Advertising,
    ];

    pub fn is_essential(self) -> bool {
        self == CookieCategory::StrictlyNecessary
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CookieCategory::StrictlyNecessary => "strictly-necessary",
            CookieCategory::Functional => "functional",
            CookieCategory::Analytics => "analytics",
            CookieCategory::Advertising => "advertising",
        }
    }

    pub fn label(self) -> Text {
        match self {
            CookieCategory::StrictlyNecessary => Text::new("必要类", "strictly necessary"),
            CookieCategory::Functional => Text::new("功能类", "functional"),
            CookieCategory::Analytics => Text::new("分析类", "analytics"),
            CookieCategory::Advertising => Text::new("广告类", "advertising"),
        }
    }
}

/// `[tracking]`: browser privacy signals (COO-03).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tracking {
    /// What happens with a Do-Not-Track signal.
    #[serde(default)]
    pub do_not_track: Option<SignalHandling>,
    /// What happens with a Global Privacy Control signal.
    #[serde(default)]
    pub gpc: Option<SignalHandling>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SignalHandling {
    /// Non-essential cookies and tracking are off for that browser.
    Honoured,
    Ignored,
}

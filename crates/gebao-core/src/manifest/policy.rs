//! `[policy]`, `[changes]` and `[termination]`: the policy document's metadata, how it
//! changes and what happens when the service ends.

use crate::duration::Duration;
use crate::text::Lang;
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `[policy]`: the published document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Title of the policy; defaults to 《{product}个人信息保护政策》.
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub title_en: Option<String>,
    /// What the policy covers: the products, sites, clients and SDKs, as the policy says it,
    /// e.g. "聊聊App、PC客户端、聊聊网站及开放平台SDK/API". Rendered as "本政策适用于{scope}".
    #[serde(default)]
    pub scope: Option<String>,
    #[serde(default)]
    pub scope_en: Option<String>,
    /// The version label, e.g. "V3.2" or "2024-05".
    #[serde(default)]
    pub version: Option<String>,
    /// Date of publication (更新日期).
    #[serde(default, with = "crate::manifest::date::opt")]
    #[schemars(with = "Option<String>")]
    pub published: Option<NaiveDate>,
    /// Date the version takes effect (生效日期); not before `published` (NOT-05).
    #[serde(default, with = "crate::manifest::date::opt")]
    #[schemars(with = "Option<String>")]
    pub effective: Option<NaiveDate>,
    /// Languages the policy is published in; zh-CN is required (NOT-12).
    #[serde(default = "default_languages")]
    pub languages: Vec<Lang>,
    /// Whether the app serves users who do not read Chinese (NOT-11).
    #[serde(default)]
    pub serves_non_chinese_users: bool,
    /// Where the current policy is published.
    #[serde(default)]
    pub url: Option<String>,
    /// Where it is shown in the app (NOT-12).
    #[serde(default)]
    pub display: Display,
}

fn default_languages() -> Vec<Lang> {
    vec![Lang::ZhCn]
}

/// `[policy.display]`: how users meet the policy in the app (APP19 一.2–一.4).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Display {
    /// The policy is shown in a pop-up on first run, before any PI is collected.
    #[serde(default)]
    pub first_run_popup: bool,
    /// How many taps it takes to reach the policy from the main screen (at most 4).
    #[serde(default)]
    pub taps_from_home: Option<u32>,
    /// Where in the app the policy can be found, e.g. "我的-设置-关于-隐私政策".
    #[serde(default)]
    pub places: Vec<String>,
    /// `places` in English, item for item.
    #[serde(default)]
    pub places_en: Vec<String>,
}

/// How users are told about something (a change, an incident, the end of service).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum NoticeChannel {
    PopUp,
    Push,
    InApp,
    Sms,
    Email,
    Announcement,
    Website,
    Phone,
    Letter,
}

impl NoticeChannel {
    pub fn label(self) -> crate::text::Text {
        use crate::text::Text as B;
        match self {
            NoticeChannel::PopUp => B::new("弹窗", "a pop-up window"),
            NoticeChannel::Push => B::new("推送通知", "push notifications"),
            NoticeChannel::InApp => B::new("站内信", "in-app messages"),
            NoticeChannel::Sms => B::new("短信", "text messages"),
            NoticeChannel::Email => B::new("电子邮件", "email"),
            NoticeChannel::Announcement => B::new("公告", "public announcements"),
            NoticeChannel::Website => B::new("官方网站", "our website"),
            NoticeChannel::Phone => B::new("电话", "telephone"),
            NoticeChannel::Letter => B::new("信函", "letters"),
        }
    }
}

/// `[changes]`: how the policy is updated (CHG-01..03).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Changes {
    /// How users are told of a major change.
    #[serde(default)]
    pub notify: Vec<NoticeChannel>,
    /// Consent-based purposes ask again after a major change (CHG-01). gebao enforces this.
    #[serde(default = "yes")]
    pub reconsent_on_major: bool,
    /// PI is used for a purpose, or collected beyond the kinds, that the policy does not state
    /// only after users are told and consent again (APP19 三.4; "将重新征得你的明示同意").
    /// The decision engine holds a new consent-based purpose to a consent of its own anyway;
    /// this is the promise the policy makes of it.
    #[serde(default)]
    pub new_use_consent: bool,
    /// The policy claims that continuing to use the service means accepting a change
    /// (invalid for consent-based processing, PIPL 14; CHG-01).
    #[serde(default)]
    pub accepted_by_continued_use: bool,
    /// Where earlier versions can be read (CHG-03).
    #[serde(default)]
    pub archive: Option<String>,
    #[serde(default)]
    pub archive_en: Option<String>,
    /// How a merger, split or bankruptcy is handled (SHR-06).
    #[serde(default)]
    pub ownership_transfer: Option<OwnershipTransfer>,
}

fn yes() -> bool {
    true
}

impl Default for Changes {
    /// Without a `[changes]` table, consent is still asked again after a major change.
    fn default() -> Self {
        Changes {
            notify: Vec::new(),
            reconsent_on_major: true,
            new_use_consent: false,
            accepted_by_continued_use: false,
            archive: None,
            archive_en: None,
            ownership_transfer: None,
        }
    }
}

/// PIPL 22: what happens to PI on a merger, split, dissolution or bankruptcy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnershipTransfer {
    /// Users are told before their PI is transferred ("我们将在转移前通知你").
    #[serde(default)]
    pub notify_before: bool,
    /// Users are told the new recipient's name and contact.
    pub notify_recipient: bool,
    /// The recipient asks for consent again if it changes the purpose or method.
    pub reconsent_on_purpose_change: bool,
}

/// `[termination]`: stopping the service (TRM-01/02).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Termination {
    /// Notice given before the service stops, e.g. "30 days".
    #[serde(default)]
    pub notice: Option<Duration>,
    /// How users are told.
    #[serde(default)]
    pub notify: Vec<NoticeChannel>,
    /// Collection stops when the service ends (`gebao terminate`: decisions deny
    /// `service-ended` from the end day on).
    #[serde(default)]
    pub stop_collection: bool,
    /// What is done with the PI afterwards.
    #[serde(default)]
    pub then: Option<Disposal>,
}

/// What happens to PI at the end of its retention or of the service (PIPL 47, 73).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Disposal {
    /// 删除.
    Delete,
    /// 匿名化: cannot identify anyone and cannot be restored.
    Anonymise,
    /// 去标识化: not enough, PIPL 73 (RET-04).
    DeIdentify,
}

impl Disposal {
    pub fn label(self) -> crate::text::Text {
        use crate::text::Text as B;
        match self {
            Disposal::Delete => B::new("删除", "deleted"),
            Disposal::Anonymise => B::new("匿名化处理", "anonymised"),
            Disposal::DeIdentify => B::new("去标识化处理", "de-identified"),
        }
    }
}

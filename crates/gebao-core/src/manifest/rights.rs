//! `[rights]`: the rights users have, how they exercise them and how fast the operator
//! answers (PIPL 44–50; `pipl-rules.md` part E).

use crate::duration::Duration;
use crate::text::Text;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The kinds of rights request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RightKind {
    Access,
    Copy,
    Portability,
    Correction,
    Deletion,
    Restriction,
    Withdrawal,
    Cancellation,
    Explanation,
    Complaint,
}

impl RightKind {
    pub const ALL: [RightKind; 10] = [
        RightKind::Access,
        RightKind::Copy,
        RightKind::Portability,
        RightKind::Correction,
        RightKind::Deletion,
        RightKind::Restriction,
        RightKind::Withdrawal,
        RightKind::Cancellation,
        RightKind::Explanation,
        RightKind::Complaint,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RightKind::Access => "access",
            RightKind::Copy => "copy",
            RightKind::Portability => "portability",
            RightKind::Correction => "correction",
            RightKind::Deletion => "deletion",
            RightKind::Restriction => "restriction",
            RightKind::Withdrawal => "withdrawal",
            RightKind::Cancellation => "cancellation",
            RightKind::Explanation => "explanation",
            RightKind::Complaint => "complaint",
        }
    }

    pub fn label(self) -> Text {
        match self {
            RightKind::Access => Text::new("查阅", "access"),
            RightKind::Copy => Text::new("复制", "copy"),
            RightKind::Portability => Text::new("转移", "portability"),
            RightKind::Correction => Text::new("更正、补充", "correction and supplement"),
            RightKind::Deletion => Text::new("删除", "deletion"),
            RightKind::Restriction => Text::new("限制、拒绝处理", "restriction of processing"),
            RightKind::Withdrawal => Text::new("撤回同意", "withdrawal of consent"),
            RightKind::Cancellation => Text::new("注销账号", "account cancellation"),
            RightKind::Explanation => Text::new("要求解释说明", "explanation"),
            RightKind::Complaint => Text::new("投诉举报", "complaints"),
        }
    }

    /// Requests the APP19 15-working-day ceiling applies to when handled by hand (RGT-02).
    pub fn has_fifteen_working_day_ceiling(self) -> bool {
        matches!(self, RightKind::Correction | RightKind::Deletion | RightKind::Cancellation | RightKind::Complaint)
    }
}

/// `[rights]`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rights {
    /// The channel used for a right that names none, e.g. "我的-设置-隐私".
    #[serde(default)]
    pub channel: Option<String>,
    #[serde(default)]
    pub channel_en: Option<String>,
    /// The deadline used for a right that names none.
    #[serde(default)]
    pub deadline: Option<Duration>,
    /// Where a deadline's clock starts: `receipt` of the request (the default, as PIPL 50
    /// and APP19 count it) or the end of identity `verification`.
    #[serde(default)]
    pub deadline_from: DeadlineStart,
    /// A calendar-day deadline that ends on a non-working day moves to the next working day.
    #[serde(default)]
    pub calendar_deadline_moves_to_working_day: bool,
    /// Repeated requests beyond a reasonable number (RGT-06).
    #[serde(default)]
    pub repeat: Option<RepeatLimit>,
    #[serde(default)]
    pub access: Option<Right>,
    #[serde(default)]
    pub copy: Option<Right>,
    #[serde(default)]
    pub portability: Option<Right>,
    #[serde(default)]
    pub correction: Option<Right>,
    #[serde(default)]
    pub deletion: Option<Right>,
    #[serde(default)]
    pub restriction: Option<Right>,
    #[serde(default)]
    pub withdrawal: Option<Right>,
    #[serde(default)]
    pub cancellation: Option<Right>,
    #[serde(default)]
    pub explanation: Option<Right>,
    #[serde(default)]
    pub complaint: Option<Right>,
    /// Close relatives of a deceased user (PIPL 49, RGT-07).
    #[serde(default)]
    pub deceased: Option<DeceasedRights>,
}

impl Rights {
    pub fn get(&self, kind: RightKind) -> Option<&Right> {
        match kind {
            RightKind::Access => self.access.as_ref(),
            RightKind::Copy => self.copy.as_ref(),
            RightKind::Portability => self.portability.as_ref(),
            RightKind::Correction => self.correction.as_ref(),
            RightKind::Deletion => self.deletion.as_ref(),
            RightKind::Restriction => self.restriction.as_ref(),
            RightKind::Withdrawal => self.withdrawal.as_ref(),
            RightKind::Cancellation => self.cancellation.as_ref(),
            RightKind::Explanation => self.explanation.as_ref(),
            RightKind::Complaint => self.complaint.as_ref(),
        }
    }

    /// The rights offered, in the fixed order of [`RightKind::ALL`].
    pub fn offered(&self) -> impl Iterator<Item = (RightKind, &Right)> {
        RightKind::ALL.into_iter().filter_map(|k| self.get(k).filter(|r| r.offered).map(|r| (k, r)))
    }

    /// The channel for a right: its own, else the default.
    pub fn channel_of<'a>(&'a self, right: &'a Right) -> Option<&'a str> {
        right.channel.as_deref().or(self.channel.as_deref())
    }

    /// The English channel for a right: the right's own channel (English, else Chinese)
    /// comes before the default, so that a specific path is never replaced by a general one.
    pub fn channel_en_of<'a>(&'a self, right: &'a Right) -> Option<&'a str> {
        match right.channel.as_deref() {
            Some(zh) => Some(right.channel_en.as_deref().unwrap_or(zh)),
            None => self.channel_en.as_deref().or(self.channel.as_deref()),
        }
    }

    /// The deadline for a right: its own, else the default.
    pub fn deadline_of(&self, right: &Right) -> Option<Duration> {
        right.deadline.or(self.deadline)
    }

    /// Where a right's deadline starts: its own statement, else the default.
    pub fn deadline_from_of(&self, right: &Right) -> DeadlineStart {
        right.deadline_from.unwrap_or(self.deadline_from)
    }
}

/// One right.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Right {
    /// Set to false to state explicitly that the right is not offered (RGT-01 reports it).
    #[serde(default = "yes")]
    pub offered: bool,
    /// Where users exercise it, e.g. "我的-设置-账号与安全-注销账号".
    #[serde(default)]
    pub channel: Option<String>,
    #[serde(default)]
    pub channel_en: Option<String>,
    /// The response deadline, e.g. "15 working days".
    #[serde(default)]
    pub deadline: Option<Duration>,
    /// Where the deadline's clock starts, if not where `[rights]` says.
    #[serde(default)]
    pub deadline_from: Option<DeadlineStart>,
    /// Done by the user in the app at once, or handled by staff.
    #[serde(default)]
    pub handling: Handling,
    /// Anything else the policy says about it.
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub note_en: Option<String>,
    /// Cancellation: conditions the user must meet (RGT-04).
    #[serde(default)]
    pub conditions: Vec<String>,
    /// `conditions` in English, item for item.
    #[serde(default)]
    pub conditions_en: Vec<String>,
    /// Cancellation: blockers the operator checks first, e.g. an unexpired paid plan.
    #[serde(default)]
    pub blockers: Vec<Blocker>,
    /// Cancellation: asks for more PI than registration did (RGT-04 forbids it).
    #[serde(default)]
    pub extra_pi_required: bool,
    /// Cancellation: PI is deleted or anonymised within this time (RGT-05).
    #[serde(default)]
    pub erase_within: Option<Duration>,
    /// Portability: the conditions (RGT-08).
    #[serde(default)]
    pub portability_conditions: Vec<String>,
    /// `portability_conditions` in English, item for item.
    #[serde(default)]
    pub portability_conditions_en: Vec<String>,
}

fn yes() -> bool {
    true
}

/// Where a reply deadline's clock starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DeadlineStart {
    /// When the request is received (收到请求后): PIPL 50 and APP19 六 count from here.
    #[default]
    Receipt,
    /// When the requester's identity has been verified (验证身份后).
    Verification,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Handling {
    SelfService,
    #[default]
    ByHand,
}

/// Something that blocks account cancellation until resolved (seed 002's paid plan).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Blocker {
    pub id: String,
    pub description: String,
    #[serde(default)]
    pub description_en: Option<String>,
}

/// Repeated requests (RGT-06).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RepeatLimit {
    /// Requests of one kind free of charge per period.
    pub free: u32,
    pub per: Duration,
    pub then: RepeatAction,
    /// What is charged: `cost` (the cost of handling) or another basis.
    #[serde(default)]
    pub fee: Option<FeeBasis>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RepeatAction {
    Charge,
    Refuse,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FeeBasis {
    Cost,
    Other,
}

/// PIPL 49.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeceasedRights {
    /// Close relatives may access, copy, correct and delete for their own legitimate interest.
    pub relatives: bool,
    #[serde(default)]
    pub channel: Option<String>,
    #[serde(default)]
    pub channel_en: Option<String>,
}

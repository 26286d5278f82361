//! The grounds on which a rights request may be refused or limited (`pipl-rules.md` part E).
//! Every refusal states its reason and the user's remedy: a complaint to the authorities
//! (PIPL 65) and a lawsuit (PIPL 50).

use super::RequestKind;
use crate::text::Text;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

macro_rules! remedy_zh {
    () => {
        "如有异议，您可以向网信部门等履行个人信息保护职责的部门投诉、举报（《个人信息保护法》第六十五条）；个人信息处理者拒绝您行使权利的请求的，您可以依法向人民法院提起诉讼（《个人信息保护法》第五十条）。"
    };
}
macro_rules! remedy_en {
    () => {
        "If you disagree, you may complain to the Cyberspace Administration or another authority responsible for personal-information protection (PIPL art. 65); where a request to exercise your rights is refused, you may sue in a people's court (PIPL art. 50)."
    };
}

/// Both remedies, always open to a user whose request is refused (PIPL 50, 65).
pub const REMEDY: Text = Text::new(remedy_zh!(), remedy_en!());

/// Why a request is refused or limited. The codes are part E's and appear in the API and the
/// audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RefusalReason {
    /// 35273 8.7: the requester's identity could not be verified.
    IdentityUnverified,
    /// 35273 8.7; NDSMR 25 (4): answering would disclose another person's PI or harm their
    /// rights.
    OtherPersonData,
    /// PIPL 47: a legal retention period has not passed; the data is kept under legal hold
    /// (storage and necessary security measures only).
    LegalRetention,
    /// PIPL 44, 45 (with 18 and 35); 35273 8.7: national security, public safety or health,
    /// criminal investigation, prosecution, trial or enforcement, as the law provides.
    StateSecretOrInvestigation,
    /// 35273 8.7; NDSMR 25: repeated beyond the stated number (RGT-06): charged or refused
    /// with reasons.
    ManifestlyUnfoundedOrExcessive,
    /// NDSMR 25 (3): the transfer is not technically feasible. Portability only.
    NotTechnicallyFeasible,
}

impl RefusalReason {
    pub const ALL: [RefusalReason; 6] = [
        RefusalReason::IdentityUnverified,
        RefusalReason::OtherPersonData,
        RefusalReason::LegalRetention,
        RefusalReason::StateSecretOrInvestigation,
        RefusalReason::ManifestlyUnfoundedOrExcessive,
        RefusalReason::NotTechnicallyFeasible,
    ];

    /// The reason code, e.g. `identity-unverified`.
    pub fn as_str(self) -> &'static str {
        match self {
            RefusalReason::IdentityUnverified => "identity-unverified",
            RefusalReason::OtherPersonData => "other-person-data",
            RefusalReason::LegalRetention => "legal-retention",
            RefusalReason::StateSecretOrInvestigation => "state-secret-or-investigation",
            RefusalReason::ManifestlyUnfoundedOrExcessive => "manifestly-unfounded-or-excessive",
            RefusalReason::NotTechnicallyFeasible => "not-technically-feasible",
        }
    }

    /// The articles the ground rests on, in the short names of `pipl-rules.md`.
    pub fn source(self) -> &'static str {
        match self {
            RefusalReason::IdentityUnverified => "35273 8.7",
            RefusalReason::OtherPersonData => "35273 8.7; NDSMR 25",
            RefusalReason::LegalRetention => "PIPL 47",
            RefusalReason::StateSecretOrInvestigation => "PIPL 44, 45; 35273 8.7",
            RefusalReason::ManifestlyUnfoundedOrExcessive => "35273 8.7; NDSMR 25",
            RefusalReason::NotTechnicallyFeasible => "NDSMR 25",
        }
    }

    /// Whether this ground may be given for a request of `kind`: `not-technically-feasible`
    /// only for portability (NDSMR 25 (3)); the rest for any kind.
    pub fn allowed_for(self, kind: RequestKind) -> bool {
        match self {
            RefusalReason::NotTechnicallyFeasible => kind == RequestKind::Portability,
            _ => true,
        }
    }

    /// A short name.
    pub fn label(self) -> Text {
        match self {
            RefusalReason::IdentityUnverified => Text::new("无法核验身份", "identity not verified"),
            RefusalReason::OtherPersonData => Text::new("涉及他人个人信息", "another person's personal information"),
            RefusalReason::LegalRetention => Text::new("法定保存期限未届满", "legal retention period"),
            RefusalReason::StateSecretOrInvestigation => Text::new(
                "涉及国家安全、刑事侦查等法定情形",
                "national security, criminal investigation or a similar legal ground",
            ),
            RefusalReason::ManifestlyUnfoundedOrExcessive => {
                Text::new("请求明显超出合理范围", "manifestly unfounded or excessive")
            }
            RefusalReason::NotTechnicallyFeasible => {
                Text::new("转移在技术上不可行", "transfer not technically feasible")
            }
        }
    }

    /// What the user is told about why their request is refused or limited.
    pub fn explanation(self) -> Text {
        match self {
            RefusalReason::IdentityUnverified => Text::new(
                "我们无法确认该请求由您本人提出。为防止他人冒用您的身份查看或更改您的个人信息，我们暂不处理该请求（GB/T 35273—2020 第8.7条）。",
                "We could not verify that the request comes from you. To keep others from seeing or changing your personal information in your name, we do not act on it (GB/T 35273-2020, 8.7).",
            ),
            RefusalReason::OtherPersonData => Text::new(
                "满足该请求将披露他人的个人信息或损害他人的合法权益，因此我们不能提供涉及他人的部分（GB/T 35273—2020 第8.7条；《网络数据安全管理条例》第二十五条）。",
                "Meeting the request would disclose another person's personal information or harm their rights, so we cannot provide the part that concerns them (GB/T 35273-2020, 8.7; Network Data Security Management Regulations, art. 25).",
            ),
            RefusalReason::LegalRetention => Text::new(
                "法律、行政法规规定的保存期限尚未届满，相关个人信息暂不能删除。在此期间我们仅对其进行存储并采取必要的安全保护措施，停止其他一切处理（《个人信息保护法》第四十七条）。",
                "A retention period set by law has not ended, so the information cannot be deleted yet. Until then we only store it, with the necessary security measures, and stop all other processing (PIPL art. 47).",
            ),
            RefusalReason::StateSecretOrInvestigation => Text::new(
                "该请求与国家安全、公共安全、公共卫生或刑事侦查、起诉、审判和判决执行等直接相关，依照法律、行政法规的规定不能满足（《个人信息保护法》第四十四条、第四十五条；GB/T 35273—2020 第8.7条）。",
                "The request bears directly on national security, public safety or health, or a criminal investigation, prosecution, trial or enforcement of a judgment, and laws or administrative regulations do not allow meeting it (PIPL arts. 44, 45; GB/T 35273-2020, 8.7).",
            ),
            RefusalReason::ManifestlyUnfoundedOrExcessive => Text::new(
                "您在同一期间内提出同类请求的次数明显超出我们在个人信息保护政策中说明的合理范围（GB/T 35273—2020 第8.7条；《网络数据安全管理条例》第二十五条）。",
                "You have made this kind of request more often in the period than the reasonable number stated in our privacy policy (GB/T 35273-2020, 8.7; Network Data Security Management Regulations, art. 25).",
            ),
            RefusalReason::NotTechnicallyFeasible => Text::new(
                "将您的个人信息转移至您指定的个人信息处理者在技术上不可行（《网络数据安全管理条例》第二十五条）。",
                "Transferring your personal information to the processor you named is not technically feasible (Network Data Security Management Regulations, art. 25).",
            ),
        }
    }

    /// What the user can do: the step this ground leaves open, then [`REMEDY`].
    pub fn remedy(self) -> Text {
        match self {
            RefusalReason::IdentityUnverified => Text::new(
                concat!("您可以重新提交请求并完成身份验证。", remedy_zh!()),
                concat!("You may submit the request again and complete the identity check. ", remedy_en!()),
            ),
            RefusalReason::OtherPersonData => Text::new(
                concat!("您可以就仅涉及您本人的个人信息重新提出请求。", remedy_zh!()),
                concat!("You may ask again for the information that concerns only you. ", remedy_en!()),
            ),
            RefusalReason::LegalRetention => Text::new(
                concat!("保存期限届满后，相关个人信息将被删除，您无需再次申请。", remedy_zh!()),
                concat!("Once the period ends the information is deleted without a new request. ", remedy_en!()),
            ),
            RefusalReason::StateSecretOrInvestigation => Text::new(remedy_zh!(), remedy_en!()),
            RefusalReason::ManifestlyUnfoundedOrExcessive => Text::new(
                concat!("您可以在下一期间内免费提出同类请求。", remedy_zh!()),
                concat!("You may make the same request free of charge in the next period. ", remedy_en!()),
            ),
            RefusalReason::NotTechnicallyFeasible => Text::new(
                concat!(
                    "您可以改为请求复制您的个人信息（《个人信息保护法》第四十五条），再自行提供给其他处理者。",
                    remedy_zh!()
                ),
                concat!(
                    "You may ask for a copy of your personal information instead (PIPL art. 45) and pass it on yourself. ",
                    remedy_en!()
                ),
            ),
        }
    }
}

impl std::fmt::Display for RefusalReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for RefusalReason {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RefusalReason::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| UnknownCode(s.to_owned()))
    }
}

/// A reason or state code that gebao does not know (read back from storage or an API call).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("未知的代码 `{0}` / unknown code `{0}`")]
pub struct UnknownCode(pub String);

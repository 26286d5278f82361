//! The personal-information taxonomy of `pipl-rules.md` part A (GB/T 35273 appendix A/B,
//! GB/T 45574 appendix A). Every manifest field names one category; the two sensitivity
//! flags derive from it unless the manifest overrides them with a reason.

use crate::text::{Lang, Text};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A category of personal information.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// 个人基本资料: name, gender, nickname, birthday, address, email.
    Basic,
    /// 个人电话号码.
    Phone,
    /// 个人身份信息: ID card, passport, driving licence, social-security number.
    IdentityDocument,
    /// 生物识别信息: face, fingerprint, voiceprint, iris, gait.
    Biometric,
    /// 网络身份标识信息: account, user id, IP address.
    NetworkIdentity,
    /// 口令: passwords, security answers, personal digital certificates.
    Credentials,
    /// 个人健康生理信息.
    Health,
    /// 个人教育工作信息.
    EducationWork,
    /// 金融账户信息: bank accounts and card numbers, payment accounts, securities and fund
    /// accounts. PIPL 28 names 金融账户 as sensitive.
    FinancialAccount,
    /// 交易和消费记录 and the rest of 个人财产信息: orders, payment records (time, amount,
    /// channel), balances, credit records, virtual assets, property details. Sensitive under
    /// GB/T 35273 appendix B, a recommended standard, and not under PIPL 28.
    TransactionRecords,
    /// 个人通信信息: message content, call logs, mail.
    Communication,
    /// 联系人信息: address book, friend list, group list.
    Contacts,
    /// 个人上网记录: browsing, search history, clicks, logs.
    UsageRecords,
    /// 个人常用设备信息: IMEI, Android ID, IDFA, OAID, MAC, model, OS.
    Device,
    /// 个人位置信息: precise location, whereabouts, trajectory.
    Location,
    /// 特定身份: disability, religion, political views, sexual orientation, criminal records.
    SpecificIdentity,
    /// 不满十四周岁未成年人个人信息.
    Minor,
    /// 其他: social relationships, family.
    Other,
}

impl Category {
    pub const ALL: [Category; 18] = [
        Category::Basic,
        Category::Phone,
        Category::IdentityDocument,
        Category::Biometric,
        Category::NetworkIdentity,
        Category::Credentials,
        Category::Health,
        Category::EducationWork,
        Category::FinancialAccount,
        Category::TransactionRecords,
        Category::Communication,
        Category::Contacts,
        Category::UsageRecords,
        Category::Device,
        Category::Location,
        Category::SpecificIdentity,
        Category::Minor,
        Category::Other,
    ];

    /// The id used in manifests (`identity-document`).
    pub fn id(self) -> &'static str {
        match self {
            Category::Basic => "basic",
            Category::Phone => "phone",
            Category::IdentityDocument => "identity-document",
            Category::Biometric => "biometric",
            Category::NetworkIdentity => "network-identity",
            Category::Credentials => "credentials",
            Category::Health => "health",
            Category::EducationWork => "education-work",
            Category::FinancialAccount => "financial-account",
            Category::TransactionRecords => "transaction-records",
            Category::Communication => "communication",
            Category::Contacts => "contacts",
            Category::UsageRecords => "usage-records",
            Category::Device => "device",
            Category::Location => "location",
            Category::SpecificIdentity => "specific-identity",
            Category::Minor => "minor",
            Category::Other => "other",
        }
    }

    pub fn label(self) -> Text {
        match self {
            Category::Basic => Text::new("个人基本资料", "Basic personal data"),
            Category::Phone => Text::new("个人电话号码", "Telephone number"),
            Category::IdentityDocument => Text::new("个人身份信息", "Identity documents"),
            Category::Biometric => Text::new("生物识别信息", "Biometric information"),
            Category::NetworkIdentity => Text::new("网络身份标识信息", "Network identifiers"),
            Category::Credentials => Text::new("个人口令及凭证", "Passwords and credentials"),
            Category::Health => Text::new("个人健康生理信息", "Health and physiological information"),
            Category::EducationWork => Text::new("个人教育工作信息", "Education and work information"),
            Category::FinancialAccount => Text::new("金融账户信息", "Financial accounts"),
            Category::TransactionRecords => {
                Text::new("交易、消费记录及其他财产信息", "Transaction, consumption and other property records")
            }
            Category::Communication => Text::new("个人通信信息", "Communication content"),
            Category::Contacts => Text::new("联系人信息", "Contacts"),
            Category::UsageRecords => Text::new("个人上网记录", "Online activity records"),
            Category::Device => Text::new("个人常用设备信息", "Device information"),
            Category::Location => Text::new("个人位置信息", "Location information"),
            Category::SpecificIdentity => Text::new("特定身份信息", "Specific identities"),
            Category::Minor => Text::new("不满十四周岁未成年人的个人信息", "Personal information of children under 14"),
            Category::Other => Text::new("其他个人信息", "Other personal information"),
        }
    }

    pub fn name(self, lang: Lang) -> &'static str {
        self.label().get(lang)
    }

    /// PIPL art. 28 sensitive personal information (needs separate consent, a necessity
    /// statement and a PIA). Coarse (city-level) location is not 行踪轨迹. Of property
    /// information art. 28 names financial accounts only: transaction and consumption records
    /// are sensitive under the recommended GB/T 35273 alone ([`Category::standard_sensitive`]).
    pub fn pipl_sensitive(self, coarse: bool) -> bool {
        match self {
            Category::IdentityDocument
            | Category::Biometric
            | Category::Health
            | Category::FinancialAccount
            | Category::SpecificIdentity
            | Category::Minor => true,
            Category::Location => !coarse,
            _ => false,
        }
    }

    /// GB/T 35273 appendix B sensitive (encryption, masking, access control).
    pub fn standard_sensitive(self, coarse: bool) -> bool {
        self.pipl_sensitive(coarse)
            || matches!(
                self,
                Category::Credentials
                    | Category::TransactionRecords
                    | Category::Communication
                    | Category::Contacts
                    | Category::UsageRecords
            )
    }
}

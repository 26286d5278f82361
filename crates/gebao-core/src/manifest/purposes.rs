//! `[[purposes]]`: why PI is processed, on what legal basis, for how long.

use crate::duration::Duration;
use crate::ids::{FieldId, PiaId, PurposeId};
use crate::manifest::policy::Disposal;
use crate::text::Text;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A processing purpose (处理目的), e.g. "注册登录".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Purpose {
    pub id: PurposeId,
    pub name: String,
    #[serde(default)]
    pub name_en: Option<String>,
    /// What is done and why, as the policy will say it (NOT-02).
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub description_en: Option<String>,
    /// Basic (基本业务功能) or additional (扩展业务功能) function.
    pub function: Function,
    /// The art. 13 legal basis.
    pub basis: LegalBasis,
    /// For a basis other than consent: which ground and why it applies (CON-07).
    #[serde(default)]
    pub basis_note: Option<String>,
    #[serde(default)]
    pub basis_note_en: Option<String>,
    /// The fields this purpose uses; nothing else may be used for it (PIPL 6).
    #[serde(default)]
    pub fields: Vec<FieldId>,
    /// For a basic function that is not the basic function service NEC names for the app
    /// type (posting or a public profile in a 网络直播 app, whose NEC basic function is
    /// viewing), or whose PI another law requires: why. CON-01 and CON-10 then do not judge
    /// its fields against the app type's necessary PI.
    #[serde(default)]
    pub beyond_nec: Option<String>,
    #[serde(default)]
    pub beyond_nec_en: Option<String>,
    /// Purposes whose consent this one needs first (CON-02 forbids basic → additional).
    #[serde(default)]
    pub requires: Vec<PurposeId>,
    /// How consent is asked, for `basis = "consent"`.
    #[serde(default)]
    pub consent: ConsentSpec,
    /// How long the data is kept (NOT-07).
    #[serde(default)]
    pub retention: Option<Retention>,
    /// Content is personalised from the user's characteristics (PIPL 24, ADM-01).
    #[serde(default)]
    pub personalised: bool,
    /// Automated decision-making (PIPL 24, ADM-*).
    #[serde(default)]
    pub automated: Option<AutomatedDecision>,
    /// The PIA record covering this purpose (SEC-01).
    #[serde(default)]
    pub pia: Option<PiaId>,
}

impl Purpose {
    pub fn needs_consent(&self) -> bool {
        self.basis == LegalBasis::Consent
    }
}

/// Basic or additional business function (GB/T 41391, NEC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Function {
    Basic,
    Additional,
}

impl Function {
    pub fn label(self) -> Text {
        match self {
            Function::Basic => Text::new("基本业务功能", "basic function"),
            Function::Additional => Text::new("扩展业务功能", "additional function"),
        }
    }
}

/// PIPL art. 13 legal bases (`pipl-rules.md` part B).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum LegalBasis {
    /// 13(1): the individual's consent; the only basis that can be withdrawn.
    Consent,
    /// 13(2): necessary to conclude or perform a contract the individual is party to.
    Contract,
    /// 13(2): HR management under lawful labour rules and collective contracts.
    Hr,
    /// 13(3): a statutory duty or obligation.
    LegalObligation,
    /// 13(4): a public-health emergency, or protecting life, health or property in an emergency.
    PublicHealthEmergency,
    /// 13(5): news reporting and public-opinion supervision in the public interest.
    News,
    /// 13(6): information the individual disclosed or that was lawfully disclosed.
    AlreadyPublic,
    /// 13(7): other circumstances provided by laws and administrative regulations.
    OtherLaw,
}

impl LegalBasis {
    pub fn label(self) -> Text {
        match self {
            LegalBasis::Consent => Text::new("取得您的同意", "your consent"),
            LegalBasis::Contract => Text::new(
                "为订立、履行您作为一方当事人的合同所必需",
                "necessary to conclude or perform a contract with you",
            ),
            LegalBasis::Hr => Text::new("实施人力资源管理所必需", "necessary for human-resources management"),
            LegalBasis::LegalObligation => {
                Text::new("为履行法定职责或者法定义务所必需", "necessary to fulfil a statutory duty or obligation")
            }
            LegalBasis::PublicHealthEmergency => Text::new(
                "为应对突发公共卫生事件，或者紧急情况下为保护自然人的生命健康和财产安全所必需",
                "necessary to respond to a public-health emergency or to protect life, health and property in an emergency",
            ),
            LegalBasis::News => Text::new(
                "为公共利益实施新闻报道、舆论监督等行为",
                "news reporting and public-opinion supervision in the public interest",
            ),
            LegalBasis::AlreadyPublic => Text::new(
                "处理您自行公开或者其他已经合法公开的个人信息",
                "information you disclosed yourself or that was lawfully disclosed",
            ),
            LegalBasis::OtherLaw => Text::new(
                "法律、行政法规规定的其他情形",
                "other circumstances provided by laws and administrative regulations",
            ),
        }
    }
}

/// How consent is asked for a purpose.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentSpec {
    /// Asked as a separate consent (单独同意), its own step (PIPL 29, 23, 25, 39).
    #[serde(default)]
    pub separate: bool,
    /// How consent is obtained (CON-04, CON-11).
    #[serde(default)]
    pub obtained_by: ConsentMethod,
    /// Consent groups: purposes sharing a group are consented with one action (CON-03).
    #[serde(default)]
    pub group: Option<String>,
    /// The state before the user chooses (CON-04: must be `not-given`).
    #[serde(default)]
    pub default: ConsentDefault,
    /// How the user withdraws, e.g. "我的-设置-隐私-系统权限" (CON-06).
    #[serde(default)]
    pub withdraw: Option<String>,
    #[serde(default)]
    pub withdraw_en: Option<String>,
    /// Waiting time before asking again after a refusal (CON-05; gebao's default 48 hours).
    #[serde(default)]
    pub reprompt_after: Option<Duration>,
}

/// How consent is obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ConsentMethod {
    /// A prompt of its own that the user answers (a tick, a button).
    #[default]
    Prompt,
    /// Agreeing to the policy as a whole (never a separate consent, CON-11).
    PolicyAgreement,
    /// Using the service is taken as consent (not consent, PIPL 14).
    ImpliedByUse,
}

/// The consent state before the user chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ConsentDefault {
    #[default]
    NotGiven,
    /// Pre-ticked (forbidden, CON-04).
    Granted,
}

/// How long data is kept for a purpose, and what then (NOT-07, RET-*).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Retention {
    /// How long, e.g. "6 months"; or leave out and give `method`.
    #[serde(default)]
    pub period: Option<Duration>,
    /// `period` is a floor ("不少于六个月"): the data is kept at least that long, and
    /// nothing is promised about when it ends.
    #[serde(default)]
    pub at_least: bool,
    /// What starts the period.
    #[serde(default)]
    pub from: RetentionStart,
    /// How the period is determined, when it is not a fixed duration.
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default)]
    pub method_en: Option<String>,
    /// The legal minimum that applies, if any (RET-01/02/06).
    #[serde(default)]
    pub legal_minimum: Option<LegalMinimum>,
    /// What happens at the end (RET-04).
    #[serde(default)]
    pub then: Option<Disposal>,
}

/// What starts a retention period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RetentionStart {
    #[default]
    Collection,
    AccountCancellation,
    PurposeEnd,
    TransactionCompletion,
    RelationshipEnd,
}

impl Retention {
    /// When the data's retention ends: the period, unless it is only a floor (`at_least`),
    /// which promises nothing about the end. The decision engine and the sweeper count with
    /// this, so that a floor is never turned into a deletion date.
    pub fn end(&self) -> Option<Duration> {
        self.period.filter(|_| !self.at_least)
    }
}

#[cfg(test)]
mod retention_tests {
    use super::*;

    #[test]
    fn a_floor_has_no_end() {
        let mut r = Retention {
            period: Some(Duration::months(6)),
            at_least: false,
            from: RetentionStart::Collection,
            method: None,
            method_en: None,
            legal_minimum: None,
            then: None,
        };
        assert_eq!(r.end(), Some(Duration::months(6)));
        r.at_least = true;
        assert_eq!(r.end(), None, "a floor is never a deletion date");
    }
}

impl RetentionStart {
    pub fn label(self) -> Text {
        match self {
            RetentionStart::Collection => Text::new("自收集之日起", "from collection"),
            RetentionStart::AccountCancellation => Text::new("自账号注销之日起", "from account cancellation"),
            RetentionStart::PurposeEnd => Text::new("自处理目的实现之日起", "from the end of the purpose"),
            RetentionStart::TransactionCompletion => {
                Text::new("自交易完成之日起", "from completion of the transaction")
            }
            RetentionStart::RelationshipEnd => {
                Text::new("自业务关系结束之日起", "from the end of the business relationship")
            }
        }
    }
}

/// Legal retention minimums (`pipl-rules.md` part F).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum LegalMinimum {
    /// CSL 23(3): network logs and security events, 6 months.
    NetworkLogs,
    /// ECL 31: e-commerce platform goods, service and transaction records, 3 years from completion.
    EcommerceRecords,
    /// AML 34: customer identity records, 10 years after the relationship ends.
    AmlCustomerIdentity,
    /// AML 34: transaction records, 10 years after the transaction.
    AmlTransactions,
    /// PIPL 56 / NDSMR 12: PIA reports and processing records, 3 years.
    ProcessingRecords,
    /// 税收征收管理法实施细则 art. 29: books, vouchers, tax receipts and other tax records
    /// (withholding included), 10 years.
    TaxRecords,
}

impl LegalMinimum {
    /// The minimum duration the law sets.
    pub fn minimum(self) -> Duration {
        match self {
            LegalMinimum::NetworkLogs => Duration::months(6),
            LegalMinimum::EcommerceRecords | LegalMinimum::ProcessingRecords => Duration::years(3),
            LegalMinimum::AmlCustomerIdentity | LegalMinimum::AmlTransactions | LegalMinimum::TaxRecords => {
                Duration::years(10)
            }
        }
    }

    pub fn rule_id(self) -> &'static str {
        match self {
            LegalMinimum::NetworkLogs => "RET-01",
            LegalMinimum::EcommerceRecords => "RET-02",
            LegalMinimum::AmlCustomerIdentity | LegalMinimum::AmlTransactions => "RET-06",
            LegalMinimum::ProcessingRecords => "SHR-08",
            LegalMinimum::TaxRecords => "RET-07",
        }
    }

    pub fn label(self) -> Text {
        match self {
            LegalMinimum::NetworkLogs => Text::new(
                "《网络安全法》要求网络日志留存不少于六个月",
                "the Cybersecurity Law requires network logs to be kept for at least six months",
            ),
            LegalMinimum::EcommerceRecords => Text::new(
                "《电子商务法》要求商品和服务信息、交易信息保存时间自交易完成之日起不少于三年",
                "the E-Commerce Law requires goods, service and transaction records to be kept for at least three years after completion",
            ),
            LegalMinimum::AmlCustomerIdentity => Text::new(
                "《反洗钱法》要求客户身份资料在业务关系结束后至少保存十年",
                "the Anti-Money-Laundering Law requires customer identity records to be kept for at least ten years after the relationship ends",
            ),
            LegalMinimum::AmlTransactions => Text::new(
                "《反洗钱法》要求交易记录在交易结束后至少保存十年",
                "the Anti-Money-Laundering Law requires transaction records to be kept for at least ten years after the transaction",
            ),
            LegalMinimum::ProcessingRecords => Text::new(
                "个人信息保护影响评估报告和处理情况记录至少保存三年",
                "impact assessments and processing records are kept for at least three years",
            ),
            LegalMinimum::TaxRecords => Text::new(
                "《税收征收管理法实施细则》第二十九条要求账簿、记账凭证、完税凭证及其他涉税资料保存十年",
                "art. 29 of the implementing rules of the Tax Collection Administration Law requires books, vouchers, tax receipts and other tax records to be kept for ten years",
            ),
        }
    }
}

/// Automated decision-making used by a purpose (PIPL 24; ALGO).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AutomatedDecision {
    /// What is decided and from what, as the policy explains it.
    pub description: String,
    #[serde(default)]
    pub description_en: Option<String>,
    /// The decision significantly affects the individual's rights (ADM-02).
    #[serde(default)]
    pub significant_impact: bool,
    /// How the user gets an explanation (ADM-02).
    #[serde(default)]
    pub explanation: Option<String>,
    #[serde(default)]
    pub explanation_en: Option<String>,
    /// How the user refuses or turns personalisation off (ADM-01, ADM-05).
    #[serde(default)]
    pub opt_out: Option<String>,
    #[serde(default)]
    pub opt_out_en: Option<String>,
    /// A version not based on personal characteristics is offered (ADM-01).
    #[serde(default)]
    pub non_personalised_option: bool,
    /// Prices or terms differ between users from the decision (ADM-03).
    #[serde(default)]
    pub differential_pricing: bool,
    /// Users can see, choose and delete their tags (ADM-05).
    #[serde(default)]
    pub tags_manageable: bool,
    /// Turning personalisation off takes effect at once (ADM-05).
    #[serde(default)]
    pub opt_out_immediate: bool,
    /// The recommender has public-opinion attributes (ADM-06).
    #[serde(default)]
    pub public_opinion: bool,
    /// Algorithm filing number (ADM-06).
    #[serde(default)]
    pub algorithm_filing: Option<String>,
}

//! `[[recipients]]`: who receives PI — third-party SDKs, partners, affiliates, entrusted
//! processors, public disclosure — with what, why and where (PIPL 21–25, 38–39).

use crate::ids::{FieldId, PiaId, PurposeId, RecipientId};
use crate::text::Text;
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A recipient of PI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Recipient {
    pub id: RecipientId,
    /// Product or SDK name, e.g. "个推推送SDK".
    pub name: String,
    #[serde(default)]
    pub name_en: Option<String>,
    pub kind: RecipientKind,
    /// For an SDK: its id in gebao's SDK catalogue (`gebao scan apk --list-sdks`), by which a
    /// scan of the app finds it. Without it, a scan matches the SDK by name.
    #[serde(default)]
    pub sdk: Option<String>,
    /// The company behind it (SHR-01, SHR-04).
    #[serde(default)]
    pub company: Option<String>,
    #[serde(default)]
    pub company_en: Option<String>,
    /// How to reach it (SHR-01, XB-01; PIPL 23: its contact details are told to users).
    #[serde(default)]
    pub contact: Option<String>,
    #[serde(default)]
    pub contact_en: Option<String>,
    /// Purposes of ours it serves.
    #[serde(default)]
    pub purposes: Vec<PurposeId>,
    /// Its purpose in words, as the sharing list says it.
    #[serde(default)]
    pub purpose: Option<String>,
    #[serde(default)]
    pub purpose_en: Option<String>,
    /// Fields it receives (SHR-05: only fields of its purposes).
    #[serde(default)]
    pub fields: Vec<FieldId>,
    /// How it processes the data, e.g. "SDK在设备端收集" (SHR-01).
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default)]
    pub method_en: Option<String>,
    /// Link to its own privacy policy (SHR-04).
    #[serde(default)]
    pub policy_url: Option<String>,
    /// The web hosts it is reached at from the operator's pages (`hm.example-stats.cn`;
    /// `example-stats.cn` covers its subdomains too), by which `gebao scan site` tells
    /// which recipient a page's third-party request goes to. Not shown in the policy.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<String>,
    /// Country or region where it processes the data (ISO 3166 alpha-2; "CN" = mainland
    /// China; HK, MO and TW are outside mainland China). Left out, the place is unstated:
    /// the policy says "未说明" rather than guess, and no cross-border rule applies.
    #[serde(default)]
    pub country: String,
    /// Users give a separate consent for this recipient (SHR-01, SHR-03, XB-01).
    #[serde(default)]
    pub separate_consent: bool,
    /// How deletion requests reach it (SHR-07).
    #[serde(default)]
    pub deletion: Option<DeletionChannel>,
    /// The entrustment contract, for `entrusted` (SHR-02).
    #[serde(default)]
    pub contract: Option<Contract>,
    /// The legal mechanism, for a recipient abroad (XB-02).
    #[serde(default)]
    pub cross_border: Option<CrossBorder>,
    /// The PIA record covering this flow (SEC-01, XB-03).
    #[serde(default)]
    pub pia: Option<PiaId>,
}

/// Whether a country code is outside mainland China.
pub fn is_outside_mainland(country: &str) -> bool {
    !matches!(country.trim().to_ascii_uppercase().as_str(), "CN" | "CHN" | "")
}

impl Recipient {
    pub fn is_abroad(&self) -> bool {
        is_outside_mainland(&self.country)
    }

    /// Whether a request to `host` reaches this recipient: one of its `hosts` is the host
    /// or a parent domain of it (ignoring case and a trailing dot).
    pub fn serves_host(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.hosts.iter().any(|h| {
            let h = h.trim().trim_end_matches('.').to_ascii_lowercase();
            !h.is_empty() && (host == h || host.strip_suffix(&h).is_some_and(|rest| rest.ends_with('.')))
        })
    }

    /// Another processor that decides on its own (PIPL 23), as opposed to an entrusted one.
    pub fn is_independent_processor(&self) -> bool {
        matches!(
            self.kind,
            RecipientKind::ThirdParty | RecipientKind::Sdk | RecipientKind::Partner | RecipientKind::Affiliate
        )
    }
}

/// The relation of a recipient to the operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RecipientKind {
    /// A third-party SDK embedded in the app.
    Sdk,
    /// Another processor we provide PI to (PIPL 23).
    ThirdParty,
    /// A business partner.
    Partner,
    /// An affiliated company (关联方).
    Affiliate,
    /// An entrusted processor acting for us (受托方, PIPL 21).
    Entrusted,
    /// Public disclosure (公开披露, PIPL 25).
    PublicDisclosure,
}

impl RecipientKind {
    pub fn label(self) -> Text {
        match self {
            RecipientKind::Sdk => Text::new("第三方SDK", "third-party SDK"),
            RecipientKind::ThirdParty => Text::new("第三方", "third party"),
            RecipientKind::Partner => Text::new("合作伙伴", "partner"),
            RecipientKind::Affiliate => Text::new("关联公司", "affiliate"),
            RecipientKind::Entrusted => Text::new("受托处理者", "entrusted processor"),
            RecipientKind::PublicDisclosure => Text::new("公开披露", "public disclosure"),
        }
    }
}

/// How deletion requests are forwarded to a recipient (PIPL 47; 35273 8.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeletionChannel {
    pub via: DeletionVia,
    /// The webhook URL, address or API endpoint.
    pub address: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DeletionVia {
    Webhook,
    Email,
    Api,
    Manual,
}

/// An entrustment contract (PIPL 21).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    /// The contract's reference.
    pub reference: String,
    /// How long the entrustment runs.
    #[serde(default)]
    pub period: Option<String>,
    #[serde(default)]
    pub period_en: Option<String>,
    /// The protection measures the processor must take.
    #[serde(default)]
    pub protection: Option<String>,
    /// What happens to the PI when the contract ends.
    #[serde(default)]
    pub on_end: Option<OnEnd>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum OnEnd {
    Return,
    Delete,
}

/// The legal mechanism of a cross-border flow (PIPL 38; XB24; `pipl-rules.md` part G).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CrossBorder {
    pub mechanism: Mechanism,
    /// For `exempt`: which exemption.
    #[serde(default)]
    pub exemption: Option<Exemption>,
    /// Individuals whose non-sensitive PI is sent abroad since 1 January.
    #[serde(default)]
    pub individuals: Option<u64>,
    /// Individuals whose sensitive PI is sent abroad since 1 January.
    #[serde(default)]
    pub sensitive_individuals: Option<u64>,
    /// Important data is part of the flow.
    #[serde(default)]
    pub important_data: bool,
    /// Date the mechanism was filed, passed or took effect.
    #[serde(default, with = "crate::manifest::date::opt")]
    #[schemars(with = "Option<String>")]
    pub filed: Option<NaiveDate>,
    /// How users exercise their rights against the overseas recipient (PIPL 39).
    #[serde(default)]
    pub rights_how: Option<String>,
    #[serde(default)]
    pub rights_how_en: Option<String>,
}

/// PIPL 38 mechanisms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Mechanism {
    /// CAC security assessment (数据出境安全评估).
    SecurityAssessment,
    /// Standard contract filed with the provincial CAC (个人信息出境标准合同).
    StandardContract,
    /// Personal-information protection certification (个人信息保护认证).
    Certification,
    /// An exemption of XB24 art. 3–6.
    Exempt,
    /// Nothing declared (a finding).
    None,
}

impl Mechanism {
    pub fn label(self) -> Text {
        match self {
            Mechanism::SecurityAssessment => {
                Text::new("通过国家网信部门组织的数据出境安全评估", "a CAC security assessment")
            }
            Mechanism::StandardContract => Text::new(
                "与境外接收方订立个人信息出境标准合同并备案",
                "the standard contract for outbound transfer, filed with the CAC",
            ),
            Mechanism::Certification => {
                Text::new("经专业机构进行个人信息保护认证", "personal-information protection certification")
            }
            Mechanism::Exempt => Text::new("依法免予申报", "a legal exemption"),
            Mechanism::None => Text::new("未说明", "none stated"),
        }
    }
}

/// XB24 exemptions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Exemption {
    /// Necessary for a contract with the individual (shopping, delivery, payment, bookings…).
    Contract,
    /// Cross-border HR management under lawful rules.
    Hr,
    /// Emergency for life, health or property.
    Emergency,
    /// A statutory duty (NDSMR 35).
    Statutory,
    /// PI collected abroad and sent back with nothing domestic added.
    CollectedAbroad,
    /// Non-sensitive PI of fewer than 100,000 individuals this year.
    SmallVolume,
    /// A free-trade-zone negative list.
    FreeTradeZone,
}

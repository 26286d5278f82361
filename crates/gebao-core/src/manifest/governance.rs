//! The organisation's duties: `[organisation]` (scale and officers), `[storage]`,
//! `[protection]` (security measures, incidents, face recognition) and `[[pia]]`.

use crate::duration::Duration;
use crate::ids::{PiaId, PurposeId, RecipientId};
use crate::manifest::controller::Officer;
use crate::manifest::policy::NoticeChannel;
use crate::manifest::recipients::{CrossBorder, is_outside_mainland};
use crate::taxonomy::Category;
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `[organisation]`: figures and duties that depend on size (SEC-03/04/05/07).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// Individuals whose PI is processed.
    #[serde(default)]
    pub individuals: Option<u64>,
    /// The operator is a critical-information-infrastructure operator (CIIO).
    #[serde(default)]
    pub ciio: bool,
    /// The operator is outside China and processes PI of people in China (PIPL 3(2)).
    #[serde(default)]
    pub overseas: bool,
    /// The representative in China of an overseas operator (SEC-05).
    #[serde(default)]
    pub representative: Option<Officer>,
    /// The PI protection officer was reported to the city-level CAC on this date (SEC-03).
    #[serde(default, with = "crate::manifest::date::opt")]
    #[schemars(with = "Option<String>")]
    pub officer_reported: Option<NaiveDate>,
    /// The date of the last PI compliance audit (SEC-04).
    #[serde(default, with = "crate::manifest::date::opt")]
    #[schemars(with = "Option<String>")]
    pub last_audit: Option<NaiveDate>,
    /// How often compliance audits run (SEC-04: at most every 2 years above 10 million).
    #[serde(default)]
    pub audit_every: Option<Duration>,
    /// Network data security officer from management (SEC-07).
    #[serde(default)]
    pub data_security_officer: Option<String>,
    /// Network data security management body (SEC-07).
    #[serde(default)]
    pub management_body: Option<String>,
}

/// `[storage]`: where PI is stored (NOT-10) and for how long backups keep it (RET-05).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Storage {
    /// Countries or regions of storage, ISO 3166 alpha-2 ("CN" = mainland China).
    #[serde(default)]
    pub countries: Vec<String>,
    /// Storage abroad is possible, not certain: the policy says the data "may be" kept
    /// outside mainland China ("可能位于国内或国外"), and the render says "may be" too.
    #[serde(default)]
    pub abroad_possible: bool,
    /// How the storage is described in the policy.
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub description_en: Option<String>,
    /// The mechanism when storage is abroad (XB-02).
    #[serde(default)]
    pub cross_border: Option<CrossBorder>,
    /// Users give a separate consent for storage abroad (XB-01).
    #[serde(default)]
    pub separate_consent: bool,
    /// The PIA record for storage abroad (XB-03).
    #[serde(default)]
    pub pia: Option<PiaId>,
    /// Erased data leaves backups within this time (RET-05).
    #[serde(default)]
    pub backups_purged_within: Option<Duration>,
}

impl Storage {
    pub fn is_abroad(&self) -> bool {
        self.countries.iter().any(|c| is_outside_mainland(c))
    }
}

/// `[protection]`: security measures (PIPL 51) and incident handling (PIPL 57).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Protection {
    /// Measures taken (SEC-06).
    #[serde(default)]
    pub measures: Vec<Measure>,
    /// Certifications, e.g. "网络安全等级保护三级".
    #[serde(default)]
    pub certifications: Vec<String>,
    /// `certifications` in English, item for item.
    #[serde(default)]
    pub certifications_en: Vec<String>,
    /// Encryption at rest (SEN-02).
    #[serde(default)]
    pub encryption: Encryption,
    /// Incident response plan (SEC-02).
    #[serde(default)]
    pub incident: Option<IncidentPlan>,
    /// Face recognition (SEN-03/04/05).
    #[serde(default)]
    pub face: Option<FaceRecognition>,
    /// Real-name verification (SEC-08).
    #[serde(default)]
    pub real_name: Option<RealName>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Measure {
    AccessControl,
    Encryption,
    DeIdentification,
    Training,
    Logging,
    Audit,
    IncidentDrills,
    Backups,
}

impl Measure {
    pub const REQUIRED: [Measure; 5] =
        [Measure::AccessControl, Measure::Encryption, Measure::DeIdentification, Measure::Training, Measure::Logging];

    pub fn label(self) -> crate::text::Text {
        use crate::text::Text as B;
        match self {
            Measure::AccessControl => {
                B::new("严格的访问控制和权限管理", "strict access control and permission management")
            }
            // Where it applies (in transit, at rest) is `[protection.encryption]`, said on its own.
            Measure::Encryption => B::new("加密技术", "encryption"),
            Measure::DeIdentification => B::new("去标识化处理", "de-identification"),
            Measure::Training => B::new("员工安全培训", "security training for staff"),
            Measure::Logging => B::new("操作日志记录与审计", "logging and review of operations"),
            Measure::Audit => B::new("定期合规审计", "regular compliance audits"),
            Measure::IncidentDrills => B::new("安全事件应急演练", "incident-response drills"),
            Measure::Backups => B::new("数据备份与容灾", "backups and disaster recovery"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Encryption {
    /// Every PIPL-sensitive field is encrypted at rest.
    #[serde(default)]
    pub sensitive_at_rest: bool,
    /// Categories encrypted at rest besides.
    #[serde(default)]
    pub categories: Vec<Category>,
    /// TLS in transit.
    #[serde(default)]
    pub in_transit: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentPlan {
    /// Who handles incidents.
    pub contact: String,
    #[serde(default)]
    pub contact_en: Option<String>,
    /// The regulator reported to, e.g. "所在地省级网信部门".
    pub regulator: String,
    #[serde(default)]
    pub regulator_en: Option<String>,
    /// How individuals are told.
    pub notify: Vec<NoticeChannel>,
    /// Time to report an incident graded 较大 or above (INCID: 4 hours; CIIO 1 hour).
    #[serde(default)]
    pub report_within: Option<Duration>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FaceRecognition {
    /// Another way to verify is offered (SEN-03).
    pub alternative: Option<String>,
    /// Individuals whose face data is stored (SEN-04).
    #[serde(default)]
    pub individuals_stored: Option<u64>,
    /// Date filed with the provincial CAC (SEN-04).
    #[serde(default, with = "crate::manifest::date::opt")]
    #[schemars(with = "Option<String>")]
    pub filed: Option<NaiveDate>,
    /// Raw images are kept after verification (SEN-05 warns).
    #[serde(default)]
    pub raw_images_kept: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RealName {
    /// The national network identity (网号/网证) is accepted (SEC-08).
    pub accepts_network_identity: bool,
}

/// `[[pia]]`: a personal-information protection impact assessment record (PIPL 55–56).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pia {
    pub id: PiaId,
    #[serde(with = "crate::manifest::date")]
    #[schemars(with = "String")]
    pub date: NaiveDate,
    /// Purposes it covers.
    #[serde(default)]
    pub purposes: Vec<PurposeId>,
    /// Recipients it covers.
    #[serde(default)]
    pub recipients: Vec<RecipientId>,
    /// The assessed risk (a high result is a major change, part J).
    pub risk: Risk,
    #[serde(default)]
    pub summary: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Risk {
    Low,
    Medium,
    High,
}

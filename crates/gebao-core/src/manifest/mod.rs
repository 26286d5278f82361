//! The privacy manifest (`gebao.toml`): the single source of truth of an operator's
//! personal-information practices. The structs mirror the TOML one to one; every table
//! rejects unknown keys so that a typo is an error, not a silently ignored promise.
//! `docs/manifest.md` is the reference for operators; keep it in step with these types.

pub mod controller;
pub mod cookies;
pub mod datasets;
pub mod date;
pub mod english;
pub mod fields;
pub mod governance;
pub mod load;
pub mod minors;
pub mod policy;
pub mod purposes;
pub mod recipients;
pub mod rights;
pub mod scenarios;
pub mod validate;

pub use controller::*;
pub use cookies::*;
pub use datasets::*;
pub use fields::*;
pub use governance::*;
pub use minors::*;
pub use policy::*;
pub use purposes::*;
pub use recipients::*;
pub use rights::*;
pub use scenarios::*;

use crate::ids::{FieldId, PurposeId, RecipientId};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A whole manifest. Only `[policy]` and `[controller]` are required; every other section
/// has a default so that a starter manifest stays short, and `gebao check` says what is
/// missing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The manifest format's version; this gebao reads version 1.
    #[serde(default = "one")]
    pub schema_version: u32,
    /// The policy document: version, dates, languages, where it is shown.
    pub policy: Policy,
    /// Who processes the PI and how to reach them.
    pub controller: Controller,
    /// Size figures and legal duties of the organisation (SEC-03/04/05/07).
    #[serde(default)]
    pub organisation: Organisation,
    /// Where the PI is stored (NOT-10, XB-01).
    #[serde(default)]
    pub storage: Storage,
    /// The personal-information fields handled.
    #[serde(default)]
    pub fields: Vec<Field>,
    /// Why PI is processed: basis, fields, retention.
    #[serde(default)]
    pub purposes: Vec<Purpose>,
    /// Business scenarios (业务功能场景) with their purposes and permissions.
    #[serde(default)]
    pub scenarios: Vec<Scenario>,
    /// Device permissions the app asks for.
    #[serde(default)]
    pub permissions: Vec<Permission>,
    /// Who receives PI: SDKs, third parties, processors, public disclosure.
    #[serde(default)]
    pub recipients: Vec<Recipient>,
    /// Where the PI lives in the operator's own databases.
    #[serde(default)]
    pub datasets: Vec<Dataset>,
    /// Cookies and similar technologies.
    #[serde(default)]
    pub cookies: Vec<Cookie>,
    /// Do-Not-Track and Global Privacy Control.
    #[serde(default)]
    pub tracking: Tracking,
    /// Users' rights, channels and deadlines.
    #[serde(default)]
    pub rights: Rights,
    /// Children under 14 and minors.
    #[serde(default)]
    pub minors: Minors,
    /// Security measures, encryption, incidents, face recognition.
    #[serde(default)]
    pub protection: Protection,
    /// Personal-information protection impact assessments.
    #[serde(default)]
    pub pia: Vec<Pia>,
    /// How the policy changes.
    #[serde(default)]
    pub changes: Changes,
    /// Ending the service.
    #[serde(default)]
    pub termination: Termination,
}

fn one() -> u32 {
    1
}

impl Manifest {
    pub fn field(&self, id: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.id.as_str() == id)
    }

    pub fn purpose(&self, id: &str) -> Option<&Purpose> {
        self.purposes.iter().find(|p| p.id.as_str() == id)
    }

    pub fn recipient(&self, id: &str) -> Option<&Recipient> {
        self.recipients.iter().find(|r| r.id.as_str() == id)
    }

    pub fn permission(&self, id: &str) -> Option<&Permission> {
        self.permissions.iter().find(|p| p.id.as_str() == id)
    }

    /// Whether a field is PIPL-sensitive, taking the manifest's override into account.
    pub fn is_sensitive(&self, id: &FieldId) -> bool {
        self.field(id.as_str()).is_some_and(Field::is_sensitive)
    }

    /// The sensitive fields a purpose uses.
    pub fn sensitive_fields_of<'a>(&'a self, purpose: &'a Purpose) -> impl Iterator<Item = &'a Field> + 'a {
        purpose.fields.iter().filter_map(|id| self.field(id.as_str())).filter(|f| f.is_sensitive())
    }

    /// The recipients that receive data for a purpose.
    pub fn recipients_of<'a>(&'a self, purpose: &'a PurposeId) -> impl Iterator<Item = &'a Recipient> + 'a {
        self.recipients.iter().filter(move |r| r.purposes.contains(purpose))
    }

    /// The purposes that use a field.
    pub fn purposes_using<'a>(&'a self, field: &'a FieldId) -> impl Iterator<Item = &'a Purpose> + 'a {
        self.purposes.iter().filter(move |p| p.fields.contains(field))
    }

    /// Whether any PI leaves mainland China (a recipient abroad or storage abroad).
    pub fn has_cross_border(&self) -> bool {
        self.storage.is_abroad() || self.recipients.iter().any(Recipient::is_abroad)
    }

    /// Recipients whose ids are listed.
    pub fn recipients_named<'a>(&'a self, ids: &'a [RecipientId]) -> impl Iterator<Item = &'a Recipient> + 'a {
        ids.iter().filter_map(|id| self.recipient(id.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::load::load_manifest;

    const MINIMAL: &str = "[policy]\n[controller]\nname = \"甲公司\"\nproduct = \"甲\"\napp_type = \"other\"\n";

    #[test]
    fn minimal_manifest_loads_with_safe_defaults() {
        let m = load_manifest(MINIMAL).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(m.changes.reconsent_on_major, "re-consent after a major change is the default");
        assert_eq!(m.minors.guardian_consent_age, 14);
        assert_eq!(m.policy.languages, vec![crate::text::Lang::ZhCn]);
    }

    #[test]
    fn byte_order_mark_is_accepted() {
        assert!(load_manifest(&format!("\u{feff}{MINIMAL}")).is_ok());
    }
}

//! Who may do what in the console: one table, least privilege. Every console handler names
//! the one permission it needs ([`super::session::allowed`]); a refused action is a 403
//! page and an audit entry.

use gebao_store::staff::StaffRole;

/// What a console page or action needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Permission {
    /// The queue of open requests.
    ViewQueue,
    /// A request with its history, verification and deliveries (contact points masked).
    ViewRequest,
    /// Confirm a requester's identity (the member vouches, as the operator's backend does).
    Verify,
    /// Send the requester a one-time code and check the code they read back.
    VerifyByCode,
    /// File a request for a user who asked by phone, e-mail, letter or at a counter.
    FileRequest,
    /// Approve or refuse (with a legal ground).
    Decide,
    /// The dry run of a request's work.
    DryRun,
    /// Carry a request out against the operator's databases.
    Execute,
    /// Record that a recipient confirmed a deletion.
    Acknowledge,
    /// See a contact point in full, with a reason (audited).
    Unmask,
    /// The latest entries of the audit log.
    ViewAudit,
    /// Consent figures per consent and policy version (counts only, nobody named).
    ViewFigures,
    /// The incidents and where their reports and notices stand.
    ViewIncidents,
    /// The policy versions and their diffs.
    ViewPolicy,
    /// Preview and publish a new policy version.
    PublishPolicy,
    /// The staff accounts.
    ManageStaff,
}

impl Permission {
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::ViewQueue => "view-queue",
            Permission::ViewRequest => "view-request",
            Permission::Verify => "verify",
            Permission::VerifyByCode => "verify-by-code",
            Permission::FileRequest => "file-request",
            Permission::Decide => "decide",
            Permission::DryRun => "dry-run",
            Permission::Execute => "execute",
            Permission::Acknowledge => "acknowledge",
            Permission::Unmask => "unmask",
            Permission::ViewAudit => "view-audit",
            Permission::ViewFigures => "view-figures",
            Permission::ViewIncidents => "view-incidents",
            Permission::ViewPolicy => "view-policy",
            Permission::PublishPolicy => "publish-policy",
            Permission::ManageStaff => "manage-staff",
        }
    }
}

use Permission::*;

/// The table. The privacy officer (个人信息保护负责人) works requests; support files what
/// users ask by phone or letter, verifies them by a one-time code, sees and acknowledges,
/// masked only, and decides nothing (nor vouches for anyone); the auditor reads and never unmasks;
/// the administrator keeps the accounts and decides no request.
const TABLE: [(StaffRole, &[Permission]); 4] = [
    (
        StaffRole::PrivacyOfficer,
        &[
            ViewQueue,
            ViewRequest,
            Verify,
            VerifyByCode,
            FileRequest,
            Decide,
            DryRun,
            Execute,
            Acknowledge,
            Unmask,
            ViewFigures,
            ViewIncidents,
            ViewPolicy,
            PublishPolicy,
        ],
    ),
    (StaffRole::Support, &[ViewQueue, ViewRequest, FileRequest, VerifyByCode, Acknowledge]),
    (StaffRole::Auditor, &[ViewQueue, ViewRequest, ViewAudit, ViewFigures, ViewIncidents, ViewPolicy]),
    (StaffRole::Admin, &[ManageStaff]),
];

/// Whether `role` has `p`.
pub fn may(role: StaffRole, p: Permission) -> bool {
    TABLE.iter().any(|(r, ps)| *r == role && ps.contains(&p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn least_privilege() {
        for role in StaffRole::ALL {
            assert!(TABLE.iter().any(|(r, _)| *r == role), "{role} has no row");
        }
        assert!(may(StaffRole::PrivacyOfficer, Execute) && may(StaffRole::PrivacyOfficer, Unmask));
        assert!(
            !may(StaffRole::Support, Decide) && !may(StaffRole::Support, Execute) && !may(StaffRole::Support, Unmask)
        );
        assert!(!may(StaffRole::Auditor, Unmask) && !may(StaffRole::Auditor, Acknowledge));
        assert!(may(StaffRole::Auditor, ViewAudit) && !may(StaffRole::Support, ViewAudit));
        assert!(may(StaffRole::Auditor, ViewFigures) && may(StaffRole::PrivacyOfficer, ViewFigures));
        assert!(!may(StaffRole::Support, ViewFigures) && !may(StaffRole::Admin, ViewFigures));
        assert!(may(StaffRole::PrivacyOfficer, PublishPolicy) && may(StaffRole::Auditor, ViewPolicy));
        assert!(!may(StaffRole::Auditor, PublishPolicy) && !may(StaffRole::Support, PublishPolicy));
        assert!(!may(StaffRole::Admin, PublishPolicy));
        assert!(may(StaffRole::Auditor, ViewIncidents) && !may(StaffRole::Support, ViewIncidents));
        assert!(may(StaffRole::Support, FileRequest) && may(StaffRole::Support, VerifyByCode));
        assert!(!may(StaffRole::Support, Verify) && !may(StaffRole::Auditor, FileRequest));
        assert!(
            !may(StaffRole::Admin, Decide) && !may(StaffRole::Admin, ViewRequest) && may(StaffRole::Admin, ManageStaff)
        );
    }
}

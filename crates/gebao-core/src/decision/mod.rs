//! The decision engine: "may purpose P use fields F of subject S now?" (`pipl-rules.md`
//! part D). Pure and in memory: the server keeps every subject's [`SubjectState`] in memory
//! and asks [`Engine::decide`]; operators whose services are in Rust can embed the same
//! engine as a library.
//!
//! An [`Engine`] is compiled once per policy version from the manifest, so that a decision
//! is a few hash look-ups and no allocation on the allow path: the consent scopes each
//! purpose needs are numbered ([`ScopeId`]) when it is compiled, and a subject's consents
//! are found by number, through [`SubjectView`].
//!
//! ```
//! use gebao_core::calendar::Calendar;
//! use gebao_core::decision::*;
//! use gebao_core::ids::PurposeId;
//! use std::collections::HashMap;
//!
//! let manifest = gebao_core::load_manifest(r#"
//!     [policy]
//!     [controller]
//!     name = "甲公司"
//!     product = "甲"
//!     app_type = "other"
//!     [[fields]]
//!     id = "browsing"
//!     name = "浏览记录"
//!     category = "usage-records"
//!     [[purposes]]
//!     id = "recommend"
//!     name = "个性化推荐"
//!     function = "additional"
//!     basis = "consent"
//!     fields = ["browsing"]
//! "#).expect("a valid manifest");
//! let engine = Engine::new(&manifest, 1, &HashMap::new(), Calendar::builtin());
//!
//! let mut user = SubjectState::default();
//! let ask = DecisionQuery { purpose: "recommend", fields: &["browsing"], recipient: None, collected_at_ms: None, now_ms: 0 };
//! assert_eq!(engine.decide(&user, &ask).reason, Some(Reason::ConsentMissing));
//!
//! user.apply(&ConsentRecord {
//!     scope: ConsentScope::Purpose { purpose: PurposeId("recommend".into()) },
//!     action: ConsentAction::Grant,
//!     policy_version: 1,
//!     at_ms: 0,
//!     by_guardian: false,
//! });
//! assert!(engine.decide(&user, &ask).allow);
//! ```

mod consent;
mod engine;
mod scopes;
mod subject;

pub use consent::{ConsentAction, ConsentRecord, ConsentScope, SeparateKind};
pub use engine::{Decision, DecisionQuery, Engine, Reason};
pub use scopes::ScopeId;
pub use subject::{ConsentEntry, SubjectState, SubjectStatus, SubjectView, age_on};

#[cfg(test)]
mod retention_tests;
#[cfg(test)]
mod tests;

//! Rule ids: every rule of `gebao check` listed once, here, in catalogue order. A rule's
//! checks and its catalogue entry name it by [`RuleId`], so a mistyped id does not compile,
//! and the catalogue is checked against this list when the crate is built
//! (see `super::CATALOGUE`).

use serde::{Serialize, Serializer};
use std::fmt;

/// Declares [`RuleId`] from `Variant = "CODE"` pairs.
macro_rules! rule_ids {
    ($($variant:ident = $code:literal,)*) => {
        /// A rule of `gebao check`, by its id in `pipl-rules.md` (`RuleId::Con05` is `CON-05`).
        /// Serialised and displayed as that id.
        ///
        /// ```
        /// use gebao_core::rules::RuleId;
        /// assert_eq!(RuleId::Con05.as_str(), "CON-05");
        /// assert_eq!(RuleId::Con05.rule().source, "NDSMR 22(5); APP19 三");
        /// ```
        ///
        /// A rule that does not exist is a compile error, not a finding lost at run time:
        ///
        /// ```compile_fail
        /// let _ = gebao_core::rules::RuleId::Con99;
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum RuleId {
            $($variant,)*
        }

        impl RuleId {
            /// Every rule, in catalogue order.
            pub const ALL: &[RuleId] = &[$(RuleId::$variant,)*];

            /// The id as `pipl-rules.md` writes it, e.g. `CON-05`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(RuleId::$variant => $code,)*
                }
            }
        }
    };
}

rule_ids! {
    // notice.rs
    Not01 = "NOT-01", Not02 = "NOT-02", Not03 = "NOT-03", Not04 = "NOT-04", Not05 = "NOT-05", Not06 = "NOT-06",
    Not07 = "NOT-07", Not08 = "NOT-08", Not09 = "NOT-09", Not10 = "NOT-10", Not11 = "NOT-11", Not12 = "NOT-12",
    Not13 = "NOT-13",
    // placeholders.rs
    Not14 = "NOT-14",
    // waivers.rs (ahead of pipl-rules.md)
    Not15 = "NOT-15",
    // consent.rs
    Con01 = "CON-01", Con02 = "CON-02", Con03 = "CON-03", Con04 = "CON-04", Con05 = "CON-05", Con06 = "CON-06",
    Con07 = "CON-07", Con08 = "CON-08", Con09 = "CON-09", Con10 = "CON-10", Con11 = "CON-11",
    // grounds.rs (ahead of pipl-rules.md)
    Con12 = "CON-12", Con13 = "CON-13", Con14 = "CON-14",
    // sensitive.rs
    Sen01 = "SEN-01", Sen02 = "SEN-02", Sen03 = "SEN-03", Sen04 = "SEN-04", Sen05 = "SEN-05",
    // minors.rs
    Min01 = "MIN-01", Min02 = "MIN-02", Min03 = "MIN-03", Min04 = "MIN-04", Min05 = "MIN-05", Min06 = "MIN-06",
    Min07 = "MIN-07", Min08 = "MIN-08",
    // sharing.rs
    Shr01 = "SHR-01", Shr02 = "SHR-02", Shr03 = "SHR-03", Shr04 = "SHR-04", Shr05 = "SHR-05", Shr06 = "SHR-06",
    Shr07 = "SHR-07", Shr08 = "SHR-08",
    // crossborder.rs
    Xb01 = "XB-01", Xb02 = "XB-02", Xb03 = "XB-03", Xb04 = "XB-04",
    // retention.rs
    Ret01 = "RET-01", Ret02 = "RET-02", Ret03 = "RET-03", Ret04 = "RET-04", Ret05 = "RET-05", Ret06 = "RET-06",
    Ret07 = "RET-07", Ret08 = "RET-08",
    // rights.rs
    Rgt01 = "RGT-01", Rgt02 = "RGT-02", Rgt03 = "RGT-03", Rgt04 = "RGT-04", Rgt05 = "RGT-05", Rgt06 = "RGT-06",
    Rgt07 = "RGT-07", Rgt08 = "RGT-08",
    // conditions.rs (ahead of pipl-rules.md)
    Rgt09 = "RGT-09", Rgt10 = "RGT-10",
    // adm.rs
    Adm01 = "ADM-01", Adm02 = "ADM-02", Adm03 = "ADM-03", Adm04 = "ADM-04", Adm05 = "ADM-05", Adm06 = "ADM-06",
    // security.rs
    Sec01 = "SEC-01", Sec02 = "SEC-02", Sec03 = "SEC-03", Sec04 = "SEC-04", Sec07 = "SEC-07", Sec05 = "SEC-05",
    Sec08 = "SEC-08", Sec06 = "SEC-06",
    // cookies.rs
    Coo01 = "COO-01", Coo02 = "COO-02", Coo03 = "COO-03",
    // changes.rs
    Chg01 = "CHG-01", Chg02 = "CHG-02", Chg03 = "CHG-03",
    // termination.rs
    Trm01 = "TRM-01", Trm02 = "TRM-02",
    // scan.rs (ahead of pipl-rules.md): the app package against the manifest
    Scan01 = "SCAN-01", Scan02 = "SCAN-02", Scan03 = "SCAN-03", Scan04 = "SCAN-04", Scan05 = "SCAN-05",
    // site.rs (ahead of pipl-rules.md): a web page against the manifest
    Scan06 = "SCAN-06", Scan07 = "SCAN-07", Scan08 = "SCAN-08", Scan09 = "SCAN-09", Scan10 = "SCAN-10",
    Scan11 = "SCAN-11",
}

impl RuleId {
    /// The position of the rule in [`super::catalogue`] (SARIF's `ruleIndex`).
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The catalogue entry of the rule.
    pub fn rule(self) -> &'static super::Rule {
        &super::CATALOGUE[self.index()]
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl std::str::FromStr for RuleId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        RuleId::ALL.iter().copied().find(|r| r.as_str().eq_ignore_ascii_case(s)).ok_or_else(|| {
            format!("没有规则 `{s}`，规则编号形如 CON-05 / there is no rule `{s}`: rule ids look like CON-05")
        })
    }
}

impl Serialize for RuleId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

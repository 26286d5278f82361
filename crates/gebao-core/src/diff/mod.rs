//! The change classifier of `gebao diff`: what changed between two manifests, and whether
//! each change is major under the six triggers of `pipl-rules.md` part J (GB/T 35273 5.5).
//!
//! CHG-02 (35273 5.5): the six triggers of a major change, which users are told of; CHG-01
//! (PIPL 14): a change of purpose, method or PI categories needs re-consent, so the
//! consent-based purposes such a change touches must ask for consent again.
//!
//! How it works: both manifests are serialised to the same tree (`tree`), compared
//! key by key (lists of things by their id, so reordering is no change), and each
//! difference is then judged by `classify` against the six triggers. Walking the
//! serialised tree means a key added to the model later is still listed — as a minor
//! change until a rule here says otherwise.

mod classify;
mod limits;
mod rights;
mod text;
mod tree;

#[cfg(test)]
mod tests;

use crate::ids::PurposeId;
use crate::manifest::Manifest;
use crate::text::Text;
use serde::Serialize;
use std::collections::BTreeSet;

/// The six major-change triggers shared by the seed policies (`pipl-rules.md` part J;
/// GB/T 35273 5.5 a–f). Ordered as the standard lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Trigger {
    /// 5.5 a): the service model changes fundamentally — purposes, PI categories, way of use.
    Purposes,
    /// 5.5 b): ownership or organisation changes (merger, acquisition, restructuring).
    Ownership,
    /// 5.5 c): the main recipients of sharing, transfer or public disclosure change.
    Recipients,
    /// 5.5 d): users' rights, or how they are exercised, change significantly.
    Rights,
    /// 5.5 e): the responsible department, contact details or complaint channels change.
    Contact,
    /// 5.5 f): an impact assessment reports high risk.
    HighRiskPia,
}

impl Trigger {
    /// All triggers, in the standard's order.
    pub const ALL: [Trigger; 6] = [
        Trigger::Purposes,
        Trigger::Ownership,
        Trigger::Recipients,
        Trigger::Rights,
        Trigger::Contact,
        Trigger::HighRiskPia,
    ];

    /// The stable id used in JSON output and by scripts, e.g. `"purposes"`.
    pub fn id(self) -> &'static str {
        match self {
            Trigger::Purposes => "purposes",
            Trigger::Ownership => "ownership",
            Trigger::Recipients => "recipients",
            Trigger::Rights => "rights",
            Trigger::Contact => "contact",
            Trigger::HighRiskPia => "high-risk-pia",
        }
    }

    /// The trigger as GB/T 35273 5.5 words it, zh-CN and English.
    pub fn label(self) -> Text {
        match self {
            Trigger::Purposes => Text::new(
                "业务模式发生重大变化（处理个人信息的目的、处理的个人信息类型、个人信息的使用方式等）",
                "a fundamental change of the service model (purposes, types of personal information, way of use)",
            ),
            Trigger::Ownership => Text::new(
                "所有权结构、组织架构等方面发生重大变化（业务调整、兼并收购重组等引起的所有者变更等）",
                "a change of ownership or organisation (merger, acquisition, restructuring)",
            ),
            Trigger::Recipients => Text::new(
                "个人信息共享、转让或公开披露的主要对象发生变化",
                "a change of the main recipients of sharing, transfer or public disclosure",
            ),
            Trigger::Rights => Text::new(
                "您参与个人信息处理方面的权利及其行使方式发生重大变化",
                "a major change of your rights and how you exercise them",
            ),
            Trigger::Contact => Text::new(
                "负责个人信息保护的责任部门、联络方式及投诉渠道发生变化",
                "a change of the responsible department, contact details or complaint channels",
            ),
            Trigger::HighRiskPia => {
                Text::new("个人信息保护影响评估报告表明存在高风险", "an impact assessment reports high risk")
            }
        }
    }
}

/// Whether something was added, removed or modified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    /// Present only in the new manifest.
    Added,
    /// Present only in the old manifest.
    Removed,
    /// Present in both with another value.
    Modified,
}

/// One difference between two manifests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Where in the manifest, with list items named by id: `purposes[recommend].retention.period`,
    /// `recipients[push-sdk].fields[device_id]`, `controller.contact.email`.
    pub path: String,
    /// Added, removed or modified.
    pub kind: ChangeKind,
    /// The trigger that makes this change major; `None` for a minor change.
    pub trigger: Option<Trigger>,
    /// One sentence for people, built from the label catalogue and the manifests' names.
    pub summary_zh: String,
    /// The same sentence in English.
    pub summary_en: String,
    /// The old value as text (a list item by its name, a table as compact JSON); `None`
    /// when added.
    pub before: Option<String>,
    /// The new value as text; `None` when removed.
    pub after: Option<String>,
    /// The purposes of the new manifest this change touches (empty when it touches none in
    /// particular, e.g. the contact details).
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    pub purposes: BTreeSet<PurposeId>,
}

impl Change {
    /// Whether one of the six triggers applies.
    pub fn is_major(&self) -> bool {
        self.trigger.is_some()
    }
}

/// Every change between two manifests, ordered by path.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Diff {
    /// The changes, sorted by [`Change::path`].
    pub changes: Vec<Change>,
}

impl Diff {
    /// Whether any change is major (CHG-01: users are told, consent is asked again).
    pub fn is_major(&self) -> bool {
        self.changes.iter().any(Change::is_major)
    }

    /// The triggers that apply, in the standard's order.
    pub fn triggers(&self) -> BTreeSet<Trigger> {
        self.changes.iter().filter_map(|c| c.trigger).collect()
    }

    /// No change at all.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The major changes only.
    pub fn major(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.is_major())
    }

    /// CHG-01 (PIPL 14): the consent-based purposes of `new` that must ask for
    /// consent again — those touched by a change under the purposes or the recipients
    /// trigger. Changes under the other triggers are told to users but change nothing they
    /// consented to. A purpose added as consent-based is included: it has no consent yet.
    pub fn purposes_needing_reconsent(&self, new: &Manifest) -> BTreeSet<PurposeId> {
        self.changes
            .iter()
            .filter(|c| matches!(c.trigger, Some(Trigger::Purposes | Trigger::Recipients)))
            .flat_map(|c| c.purposes.iter())
            .filter(|p| new.purpose(p.as_str()).is_some_and(|p| p.needs_consent()))
            .cloned()
            .collect()
    }
}

/// Lists every change from `old` to `new` and classifies each one.
pub fn diff(old: &Manifest, new: &Manifest) -> Diff {
    // Serialising the model cannot fail (every map has string keys); a null tree would
    // only hide changes, never invent them.
    let old_tree = serde_json::to_value(old).unwrap_or_default();
    let new_tree = serde_json::to_value(new).unwrap_or_default();
    let mut changes: Vec<Change> = tree::walk(&old_tree, &new_tree)
        .into_iter()
        .map(|raw| {
            let verdict = classify::classify(&raw, old, new);
            let summary = text::summary(&raw, &verdict, old, new);
            Change {
                path: tree::path_string(&raw.segs),
                kind: raw.kind,
                trigger: verdict.trigger,
                summary_zh: summary.zh,
                summary_en: summary.en,
                before: raw.before.as_ref().and_then(tree::show),
                after: raw.after.as_ref().and_then(tree::show),
                purposes: verdict.purposes,
            }
        })
        .collect();
    changes.sort_by(|a, b| a.path.cmp(&b.path));
    Diff { changes }
}

//! How long the operator has to answer a request, and what a repeated request costs
//! (RGT-02, RGT-03, RGT-05, RGT-06).

use super::{RefusalReason, RequestKind};
use crate::calendar::{Calendar, Due, DueError};
use crate::duration::Duration;
use crate::manifest::{FeeBasis, Manifest, RepeatAction};
use crate::text::Text;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// RGT-02 (APP19: 承诺时限不得超过15个工作日): the deadline when none is promised for
/// correction, deletion, cancellation and complaints.
const APP19_DEFAULT: Duration = Duration::working_days(15);

/// RGT-03 (35273 8.7: 30天内): the deadline when none is promised for any other request.
const STD_35273_DEFAULT: Duration = Duration::days(30);

/// Where a request's deadline comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeadlineBasis {
    /// The right's own `deadline` in the manifest.
    Right,
    /// `rights.deadline`, the manifest's default for rights that name none.
    ManifestDefault,
    /// Nothing promised: 15 working days (RGT-02, APP19).
    App19,
    /// Nothing promised: 30 days (RGT-03, 35273 8.7).
    Std35273,
}

impl DeadlineBasis {
    pub fn label(self) -> Text {
        match self {
            DeadlineBasis::Right => Text::new(
                "个人信息保护政策对该项权利承诺的期限",
                "the deadline the privacy policy promises for this right",
            ),
            DeadlineBasis::ManifestDefault => {
                Text::new("个人信息保护政策承诺的答复期限", "the response deadline the privacy policy promises")
            }
            DeadlineBasis::App19 => Text::new(
                "未承诺期限，按《App违法违规收集使用个人信息行为认定方法》不超过15个工作日",
                "no deadline promised: at most 15 working days (APP19)",
            ),
            DeadlineBasis::Std35273 => Text::new(
                "未承诺期限，按 GB/T 35273—2020 第8.7条在30天内答复",
                "no deadline promised: an answer within 30 days (GB/T 35273-2020, 8.7)",
            ),
        }
    }
}

fn resolve(m: &Manifest, kind: RequestKind) -> (Duration, DeadlineBasis) {
    let finite = |d: Option<Duration>| d.filter(|d| matches!(d, Duration::Finite { .. }));
    if let Some(d) = finite(m.rights.get(kind).and_then(|r| r.deadline)) {
        return (d, DeadlineBasis::Right);
    }
    if let Some(d) = finite(m.rights.deadline) {
        return (d, DeadlineBasis::ManifestDefault);
    }
    if kind.has_fifteen_working_day_ceiling() {
        (APP19_DEFAULT, DeadlineBasis::App19)
    } else {
        (STD_35273_DEFAULT, DeadlineBasis::Std35273)
    }
}

/// The response deadline of a request of `kind`: the right's own deadline, else the
/// manifest's `rights.deadline`, else the law's: 15 working days for correction, deletion,
/// cancellation and complaints (RGT-02, APP19) and 30 calendar days for the others (RGT-03,
/// 35273 8.7). A promised deadline is kept even when longer than those ceilings: `gebao check`
/// reports it (RGT-02/03) and the operator answers by what it promised. An "indefinite"
/// deadline counts as none promised. Counted with [`crate::calendar::Calendar::due`].
pub fn deadline_for(m: &Manifest, kind: RequestKind) -> Duration {
    resolve(m, kind).0
}

/// When a request of `kind` received at `received_at` is due: [`deadline_for`] counted on
/// `calendar` with the manifest's `rights.calendar_deadline_moves_to_working_day`.
pub fn due_for(
    m: &Manifest,
    kind: RequestKind,
    calendar: &Calendar,
    received_at: DateTime<Utc>,
) -> Result<Due, DueError> {
    calendar.due(received_at, deadline_for(m, kind), m.rights.calendar_deadline_moves_to_working_day)
}

/// Where [`deadline_for`] took the deadline from, to show next to the due date.
pub fn deadline_basis(m: &Manifest, kind: RequestKind) -> DeadlineBasis {
    resolve(m, kind).1
}

/// RGT-05 (NDSMR 24; APP19; 35273 8.5): how long after an account cancellation the PI is
/// erased or anonymised: `rights.cancellation.erase_within`, else 15 working days.
pub fn cancellation_erase_within(m: &Manifest) -> Duration {
    m.rights
        .cancellation
        .as_ref()
        .and_then(|r| r.erase_within)
        .filter(|d| matches!(d, Duration::Finite { .. }))
        .unwrap_or(APP19_DEFAULT)
}

/// What a repeated request costs (RGT-06).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "kebab-case")]
pub enum RepeatDecision {
    /// Within the free number, or a kind that is never charged.
    Free,
    /// Beyond the free number: a fee on this basis (at most the cost, 35273 8.7).
    Charge { fee_basis: FeeBasis },
    /// Beyond the free number: refused as `manifestly-unfounded-or-excessive`, with reasons.
    Refuse,
}

impl RepeatDecision {
    /// The refusal ground, when the decision is to refuse.
    pub fn refusal_reason(self) -> Option<RefusalReason> {
        matches!(self, RepeatDecision::Refuse).then_some(RefusalReason::ManifestlyUnfoundedOrExcessive)
    }
}

/// The period `rights.repeat` counts requests in (`per`), if the manifest limits repeats.
pub fn repeat_period(m: &Manifest) -> Option<Duration> {
    m.rights.repeat.as_ref().map(|r| r.per)
}

/// RGT-06 (NDSMR 25; 35273 8.7): the decision on a request of `kind` when the same user has
/// made `previous_requests_in_period` requests of that kind in the current
/// [`repeat_period`]. Free up to `rights.repeat.free`; beyond it, what `rights.repeat.then`
/// says. Portability is charged only at the cost of the transfer (NDSMR 25), whatever the
/// manifest's `fee`. Withdrawal of consent (PIPL 15: as easy as giving it), account
/// cancellation (RGT-04: no unreasonable conditions) and complaints are always free.
pub fn repeat_decision(m: &Manifest, kind: RequestKind, previous_requests_in_period: u32) -> RepeatDecision {
    if matches!(kind, RequestKind::Withdrawal | RequestKind::Cancellation | RequestKind::Complaint) {
        return RepeatDecision::Free;
    }
    let Some(limit) = &m.rights.repeat else { return RepeatDecision::Free };
    if previous_requests_in_period < limit.free {
        return RepeatDecision::Free;
    }
    match limit.then {
        RepeatAction::Refuse => RepeatDecision::Refuse,
        RepeatAction::Charge if kind == RequestKind::Portability => {
            RepeatDecision::Charge { fee_basis: FeeBasis::Cost }
        }
        RepeatAction::Charge => RepeatDecision::Charge { fee_basis: limit.fee.unwrap_or(FeeBasis::Cost) },
    }
}

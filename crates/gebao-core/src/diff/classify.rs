//! Judging each difference against the six triggers (`pipl-rules.md` part J; 35273 5.5).
//!
//! Decisions shared by every area, where the standard's words leave room:
//! - **Narrowing is minor.** Collecting, sharing or keeping less (a field dropped from a
//!   purpose, a recipient's fields reduced, a shorter retention, a right added) needs no new
//!   consent and is minor; the policy update still lists it. Removing a whole purpose or
//!   recipient is major all the same: 5.5 names the purposes and the main recipients
//!   themselves, not only their growth.
//! - **Translations are minor.** A key ending in `_en` only translates its zh-CN twin, which
//!   carries the trigger when the substance changes.
//! - **When in doubt, major.** Where two values cannot be ordered (a fixed retention
//!   replaced by a method in words), the change is treated as a lengthening: a needless
//!   notice costs less than a missed re-consent.

use super::limits::{compare_limits, normalise_country, start_rank};
use super::rights;
use super::tree::{RawChange, Seg};
use super::{ChangeKind, Trigger};
use crate::ids::{FieldId, PurposeId};
use crate::manifest::{CookieCategory, Field, Manifest, Source, is_outside_mainland};
use serde_json::Value;
use std::cmp::Ordering;
use std::collections::BTreeSet;

/// How a change is worded in its summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verb {
    Added,
    Removed,
    Changed,
    Lengthened,
    Shortened,
}

/// The judgement on one difference.
#[derive(Debug, Clone)]
pub(super) struct Verdict {
    pub trigger: Option<Trigger>,
    pub verb: Verb,
    /// Purposes of the new manifest the change touches.
    pub purposes: BTreeSet<PurposeId>,
}

/// A path step borrowed, for slice patterns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum S<'a> {
    K(&'a str),
    I(&'a str),
}

pub(super) fn steps(segs: &[Seg]) -> Vec<S<'_>> {
    segs.iter()
        .map(|s| match s {
            Seg::Key(k) => S::K(k),
            Seg::Item(i) => S::I(i),
        })
        .collect()
}

/// The facts a rule looks at.
pub(super) struct Cx<'a> {
    pub raw: &'a RawChange,
    pub old: &'a Manifest,
    pub new: &'a Manifest,
}

impl Cx<'_> {
    pub fn added(&self) -> bool {
        self.raw.kind == ChangeKind::Added
    }
    pub fn removed(&self) -> bool {
        self.raw.kind == ChangeKind::Removed
    }
    /// A flag that was not `value` before and is now.
    pub fn became(&self, value: bool) -> bool {
        self.raw.after == Some(Value::Bool(value))
    }
}

pub(super) fn classify(raw: &RawChange, old: &Manifest, new: &Manifest) -> Verdict {
    use S::{I, K};
    let cx = Cx { raw, old, new };
    let verb = match raw.kind {
        ChangeKind::Added => Verb::Added,
        ChangeKind::Removed => Verb::Removed,
        ChangeKind::Modified => Verb::Changed,
    };
    let mut v = Verdict { trigger: None, verb, purposes: BTreeSet::new() };
    let path = steps(&raw.segs);
    match path.as_slice() {
        [K("fields"), I(f), rest @ ..] => fields(&cx, f, rest, &mut v),
        [K("purposes"), I(p), rest @ ..] => purposes(&cx, p, rest, &mut v),
        [K("recipients"), I(r), rest @ ..] => recipients(&cx, r, rest, &mut v),
        [K("permissions"), I(k), rest @ ..] => permissions(&cx, k, rest, &mut v),
        [K("scenarios"), I(s), ..] => {
            // Scenarios only arrange purposes and permissions already declared (and judged)
            // at the top level; wiring them differently is presentation, hence minor.
            let ids = |m: &Manifest| {
                m.scenarios.iter().filter(|x| x.id.as_str() == *s).flat_map(|x| x.purposes.clone()).collect::<Vec<_>>()
            };
            v.purposes = in_new(new, ids(old).into_iter().chain(ids(new)));
        }
        [K("pia"), I(x), rest @ ..] => pia(&cx, x, rest, &mut v),
        [K("cookies"), I(n), rest @ ..] => cookies(&cx, n, rest, &mut v),
        [K("controller"), rest @ ..] => controller(rest, &mut v),
        [K("organisation"), rest @ ..] => organisation(rest, &mut v),
        [K("storage"), rest @ ..] => storage(&cx, rest, &mut v),
        [K("rights"), rest @ ..] => rights::rights(&cx, rest, &mut v),
        [K("tracking"), K(signal)] => rights::tracking(&cx, signal, &mut v),
        [K("minors"), rest @ ..] => minors(&cx, rest, &mut v),
        // policy, protection, changes, termination, datasets, schema_version: the document's
        // metadata, security measures and the operator's own databases. None of the six.
        _ => {}
    }
    v
}

/// Fields (5.5 a: PI categories). A new field is a new kind of PI; its category, its
/// sensitivity or its source (the way it is obtained) changing is a change of category or
/// way of use. Names and the necessity/impact texts are wording.
fn fields(cx: &Cx<'_>, f: &str, rest: &[S<'_>], v: &mut Verdict) {
    use S::K;
    let id = FieldId::from(f);
    let using = |m: &Manifest| m.purposes_using(&id).map(|p| p.id.clone()).collect::<Vec<_>>();
    v.purposes = in_new(cx.new, using(cx.old).into_iter().chain(using(cx.new)));
    let sensitivity = |m: &Manifest| m.field(f).map(|x: &Field| (x.is_sensitive(), x.is_standard_sensitive()));
    match rest {
        [] if cx.added() => v.trigger = Some(Trigger::Purposes),
        [K("category")] => v.trigger = Some(Trigger::Purposes),
        // Only a change that flips sensitivity matters: `precision` of a non-location field
        // or an override equal to the derived value changes nothing.
        [K("sensitive" | "precision")] if sensitivity(cx.old) != sensitivity(cx.new) => {
            v.trigger = Some(Trigger::Purposes);
        }
        // Obtaining the data another way (automatically, from third parties) changes the way
        // of use; moving to "the user provides it" only narrows it.
        [K("source")] if cx.new.field(f).is_some_and(|x| x.source != Source::User) => {
            v.trigger = Some(Trigger::Purposes);
        }
        _ => {}
    }
}

/// Purposes (5.5 a). Added or removed; fields added; basis, function, personalisation or
/// automated decision changed; retention lengthened. The way a consent is withdrawn is a
/// channel of a right (5.5 d).
fn purposes(cx: &Cx<'_>, p: &str, rest: &[S<'_>], v: &mut Verdict) {
    use S::{I, K};
    v.purposes = in_new(cx.new, [PurposeId::from(p)]);
    let purpose = |m: &'_ Manifest| m.purpose(p).cloned();
    let major = Some(Trigger::Purposes);
    match rest {
        [] => v.trigger = major,
        [K("fields"), I(_)] if cx.added() => v.trigger = major,
        // The brief's "changed", either way: a purpose moved from consent to contract, or
        // from basic to additional, is a different purpose to the user.
        [K("basis" | "function" | "personalised")] => v.trigger = major,
        [K("automated")] => v.trigger = major,
        // What the automated decision is: its weight on the user and differential terms.
        // The explanation and filing texts are wording.
        [K("automated"), K("significant_impact" | "differential_pricing")] if cx.became(true) => v.trigger = major,
        // Losing the non-personalised option or the way to opt out takes away a right
        // (PIPL 24): 5.5 d.
        [K("automated"), K("non_personalised_option")] if cx.became(false) => v.trigger = Some(Trigger::Rights),
        [K("automated"), K("opt_out")] => v.trigger = Some(Trigger::Rights),
        [K("consent"), K("withdraw")] => v.trigger = Some(Trigger::Rights),
        // A retention limit dropped: kept with no stated end, which can only be longer.
        [K("retention")] if cx.removed() => {
            v.verb = Verb::Lengthened;
            v.trigger = major;
        }
        [K("retention"), K("period")] => {
            let period = |m: &Manifest| purpose(m).and_then(|x| x.retention).and_then(|r| r.period);
            v.verb = compare_limits(period(cx.old), period(cx.new));
            if v.verb == Verb::Lengthened {
                v.trigger = major;
            }
        }
        // A later starting point keeps the data longer for the same period.
        [K("retention"), K("from")] => {
            let from = |m: &Manifest| purpose(m).and_then(|x| x.retention).map(|r| start_rank(r.from));
            if let (Some(a), Some(b)) = (from(cx.old), from(cx.new)) {
                match b.cmp(&a) {
                    Ordering::Greater => {
                        v.verb = Verb::Lengthened;
                        v.trigger = major;
                    }
                    Ordering::Less => v.verb = Verb::Shortened,
                    Ordering::Equal => {}
                }
            }
        }
        _ => {}
    }
}

/// Recipients (5.5 c: sharing, transfer, public disclosure). Added or removed; its kind
/// (public disclosure included), company or country changed; fields or purposes added.
/// Its product name, contact, policy URL, method, contract and deletion channel are
/// details of the same recipient.
fn recipients(cx: &Cx<'_>, r: &str, rest: &[S<'_>], v: &mut Verdict) {
    use S::{I, K};
    let served = |m: &Manifest| m.recipient(r).map(|x| x.purposes.clone()).unwrap_or_default();
    v.purposes = in_new(cx.new, served(cx.old).into_iter().chain(served(cx.new)));
    let major = Some(Trigger::Recipients);
    match rest {
        [] | [K("kind" | "company")] => v.trigger = major,
        // "cn" and "CN" are the same place; only a real move counts.
        [K("country")] => {
            let country = |m: &Manifest| m.recipient(r).map(|x| normalise_country(&x.country));
            if country(cx.old) != country(cx.new) {
                v.trigger = major;
            }
        }
        [K("fields" | "purposes"), I(_)] if cx.added() => v.trigger = major,
        _ => {}
    }
}

/// Device permissions (5.5 a: a new permission reaches a new kind of PI on the device).
fn permissions(cx: &Cx<'_>, k: &str, rest: &[S<'_>], v: &mut Verdict) {
    let asking = |m: &Manifest| {
        m.scenarios
            .iter()
            .filter(|s| s.permissions.iter().any(|p| p.as_str() == k))
            .flat_map(|s| s.purposes.clone())
            .collect::<Vec<_>>()
    };
    v.purposes = in_new(cx.new, asking(cx.old).into_iter().chain(asking(cx.new)));
    if rest.is_empty() && cx.added() {
        v.trigger = Some(Trigger::Purposes);
    }
}

/// PIA records (5.5 f): a record that is new with high risk, or whose risk became high.
/// A high risk that stays high was already told; lowering it is minor.
fn pia(cx: &Cx<'_>, x: &str, rest: &[S<'_>], v: &mut Verdict) {
    use S::K;
    let covered = |m: &Manifest| {
        let mut ids: Vec<PurposeId> = Vec::new();
        if let Some(r) = m.pia.iter().find(|r| r.id.as_str() == x) {
            ids.extend(r.purposes.iter().cloned());
            ids.extend(m.recipients_named(&r.recipients).flat_map(|rc| rc.purposes.iter().cloned()));
        }
        ids.extend(
            m.purposes.iter().filter(|p| p.pia.as_ref().is_some_and(|id| id.as_str() == x)).map(|p| p.id.clone()),
        );
        ids
    };
    v.purposes = in_new(cx.new, covered(cx.old).into_iter().chain(covered(cx.new)));
    let high = |m: &Manifest| m.pia.iter().any(|r| r.id.as_str() == x && r.risk == crate::manifest::Risk::High);
    let became_high = high(cx.new) && !high(cx.old);
    match rest {
        [] | [K("risk")] if became_high => v.trigger = Some(Trigger::HighRiskPia),
        _ => {}
    }
}

/// Cookies. Their texts, lifetimes and providers are minor (the brief). A cookie of a
/// non-essential category the manifest did not use before is a new way of use (5.5 a):
/// e.g. the first advertising cookie.
fn cookies(cx: &Cx<'_>, n: &str, rest: &[S<'_>], v: &mut Verdict) {
    use S::K;
    let new_category = || {
        let Some(c) = cx.new.cookies.iter().find(|c| c.name == n).map(|c| c.category) else { return false };
        !CookieCategory::is_essential(c) && !cx.old.cookies.iter().any(|o| o.category == c)
    };
    match rest {
        [] if cx.added() && new_category() => v.trigger = Some(Trigger::Purposes),
        [K("category")] if new_category() => v.trigger = Some(Trigger::Purposes),
        _ => {}
    }
}

/// The controller: its legal name is its ownership (5.5 b); its contact, officer and
/// complaint channels are 5.5 e — any change, as users must know where to turn. The
/// product name, address and English names are not among the six.
fn controller(rest: &[S<'_>], v: &mut Verdict) {
    use S::K;
    match rest {
        [K("name")] => v.trigger = Some(Trigger::Ownership),
        [K("officer"), .., K("name_en")] => {}
        [K("contact" | "officer" | "complaints"), ..] => v.trigger = Some(Trigger::Contact),
        _ => {}
    }
}

/// `[organisation]`: becoming (or ceasing to be) an operator abroad changes the
/// organisation (5.5 b); the representative in China is the responsible contact of an
/// overseas operator (PIPL 53; 5.5 e). Figures and audit dates are not among the six.
fn organisation(rest: &[S<'_>], v: &mut Verdict) {
    use S::K;
    match rest {
        [K("overseas")] => v.trigger = Some(Trigger::Ownership),
        [K("representative"), .., K("name_en")] => {}
        [K("representative"), ..] => v.trigger = Some(Trigger::Contact),
        _ => {}
    }
}

/// `[storage]`: storing PI in a new place outside mainland China provides it abroad
/// (PIPL 38–39), a transfer to a new main recipient (5.5 c) that touches every purpose.
fn storage(cx: &Cx<'_>, rest: &[S<'_>], v: &mut Verdict) {
    use S::{I, K};
    if let [K("countries"), I(c)] = rest
        && cx.added()
        && is_outside_mainland(c)
    {
        v.trigger = Some(Trigger::Recipients);
        v.purposes = cx.new.purposes.iter().map(|p| p.id.clone()).collect();
    }
}

/// `[minors]`: opening the app to children processes PI of children under 14, a new
/// (sensitive) category (5.5 a) for every purpose; the children's officer and the
/// guardians' contact are the responsible contact for them (5.5 e).
fn minors(cx: &Cx<'_>, rest: &[S<'_>], v: &mut Verdict) {
    use S::K;
    match rest {
        [K("audience")] => {
            let (a, b) = (&cx.old.minors.audience, &cx.new.minors.audience);
            let opens = (!cx.old.minors.may_have_children() && cx.new.minors.may_have_children())
                || (*b == crate::manifest::Audience::Children && *a != crate::manifest::Audience::Children);
            if opens {
                v.trigger = Some(Trigger::Purposes);
                v.purposes = cx.new.purposes.iter().map(|p| p.id.clone()).collect();
            }
        }
        [K("officer"), .., K("name_en")] => {}
        [K("officer" | "guardian_contact"), ..] => v.trigger = Some(Trigger::Contact),
        _ => {}
    }
}

/// The ids that name purposes of the new manifest, as a set.
pub(super) fn in_new(new: &Manifest, ids: impl IntoIterator<Item = PurposeId>) -> BTreeSet<PurposeId> {
    ids.into_iter().filter(|p| new.purpose(p.as_str()).is_some()).collect()
}

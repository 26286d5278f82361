//! Users' rights (5.5 d): `[rights]`, and the browser signals of `[tracking]`.

use super::Trigger;
use super::classify::{Cx, S, Verb, Verdict};
use super::limits::{compare, compare_limits};
use crate::manifest::{Handling, Manifest, RepeatAction, RightKind, SignalHandling};
use serde_json::Value;
use std::cmp::Ordering;

/// `[rights]` (5.5 d). Major: a right removed or no longer offered; a channel changed; a
/// deadline (or the erasure time after cancellation) lengthened or dropped; self-service
/// turned into handling by staff; cancellation conditions, blockers or extra PI added;
/// repeated requests limited more strictly; relatives of the deceased losing their route.
/// Rights added, shorter deadlines and notes are minor.
pub(super) fn rights(cx: &Cx<'_>, rest: &[S<'_>], v: &mut Verdict) {
    use S::{I, K};
    let major = Some(Trigger::Rights);
    let (old, new) = (&cx.old.rights, &cx.new.rights);
    match rest {
        [K("channel")] => v.trigger = major,
        [K("deadline")] => {
            v.verb = compare_limits(old.deadline, new.deadline);
            if v.verb == Verb::Lengthened {
                v.trigger = major;
            }
        }
        // Moving a deadline's end past a weekend or holiday lengthens it.
        [K("calendar_deadline_moves_to_working_day")] if cx.became(true) => v.trigger = major,
        [K("repeat")] if cx.added() => v.trigger = major,
        [K("repeat"), K(key)] => {
            let stricter = match *key {
                "free" => matches!((old.repeat.as_ref(), new.repeat.as_ref()), (Some(a), Some(b)) if b.free < a.free),
                "per" => {
                    matches!((old.repeat.as_ref(), new.repeat.as_ref()), (Some(a), Some(b)) if compare(&a.per, &b.per) == Ordering::Less)
                }
                "then" => new.repeat.as_ref().is_some_and(|r| r.then == RepeatAction::Refuse),
                "fee" => cx.raw.after.is_some(),
                _ => false,
            };
            if stricter {
                v.trigger = major;
            }
        }
        [K("deceased")] if cx.removed() => v.trigger = major,
        [K("deceased"), K("relatives")] if cx.became(false) => v.trigger = major,
        [K("deceased"), K("channel")] => v.trigger = major,
        [K(right), tail @ ..] => {
            let Ok(kind) = serde_json::from_value::<RightKind>(Value::String((*right).to_owned())) else { return };
            let (Some(before), Some(after)) = (old.get(kind), new.get(kind)) else {
                // The whole right appears or disappears.
                if cx.removed() {
                    v.trigger = major;
                }
                return;
            };
            match tail {
                [K("offered")] if cx.became(false) => v.trigger = major,
                [K("channel")] => v.trigger = major,
                [K("deadline")] => {
                    // The deadline that applies, the right's own or the default.
                    v.verb = compare_limits(old.deadline_of(before), new.deadline_of(after));
                    if v.verb == Verb::Lengthened {
                        v.trigger = major;
                    }
                }
                [K("erase_within")] => {
                    v.verb = compare_limits(before.erase_within, after.erase_within);
                    if v.verb == Verb::Lengthened {
                        v.trigger = major;
                    }
                }
                [K("handling")] if after.handling == Handling::ByHand => v.trigger = major,
                [K("conditions" | "portability_conditions" | "blockers"), I(_)] if cx.added() => v.trigger = major,
                [K("extra_pi_required")] if cx.became(true) => v.trigger = major,
                _ => {}
            }
        }
        _ => {}
    }
}

/// `[tracking]`: ignoring a Do-Not-Track or GPC signal that was honoured takes away a way
/// users refuse tracking (PIPL 44): a change to how a right is exercised (5.5 d).
pub(super) fn tracking(cx: &Cx<'_>, signal: &str, v: &mut Verdict) {
    let get = |m: &Manifest| match signal {
        "do_not_track" => m.tracking.do_not_track,
        "gpc" => m.tracking.gpc,
        _ => None,
    };
    let honoured = |h: Option<SignalHandling>| h == Some(SignalHandling::Honoured);
    if honoured(get(cx.old)) && !honoured(get(cx.new)) {
        v.trigger = Some(Trigger::Rights);
    }
}

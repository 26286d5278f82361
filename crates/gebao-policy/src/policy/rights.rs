//! Chapter "your rights and how to exercise them": each offered right with its channel and
//! deadline (PIPL 44–48, NOT-03, RGT-01/02), cancellation conditions, blockers and erasure
//! time (RGT-04/05), automated decisions (PIPL 24, ADM-01/02/05), repeated-request fees
//! (RGT-06), grounds to refuse, and deceased users' relatives (PIPL 49, RGT-07).

use crate::catalogue::rights as k;
use crate::md::{Writer, esc};
use crate::text::{channels, clause, items_in, md, md_opt, sentence, via};
use crate::view;
use gebao_core::Manifest;
use gebao_core::manifest::{DeadlineStart, FeeBasis, Handling, LegalBasis, RepeatAction, Right, RightKind};
use gebao_core::text::Text;

pub(super) fn write(w: &mut Writer, m: &Manifest) {
    w.say(k::RIGHTS_INTRO);
    for (kind, right) in m.rights.offered() {
        one_right(w, m, kind, right);
    }
    automated(w, m);
    requests(w, m);
    deceased(w, m);
}

fn texts(kind: RightKind) -> (Text, Text) {
    match kind {
        RightKind::Access => (k::RIGHT_ACCESS_TITLE, k::RIGHT_ACCESS),
        RightKind::Copy => (k::RIGHT_COPY_TITLE, k::RIGHT_COPY),
        RightKind::Portability => (k::RIGHT_PORTABILITY_TITLE, k::RIGHT_PORTABILITY),
        RightKind::Correction => (k::RIGHT_CORRECTION_TITLE, k::RIGHT_CORRECTION),
        RightKind::Deletion => (k::RIGHT_DELETION_TITLE, k::RIGHT_DELETION),
        RightKind::Restriction => (k::RIGHT_RESTRICTION_TITLE, k::RIGHT_RESTRICTION),
        RightKind::Withdrawal => (k::RIGHT_WITHDRAWAL_TITLE, k::RIGHT_WITHDRAWAL),
        RightKind::Cancellation => (k::RIGHT_CANCELLATION_TITLE, k::RIGHT_CANCELLATION),
        RightKind::Explanation => (k::RIGHT_EXPLANATION_TITLE, k::RIGHT_EXPLANATION),
        RightKind::Complaint => (k::RIGHT_COMPLAINT_TITLE, k::RIGHT_COMPLAINT),
    }
}

fn one_right(w: &mut Writer, m: &Manifest, kind: RightKind, r: &Right) {
    let lang = w.lang;
    let mut listed: Vec<String> = Vec::new();
    let (title, body) = texts(kind);
    w.section(title);
    w.say(body);

    match kind {
        RightKind::Deletion => {
            let cases = [
                k::DELETION_PURPOSE,
                k::DELETION_STOPPED,
                k::DELETION_WITHDRAWN,
                k::DELETION_UNLAWFUL,
                k::DELETION_OTHER,
            ];
            let items: Vec<String> = cases.iter().map(|b| w.t(*b).to_owned()).collect();
            w.bullets(&items);
        }
        RightKind::Portability => {
            let items = items_in(lang, &r.portability_conditions, &r.portability_conditions_en);
            if !items.is_empty() {
                w.say(k::PORTABILITY_CONDITIONS);
                w.bullets(&items);
            }
        }
        RightKind::Withdrawal => {
            // Purposes withdrawn the same way share one line, in the manifest's order.
            let mut by_path: Vec<(String, Vec<String>)> = Vec::new();
            for p in m.purposes.iter().filter(|p| p.basis == LegalBasis::Consent) {
                let Some(path) = md_opt(lang, &p.consent.withdraw, &p.consent.withdraw_en).map(via) else { continue };
                let name = view::purpose(lang, p);
                match by_path.iter_mut().find(|(known, _)| *known == path) {
                    Some((_, names)) => names.push(name),
                    None => by_path.push((path, vec![name])),
                }
            }
            let items: Vec<String> = by_path
                .iter()
                .filter_map(|(path, names)| {
                    w.f(
                        crate::catalogue::common::LABELLED,
                        &[("label", &crate::text::join(lang, names)), ("value", &format!("“{path}”"))],
                    )
                })
                .collect();
            if !items.is_empty() {
                w.say(k::WITHDRAWAL_PATHS);
                w.bullets(&items);
            }
        }
        RightKind::Cancellation => {
            let conditions = items_in(lang, &r.conditions, &r.conditions_en);
            if !conditions.is_empty() {
                w.say(k::CANCEL_CONDITIONS);
                w.bullets(&conditions);
            }
            let blockers: Vec<String> = r
                .blockers
                .iter()
                .map(|b| clause(&md(lang, &b.description, &b.description_en)))
                .filter(|s| !s.is_empty())
                .collect();
            if !blockers.is_empty() {
                w.say(k::CANCEL_BLOCKERS);
                w.bullets(&blockers);
            }
        }
        RightKind::Complaint => {
            let contact = m.controller.complaints.as_ref().filter(|c| !c.is_empty()).unwrap_or(&m.controller.contact);
            listed = channels(lang, contact);
            if !listed.is_empty() {
                w.say(k::COMPLAINT_CHANNELS);
                w.bullets(&listed);
            }
        }
        _ => {}
    }

    // A right's own channel wins over the default one in both languages: its English text,
    // else its zh-CN text; only a right without a channel falls back to `[rights]`.
    let channel = match r.channel.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(zh) => Some(esc(lang.pick(zh, r.channel_en.as_deref()))),
        None => md_opt(lang, &m.rights.channel, &m.rights.channel_en),
    }
    .map(via)
    .filter(|s| !s.is_empty())
    // The complaint channels are listed above; do not name one of them twice.
    .filter(|c| !listed.iter().any(|item| item.ends_with(c.as_str())));
    let self_service = r.handling == Handling::SelfService;
    let verified = m.rights.deadline_from_of(r) == DeadlineStart::Verification;
    // "立即" is a moment, not a period: never "在立即内" / "within immediately".
    let deadline = m.rights.deadline_of(r).and_then(|d| {
        let text = match (d.is_zero(), verified, self_service) {
            (true, false, _) => k::RIGHT_DEADLINE_NOW,
            (true, true, _) => k::RIGHT_DEADLINE_VERIFIED_NOW,
            (false, false, false) => k::RIGHT_DEADLINE,
            (false, false, true) => k::RIGHT_DEADLINE_ASSIST,
            (false, true, false) => k::RIGHT_DEADLINE_VERIFIED,
            (false, true, true) => k::RIGHT_DEADLINE_VERIFIED_ASSIST,
        };
        w.f(text, &[("time", &view::duration(lang, &d))])
    });
    let erase = (kind == RightKind::Cancellation).then_some(r.erase_within).flatten().and_then(|d| {
        if d.is_zero() {
            Some(w.t(k::CANCEL_ERASE_NOW).to_owned())
        } else {
            w.f(k::CANCEL_ERASE, &[("time", &view::duration(lang, &d))])
        }
    });
    // The note comes after the lists: some right texts end with a colon that opens a list.
    let note = md_opt(lang, &r.note, &r.note_en).and_then(|n| sentence(lang, &n));
    w.para([
        note,
        channel.and_then(|c| w.f(k::RIGHT_CHANNEL, &[("channel", &c)])),
        self_service.then(|| w.t(k::RIGHT_SELF_SERVICE).to_owned()),
        deadline,
        erase,
    ]);
}

/// Automated decision-making and personalisation (PIPL 24; ALGO 17).
fn automated(w: &mut Writer, m: &Manifest) {
    let lang = w.lang;
    let list: Vec<_> = m.purposes.iter().filter_map(|p| p.automated.as_ref().map(|a| (p, a))).collect();
    if list.is_empty() {
        return;
    }
    w.section(k::SEC_ADM);
    w.say(k::ADM_INTRO);
    for (p, a) in &list {
        w.item_heading(&view::purpose(lang, p));
        let description = sentence(lang, &esc(lang.pick(&a.description, a.description_en.as_deref())));
        let explanation = md_opt(lang, &a.explanation, &a.explanation_en).map(via);
        let opt_out = md_opt(lang, &a.opt_out, &a.opt_out_en).map(via);
        let filing = view::plain(&a.algorithm_filing);
        w.para([
            description,
            explanation.and_then(|t| w.f(k::ADM_EXPLAIN, &[("path", &t)])),
            opt_out.and_then(|t| w.f(k::ADM_OPT_OUT, &[("path", &t)])),
            a.opt_out_immediate.then(|| w.t(k::ADM_IMMEDIATE).to_owned()),
            a.non_personalised_option.then(|| w.t(k::ADM_NON_PERSONAL).to_owned()),
            a.tags_manageable.then(|| w.t(k::ADM_TAGS).to_owned()),
            filing.and_then(|t| w.f(k::ADM_FILING, &[("number", &t)])),
        ]);
    }
    let fair = list.iter().all(|(_, a)| !a.differential_pricing);
    w.para([fair.then(|| w.t(k::ADM_FAIR).to_owned()), Some(w.t(k::ADM_SIGNIFICANT).to_owned())]);
}

/// Identity checks, fees for repeated requests and grounds to refuse (RGT-06; part E).
fn requests(w: &mut Writer, m: &Manifest) {
    let lang = w.lang;
    w.section(k::SEC_REQUESTS);
    let repeat = m.rights.repeat.as_ref().and_then(|r| {
        let period = view::duration(lang, &r.per);
        let free = r.free.to_string();
        match r.then {
            RepeatAction::Charge => {
                let fee = w.t(match r.fee {
                    Some(FeeBasis::Other) => k::FEE_OTHER,
                    Some(FeeBasis::Cost) | None => k::FEE_COST,
                });
                w.f(k::REQ_REPEAT_CHARGE, &[("period", &period), ("free", &free), ("fee", fee)])
            }
            RepeatAction::Refuse => w.f(k::REQ_REPEAT_REFUSE, &[("period", &period), ("free", &free)]),
        }
    });
    w.para([Some(w.t(k::REQ_VERIFY).to_owned()), Some(w.t(k::REQ_FREE).to_owned()), repeat]);
    w.say(k::REQ_REFUSE_INTRO);
    let grounds: Vec<String> = [k::REFUSE_IDENTITY, k::REFUSE_OTHERS, k::REFUSE_LEGAL, k::REFUSE_STATE]
        .iter()
        .map(|b| w.t(*b).to_owned())
        .collect();
    w.bullets(&grounds);
    w.say(k::REQ_REFUSE_REASON);
}

/// PIPL 49: close relatives of a deceased user.
fn deceased(w: &mut Writer, m: &Manifest) {
    let Some(d) = m.rights.deceased.as_ref().filter(|d| d.relatives) else { return };
    w.section(k::SEC_DECEASED);
    let channel = md_opt(w.lang, &d.channel, &d.channel_en);
    w.para([Some(w.t(k::DECEASED).to_owned()), channel.and_then(|c| w.f(k::DECEASED_CHANNEL, &[("channel", &c)]))]);
}

//! Chapter "your rights and how to exercise them": each offered right with its channel and
//! deadline (PIPL 44–48, NOT-03, RGT-01/02), cancellation conditions, blockers and erasure
//! time (RGT-04/05), automated decisions (PIPL 24, ADM-01/02/05), repeated-request fees
//! (RGT-06), grounds to refuse, and deceased users' relatives (PIPL 49, RGT-07).

use crate::catalogue::rights as k;
use crate::md::{Writer, esc};
use crate::text::{channels, clause, md, md_opt, sentence};
use crate::view;
use gebao_core::Manifest;
use gebao_core::manifest::{FeeBasis, Handling, LegalBasis, RepeatAction, Right, RightKind};
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

/// Manifest strings that have no English variant in the model, escaped.
fn plain_items(items: &[String]) -> Vec<String> {
    items.iter().map(|s| clause(&esc(s))).filter(|s| !s.is_empty()).collect()
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
            let items = plain_items(&r.portability_conditions);
            if !items.is_empty() {
                w.say(k::PORTABILITY_CONDITIONS);
                w.bullets(&items);
            }
        }
        RightKind::Withdrawal => {
            // Purposes withdrawn the same way share one line, in the manifest's order.
            let mut by_path: Vec<(String, Vec<String>)> = Vec::new();
            for p in m.purposes.iter().filter(|p| p.basis == LegalBasis::Consent) {
                let Some(path) = md_opt(lang, &p.consent.withdraw, &p.consent.withdraw_en) else { continue };
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
            let conditions = plain_items(&r.conditions);
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
    .filter(|s| !s.is_empty())
    // The complaint channels are listed above; do not name one of them twice.
    .filter(|c| !listed.iter().any(|item| item.ends_with(c.as_str())));
    let self_service = r.handling == Handling::SelfService;
    let deadline = m.rights.deadline_of(r).map(|d| view::duration(lang, &d));
    let erase = (kind == RightKind::Cancellation).then(|| r.erase_within.map(|d| view::duration(lang, &d))).flatten();
    // The note comes after the lists: some right texts end with a colon that opens a list.
    let note = md_opt(lang, &r.note, &r.note_en).and_then(|n| sentence(lang, &n));
    w.para([
        note,
        channel.and_then(|c| w.f(k::RIGHT_CHANNEL, &[("channel", &c)])),
        self_service.then(|| w.t(k::RIGHT_SELF_SERVICE).to_owned()),
        deadline.and_then(|d| {
            w.f(if self_service { k::RIGHT_DEADLINE_ASSIST } else { k::RIGHT_DEADLINE }, &[("time", &d)])
        }),
        erase.and_then(|d| w.f(k::CANCEL_ERASE, &[("time", &d)])),
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
        let explanation = view::plain(&a.explanation);
        let opt_out = md_opt(lang, &a.opt_out, &a.opt_out_en);
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
    let channel = view::plain(&d.channel);
    w.para([Some(w.t(k::DECEASED).to_owned()), channel.and_then(|c| w.f(k::DECEASED_CHANNEL, &[("channel", &c)]))]);
}

//! Chapter "how we collect and use your personal information": the scenario → fields →
//! purpose table, basic and additional functions (NEC; GB/T 41391), the legal basis of each
//! purpose (PIPL 13), sensitive PI with its necessity and impact in bold (PIPL 30, NOT-08),
//! retention per purpose (NOT-07) and device permissions.

use crate::catalogue::collect as k;
use crate::md::{Writer, bold, esc};
use crate::text::{clause, join, md, md_opt, sentence};
use crate::view;
use gebao_core::Manifest;
use gebao_core::duration::Duration;
use gebao_core::manifest::{Function, LegalBasis, Purpose, Retention};

pub(super) fn write(w: &mut Writer, m: &Manifest) {
    w.say(k::COLLECT_INTRO);
    overview(w, m);
    for (function, title, intro) in [
        (Function::Basic, k::SEC_BASIC, k::BASIC_INTRO),
        (Function::Additional, k::SEC_ADDITIONAL, k::ADDITIONAL_INTRO),
    ] {
        let purposes: Vec<&Purpose> = m.purposes.iter().filter(|p| p.function == function).collect();
        if purposes.is_empty() {
            continue;
        }
        w.section(title);
        w.say(intro);
        for (i, p) in purposes.into_iter().enumerate() {
            purpose(w, m, i + 1, p);
        }
    }
    without_consent(w, m);
    permissions(w, m);
}

/// The summary table of seed 004: one row per business scenario.
fn overview(w: &mut Writer, m: &Manifest) {
    if m.scenarios.is_empty() {
        return;
    }
    let lang = w.lang;
    w.section(k::SEC_OVERVIEW);
    w.say(k::OVERVIEW_INTRO);
    let any_permission = m.scenarios.iter().any(|s| !s.permissions.is_empty());
    let rows: Vec<Vec<Option<String>>> = m
        .scenarios
        .iter()
        .map(|s| {
            let permissions: Vec<String> = s.permissions.iter().map(|p| p.label().get(lang).to_owned()).collect();
            let permissions = if permissions.is_empty() {
                any_permission.then(|| w.t(k::NO_PERMISSION).to_owned())
            } else {
                Some(join(lang, &permissions))
            };
            let purposes: Vec<String> =
                s.purposes.iter().filter_map(|id| m.purpose(id.as_str())).map(|p| view::purpose(lang, p)).collect();
            vec![
                Some(view::scenario(lang, s)),
                view::field_list(lang, &view::scenario_fields(m, s)),
                permissions,
                (!purposes.is_empty()).then(|| join(lang, &purposes)),
            ]
        })
        .collect();
    w.table(&[k::COL_SCENARIO, k::COL_FIELDS, k::COL_PERMISSIONS, k::COL_PURPOSES], &rows);
}

/// One purpose: what, which fields, on what basis, consent and withdrawal, sensitive fields,
/// retention and automated decisions.
fn purpose(w: &mut Writer, m: &Manifest, n: usize, p: &Purpose) {
    let lang = w.lang;
    w.item_heading(&format!("{n}. {}", view::purpose(lang, p)));
    let description = md_opt(lang, &p.description, &p.description_en).and_then(|d| sentence(lang, &d));
    let fields = view::field_list(lang, &view::fields(m, &p.fields));
    let consent = p.basis == LegalBasis::Consent;
    let withdraw = md_opt(lang, &p.consent.withdraw, &p.consent.withdraw_en).map(crate::text::via).filter(|_| consent);
    w.para([
        description,
        fields.and_then(|f| w.f(k::PURPOSE_FIELDS, &[("fields", &f)])),
        w.f(k::PURPOSE_BASIS, &[("basis", p.basis.label().get(lang))]),
        (consent && p.consent.separate).then(|| w.t(k::PURPOSE_SEPARATE).to_owned()),
        withdraw.and_then(|path| w.f(k::PURPOSE_WITHDRAW, &[("path", &path)])),
    ]);

    for f in m.sensitive_fields_of(p) {
        let name = md(lang, &f.name, &f.name_en);
        let necessity = md_opt(lang, &f.necessity, &f.necessity_en).map(|t| clause(&t));
        let impact = md_opt(lang, &f.impact, &f.impact_en).map(|t| clause(&t));
        let parts: Vec<String> = [
            w.f(k::SENSITIVE_NOTE, &[("field", &name)]),
            necessity.and_then(|t| w.f(k::SENSITIVE_NECESSITY, &[("text", &t)])),
            impact.and_then(|t| w.f(k::SENSITIVE_IMPACT, &[("text", &t)])),
        ]
        .into_iter()
        .flatten()
        .collect();
        if parts.is_empty() {
            continue;
        }
        // The whole statement is in bold, as the seeds print sensitive-PI notices.
        let sep = if lang == gebao_core::text::Lang::En { " " } else { "" };
        w.para([Some(bold(&parts.join(sep)))]);
    }

    if let Some(r) = &p.retention {
        let sentences = retention(w, r);
        w.para(sentences);
    }

    if let Some(a) = &p.automated {
        let text = clause(&esc(lang.pick(&a.description, a.description_en.as_deref())));
        let can_turn_off = a.opt_out.as_deref().is_some_and(|s| !s.trim().is_empty());
        w.para([
            w.f(k::PURPOSE_AUTOMATED, &[("text", &text)]),
            (p.personalised && can_turn_off).then(|| w.t(k::PURPOSE_PERSONALISED).to_owned()),
        ]);
    }
}

/// The retention sentences of a purpose.
fn retention(w: &Writer, r: &Retention) -> Vec<Option<String>> {
    let lang = w.lang;
    let period = match r.period {
        Some(Duration::Indefinite) => Some(w.t(k::RETENTION_INDEFINITE).to_owned()),
        Some(d) => {
            let period = view::duration(lang, &d);
            // A floor ("不少于六个月") stays a floor, and its end is not a date to delete on.
            let period = if r.at_least {
                w.f(crate::catalogue::storage::RETENTION_AT_LEAST, &[("period", &period)])
            } else {
                Some(period)
            };
            period.and_then(|p| w.f(k::RETENTION_PERIOD, &[("start", r.from.label().get(lang)), ("period", &p)]))
        }
        None => None,
    };
    let then = if r.at_least { k::RETENTION_THEN_FLOOR } else { k::RETENTION_THEN };
    let method = md_opt(lang, &r.method, &r.method_en).map(|t| clause(&t));
    vec![
        period,
        method.and_then(|t| w.f(k::RETENTION_METHOD, &[("method", &t)])),
        r.legal_minimum.and_then(|l| w.f(k::RETENTION_LEGAL, &[("rule", l.label().get(lang))])),
        r.then.and_then(|d| w.f(then, &[("disposal", d.label().get(lang))])),
    ]
}

/// Purposes whose legal basis is not consent (PIPL 13; CON-07).
fn without_consent(w: &mut Writer, m: &Manifest) {
    let lang = w.lang;
    let items: Vec<String> = m
        .purposes
        .iter()
        .filter(|p| p.basis != LegalBasis::Consent)
        .filter_map(|p| {
            let head = w.f(
                k::NO_CONSENT_ITEM,
                &[("purpose", &bold(&view::purpose(lang, p))), ("basis", p.basis.label().get(lang))],
            )?;
            let note = md_opt(lang, &p.basis_note, &p.basis_note_en).and_then(|n| sentence(lang, &n));
            let sep = if lang == gebao_core::text::Lang::En { " " } else { "" };
            Some(match note {
                Some(note) => format!("{head}{sep}{note}"),
                None => head,
            })
        })
        .collect();
    if items.is_empty() {
        return;
    }
    w.section(k::SEC_NO_CONSENT);
    w.say(k::NO_CONSENT_INTRO);
    w.bullets(&items);
}

/// Device permissions and where they are used.
fn permissions(w: &mut Writer, m: &Manifest) {
    if m.permissions.is_empty() {
        return;
    }
    let lang = w.lang;
    w.section(k::SEC_PERMISSIONS);
    w.say(k::PERMISSIONS_INTRO);
    let rows: Vec<Vec<Option<String>>> = m
        .permissions
        .iter()
        .map(|p| {
            let used_in: Vec<String> =
                m.scenarios.iter().filter(|s| s.permissions.contains(&p.id)).map(|s| view::scenario(lang, s)).collect();
            vec![
                Some(p.id.label().get(lang).to_owned()),
                Some(view::permission_purpose(lang, p)),
                (!used_in.is_empty()).then(|| join(lang, &used_in)),
                md_opt(lang, &p.withdraw, &p.withdraw_en),
            ]
        })
        .collect();
    w.table(&[k::COL_PERMISSION, k::COL_PERMISSION_PURPOSE, k::COL_USED_IN, k::COL_TURN_OFF], &rows);
}

//! CON-01 and CON-10: the basic functions against the necessary-PI table of NEC.

use crate::app_types::{Confirmation, NecEntry};
use crate::manifest::{Field, Function, LegalBasis, Purpose, Source};
use crate::rules::{Ctx, RuleId};
use crate::taxonomy::Category;

/// The basic functions NEC speaks of: those that ask for PI on consent or under the service
/// contract. Processing under a legal obligation (network logs, real-name checks) is not
/// "necessary PI" in NEC's sense and is judged by its own rules.
/// A basic function the manifest says is not the app type's NEC basic function, or whose PI
/// another law requires (`beyond_nec`, with the reason), is not judged by NEC either.
fn nec_applies(p: &Purpose) -> bool {
    p.function == Function::Basic
        && matches!(p.basis, LegalBasis::Consent | LegalBasis::Contract)
        && p.beyond_nec.as_deref().is_none_or(|r| r.trim().is_empty())
}

/// Fields NEC's lists do not count: content the user chooses to publish or send (the
/// service carries it, it is not collected as a condition of use) and data the operator
/// generates itself (NEC limits collection). The content flag is honoured only for
/// categories content can be; identifying data is never content.
fn outside_nec_lists(f: &Field) -> bool {
    let content = f.user_content && matches!(f.category, Category::Basic | Category::Communication | Category::Other);
    content || f.source == Source::Generated
}

/// The `{note}` of CON-01 and CON-10: empty for a verified row, a warning otherwise.
pub(super) fn note(c: Confirmation) -> (&'static str, &'static str) {
    match c {
        Confirmation::Verified(_) => ("", ""),
        Confirmation::Unconfirmed(_) => (
            "（注意：gebao 尚未根据法规原文核实该类应用的必要个人信息范围）",
            " (note: gebao has not yet confirmed this app type's necessary PI against the regulation's text)",
        ),
    }
}

/// CON-01 (NEC art. 4–5; PIPL 6) when the app type has necessary PI, CON-10 (NEC) when its
/// basic function needs none.
pub(super) fn check(cx: &mut Ctx<'_>, entry: &NecEntry) {
    let m = cx.m;
    let (note_zh, note_en) = note(entry.confirmation);
    let app = entry.app_type;
    for (i, p) in m.purposes.iter().enumerate().filter(|(_, p)| nec_applies(p)) {
        for (j, fid) in p.fields.iter().enumerate() {
            let Some(f) = m.field(fid.as_str()) else { continue };
            let at = format!("purposes[{i}].fields[{j}]");
            let args = [("purpose", p.id.as_str()), ("field", f.id.as_str())];
            if entry.needs_no_pi() {
                cx.report_bilingual(
                    RuleId::Con10,
                    at,
                    &args,
                    &[("app_type", app.name_zh(), app.name_en()), ("note", note_zh, note_en)],
                );
            } else if !entry.allows(f.category) && !outside_nec_lists(f) {
                let cat = f.category.label();
                cx.report_bilingual(
                    RuleId::Con01,
                    at,
                    &args,
                    &[
                        ("category", cat.zh, cat.en),
                        ("app_type", app.name_zh(), app.name_en()),
                        ("note", note_zh, note_en),
                    ],
                );
            }
        }
    }
}

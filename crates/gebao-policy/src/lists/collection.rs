//! 个人信息收集清单: one row per field with its category, sensitivity, source, purposes
//! and the functions that collect it.

use super::head;
use crate::catalogue::{collect as col, common as c, lists as k};
use crate::md::{Rendered, Writer};
use crate::text::{join, label};
use crate::view;
use gebao_core::Manifest;
use gebao_core::text::Lang;

pub(crate) fn render(m: &Manifest, lang: Lang) -> Rendered {
    let mut w = Writer::new(lang);
    let title = head(&mut w, m, k::COLLECTION_TITLE, k::COLLECTION_INTRO);
    if m.fields.is_empty() {
        w.say(k::COLLECTION_EMPTY);
    }
    let rows: Vec<Vec<Option<String>>> = m
        .fields
        .iter()
        .map(|f| {
            let purposes: Vec<String> = m.purposes_using(&f.id).map(|p| view::purpose(lang, p)).collect();
            let scenarios: Vec<String> =
                m.scenarios.iter().filter(|s| view::scenario_uses(m, s, f)).map(|s| view::scenario(lang, s)).collect();
            vec![
                Some(view::field(lang, f)),
                Some(f.category.name(lang).to_owned()),
                Some(w.t(if f.is_sensitive() { c::YES } else { c::NO }).to_owned()),
                Some(label(lang, f.source.label())),
                (!purposes.is_empty()).then(|| join(lang, &purposes)),
                (!scenarios.is_empty()).then(|| join(lang, &scenarios)),
            ]
        })
        .collect();
    w.table(
        &[k::COL_FIELD, k::COL_CATEGORY, k::COL_SENSITIVE, k::COL_SOURCE, col::COL_PURPOSES, k::COL_SCENARIOS],
        &rows,
    );
    Rendered { title, markdown: w.finish() }
}

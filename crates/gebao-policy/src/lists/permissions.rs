//! 应用权限列表: each device permission with its purpose, the functions that ask for it,
//! platforms, the text shown when asking (NOT-13) and how to turn it off.

use super::head;
use crate::catalogue::{collect as col, lists as k};
use crate::md::{Rendered, Writer};
use crate::text::{join, md_opt, platform};
use crate::view;
use gebao_core::Manifest;
use gebao_core::text::Lang;

pub(crate) fn render(m: &Manifest, lang: Lang) -> Rendered {
    let mut w = Writer::new(lang);
    let title = head(&mut w, m, k::PERMISSIONS_TITLE, k::PERMISSIONS_LIST_INTRO);
    if m.permissions.is_empty() {
        w.say(k::PERMISSIONS_LIST_EMPTY);
    }
    let rows: Vec<Vec<Option<String>>> = m
        .permissions
        .iter()
        .map(|p| {
            let used_in: Vec<String> =
                m.scenarios.iter().filter(|s| s.permissions.contains(&p.id)).map(|s| view::scenario(lang, s)).collect();
            let platforms: Vec<String> =
                crate::text::dedup(p.platforms.iter().map(|pl| platform(lang, *pl).to_owned()));
            vec![
                Some(p.id.label().get(lang).to_owned()),
                Some(view::permission_purpose(lang, p)),
                (!used_in.is_empty()).then(|| join(lang, &used_in)),
                (!platforms.is_empty()).then(|| join(lang, &platforms)),
                md_opt(lang, &p.prompt, &p.prompt_en),
                md_opt(lang, &p.withdraw, &p.withdraw_en),
            ]
        })
        .collect();
    w.table(
        &[
            col::COL_PERMISSION,
            col::COL_PERMISSION_PURPOSE,
            col::COL_USED_IN,
            k::COL_PLATFORMS,
            k::COL_PROMPT,
            col::COL_TURN_OFF,
        ],
        &rows,
    );
    Rendered { title, markdown: w.finish() }
}

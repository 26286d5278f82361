//! The privacy policy: an introduction and up to nine chapters, each in its own module.
//! A chapter with nothing to say for a manifest (cookies, for an app without any) is left
//! out and the remaining chapters are numbered in order.

mod changes;
mod collect;
mod contact;
mod cookies;
mod intro;
mod minors;
mod protect;
mod rights;
mod sharing;
mod storage;

use crate::catalogue::common as c;
use crate::md::{Rendered, Writer};
use crate::view;
use gebao_core::Manifest;
use gebao_core::text::{Lang, Text};

type Chapter = (Text, fn(&mut Writer, &Manifest));

/// Renders the whole policy. `contents` asks for the in-text list of chapters (the HTML page
/// has its own linked table of contents instead).
pub(crate) fn render(m: &Manifest, lang: Lang, contents: bool) -> Rendered {
    let all: [Chapter; 9] = [
        (c::CH_COLLECT, collect::write),
        (c::CH_COOKIES, cookies::write),
        (c::CH_SHARING, sharing::write),
        (c::CH_PROTECT, protect::write),
        (c::CH_STORAGE, storage::write),
        (c::CH_RIGHTS, rights::write),
        (c::CH_MINORS, minors::write),
        (c::CH_CHANGES, changes::write),
        (c::CH_CONTACT, contact::write),
    ];
    let chapters: Vec<Chapter> =
        all.into_iter().filter(|(title, _)| *title != c::CH_COOKIES || cookies::present(m)).collect();
    let title = view::policy_title(m, lang);
    let mut w = Writer::new(lang);
    w.title(&title);
    let titles: Vec<Text> = chapters.iter().map(|(t, _)| *t).collect();
    intro::write(&mut w, m, if contents { &titles } else { &[] });
    for (title, write) in chapters {
        w.chapter(title);
        write(&mut w, m);
    }
    Rendered { title, markdown: w.finish() }
}

//! The rules of `gebao check` (`pipl-rules.md` part C). Each area of the law has a module
//! with its catalogue entries (`RULES`: id, severity, source, and the zh-CN/English texts)
//! and one `check` function that reports findings against a manifest. Rule ids are the
//! [`RuleId`] enum (`id.rs`), named as in `pipl-rules.md`.

mod adm;
mod changes;
mod consent;
mod cookies;
mod crossborder;
mod id;
mod minors;
mod notice;
mod placeholders;
mod retention;
mod rights;
mod security;
mod sensitive;
mod sharing;
mod termination;

pub use id::RuleId;
pub use placeholders::is_placeholder;

use crate::manifest::Manifest;
use crate::source_map::SourceMap;
use crate::text::{Lang, Text, fill_keeping};
use serde::Serialize;
use std::ops::Range;

/// How serious a finding is (`pipl-rules.md`: error = law or regulation; warning = a
/// recommended standard or a likely gap; info = advice).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn label(self) -> Text {
        match self {
            Severity::Info => Text::new("提示", "info"),
            Severity::Warning => Text::new("警告", "warning"),
            Severity::Error => Text::new("错误", "error"),
        }
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "info" => Ok(Severity::Info),
            "warning" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            other => Err(format!("unknown severity `{other}`: use error, warning or info")),
        }
    }
}

/// A catalogue entry: one rule.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub id: RuleId,
    pub severity: Severity,
    /// Legal source, e.g. "PIPL 17(1)".
    pub source: &'static str,
    /// The rule in one sentence.
    pub title: Text,
    /// The finding's text; `{name}` placeholders are filled from the finding's arguments.
    pub message: Text,
    /// How to fix it.
    pub hint: Text,
}

/// Every rule gebao checks, in catalogue order: the areas' entries one after the other,
/// indexed by [`RuleId::index`]. Built when the crate is compiled, which fails unless the
/// entries are exactly the rules of [`RuleId::ALL`], in that order.
static CATALOGUE: [Rule; RuleId::ALL.len()] = concat(&[
    notice::RULES,
    placeholders::RULES,
    consent::RULES,
    sensitive::RULES,
    minors::RULES,
    sharing::RULES,
    crossborder::RULES,
    retention::RULES,
    rights::RULES,
    adm::RULES,
    security::RULES,
    cookies::RULES,
    changes::RULES,
    termination::RULES,
]);

/// The areas' entries as one array, checked against [`RuleId::ALL`]. Only evaluated at
/// compile time (for [`CATALOGUE`]): its assertions are build errors, never panics at run time.
const fn concat(areas: &[&[Rule]]) -> [Rule; RuleId::ALL.len()] {
    let mut out = [areas[0][0]; RuleId::ALL.len()];
    let (mut n, mut a) = (0, 0);
    while a < areas.len() {
        let mut i = 0;
        while i < areas[a].len() {
            assert!(n < out.len(), "the catalogue has more entries than RuleId has rules");
            assert!(areas[a][i].id.index() == n, "catalogue entries must follow the order of RuleId, once each");
            out[n] = areas[a][i];
            (n, i) = (n + 1, i + 1);
        }
        a += 1;
    }
    assert!(n == out.len(), "a rule of RuleId has no catalogue entry");
    out
}

/// Every rule gebao checks, in catalogue order.
pub fn catalogue() -> impl Iterator<Item = &'static Rule> {
    CATALOGUE.iter()
}

/// One finding of `gebao check`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Serialised as the id, e.g. `RuleId::Con05`.
    pub rule: RuleId,
    pub severity: Severity,
    pub source: &'static str,
    pub message_zh: String,
    pub message_en: String,
    pub hint_zh: String,
    pub hint_en: String,
    /// Path in the manifest, e.g. `purposes[2].fields`.
    pub path: String,
    /// Byte span in the manifest text, when it could be located.
    #[serde(skip)]
    pub span: Option<Range<usize>>,
}

impl Finding {
    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::ZhCn => &self.message_zh,
            Lang::En => &self.message_en,
        }
    }

    pub fn hint(&self, lang: Lang) -> &str {
        match lang {
            Lang::ZhCn => &self.hint_zh,
            Lang::En => &self.hint_en,
        }
    }
}

/// What a check function reports into.
pub struct Ctx<'m> {
    pub m: &'m Manifest,
    out: Vec<Finding>,
}

impl<'m> Ctx<'m> {
    /// Reports rule `id` at `path`, filling the `{name}` placeholders of its texts from
    /// `args` (the same value in both languages).
    pub fn report(&mut self, id: RuleId, path: impl Into<String>, args: &[(&str, &str)]) {
        self.report_bilingual(id, path, args, &[]);
    }

    /// Like [`Ctx::report`], with arguments whose text differs by language (zh, en).
    pub fn report_bilingual(
        &mut self,
        id: RuleId,
        path: impl Into<String>,
        args: &[(&str, &str)],
        bi: &[(&str, &str, &str)],
    ) {
        let rule = id.rule();
        // Per language: the shared arguments, then those whose text differs by language.
        let with = |lang: Lang| -> Vec<(&str, &str)> {
            let own = bi.iter().map(|(k, zh, en)| (*k, if lang == Lang::ZhCn { *zh } else { *en }));
            args.iter().copied().chain(own).collect()
        };
        let (zh, en) = (with(Lang::ZhCn), with(Lang::En));
        self.out.push(Finding {
            rule: rule.id,
            severity: rule.severity,
            source: rule.source,
            message_zh: fill_keeping(rule.message.zh, &zh),
            message_en: fill_keeping(rule.message.en, &en),
            hint_zh: fill_keeping(rule.hint.zh, &zh),
            hint_en: fill_keeping(rule.hint.en, &en),
            path: path.into(),
            span: None,
        });
    }
}

/// Runs every rule on a manifest. With the manifest's text, findings are placed in it.
pub fn check(m: &Manifest, src: Option<&str>) -> Vec<Finding> {
    let mut cx = Ctx { m, out: Vec::new() };
    notice::check(&mut cx);
    placeholders::check(&mut cx);
    consent::check(&mut cx);
    sensitive::check(&mut cx);
    minors::check(&mut cx);
    sharing::check(&mut cx);
    crossborder::check(&mut cx);
    retention::check(&mut cx);
    rights::check(&mut cx);
    adm::check(&mut cx);
    security::check(&mut cx);
    cookies::check(&mut cx);
    changes::check(&mut cx);
    termination::check(&mut cx);
    let mut out = cx.out;
    if let Some(src) = src {
        let map = SourceMap::new(src);
        for f in &mut out {
            f.span = map.span(&f.path);
        }
    }
    out.sort_by(|a, b| {
        let pos = |f: &Finding| f.span.as_ref().map_or(usize::MAX, |s| s.start);
        b.severity.cmp(&a.severity).then(pos(a).cmp(&pos(b))).then(a.rule.as_str().cmp(b.rule.as_str()))
    });
    out
}

#[cfg(test)]
pub(crate) mod tests;

//! The rules of `gebao check` (`pipl-rules.md` part C). Each area of the law has a module
//! with its catalogue entries (`RULES`: id, severity, source, and the zh-CN/English texts)
//! and one `check` function that reports findings against a manifest. Rule ids are the
//! [`RuleId`] enum (`id.rs`), named as in `pipl-rules.md`.

mod adm;
mod changes;
mod conditions;
mod consent;
mod cookies;
mod crossborder;
mod grounds;
mod id;
mod minors;
mod notice;
mod placeholders;
mod retention;
mod rights;
pub mod scan;
mod security;
mod sensitive;
mod sharing;
pub mod site;
mod termination;
mod waivers;

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

/// How binding the legal text behind a rule is: a law, regulation, departmental rule,
/// normative document or mandatory standard binds; a recommended standard (GB/T) and
/// practice do not. A rule that reports errors is bound by a mandatory text (a test holds it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Force {
    /// 法律: PIPL, CSL, ECL, AML.
    Law,
    /// 行政法规 (State Council): NDSMR, MINOR.
    Regulation,
    /// 部门规章: CHILD, XB24, FACE, ALGO, AUDIT, XBCERT, INCID, NETID.
    DepartmentalRule,
    /// 规范性文件 applied by the regulators: APP19, NEC, CAC notices.
    NormativeDocument,
    /// 强制性国家标准 (GB).
    MandatoryStandard,
    /// 推荐性国家标准 (GB/T): 35273, 41391, 42574, 45574.
    RecommendedStandard,
    /// No legal text: common practice or the seeds' own promises.
    Practice,
}

impl Force {
    pub const ALL: [Force; 7] = [
        Force::Law,
        Force::Regulation,
        Force::DepartmentalRule,
        Force::NormativeDocument,
        Force::MandatoryStandard,
        Force::RecommendedStandard,
        Force::Practice,
    ];

    /// Whether the text binds the operator (everything but a recommended standard or practice).
    pub fn is_mandatory(self) -> bool {
        !matches!(self, Force::RecommendedStandard | Force::Practice)
    }

    /// The id used in JSON output (`departmental-rule`).
    pub fn as_str(self) -> &'static str {
        match self {
            Force::Law => "law",
            Force::Regulation => "regulation",
            Force::DepartmentalRule => "departmental-rule",
            Force::NormativeDocument => "normative-document",
            Force::MandatoryStandard => "mandatory-standard",
            Force::RecommendedStandard => "recommended-standard",
            Force::Practice => "practice",
        }
    }

    pub fn label(self) -> Text {
        match self {
            Force::Law => Text::new("法律（强制）", "law (mandatory)"),
            Force::Regulation => Text::new("行政法规（强制）", "administrative regulation (mandatory)"),
            Force::DepartmentalRule => Text::new("部门规章（强制）", "departmental rule (mandatory)"),
            Force::NormativeDocument => Text::new("规范性文件（强制）", "normative document (mandatory)"),
            Force::MandatoryStandard => Text::new("强制性国家标准", "mandatory national standard"),
            Force::RecommendedStandard => Text::new("推荐性国家标准（非强制）", "recommended standard (not mandatory)"),
            Force::Practice => Text::new("实践做法（无法律依据）", "practice (no legal text)"),
        }
    }
}

/// A catalogue entry: one rule.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub id: RuleId,
    /// The most serious a finding of the rule can be; some findings are reported lower,
    /// with the reason in their text.
    pub severity: Severity,
    /// Legal source, e.g. "PIPL 17(1)".
    pub source: &'static str,
    /// The text among the sources that makes the rule binding (or "—" for practice).
    pub binding: &'static str,
    /// How binding that text is.
    pub force: Force,
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
    waivers::RULES,
    consent::RULES,
    grounds::RULES,
    sensitive::RULES,
    minors::RULES,
    sharing::RULES,
    crossborder::RULES,
    retention::RULES,
    rights::RULES,
    conditions::RULES,
    adm::RULES,
    security::RULES,
    cookies::RULES,
    changes::RULES,
    termination::RULES,
    scan::RULES,
    site::RULES,
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
    /// Path in the manifest, e.g. `purposes[2].fields`: the first place, in the source,
    /// of the finding.
    pub path: String,
    /// The other places in the same section with the same problem, grouped into this
    /// finding (its message names them all).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<String>,
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
        self.report_at(id, id.rule().severity, path, args, bi);
    }

    /// Like [`Ctx::report_bilingual`], at `severity` (never above the rule's own): for a
    /// finding the manifest cannot settle, which the operator is asked to confirm.
    pub fn report_at(
        &mut self,
        id: RuleId,
        severity: Severity,
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
            severity: severity.min(rule.severity),
            source: rule.source,
            message_zh: fill_keeping(rule.message.zh, &zh),
            message_en: fill_keeping(rule.message.en, &en),
            hint_zh: fill_keeping(rule.hint.zh, &zh),
            hint_en: fill_keeping(rule.hint.en, &en),
            path: path.into(),
            also: Vec::new(),
            span: None,
        });
    }
}

/// Runs every rule on a manifest. With the manifest's text, findings are placed in it.
pub fn check(m: &Manifest, src: Option<&str>) -> Vec<Finding> {
    let mut cx = Ctx { m, out: Vec::new() };
    notice::check(&mut cx);
    placeholders::check(&mut cx);
    waivers::check(&mut cx);
    consent::check(&mut cx);
    grounds::check(&mut cx);
    sensitive::check(&mut cx);
    minors::check(&mut cx);
    sharing::check(&mut cx);
    crossborder::check(&mut cx);
    retention::check(&mut cx);
    rights::check(&mut cx);
    conditions::check(&mut cx);
    adm::check(&mut cx);
    security::check(&mut cx);
    cookies::check(&mut cx);
    changes::check(&mut cx);
    termination::check(&mut cx);
    finish(cx.out, src)
}

/// Places findings in the manifest's text (when given), groups them per section and sorts
/// them: most serious first, then in the order of the source.
fn finish(mut out: Vec<Finding>, src: Option<&str>) -> Vec<Finding> {
    if let Some(src) = src {
        let map = SourceMap::new(src);
        for f in &mut out {
            f.span = map.span(&f.path);
        }
    }
    let mut out = grouped(out);
    out.sort_by(|a, b| {
        let pos = |f: &Finding| f.span.as_ref().map_or(usize::MAX, |s| s.start);
        b.severity.cmp(&a.severity).then(pos(a).cmp(&pos(b))).then(a.rule.as_str().cmp(b.rule.as_str()))
    });
    out
}

/// The section of the manifest a path is in: `purposes[2].fields[1]` → `purposes`.
fn section(path: &str) -> &str {
    path.split(['.', '[']).next().unwrap_or(path)
}

/// One finding per rule, severity and manifest section: the same problem at several places
/// (per field, per purpose, per right) is one finding placed at its first place in the
/// source, whose message lists every place.
fn grouped(mut findings: Vec<Finding>) -> Vec<Finding> {
    use std::collections::{HashMap, HashSet};
    // Stable: findings without a place keep the order they were reported in.
    findings.sort_by_key(|f| f.span.as_ref().map_or(usize::MAX, |s| s.start));
    let mut out: Vec<Finding> = Vec::new();
    let mut parts: Vec<[Vec<String>; 4]> = Vec::new();
    let mut index: HashMap<(RuleId, Severity, String), usize> = HashMap::new();
    // (group, text kind, text) and (group, path) already taken in, so that large manifests
    // stay linear.
    let mut seen: HashSet<(usize, usize, String)> = HashSet::new();
    for f in findings {
        let key = (f.rule, f.severity, section(&f.path).to_owned());
        match index.get(&key).copied() {
            Some(i) => {
                let texts = [f.message_zh, f.message_en, f.hint_zh, f.hint_en];
                for (k, (list, text)) in parts[i].iter_mut().zip(texts).enumerate() {
                    if seen.insert((i, k, text.clone())) {
                        list.push(text);
                    }
                }
                if seen.insert((i, 4, f.path.clone())) {
                    out[i].also.push(f.path);
                }
            }
            None => {
                let i = out.len();
                let texts = [f.message_zh.clone(), f.message_en.clone(), f.hint_zh.clone(), f.hint_en.clone()];
                for (k, t) in texts.iter().enumerate() {
                    seen.insert((i, k, t.clone()));
                }
                seen.insert((i, 4, f.path.clone()));
                parts.push(texts.map(|t| vec![t]));
                index.insert(key, i);
                out.push(f);
            }
        }
    }
    for (f, [mzh, men, hzh, hen]) in out.iter_mut().zip(parts) {
        f.message_zh = joined(&mzh, "、", "；");
        f.message_en = joined(&men, ", ", "; ");
        f.hint_zh = hzh.join("；");
        f.hint_en = hen.join("; ");
    }
    out
}

/// Several messages of one rule as one text. What they share before the first differing
/// `` `name` `` is said once: "basic function `browse` uses `a`, `b`" rather than the whole
/// sentence per field. The tails are listed with `list` when each is one `` `name` `` and the
/// sentences end alike, else with `sentences`; with nothing shared, the messages are joined.
fn joined(messages: &[String], list: &str, sentences: &str) -> String {
    let texts: Vec<Vec<char>> = messages.iter().map(|m| m.chars().collect()).collect();
    let [first, rest @ ..] = texts.as_slice() else { return String::new() };
    if rest.is_empty() {
        return messages.join(sentences);
    }
    let text = |cs: &[char]| cs.iter().collect::<String>();
    // The shared beginning, cut back to just before a backquote.
    let common = rest.iter().map(|m| first.iter().zip(m).take_while(|(a, b)| a == b).count()).min().unwrap_or(0);
    let head = first[..common].iter().rposition(|c| *c == '`').unwrap_or(0);
    if head == 0 {
        return messages.join(sentences);
    }
    // A shared part that ends after a whole `name` (an even number of backquotes) is said
    // up to the first break after the name ("recipient `x`: "), not cut inside its quotes.
    if first[..=head].iter().filter(|c| **c == '`').count() % 2 == 0 {
        let after = head + 1;
        let mut cut =
            first[after..common].iter().position(|c| "：:，,；;".contains(*c)).map_or(after, |i| after + i + 1);
        while cut < common && first[cut].is_whitespace() {
            cut += 1;
        }
        let items: Vec<String> = texts.iter().map(|m| text(&m[cut..])).collect();
        return format!("{}{}", text(&first[..cut]), items.join(sentences));
    }
    // The shared end (after the beginning), cut forward to just after a backquote.
    let common = texts
        .iter()
        .map(|m| first.iter().rev().zip(m.iter().rev()).take_while(|(a, b)| a == b).count().min(m.len() - head))
        .min()
        .unwrap_or(0);
    let start = first.len() - common;
    let Some(tail) = first[start..].iter().position(|c| *c == '`').map(|i| common - i - 1) else {
        let items: Vec<String> = texts.iter().map(|m| text(&m[head..])).collect();
        return format!("{}{}", text(&first[..head]), items.join(sentences));
    };
    let middles: Vec<&[char]> = texts.iter().map(|m| &m[head..m.len() - tail]).collect();
    let name =
        |m: &&[char]| m.first() == Some(&'`') && m.last() == Some(&'`') && m.iter().filter(|c| **c == '`').count() == 2;
    if middles.iter().all(name) {
        let items: Vec<String> = middles.iter().map(|m| text(m)).collect();
        format!("{}{}{}", text(&first[..head]), items.join(list), text(&first[first.len() - tail..]))
    } else {
        let items: Vec<String> = texts.iter().map(|m| text(&m[head..])).collect();
        format!("{}{}", text(&first[..head]), items.join(sentences))
    }
}

#[cfg(test)]
pub(crate) mod tests;

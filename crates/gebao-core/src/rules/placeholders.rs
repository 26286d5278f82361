//! NOT-14 (PIPL 17: notice must be true, accurate and complete): template text left in the
//! published policy — unfilled slots (`[公司邮箱]`, `【公司名称】`), `XXX`, editor
//! instructions (`补充…方式`, `请根据实际情况填写`), review marks (`批注 [1]`), empty links
//! (`[邮箱](#)`), and contact values that cannot be what their key says; and, as a warning,
//! articles of the Cybersecurity Law cited by their numbers before the 2025 amendment (in
//! force 2026-01-01: old 21 → 23, old 49 → 51). gebao's own rule: the catalogue of the law
//! has no id for it, so it extends the notice area.

use super::{Ctx, Force, Rule, RuleId, Severity::*};
use crate::text::Text as B;
use serde_json::Value;

pub const RULES: &[Rule] = &[Rule {
    id: RuleId::Not14,
    severity: Error,
    source: "PIPL 7, 17",
    binding: "PIPL 7",
    force: Force::Law,
    title: B::new(
        "政策文本中不得残留模板占位符或编辑批注",
        "No template placeholders or editor marks left in the policy text",
    ),
    message: B::new("`{path}` {what}：{text}", "`{path}` {what}: {text}"),
    hint: B::new(
        "填写真实内容（法律条文按现行编号引用），或删除该项；告知应当真实、准确、完整",
        "fill in the real value (citing laws by their current article numbers) or remove the entry: notice must be true, accurate and complete",
    ),
}];

/// Words that mark a bracketed slot as a placeholder (brackets alone do not: `【我的】→【设置】`
/// is a menu path).
const SLOT_WORDS: &[&str] =
    &["公司", "产品", "名称", "邮箱", "电话", "传真", "地址", "时间", "日期", "链接", "网址", "填写", "姓名"];
const INSTRUCTIONS: &[&str] = &[
    "请根据实际情况",
    "请填写",
    "此处填写",
    "待补充",
    "待定",
    "格式请参照",
    "按照自己",
    "TODO",
    "TBD",
    "批注 [",
    "批注[",
    "删除的内容",
    "插入的内容",
    "带格式的",
];
const BRACKETS: &[(char, char)] = &[('[', ']'), ('{', '}'), ('【', '】'), ('［', '］'), ('｛', '｝')];

/// Whether a text looks like template text left unfilled. `gebao check` reports such
/// values (NOT-14) and `gebao render` leaves them out, so the two always agree.
pub fn is_placeholder(text: &str) -> bool {
    placeholder(text).is_some()
}

/// Why a text looks like a placeholder, if it does.
pub(crate) fn placeholder(text: &str) -> Option<&'static str> {
    let t = text.trim();
    if t.contains("](#)") {
        return Some("empty link");
    }
    if !t.is_empty() && t.chars().all(|c| matches!(c, '…' | '.' | '。' | ' ')) {
        return Some("ellipsis");
    }
    if INSTRUCTIONS.iter().any(|w| t.contains(w)) {
        return Some("editor instruction");
    }
    if t.starts_with("补充") && ["方式", "途径", "渠道", "内容", "说明"].iter().any(|w| t.contains(w)) {
        return Some("editor instruction");
    }
    if has_x_run(t) || t.contains("某某") {
        return Some("XXX");
    }
    for (open, close) in BRACKETS {
        let mut rest = t;
        while let Some(i) = rest.find(*open) {
            let after = &rest[i + open.len_utf8()..];
            let Some(j) = after.find(*close) else { break };
            let inner = &after[..j];
            if SLOT_WORDS.iter().any(|w| inner.contains(w))
                || (!inner.is_empty() && inner.chars().all(|c| matches!(c, 'x' | 'X' | 'ｘ' | 'Ｘ' | '…')))
            {
                return Some("bracketed slot");
            }
            rest = &after[j..];
        }
    }
    None
}

/// Citations of the Cybersecurity Law by its numbering before the amendment of 2025-10-28
/// (in force 2026-01-01), with the current article: (old, current zh, current en).
const OUTDATED_CITATIONS: &[(&str, &str, &str)] = &[
    ("网络安全法》第二十一条", "第二十三条", "art. 23"),
    ("网络安全法第二十一条", "第二十三条", "art. 23"),
    ("网络安全法》第四十九条", "第五十一条", "art. 51"),
    ("网络安全法第四十九条", "第五十一条", "art. 51"),
    ("Cybersecurity Law art. 21", "第二十三条", "art. 23"),
    ("Article 21 of the Cybersecurity Law", "第二十三条", "art. 23"),
    ("Cybersecurity Law art. 49", "第五十一条", "art. 51"),
    ("Article 49 of the Cybersecurity Law", "第五十一条", "art. 51"),
];

/// The current article of a Cybersecurity Law article cited by its old number, (zh, en).
pub(crate) fn outdated_citation(text: &str) -> Option<(&'static str, &'static str)> {
    OUTDATED_CITATIONS.iter().find(|(old, _, _)| text.contains(old)).map(|(_, zh, en)| (*zh, *en))
}

/// Two or more x/X standing as a token of their own (`XXX 服务供应商`, `xx`), not inside a word.
fn has_x_run(t: &str) -> bool {
    let is_x = |c: char| matches!(c, 'x' | 'X' | 'ｘ' | 'Ｘ');
    let chars: Vec<char> = t.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if is_x(chars[i]) {
            let start = i;
            while i < chars.len() && is_x(chars[i]) {
                i += 1;
            }
            let alone_before = start == 0 || !chars[start - 1].is_ascii_alphanumeric();
            let alone_after = i == chars.len() || !chars[i].is_ascii_alphanumeric();
            if i - start >= 2 && alone_before && alone_after {
                return true;
            }
        } else {
            i += 1;
        }
    }
    false
}

/// A contact value that cannot be what its key says.
fn bad_contact(key: &str, text: &str) -> Option<&'static str> {
    let t = text.trim();
    match key {
        "email" if !t.contains('@') => Some("not an email address"),
        "phone" if !t.chars().any(|c| c.is_ascii_digit()) => Some("not a phone number"),
        _ => None,
    }
}

/// Keys whose values are ids, enums or references, not text users read.
fn is_reference_key(key: &str) -> bool {
    matches!(
        key,
        "id" | "fields"
            | "purposes"
            | "recipients"
            | "requires"
            | "pia"
            | "permissions"
            | "kind"
            | "category"
            | "basis"
            | "function"
            | "country"
            | "countries"
            | "app_type"
            | "field"
            | "engine"
            | "connection"
            | "key"
            | "subject"
            | "table"
            | "column"
            | "references"
            | "since"
            | "group"
    )
}

pub fn check(cx: &mut Ctx<'_>) {
    let Ok(value) = serde_json::to_value(cx.m) else { return };
    let mut found = Vec::new();
    walk(&value, String::new(), "", &mut found);
    for (path, text) in found {
        let shown: String = text.chars().take(40).collect();
        cx.report_bilingual(
            RuleId::Not14,
            path.clone(),
            &[("path", &path), ("text", &shown)],
            &[("what", "的内容像是未填写的模板占位符", "looks like an unfilled template placeholder")],
        );
    }
    // CSL 21(3) is 23(3), and 49 is 51, from 2026-01-01: an outdated citation misinforms,
    // though it breaks no duty by itself (a warning).
    let mut cited = Vec::new();
    walk_texts(&value, String::new(), "", &mut cited);
    for (path, text) in cited {
        let Some((zh, en)) = outdated_citation(&text) else { continue };
        let shown: String = text.chars().take(40).collect();
        let what_zh = format!("按修订前的编号引用《网络安全法》，2026年1月1日起应为{zh}");
        let what_en = format!(
            "cites the Cybersecurity Law by its numbering before the 2025 amendment; from 1 January 2026 it is {en}"
        );
        cx.report_at(
            RuleId::Not14,
            Warning,
            path.clone(),
            &[("path", &path), ("text", &shown)],
            &[("what", &what_zh, &what_en)],
        );
    }
}

/// Every text users read, with its path.
fn walk_texts(v: &Value, path: String, key: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::String(s) if !is_reference_key(key) => out.push((path, s.clone())),
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                walk_texts(x, format!("{path}[{i}]"), key, out);
            }
        }
        Value::Object(m) => {
            for (k, x) in m {
                let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                walk_texts(x, p, k, out);
            }
        }
        _ => {}
    }
}

fn walk(v: &Value, path: String, key: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::String(s) if !is_reference_key(key) && (placeholder(s).is_some() || bad_contact(key, s).is_some()) => {
            out.push((path, s.clone()));
        }
        // Sections such as `recipients` share a name with reference lists: walk the items and
        // let the string case skip references.
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                walk(x, format!("{path}[{i}]"), key, out);
            }
        }
        Value::Object(m) => {
            for (k, x) in m {
                let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                walk(x, p, k, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::placeholder;
    use crate::rules::RuleId;
    use crate::rules::tests::{assert_quiet, assert_rule};

    #[test]
    fn recognises_template_text() {
        for t in [
            "[公司邮箱]",
            "请发送至 【公司名称】",
            "XXX 服务供应商",
            "补充获取用户信息副本的操作方式",
            "[邮箱](#)",
            "………",
            "批注 [m3]",
            "请根据实际情况填写",
            "{公司传真}",
        ] {
            assert!(placeholder(t).is_some(), "{t}");
        }
        for t in [
            "【我的】→【设置】→【隐私】",
            "privacy@example.cn",
            "Xbox 会员",
            "我的-设置-隐私",
            "OAID/IDFV",
            "max 3 taps",
        ] {
            assert!(placeholder(t).is_none(), "{t}");
        }
    }

    #[test]
    fn not_14() {
        assert_rule(RuleId::Not14, |m| m.rights.channel = Some("补充获取用户信息副本的操作方式".into()));
        assert_rule(RuleId::Not14, |m| m.controller.contact.email = Some("[公司邮箱]".into()));
        assert_rule(RuleId::Not14, |m| m.recipients[0].name = "XXX 服务供应商".into());
        assert_quiet(RuleId::Not14, |m| m.rights.channel = Some("【我的】→【设置】→【个人信息管理】".into()));
    }

    /// CSL 21(3) is 23(3) from 2026-01-01 (the amended Cybersecurity Law): seed 004's
    /// "《中华人民共和国网络安全法》第二十一条第三款" is a warning naming the current article;
    /// the current numbering is quiet.
    #[test]
    fn csl_cited_by_its_current_numbers() {
        let old = "《中华人民共和国网络安全法》第二十一条第三款要求网络日志留存不得少于六个月";
        let f = crate::rules::tests::findings_of(RuleId::Not14, |m| m.purposes[2].basis_note = Some(old.into()));
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].severity, crate::rules::Severity::Warning);
        assert!(f[0].message_zh.contains("第二十三条") && f[0].message_en.contains("art. 23"), "{f:#?}");
        assert_eq!(super::outdated_citation("网络安全法第四十九条"), Some(("第五十一条", "art. 51")));
        assert_quiet(RuleId::Not14, |m| {
            m.purposes[2].basis_note = Some("《中华人民共和国网络安全法》第二十三条第三款".into());
        });
        // No rule of gebao's own cites the old numbers.
        for r in crate::rules::catalogue() {
            for t in [r.source, r.binding, r.title.zh, r.title.en, r.message.zh, r.hint.zh, r.hint.en] {
                assert!(
                    super::outdated_citation(t).is_none() && !t.contains("CSL 21") && !t.contains("CSL 49"),
                    "{}",
                    r.id
                );
            }
        }
    }
}

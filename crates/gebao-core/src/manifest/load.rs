//! Reading a manifest from its text: UTF-8, TOML syntax, the model's shape (unknown keys,
//! wrong types, bad durations and dates), then references between its parts. Every problem
//! becomes a [`Diagnostic`] with a span and, where possible, a "did you mean".

use crate::diagnostic::{Diagnostic, LoadError, did_you_mean};
use crate::manifest::{Manifest, validate};
use crate::source_map::SourceMap;

/// Loads a manifest from raw bytes (the CLI reads the file; this stays free of I/O).
pub fn load_bytes(bytes: &[u8]) -> Result<Manifest, LoadError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        let before = &bytes[..offset];
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        LoadError::NotUtf8 { offset, line }
    })?;
    load_manifest(text)
}

/// Loads and validates a manifest from its text.
pub fn load_manifest(src: &str) -> Result<Manifest, LoadError> {
    let src_no_bom = src.strip_prefix('\u{feff}').unwrap_or(src);
    let manifest: Manifest = toml::from_str(src_no_bom).map_err(|e| {
        let offset = src.len() - src_no_bom.len();
        LoadError::Invalid(vec![from_toml_error(&e, offset)])
    })?;
    let map = SourceMap::new(src_no_bom);
    let offset = src.len() - src_no_bom.len();
    let mut diags = validate::references(&manifest, &map);
    for d in &mut diags {
        if let Some(span) = &mut d.span {
            *span = span.start + offset..span.end + offset;
        }
    }
    if diags.is_empty() { Ok(manifest) } else { Err(LoadError::Invalid(diags)) }
}

/// Turns a TOML or serde error into a diagnostic, adding a "did you mean" for unknown keys
/// and unknown values.
fn from_toml_error(e: &toml::de::Error, offset: usize) -> Diagnostic {
    let msg = e.message().trim().to_owned();
    let span = e.span().map(|s| s.start + offset..s.end + offset);
    let (code, zh) = classify(&msg);
    let parsed = unknown_and_expected(&msg);
    let (message_zh, message_en) = match &parsed {
        Some((word, _)) if code == "unknown-key" => (format!("未知的键 `{word}`"), format!("unknown key `{word}`")),
        Some((word, _)) => (format!("未知的取值 `{word}`"), format!("unknown value `{word}`")),
        None => (format!("{zh}：{msg}"), msg.clone()),
    };
    if let Some(d) = parsed.as_ref().and_then(|(word, expected)| retired(word, expected)) {
        return d.at(span, None);
    }
    let mut d = Diagnostic::new(code, message_zh, message_en).at(span, None);
    if let Some((word, expected)) = parsed {
        let candidates: Vec<&str> = expected.iter().map(String::as_str).collect();
        if let Some(best) = did_you_mean(&word, candidates.iter().copied()) {
            d = d.help(format!("是否想写 `{best}`？"), format!("did you mean `{best}`?"));
        } else if !expected.is_empty() {
            let list = expected.join("`, `");
            d = d.help(format!("可用的值：`{list}`"), format!("expected one of `{list}`"));
        }
    } else if let Some(rest) = msg.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or_default();
        d = d
            .help(format!("请添加 `{name}`（键或 [{name}] 表）"), format!("add `{name}` (a key, or a [{name}] table)"));
    }
    d
}

/// A value gebao no longer takes, with what replaces it: (the value, a value of the same set
/// that tells it was expected here, message zh, message en, help zh, help en).
type Retired = (&'static str, &'static str, &'static str, &'static str, &'static str, &'static str);

const RETIRED: &[Retired] = &[(
    // Not mapped to either part: `financial-account` would ask separate consent for order
    // records (what NEC's own necessary items are), `transaction-records` would drop it for
    // bank cards (PIPL 28). Only the operator knows which the field holds.
    "property",
    "financial-account",
    "个人信息类别 `property`（个人财产信息）已拆分为两类",
    "the PI category `property` has been split in two",
    "银行账户、银行卡号、支付账号等金融账户用 `financial-account`（《个人信息保护法》第二十八条规定的敏感个人信息，须单独同意）；订单、支付记录（时间、金额、渠道）、余额、虚拟财产等交易和消费记录用 `transaction-records`（仅在推荐性国家标准 GB/T 35273 附录B 中列为敏感）。一个字段两者都有的，拆成两个字段",
    "use `financial-account` for bank accounts, card numbers and payment accounts (sensitive under PIPL 28: separate consent), and `transaction-records` for orders, payment records (time, amount, channel), balances and virtual assets (sensitive only under the recommended GB/T 35273 appendix B); split a field that holds both",
)];

/// The diagnostic of a retired value, when `word` is one where `expected` lists its successor.
fn retired(word: &str, expected: &[String]) -> Option<Diagnostic> {
    let (_, _, zh, en, help_zh, help_en) = RETIRED.iter().find(|r| r.0 == word && expected.iter().any(|e| e == r.1))?;
    Some(Diagnostic::new("retired-value", *zh, *en).help(*help_zh, *help_en))
}

fn classify(msg: &str) -> (&'static str, &'static str) {
    if msg.starts_with("unknown field") {
        ("unknown-key", "未知的键")
    } else if msg.starts_with("unknown variant") {
        ("unknown-value", "未知的取值")
    } else if msg.starts_with("missing field") {
        ("missing-key", "缺少必填项")
    } else if msg.contains("is not a duration") {
        ("bad-duration", "时长格式错误")
    } else if msg.contains("is not a date") {
        ("bad-date", "日期格式错误")
    } else if msg.starts_with("invalid type") {
        ("wrong-type", "类型错误")
    } else if msg.contains("duplicate key") {
        ("duplicate-key", "重复的键")
    } else {
        ("toml-syntax", "清单无法解析")
    }
}

/// From "unknown field `nmae`, expected one of `id`, `name`": the word and the list.
fn unknown_and_expected(msg: &str) -> Option<(String, Vec<String>)> {
    let rest = msg.strip_prefix("unknown field `").or_else(|| msg.strip_prefix("unknown variant `"))?;
    let (word, tail) = rest.split_once('`')?;
    let expected = tail.split('`').enumerate().filter(|(i, _)| i % 2 == 1).map(|(_, s)| s.to_owned()).collect();
    Some((word.to_owned(), expected))
}

//! The summaries of changes: one sentence in zh-CN and one in English, built from the
//! label catalogue below and the names the manifests give their fields, purposes and
//! recipients. A key the catalogue does not know is shown as it is written in the manifest.

use super::ChangeKind;
use super::classify::{S, Verb, Verdict, steps};
use super::tree::RawChange;
use crate::manifest::{Manifest, PermissionKind, RightKind};
use crate::text::Text;
use serde_json::Value;

/// A summary in both languages.
pub(super) struct Summary {
    pub zh: String,
    pub en: String,
}

/// Sections of the manifest: (key, label).
const SECTIONS: &[(&str, Text)] = &[
    ("schema_version", Text::new("清单格式版本", "Manifest format version")),
    ("policy", Text::new("政策信息", "Policy")),
    ("controller", Text::new("个人信息处理者", "Controller")),
    ("organisation", Text::new("组织情况", "Organisation")),
    ("storage", Text::new("存储地点", "Storage")),
    ("fields", Text::new("个人信息字段", "Field")),
    ("purposes", Text::new("处理目的", "Purpose")),
    ("scenarios", Text::new("业务场景", "Scenario")),
    ("permissions", Text::new("设备权限", "Device permission")),
    ("recipients", Text::new("接收方", "Recipient")),
    ("datasets", Text::new("数据集", "Dataset")),
    ("cookies", Text::new("Cookie", "Cookie")),
    ("tracking", Text::new("浏览器隐私信号", "Browser privacy signals")),
    ("rights", Text::new("个人权利", "Rights")),
    ("minors", Text::new("未成年人个人信息保护", "Minors")),
    ("protection", Text::new("安全保护措施", "Security measures")),
    ("pia", Text::new("个人信息保护影响评估", "Impact assessment")),
    ("changes", Text::new("政策变更", "Policy changes")),
    ("termination", Text::new("停止运营", "Service termination")),
];

/// The subject of a right's changes (`rights.access.…`).
const RIGHT: Text = Text::new("个人权利", "Right");

/// Paths inside a subject whose meaning is more than their last key.
const PATHS: &[(&str, Text)] = &[
    ("retention.period", Text::new("保存期限", "retention period")),
    ("retention.from", Text::new("保存期限起算点", "start of the retention period")),
    ("retention.then", Text::new("到期处理方式", "disposal at the end of retention")),
    ("retention.method", Text::new("保存期限确定方式", "how retention is determined")),
    ("retention.legal_minimum", Text::new("法定最短保存期限", "legal minimum retention")),
    ("consent.withdraw", Text::new("撤回同意的方式", "how consent is withdrawn")),
    ("consent.separate", Text::new("单独同意", "separate consent")),
    ("consent.obtained_by", Text::new("取得同意的方式", "how consent is obtained")),
    ("consent.default", Text::new("同意的默认状态", "default consent state")),
    ("consent.reprompt_after", Text::new("拒绝后再次询问的间隔", "wait before asking again")),
    ("automated.opt_out", Text::new("拒绝自动化决策的方式", "how to opt out of the automated decision")),
    ("automated.significant_impact", Text::new("对个人权益有重大影响", "significant impact on the individual")),
    ("automated.differential_pricing", Text::new("交易条件差别待遇", "differential prices or terms")),
    ("automated.non_personalised_option", Text::new("不针对个人特征的选项", "non-personalised option")),
    ("automated.explanation", Text::new("说明解释渠道", "how to get an explanation")),
    ("repeat.free", Text::new("免费请求次数", "free requests")),
    ("repeat.per", Text::new("请求次数计算周期", "period of the request count")),
    ("repeat.then", Text::new("超出次数后的处理", "what happens beyond the free requests")),
    ("repeat.fee", Text::new("收费依据", "fee basis")),
    ("deceased.relatives", Text::new("近亲属行使权利", "close relatives' rights")),
    ("deceased.channel", Text::new("近亲属行使渠道", "close relatives' channel")),
];

/// Single keys.
const KEYS: &[(&str, Text)] = &[
    ("name", Text::new("名称", "name")),
    ("name_en", Text::new("英文名称", "English name")),
    ("description", Text::new("说明", "description")),
    ("description_en", Text::new("英文说明", "English description")),
    ("function", Text::new("业务功能类型", "function type")),
    ("basis", Text::new("法律依据", "legal basis")),
    ("basis_note", Text::new("法律依据说明", "note on the legal basis")),
    ("basis_note_en", Text::new("法律依据英文说明", "English note on the legal basis")),
    ("fields", Text::new("个人信息字段", "field")),
    ("requires", Text::new("前置处理目的", "prerequisite purpose")),
    ("consent", Text::new("同意方式", "consent")),
    ("retention", Text::new("保存期限", "retention")),
    ("personalised", Text::new("个性化展示", "personalisation")),
    ("automated", Text::new("自动化决策", "automated decision-making")),
    ("pia", Text::new("影响评估记录", "impact assessment")),
    ("category", Text::new("类别", "category")),
    ("precision", Text::new("精度", "precision")),
    ("sensitive", Text::new("敏感性", "sensitivity")),
    ("sensitive_reason", Text::new("敏感性说明", "reason for the sensitivity")),
    ("source", Text::new("来源", "source")),
    ("necessity", Text::new("必要性说明", "necessity")),
    ("impact", Text::new("影响说明", "impact")),
    ("kind", Text::new("类型", "kind")),
    ("company", Text::new("公司名称", "company")),
    ("company_en", Text::new("公司英文名称", "company's English name")),
    ("contact", Text::new("联系方式", "contact details")),
    ("purposes", Text::new("处理目的", "purpose")),
    ("purpose", Text::new("用途说明", "stated purpose")),
    ("method", Text::new("处理方式", "method")),
    ("policy_url", Text::new("隐私政策链接", "privacy policy link")),
    ("hosts", Text::new("网络主机", "web hosts")),
    ("country", Text::new("所在国家或地区", "country or region")),
    ("separate_consent", Text::new("单独同意", "separate consent")),
    ("deletion", Text::new("删除通知渠道", "deletion channel")),
    ("contract", Text::new("委托处理合同", "entrustment contract")),
    ("cross_border", Text::new("出境合规机制", "cross-border mechanism")),
    ("channel", Text::new("行使渠道", "channel")),
    ("channel_en", Text::new("行使渠道英文说明", "English channel text")),
    ("deadline", Text::new("答复期限", "response deadline")),
    ("handling", Text::new("处理方式", "handling")),
    ("note", Text::new("备注", "note")),
    ("conditions", Text::new("条件", "condition")),
    ("blockers", Text::new("注销前须处理的事项", "cancellation blocker")),
    ("extra_pi_required", Text::new("注销须提供额外个人信息", "extra PI required to cancel")),
    ("erase_within", Text::new("注销后删除期限", "erasure time after cancellation")),
    ("portability_conditions", Text::new("转移条件", "portability condition")),
    ("offered", Text::new("是否提供", "offered")),
    ("risk", Text::new("风险等级", "risk level")),
    ("date", Text::new("日期", "date")),
    ("summary", Text::new("摘要", "summary")),
    ("email", Text::new("电子邮件", "email")),
    ("phone", Text::new("电话", "telephone")),
    ("qq", Text::new("QQ", "QQ")),
    ("web_form", Text::new("在线表单", "web form")),
    ("in_app", Text::new("应用内入口", "in-app path")),
    ("post", Text::new("邮寄地址", "postal address")),
    ("officer", Text::new("个人信息保护负责人", "PI protection officer")),
    ("complaints", Text::new("投诉举报渠道", "complaint channels")),
    ("representative", Text::new("境内代表", "representative in China")),
    ("overseas", Text::new("境外处理者", "operator abroad")),
    ("version", Text::new("版本号", "version")),
    ("published", Text::new("更新日期", "publication date")),
    ("effective", Text::new("生效日期", "effective date")),
    ("title", Text::new("标题", "title")),
    ("title_en", Text::new("英文标题", "English title")),
    ("url", Text::new("链接", "link")),
    ("languages", Text::new("语言", "language")),
    ("countries", Text::new("国家或地区", "country or region")),
    ("audience", Text::new("适用对象", "audience")),
    ("guardian_contact", Text::new("监护人联系渠道", "guardians' contact")),
    ("do_not_track", Text::new("“请勿追踪”信号", "Do-Not-Track signal")),
    ("gpc", Text::new("全球隐私控制信号", "Global Privacy Control signal")),
    ("lifetime", Text::new("有效期", "lifetime")),
    ("provider", Text::new("设置方", "provider")),
    ("prompt", Text::new("提示文字", "prompt")),
    ("permissions", Text::new("设备权限", "device permission")),
    ("platforms", Text::new("平台", "platform")),
    ("withdraw", Text::new("关闭方式", "how to turn it off")),
    ("repeat", Text::new("重复请求限制", "limit on repeated requests")),
    ("deceased", Text::new("已故用户近亲属的权利", "rights of a deceased user's relatives")),
    ("address", Text::new("地址", "address")),
    ("product", Text::new("产品名称", "product name")),
    ("notify", Text::new("告知方式", "notification channel")),
    ("archive", Text::new("历史版本", "archive of earlier versions")),
    ("recipients", Text::new("接收方", "recipient")),
];

fn lookup(table: &[(&str, Text)], key: &str) -> Option<Text> {
    table.iter().find(|(k, _)| *k == key).map(|(_, b)| *b)
}

/// The summary of one change.
pub(super) fn summary(raw: &RawChange, verdict: &Verdict, old: &Manifest, new: &Manifest) -> Summary {
    use S::{I, K};
    let path = steps(&raw.segs);
    // Split the path into a subject (a section, a list item or a right) and what changed in it.
    let (section, subject_name, rest): (Text, Option<(String, String)>, &[S<'_>]) = match path.as_slice() {
        [K(sec), I(id), rest @ ..] => (section_label(sec), Some(item_name(sec, id, old, new)), rest),
        [K("rights"), K(right), rest @ ..] if right_kind(right).is_some() => {
            let label = right_kind(right).map(RightKind::label).unwrap_or(RIGHT);
            (RIGHT, Some((label.zh.to_owned(), label.en.to_owned())), rest)
        }
        [K(sec), rest @ ..] => (section_label(sec), None, rest),
        [] | [I(_), ..] => (Text::new("清单", "Manifest"), None, &[]),
    };
    let (vz, ve) = verb_words(verdict.verb);
    if rest.is_empty() {
        return match (&subject_name, raw.kind) {
            (Some((zh, en)), ChangeKind::Added | ChangeKind::Removed) => Summary {
                zh: format!("{}{}「{zh}」", if raw.kind == ChangeKind::Added { "新增" } else { "删除" }, section.zh),
                en: format!("{} “{en}” {ve}", section.en),
            },
            (Some((zh, en)), ChangeKind::Modified) => {
                Summary { zh: format!("{}「{zh}」{vz}", section.zh), en: format!("{} “{en}” {ve}", section.en) }
            }
            (None, _) => Summary { zh: format!("{}{vz}", section.zh), en: format!("{} {ve}", section.en) },
        };
    }
    let (subject_zh, subject_en) = match &subject_name {
        Some((zh, en)) => (format!("{}「{zh}」", section.zh), format!("{} “{en}”", section.en)),
        None => (section.zh.to_owned(), section.en.to_owned()),
    };
    // A value added to or removed from a list: name the value.
    if let ([inner @ .., I(elem)], ChangeKind::Added | ChangeKind::Removed) = (rest, raw.kind) {
        let list = inner.iter().rev().find_map(|s| if let K(k) = s { Some(*k) } else { None }).unwrap_or("");
        let (what_zh, what_en) = what(inner);
        let (ez, ee) = element_name(list, elem, old, new);
        let add = raw.kind == ChangeKind::Added;
        return Summary {
            zh: format!("{subject_zh}{}{what_zh}「{ez}」", if add { "新增" } else { "删除" }),
            en: format!("{subject_en}: {what_en} “{ee}” {}", if add { "added" } else { "removed" }),
        };
    }
    let (what_zh, what_en) = what(rest);
    Summary { zh: format!("{subject_zh}的{what_zh}{vz}"), en: format!("{subject_en}: {what_en} {ve}") }
}

fn verb_words(v: Verb) -> (&'static str, &'static str) {
    match v {
        Verb::Added => ("已新增", "added"),
        Verb::Removed => ("已删除", "removed"),
        Verb::Changed => ("已变更", "changed"),
        Verb::Lengthened => ("已延长", "lengthened"),
        Verb::Shortened => ("已缩短", "shortened"),
    }
}

fn section_label(key: &str) -> Text {
    lookup(SECTIONS, key).unwrap_or(Text::new("清单", "Manifest"))
}

fn right_kind(key: &str) -> Option<RightKind> {
    serde_json::from_value(Value::String(key.to_owned())).ok()
}

fn permission_kind(key: &str) -> Option<PermissionKind> {
    serde_json::from_value(Value::String(key.to_owned())).ok()
}

/// What changed inside a subject: a known path, else each step's label joined by "›".
fn what(rest: &[S<'_>]) -> (String, String) {
    let keys: Vec<&str> = rest.iter().filter_map(|s| if let S::K(k) = s { Some(*k) } else { None }).collect();
    if keys.len() == rest.len()
        && let Some(b) = lookup(PATHS, &keys.join("."))
    {
        return (b.zh.to_owned(), b.en.to_owned());
    }
    let (mut zh, mut en) = (Vec::new(), Vec::new());
    for s in rest {
        match s {
            S::K(k) => match lookup(KEYS, k) {
                Some(b) => {
                    zh.push(b.zh.to_owned());
                    en.push(b.en.to_owned());
                }
                None => {
                    zh.push((*k).to_owned());
                    en.push((*k).to_owned());
                }
            },
            S::I(i) => {
                if let (Some(z), Some(e)) = (zh.last_mut(), en.last_mut()) {
                    z.push_str(&format!("「{i}」"));
                    e.push_str(&format!(" “{i}”"));
                }
            }
        }
    }
    (zh.join("›"), en.join(" › "))
}

/// The name of a list item of a section, from the new manifest, else the old one.
fn item_name(section: &str, id: &str, old: &Manifest, new: &Manifest) -> (String, String) {
    let named = |name: &str, name_en: Option<&str>| (name.to_owned(), name_en.unwrap_or(name).to_owned());
    let from = |m: &Manifest| -> Option<(String, String)> {
        match section {
            "fields" => m.field(id).map(|x| named(&x.name, x.name_en.as_deref())),
            "purposes" => m.purpose(id).map(|x| named(&x.name, x.name_en.as_deref())),
            "recipients" => m.recipient(id).map(|x| named(&x.name, x.name_en.as_deref())),
            "scenarios" => {
                m.scenarios.iter().find(|x| x.id.as_str() == id).map(|x| named(&x.name, x.name_en.as_deref()))
            }
            "datasets" => {
                m.datasets.iter().find(|x| x.id.as_str() == id).and_then(|x| x.name.as_deref()).map(|n| named(n, None))
            }
            "permissions" => permission_kind(id).map(|k| (k.label().zh.to_owned(), k.label().en.to_owned())),
            _ => None,
        }
    };
    from(new).or_else(|| from(old)).unwrap_or_else(|| (id.to_owned(), id.to_owned()))
}

/// The name of a value in a list of references (`fields = ["phone"]` → 手机号码).
fn element_name(list: &str, value: &str, old: &Manifest, new: &Manifest) -> (String, String) {
    match list {
        "fields" => item_name("fields", value, old, new),
        "purposes" | "requires" => item_name("purposes", value, old, new),
        "recipients" => item_name("recipients", value, old, new),
        "permissions" => item_name("permissions", value, old, new),
        _ => (value.to_owned(), value.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_bilingual_and_unique() {
        for table in [SECTIONS, PATHS, KEYS] {
            let mut seen = std::collections::BTreeSet::new();
            for (key, label) in table {
                assert!(seen.insert(*key), "{key} twice");
                assert!(!label.zh.trim().is_empty() && !label.en.trim().is_empty(), "{key} lacks a language");
            }
        }
    }

    #[test]
    fn every_section_has_a_label() {
        let Ok(m) = crate::manifest::load::load_manifest(include_str!("../rules/testdata/clean.toml")) else {
            unreachable!("clean.toml loads")
        };
        let tree = serde_json::to_value(&m).unwrap_or_default();
        for key in tree.as_object().map(|o| o.keys().collect::<Vec<_>>()).unwrap_or_default() {
            assert!(lookup(SECTIONS, key).is_some(), "section {key} has no label");
        }
    }
}

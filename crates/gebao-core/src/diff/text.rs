//! The summaries of changes: one sentence in zh-CN and one in English, built from the
//! label catalogue below and the names the manifests give their fields, purposes and
//! recipients. A key the catalogue does not know is shown as it is written in the manifest.

use super::ChangeKind;
use super::classify::{S, Verb, Verdict, steps};
use super::tree::RawChange;
use crate::manifest::{Manifest, PermissionKind, RightKind};
use crate::text::Bilingual;
use serde_json::Value;

/// A summary in both languages.
pub(super) struct Summary {
    pub zh: String,
    pub en: String,
}

/// Sections of the manifest: (key, label).
const SECTIONS: &[(&str, Bilingual)] = &[
    ("schema_version", Bilingual::new("清单格式版本", "Manifest format version")),
    ("policy", Bilingual::new("政策信息", "Policy")),
    ("controller", Bilingual::new("个人信息处理者", "Controller")),
    ("organisation", Bilingual::new("组织情况", "Organisation")),
    ("storage", Bilingual::new("存储地点", "Storage")),
    ("fields", Bilingual::new("个人信息字段", "Field")),
    ("purposes", Bilingual::new("处理目的", "Purpose")),
    ("scenarios", Bilingual::new("业务场景", "Scenario")),
    ("permissions", Bilingual::new("设备权限", "Device permission")),
    ("recipients", Bilingual::new("接收方", "Recipient")),
    ("datasets", Bilingual::new("数据集", "Dataset")),
    ("cookies", Bilingual::new("Cookie", "Cookie")),
    ("tracking", Bilingual::new("浏览器隐私信号", "Browser privacy signals")),
    ("rights", Bilingual::new("个人权利", "Rights")),
    ("minors", Bilingual::new("未成年人个人信息保护", "Minors")),
    ("protection", Bilingual::new("安全保护措施", "Security measures")),
    ("pia", Bilingual::new("个人信息保护影响评估", "Impact assessment")),
    ("changes", Bilingual::new("政策变更", "Policy changes")),
    ("termination", Bilingual::new("停止运营", "Service termination")),
];

/// The subject of a right's changes (`rights.access.…`).
const RIGHT: Bilingual = Bilingual::new("个人权利", "Right");

/// Paths inside a subject whose meaning is more than their last key.
const PATHS: &[(&str, Bilingual)] = &[
    ("retention.period", Bilingual::new("保存期限", "retention period")),
    ("retention.from", Bilingual::new("保存期限起算点", "start of the retention period")),
    ("retention.then", Bilingual::new("到期处理方式", "disposal at the end of retention")),
    ("retention.method", Bilingual::new("保存期限确定方式", "how retention is determined")),
    ("retention.legal_minimum", Bilingual::new("法定最短保存期限", "legal minimum retention")),
    ("consent.withdraw", Bilingual::new("撤回同意的方式", "how consent is withdrawn")),
    ("consent.separate", Bilingual::new("单独同意", "separate consent")),
    ("consent.obtained_by", Bilingual::new("取得同意的方式", "how consent is obtained")),
    ("consent.default", Bilingual::new("同意的默认状态", "default consent state")),
    ("consent.reprompt_after", Bilingual::new("拒绝后再次询问的间隔", "wait before asking again")),
    ("automated.opt_out", Bilingual::new("拒绝自动化决策的方式", "how to opt out of the automated decision")),
    ("automated.significant_impact", Bilingual::new("对个人权益有重大影响", "significant impact on the individual")),
    ("automated.differential_pricing", Bilingual::new("交易条件差别待遇", "differential prices or terms")),
    ("automated.non_personalised_option", Bilingual::new("不针对个人特征的选项", "non-personalised option")),
    ("automated.explanation", Bilingual::new("说明解释渠道", "how to get an explanation")),
    ("repeat.free", Bilingual::new("免费请求次数", "free requests")),
    ("repeat.per", Bilingual::new("请求次数计算周期", "period of the request count")),
    ("repeat.then", Bilingual::new("超出次数后的处理", "what happens beyond the free requests")),
    ("repeat.fee", Bilingual::new("收费依据", "fee basis")),
    ("deceased.relatives", Bilingual::new("近亲属行使权利", "close relatives' rights")),
    ("deceased.channel", Bilingual::new("近亲属行使渠道", "close relatives' channel")),
];

/// Single keys.
const KEYS: &[(&str, Bilingual)] = &[
    ("name", Bilingual::new("名称", "name")),
    ("name_en", Bilingual::new("英文名称", "English name")),
    ("description", Bilingual::new("说明", "description")),
    ("description_en", Bilingual::new("英文说明", "English description")),
    ("function", Bilingual::new("业务功能类型", "function type")),
    ("basis", Bilingual::new("法律依据", "legal basis")),
    ("basis_note", Bilingual::new("法律依据说明", "note on the legal basis")),
    ("basis_note_en", Bilingual::new("法律依据英文说明", "English note on the legal basis")),
    ("fields", Bilingual::new("个人信息字段", "field")),
    ("requires", Bilingual::new("前置处理目的", "prerequisite purpose")),
    ("consent", Bilingual::new("同意方式", "consent")),
    ("retention", Bilingual::new("保存期限", "retention")),
    ("personalised", Bilingual::new("个性化展示", "personalisation")),
    ("automated", Bilingual::new("自动化决策", "automated decision-making")),
    ("pia", Bilingual::new("影响评估记录", "impact assessment")),
    ("category", Bilingual::new("类别", "category")),
    ("precision", Bilingual::new("精度", "precision")),
    ("sensitive", Bilingual::new("敏感性", "sensitivity")),
    ("sensitive_reason", Bilingual::new("敏感性说明", "reason for the sensitivity")),
    ("source", Bilingual::new("来源", "source")),
    ("necessity", Bilingual::new("必要性说明", "necessity")),
    ("impact", Bilingual::new("影响说明", "impact")),
    ("kind", Bilingual::new("类型", "kind")),
    ("company", Bilingual::new("公司名称", "company")),
    ("company_en", Bilingual::new("公司英文名称", "company's English name")),
    ("contact", Bilingual::new("联系方式", "contact details")),
    ("purposes", Bilingual::new("处理目的", "purpose")),
    ("purpose", Bilingual::new("用途说明", "stated purpose")),
    ("method", Bilingual::new("处理方式", "method")),
    ("policy_url", Bilingual::new("隐私政策链接", "privacy policy link")),
    ("country", Bilingual::new("所在国家或地区", "country or region")),
    ("separate_consent", Bilingual::new("单独同意", "separate consent")),
    ("deletion", Bilingual::new("删除通知渠道", "deletion channel")),
    ("contract", Bilingual::new("委托处理合同", "entrustment contract")),
    ("cross_border", Bilingual::new("出境合规机制", "cross-border mechanism")),
    ("channel", Bilingual::new("行使渠道", "channel")),
    ("channel_en", Bilingual::new("行使渠道英文说明", "English channel text")),
    ("deadline", Bilingual::new("答复期限", "response deadline")),
    ("handling", Bilingual::new("处理方式", "handling")),
    ("note", Bilingual::new("备注", "note")),
    ("conditions", Bilingual::new("条件", "condition")),
    ("blockers", Bilingual::new("注销前须处理的事项", "cancellation blocker")),
    ("extra_pi_required", Bilingual::new("注销须提供额外个人信息", "extra PI required to cancel")),
    ("erase_within", Bilingual::new("注销后删除期限", "erasure time after cancellation")),
    ("portability_conditions", Bilingual::new("转移条件", "portability condition")),
    ("offered", Bilingual::new("是否提供", "offered")),
    ("risk", Bilingual::new("风险等级", "risk level")),
    ("date", Bilingual::new("日期", "date")),
    ("summary", Bilingual::new("摘要", "summary")),
    ("email", Bilingual::new("电子邮件", "email")),
    ("phone", Bilingual::new("电话", "telephone")),
    ("qq", Bilingual::new("QQ", "QQ")),
    ("web_form", Bilingual::new("在线表单", "web form")),
    ("in_app", Bilingual::new("应用内入口", "in-app path")),
    ("post", Bilingual::new("邮寄地址", "postal address")),
    ("officer", Bilingual::new("个人信息保护负责人", "PI protection officer")),
    ("complaints", Bilingual::new("投诉举报渠道", "complaint channels")),
    ("representative", Bilingual::new("境内代表", "representative in China")),
    ("overseas", Bilingual::new("境外处理者", "operator abroad")),
    ("version", Bilingual::new("版本号", "version")),
    ("published", Bilingual::new("更新日期", "publication date")),
    ("effective", Bilingual::new("生效日期", "effective date")),
    ("title", Bilingual::new("标题", "title")),
    ("title_en", Bilingual::new("英文标题", "English title")),
    ("url", Bilingual::new("链接", "link")),
    ("languages", Bilingual::new("语言", "language")),
    ("countries", Bilingual::new("国家或地区", "country or region")),
    ("audience", Bilingual::new("适用对象", "audience")),
    ("guardian_contact", Bilingual::new("监护人联系渠道", "guardians' contact")),
    ("do_not_track", Bilingual::new("“请勿追踪”信号", "Do-Not-Track signal")),
    ("gpc", Bilingual::new("全球隐私控制信号", "Global Privacy Control signal")),
    ("lifetime", Bilingual::new("有效期", "lifetime")),
    ("provider", Bilingual::new("设置方", "provider")),
    ("prompt", Bilingual::new("提示文字", "prompt")),
    ("permissions", Bilingual::new("设备权限", "device permission")),
    ("platforms", Bilingual::new("平台", "platform")),
    ("withdraw", Bilingual::new("关闭方式", "how to turn it off")),
    ("repeat", Bilingual::new("重复请求限制", "limit on repeated requests")),
    ("deceased", Bilingual::new("已故用户近亲属的权利", "rights of a deceased user's relatives")),
    ("address", Bilingual::new("地址", "address")),
    ("product", Bilingual::new("产品名称", "product name")),
    ("notify", Bilingual::new("告知方式", "notification channel")),
    ("archive", Bilingual::new("历史版本", "archive of earlier versions")),
    ("recipients", Bilingual::new("接收方", "recipient")),
];

fn lookup(table: &[(&str, Bilingual)], key: &str) -> Option<Bilingual> {
    table.iter().find(|(k, _)| *k == key).map(|(_, b)| *b)
}

/// The summary of one change.
pub(super) fn summary(raw: &RawChange, verdict: &Verdict, old: &Manifest, new: &Manifest) -> Summary {
    use S::{I, K};
    let path = steps(&raw.segs);
    // Split the path into a subject (a section, a list item or a right) and what changed in it.
    let (section, subject_name, rest): (Bilingual, Option<(String, String)>, &[S<'_>]) = match path.as_slice() {
        [K(sec), I(id), rest @ ..] => (section_label(sec), Some(item_name(sec, id, old, new)), rest),
        [K("rights"), K(right), rest @ ..] if right_kind(right).is_some() => {
            let label = right_kind(right).map(RightKind::label).unwrap_or(RIGHT);
            (RIGHT, Some((label.zh.to_owned(), label.en.to_owned())), rest)
        }
        [K(sec), rest @ ..] => (section_label(sec), None, rest),
        [] | [I(_), ..] => (Bilingual::new("清单", "Manifest"), None, &[]),
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

fn section_label(key: &str) -> Bilingual {
    lookup(SECTIONS, key).unwrap_or(Bilingual::new("清单", "Manifest"))
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

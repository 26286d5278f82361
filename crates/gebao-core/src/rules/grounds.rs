//! Grounds and minimisation beyond the consent rules of `consent.rs` (PIPL 4, 6, 13, 73;
//! the legal review of the seeds, section 3): a ground PIPL 13 does not know (CON-12),
//! de-identified data handled as if it were not PI (CON-13), and device data that few
//! functions need — the clipboard, the list of installed apps (CON-14). These ids are ahead
//! of `pipl-rules.md`.
//!
//! CON-12 and CON-13 read the manifest's own words where the words are the flaw: a claimed
//! ground is a text (`basis_note`, a recipient's `purpose`), so the phrase that claims it is
//! what is reported, with the place it is in.

use super::{Ctx, Force, Rule, RuleId, Severity::*};
use crate::manifest::{Field, LegalBasis, PermissionKind};
use crate::text::Text as B;

pub const RULES: &[Rule] = &[
    Rule {
        id: RuleId::Con12,
        severity: Error,
        source: "PIPL 13",
        binding: "PIPL 13",
        force: Force::Law,
        title: B::new(
            "不以第十三条以外的事由（如维护自身合法权益、产品安全稳定运行、处理者自行认定）代替同意",
            "Claim no ground outside art. 13 (own legitimate interests, the product's stable operation, the operator's own determination) in place of consent",
        ),
        message: B::new(
            "{place}以“{phrase}”作为处理或提供个人信息的理由，这不是《个人信息保护法》第十三条规定的合法性基础",
            "{place} relies on “{phrase}”, which is not a ground of PIPL art. 13",
        ),
        hint: B::new(
            "第十三条没有“合法利益”事由：改为取得个人同意（对外提供、公开的还需单独同意），或写明所依据的具体法律条文（legal-obligation）或合同（contract）",
            "art. 13 has no legitimate-interest ground: ask for consent (a separate consent to provide or disclose PI), or name the article of law (`legal-obligation`) or the contract (`contract`) it rests on",
        ),
    },
    Rule {
        id: RuleId::Con13,
        severity: Error,
        source: "PIPL 4, 73(3)(4)",
        binding: "PIPL 4",
        force: Force::Law,
        title: B::new(
            "去标识化的信息仍是个人信息，其使用和提供须有合法性基础并列明所涉信息",
            "De-identified data is still PI: its use and sharing need a ground and the fields it covers",
        ),
        message: B::new(
            "{place}处理“去标识化”的信息，却没有列出所涉个人信息（fields 为空），把它当作了非个人信息",
            "{place} processes de-identified data yet lists no fields, treating it as if it were not personal information",
        ),
        hint: B::new(
            "去标识化的信息仍可借助额外信息识别个人，只有匿名化的信息不属于个人信息（第四条、第七十三条）：列出所涉字段，并像其他个人信息一样取得同意或写明事由；确已匿名化的，写明“匿名化”",
            "de-identified data can still identify a person with extra information; only anonymised data is outside PI (arts. 4, 73): list the fields and obtain consent or name a ground as for any PI; if the data really is anonymised, say so",
        ),
    },
    Rule {
        id: RuleId::Con14,
        severity: Warning,
        source: "PIPL 6; APP19 四; 41391",
        binding: "PIPL 6",
        force: Force::Law,
        title: B::new(
            "不读取功能不需要的设备信息：剪切板、已安装或运行中的应用列表",
            "Read no device data the function does not need: the clipboard, the list of installed or running apps",
        ),
        message: B::new(
            "读取{what}：这类信息能反映用户的其他应用和私人内容，很少是业务功能所必需",
            "{what} is read: it reveals the user's other apps and private content, and is seldom necessary for a function",
        ),
        hint: B::new(
            "按最小必要原则删去该权限或字段；确属必需的，在用途中写明哪项功能离不开它，仅在用户使用该功能时读取，并单独征得同意",
            "drop the permission or field (minimum necessity); if a function cannot work without it, say which in its purpose, read it only while the user uses that function, and ask for consent of its own",
        ),
    },
];

/// CON-12: the words of a ground art. 13 does not have. A legitimate interest ("为了维护…
/// 合法权益"), the product's stable operation, an agreement with someone else, or the
/// operator's own finding. "合法权益" alone is not one: "显著影响您的合法权益" (PIPL 24) is.
const NOT_ART_13: &[&str] =
    &["正当利益", "合法利益", "安全稳定运行", "第三人之间有关约定", "如果我们确定", "我们认为必要", "自行判断"];

/// The phrase of `text` that claims a ground outside art. 13, if any.
fn ground_outside_art_13(text: &str) -> Option<String> {
    if let Some(p) = NOT_ART_13.iter().find(|p| text.contains(**p)) {
        return Some((*p).to_owned());
    }
    // "维护/保护/保障 …合法权益" within one clause: the processor's (or others') interests.
    let at = text.find("合法权益")?;
    let clause = text[..at].rsplit(['，', '。', '；', ',', ';']).next().unwrap_or_default();
    ["维护", "保护", "保障"].iter().find_map(|v| clause.rfind(v).map(|i| format!("{}合法权益", &clause[i..])))
}

/// CON-13: a text about de-identified (not anonymised) data.
fn says_de_identified(text: &str) -> bool {
    text.contains("去标识化") || text.contains("去标签化")
}

/// CON-14: a field that is the clipboard or a list of the user's apps, by its name.
fn device_data_few_need(f: &Field) -> bool {
    ["剪切板", "剪贴板", "应用列表", "安装列表", "软件列表", "运行应用"].iter().any(|w| f.name.contains(w))
}

pub fn check(cx: &mut Ctx<'_>) {
    let m = cx.m;

    for (i, p) in m.purposes.iter().enumerate() {
        let at = format!("purposes[{i}]");
        // CON-12: a purpose not based on consent, whose stated ground is none of art. 13.
        if p.basis != LegalBasis::Consent
            && let Some(phrase) = p.basis_note.as_deref().and_then(ground_outside_art_13)
        {
            let (zh, en) = (format!("处理目的 `{}` ", p.id), format!("purpose `{}`", p.id));
            report_place(cx, RuleId::Con12, format!("{at}.basis_note"), &zh, &en, &[("phrase", &phrase)]);
        }
        // CON-13
        let texts = [Some(p.name.as_str()), p.description.as_deref()];
        if p.fields.is_empty() && texts.into_iter().flatten().any(says_de_identified) {
            let (zh, en) = (format!("处理目的 `{}` ", p.id), format!("purpose `{}`", p.id));
            report_place(cx, RuleId::Con13, format!("{at}.fields"), &zh, &en, &[]);
        }
    }

    for (i, r) in m.recipients.iter().enumerate() {
        let at = format!("recipients[{i}]");
        let texts = [Some(r.name.as_str()), r.purpose.as_deref(), r.method.as_deref()];
        // CON-12: a recipient that gets the data on such a ground, with no consent of its own.
        if !r.separate_consent
            && let Some(phrase) = texts.into_iter().flatten().find_map(ground_outside_art_13)
        {
            let (zh, en) = (format!("接收方 `{}` ", r.id), format!("recipient `{}`", r.id));
            report_place(cx, RuleId::Con12, format!("{at}.purpose"), &zh, &en, &[("phrase", &phrase)]);
        }
        // CON-13
        if r.fields.is_empty() && texts.into_iter().flatten().any(says_de_identified) {
            let (zh, en) = (format!("接收方 `{}` ", r.id), format!("recipient `{}`", r.id));
            report_place(cx, RuleId::Con13, format!("{at}.fields"), &zh, &en, &[]);
        }
    }

    // CON-14: by permission, then by field.
    for (i, p) in m.permissions.iter().enumerate() {
        let what = match p.id {
            PermissionKind::Clipboard => ("剪切板", "the clipboard"),
            PermissionKind::InstalledApps => ("已安装应用列表", "the list of installed apps"),
            _ => continue,
        };
        cx.report_bilingual(RuleId::Con14, format!("permissions[{i}]"), &[], &[("what", what.0, what.1)]);
    }
    for (i, f) in m.fields.iter().enumerate() {
        if device_data_few_need(f) && m.purposes.iter().any(|p| p.fields.contains(&f.id)) {
            let (zh, en) = (format!("字段 `{}`", f.id), format!("field `{}`", f.id));
            cx.report_bilingual(RuleId::Con14, format!("fields[{i}]"), &[], &[("what", &zh, &en)]);
        }
    }
}

/// Reports a rule whose message starts with `{place}`.
fn report_place(cx: &mut Ctx<'_>, id: RuleId, path: String, zh: &str, en: &str, args: &[(&str, &str)]) {
    cx.report_bilingual(id, path, args, &[("place", zh, en)]);
}

#[cfg(test)]
mod tests {
    use super::ground_outside_art_13;
    use crate::manifest::*;
    use crate::rules::RuleId;
    use crate::rules::tests::{assert_quiet, assert_rule, findings_of};

    fn purpose(m: &Manifest, id: &str) -> usize {
        m.purposes.iter().position(|p| p.id.as_str() == id).unwrap_or_else(|| panic!("no purpose {id}"))
    }

    #[test]
    fn grounds_outside_art_13() {
        let ours = "为了维护我们及其关联公司或用户的合法权益，我们可能会共享用户的个人信息";
        assert_eq!(ground_outside_art_13(ours).as_deref(), Some("维护我们及其关联公司或用户的合法权益"));
        assert_eq!(
            ground_outside_art_13("用于维护所提供的产品或服务的安全稳定运行所必需").as_deref(),
            Some("安全稳定运行")
        );
        // PIPL 24's "显著影响您的合法权益" and a statutory duty are not claims of a ground.
        assert_eq!(ground_outside_art_13("如果这些决定显著影响您的合法权益，您有权要求解释"), None);
        assert_eq!(ground_outside_art_13("《网络安全法》第二十三条要求留存网络日志不少于六个月"), None);
    }

    #[test]
    fn con_12() {
        // Seed 002: security logging "用于维护所提供的产品或服务的安全稳定运行所必需".
        assert_rule(RuleId::Con12, |m| {
            let i = purpose(m, "security_logs");
            m.purposes[i].basis_note = Some("用于维护所提供的产品或服务的安全稳定运行所必需".into());
        });
        // Seed 001: sharing "为了维护我们及其关联公司或用户的合法权益", no consent of its own.
        let sharing = |m: &mut Manifest, separate: bool| {
            let mut r = m.recipients[0].clone();
            r.id = "dispute_parties".into();
            r.purpose = Some("为了维护我们及其关联公司或用户的合法权益，将相关信息共享给相关部门或第三方".into());
            r.separate_consent = separate;
            m.recipients.push(r);
        };
        assert_rule(RuleId::Con12, |m| sharing(m, false));
        let f = findings_of(RuleId::Con12, |m| sharing(m, false));
        assert!(f[0].message_zh.contains("`dispute_parties`") && f[0].message_zh.contains("合法权益"), "{f:#?}");
        // Asked for a consent of its own, the ground is consent.
        assert_quiet(RuleId::Con12, |m| sharing(m, true));
        // A consent-based purpose may mention interests in its note.
        assert_quiet(RuleId::Con12, |m| {
            let i = purpose(m, "recommend");
            m.purposes[i].basis_note = Some("为了维护用户的合法权益".into());
        });
    }

    #[test]
    fn con_13() {
        // Seed 000: "去标签化…商业化的利用", no field named.
        let analysis = |m: &mut Manifest, fields: bool| {
            let mut p = m.purposes[0].clone();
            p.id = "commercial_analysis".into();
            p.description = Some("对经去标签化处理的信息进行分析并予以商业化的利用".into());
            if !fields {
                p.fields.clear();
            }
            m.purposes.push(p);
        };
        assert_rule(RuleId::Con13, |m| analysis(m, false));
        assert_quiet(RuleId::Con13, |m| analysis(m, true));
        assert_rule(RuleId::Con13, |m| {
            m.recipients[0].purpose = Some("共享去标识化的数据".into());
            m.recipients[0].fields.clear();
        });
    }

    #[test]
    fn con_14() {
        assert_rule(RuleId::Con14, |m| {
            let mut p = m.permissions[0].clone();
            p.id = PermissionKind::Clipboard;
            m.permissions.push(p);
        });
        // Seed 004: "设备安装应用列表信息" for a customised service.
        assert_rule(RuleId::Con14, |m| {
            let i = m.purposes[0].fields[0].clone();
            if let Some(f) = m.fields.iter_mut().find(|f| f.id == i) {
                f.name = "设备安装应用列表信息".into();
            }
        });
        // Not collected by any purpose: CON-08's business.
        assert_quiet(RuleId::Con14, |m| {
            let mut f = m.fields[0].clone();
            f.id = "app_list".into();
            f.name = "应用列表信息".into();
            m.fields.push(f);
        });
    }
}

//! Personal-information protection impact assessments (PIPL 55–56; `pipl-rules.md` part H):
//! which processing needs one — sensitive personal information, automated decision-making,
//! entrusting, providing to another processor or public disclosure, sending abroad — and a
//! draft for each, filled from the manifest with the three items PIPL 56 requires: whether
//! the purposes and methods are lawful, legitimate and necessary; the impact on individuals
//! and the security risks; whether the protection measures are lawful, effective and
//! proportionate to the risk. The draft is a starting point: the conclusion (the risk) is
//! the operator's, and an existing `[[pia]]` record is named when one covers the trigger.

use crate::manifest::{Manifest, Purpose, Recipient, RecipientKind};
use crate::text::{Lang, Text};
use serde::Serialize;

/// Why an assessment is needed (PIPL 55).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "trigger", rename_all = "kebab-case")]
pub enum Trigger {
    /// PIPL 55(1): a purpose processes sensitive personal information.
    SensitivePi { purpose: String },
    /// PIPL 55(2): a purpose makes automated decisions.
    AutomatedDecision { purpose: String },
    /// PIPL 55(3): personal information is entrusted, provided to another processor or
    /// disclosed publicly.
    Recipient { recipient: String },
    /// PIPL 55(4): personal information is sent abroad.
    CrossBorder { recipient: String },
}

impl Trigger {
    /// A stable name: `sensitive-pi:PURPOSE`, `automated-decision:PURPOSE`,
    /// `recipient:RECIPIENT`, `cross-border:RECIPIENT`.
    pub fn key(&self) -> String {
        match self {
            Trigger::SensitivePi { purpose } => format!("sensitive-pi:{purpose}"),
            Trigger::AutomatedDecision { purpose } => format!("automated-decision:{purpose}"),
            Trigger::Recipient { recipient } => format!("recipient:{recipient}"),
            Trigger::CrossBorder { recipient } => format!("cross-border:{recipient}"),
        }
    }

    pub fn label(&self) -> Text {
        match self {
            Trigger::SensitivePi { .. } => {
                Text::new("处理敏感个人信息（第五十五条第一项）", "sensitive PI (PIPL 55(1))")
            }
            Trigger::AutomatedDecision { .. } => {
                Text::new("利用个人信息进行自动化决策（第五十五条第二项）", "automated decision-making (PIPL 55(2))")
            }
            Trigger::Recipient { .. } => Text::new(
                "委托处理、向他人提供或公开个人信息（第五十五条第三项）",
                "entrusting, providing or disclosing PI (PIPL 55(3))",
            ),
            Trigger::CrossBorder { .. } => {
                Text::new("向境外提供个人信息（第五十五条第四项）", "sending PI abroad (PIPL 55(4))")
            }
        }
    }
}

/// One item of PIPL 56, as drafted.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub heading: String,
    pub lines: Vec<String>,
}

/// A draft assessment for one trigger.
#[derive(Debug, Clone, Serialize)]
pub struct Draft {
    #[serde(flatten)]
    pub trigger: Trigger,
    pub title: String,
    /// The `[[pia]]` record that covers it, if the manifest has one.
    pub recorded: Option<String>,
    /// The PIPL 56 items, in order.
    pub items: Vec<Item>,
}

fn pick<'a>(lang: Lang, zh: &'a str, en: Option<&'a str>) -> &'a str {
    lang.pick(zh, en)
}

fn field_names(m: &Manifest, ids: impl IntoIterator<Item = String>, lang: Lang) -> String {
    let names: Vec<String> = ids
        .into_iter()
        .map(|id| m.field(&id).map_or(id.clone(), |f| pick(lang, &f.name, f.name_en.as_deref()).to_owned()))
        .collect();
    names.join(if lang == Lang::ZhCn { "、" } else { ", " })
}

/// What the manifest says of its protection measures, in one line.
fn measures(m: &Manifest, lang: Lang) -> String {
    let list: Vec<&str> = m.protection.measures.iter().map(|x| x.label().get(lang)).collect();
    if list.is_empty() {
        match lang {
            Lang::ZhCn => "清单未声明安全措施（[protection] measures）：请补充".into(),
            Lang::En => "the manifest declares no measures ([protection] measures): add them".into(),
        }
    } else {
        list.join(if lang == Lang::ZhCn { "、" } else { ", " })
    }
}

fn recorded_for_purpose(m: &Manifest, p: &Purpose) -> Option<String> {
    p.pia
        .as_ref()
        .map(ToString::to_string)
        .or_else(|| m.pia.iter().find(|r| r.purposes.contains(&p.id)).map(|r| r.id.to_string()))
}

fn recorded_for_recipient(m: &Manifest, r: &Recipient) -> Option<String> {
    r.pia
        .as_ref()
        .map(ToString::to_string)
        .or_else(|| m.pia.iter().find(|x| x.recipients.contains(&r.id)).map(|x| x.id.to_string()))
}

/// The three items for a purpose.
fn purpose_items(m: &Manifest, p: &Purpose, sensitive: &str, lang: Lang) -> Vec<Item> {
    let zh = lang == Lang::ZhCn;
    let name = pick(lang, &p.name, p.name_en.as_deref());
    let description = pick(lang, p.description.as_deref().unwrap_or(""), p.description_en.as_deref());
    let fields = field_names(m, p.fields.iter().map(ToString::to_string), lang);
    let retention = p.retention.as_ref().and_then(|r| r.period.as_ref()).map(|d| d.display(lang));
    let withdraw = pick(lang, p.consent.withdraw.as_deref().unwrap_or(""), p.consent.withdraw_en.as_deref());
    let individuals = m.organisation.individuals.map(|n| n.to_string());
    let mut first = vec![
        if zh { format!("处理目的：{name}。{description}") } else { format!("Purpose: {name}. {description}") },
        if zh {
            format!("合法性基础：{}", p.basis.label().get(lang))
        } else {
            format!("Legal basis: {}", p.basis.label().get(lang))
        },
        if zh {
            format!("处理的个人信息：{fields}")
        } else {
            format!("Personal information processed: {fields}")
        },
    ];
    first.push(match (retention, zh) {
        (Some(r), true) => format!("保存期限：{r}"),
        (Some(r), false) => format!("Kept for: {r}"),
        (None, true) => "保存期限：清单未写明，请补充（《个人信息保护法》第十九条）".into(),
        (None, false) => "Kept for: not stated in the manifest; add it (PIPL 19)".into(),
    });
    first.push(if zh {
        "必要性：请说明不处理上述信息则无法实现该目的的理由，以及是否已采用对个人权益影响最小的方式。".into()
    } else {
        "Necessity: say why the purpose cannot be met without this information, and whether the way chosen affects individuals least.".into()
    });
    let mut second = Vec::new();
    if !sensitive.is_empty() {
        second.push(if zh {
            format!("涉及敏感个人信息：{sensitive}；一旦泄露或者非法使用，容易导致人格尊严受到侵害或者人身、财产安全受到危害（第二十八条）。")
        } else {
            format!("Sensitive PI involved: {sensitive}; a leak or unlawful use could harm dignity, person or property (PIPL 28).")
        });
    }
    if let Some(a) = &p.automated {
        let d = pick(lang, &a.description, a.description_en.as_deref());
        second.push(if zh {
            format!("自动化决策：{d}{}", if a.significant_impact { "；对个人权益有重大影响" } else { "" })
        } else {
            format!(
                "Automated decision: {d}{}",
                if a.significant_impact { "; it significantly affects individuals" } else { "" }
            )
        });
    }
    second.push(match (individuals, zh) {
        (Some(n), true) => format!("涉及的个人数量：约 {n} 人"),
        (Some(n), false) => format!("Individuals concerned: about {n}"),
        (None, true) => "涉及的个人数量：清单未声明（[organisation] individuals）".into(),
        (None, false) => "Individuals concerned: not declared ([organisation] individuals)".into(),
    });
    let mut third = vec![if zh {
        format!("安全措施：{}", measures(m, lang))
    } else {
        format!("Measures: {}", measures(m, lang))
    }];
    if p.needs_consent() {
        third.push(if zh {
            format!("同意：{}；撤回路径：{withdraw}", if p.consent.separate { "单独同意" } else { "同意" })
        } else {
            format!(
                "Consent: {}; withdrawn at: {withdraw}",
                if p.consent.separate { "separate consent" } else { "consent" }
            )
        });
    }
    items(lang, first, second, third)
}

fn items(lang: Lang, first: Vec<String>, second: Vec<String>, third: Vec<String>) -> Vec<Item> {
    let headings = match lang {
        Lang::ZhCn => [
            "一、个人信息的处理目的、处理方式等是否合法、正当、必要",
            "二、对个人权益的影响及安全风险",
            "三、所采取的保护措施是否合法、有效并与风险程度相适应",
        ],
        Lang::En => [
            "1. Are the purposes and methods of processing lawful, legitimate and necessary?",
            "2. The impact on individuals' rights and the security risks",
            "3. Are the protection measures lawful, effective and proportionate to the risk?",
        ],
    };
    headings.into_iter().zip([first, second, third]).map(|(h, lines)| Item { heading: h.to_owned(), lines }).collect()
}

/// The three items for a recipient (entrusting, provision, disclosure, abroad).
fn recipient_items(m: &Manifest, r: &Recipient, lang: Lang) -> Vec<Item> {
    let zh = lang == Lang::ZhCn;
    let name = pick(lang, &r.name, r.name_en.as_deref());
    let kind = r.kind.label().get(lang);
    let fields = field_names(m, r.fields.iter().map(ToString::to_string), lang);
    let purpose = pick(lang, r.purpose.as_deref().unwrap_or(""), r.purpose_en.as_deref());
    let mut first = vec![
        if zh {
            format!("接收方：{name}（{kind}，{}）", r.country)
        } else {
            format!("Recipient: {name} ({kind}, {})", r.country)
        },
        if zh { format!("提供的个人信息：{fields}") } else { format!("Personal information given: {fields}") },
        if zh { format!("目的：{purpose}") } else { format!("Purpose: {purpose}") },
    ];
    if r.kind == RecipientKind::Entrusted {
        first.push(if zh {
            "委托处理：须与受托人约定处理目的、期限、方式、个人信息种类、保护措施及双方权利义务，并监督其处理（第二十一条）。".into()
        } else {
            "Entrusting: agree with the processor on purpose, period, method, categories, measures and duties, and supervise it (PIPL 21).".into()
        });
    } else {
        first.push(if zh {
            "向其他个人信息处理者提供：须告知接收方名称、联系方式、处理目的、处理方式和个人信息种类，并取得个人的单独同意（第二十三条）。".into()
        } else {
            "Providing to another processor: tell individuals who receives what and why, and get their separate consent (PIPL 23).".into()
        });
    }
    let mut second = vec![if zh {
        "接收方的处理可能超出约定范围，或发生泄露；个人对接收方的处理难以察觉。".into()
    } else {
        "The recipient may process beyond what was agreed, or leak the data; individuals can hardly see what it does."
            .into()
    }];
    if let Some(xb) = &r.cross_border {
        let mech = crate::wire_name(xb.mechanism);
        second.push(if zh {
            format!("出境：{}，出境机制：{mech}；境外接收方所在地的法律环境对个人权益的影响须一并评估。", r.country)
        } else {
            format!("Abroad: {}, under {mech}; the effect of the law there on individuals' rights is part of the assessment.", r.country)
        });
    }
    let third = vec![
        if zh {
            format!("本方的安全措施：{}", measures(m, lang))
        } else {
            format!("Our measures: {}", measures(m, lang))
        },
        if zh {
            "对接收方：合同约束、安全能力评估、删除与返还的约定（删除传播见清单 recipients.deletion）。".into()
        } else {
            "On the recipient: a contract, an assessment of its security, terms for deletion and return (deletion notices: recipients.deletion).".into()
        },
    ];
    items(lang, first, second, third)
}

/// Every processing of `m` that needs an assessment, each with its draft.
pub fn drafts(m: &Manifest, lang: Lang) -> Vec<Draft> {
    let mut out = Vec::new();
    for p in &m.purposes {
        let sensitive = field_names(m, m.sensitive_fields_of(p).map(|f| f.id.to_string()), lang);
        let name = pick(lang, &p.name, p.name_en.as_deref());
        let recorded = recorded_for_purpose(m, p);
        if !sensitive.is_empty() {
            let trigger = Trigger::SensitivePi { purpose: p.id.to_string() };
            out.push(Draft {
                title: format!("{} · {name}", trigger.label().get(lang)),
                items: purpose_items(m, p, &sensitive, lang),
                recorded: recorded.clone(),
                trigger,
            });
        }
        if p.automated.is_some() {
            let trigger = Trigger::AutomatedDecision { purpose: p.id.to_string() };
            out.push(Draft {
                title: format!("{} · {name}", trigger.label().get(lang)),
                items: purpose_items(m, p, &sensitive, lang),
                recorded,
                trigger,
            });
        }
    }
    for r in &m.recipients {
        let name = pick(lang, &r.name, r.name_en.as_deref());
        let trigger = if r.is_abroad() {
            Trigger::CrossBorder { recipient: r.id.to_string() }
        } else {
            Trigger::Recipient { recipient: r.id.to_string() }
        };
        out.push(Draft {
            title: format!("{} · {name}", trigger.label().get(lang)),
            items: recipient_items(m, r, lang),
            recorded: recorded_for_recipient(m, r),
            trigger,
        });
    }
    out
}

/// The drafts as one Markdown document.
pub fn markdown(m: &Manifest, drafts: &[Draft], lang: Lang) -> String {
    let zh = lang == Lang::ZhCn;
    let product = pick(lang, &m.controller.product, m.controller.product_en.as_deref());
    let mut s = if zh {
        format!(
            "# {product} 个人信息保护影响评估（草稿）\n\n依据《个人信息保护法》第五十五条、第五十六条，由清单生成；结论须由运营方评估后填写。评估报告和处理情况记录至少保存三年。\n\n"
        )
    } else {
        format!(
            "# {product}: personal-information impact assessments (drafts)\n\nUnder PIPL 55 and 56, drafted from the manifest; the conclusions are the operator's. Reports and processing records are kept at least three years.\n\n"
        )
    };
    if drafts.is_empty() {
        s.push_str(if zh {
            "清单中没有需要评估的处理。\n"
        } else {
            "Nothing in the manifest needs an assessment.\n"
        });
    }
    for d in drafts {
        s.push_str(&format!("## {}\n\n", d.title));
        let record = d.recorded.as_deref().and_then(|id| m.pia.iter().find(|p| p.id.as_str() == id));
        let risk = record.map(|p| format!("{:?}", p.risk).to_lowercase()).unwrap_or_default();
        let date = record.map(|p| p.date.to_string()).unwrap_or_default();
        s.push_str(&match (&d.recorded, zh) {
            (Some(id), true) => format!("已有评估记录：`{id}`（{date}，风险：{risk}）\n\n"),
            (Some(id), false) => format!("Recorded assessment: `{id}` ({date}, risk: {risk})\n\n"),
            (None, true) => "尚无评估记录：请评估后在清单中加入 [[pia]]。\n\n".into(),
            (None, false) => "No assessment recorded: assess, then add a [[pia]] to the manifest.\n\n".into(),
        });
        for item in &d.items {
            s.push_str(&format!("### {}\n\n", item.heading));
            for line in &item.lines {
                s.push_str(&format!("- {line}\n"));
            }
            s.push('\n');
        }
        // What follows the draft is the operator's: the items above are drafted, not assessed.
        s.push_str(if zh {
            "结论：请评估后记录（`POST /v1/pia`）并在清单 [[pia]] 中写入 risk = low / medium / high；高风险结论属于重大变更，须告知用户。\n\n"
        } else {
            "Conclusion: after the assessment, record it (`POST /v1/pia`) and write risk = low / medium / high in the manifest's [[pia]]; a high risk is a major change users must be told of.\n\n"
        });
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean() -> Manifest {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/rules/testdata/clean.toml"))
            .expect("the clean manifest");
        crate::load_manifest(&text).expect("loads")
    }

    #[test]
    fn every_trigger_of_pipl_55_gets_a_draft_with_the_items_of_pipl_56() {
        let m = clean();
        let drafts = drafts(&m, Lang::ZhCn);
        let sensitive = drafts.iter().find(|d| d.trigger == Trigger::SensitivePi { purpose: "nearby".into() }).unwrap();
        assert_eq!(sensitive.recorded.as_deref(), Some("pia-location"));
        assert_eq!(sensitive.items.len(), 3);
        let all = format!("{:?}", sensitive.items);
        for needle in ["合法性基础", "精确位置", "保存期限：7日", "单独同意", "第二十八条"] {
            assert!(all.contains(needle), "`{needle}` not in {all}");
        }
        assert!(drafts.iter().any(|d| d.trigger == Trigger::AutomatedDecision { purpose: "recommend".into() }));
        assert_eq!(
            drafts
                .iter()
                .filter(|d| matches!(d.trigger, Trigger::Recipient { .. } | Trigger::CrossBorder { .. }))
                .count(),
            m.recipients.len(),
            "one per recipient"
        );
        let md = markdown(&m, &super::drafts(&m, Lang::En), Lang::En);
        assert!(
            md.contains("1. Are the purposes and methods of processing lawful") && md.contains("Recorded assessment")
        );
    }

    #[test]
    fn an_unassessed_purpose_says_so() {
        let mut m = clean();
        m.pia.clear();
        for p in &mut m.purposes {
            p.pia = None;
        }
        let drafts = drafts(&m, Lang::ZhCn);
        assert!(drafts.iter().all(|d| d.recorded.is_none() || m.recipients.iter().any(|r| r.pia.is_some())));
        assert!(markdown(&m, &drafts, Lang::ZhCn).contains("尚无评估记录"));
    }
}

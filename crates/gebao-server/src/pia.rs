//! Impact assessments as recorded (PIPL 55–56; `gebao_store::pia`): what a record says in
//! Markdown or as a standalone HTML page (the policy's stylesheet), in zh-CN or English —
//! the trigger, the date, the assessor, the risk, and for each of the three items of PIPL 56
//! what gebao drafted from the manifest and what the assessor concluded; and the warnings a
//! new record gives (a high risk is a major change; the manifest's `[[pia]]` should say the
//! same).

use gebao_core::manifest::{Manifest, Risk};
use gebao_core::text::{Lang, Text};
use gebao_policy::escape_markdown as esc;
use gebao_store::pia::PiaRecord;

fn risk_label(risk: &str, lang: Lang) -> &'static str {
    match (risk, lang) {
        ("high", Lang::ZhCn) => "高",
        ("medium", Lang::ZhCn) => "中",
        (_, Lang::ZhCn) => "低",
        ("high", _) => "high",
        ("medium", _) => "medium",
        _ => "low",
    }
}

/// The record as Markdown.
pub fn markdown(r: &PiaRecord, lang: Lang) -> String {
    let zh = lang == Lang::ZhCn;
    let title = if zh { &r.title } else { &r.title_en };
    let mut s = if zh {
        format!("# 个人信息保护影响评估：{}\n\n", esc(title))
    } else {
        format!("# Personal-information protection impact assessment: {}\n\n", esc(title))
    };
    let id_row = if zh {
        format!("{} · 第 {} 版", esc(&r.id), r.version)
    } else {
        format!("{} · version {}", esc(&r.id), r.version)
    };
    let rows: [(&str, &str, String); 7] = [
        ("编号", "Id", id_row),
        ("触发情形", "Trigger", esc(&r.trigger)),
        ("评估日期", "Assessed on", r.assessed.to_string()),
        ("评估人", "Assessor", esc(&r.assessor)),
        ("风险等级", "Risk", risk_label(&r.risk, lang).to_owned()),
        ("评估时适用的政策版本", "Policy version in force", r.policy_version.to_string()),
        ("至少保存至", "Kept at least until", r.keep_until.to_string()),
    ];
    s.push_str(if zh { "| 项目 | 内容 |\n|---|---|\n" } else { "| | |\n|---|---|\n" });
    for (z, e, v) in rows {
        s.push_str(&format!("| {} | {v} |\n", if zh { z } else { e }));
    }
    s.push('\n');
    let concluded = [&r.conclusions.lawfulness, &r.conclusions.impact, &r.conclusions.measures];
    for (i, item) in r.draft.iter().enumerate() {
        s.push_str(&format!("## {}\n\n", esc(if zh { &item.heading } else { &item.heading_en })));
        s.push_str(if zh { "**依据清单整理：**\n\n" } else { "**From the manifest:**\n\n" });
        for line in if zh { &item.lines } else { &item.lines_en } {
            s.push_str(&format!("- {}\n", esc(line)));
        }
        s.push_str(if zh { "\n**评估结论：**\n\n" } else { "\n**Conclusion:**\n\n" });
        if let Some(c) = concluded.get(i) {
            for para in c.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
                s.push_str(&format!("{}\n\n", esc(para)));
            }
        }
    }
    if let Some(summary) = &r.summary {
        s.push_str(if zh { "## 总结\n\n" } else { "## Summary\n\n" });
        s.push_str(&format!("{}\n\n", esc(summary)));
    }
    s.push_str(if zh {
        "依据《个人信息保护法》第五十六条，个人信息保护影响评估报告和处理情况记录应当至少保存三年。\n"
    } else {
        "Under PIPL 56, impact assessment reports and processing records are kept at least three years.\n"
    });
    s
}

/// The record as a standalone HTML page.
pub fn html(r: &PiaRecord, lang: Lang) -> String {
    let title = if lang == Lang::ZhCn { &r.title } else { &r.title_en };
    gebao_policy::html_page(lang, title, &markdown(r, lang))
}

/// What the operator should do after recording `r` under the manifest `m`.
pub fn warnings(m: &Manifest, r: &PiaRecord) -> Vec<Text<String>> {
    let mut out = Vec::new();
    if r.risk == "high" {
        out.push(Text::new(
            format!("评估结论为高风险：这是重大变更（GB/T 35273 第 5.5 条）。请在清单 [[pia]] `{}` 中写入 risk = \"high\" 并发布新版本；gebao diff 会将其列为重大变更，须告知用户并重新取得同意。", r.id),
            format!("The assessment found a high risk: a major change (GB/T 35273 5.5). Write risk = \"high\" in the manifest's [[pia]] `{}` and publish a new version; gebao diff lists it as a major change, for which users are told and asked again.", r.id),
        ));
    }
    match m.pia.iter().find(|p| p.id.as_str() == r.id) {
        None => out.push(Text::new(
            format!("清单中没有 [[pia]] `{}`：请添加（date、risk、所涵盖的 purposes 或 recipients），使政策和检查引用这份评估。", r.id),
            format!("The manifest has no [[pia]] `{}`: add it (date, risk, the purposes or recipients it covers) so that the policy and the checks refer to this assessment.", r.id),
        )),
        Some(p) => {
            let risk = match p.risk {
                Risk::Low => "low",
                Risk::Medium => "medium",
                Risk::High => "high",
            };
            if p.date != r.assessed || risk != r.risk {
                out.push(Text::new(
                    format!("清单 [[pia]] `{}` 写的是 {}、风险 {}：请更新为 {}、风险 {}。", r.id, p.date, risk_label(risk, Lang::ZhCn), r.assessed, risk_label(&r.risk, Lang::ZhCn)),
                    format!("The manifest's [[pia]] `{}` says {} with risk {risk}: update it to {} with risk {}.", r.id, p.date, r.assessed, r.risk),
                ));
            }
        }
    }
    out
}

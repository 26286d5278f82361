//! `gebao terminate`: ending the service through the running server's API (`--server`,
//! `--token`; docs/termination.md). `--end-day DAY` announces the end (the manifest's notice
//! period is checked by the server; `--dry-run` shows the notice and announces nothing);
//! `status` shows where it stands, its notices and — once the personal information is
//! disposed of — the final report; `cancel` withdraws it before its day.

use super::client::Remote;
use crate::Outcome;
use anyhow::Result;
use chrono::NaiveDate;
use gebao_core::manifest::Disposal;
use gebao_core::text::Lang;
use reqwest::Method;
use serde_json::{Value, json};

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    command: Option<TerminateCommand>,
    /// The first day without service (Beijing time, YYYY-MM-DD): collection stops at 00:00.
    #[arg(long, visible_alias = "effective")]
    end_day: Option<NaiveDate>,
    /// Show the notice an end on that day gives, and the earliest day; announce nothing.
    #[arg(long)]
    dry_run: bool,
    #[command(flatten)]
    remote: Remote,
}

#[derive(clap::Subcommand)]
enum TerminateCommand {
    /// Where the end stands, its notices, and the final report once disposed of.
    Status,
    /// Withdraw the announced end before its day (users are told).
    Cancel {
        /// Why (kept in the audit log).
        #[arg(long)]
        reason: Option<String>,
    },
}

pub fn run(args: Args, lang: Lang) -> Result<Outcome> {
    let api = args.remote.api("termination:read,termination:write", lang)?;
    let none = None::<&()>;
    let answer: Value = match (args.command, args.end_day) {
        (Some(TerminateCommand::Status), _) => api.call(Method::GET, "/v1/termination", none, none)?,
        (Some(TerminateCommand::Cancel { reason }), _) => {
            api.call(Method::POST, "/v1/termination/cancel", none, Some(&json!({ "reason": reason })))?
        }
        (None, Some(day)) => {
            api.call(Method::POST, "/v1/termination", none, Some(&json!({ "end_day": day, "dry_run": args.dry_run })))?
        }
        (None, None) => {
            anyhow::bail!(if lang == Lang::ZhCn {
                "请用 --end-day YYYY-MM-DD 指定停止运营日，或使用 gebao terminate status / cancel"
            } else {
                "give the end day with --end-day YYYY-MM-DD, or use gebao terminate status / cancel"
            })
        }
    };
    args.remote.print(&answer, |v| readable(v, lang))?;
    Ok(Outcome::Ok)
}

/// The answer in words: the state, the day, the notice and the report.
fn readable(v: &Value, lang: Lang) -> Vec<String> {
    let zh = lang == Lang::ZhCn;
    let s = |k: &str| v[k].as_str().unwrap_or_default().to_owned();
    let mut out = Vec::new();
    if v.get("earliest_end_day").is_some() {
        out.push(if zh {
            format!("预览（未公告）：停止运营日 {}，今天公告最早可为 {}；之后个人信息将{}。", s("end_day"), s("earliest_end_day"), disposal(&s("disposal"), zh))
        } else {
            format!("Preview (nothing announced): the service stops on {}; announced today, the earliest end is {}; then personal information is {}.", s("end_day"), s("earliest_end_day"), disposal(&s("disposal"), zh))
        });
    } else {
        let label = if zh { s("state_label") } else { s("state_label_en") };
        out.push(if zh {
            format!("停止运营 {}：{}，停止运营日 {}", s("id"), label, s("end_day"))
        } else {
            format!("End of the service {}: {}, ends on {}", s("id"), label, s("end_day"))
        });
        let n = &v["notices"];
        out.push(if zh {
            format!("通知：共 {}，已送达 {}，待发送 {}，失败 {}", n["total"], n["delivered"], n["pending"], n["failed"])
        } else {
            format!(
                "Notices: {} in all, {} delivered, {} pending, {} failed",
                n["total"], n["delivered"], n["pending"], n["failed"]
            )
        });
        if let Some(e) = v["last_error"].as_str() {
            out.push(if zh {
                format!("上次处理失败（将重试）：{e}")
            } else {
                format!("Last disposal failed (retried): {e}")
            });
        }
    }
    out.push(String::new());
    for line in v["notice"].as_array().into_iter().flatten() {
        out.push(line[if zh { "zh" } else { "en" }].as_str().unwrap_or_default().to_owned());
    }
    if v["report"].is_object() {
        out.push(String::new());
        out.extend(report(&v["report"], zh));
    }
    out
}

/// The disposal the server names (`delete`, `anonymise`) in words.
fn disposal(d: &str, zh: bool) -> &'static str {
    let d = serde_json::from_value(Value::from(d)).unwrap_or(Disposal::Delete);
    let label = Disposal::label(d);
    if zh { label.zh } else { label.en }
}

/// The final report: per dataset, users and rows erased, rows kept and why.
fn report(r: &Value, zh: bool) -> Vec<String> {
    let mut out = vec![if zh { "最终报告：".to_owned() } else { "Final report:".to_owned() }];
    for d in r["datasets"]["datasets"].as_array().into_iter().flatten() {
        out.push(if zh {
            format!(
                "- 数据集 {}：{} 名用户，处理 {} 行",
                d["dataset"].as_str().unwrap_or_default(),
                d["subjects"],
                d["rows"]
            )
        } else {
            format!(
                "- dataset {}: {} users, {} rows erased",
                d["dataset"].as_str().unwrap_or_default(),
                d["subjects"],
                d["rows"]
            )
        });
        for (table, h) in d["held"].as_object().into_iter().flatten() {
            let reasons = h[if zh { "reasons" } else { "reasons_en" }]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("; ");
            let until = h["until"].as_str().map(|u| u.get(..10).unwrap_or(u).to_owned());
            out.push(match (zh, until) {
                (true, Some(u)) => format!("  保留 {table} {} 行（{reasons}），至 {u} 后删除", h["rows"]),
                (true, None) => format!("  保留 {table} {} 行（{reasons}）", h["rows"]),
                (false, Some(u)) => format!("  kept {} rows of {table} ({reasons}) until {u}", h["rows"]),
                (false, None) => format!("  kept {} rows of {table} ({reasons})", h["rows"]),
            });
        }
    }
    out.push(if zh {
        format!("- gebao 自身记录：删除 {} 名已登记用户", r["registered_users_erased"])
    } else {
        format!("- gebao's own records: {} registered users erased", r["registered_users_erased"])
    });
    out
}

//! `gebao abroad`: personal information sent abroad this year, through the running server's
//! API (`--server`, `--token`; docs/abroad.md): the individuals counted from decisions and
//! reported by the operator, the mechanism they make necessary, each threshold of XB24 with
//! the flows whose declared mechanism falls short; `report` records transfers gebao did not
//! decide.

use super::client::Remote;
use crate::Outcome;
use anyhow::Result;
use gebao_core::text::Lang;
use reqwest::Method;
use serde_json::{Value, json};

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    command: Option<AbroadCommand>,
    /// The year (Beijing time); this one by default.
    #[arg(long, global = true)]
    year: Option<i32>,
    #[command(flatten)]
    remote: Remote,
}

#[derive(clap::Subcommand)]
enum AbroadCommand {
    /// Report individuals whose personal information went abroad outside gebao's decisions.
    Report {
        /// Individuals whose non-sensitive personal information went.
        #[arg(long, default_value_t = 0)]
        individuals: u64,
        /// Individuals whose sensitive personal information went.
        #[arg(long, default_value_t = 0)]
        sensitive: u64,
        /// The manifest's recipient abroad it went to.
        #[arg(long)]
        recipient: Option<String>,
        /// What it was (kept).
        #[arg(long)]
        note: Option<String>,
    },
}

pub fn run(args: Args, lang: Lang) -> Result<Outcome> {
    let api = args.remote.api("abroad:read,abroad:write", lang)?;
    let none = None::<&()>;
    let answer: Value = match args.command {
        None => {
            let path = args.year.map_or_else(|| "/v1/abroad".to_owned(), |y| format!("/v1/abroad?year={y}"));
            api.call(Method::GET, &path, none, none)?
        }
        Some(AbroadCommand::Report { individuals, sensitive, recipient, note }) => {
            let body = json!({
                "year": args.year, "individuals": individuals, "sensitive_individuals": sensitive,
                "recipient": recipient, "note": note,
            });
            api.call(Method::POST, "/v1/abroad/reports", none, Some(&body))?
        }
    };
    args.remote.print(&answer, |v| readable(v, lang == Lang::ZhCn))?;
    Ok(Outcome::Ok)
}

/// The year in words: totals, band, thresholds near or crossed and the flows short of them.
fn readable(v: &Value, zh: bool) -> Vec<String> {
    let t = &v["totals"];
    let label = |k: &str| v[if zh { k.to_owned() } else { format!("{k}_en") }].as_str().unwrap_or_default().to_owned();
    let mut out = vec![if zh {
        format!(
            "{} 年出境个人数：一般个人信息 {} 人（判定计入 {}，申报 {}），敏感个人信息 {} 人（判定计入 {}，申报 {}）",
            v["year"],
            v["individuals"],
            t["counted"],
            t["reported"],
            v["sensitive_individuals"],
            t["counted_sensitive"],
            t["reported_sensitive"]
        )
    } else {
        format!(
            "{}: PI of {} individuals abroad ({} counted, {} reported), sensitive PI of {} ({} counted, {} reported)",
            v["year"],
            v["individuals"],
            t["counted"],
            t["reported"],
            v["sensitive_individuals"],
            t["counted_sensitive"],
            t["reported_sensitive"]
        )
    }];
    out.push(if zh {
        format!("据此：{}", label("band_label"))
    } else {
        format!("This needs {}", label("band_label"))
    });
    if v["undeclared"] == true {
        out.push(if zh {
            "清单未声明任何出境活动：请补充出境接收方、单独同意及机制（XB-01）".to_owned()
        } else {
            "The manifest declares no flow abroad: declare the recipient, its separate consent and mechanism (XB-01)"
                .to_owned()
        });
    } else if v["understated"] == true {
        let d = &v["declared"];
        out.push(if zh {
            format!(
                "清单 cross_border 申报的人数（一般 {}、敏感 {}）低于实际，请更新清单",
                d["individuals"], d["sensitive"]
            )
        } else {
            format!(
                "The manifest's cross_border figures ({} and {} sensitive) are below the counts: update the manifest",
                d["individuals"], d["sensitive"]
            )
        });
    }
    for th in v["thresholds"].as_array().into_iter().flatten() {
        let Some(near) = th["nearness"].as_str() else { continue };
        let short: Vec<&str> =
            th["short"].as_array().into_iter().flatten().filter_map(|s| s["flow"].as_str()).collect();
        let need = th[if zh { "need" } else { "need_en" }].as_str().unwrap_or_default();
        let state = match (near, zh) {
            ("crossed", true) => "已达到",
            ("crossed", false) => "crossed",
            (_, true) => "接近",
            (_, false) => "near",
        };
        let kind = if th["sensitive"] == true {
            if zh { "敏感个人信息" } else { "sensitive PI" }
        } else if zh {
            "个人信息"
        } else {
            "PI"
        };
        let lacking = match (zh, short.is_empty(), v["undeclared"] == true) {
            (true, _, true) => "清单未声明出境活动".to_owned(),
            (false, _, true) => "the manifest declares no flow abroad".to_owned(),
            (true, true, false) => "声明的机制已满足".to_owned(),
            (false, true, false) => "the declared mechanisms cover it".to_owned(),
            (true, false, false) => format!("机制不足：{}", short.join(", ")),
            (false, false, false) => format!("short of it: {}", short.join(", ")),
        };
        out.push(if zh {
            format!("- {state}{kind} {} 人门槛（{}）：{need}；{lacking}", th["at"], th["count"])
        } else {
            format!("- {state} the threshold of {} ({kind}, {}): {need}; {lacking}", th["at"], th["count"])
        });
    }
    out
}

//! `gebao requests`: the staff's view of users' rights requests, through the running
//! server's API (`--server`, `--token`): list (overdue, due soon), show, approve, refuse with
//! a legal ground, execute (with a dry run first), withdraw.

use crate::{Outcome, out};
use anyhow::{Context, Result, bail};
use gebao_core::text::Lang;
use serde_json::{Value, json};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: RequestsCommand,
    /// The server's base URL.
    #[arg(long, env = "GEBAO_SERVER", default_value = "http://127.0.0.1:7480", global = true)]
    server: String,
    /// An API key with requests:read (and requests:write to act).
    #[arg(long, env = "GEBAO_TOKEN", global = true, hide_env_values = true)]
    token: Option<String>,
    /// Print the server's JSON.
    #[arg(long, global = true)]
    json: bool,
}

#[derive(clap::Subcommand)]
enum RequestsCommand {
    /// List requests, soonest due first.
    List {
        /// Only these states (comma-separated, e.g. received,in-progress).
        #[arg(long)]
        state: Option<String>,
        /// Only overdue requests.
        #[arg(long)]
        overdue: bool,
        /// Only requests due within this time, e.g. 3d, 2wd (working days), 12h.
        #[arg(long)]
        due_within: Option<String>,
    },
    /// Show one request with its events and deliveries.
    Show { id: String },
    /// Approve a verified request (correction, deletion, …).
    Approve { id: String },
    /// Refuse a request on a legal ground: identity-unverified, other-person-data,
    /// legal-retention, state-secret-or-investigation, manifestly-unfounded-or-excessive,
    /// not-technically-feasible (portability only).
    Refuse {
        id: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// Carry the request out against the datasets; `--dry-run` shows the statements first.
    Execute {
        id: String,
        #[arg(long)]
        dry_run: bool,
    },
    /// Withdraw the request on the user's behalf.
    Withdraw { id: String },
}

pub fn run(args: Args, lang: Lang) -> Result<Outcome> {
    let Some(token) = args.token.clone() else {
        bail!(if lang == Lang::ZhCn {
            "需要 API 密钥：请用 --token 或 GEBAO_TOKEN 指定（gebao keys create --scope requests:read,requests:write）"
        } else {
            "an API key is needed: pass --token or set GEBAO_TOKEN (gebao keys create --scope requests:read,requests:write)"
        });
    };
    let http = reqwest::blocking::Client::builder().timeout(std::time::Duration::from_secs(60)).build()?;
    let base = args.server.trim_end_matches('/');
    let call = |method: reqwest::Method, path: &str, body: Option<Value>| -> Result<Value> {
        let mut req = http.request(method, format!("{base}{path}")).bearer_auth(&token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().with_context(|| format!("cannot reach the server at {base}"))?;
        let status = resp.status();
        let v: Value = resp.json().unwrap_or(Value::Null);
        if !status.is_success() {
            let detail = if lang == Lang::ZhCn { v["detail"].as_str() } else { v["detail_en"].as_str() };
            bail!(
                "HTTP {}: {}",
                status.as_u16(),
                detail.unwrap_or_else(|| status.canonical_reason().unwrap_or("error"))
            );
        }
        Ok(v)
    };
    let (v, one) = match &args.command {
        RequestsCommand::List { state, overdue, due_within } => {
            let mut q = Vec::new();
            if let Some(s) = state {
                q.push(format!("state={s}"));
            }
            if *overdue {
                q.push("overdue=true".into());
            }
            if let Some(d) = due_within {
                q.push(format!("due_within={d}"));
            }
            (call(reqwest::Method::GET, &format!("/v1/requests?{}", q.join("&")), None)?, false)
        }
        RequestsCommand::Show { id } => (call(reqwest::Method::GET, &format!("/v1/requests/{id}"), None)?, true),
        RequestsCommand::Approve { id } => {
            (call(reqwest::Method::POST, &format!("/v1/requests/{id}/approve"), Some(json!({})))?, true)
        }
        RequestsCommand::Refuse { id, reason, note } => (
            call(
                reqwest::Method::POST,
                &format!("/v1/requests/{id}/refuse"),
                Some(json!({"reason": reason, "note": note})),
            )?,
            true,
        ),
        RequestsCommand::Execute { id, dry_run } => {
            let q = if *dry_run { "?dry_run=true" } else { "" };
            (call(reqwest::Method::POST, &format!("/v1/requests/{id}/execute{q}"), Some(json!({})))?, !*dry_run)
        }
        RequestsCommand::Withdraw { id } => {
            (call(reqwest::Method::POST, &format!("/v1/requests/{id}/withdraw"), Some(json!({})))?, true)
        }
    };
    if args.json || !(one || v["items"].is_array()) {
        out::line(serde_json::to_string_pretty(&v)?)?;
    } else if one {
        out::line(summary(&v, lang))?;
    } else {
        for r in v["items"].as_array().into_iter().flatten() {
            out::line(summary(r, lang))?;
        }
    }
    Ok(Outcome::Ok)
}

/// One line per request: id, kind, state, due date, and whether it is overdue.
fn summary(r: &Value, lang: Lang) -> String {
    let s = |k: &str| r[k].as_str().unwrap_or("").to_owned();
    let state = if lang == Lang::ZhCn { s("state_label") } else { s("state_label_en") };
    let due = r["due"]["date"].as_str().unwrap_or("");
    let flag = match (r["due"]["overdue"].as_bool(), lang) {
        (Some(true), Lang::ZhCn) => "已逾期",
        (Some(true), Lang::En) => "OVERDUE",
        _ => "",
    };
    let left = r["due"]["working_days_left"]
        .as_i64()
        .map(|n| if lang == Lang::ZhCn { format!("剩余{n}个工作日") } else { format!("{n} working days left") })
        .unwrap_or_default();
    format!("{:<38} {:<13} {:<10} {due} {left} {flag}", s("id"), s("kind"), state).trim_end().to_owned()
}

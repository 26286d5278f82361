//! `gebao incident`: personal-information incidents through the running server's API
//! (`--server`, `--token`; docs/incidents.md): open one, change what is known, record a report
//! made to the regulator, close it, list and show them with their reporting clock, tell the
//! individuals affected and follow each notice's delivery, publish the notice for those who
//! cannot be told one by one.

use super::client::{Remote, segment};
use crate::Outcome;
use anyhow::{Context, Result};
use chrono::{DateTime, FixedOffset};
use gebao_core::incidents::Grade;
use gebao_core::text::Lang;
use reqwest::Method;
use serde_json::{Map, Value, json};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: IncidentCommand,
    #[command(flatten)]
    remote: Remote,
}

/// What a notice to individuals says (PIPL 57); each replaces what is there.
#[derive(clap::Args, Default)]
struct NoticeArgs {
    /// The categories of personal information involved, comma-separated (手机号,昵称).
    #[arg(long, value_delimiter = ',')]
    categories: Option<Vec<String>>,
    /// The cause.
    #[arg(long)]
    cause: Option<String>,
    /// The harm it may cause.
    #[arg(long)]
    harm: Option<String>,
    /// The remedial measures taken.
    #[arg(long)]
    measures: Option<String>,
    /// What individuals can do to reduce the harm.
    #[arg(long)]
    advice: Option<String>,
}

impl NoticeArgs {
    fn given(&self) -> bool {
        self.categories.is_some()
            || self.cause.is_some()
            || self.harm.is_some()
            || self.measures.is_some()
            || self.advice.is_some()
    }

    /// `base` (the notice as it stands) with what was given put over it.
    fn over(self, base: &Value) -> Value {
        let mut n: Map<String, Value> = base.as_object().cloned().unwrap_or_default();
        if let Some(c) = self.categories {
            n.insert("categories".into(), json!(c));
        }
        for (k, v) in [("cause", self.cause), ("harm", self.harm), ("measures", self.measures), ("advice", self.advice)]
        {
            if let Some(v) = v {
                n.insert(k.into(), json!(v));
            }
        }
        Value::Object(n)
    }
}

#[derive(clap::Subcommand)]
enum IncidentCommand {
    /// Open an incident; its reporting clock starts when it was found.
    Open {
        /// A short name.
        #[arg(long)]
        title: String,
        /// extremely-serious (特别重大), serious (重大), major (较大) or general (一般).
        #[arg(long, value_parser = parse_grade)]
        grade: Grade,
        /// When it was found or learned of (RFC 3339, e.g. 2026-12-03T10:00:00+08:00).
        #[arg(long)]
        found_at: DateTime<FixedOffset>,
        /// When it happened, if known.
        #[arg(long)]
        occurred_at: Option<DateTime<FixedOffset>>,
        /// How many individuals are (or may be) affected.
        #[arg(long)]
        affected: i64,
        /// Minors are among them (their guardians are told too).
        #[arg(long)]
        minors: bool,
        /// What happened.
        #[arg(long)]
        description: String,
        #[command(flatten)]
        notice: NoticeArgs,
    },
    /// Change what is known of an open incident.
    Update {
        id: String,
        #[arg(long)]
        title: Option<String>,
        #[arg(long, value_parser = parse_grade)]
        grade: Option<Grade>,
        #[arg(long)]
        occurred_at: Option<DateTime<FixedOffset>>,
        #[arg(long)]
        affected: Option<i64>,
        /// true or false.
        #[arg(long)]
        minors: Option<bool>,
        #[arg(long)]
        description: Option<String>,
        #[command(flatten)]
        notice: NoticeArgs,
    },
    /// Record a report made to the regulator (initial first, then follow-up, final).
    Report {
        id: String,
        /// initial, follow-up or final.
        #[arg(long, default_value = "initial", value_parser = ["initial", "follow-up", "final"])]
        kind: String,
        /// When it was made (RFC 3339); now when left out.
        #[arg(long)]
        at: Option<DateTime<FixedOffset>>,
        /// To whom; the manifest's regulator when left out.
        #[arg(long)]
        to: Option<String>,
        /// The regulator's reference.
        #[arg(long)]
        reference: Option<String>,
    },
    /// Close an incident (one graded 较大 or above once reported).
    Close {
        id: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// List the open incidents (--all: every one), most recently found first.
    List {
        #[arg(long)]
        all: bool,
    },
    /// Show an incident with its reporting clock and history.
    Show { id: String },
    /// Tell the individuals affected (and the guardians of minors among them).
    Notify {
        id: String,
        /// A user id; repeatable.
        #[arg(long = "subject")]
        subjects: Vec<String>,
        /// A file of user ids, one per line (`-`: standard input).
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Each notice of an incident and its delivery.
    Notices { id: String },
    /// Publish the notice in the privacy centre, for those who cannot be told one by one.
    Publish { id: String },
}

fn parse_grade(s: &str) -> Result<Grade, String> {
    s.parse()
}

fn path(id: &str, rest: &str) -> String {
    format!("/v1/incidents/{}{rest}", segment(id))
}

/// User ids from the flags and the file, blank lines and `#` comments left out.
fn subjects_of(mut ids: Vec<String>, file: Option<PathBuf>) -> Result<Vec<String>> {
    if let Some(f) = file {
        let text = if f.as_os_str() == "-" {
            std::io::read_to_string(std::io::stdin()).context("cannot read the user ids from standard input")?
        } else {
            std::fs::read_to_string(&f).with_context(|| format!("cannot read the user ids from {}", f.display()))?
        };
        ids.extend(text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_owned));
    }
    Ok(ids)
}

pub fn run(args: Args, lang: Lang) -> Result<Outcome> {
    let api = args.remote.api("incidents:read,incidents:write", lang)?;
    let none = None::<&()>;
    let answer: Value = match args.command {
        IncidentCommand::Open { title, grade, found_at, occurred_at, affected, minors, description, notice } => {
            let body = json!({
                "title": title, "grade": grade, "found_at": found_at, "occurred_at": occurred_at,
                "affected": affected, "minors": minors, "description": description,
                "notice": notice.over(&json!({})),
            });
            api.call(Method::POST, "/v1/incidents", none, Some(&body))?
        }
        IncidentCommand::Update { id, title, grade, occurred_at, affected, minors, description, notice } => {
            let mut body = Map::new();
            let mut put = |k: &str, v: Option<Value>| {
                if let Some(v) = v {
                    body.insert(k.into(), v);
                }
            };
            put("title", title.map(Value::from));
            put("grade", grade.map(|g| json!(g)));
            put("occurred_at", occurred_at.map(|t| json!(t)));
            put("affected", affected.map(Value::from));
            put("minors", minors.map(Value::from));
            put("description", description.map(Value::from));
            if notice.given() {
                // The notice is replaced as a whole: what was not given stays as it is.
                let current: Value = api.call(Method::GET, &path(&id, ""), none, none)?;
                body.insert("notice".into(), notice.over(&current["notice"]));
            }
            api.call(Method::POST, &path(&id, "/update"), none, Some(&Value::Object(body)))?
        }
        IncidentCommand::Report { id, kind, at, to, reference } => {
            let body = json!({ "kind": kind, "at": at, "to": to, "reference": reference });
            api.call(Method::POST, &path(&id, "/reports"), none, Some(&body))?
        }
        IncidentCommand::Close { id, note } => {
            api.call(Method::POST, &path(&id, "/close"), none, Some(&json!({ "note": note })))?
        }
        IncidentCommand::List { all } => {
            api.call(Method::GET, "/v1/incidents", Some(&[("open", if all { "false" } else { "true" })]), none)?
        }
        IncidentCommand::Show { id } => api.call(Method::GET, &path(&id, ""), none, none)?,
        IncidentCommand::Notify { id, subjects, file } => {
            let subjects = subjects_of(subjects, file)?;
            api.call(Method::POST, &path(&id, "/notices"), none, Some(&json!({ "subjects": subjects })))?
        }
        IncidentCommand::Notices { id } => api.call(Method::GET, &path(&id, "/notices"), none, none)?,
        IncidentCommand::Publish { id } => {
            api.call(Method::POST, &path(&id, "/public-notice"), none, Some(&json!({})))?
        }
    };
    args.remote.print(&answer, |v| readable(v, lang))?;
    Ok(Outcome::Ok)
}

/// A time in Beijing, from milliseconds.
fn beijing(ms: Option<i64>) -> String {
    let Some(cst) = FixedOffset::east_opt(8 * 3600) else { return "—".into() };
    ms.and_then(DateTime::from_timestamp_millis)
        .map(|t| t.with_timezone(&cst).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| "—".into())
}

/// What the answer says, in lines a person reads.
fn readable(v: &Value, lang: Lang) -> Vec<String> {
    let zh = lang == Lang::ZhCn;
    if let Some(list) = v.as_array() {
        if list.is_empty() {
            return vec![(if zh { "没有安全事件。" } else { "No incidents." }).into()];
        }
        return list.iter().flat_map(|i| incident_lines(i, zh)).collect();
    }
    if v.get("queued").is_some() {
        let unknown =
            v["unknown"].as_array().map(|u| u.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", "));
        let mut out = vec![if zh {
            format!("已排队告知 {} 人（其中监护人 {}），此前已告知 {} 人", v["queued"], v["guardians"], v["already"])
        } else {
            format!(
                "{} notices queued ({} to guardians); {} were queued before",
                v["queued"], v["guardians"], v["already"]
            )
        }];
        if let Some(u) = unknown.filter(|u| !u.is_empty()) {
            out.push(if zh {
                format!("未登记的用户 ID（未发送）：{u}")
            } else {
                format!("not registered (nothing sent): {u}")
            });
        }
        return out;
    }
    if v.get("notices").is_some() {
        let mut out = vec![if zh {
            format!(
                "共 {} 条告知：已送达 {}，待发送 {}，失败 {}",
                v["total"], v["delivered"], v["pending"], v["failed"]
            )
        } else {
            format!(
                "{} notices: {} delivered, {} pending, {} failed",
                v["total"], v["delivered"], v["pending"], v["failed"]
            )
        }];
        for n in v["notices"].as_array().into_iter().flatten() {
            out.push(format!(
                "  {} {} {} ({}) {}",
                n["role"].as_str().unwrap_or_default(),
                n["about"].as_str().unwrap_or_default(),
                n["state"].as_str().unwrap_or_default(),
                n["attempts"],
                beijing(n["delivered_ms"].as_i64())
            ));
        }
        return out;
    }
    incident_lines(v, zh)
}

fn incident_lines(i: &Value, zh: bool) -> Vec<String> {
    let s = |k: &str| i[k].as_str().unwrap_or_default().to_owned();
    let grade = i["grade"].as_str().and_then(|g| g.parse::<Grade>().ok());
    let grade = grade.map(|g| if zh { g.label().zh.to_owned() } else { g.label().en.to_owned() }).unwrap_or_default();
    let standing = s("standing");
    let standing = if zh {
        match standing.as_str() {
            "not-required" => "无需报告".into(),
            "reported" => "已报告".into(),
            "running" => "报告时限未到".into(),
            "due-soon" => "即将到报告时限".into(),
            "overdue" => "已超过报告时限".into(),
            other => other.to_owned(),
        }
    } else {
        standing
    };
    let state = if i["closed_ms"].is_null() {
        if zh { "处理中" } else { "open" }
    } else if zh {
        "已结案"
    } else {
        "closed"
    };
    let mut out = vec![format!("{}  {grade}  {}  [{state}]", s("id"), s("title"))];
    let due = beijing(i["clock"]["due_ms"].as_i64());
    out.push(if zh {
        format!("  发现于 {} · 报告期限 {due} · {standing}", beijing(i["found_ms"].as_i64()))
    } else {
        format!("  found {} · report due {due} · {standing}", beijing(i["found_ms"].as_i64()))
    });
    let minors = i["minors"].as_bool().unwrap_or(false);
    out.push(if zh {
        format!("  受影响人数 {} · 涉及未成年人：{}", i["affected"], if minors { "是" } else { "否" })
    } else {
        format!("  affected {} · minors: {}", i["affected"], if minors { "yes" } else { "no" })
    });
    let missing: Vec<&str> = i["notice_missing"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    if !missing.is_empty() {
        out.push(if zh {
            format!("  告知内容待补：{}", missing.join(", "))
        } else {
            format!("  notice still lacks: {}", missing.join(", "))
        });
    }
    for r in i["reports"].as_array().into_iter().flatten() {
        let reference = r["reference"].as_str().map(|x| format!(" ({x})")).unwrap_or_default();
        out.push(format!(
            "  {} {} → {}{reference}",
            r["kind"].as_str().unwrap_or_default(),
            beijing(r["at_ms"].as_i64()),
            r["to"].as_str().unwrap_or_default()
        ));
    }
    for e in i["events"].as_array().into_iter().flatten() {
        out.push(format!(
            "  #{} {} {} {}",
            e["version"],
            beijing(e["at_ms"].as_i64()),
            e["kind"].as_str().unwrap_or_default(),
            e["actor"].as_str().unwrap_or_default()
        ));
    }
    out
}

//! `gebao report [--year YYYY]`: the year's summary for the personal-information protection
//! officer, read from the store: users' requests by kind (answered on time, late, refused,
//! still open and overdue), consents granted and withdrawn, incidents by grade (reported
//! within the window or late, individuals told), and from the policy version in force the
//! impact assessments, the flows abroad with their mechanism and the individuals counted abroad. Markdown (zh-CN, or English
//! with `--lang en`) or JSON.

use super::store_args::StoreArgs;
use crate::{Outcome, out};
use anyhow::{Context, Result, bail};
use chrono::{Datelike, FixedOffset, NaiveDate, Offset, TimeZone};
use gebao_core::incidents::{Grade, ReportClock};
use gebao_core::requests::{RequestKind, RequestState};
use gebao_core::text::Lang;
use gebao_store::{OutboxState, RequestFilter, RightsRequest, Store};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(clap::Args)]
pub struct Args {
    /// The calendar year, in Beijing time (default: this year).
    #[arg(long)]
    year: Option<i32>,
    /// `markdown` (default) or `json`.
    #[arg(long, default_value = "markdown", value_parser = ["markdown", "json"])]
    format: String,
    #[command(flatten)]
    store: StoreArgs,
}

/// Requests of one kind received in the year.
#[derive(Debug, Default, Serialize)]
struct RequestFigures {
    received: usize,
    /// Answered (completed, refused or withdrawn) by their due time.
    on_time: usize,
    /// Answered after it.
    late: usize,
    refused: usize,
    open: usize,
    /// Open and past their due time now.
    overdue: usize,
}

#[derive(Debug, Default, Serialize)]
struct IncidentFigures {
    found: usize,
    by_grade: BTreeMap<&'static str, usize>,
    /// Graded 较大 or above: reported within the window, late, not reported.
    reported_on_time: usize,
    reported_late: usize,
    not_reported: usize,
    /// Notices to individuals (and guardians): queued, delivered.
    notices: usize,
    notices_delivered: usize,
    public_notices: usize,
}

#[derive(Debug, Serialize)]
struct PiaLine {
    id: String,
    date: NaiveDate,
    risk: String,
    /// Kept at least until (PIPL 56: three years).
    keep_until: NaiveDate,
    /// The latest version recorded on the server (`POST /v1/pia`), whose date and risk
    /// these are; `None` when only the manifest declares it.
    version: Option<i64>,
}

#[derive(Debug, Serialize)]
struct FlowLine {
    recipient: String,
    country: String,
    mechanism: String,
    filed: Option<NaiveDate>,
    individuals: Option<u64>,
    sensitive_individuals: Option<u64>,
}

#[derive(Debug, Serialize)]
struct DutyLine {
    duty: String,
    what: String,
    due: NaiveDate,
    standing: gebao_core::duties::Standing,
}

#[derive(Debug, Serialize)]
struct YearReport {
    year: i32,
    /// When it was drawn up (Beijing time).
    made: String,
    policy_version: Option<i64>,
    requests: BTreeMap<&'static str, RequestFigures>,
    consents_granted: i64,
    consents_withdrawn: i64,
    incidents: IncidentFigures,
    pias: Vec<PiaLine>,
    flows_abroad: Vec<FlowLine>,
    /// Individuals whose personal information went abroad this year: counted from
    /// decisions and reported by the operator (XB24).
    abroad: gebao_store::abroad::AbroadTotals,
    /// What the year's figures make necessary: `none`, `contract` or `assessment`.
    abroad_band: gebao_core::abroad::Band,
    /// Personal information provided to recipients, per recipient (the records kept three
    /// years: `GET /v1/provisions`).
    provisions: Vec<gebao_store::provision::RecipientTotal>,
    /// Dated duties of the policy in force: mechanisms abroad running out, the audit.
    duties: Vec<DutyLine>,
}

fn cst() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or(chrono::Utc.fix())
}

/// `[1 January, next 1 January)` of `year` in Beijing time, in milliseconds.
fn bounds(year: i32) -> Option<(i64, i64)> {
    let start = cst().with_ymd_and_hms(year, 1, 1, 0, 0, 0).single()?;
    let end = cst().with_ymd_and_hms(year + 1, 1, 1, 0, 0, 0).single()?;
    Some((start.timestamp_millis(), end.timestamp_millis()))
}

/// Every request received in `[since, until)`.
async fn requests_in(store: &dyn Store, since: i64, until: i64) -> Result<Vec<RightsRequest>> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let filter =
            RequestFilter { received_since_ms: Some(since), limit: 1000, after: after.clone(), ..Default::default() };
        let page = store.list_requests(&filter).await?;
        let full = page.len() == 1000;
        after = page.last().map(|r| (r.due_ms, r.id.clone()));
        out.extend(page.into_iter().filter(|r| r.received_ms < until));
        if !full {
            return Ok(out);
        }
    }
}

async fn gather(store: &dyn Store, year: i32, now_ms: i64, lang: Lang) -> Result<YearReport> {
    let Some((since, until)) = bounds(year) else { bail!("{year} is not a year gebao can count") };
    let mut requests: BTreeMap<&'static str, RequestFigures> = BTreeMap::new();
    for r in requests_in(store, since, until).await? {
        let f = requests.entry(r.kind.as_str()).or_default();
        f.received += 1;
        match r.closed_ms {
            Some(closed) if closed <= r.due_ms => f.on_time += 1,
            Some(_) => f.late += 1,
            None => {
                f.open += 1;
                if now_ms > r.due_ms {
                    f.overdue += 1;
                }
            }
        }
        if r.state == RequestState::Refused {
            f.refused += 1;
        }
    }
    let (consents_granted, consents_withdrawn) = store.consent_actions(since, until).await?;

    let latest = store.latest_policy().await?;
    let manifest = match &latest {
        Some(v) => Some(
            gebao_core::load_manifest(&v.body.manifest)
                .with_context(|| format!("the stored policy version {} does not load", v.version))?,
        ),
        None => None,
    };

    let mut incidents = IncidentFigures::default();
    for inc in store.incidents(false, 100_000).await?.into_iter().filter(|i| (since..until).contains(&i.found_ms)) {
        incidents.found += 1;
        *incidents.by_grade.entry(inc.grade.as_str()).or_default() += 1;
        if inc.public_notice_ms.is_some() {
            incidents.public_notices += 1;
        }
        let found = chrono::DateTime::from_timestamp_millis(inc.found_ms).unwrap_or_default();
        if let Some(m) = &manifest
            && let Some(clock) = ReportClock::of(m, inc.grade, found)
        {
            match inc.first_report_ms() {
                Some(at) if at <= clock.due.timestamp_millis() => incidents.reported_on_time += 1,
                Some(_) => incidents.reported_late += 1,
                None => incidents.not_reported += 1,
            }
        }
        let notices = store.outbox_with_dedupe_prefix(&format!("incident:{}:", inc.id), 1_000_000).await?;
        incidents.notices += notices.len();
        incidents.notices_delivered += notices.iter().filter(|(_, i)| i.state == OutboxState::Delivered).count();
    }

    let (pias, flows_abroad) = match &manifest {
        Some(m) => (
            m.pia
                .iter()
                .map(|p| PiaLine {
                    id: p.id.to_string(),
                    date: p.date,
                    risk: format!("{:?}", p.risk).to_lowercase(),
                    keep_until: p.date.with_year(p.date.year() + 3).unwrap_or(p.date),
                    version: None,
                })
                .collect::<Vec<_>>(),
            m.recipients
                .iter()
                .filter_map(|r| {
                    let xb = r.cross_border.as_ref()?;
                    Some(FlowLine {
                        recipient: r.id.to_string(),
                        country: r.country.clone(),
                        mechanism: gebao_core::wire_name(xb.mechanism),
                        filed: xb.filed,
                        individuals: xb.individuals,
                        sensitive_individuals: xb.sensitive_individuals,
                    })
                })
                .collect(),
        ),
        None => (Vec::new(), Vec::new()),
    };
    let pias = with_records(pias, store.pia_records(None).await?);
    let (abroad, _) = store.abroad(year).await?;
    let provisions = match (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31)) {
        (Some(from), Some(to)) => gebao_store::provision::totals(&store.provisions(from, to).await?),
        _ => Vec::new(),
    };
    let abroad_band = gebao_core::abroad::Band::of(gebao_core::abroad::Tally {
        individuals: abroad.individuals(),
        sensitive: abroad.sensitive(),
    });
    let today = chrono::DateTime::from_timestamp_millis(now_ms).unwrap_or_default().with_timezone(&cst()).date_naive();
    let duties = manifest
        .as_ref()
        .map(|m| {
            gebao_core::duties::dated(m, &gebao_core::calendar::Calendar::builtin())
                .into_iter()
                .map(|d| DutyLine {
                    standing: d.standing(today),
                    duty: d.key,
                    what: d.what.get(lang).to_owned(),
                    due: d.due,
                })
                .collect()
        })
        .unwrap_or_default();
    let made = chrono::DateTime::from_timestamp_millis(now_ms)
        .unwrap_or_default()
        .with_timezone(&cst())
        .format("%Y-%m-%d %H:%M")
        .to_string();
    Ok(YearReport {
        year,
        made,
        policy_version: latest.map(|v| v.version),
        requests,
        consents_granted,
        consents_withdrawn,
        incidents,
        pias,
        flows_abroad,
        abroad,
        abroad_band,
        provisions,
        duties,
    })
}

/// The manifest's assessments with the latest recorded version of each (its date and risk
/// are the assessment's), and recorded ones the manifest does not name.
fn with_records(declared: Vec<PiaLine>, records: Vec<gebao_store::pia::PiaRecord>) -> Vec<PiaLine> {
    let mut latest: BTreeMap<String, gebao_store::pia::PiaRecord> = BTreeMap::new();
    for r in records {
        latest.insert(r.id.clone(), r);
    }
    let line = |r: &gebao_store::pia::PiaRecord| PiaLine {
        id: r.id.clone(),
        date: r.assessed,
        risk: r.risk.clone(),
        keep_until: r.keep_until,
        version: Some(r.version),
    };
    let mut out: Vec<PiaLine> = declared.into_iter().map(|p| latest.remove(&p.id).map_or(p, |r| line(&r))).collect();
    out.extend(latest.values().map(line));
    out
}

fn kind_label(kind: &str, lang: Lang) -> String {
    RequestKind::ALL
        .into_iter()
        .find(|k| k.as_str() == kind)
        .map_or(kind.to_owned(), |k| k.label().get(lang).to_owned())
}

fn grade_label(grade: &str, lang: Lang) -> String {
    grade.parse::<Grade>().map_or(grade.to_owned(), |g| g.label().get(lang).to_owned())
}

/// The report as Markdown, in `lang`.
fn markdown(r: &YearReport, lang: Lang) -> String {
    let zh = lang == Lang::ZhCn;
    let t = |a: &str, b: &str| if zh { a.to_owned() } else { b.to_owned() };
    let mut s = String::new();
    let version = r.policy_version.map_or_else(|| "—".into(), |v| v.to_string());
    s.push_str(&if zh {
        format!("# {} 年度个人信息保护报告\n\n编制时间：{}（北京时间）· 现行政策版本：{version}\n\n", r.year, r.made)
    } else {
        format!(
            "# Personal-information protection report {}\n\nMade {} (Beijing time) · policy version {version}\n\n",
            r.year, r.made
        )
    });
    s.push_str(&t("## 个人信息权利请求\n\n", "## Rights requests\n\n"));
    if r.requests.is_empty() {
        s.push_str(&t("本年度没有收到请求。\n\n", "No requests were received this year.\n\n"));
    } else {
        s.push_str(&t(
            "| 类型 | 收到 | 按期答复 | 逾期答复 | 拒绝 | 处理中 | 其中已逾期 |\n|---|--:|--:|--:|--:|--:|--:|\n",
            "| kind | received | answered on time | answered late | refused | open | of them overdue |\n|---|--:|--:|--:|--:|--:|--:|\n",
        ));
        for (kind, f) in &r.requests {
            s.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} |\n",
                kind_label(kind, lang),
                f.received,
                f.on_time,
                f.late,
                f.refused,
                f.open,
                f.overdue
            ));
        }
        s.push('\n');
    }
    s.push_str(&t("## 同意\n\n", "## Consents\n\n"));
    s.push_str(&if zh {
        format!("本年度记录同意 {} 次、撤回 {} 次。\n\n", r.consents_granted, r.consents_withdrawn)
    } else {
        format!("{} grants and {} withdrawals were recorded this year.\n\n", r.consents_granted, r.consents_withdrawn)
    });
    s.push_str(&t("## 安全事件\n\n", "## Incidents\n\n"));
    let i = &r.incidents;
    if i.found == 0 {
        s.push_str(&t(
            "本年度没有发现个人信息安全事件。\n\n",
            "No personal-information incident was found this year.\n\n",
        ));
    } else {
        let grades: Vec<String> = i.by_grade.iter().map(|(g, n)| format!("{} {n}", grade_label(g, lang))).collect();
        s.push_str(&if zh {
            format!(
                "发现 {} 起（{}）。较大及以上：按时报告 {}，逾期报告 {}，未报告 {}。告知个人（含监护人）{} 人次，已送达 {}；发布公告 {} 次。\n\n",
                i.found,
                grades.join("、"),
                i.reported_on_time,
                i.reported_late,
                i.not_reported,
                i.notices,
                i.notices_delivered,
                i.public_notices
            )
        } else {
            format!(
                "{} found ({}). Graded major or above: reported on time {}, late {}, not reported {}. {} notices to individuals (and guardians), {} delivered; {} public notices.\n\n",
                i.found,
                grades.join(", "),
                i.reported_on_time,
                i.reported_late,
                i.not_reported,
                i.notices,
                i.notices_delivered,
                i.public_notices
            )
        });
    }
    s.push_str(&t("## 个人信息保护影响评估\n\n", "## Impact assessments\n\n"));
    let unpublished = r.policy_version.is_none();
    if unpublished {
        s.push_str(&t("尚未发布政策版本。\n\n", "No policy version is published yet.\n\n"));
    } else if r.pias.is_empty() {
        s.push_str(&t("现行清单未声明影响评估。\n\n", "The manifest in force declares no assessment.\n\n"));
    } else {
        s.push_str(&t(
            "| 编号 | 日期 | 风险 | 至少保存至 | 评估记录 |\n|---|---|---|---|---|\n",
            "| id | date | risk | keep until at least | recorded |\n|---|---|---|---|---|\n",
        ));
        for p in &r.pias {
            let recorded = match (p.version, zh) {
                (Some(v), true) => format!("第 {v} 版"),
                (Some(v), false) => format!("version {v}"),
                (None, true) => "仅清单声明".to_owned(),
                (None, false) => "declared in the manifest only".to_owned(),
            };
            s.push_str(&format!("| {} | {} | {} | {} | {recorded} |\n", p.id, p.date, p.risk, p.keep_until));
        }
        s.push('\n');
    }
    s.push_str(&t("## 个人信息出境\n\n", "## Transfers abroad\n\n"));
    if unpublished {
        s.push_str(&t("尚未发布政策版本。\n", "No policy version is published yet.\n"));
    } else if r.flows_abroad.is_empty() {
        s.push_str(&t("现行清单未声明出境接收方。\n", "The manifest in force declares no recipient abroad.\n"));
    } else {
        s.push_str(&t(
            "| 接收方 | 国家或地区 | 机制 | 备案/通过日期 | 今年个人数（一般/敏感，运营方申报） |\n|---|---|---|---|---|\n",
            "| recipient | country | mechanism | filed | individuals this year (non-sensitive/sensitive, as the operator declares) |\n|---|---|---|---|---|\n",
        ));
        for f in &r.flows_abroad {
            let n = |v: Option<u64>| v.map_or_else(|| "—".into(), |v| v.to_string());
            let filed = f.filed.map_or_else(|| "—".into(), |d| d.to_string());
            s.push_str(&format!(
                "| {} | {} | {} | {filed} | {} / {} |\n",
                f.recipient,
                f.country,
                f.mechanism,
                n(f.individuals),
                n(f.sensitive_individuals)
            ));
        }
    }
    let a = &r.abroad;
    let band = r.abroad_band.label();
    s.push_str(&if zh {
        format!(
            "\n今年出境个人数：经判定计入一般个人信息 {} 人、敏感个人信息 {} 人；运营方另行申报 {} 人、{} 人；合计 {} 人、{} 人，据此{}。\n",
            a.counted, a.counted_sensitive, a.reported, a.reported_sensitive, a.individuals(), a.sensitive(), band.zh
        )
    } else {
        format!(
            "\nIndividuals whose PI went abroad this year: {} non-sensitive and {} sensitive counted from decisions; {} and {} reported by the operator; {} and {} in all, which needs {}.\n",
            a.counted, a.counted_sensitive, a.reported, a.reported_sensitive, a.individuals(), a.sensitive(), band.en
        )
    });
    s.push_str(&t("\n## 向接收方提供个人信息\n\n", "\n## Personal information provided to recipients\n\n"));
    if r.provisions.is_empty() {
        s.push_str(&t(
            "今年没有经判定向接收方提供个人信息的记录。\n",
            "No decision provided personal information to a recipient this year.\n",
        ));
    } else {
        s.push_str(&t(
            "| 接收方 | 类型 | 判定次数 | 天数 | 目的 | 字段 |\n|---|---|---|---|---|---|\n",
            "| recipient | kind | decisions | days | purposes | fields |\n|---|---|---|---|---|---|\n",
        ));
        for p in &r.provisions {
            s.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                p.recipient,
                p.kind,
                p.decisions,
                p.days,
                p.purposes.join(", "),
                p.fields.join(", ")
            ));
        }
    }
    s.push_str(&t("\n## 到期事项\n\n", "\n## Dated duties\n\n"));
    if r.duties.is_empty() {
        s.push_str(&t("现行清单没有写明到期日的事项。\n", "The manifest in force gives no dated duty.\n"));
    } else {
        for d in &r.duties {
            let mark = match (d.standing, zh) {
                (gebao_core::duties::Standing::Overdue, true) => "（已过期）",
                (gebao_core::duties::Standing::Overdue, false) => " (passed)",
                (gebao_core::duties::Standing::Soon, true) => "（即将到期）",
                (gebao_core::duties::Standing::Soon, false) => " (soon)",
                (gebao_core::duties::Standing::Later, _) => "",
            };
            s.push_str(&format!("- {}{mark}: {}\n", d.due, d.what));
        }
    }
    s
}

pub fn run(args: Args, lang: Lang) -> Result<Outcome> {
    let now = chrono::Utc::now();
    let year = args.year.unwrap_or_else(|| now.with_timezone(&cst()).year());
    if !(2000..=9999).contains(&year) {
        bail!(if lang == Lang::ZhCn {
            format!("年份 {year} 无效：请写四位数的年份，例如 --year 2026")
        } else {
            format!("{year} is not a year: write four digits, e.g. --year 2026")
        });
    }
    let report = super::block_on(async move {
        let store = args.store.open().await?;
        gather(store.as_ref(), year, now.timestamp_millis(), lang).await
    })??;
    if args.format == "json" {
        out::line(serde_json::to_string_pretty(&report)?)?;
    } else {
        out::line(markdown(&report, lang).trim_end())?;
    }
    Ok(Outcome::Ok)
}

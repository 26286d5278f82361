//! Personal-information incidents (PIPL 57; INCID; `pipl-rules.md` part I): opening one,
//! changing what is known, recording the reports made to the regulator, closing it — each
//! an audited change written only over the version it was made from — and the reporting
//! clock with its alerts (`clock.rs`). The API and the CLI go through these functions.

pub mod clock;
pub mod notices;
mod text;

use crate::error::ApiError;
use crate::state::{AppState, audit};
use chrono::{DateTime, TimeDelta, Utc};
use gebao_core::incidents::{Grade, NoticeItems, ReportClock, Standing};
use gebao_store::AuditAction;
use gebao_store::incident::{Incident, IncidentEvent, Report, ReportKind};
use serde_json::{Value, json};

const TITLE_MAX: usize = 200;
const TEXT_MAX: usize = 5000;
const ITEM_MAX: usize = 2000;
const CATEGORIES_MAX: usize = 50;

/// What is known when an incident is opened.
#[derive(Debug, Clone)]
pub struct Opening {
    pub title: String,
    pub grade: Grade,
    pub found: DateTime<Utc>,
    pub occurred: Option<DateTime<Utc>>,
    pub affected: i64,
    pub minors: bool,
    pub description: String,
    pub notice: NoticeItems,
}

/// What changes; `None` keeps what is there.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    pub title: Option<String>,
    pub grade: Option<Grade>,
    pub occurred: Option<DateTime<Utc>>,
    pub affected: Option<i64>,
    pub minors: Option<bool>,
    pub description: Option<String>,
    pub notice: Option<NoticeItems>,
}

fn text_ok(field: &str, s: &str, max: usize, required: bool) -> Result<(), ApiError> {
    let n = s.trim().chars().count();
    if (required && n == 0) || n > max || s.chars().any(|c| c.is_control() && c != '\n') {
        return Err(ApiError::invalid(field, text::text_invalid(field, max)));
    }
    Ok(())
}

/// Not later than a few minutes from now (clocks differ a little).
fn not_future(field: &str, t: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), ApiError> {
    if t > now + TimeDelta::minutes(5) {
        return Err(ApiError::invalid(field, text::in_future(field)));
    }
    Ok(())
}

fn check_notice(n: &NoticeItems) -> Result<(), ApiError> {
    if n.categories.len() > CATEGORIES_MAX {
        return Err(ApiError::invalid("notice.categories", text::too_many_categories(CATEGORIES_MAX)));
    }
    for (i, c) in n.categories.iter().enumerate() {
        text_ok(&format!("notice.categories[{i}]"), c, 100, true)?;
    }
    for (name, t) in [("cause", &n.cause), ("harm", &n.harm), ("measures", &n.measures), ("advice", &n.advice)] {
        text_ok(&format!("notice.{name}"), t, ITEM_MAX, false)?;
    }
    Ok(())
}

fn check(inc: &Incident) -> Result<(), ApiError> {
    text_ok("title", &inc.title, TITLE_MAX, true)?;
    text_ok("description", &inc.description, TEXT_MAX, true)?;
    if inc.affected < 0 {
        return Err(ApiError::invalid("affected", text::affected_negative()));
    }
    if inc.occurred_ms.is_some_and(|o| o > inc.found_ms) {
        return Err(ApiError::invalid("occurred_at", text::occurred_after_found()));
    }
    check_notice(&inc.notice)
}

/// Opens an incident; its reporting clock starts when it was found.
pub async fn open(state: &AppState, actor: &str, o: Opening) -> Result<Incident, ApiError> {
    let now = Utc::now();
    not_future("found_at", o.found, now)?;
    if let Some(t) = o.occurred {
        not_future("occurred_at", t, now)?;
    }
    let at = now.timestamp_millis();
    let inc = Incident {
        id: crate::requests::change::new_id("inc"),
        version: 1,
        title: o.title.trim().to_owned(),
        grade: o.grade,
        occurred_ms: o.occurred.map(|t| t.timestamp_millis()),
        found_ms: o.found.timestamp_millis(),
        opened_ms: at,
        affected: o.affected,
        minors: o.minors,
        description: o.description.trim().to_owned(),
        notice: o.notice,
        reports: Vec::new(),
        closed_ms: None,
        public_notice_ms: None,
        updated_ms: at,
    };
    check(&inc)?;
    let detail =
        json!({ "grade": inc.grade, "found_ms": inc.found_ms, "affected": inc.affected, "minors": inc.minors });
    let event =
        IncidentEvent { version: 1, at_ms: at, actor: actor.to_owned(), kind: "opened".into(), detail: detail.clone() };
    let entry = audit(actor.to_owned(), AuditAction::IncidentOpen, format!("incident:{}", inc.id), None, detail);
    state.store.create_incident(inc.clone(), event, entry).await?;
    tracing::warn!(incident = %inc.id, grade = inc.grade.as_str(), "incident opened");
    Ok(inc)
}

/// The incident, or 404.
pub async fn load(state: &AppState, id: &str) -> Result<(Incident, Vec<IncidentEvent>), ApiError> {
    state.store.incident(id).await?.ok_or_else(|| ApiError::not_found("id", text::not_found(id)))
}

/// Applies `edit` to the incident as stored and writes it as the next version, audited as
/// `action` with `detail`; a closed incident is not changed.
async fn change(
    state: &AppState,
    actor: &str,
    id: &str,
    kind: &str,
    action: AuditAction,
    reason: Option<String>,
    edit: impl FnOnce(&mut Incident) -> Result<Value, ApiError>,
) -> Result<Incident, ApiError> {
    let (mut inc, _) = load(state, id).await?;
    if inc.closed_ms.is_some() {
        return Err(ApiError::Conflict { field: "id".into(), text: text::closed(id) });
    }
    let from = inc.version;
    let detail = edit(&mut inc)?;
    check(&inc)?;
    let at = crate::now_ms();
    inc.version = from + 1;
    inc.updated_ms = at;
    let event = IncidentEvent {
        version: inc.version,
        at_ms: at,
        actor: actor.to_owned(),
        kind: kind.into(),
        detail: detail.clone(),
    };
    let entry = audit(actor.to_owned(), action, format!("incident:{id}"), reason, detail);
    if !state.store.change_incident(from, inc.clone(), event, entry).await? {
        return Err(ApiError::Conflict { field: "id".into(), text: text::changed_meanwhile() });
    }
    Ok(inc)
}

/// Changes what is known of an open incident.
pub async fn update(state: &AppState, actor: &str, id: &str, c: Changes) -> Result<Incident, ApiError> {
    let now = Utc::now();
    if let Some(t) = c.occurred {
        not_future("occurred_at", t, now)?;
    }
    change(state, actor, id, "updated", AuditAction::IncidentUpdate, None, move |inc| {
        let mut changed = serde_json::Map::new();
        if let Some(t) = c.title {
            inc.title = t.trim().to_owned();
            changed.insert("title".into(), json!(true));
        }
        if let Some(g) = c.grade {
            changed.insert("grade".into(), json!({ "from": inc.grade, "to": g }));
            inc.grade = g;
        }
        if let Some(t) = c.occurred {
            inc.occurred_ms = Some(t.timestamp_millis());
            changed.insert("occurred_ms".into(), json!(inc.occurred_ms));
        }
        if let Some(n) = c.affected {
            changed.insert("affected".into(), json!({ "from": inc.affected, "to": n }));
            inc.affected = n;
        }
        if let Some(m) = c.minors {
            inc.minors = m;
            changed.insert("minors".into(), json!(m));
        }
        if let Some(d) = c.description {
            inc.description = d.trim().to_owned();
            changed.insert("description".into(), json!(true));
        }
        if let Some(n) = c.notice {
            inc.notice = n;
            changed.insert("notice".into(), json!(true));
        }
        if changed.is_empty() {
            return Err(ApiError::invalid("body", text::nothing_to_change()));
        }
        Ok(Value::Object(changed))
    })
    .await
}

/// Records a report made to the regulator: when, of which kind, to whom (the manifest's
/// regulator when left out) and their reference. The first one is the initial report.
pub async fn report(
    state: &AppState,
    actor: &str,
    id: &str,
    kind: ReportKind,
    at: Option<DateTime<Utc>>,
    to: Option<String>,
    reference: Option<String>,
) -> Result<Incident, ApiError> {
    let now = Utc::now();
    let at = at.unwrap_or(now);
    not_future("at", at, now)?;
    let to = match to.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()) {
        Some(t) => t,
        None => {
            let current = state.policies.current();
            let m = &current.manifest;
            match m.protection.incident.as_ref() {
                Some(plan) => plan.regulator.clone(),
                None => gebao_core::incidents::Reporter::of(m).reported_to().zh.to_owned(),
            }
        }
    };
    text_ok("to", &to, 200, true)?;
    if let Some(r) = &reference {
        text_ok("reference", r, 200, false)?;
    }
    change(state, actor, id, "reported", AuditAction::IncidentReport, None, move |inc| {
        let at_ms = at.timestamp_millis();
        if at_ms < inc.found_ms {
            return Err(ApiError::invalid("at", text::report_before_found()));
        }
        if inc.reports.is_empty() && kind != ReportKind::Initial {
            return Err(ApiError::Conflict { field: "kind".into(), text: text::initial_first() });
        }
        if !inc.reports.is_empty() && kind == ReportKind::Initial {
            return Err(ApiError::Conflict { field: "kind".into(), text: text::initial_once() });
        }
        let detail = json!({ "kind": kind, "at_ms": at_ms, "to": to, "reference": reference });
        inc.reports.push(Report { kind, at_ms, to, reference });
        Ok(detail)
    })
    .await
}

/// Closes an incident. One graded 较大 or above must have been reported first.
pub async fn close(state: &AppState, actor: &str, id: &str, note: Option<String>) -> Result<Incident, ApiError> {
    if let Some(n) = &note {
        text_ok("note", n, 1000, false)?;
    }
    change(state, actor, id, "closed", AuditAction::IncidentClose, note, |inc| {
        if inc.grade.must_report() && inc.reports.is_empty() {
            return Err(ApiError::Conflict { field: "id".into(), text: text::report_before_close(inc.grade) });
        }
        let at = crate::now_ms();
        inc.closed_ms = Some(at);
        Ok(json!({ "closed_ms": at }))
    })
    .await
}

/// Publishes the notice in the privacy centre (`/privacy/notices/{id}`), for individuals who
/// cannot be told one by one (PIPL 57): the notice's items only, never the incident's own
/// record. Once; the notice must be complete.
pub async fn publish_notice(state: &AppState, actor: &str, id: &str) -> Result<Incident, ApiError> {
    let (inc, _) = load(state, id).await?;
    if !inc.notice.missing().is_empty() {
        let missing = inc.notice.missing();
        return Err(ApiError::invalid(format!("notice.{}", missing[0]), text::notice_incomplete(&missing.join(", "))));
    }
    change(state, actor, id, "published", AuditAction::IncidentNotify, None, |inc| {
        if inc.public_notice_ms.is_some() {
            return Err(ApiError::Conflict { field: "id".into(), text: text::already_published() });
        }
        let at = crate::now_ms();
        inc.public_notice_ms = Some(at);
        Ok(json!({ "public_notice_ms": at }))
    })
    .await
}

/// The incidents whose notice is published, the most recently published first.
pub async fn public_notices(state: &AppState) -> Result<Vec<Incident>, ApiError> {
    let mut list: Vec<Incident> =
        state.store.incidents(false, 10_000).await?.into_iter().filter(|i| i.public_notice_ms.is_some()).collect();
    list.sort_by_key(|i| std::cmp::Reverse(i.public_notice_ms));
    Ok(list)
}

/// The incident's reporting clock under the manifest in force, and where it stands at `now`.
pub fn clock_of(state: &AppState, inc: &Incident, now: DateTime<Utc>) -> (Option<ReportClock>, Standing) {
    let current = state.policies.current();
    let found = DateTime::from_timestamp_millis(inc.found_ms).unwrap_or(now);
    match ReportClock::of(&current.manifest, inc.grade, found) {
        Some(c) => {
            let reported = inc.first_report_ms().is_some();
            (Some(c), c.standing(now, reported))
        }
        None => (None, Standing::NotRequired),
    }
}

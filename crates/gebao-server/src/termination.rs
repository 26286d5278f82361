//! Ending the service (TRM-01; GB/T 35273 6.4; the seeds' 30- and 15-day notices):
//! - **announce** an end day: the manifest's notice period is kept (`gebao_core::termination`),
//!   the notice is published in the privacy centre (`/privacy/notices/end`) and queued to the
//!   notifier, which tells every user (and, with `[smtp]` and e-mail among the manifest's
//!   channels, e-mailed to every registered address), each delivery tracked;
//! - **cancel** it before the day;
//! - from 00:00 Beijing time of the end day, decisions answer `service-ended` for every
//!   purpose a legal minimum does not keep, and no consent or registration is taken;
//! - then the deadline monitor's pass (`pass`) marks the end reached and disposes of the
//!   personal information: every subject's rows in the operator's databases erased as a
//!   deletion would erase them, legal holds kept (`Executor::dispose_all`), then gebao's
//!   own record of each user erased; the final report is kept with the end. A disposal that
//!   fails is recorded and tried again on a later pass (erasing twice changes nothing).
//!
//! Every instance knows the end through the change feed ([`Ending::set`] from the sync task).

use crate::error::ApiError;
use crate::messages::{Text, t};
use crate::requests::change::{new_id, webhook};
use crate::state::{AppState, audit};
use chrono::{DateTime, NaiveDate, Utc};
use gebao_core::manifest::NoticeChannel;
use gebao_core::termination::{check_end, end_instant, notice};
use gebao_store::termination::{EndState, NoticeLine, Termination};
use gebao_store::{AuditAction, Channel, NewOutbox, OutboxKind, OutboxState, StoreError};
use serde::Serialize;
use serde_json::json;
use std::sync::RwLock;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

/// Who the audit log names for what the end does by itself.
pub const ACTOR: &str = "system:termination";
/// Registered users erased per page once the service has ended.
const PAGE: i64 = 500;

/// What every request needs to know of the end, without a database read.
#[derive(Debug)]
pub struct Ending {
    /// 00:00 Beijing of the end day; `i64::MAX` when no end is announced.
    end_ms: AtomicI64,
    /// The end was reached (recorded), whatever the clock says.
    reached: AtomicBool,
    /// The end announced, for the privacy centre's pages.
    announced: RwLock<Option<Termination>>,
}

impl Default for Ending {
    fn default() -> Self {
        Ending { end_ms: AtomicI64::new(i64::MAX), reached: AtomicBool::new(false), announced: RwLock::new(None) }
    }
}

impl Ending {
    /// Whether collection has stopped at `now_ms`.
    pub fn ended(&self, now_ms: i64) -> bool {
        self.reached.load(Ordering::Acquire) || now_ms >= self.end_ms.load(Ordering::Acquire)
    }

    /// Follows the end as stored.
    pub fn set(&self, t: Option<&Termination>) {
        let (end, reached) = match t {
            Some(t) if t.state != EndState::Cancelled => {
                (t.end_ms, matches!(t.state, EndState::Ended | EndState::Disposed))
            }
            _ => (i64::MAX, false),
        };
        self.end_ms.store(end, Ordering::Release);
        self.reached.store(reached, Ordering::Release);
        let shown = t.filter(|t| t.state != EndState::Cancelled).cloned();
        *self.announced.write().unwrap_or_else(std::sync::PoisonError::into_inner) = shown;
    }

    /// The end announced (not cancelled), if any.
    pub fn announced(&self) -> Option<Termination> {
        self.announced.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }
}

/// Reads the end from the store into `state.ending`.
pub async fn refresh(state: &AppState) -> Result<Option<Termination>, StoreError> {
    let t = state.store.termination().await?;
    state.ending.set(t.as_ref());
    Ok(t)
}

/// The refusal of a write that would collect after the end.
pub fn refuse_collection(state: &AppState, field: &str) -> Result<(), ApiError> {
    if state.ending.ended(crate::now_ms()) {
        return Err(ApiError::Conflict {
            field: field.into(),
            text: Text {
                zh: "服务已停止运营，不再收集个人信息（service-ended）".into(),
                en: "the service has stopped: no personal information is collected any more (service-ended)".into(),
            },
        });
    }
    Ok(())
}

/// What an announcement queued.
#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct NoticesQueued {
    /// The notice to the notifier (which tells every user by the app's own channels).
    pub notifier: bool,
    /// E-mails to registered addresses.
    pub emails: usize,
    /// Text messages to registered phone numbers (through the SMS gateway).
    pub sms: usize,
}

/// Announces the end of the service on `day`, at `now`.
pub async fn announce(
    state: &AppState,
    actor: &str,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(Termination, NoticesQueued), ApiError> {
    let current = state.policies.current();
    let m = &current.manifest;
    let disposal = check_end(m, now, day, &state.calendar).map_err(|e| ApiError::invalid("end_day", e.text()))?;
    let lines: Vec<NoticeLine> = notice(m, day).into_iter().map(|t| NoticeLine { zh: t.zh, en: t.en }).collect();
    let now_ms = now.timestamp_millis();
    let end = Termination {
        id: new_id("end"),
        version: 1,
        state: EndState::Announced,
        end_day: day,
        end_ms: end_instant(day).timestamp_millis(),
        announced_ms: now_ms,
        announced_by: actor.to_owned(),
        policy_version: current.version,
        disposal: gebao_core::wire_name(disposal),
        notice: lines,
        cancelled_ms: None,
        ended_ms: None,
        disposed_ms: None,
        last_error: None,
        report: None,
        updated_ms: now_ms,
    };
    let entry = audit(
        actor.to_owned(),
        AuditAction::TerminationAnnounce,
        format!("termination:{}", end.id),
        None,
        json!({ "end_day": day, "notice": m.termination.notice.map(|n| n.to_string()), "disposal": end.disposal }),
    );
    state.store.announce_termination(end.clone(), entry).await.map_err(|e| match e {
        StoreError::Conflict(_) => ApiError::Conflict {
            field: "end_day".into(),
            text: t(
                "已有一项停止运营公告在进行中；如需改期，请先撤销（POST /v1/termination/cancel）",
                "an end of the service is already announced; cancel it first (POST /v1/termination/cancel) to choose another day",
            ),
        },
        other => other.into(),
    })?;
    state.ending.set(Some(&end));
    let queued = queue_notices(state, actor, &end, "notice").await?;
    Ok((end, queued))
}

/// Cancels the announced end before its day.
pub async fn cancel(state: &AppState, actor: &str, reason: Option<String>) -> Result<Termination, ApiError> {
    let Some(cur) = state.store.termination().await? else { return Err(none_announced()) };
    if cur.state != EndState::Announced || state.ending.ended(crate::now_ms()) {
        return Err(ApiError::Conflict {
            field: "state".into(),
            text: t(
                format!("停止运营已{}，不能撤销", state_label(cur.state).zh),
                format!("the end is {}: it cannot be cancelled", state_label(cur.state).en),
            ),
        });
    }
    let mut next = cur.clone();
    next.version += 1;
    next.state = EndState::Cancelled;
    next.cancelled_ms = Some(crate::now_ms());
    next.updated_ms = crate::now_ms();
    let entry = audit(
        actor.to_owned(),
        AuditAction::TerminationCancel,
        format!("termination:{}", cur.id),
        reason,
        json!({ "end_day": cur.end_day }),
    );
    if !state.store.change_termination(cur.version, next.clone(), entry).await? {
        return Err(moved());
    }
    state.ending.set(Some(&next));
    queue_notices(state, actor, &next, "cancelled").await?;
    Ok(next)
}

fn none_announced() -> ApiError {
    ApiError::NotFound { field: None, text: t("没有停止运营公告", "no end of the service has been announced") }
}

fn moved() -> ApiError {
    ApiError::Conflict {
        field: "version".into(),
        text: t("停止运营记录刚被更改，请重新读取后再试", "the end was changed meanwhile: read it again and retry"),
    }
}

/// How a state reads.
pub fn state_label(s: EndState) -> Text {
    match s {
        EndState::Announced => t("公告中", "announced"),
        EndState::Cancelled => t("撤销", "cancelled"),
        EndState::Ended => t("停止运营，正在处理个人信息", "ended, personal information being disposed of"),
        EndState::Disposed => t("停止运营，个人信息已处理完毕", "ended, personal information disposed of"),
    }
}

/// The notice (`what` = `notice`) or its withdrawal (`cancelled`): one item to the notifier,
/// which tells every user, and one e-mail per registered address when the policy tells
/// users by e-mail and `[smtp]` is configured. Dedupe keys make a repeat queue nothing.
async fn queue_notices(
    state: &AppState,
    actor: &str,
    end: &Termination,
    what: &str,
) -> Result<NoticesQueued, ApiError> {
    let m = state.policies.current().manifest.clone();
    let product = m.controller.product.clone();
    let (zh, en) = message(end, what);
    let mut out = NoticesQueued::default();
    let mut items = Vec::new();
    if let Some(url) = state.requests.notifier_url.clone() {
        let payload = json!({
            "kind": format!("termination-{what}"),
            "termination": end.id,
            "end_day": end.end_day,
            "channels": m.termination.notify,
            "audience": "all-users",
            "message": { "zh-CN": zh, "en": en },
        });
        let mut item = webhook(state, OutboxKind::TerminationNotice, &url, payload, None);
        item.dedupe = Some(format!("termination:{}:{what}:notifier", end.id));
        items.push(item);
        out.notifier = true;
    }
    let by_email = state.mailer.is_some() && m.termination.notify.contains(&NoticeChannel::Email);
    let by_sms = crate::sms::enabled(state, &m.termination.notify);
    let subject = match what {
        "cancelled" => format!("【{product}】撤销停止运营公告 / The end of the service is cancelled"),
        _ => format!("【{product}】停止运营公告 / The service ends on {}", end.end_day),
    };
    let flush = |items: Vec<NewOutbox>| async move {
        let entry = audit(
            actor.to_owned(),
            AuditAction::TerminationAnnounce,
            format!("termination:{}", end.id),
            Some(format!("{what}: notices queued")),
            json!({ "notices": items.len() }),
        );
        state.store.enqueue_outbox(items, vec![entry]).await
    };
    let mut after = String::new();
    if by_email || by_sms {
        loop {
            // One read a page: the subjects with their contact points.
            let page = state.store.subjects_after(&after, PAGE).await?;
            for s in &page {
                if let (true, Some(address)) = (by_email, s.email.clone()) {
                    let payload = json!({ "to": address, "subject": subject, "text": format!("{zh}\n\n{en}\n") });
                    let mut item = webhook(state, OutboxKind::TerminationNotice, "smtp", payload, None);
                    item.channel = Channel::Email;
                    item.sensitive = true;
                    item.dedupe = Some(format!("termination:{}:{what}:email:{}", end.id, s.pseudonym));
                    items.push(item);
                    out.emails += 1;
                }
                if let (true, Some(phone)) = (by_sms, s.phone.as_deref()) {
                    let params = json!({ "product": product, "end_day": end.end_day, "what": what });
                    let purpose = format!("termination-{what}");
                    if let Some(mut item) =
                        crate::sms::message(state, OutboxKind::TerminationNotice, &purpose, phone, &zh, params)
                    {
                        item.dedupe = Some(format!("termination:{}:{what}:sms:{}", end.id, s.pseudonym));
                        items.push(item);
                        out.sms += 1;
                    }
                }
            }
            if items.len() >= PAGE as usize {
                flush(std::mem::take(&mut items)).await?;
            }
            match page.last() {
                Some(last) if page.len() as i64 == PAGE => after = last.id.clone(),
                _ => break,
            }
        }
    }
    if !items.is_empty() {
        flush(items).await?;
    }
    Ok(out)
}

/// The text of the notice (or of its withdrawal), zh-CN and English.
fn message(end: &Termination, what: &str) -> (String, String) {
    if what == "cancelled" {
        return (
            format!("原定于 {} 停止运营的安排已撤销，服务将继续运营。", end.end_day),
            format!("The end of the service planned for {} is cancelled: the service goes on.", end.end_day),
        );
    }
    let zh = end.notice.iter().map(|l| l.zh.as_str()).collect::<Vec<_>>().join("");
    let en = end.notice.iter().map(|l| l.en.as_str()).collect::<Vec<_>>().join(" ");
    (zh, en)
}

/// How the notices of an end stand.
#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct NoticeDeliveries {
    pub total: usize,
    pub delivered: usize,
    pub pending: usize,
    pub failed: usize,
}

pub async fn deliveries(state: &AppState, end: &Termination) -> Result<NoticeDeliveries, StoreError> {
    let items = state.store.outbox_with_dedupe_prefix(&format!("termination:{}:notice:", end.id), 1_000_000).await?;
    let count = |s: OutboxState| items.iter().filter(|(_, i)| i.state == s).count();
    Ok(NoticeDeliveries {
        total: items.len(),
        delivered: count(OutboxState::Delivered),
        pending: count(OutboxState::Pending),
        failed: count(OutboxState::Failed),
    })
}

/// Why a pass could not finish.
#[derive(Debug, thiserror::Error)]
pub enum PassError {
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Disposal(String),
}

/// One pass at `now`: records the end once its day has come, then disposes of the personal
/// information (one instance per interval). Returns the end as it then stands.
#[tracing::instrument(skip_all)]
pub async fn pass(state: &AppState, now: DateTime<Utc>) -> Result<Option<Termination>, PassError> {
    let Some(mut cur) = refresh(state).await? else { return Ok(None) };
    if cur.state == EndState::Announced && now.timestamp_millis() >= cur.end_ms {
        let mut next = cur.clone();
        next.version += 1;
        next.state = EndState::Ended;
        next.ended_ms = Some(now.timestamp_millis());
        next.updated_ms = now.timestamp_millis();
        let entry = audit(
            ACTOR.into(),
            AuditAction::TerminationEnd,
            format!("termination:{}", cur.id),
            None,
            json!({ "end_day": cur.end_day }),
        );
        if state.store.change_termination(cur.version, next.clone(), entry).await? {
            tracing::info!(end_day = %cur.end_day, "the service has ended: collection stopped");
        }
        cur = refresh(state).await?.unwrap_or(next);
    }
    if cur.state != EndState::Ended {
        return Ok(Some(cur));
    }
    // One instance per interval disposes; erasing twice changes nothing, so a disposal cut
    // short is finished by a later one.
    let start = crate::sweeper::interval_start(now, state.requests.deadline_interval);
    let lease = NewOutbox {
        id: new_id("obx"),
        kind: OutboxKind::TerminationDisposal,
        channel: Channel::Manual,
        target: "termination-disposal".into(),
        payload: json!({ "termination": cur.id, "interval_start_ms": start }),
        request_id: None,
        recipient: None,
        dedupe: Some(format!("termination-disposal:{}:{start}", cur.id)),
        sensitive: false,
        max_attempts: 1,
        created_ms: crate::now_ms(),
    };
    let Some(lease) = state.store.enqueue_outbox(vec![lease], Vec::new()).await?.into_iter().next() else {
        return Ok(Some(cur));
    };
    let done = dispose(state).await;
    let mut next = cur.clone();
    next.version += 1;
    next.updated_ms = crate::now_ms();
    let (action, detail) = match &done {
        Ok(report) => {
            next.state = EndState::Disposed;
            next.disposed_ms = Some(crate::now_ms());
            next.last_error = None;
            next.report = Some(report.clone());
            (AuditAction::TerminationDispose, report.clone())
        }
        Err(e) => {
            next.last_error = Some(e.to_string());
            (AuditAction::TerminationDisposeFailed, json!({ "error": e.to_string() }))
        }
    };
    let entry = audit(ACTOR.into(), action, format!("termination:{}", cur.id), None, detail.clone());
    state.store.change_termination(cur.version, next.clone(), entry).await?;
    let ack = audit(
        ACTOR.into(),
        AuditAction::Note,
        format!("termination:{}", cur.id),
        Some("disposal lease".into()),
        json!({}),
    );
    if let Err(e) = state.store.acknowledge_outbox(&lease, detail, ack).await {
        tracing::warn!(error = %e, "cannot close the disposal lease");
    }
    done?;
    Ok(refresh(state).await?)
}

/// Erases the operator's databases and gebao's own record of every user; the report.
async fn dispose(state: &AppState) -> Result<serde_json::Value, PassError> {
    let current = state.policies.current();
    let datasets = if current.manifest.datasets.is_empty() {
        None
    } else {
        let exec = state.datasets.executor(state).map_err(|e| PassError::Disposal(e.to_string()))?;
        Some(exec.dispose_all().await.map_err(|e| PassError::Disposal(e.to_string()))?)
    };
    let mut erased = 0usize;
    loop {
        // Erased users leave the table: the first page is always the next one.
        let ids = state.store.subject_ids_after("", PAGE).await?;
        if ids.is_empty() {
            break;
        }
        let before = erased;
        for id in &ids {
            let entry = audit(
                ACTOR.into(),
                AuditAction::SubjectErase,
                String::new(),
                Some("the service has ended (TRM-01)".into()),
                json!({}),
            );
            if let Some(gebao_store::SubjectOutcome::Erased { tombstone, .. }) =
                state.store.erase_subject(id, entry).await?
            {
                state.subjects.erase(&tombstone);
                erased += 1;
            }
        }
        if erased == before {
            // Rows that stay would be read again forever: say so and let a later pass retry.
            return Err(PassError::Disposal(format!("{} registered users could not be erased", ids.len())));
        }
    }
    Ok(json!({
        "disposal": current.manifest.termination.then,
        "datasets": datasets,
        "registered_users_erased": erased,
    }))
}

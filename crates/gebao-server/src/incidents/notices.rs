//! Telling the individuals affected by an incident (PIPL 57), and the guardians of the minors
//! among them (未成年人网络保护条例 art. 35): one notice each through the notifier and, when
//! the server has an SMTP relay (`[smtp]`) and the policy tells users by e-mail, one e-mail
//! to their registered address, carrying
//! every item the law requires — the categories of personal information, the cause and the
//! possible harm, the remedial measures, what the individual can do, whom to contact. Each
//! notice is an outbox item of its own, so its delivery is tracked per individual; its dedupe
//! key makes a second call for the same person change nothing.

use super::text;
use crate::error::ApiError;
use crate::state::{AppState, audit};
use gebao_core::incidents::NoticeItems;
use gebao_store::incident::Incident;
use gebao_store::{AuditAction, OutboxItem, OutboxKind, OutboxState, Subject};
use serde::Serialize;
use serde_json::json;

/// At most this many individuals per call.
pub const MAX_PER_CALL: usize = 10_000;
/// Under this age, the guardian is told too.
const ADULT: u8 = 18;

/// What a call queued.
#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct Queued {
    /// Notices queued now (individuals and guardians; a notice by the notifier and an
    /// e-mail count as two).
    pub queued: usize,
    /// Of them, e-mails.
    pub emails: usize,
    /// Of them, text messages (through the SMS gateway, when the manifest names `sms`).
    pub sms: usize,
    /// Registered individuals no channel reaches (no notifier, no e-mail address): tell
    /// them by a public notice (`POST /v1/incidents/{id}/public-notice`).
    pub unreachable: usize,
    /// Of them, to guardians.
    pub guardians: usize,
    /// Notices queued before for the same person: not queued again.
    pub already: usize,
    /// Ids that name no registered individual (nothing sent for them).
    pub unknown: Vec<String>,
}

/// The notice's text, in zh-CN and English.
fn message(state: &AppState, inc: &Incident, guardian: bool) -> (String, String) {
    let current = state.policies.current();
    let m = &current.manifest;
    let n: &NoticeItems = &inc.notice;
    let contact = match m.protection.incident.as_ref() {
        Some(plan) => plan.contact.clone(),
        None => {
            let c = &m.controller.contact;
            [c.email.as_deref(), c.phone.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" / ")
        }
    };
    let found = crate::centre::portal::beijing_time(inc.found_ms);
    let categories = n.categories.join("、");
    let (whose_zh, whose_en) =
        if guardian { ("您监护的未成年人的", "the minor in your care's") } else { ("您的", "your") };
    let zh = format!(
        "【{product}】个人信息安全事件告知：我们于 {found} 发现一起个人信息安全事件，可能涉及{whose_zh}以下个人信息：{categories}。\
         事件原因：{cause}。可能造成的危害：{harm}。我们已采取的补救措施：{measures}。您可以采取的措施：{advice}。\
         如有疑问，请联系：{contact}。",
        product = m.controller.product,
        cause = n.cause,
        harm = n.harm,
        measures = n.measures,
        advice = n.advice,
    );
    let en = format!(
        "[{product}] Personal-information incident notice: on {found} we found an incident that may involve {whose_en} \
         personal information: {categories}. Cause: {cause}. Possible harm: {harm}. What we have done: {measures}. \
         What you can do: {advice}. Questions: {contact}.",
        product = m.controller.product_en.as_deref().unwrap_or(&m.controller.product),
        cause = n.cause,
        harm = n.harm,
        measures = n.measures,
        advice = n.advice,
    );
    (zh, en)
}

/// The dedupe key of the notice about `whom` (a pseudonym) for `inc` by `channel`; a
/// guardian's names the ward, so a guardian of two children affected is told about each.
fn key(inc: &str, role: &str, whom: &str, channel: &str) -> String {
    format!("incident:{inc}:{role}:{whom}:{channel}")
}

/// Queues a notice to each of `subjects` (the operator's user ids) and to the guardian of
/// each minor among them. The notice's items must all be filled in first.
pub async fn notify(state: &AppState, actor: &str, id: &str, subjects: &[String]) -> Result<Queued, ApiError> {
    let (inc, _) = super::load(state, id).await?;
    if let Some(first) = inc.notice.missing().first() {
        let missing = inc.notice.missing().join(", ");
        return Err(ApiError::invalid(format!("notice.{first}"), text::notice_incomplete(&missing)));
    }
    if subjects.is_empty() || subjects.len() > MAX_PER_CALL {
        return Err(ApiError::invalid("subjects", text::subjects_count(MAX_PER_CALL)));
    }
    for (i, s) in subjects.iter().enumerate() {
        crate::routes::check_id(&format!("subjects[{i}]"), s)?;
    }
    let url = state.requests.notifier_url.clone();
    if url.is_none() && state.mailer.is_none() && state.requests.sms_gateway.is_none() {
        return Err(ApiError::Conflict { field: "subjects".into(), text: text::no_notifier() });
    }
    let plan = state.policies.current().manifest.protection.incident.clone();
    let channels = plan.as_ref().map(|i| i.notify.clone());
    // E-mail goes out when the policy says users are told by e-mail (or says nothing of how).
    let by_email = state.mailer.is_some()
        && plan.as_ref().is_none_or(|p| p.notify.contains(&gebao_core::manifest::NoticeChannel::Email));
    let by_sms = plan.as_ref().is_some_and(|p| crate::sms::enabled(state, &p.notify));
    let product = state.policies.current().manifest.controller.product.clone();
    let mut out = Queued::default();
    let mut items = Vec::new();
    let mut push = |to: &Subject, role: &str, ward: Option<&Subject>| {
        let (zh, en) = message(state, &inc, ward.is_some());
        let about = ward.unwrap_or(to);
        let mut reached = false;
        if let Some(url) = &url {
            let payload = json!({
                "kind": "incident-notice",
                "incident": inc.id,
                "user": to.id,
                "role": role,
                "ward": ward.map(|w| w.id.clone()),
                "channels": channels,
                "message": { "zh-CN": zh, "en": en },
            });
            let mut item = crate::requests::change::webhook(state, OutboxKind::IncidentNotice, url, payload, None);
            item.sensitive = true;
            item.dedupe = Some(key(&inc.id, role, &about.pseudonym, "notifier"));
            items.push(item);
            reached = true;
        }
        if let (true, Some(address)) = (by_email, &to.email) {
            let payload = json!({
                "to": address,
                "subject": format!("【{product}】个人信息安全事件告知 / Personal-information incident notice"),
                "text": format!("{zh}\n\n{en}\n"),
            });
            let mut item = crate::requests::change::webhook(state, OutboxKind::IncidentNotice, "smtp", payload, None);
            item.channel = gebao_store::Channel::Email;
            item.sensitive = true;
            item.dedupe = Some(key(&inc.id, role, &about.pseudonym, "email"));
            items.push(item);
            reached = true;
        }
        if let (true, Some(phone)) = (by_sms, &to.phone) {
            let params = json!({ "product": product, "incident": inc.id, "role": role });
            if let Some(mut item) =
                crate::sms::message(state, OutboxKind::IncidentNotice, "incident-notice", phone, &zh, params)
            {
                item.dedupe = Some(key(&inc.id, role, &about.pseudonym, "sms"));
                items.push(item);
                reached = true;
            }
        }
        reached
    };
    for sid in subjects {
        let Some(s) = state.store.subject(sid).await? else {
            out.unknown.push(sid.clone());
            continue;
        };
        if !push(&s, "subject", None) {
            out.unreachable += 1;
        }
        if crate::requests::verify::under(&s, ADULT)
            && let Some(g) = &s.guardian
            && let Some(gs) = state.store.subject(g).await?
            && !push(&gs, "guardian", Some(&s))
        {
            out.unreachable += 1;
        }
    }
    let total = items.len();
    let of = |what: &str| -> std::collections::HashSet<String> {
        items.iter().filter(|i| i.dedupe.as_deref().is_some_and(|k| k.contains(what))).map(|i| i.id.clone()).collect()
    };
    let (to_guardians, emails, texts) = (of(":guardian:"), of(":email"), of(":sms"));
    let (mut queued, mut guardians, mut emailed, mut texted) = (0, 0, 0, 0);
    for chunk in items.chunks(500) {
        let entry = audit(
            actor.to_owned(),
            AuditAction::IncidentNotify,
            format!("incident:{}", inc.id),
            None,
            json!({ "notices": chunk.len() }),
        );
        let ids = state.store.enqueue_outbox(chunk.to_vec(), vec![entry]).await?;
        queued += ids.len();
        guardians += ids.iter().filter(|id| to_guardians.contains(*id)).count();
        emailed += ids.iter().filter(|id| emails.contains(*id)).count();
        texted += ids.iter().filter(|id| texts.contains(*id)).count();
    }
    out.queued = queued;
    out.already = total - queued;
    out.guardians = guardians;
    out.emails = emailed;
    out.sms = texted;
    Ok(out)
}

/// One notice's delivery, by whom it went to (their pseudonym: never a user id or contact).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Delivery {
    /// `subject` or `guardian`.
    pub role: String,
    /// The pseudonym of the individual the notice is about.
    pub about: String,
    /// `notifier`, `email` or `sms`.
    pub channel: String,
    /// `pending`, `delivered`, `failed` or `manual`.
    pub state: String,
    pub attempts: u32,
    pub delivered_ms: Option<i64>,
}

/// The notices of an incident and where each stands.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Deliveries {
    pub total: usize,
    pub delivered: usize,
    pub pending: usize,
    pub failed: usize,
    pub notices: Vec<Delivery>,
}

pub async fn deliveries(state: &AppState, id: &str) -> Result<Deliveries, ApiError> {
    super::load(state, id).await?;
    let items: Vec<(String, OutboxItem)> =
        state.store.outbox_with_dedupe_prefix(&format!("incident:{id}:"), 100_000).await?;
    let count = |s: OutboxState| items.iter().filter(|(_, i)| i.state == s).count();
    let notices = items
        .iter()
        .map(|(k, i)| {
            let mut parts = k.splitn(5, ':').skip(2);
            Delivery {
                role: parts.next().unwrap_or_default().to_owned(),
                about: parts.next().unwrap_or_default().to_owned(),
                channel: parts.next().unwrap_or_default().to_owned(),
                state: i.state.as_str().to_owned(),
                attempts: i.attempts,
                delivered_ms: i.delivered_ms,
            }
        })
        .collect();
    Ok(Deliveries {
        total: items.len(),
        delivered: count(OutboxState::Delivered),
        pending: count(OutboxState::Pending),
        failed: count(OutboxState::Failed),
        notices,
    })
}

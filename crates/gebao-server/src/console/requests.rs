//! The request queue and a request's page. Every action calls the domain functions the API
//! calls (`crate::requests`): verification, `change::act` for approval and refusal,
//! `execute::execute` for the dry run and the work, `propagate::acknowledge`.

use super::perm::{Permission, may};
use super::session::{Posted, Staff, allowed, posted};
use super::{Chrome, html, lang_of, mask, message, with_lang};
use crate::centre::portal::redirect;
use crate::deadlines::{Standing, standing};
use crate::error::ApiError;
use crate::requests::dry_run::{Readable, readable};
use crate::requests::execute::{self, Executed};
use crate::requests::verify::{self, Method};
use crate::requests::{RequestError, change, propagate, view};
use crate::state::{AppState, audit};
use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gebao_core::calendar::Due;
use gebao_core::requests::{RefusalReason, RequestEvent, RequestKind, RequestState};
use gebao_core::text::{Lang, fill_keeping};
use gebao_store::{AuditAction, OutboxState, RequestFilter, RightsRequest};
use serde::Deserialize;
use serde_json::json;

/// A request's standing as a CSS class and its label, when it needs attention.
fn mark(state: &AppState, r: &RightsRequest, c: &Chrome) -> Option<(&'static str, &'static str)> {
    if r.state.is_terminal() {
        return None;
    }
    match standing(state, r, chrono::Utc::now()) {
        Standing::Overdue => Some(("overdue", c.ui.overdue)),
        Standing::DueSoon => Some(("soon", c.ui.due_soon)),
        Standing::OnTime => None,
    }
}

fn due_text(r: &RightsRequest, c: &Chrome) -> String {
    let estimated = if r.due_estimated { c.ui.estimated } else { "" };
    format!("{}{estimated}", r.due_date)
}

fn days_left(state: &AppState, r: &RightsRequest) -> String {
    if r.state.is_terminal() {
        return "—".into();
    }
    let now = chrono::Utc::now();
    let due = Due {
        due_at: chrono::DateTime::from_timestamp_millis(r.due_ms).unwrap_or(now),
        due_date: r.due_date,
        estimated: r.due_estimated,
    };
    state.calendar.working_days_left(now, &due).to_string()
}

fn time(ms: i64) -> String {
    crate::centre::portal::beijing_time(ms)
}

struct QueueRow {
    href: String,
    id: String,
    kind: &'static str,
    state: &'static str,
    received: String,
    due: String,
    left: String,
    mark: Option<(&'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "console/queue.html")]
struct Queue {
    c: Chrome,
    rows: Vec<QueueRow>,
    /// Filing a request for a user, when the role may.
    file_href: Option<String>,
}

/// `GET /console/requests`: open requests, the soonest due first.
pub async fn queue(State(state): State<AppState>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let lang = lang_of(q.as_deref()).unwrap_or(Lang::ZhCn);
    let path = "/console/requests";
    let staff = match allowed(&state, &headers, lang, path, Permission::ViewQueue).await {
        Ok(s) => s,
        Err(page) => return page,
    };
    let filter = RequestFilter { open: true, limit: 1000, ..RequestFilter::default() };
    let list = match state.store.list_requests(&filter).await {
        Ok(l) => l,
        Err(e) => return failure(&state, lang, path, &staff, RequestError::from(e)),
    };
    let c = Chrome::new(&state, lang, path, Some(&staff));
    let rows = list
        .iter()
        .map(|r| QueueRow {
            href: c.href(&format!("/console/requests/{}", r.id)),
            id: r.id.clone(),
            kind: r.kind.label().get(lang),
            state: r.state.label().get(lang),
            received: time(r.received_ms),
            due: due_text(r, &c),
            left: days_left(&state, r),
            mark: mark(&state, r, &c),
        })
        .collect();
    let file_href = may(staff.account.role, Permission::FileRequest).then(|| c.href("/console/requests/new"));
    staff.answer(html(StatusCode::OK, &Queue { c, rows, file_href }, lang))
}

struct HistoryRow {
    time: String,
    event: String,
    actor: String,
    note: String,
}

struct DeliveryRow {
    kind: String,
    channel: String,
    target: String,
    state: String,
    ack: String,
    ack_action: Option<String>,
}

#[derive(Template)]
#[template(path = "console/request.html")]
struct RequestPage {
    c: Chrome,
    id: String,
    kind: &'static str,
    state: &'static str,
    subject: String,
    requester: String,
    channel: String,
    received: String,
    due: String,
    left: String,
    mark: Option<(&'static str, &'static str)>,
    contacts: Vec<(&'static str, String)>,
    unmasked: bool,
    unmask_action: Option<String>,
    verification: String,
    verify_action: Option<String>,
    /// Send a one-time code to the requester's registered phone or e-mail.
    send_code_action: Option<String>,
    /// Check the code the requester reads back, with the tries used so far.
    code_action: Option<(String, String)>,
    details: String,
    refusal: Option<(String, String)>,
    history: Vec<HistoryRow>,
    deliveries: Vec<DeliveryRow>,
    dry_run_href: Option<String>,
    approve_action: Option<String>,
    refuse_action: Option<String>,
    grounds: Vec<(&'static str, &'static str)>,
    execute_action: Option<String>,
    complaint: bool,
    plan: Option<Readable>,
}

/// What the page shows of `r` for `staff`; `unmasked` shows the contact points in full
/// (the caller has audited it) and `plan` a dry run.
async fn request_page(
    state: &AppState,
    lang: Lang,
    staff: &Staff,
    r: RightsRequest,
    unmasked: bool,
    plan: Option<Readable>,
) -> Result<RequestPage, RequestError> {
    let path = format!("/console/requests/{}", r.id);
    let c = Chrome::new(state, lang, &path, Some(staff));
    let role = staff.account.role;
    let v = view::full(state, r.clone()).await?;
    let subject = state.store.subject(&r.subject).await?;
    let mut contacts = Vec::new();
    if let Some(s) = &subject {
        if let Some(p) = &s.phone {
            contacts.push((c.ui.phone, if unmasked { p.clone() } else { mask::phone(p) }));
        }
        if let Some(e) = &s.email {
            contacts.push((c.ui.email, if unmasked { e.clone() } else { mask::email(e) }));
        }
    }
    let open = !r.state.is_terminal();
    let verified = r.verification.verified_ms.is_some();
    let code_pending = r.state == RequestState::VerifyingIdentity
        && r.verification.method == Some(gebao_store::VerifyMethod::Otp)
        && r.verification.otp_hash.is_some();
    let action = |p: Permission, what: &str, when: bool| {
        (when && may(role, p)).then(|| with_lang(&format!("{path}/{what}"), lang))
    };
    let verification = match (r.verification.verified_ms, r.verification.method) {
        (Some(at), method) => fill_keeping(
            c.ui.verified_at,
            &[("at", &time(at)), ("method", &method.map(gebao_core::wire_name).unwrap_or_default())],
        ),
        (None, _) => c.ui.not_verified.to_owned(),
    };
    let history = v
        .events
        .iter()
        .map(|e| HistoryRow {
            time: time(e.event.at_ms),
            event: format!("{} → {}", e.event.event.as_str(), e.event.to.label().get(lang)),
            actor: e.event.actor.clone(),
            note: e.event.reason.clone().unwrap_or_default(),
        })
        .collect();
    let deliveries = v
        .deliveries
        .iter()
        .map(|d| DeliveryRow {
            kind: gebao_core::wire_name(d.kind),
            channel: gebao_core::wire_name(d.channel),
            target: match &d.recipient {
                Some(rc) => format!("{rc} · {}", d.target),
                None => d.target.clone(),
            },
            state: d.state.as_str().to_owned(),
            ack: d.ack_ms.map(time).unwrap_or_default(),
            ack_action: (!d.acknowledged
                && matches!(d.state, OutboxState::Delivered | OutboxState::Manual)
                && d.recipient.is_some()
                && may(role, Permission::Acknowledge))
            .then(|| with_lang(&format!("/console/outbox/{}/ack", d.id), lang)),
        })
        .collect();
    let refusal = r.refusal.as_ref().map(|f| {
        let (reason, remedy) = match lang {
            Lang::ZhCn => (f.reason.label().get(lang).to_owned(), f.remedy.clone()),
            Lang::En => (f.reason.label().get(lang).to_owned(), f.remedy_en.clone()),
        };
        (fill_keeping(c.ui.refusal, &[("reason", &reason)]), remedy)
    });
    let executable = !matches!(r.kind, RequestKind::Restriction | RequestKind::Withdrawal | RequestKind::Explanation);
    let needs_approval = matches!(r.kind, RequestKind::Correction | RequestKind::Deletion);
    let approved = r.result.get("approved_ms").is_some();
    Ok(RequestPage {
        id: r.id.clone(),
        kind: r.kind.label().get(lang),
        state: r.state.label().get(lang),
        subject: r.subject.clone(),
        requester: gebao_core::wire_name(r.requester.role),
        channel: r.channel.clone(),
        received: time(r.received_ms),
        due: due_text(&r, &c),
        left: days_left(state, &r),
        mark: mark(state, &r, &c),
        unmask_action: action(Permission::Unmask, "unmask", !contacts.is_empty() && !unmasked),
        contacts,
        unmasked,
        verification,
        verify_action: action(Permission::Verify, "verify", open && !verified),
        send_code_action: action(Permission::VerifyByCode, "send-code", open && !verified),
        code_action: action(Permission::VerifyByCode, "code", code_pending).map(|a| {
            let tries = fill_keeping(
                c.ui.code_tries,
                &[("n", &r.verification.attempts.to_string()), ("max", &verify::MAX_ATTEMPTS.to_string())],
            );
            (a, tries)
        }),
        details: serde_json::to_string_pretty(&r.details).unwrap_or_default(),
        refusal,
        history,
        deliveries,
        dry_run_href: action(Permission::DryRun, "dry-run", open && verified && executable),
        approve_action: action(Permission::Decide, "approve", r.state == RequestState::AwaitingApproval),
        refuse_action: action(Permission::Decide, "refuse", open),
        grounds: RefusalReason::ALL
            .into_iter()
            .filter(|g| g.allowed_for(r.kind))
            .map(|g| (g.as_str(), g.label().get(lang)))
            .collect(),
        execute_action: action(
            Permission::Execute,
            "execute",
            r.state == RequestState::InProgress && executable && (!needs_approval || approved),
        ),
        complaint: r.kind == RequestKind::Complaint,
        plan,
        c,
    })
}

/// A domain error as a page, with the status the API answers for it.
fn failure(state: &AppState, lang: Lang, path: &str, staff: &Staff, e: RequestError) -> Response {
    let (status, title, detail) = ApiError::from(e).for_page(lang, "a console action");
    let c = Chrome::new(state, lang, path, Some(staff));
    staff.answer(message(status, &title, &detail, c))
}

async fn show(
    state: &AppState,
    lang: Lang,
    staff: &Staff,
    id: &str,
    unmasked: bool,
    plan: Option<Readable>,
) -> Response {
    let path = format!("/console/requests/{id}");
    let r = match change::load(state, id).await {
        Ok(r) => r,
        Err(e) => return failure(state, lang, &path, staff, e),
    };
    match request_page(state, lang, staff, r, unmasked, plan).await {
        Ok(page) => staff.answer(html(StatusCode::OK, &page, lang)),
        Err(e) => failure(state, lang, &path, staff, e),
    }
}

/// `GET /console/requests/{id}`.
pub async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let lang = lang_of(q.as_deref()).unwrap_or(Lang::ZhCn);
    let path = format!("/console/requests/{id}");
    match allowed(&state, &headers, lang, &path, Permission::ViewRequest).await {
        Ok(staff) => show(&state, lang, &staff, &id, false, None).await,
        Err(page) => page,
    }
}

/// `GET /console/requests/{id}/dry-run`: the request page with its dry run, nothing changed.
pub async fn dry_run(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let lang = lang_of(q.as_deref()).unwrap_or(Lang::ZhCn);
    let path = format!("/console/requests/{id}/dry-run");
    let staff = match allowed(&state, &headers, lang, &path, Permission::DryRun).await {
        Ok(s) => s,
        Err(page) => return page,
    };
    match execute::execute(&state, &staff.actor(), &id, true, None).await {
        Ok(Executed::Plan(plan)) => show(&state, lang, &staff, &id, false, Some(readable(&plan, lang))).await,
        Ok(Executed::Done(_)) => show(&state, lang, &staff, &id, false, None).await,
        Err(e) => failure(&state, lang, &path, &staff, e),
    }
}

/// A form with only its token and an optional note.
#[derive(Deserialize)]
pub struct NoteForm {
    csrf: String,
    #[serde(default)]
    note: String,
}

impl Posted for NoteForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// A note as the domain takes it: blank is none; more than 1,000 characters is refused.
fn note_of(note: &str) -> Result<Option<String>, RequestError> {
    let n = note.trim();
    if n.chars().count() > 1000 {
        return Err(RequestError::invalid("note", crate::requests::text::text_invalid("note", 1000)));
    }
    Ok((!n.is_empty()).then(|| n.to_owned()))
}

/// Where an action goes back to: the request's page.
fn back(id: &str, lang: Lang) -> Response {
    redirect(&with_lang(&format!("/console/requests/{id}"), lang))
}

macro_rules! acting {
    ($state:ident, $headers:ident, $q:ident, $id:ident, $what:literal, $perm:expr, $form:ident) => {{
        let lang = lang_of($q.as_deref()).unwrap_or(Lang::ZhCn);
        let path = format!("/console/requests/{}/{}", $id, $what);
        match posted(&$state, &$headers, lang, &path, $perm, $form).await {
            Ok((staff, form)) => (lang, path, staff, form),
            Err(page) => return page,
        }
    }};
}

/// `POST /console/requests/{id}/verify`: the operator checked the requester's identity
/// (the staff member vouches, as the operator's backend does through the API).
pub async fn verify(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    form: Result<Form<NoteForm>, FormRejection>,
) -> Response {
    let (lang, path, staff, _form) = acting!(state, headers, q, id, "verify", Permission::Verify, form);
    let r = match change::load(&state, &id).await {
        Ok(r) => r,
        Err(e) => return failure(&state, lang, &path, &staff, e),
    };
    let method = Method::OperatorAsserted { user: r.requester.id.clone() };
    match verify::start(&state, &staff.actor(), &id, method).await {
        Ok(_) => staff.answer(back(&id, lang)),
        Err(e) => failure(&state, lang, &path, &staff, e),
    }
}

/// `POST /console/requests/{id}/send-code`: a one-time code to the requester's registered
/// phone or e-mail through the notifier (never shown to staff); the requester reads it back.
pub async fn send_code(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    form: Result<Form<NoteForm>, FormRejection>,
) -> Response {
    let (lang, path, staff, _form) = acting!(state, headers, q, id, "send-code", Permission::VerifyByCode, form);
    match verify::start(&state, &staff.actor(), &id, Method::Otp).await {
        Ok(_) => staff.answer(back(&id, lang)),
        Err(e) => failure(&state, lang, &path, &staff, e),
    }
}

/// The code form.
#[derive(Deserialize)]
pub struct CodeForm {
    csrf: String,
    #[serde(default)]
    code: String,
}

impl Posted for CodeForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// `POST /console/requests/{id}/code`: checks the code the requester read back; five wrong
/// tries refuse the request as `identity-unverified`, as through the API.
pub async fn check_code(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    form: Result<Form<CodeForm>, FormRejection>,
) -> Response {
    let (lang, path, staff, form) = acting!(state, headers, q, id, "code", Permission::VerifyByCode, form);
    match verify::check_code(&state, &staff.actor(), &id, form.code.trim()).await {
        Ok(verify::CodeOutcome::Verified(_)) => staff.answer(back(&id, lang)),
        Ok(verify::CodeOutcome::Rejected(e)) | Err(e) => failure(&state, lang, &path, &staff, e),
    }
}

/// `POST /console/requests/{id}/approve` (after the dry run).
pub async fn approve(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    form: Result<Form<NoteForm>, FormRejection>,
) -> Response {
    let (lang, path, staff, form) = acting!(state, headers, q, id, "approve", Permission::Decide, form);
    let done = match note_of(&form.note) {
        Ok(note) => {
            change::act(&state, &staff.actor(), &id, RequestEvent::Approve, note, json!({ "via": "console" })).await
        }
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => staff.answer(back(&id, lang)),
        Err(e) => failure(&state, lang, &path, &staff, e),
    }
}

/// The refusal form: a ground of `RefusalReason` and a note.
#[derive(Deserialize)]
pub struct RefuseForm {
    csrf: String,
    reason: String,
    #[serde(default)]
    note: String,
}

impl Posted for RefuseForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// `POST /console/requests/{id}/refuse`: the user is told the ground and the remedy.
pub async fn refuse(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    form: Result<Form<RefuseForm>, FormRejection>,
) -> Response {
    let (lang, path, staff, form) = acting!(state, headers, q, id, "refuse", Permission::Decide, form);
    let Some(ground) = RefusalReason::ALL.into_iter().find(|g| g.as_str() == form.reason) else {
        let c = Chrome::new(&state, lang, &path, Some(&staff));
        return staff.answer(message(StatusCode::BAD_REQUEST, c.ui.bad_form, c.ui.bad_form_note, c));
    };
    let done = match note_of(&form.note) {
        Ok(note) => {
            change::act(&state, &staff.actor(), &id, RequestEvent::Refuse(ground), note, json!({ "via": "console" }))
                .await
        }
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => staff.answer(back(&id, lang)),
        Err(e) => failure(&state, lang, &path, &staff, e),
    }
}

/// The execution form: a complaint's reply.
#[derive(Deserialize)]
pub struct ExecuteForm {
    csrf: String,
    #[serde(default)]
    reply: String,
}

impl Posted for ExecuteForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// `POST /console/requests/{id}/execute`: the work, against the operator's databases.
pub async fn execute(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    form: Result<Form<ExecuteForm>, FormRejection>,
) -> Response {
    let (lang, path, staff, form) = acting!(state, headers, q, id, "execute", Permission::Execute, form);
    let reply = form.reply.trim();
    let reply = if reply.is_empty() {
        None
    } else if reply.chars().count() > 5000 {
        let e = RequestError::invalid("reply", crate::requests::text::text_invalid("reply", 5000));
        return failure(&state, lang, &path, &staff, e);
    } else {
        Some((reply.to_owned(), None))
    };
    match execute::execute(&state, &staff.actor(), &id, false, reply).await {
        Ok(_) => staff.answer(back(&id, lang)),
        Err(e) => failure(&state, lang, &path, &staff, e),
    }
}

/// The unmasking form: why.
#[derive(Deserialize)]
pub struct UnmaskForm {
    csrf: String,
    #[serde(default)]
    reason: String,
}

impl Posted for UnmaskForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// `POST /console/requests/{id}/unmask`: the subject's contact points in full, this once,
/// with the reason typed in; audited (the subject by its pseudonym, never a contact point).
pub async fn unmask(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    form: Result<Form<UnmaskForm>, FormRejection>,
) -> Response {
    let (lang, path, staff, form) = acting!(state, headers, q, id, "unmask", Permission::Unmask, form);
    let reason = form.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        let e = RequestError::invalid("reason", crate::requests::text::text_invalid("reason", 500));
        return failure(&state, lang, &path, &staff, e);
    }
    let r = match change::load(&state, &id).await {
        Ok(r) => r,
        Err(e) => return failure(&state, lang, &path, &staff, e),
    };
    let pseudonym = match state.store.subject(&r.subject).await {
        Ok(Some(s)) => s.pseudonym,
        Ok(None) => return failure(&state, lang, &path, &staff, RequestError::SubjectNotFound(r.subject.clone())),
        Err(e) => return failure(&state, lang, &path, &staff, e.into()),
    };
    let entry = audit(
        staff.actor(),
        AuditAction::StaffUnmask,
        format!("request:{id}"),
        Some(reason.to_owned()),
        json!({ "subject": pseudonym, "fields": ["phone", "email"] }),
    );
    if let Err(e) = state.store.append_audit(entry).await {
        return failure(&state, lang, &path, &staff, e.into());
    }
    show(&state, lang, &staff, &id, true, None).await
}

/// The acknowledgement form.
#[derive(Deserialize)]
pub struct AckForm {
    csrf: String,
    #[serde(default)]
    reference: String,
    /// The request whose page the form is on, to go back to.
    request: String,
}

impl Posted for AckForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// `POST /console/outbox/{id}/ack`: a recipient confirmed the deletion (by phone, e-mail…).
pub async fn acknowledge(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    form: Result<Form<AckForm>, FormRejection>,
) -> Response {
    let lang = lang_of(q.as_deref()).unwrap_or(Lang::ZhCn);
    let path = format!("/console/outbox/{id}/ack");
    let (staff, form) = match posted(&state, &headers, lang, &path, Permission::Acknowledge, form).await {
        Ok(ok) => ok,
        Err(page) => return page,
    };
    let reference = Some(form.reference.trim().to_owned()).filter(|r| !r.is_empty());
    match propagate::acknowledge(&state, &staff.actor(), &id, reference, None).await {
        Ok(item) if item.request_id.as_deref() == Some(form.request.as_str()) => {
            staff.answer(back(&form.request, lang))
        }
        Ok(_) => staff.answer(redirect(&with_lang("/console/requests", lang))),
        Err(e) => failure(&state, lang, &path, &staff, e),
    }
}

//! Subjects (个人信息主体): the operator's users, registered by the operator's own user id,
//! with an optional date of birth or age (PIPL 31: minors), a guardian link, contact
//! points encrypted at rest with a blind index (PIPL 51), and a status changed by
//! restriction (PIPL 44) and account cancellation (PIPL 47).

use super::schema::{Email, LangName, OperatorId, SubjectStatusName};
use super::{Gone, Problems, check_id};
use crate::auth::{Auth, scope};
use crate::error::ApiError;
use crate::extract::{Json, JsonOrEmpty, Path, Query, integer};
use crate::messages;
use crate::state::{AppState, audit};
use crate::versions::today;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use gebao_core::decision::SubjectStatus;
use gebao_core::text::Lang;
use gebao_store::AuditAction;
use gebao_store::crypto::ContactKind;
use gebao_store::{NewSubject, Subject, SubjectOutcome, SubjectRecord};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

/// A subject to register or update (the whole profile is replaced).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubjectBody {
    /// The operator's own user id.
    #[schema(value_type = OperatorId)]
    pub id: String,
    /// Date of birth, when known (`YYYY-MM-DD`, from 1900-01-01 to today; not with `age`).
    #[serde(default)]
    pub birth_date: Option<NaiveDate>,
    /// Age in whole years today, when only that is known (not with `birth_date`).
    #[serde(default, deserialize_with = "integer::option")]
    #[schema(minimum = 0, maximum = 150)]
    pub age: Option<u8>,
    /// The guardian's subject id, for a minor (PIPL 31): a registered subject, not this one.
    #[serde(default)]
    #[schema(value_type = Option<OperatorId>)]
    pub guardian: Option<String>,
    /// Mobile number, 5–20 digits with any of ` +-()`; stored encrypted, found again by
    /// `GET /v1/subjects?phone=`.
    #[serde(default)]
    #[schema(pattern = "^[ +()-]*([0-9][ +()-]*){5,20}$")]
    pub phone: Option<String>,
    /// Email address; stored encrypted, found again by `GET /v1/subjects?email=`.
    #[serde(default)]
    #[schema(value_type = Option<Email>)]
    pub email: Option<String>,
}

/// A stored subject.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectView {
    pub id: String,
    /// `active`, `restricted` or `cancelled`.
    #[schema(value_type = SubjectStatusName)]
    pub status: SubjectStatus,
    pub birth_date: Option<NaiveDate>,
    pub age: Option<u8>,
    /// The day `age` was stated.
    pub age_known_on: Option<NaiveDate>,
    pub guardian: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub created_ms: i64,
    pub updated_ms: i64,
}

impl SubjectView {
    /// What remains of an erased subject: its id (as asked) and status `cancelled`.
    fn erased(id: String, at_ms: i64) -> Self {
        SubjectView {
            id,
            status: SubjectStatus::Cancelled,
            birth_date: None,
            age: None,
            age_known_on: None,
            guardian: None,
            phone: None,
            email: None,
            created_ms: at_ms,
            updated_ms: at_ms,
        }
    }
}

/// The live subject `id`, or 404, or 410 when its record was erased.
pub(crate) async fn live_subject(state: &AppState, field: &str, id: &str) -> Result<Subject, ApiError> {
    match state.store.subject_record(id).await? {
        Some(SubjectRecord::Live(s)) => Ok(s),
        Some(SubjectRecord::Erased(_)) => {
            Err(ApiError::Gone { field: Some(field.into()), text: messages::subject_erased(id) })
        }
        None => Err(ApiError::not_found(field, messages::subject_not_found(id))),
    }
}

impl From<Subject> for SubjectView {
    fn from(s: Subject) -> Self {
        SubjectView {
            id: s.id,
            status: s.status,
            birth_date: s.birth_date,
            age: s.age,
            age_known_on: s.age_known_on,
            guardian: s.guardian,
            phone: s.phone,
            email: s.email,
            created_ms: s.created_ms,
            updated_ms: s.updated_ms,
        }
    }
}

fn check_phone(p: &str) -> Result<(), ApiError> {
    let digits = p.chars().filter(char::is_ascii_digit).count();
    let chars_ok = p.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c));
    if chars_ok && (5..=20).contains(&digits) {
        Ok(())
    } else {
        Err(ApiError::invalid("phone", messages::phone_invalid()))
    }
}

fn check_email(e: &str) -> Result<(), ApiError> {
    let ok = e.chars().count() <= super::schema::EMAIL_MAX
        && e.chars().all(super::schema::id_char)
        && e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if ok { Ok(()) } else { Err(ApiError::invalid("email", messages::email_invalid())) }
}

impl SubjectBody {
    /// Parses the body into a subject to store.
    pub(crate) fn parse(self, at_ms: i64) -> Result<NewSubject, ApiError> {
        check_id("id", &self.id)?;
        if self.birth_date.is_some() && self.age.is_some() {
            return Err(ApiError::invalid("age", messages::age_and_birth_date()));
        }
        if let Some(b) = self.birth_date
            && (b > today() || b < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN))
        {
            return Err(ApiError::invalid("birth_date", messages::birth_date_range()));
        }
        if self.age.is_some_and(|a| a > 150) {
            return Err(ApiError::invalid("age", messages::age_range()));
        }
        if let Some(g) = &self.guardian {
            check_id("guardian", g)?;
            if *g == self.id {
                return Err(ApiError::invalid("guardian", messages::guardian_self()));
            }
        }
        if let Some(p) = &self.phone {
            check_phone(p)?;
        }
        if let Some(e) = &self.email {
            check_email(e)?;
        }
        Ok(NewSubject {
            id: self.id,
            birth_date: self.birth_date,
            age: self.age,
            guardian: self.guardian,
            phone: self.phone,
            email: self.email,
            at_ms,
        })
    }
}

/// Register a subject or replace its profile.
#[utoipa::path(post, path = "/v1/subjects", tag = "subjects", request_body = SubjectBody,
    responses((status = 201, description = "registered", body = SubjectView), (status = 200, description = "updated", body = SubjectView), Problems, Gone),
    security(("api_key" = ["subjects:write"])))]
pub async fn register(
    State(state): State<AppState>,
    auth: Auth<scope::SubjectsWrite>,
    Json(body): Json<SubjectBody>,
) -> Result<(StatusCode, axum::Json<SubjectView>), ApiError> {
    crate::termination::refuse_collection(&state, "id")?;
    let at = crate::now_ms();
    let new = body.parse(at)?;
    // Which fields were given, never their values: the audit log holds no contact points.
    let given: Vec<&str> = [
        ("birth_date", new.birth_date.is_some()),
        ("age", new.age.is_some()),
        ("guardian", new.guardian.is_some()),
        ("phone", new.phone.is_some()),
        ("email", new.email.is_some()),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.then_some(k))
    .collect();
    if let Some(g) = &new.guardian {
        live_subject(&state, "guardian", g).await?;
    }
    // The store names the subject's registration by its pseudonym in the audit log.
    let entry = audit(auth.actor(), AuditAction::SubjectRegister, String::new(), None, json!({ "fields": given }));
    let subject = state.store.put_subject(new, entry).await?;
    state.subjects.put_profile(&subject);
    let status = if subject.created_ms == subject.updated_ms { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, axum::Json(subject.into())))
}

/// One subject (only the one named: no other subject's data).
#[utoipa::path(get, path = "/v1/subjects/{id}", tag = "subjects",
    params(("id" = OperatorId, Path, description = "the operator's user id")),
    responses((status = 200, body = SubjectView), Problems, Gone),
    security(("api_key" = ["subjects:read"])))]
pub async fn get_subject(
    State(state): State<AppState>,
    _auth: Auth<scope::SubjectsRead>,
    Path(id): Path<String>,
) -> Result<axum::Json<SubjectView>, ApiError> {
    Ok(axum::Json(live_subject(&state, "id", &id).await?.into()))
}

/// Look-up by a contact point.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct Lookup {
    /// A mobile number, in any common spelling (`+86 138 0013 8000`). Exactly one of
    /// `phone` and `email`.
    #[param(nullable = false)]
    pub phone: Option<String>,
    /// An email address (case does not matter).
    #[param(nullable = false)]
    pub email: Option<String>,
}

/// Find subjects by phone or email, through the keyed blind index (no contact point is
/// stored in clear, PIPL 51).
#[utoipa::path(get, path = "/v1/subjects", tag = "subjects", params(Lookup),
    responses((status = 200, body = Vec<SubjectView>), Problems),
    security(("api_key" = ["subjects:read"])))]
pub async fn lookup(
    State(state): State<AppState>,
    _auth: Auth<scope::SubjectsRead>,
    Query(q): Query<Lookup>,
) -> Result<axum::Json<Vec<SubjectView>>, ApiError> {
    let (kind, value) = match (&q.phone, &q.email) {
        (Some(p), None) => (ContactKind::Phone, p),
        (None, Some(e)) => (ContactKind::Email, e),
        _ => return Err(ApiError::bad_param("phone", messages::lookup_needs_one())),
    };
    let index = state.crypto.blind_index(kind, value);
    let found = state.store.subjects_by_index(&index).await?;
    Ok(axum::Json(found.into_iter().map(Into::into).collect()))
}

/// Why a status changes, when a person gave a reason.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusBody {
    /// At most 500 characters.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub reason: Option<String>,
}

async fn set_status(
    state: &AppState,
    actor: String,
    id: String,
    to: SubjectStatus,
    action: AuditAction,
    reason: Option<String>,
) -> Result<axum::Json<SubjectView>, ApiError> {
    if reason.as_ref().is_some_and(|r| r.chars().count() > 500) {
        return Err(ApiError::invalid("reason", messages::reason_invalid()));
    }
    let now = live_subject(state, "id", &id).await?;
    if to == SubjectStatus::Cancelled {
        // PIPL 47: a cancelled account is erased from gebao's own records at once; only a
        // keyed pseudonym stays in the ledger and audit log, and a tombstone for decisions.
        let entry = audit(actor, action, String::new(), reason, json!({ "from": now.status, "to": to }));
        return match state.store.erase_subject(&id, entry).await? {
            Some(SubjectOutcome::Erased { tombstone, .. }) => {
                state.subjects.erase(&tombstone);
                Ok(axum::Json(SubjectView::erased(id, tombstone.erased_ms)))
            }
            _ => Err(ApiError::not_found("id", messages::subject_not_found(&id))),
        };
    }
    if now.status == to {
        return Ok(axum::Json(now.into()));
    }
    let entry = audit(actor, action, String::new(), reason, json!({ "from": now.status, "to": to }));
    let s = state
        .store
        .set_subject_status(&id, to, entry)
        .await?
        .ok_or_else(|| ApiError::not_found("id", messages::subject_not_found(&id)))?;
    state.subjects.put_profile(&s);
    Ok(axum::Json(s.into()))
}

/// PIPL 44: restrict processing. Decisions then deny every purpose but storage and legal
/// obligations (`subject-restricted`).
#[utoipa::path(post, path = "/v1/subjects/{id}/restrict", tag = "subjects", request_body(content = Option<StatusBody>),
    params(("id" = OperatorId, Path, description = "the operator's user id")),
    responses((status = 200, body = SubjectView), Problems, Gone), security(("api_key" = ["subjects:write"])))]
pub async fn restrict(
    State(state): State<AppState>,
    auth: Auth<scope::SubjectsWrite>,
    Path(id): Path<String>,
    JsonOrEmpty(body): JsonOrEmpty<StatusBody>,
) -> Result<axum::Json<SubjectView>, ApiError> {
    set_status(&state, auth.actor(), id, SubjectStatus::Restricted, AuditAction::SubjectRestrict, body.reason).await
}

/// Lift a restriction (PIPL 44).
#[utoipa::path(post, path = "/v1/subjects/{id}/unrestrict", tag = "subjects", request_body(content = Option<StatusBody>),
    params(("id" = OperatorId, Path, description = "the operator's user id")),
    responses((status = 200, body = SubjectView), Problems, Gone), security(("api_key" = ["subjects:write"])))]
pub async fn unrestrict(
    State(state): State<AppState>,
    auth: Auth<scope::SubjectsWrite>,
    Path(id): Path<String>,
    JsonOrEmpty(body): JsonOrEmpty<StatusBody>,
) -> Result<axum::Json<SubjectView>, ApiError> {
    set_status(&state, auth.actor(), id, SubjectStatus::Active, AuditAction::SubjectUnrestrict, body.reason).await
}

/// PIPL 47: the account is cancelled. Final: gebao's own record of the subject is erased
/// at once (contact points, birth date, consent evidence; the ledger and audit log keep a
/// keyed pseudonym), decisions deny everything but legal holds (`subject-cancelled`), and
/// the subject's endpoints answer 410. Registering the id again starts a new subject. The
/// operator's own databases are erased by a cancellation request (`POST /v1/requests`).
#[utoipa::path(post, path = "/v1/subjects/{id}/cancel", tag = "subjects", request_body(content = Option<StatusBody>),
    params(("id" = OperatorId, Path, description = "the operator's user id")),
    responses((status = 200, body = SubjectView), Problems, Gone), security(("api_key" = ["subjects:write"])))]
pub async fn cancel(
    State(state): State<AppState>,
    auth: Auth<scope::SubjectsWrite>,
    Path(id): Path<String>,
    JsonOrEmpty(body): JsonOrEmpty<StatusBody>,
) -> Result<axum::Json<SubjectView>, ApiError> {
    set_status(&state, auth.actor(), id, SubjectStatus::Cancelled, AuditAction::SubjectCancel, body.reason).await
}

/// What a sign-in link is for.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PortalLinkBody {
    /// The language of the pages it opens: `zh-CN` (default) or `en`.
    #[serde(default)]
    #[schema(value_type = Option<LangName>)]
    pub lang: Option<String>,
}

/// A privacy-centre sign-in link.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PortalLink {
    /// The path to send the user to, on this server (`/privacy/login?t=…`): prefix it with
    /// the address users reach gebao at. It works once.
    pub path: String,
    /// Until when it works (ms since the epoch): 10 minutes.
    pub expires_ms: i64,
}

/// Mint a single-use sign-in link to the privacy centre for a user who is logged in to the
/// operator's app: the user sees their consents there and withdraws any in one tap
/// (PIPL 15). Only a keyed hash of the link is stored; minting is audited.
#[utoipa::path(post, path = "/v1/subjects/{id}/portal-links", tag = "subjects",
    request_body(content = Option<PortalLinkBody>),
    params(("id" = OperatorId, Path, description = "the operator's user id")),
    responses((status = 201, body = PortalLink), Problems, Gone), security(("api_key" = ["portal:write"])))]
pub async fn portal_link(
    State(state): State<AppState>,
    auth: Auth<scope::PortalWrite>,
    Path(id): Path<String>,
    JsonOrEmpty(body): JsonOrEmpty<PortalLinkBody>,
) -> Result<(StatusCode, axum::Json<PortalLink>), ApiError> {
    check_id("id", &id)?;
    let lang = match body.lang.as_deref() {
        None | Some("zh-CN") => Lang::ZhCn,
        Some("en") => Lang::En,
        Some(other) => return Err(ApiError::invalid("lang", messages::bad_param("lang", other, "`zh-CN`, `en`"))),
    };
    let subject = live_subject(&state, "id", &id).await?;
    let (token, hash) = crate::centre::portal::new_link(&state);
    let expires_ms = crate::now_ms() + crate::centre::portal::LINK_TTL_MS;
    let entry = audit(
        auth.actor(),
        AuditAction::PortalLink,
        format!("subject:{}", subject.pseudonym),
        None,
        json!({ "expires_ms": expires_ms }),
    );
    state.store.create_portal_link(&hash, &subject.key, expires_ms, entry).await?;
    let path = crate::centre::portal::link_path(&token, lang);
    Ok((StatusCode::CREATED, axum::Json(PortalLink { path, expires_ms })))
}

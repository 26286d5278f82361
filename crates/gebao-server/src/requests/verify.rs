//! Identity verification before acting (35273 8.7; PIPL 44–50): the operator's backend
//! vouches for the user through its API key (operator-asserted), or a six-digit one-time
//! code goes to the requester through the notifier, is kept only as a keyed hash, expires,
//! and allows at most [`MAX_ATTEMPTS`] tries before the request is refused as
//! `identity-unverified`. A verified person who is not entitled to the subject's data — not
//! the subject, not the guardian of a child under 14 (PIPL 31), not a close relative of a
//! deceased subject with a stated interest (PIPL 49) — is refused as `other-person-data`.

use super::effects;
use super::flow::{self, webhook};
use super::intake::relative_may;
use super::text;
use crate::error::ApiError;
use crate::state::AppState;
use gebao_core::decision::SubjectState;
use gebao_core::requests::{RefusalReason, RequestEvent, RequestState};
use gebao_store::{OutboxKind, RequesterRole, RightsRequest, Subject, VerifyMethod};
use rand::Rng;
use serde_json::json;

/// One-time code tries before the request is refused (35273 8.7: attempts are limited).
pub const MAX_ATTEMPTS: u32 = 5;

/// How the caller verifies.
#[derive(Debug, Clone)]
pub enum Method {
    /// The operator's backend authenticated `user` (its own user id) and vouches for them.
    OperatorAsserted { user: String },
    /// Send a one-time code to the requester.
    Otp,
}

fn otp_hash(state: &AppState, request: &str, code: &str) -> String {
    hex::encode(state.crypto.keyed_hash("otp", format!("{request}:{code}").as_bytes()))
}

/// Whether `s` is under `age` today (Asia/Shanghai), as far as gebao knows.
fn under(s: &Subject, age: u8) -> bool {
    let st =
        SubjectState { birth_date: s.birth_date, age: s.age, age_known_on: s.age_known_on, ..SubjectState::default() };
    st.age_on(crate::versions::today()).is_some_and(|a| a < u32::from(age))
}

/// Whether the (verified) requester may act on the subject's data.
async fn entitled(state: &AppState, req: &RightsRequest) -> Result<bool, ApiError> {
    Ok(match req.requester.role {
        RequesterRole::Subject => req.requester.id == req.subject,
        RequesterRole::Guardian => {
            let age = state.policies.current().manifest.minors.guardian_consent_age;
            let subject = state.store.subject(&req.subject).await?;
            subject.is_some_and(|s| s.guardian.as_deref() == Some(req.requester.id.as_str()) && under(&s, age))
        }
        RequesterRole::CloseRelative => {
            req.requester.interest.as_deref().is_some_and(|i| !i.trim().is_empty()) && relative_may(req.kind)
        }
    })
}

/// Marks the request verified as `user` and moves on: refused as `other-person-data` when
/// `user` is not entitled, else in progress with the kind's effects applied.
async fn verified(
    state: &AppState,
    actor: &str,
    mut req: RightsRequest,
    method: VerifyMethod,
    user: &str,
) -> Result<RightsRequest, ApiError> {
    let now = crate::now_ms();
    req.verification.method = Some(method);
    req.verification.otp_hash = None;
    req.verification.otp_expires_ms = None;
    req.verification.verified_ms = Some(now);
    req.verification.verified_as = Some(user.to_owned());
    let detail = json!({ "method": method, "user": user, "role": req.requester.role });
    if user != req.requester.id || !entitled(state, &req).await? {
        let event = RequestEvent::Refuse(RefusalReason::OtherPersonData);
        return flow::transition(state, actor, req, event, None, detail, Vec::new()).await;
    }
    let req = flow::transition(state, actor, req, RequestEvent::IdentityVerified, None, detail, Vec::new()).await?;
    effects::after_verified(state, actor, req).await
}

/// `POST /v1/requests/{id}/verify`.
pub async fn start(state: &AppState, actor: &str, id: &str, method: Method) -> Result<RightsRequest, ApiError> {
    let req = flow::load(state, id).await?;
    if !matches!(req.state, RequestState::Received | RequestState::VerifyingIdentity) {
        return Err(flow::wrong_state(&req, "verify"));
    }
    match method {
        Method::OperatorAsserted { user } => verified(state, actor, req, VerifyMethod::OperatorAsserted, &user).await,
        Method::Otp => send_code(state, actor, req).await,
    }
}

async fn send_code(state: &AppState, actor: &str, mut req: RightsRequest) -> Result<RightsRequest, ApiError> {
    let url = state
        .requests
        .notifier_url
        .clone()
        .ok_or_else(|| ApiError::Conflict { field: "method".into(), text: text::no_notifier() })?;
    if req.verification.attempts >= MAX_ATTEMPTS {
        return Err(ApiError::Conflict { field: "method".into(), text: text::attempts_exhausted() });
    }
    let requester = state.store.subject(&req.requester.id).await?;
    let to = match requester.as_ref().map(|s| (&s.phone, &s.email)) {
        Some((Some(phone), _)) => json!({ "phone": phone }),
        Some((None, Some(email))) => json!({ "email": email }),
        _ => return Err(ApiError::Conflict { field: "method".into(), text: text::no_contact(&req.requester.id) }),
    };
    let code = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000u32));
    let ttl = state.requests.otp_ttl;
    let expires = crate::now_ms().saturating_add(i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX));
    req.verification.method = Some(VerifyMethod::Otp);
    req.verification.otp_hash = Some(otp_hash(state, &req.id, &code));
    req.verification.otp_expires_ms = Some(expires);
    let product = state.policies.current().manifest.controller.product.clone();
    let message = text::otp_message(&code, ttl.as_secs().div_ceil(60), &product);
    let payload = json!({
        "kind": "otp",
        "request": req.id,
        "user": req.requester.id,
        "to": to,
        "code": code,
        "expires_ms": expires,
        "message": { "zh-CN": message.zh, "en": message.en },
    });
    let mut item = webhook(OutboxKind::Otp, &url, payload, Some(&req), state);
    // The code leaves the database once delivered.
    item.sensitive = true;
    let detail = json!({ "method": "otp", "outbox": item.id, "expires_ms": expires });
    if req.state == RequestState::Received {
        flow::transition(state, actor, req, RequestEvent::StartVerification, None, detail, vec![item]).await
    } else {
        flow::step(state, actor, req, "otp-resent", None, detail, vec![item]).await
    }
}

/// What a code check found.
pub enum CodeOutcome {
    /// Verified (and possibly refused as another person's data, or already completed).
    Verified(Box<RightsRequest>),
    /// Wrong or expired; the error tells how many tries are left (the try was recorded).
    Rejected(ApiError),
}

/// `POST /v1/requests/{id}/otp`: checks a code. Every try is recorded before answering.
pub async fn check_code(state: &AppState, actor: &str, id: &str, code: &str) -> Result<CodeOutcome, ApiError> {
    let mut req = flow::load(state, id).await?;
    let pending = req.state == RequestState::VerifyingIdentity
        && req.verification.method == Some(VerifyMethod::Otp)
        && req.verification.otp_hash.is_some();
    if !pending {
        return Err(ApiError::Conflict { field: "code".into(), text: text::otp_not_pending() });
    }
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::invalid("code", text::otp_format()));
    }
    req.verification.attempts += 1;
    let attempts = req.verification.attempts;
    let expired = req.verification.otp_expires_ms.is_none_or(|t| crate::now_ms() > t);
    let right = !expired && req.verification.otp_hash.as_deref() == Some(otp_hash(state, &req.id, code).as_str());
    if right {
        let user = req.requester.id.clone();
        return Ok(CodeOutcome::Verified(Box::new(verified(state, actor, req, VerifyMethod::Otp, &user).await?)));
    }
    let left = MAX_ATTEMPTS.saturating_sub(attempts);
    let detail = json!({ "attempts": attempts, "expired": expired });
    if left == 0 {
        req.verification.otp_hash = None;
        flow::transition(state, actor, req, RequestEvent::IdentityFailed, None, detail, Vec::new()).await?;
        return Ok(CodeOutcome::Rejected(ApiError::invalid("code", text::otp_locked())));
    }
    let name = if expired { "otp-expired" } else { "otp-wrong" };
    flow::step(state, actor, req, name, None, detail, Vec::new()).await?;
    let text = if expired { text::otp_expired(left) } else { text::otp_wrong(left) };
    Ok(CodeOutcome::Rejected(ApiError::invalid("code", text)))
}

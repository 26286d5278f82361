//! Identity verification before acting (35273 8.7; PIPL 44–50): the operator's backend
//! vouches for the user through its API key (operator-asserted), or a six-digit one-time
//! code goes to the requester through the notifier, is kept only as a keyed hash, expires,
//! and allows at most [`MAX_ATTEMPTS`] tries before the request is refused as
//! `identity-unverified`. A verified person who is not entitled to the subject's data — not
//! the subject, not the guardian of a child under 14 (PIPL 31), not a close relative of a
//! deceased subject with a stated interest (PIPL 49) — is refused as `other-person-data`.

use super::change::{self, Change, Step, webhook};
use super::effects;
use super::error::RequestError;
use super::intake::relative_may;
use super::text;
use crate::state::AppState;
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
pub(crate) fn under(s: &Subject, age: u8) -> bool {
    gebao_core::decision::age_on(s.birth_date, s.age, s.age_known_on, crate::versions::today())
        .is_some_and(|a| a < u32::from(age))
}

/// Whether the (verified) requester may act on the subject's data.
async fn entitled(state: &AppState, req: &RightsRequest) -> Result<bool, RequestError> {
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

/// Marks the request verified as `user` and, in the same commit, applies what follows:
/// refused as `other-person-data` when `user` may not act for the subject, else in progress
/// with the kind's immediate effect (approval asked, restriction, withdrawal, explanation,
/// cancellation blockers asked).
async fn verified(
    state: &AppState,
    actor: &str,
    mut req: RightsRequest,
    method: VerifyMethod,
    user: &str,
) -> Result<RightsRequest, RequestError> {
    let now = crate::now_ms();
    req.verification.method = Some(method);
    req.verification.otp_hash = None;
    req.verification.otp_expires_ms = None;
    req.verification.verified_ms = Some(now);
    req.verification.verified_as = Some(user.to_owned());
    let as_requester = user == req.requester.id;
    let detail = json!({ "method": method, "role": req.requester.role, "as_requester": as_requester });
    let ok = as_requester && entitled(state, &req).await?;
    let mut change = Change::new(state, actor, req);
    if !ok {
        change.transition(RequestEvent::Refuse(RefusalReason::OtherPersonData), None, detail)?;
        return change.commit().await;
    }
    change.transition(RequestEvent::IdentityVerified, None, detail)?;
    effects::after_verified(state, &mut change)?;
    change.commit().await
}

/// `POST /v1/requests/{id}/verify`.
pub async fn start(state: &AppState, actor: &str, id: &str, method: Method) -> Result<RightsRequest, RequestError> {
    let req = change::load(state, id).await?;
    if !matches!(req.state, RequestState::Received | RequestState::VerifyingIdentity) {
        return Err(change::wrong_state(&req, "verify"));
    }
    match method {
        Method::OperatorAsserted { user } => verified(state, actor, req, VerifyMethod::OperatorAsserted, &user).await,
        Method::Otp => send_code(state, actor, req).await,
    }
}

async fn send_code(state: &AppState, actor: &str, mut req: RightsRequest) -> Result<RightsRequest, RequestError> {
    let url =
        state.requests.notifier_url.clone().ok_or_else(|| RequestError::blocked("method", text::no_notifier()))?;
    if req.verification.attempts >= MAX_ATTEMPTS {
        return Err(RequestError::blocked("method", text::attempts_exhausted()));
    }
    let requester = state.store.subject(&req.requester.id).await?;
    let to = match requester.as_ref().map(|s| (&s.phone, &s.email)) {
        Some((Some(phone), _)) => json!({ "phone": phone }),
        Some((None, Some(email))) => json!({ "email": email }),
        _ => return Err(RequestError::blocked("method", text::no_contact(&req.requester.id))),
    };
    let code = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000u32));
    let ttl = state.requests.otp_ttl;
    let expires = crate::now_ms().saturating_add(i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX));
    req.verification.method = Some(VerifyMethod::Otp);
    req.verification.otp_hash = Some(otp_hash(state, &req.id, &code));
    req.verification.otp_expires_ms = Some(expires);
    let product = state.policies.current().manifest.controller.product.clone();
    let message = text::otp_message(&code, ttl.as_secs().div_ceil(60), &product);
    // Signed by the egress layer like every delivery; the code leaves the database once
    // delivered.
    let payload = json!({
        "kind": "otp",
        "request": req.id,
        "user": req.requester.id,
        "to": to,
        "code": code,
        "expires_ms": expires,
        "message": { "zh-CN": message.zh, "en": message.en },
    });
    let mut item = webhook(state, OutboxKind::Otp, &url, payload, Some(&req));
    item.sensitive = true;
    let detail = json!({ "method": "otp", "outbox": item.id, "expires_ms": expires });
    let first = req.state == RequestState::Received;
    let mut change = Change::new(state, actor, req);
    change.send(item);
    if first {
        change.transition(RequestEvent::StartVerification, None, detail)?;
    } else {
        change.step(Step::OtpResent, None, detail);
    }
    change.commit().await
}

/// What a code check found.
pub enum CodeOutcome {
    /// Verified (and possibly refused as another person's data, or already completed).
    Verified(Box<RightsRequest>),
    /// Wrong or expired; the error tells how many tries are left (the try was recorded).
    Rejected(RequestError),
}

/// `POST /v1/requests/{id}/otp`: checks a code. Every try is recorded before answering.
pub async fn check_code(state: &AppState, actor: &str, id: &str, code: &str) -> Result<CodeOutcome, RequestError> {
    let mut req = change::load(state, id).await?;
    let pending = req.state == RequestState::VerifyingIdentity
        && req.verification.method == Some(VerifyMethod::Otp)
        && req.verification.otp_hash.is_some();
    if !pending {
        return Err(RequestError::blocked("code", text::otp_not_pending()));
    }
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(RequestError::invalid("code", text::otp_format()));
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
        let mut change = Change::new(state, actor, req);
        change.transition(RequestEvent::IdentityFailed, None, detail)?;
        change.commit().await?;
        return Ok(CodeOutcome::Rejected(RequestError::invalid("code", text::otp_locked())));
    }
    let mut change = Change::new(state, actor, req);
    change.step(if expired { Step::OtpExpired } else { Step::OtpWrong }, None, detail);
    change.commit().await?;
    let text = if expired { text::otp_expired(left) } else { text::otp_wrong(left) };
    Ok(CodeOutcome::Rejected(RequestError::invalid("code", text)))
}

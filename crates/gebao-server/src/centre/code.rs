//! Sign-in to the privacy centre by a one-time code to the user's registered phone or
//! e-mail (issue 11), for a user who does not come from the app. The user types a contact
//! point; gebao finds the subject by its keyed blind index (the contact point is never
//! stored or logged in clear), sends a six-digit code through the outbox to the notifier —
//! the same delivery path as a request's one-time code — and keeps only a keyed hash of it,
//! valid [`CODE_TTL_MS`], for [`MAX_TRIES`] tries, used once. The right code starts the same
//! sealed session as a minted link; every code sent and every sign-in is audited under the
//! subject's pseudonym.
//!
//! Nobody learns from these pages whether a contact point is registered: the answer is the
//! same page, with the same cookies, after the same least time ([`FLOOR`]); an unknown
//! contact point only gets a row that counts towards the limits (no code, nothing sent).
//! Limits: [`PER_CONTACT`] codes per contact point and [`PER_CLIENT`] per client address in
//! [`WINDOW_MS`]. Both forms carry a token bound to a pre-session cookie (double submit,
//! `SameSite=Strict`) and must come from this server's own pages.

use super::pages::error;
use super::portal::{cookie_header, cookie_named, no_store, redirect, same_origin, start_session};
use super::{Chrome, html, lang_of, with_lang};
use crate::listen::Peer;
use crate::requests::change::webhook;
use crate::state::AppState;
use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use gebao_core::text::{Lang, fill_keeping};
use gebao_store::crypto::{ContactKind, normalise};
use gebao_store::portal::{CodeCheck, CodeIssued, CodeLimits, NewPortalCode};
use gebao_store::{AuditAction, NewAudit, OutboxKind, Subject};
use rand::Rng;
use serde::Deserialize;
use serde_json::json;
use std::time::Duration;

/// How long a code works.
pub const CODE_TTL_MS: i64 = 10 * 60 * 1000;
/// Tries of one code.
pub const MAX_TRIES: u32 = 5;
/// The window of the limits.
pub const WINDOW_MS: i64 = 15 * 60 * 1000;
/// Codes per contact point in the window.
pub const PER_CONTACT: i64 = 3;
/// Codes per client address in the window.
pub const PER_CLIENT: i64 = 10;
/// The least time the answer to a contact point takes, whatever was found.
const FLOOR: Duration = Duration::from_millis(300);

/// The pre-session cookie the forms' token is bound to.
const PRE: &str = "gebao_pre";
/// The cookie naming the code being entered (the challenge; the store keeps its hash).
const CHALLENGE: &str = "gebao_code";
const LOGIN: &str = "/privacy/login";
const CODE: &str = "/privacy/login/code";

#[derive(Template)]
#[template(path = "centre/login.html")]
struct Ask {
    c: Chrome,
    csrf: String,
    action: String,
    available: bool,
    message: Option<String>,
}

#[derive(Template)]
#[template(path = "centre/code.html")]
struct Enter {
    c: Chrome,
    csrf: String,
    action: String,
    /// Whether the code can still be tried.
    open: bool,
    message: Option<String>,
}

/// The form token of a pre-session cookie.
fn token_of(state: &AppState, pre: &str) -> String {
    hex::encode(&state.crypto.keyed_hash("portal-pre-csrf", pre.as_bytes())[..16])
}

/// This browser's pre-session cookie, or a new one (and its `Set-Cookie`).
fn pre_session(headers: &HeaderMap) -> (String, bool) {
    match cookie_named(headers, PRE).filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit())) {
        Some(v) => (v.to_owned(), false),
        None => (hex::encode(rand::random::<[u8; 32]>()), true),
    }
}

/// A page of these forms, with the pre-session cookie set when new.
fn page(status: StatusCode, body: &impl Template, lang: Lang, headers: &HeaderMap, pre: (&str, bool)) -> Response {
    let mut res = html(status, body, lang);
    if pre.1 {
        res.headers_mut().append(header::SET_COOKIE, cookie_header(PRE, pre.0, LOGIN, 3600, headers));
    }
    no_store(res)
}

fn ask_page(state: &AppState, headers: &HeaderMap, lang: Lang, status: StatusCode, message: Option<&str>) -> Response {
    let (pre, new) = pre_session(headers);
    let body = Ask {
        c: Chrome::new(state, lang, LOGIN),
        csrf: token_of(state, &pre),
        action: with_lang(LOGIN, lang),
        available: state.requests.notifier_url.is_some(),
        message: message.map(str::to_owned),
    };
    page(status, &body, lang, headers, (&pre, new))
}

/// `GET /privacy/login` (no link): the contact-point form.
pub(super) async fn ask(state: &AppState, headers: &HeaderMap, lang: Lang) -> Response {
    ask_page(state, headers, lang, StatusCode::OK, None)
}

/// Whether a posted form carries the token of this browser's pre-session cookie and comes
/// from this server's pages.
fn accepted(state: &AppState, headers: &HeaderMap, csrf: &str) -> bool {
    let Some(pre) = cookie_named(headers, PRE) else { return false };
    let want = token_of(state, pre);
    let same = gebao_store::staff::constant_time_eq(csrf.as_bytes(), want.as_bytes());
    same && same_origin(headers)
}

/// The contact-point form.
#[derive(Debug, Deserialize)]
pub struct ContactForm {
    csrf: String,
    contact: String,
}

/// A typed contact point: its kind and its normalised value, or `None` when it is neither a
/// phone number nor an e-mail address.
fn contact_of(typed: &str) -> Option<(ContactKind, String)> {
    let typed = typed.trim();
    if typed.contains('@') {
        let v = normalise(ContactKind::Email, typed);
        let (local, domain) = v.split_once('@')?;
        let ok = v.len() <= 254 && !local.is_empty() && domain.contains('.') && !v.contains(char::is_whitespace);
        return ok.then_some((ContactKind::Email, v));
    }
    let ok = typed.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c));
    let v = normalise(ContactKind::Phone, typed);
    let digits = v.chars().filter(char::is_ascii_digit).count();
    (ok && (5..=20).contains(&digits)).then_some((ContactKind::Phone, v))
}

/// The one subject a contact point signs in as: registered under it and not cancelled. A
/// child whose record carries its guardian's phone is not the one signing in when the
/// guardian is registered under it too; any other ambiguity signs no one in.
fn who(found: Vec<Subject>) -> Option<Subject> {
    let live: Vec<Subject> =
        found.into_iter().filter(|s| s.status != gebao_core::decision::SubjectStatus::Cancelled).collect();
    let ids: Vec<&str> = live.iter().map(|s| s.id.as_str()).collect();
    let mut adults: Vec<&Subject> =
        live.iter().filter(|s| !s.guardian.as_deref().is_some_and(|g| ids.contains(&g))).collect();
    if live.len() == 1 {
        return live.into_iter().next();
    }
    match (adults.pop(), adults.is_empty()) {
        (Some(one), true) => Some(one.clone()),
        _ => None,
    }
}

fn audit(action: AuditAction, detail: serde_json::Value) -> NewAudit {
    NewAudit {
        actor: "privacy-centre".into(),
        action,
        target: String::new(),
        reason: None,
        detail,
        at_ms: crate::now_ms(),
    }
}

/// The client's address as counted: an IPv6 client by its /64.
fn client(state: &AppState, peer: Option<&Peer>) -> [u8; 32] {
    let shown = match peer.map(|p| p.0.ip()) {
        Some(std::net::IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Some(std::net::IpAddr::V6(v6)) => v6.to_ipv4_mapped().map(|v4| v4.to_string()).unwrap_or_default(),
        Some(ip) => ip.to_string(),
        None => "unknown".into(),
    };
    state.crypto.keyed_hash("portal-client", shown.as_bytes())
}

/// `POST /privacy/login`: a code to the contact point, if it is registered; the same answer
/// either way.
pub async fn send(
    State(state): State<AppState>,
    headers: HeaderMap,
    peer: Option<axum::Extension<Peer>>,
    RawQuery(q): RawQuery,
    form: Result<Form<ContactForm>, FormRejection>,
) -> Response {
    let lang = lang_of(q.as_deref()).unwrap_or(Lang::ZhCn);
    let Ok(Form(form)) = form else { return no_store(error(&state, lang, "/privacy/me", StatusCode::BAD_REQUEST)) };
    if !accepted(&state, &headers, &form.csrf) {
        return no_store(error(&state, lang, LOGIN, StatusCode::FORBIDDEN));
    }
    let ui = super::ui::Ui::of(lang);
    let Some(url) = state.requests.notifier_url.clone() else {
        return ask_page(&state, &headers, lang, StatusCode::SERVICE_UNAVAILABLE, None);
    };
    let Some((kind, value)) = contact_of(&form.contact) else {
        return ask_page(&state, &headers, lang, StatusCode::BAD_REQUEST, Some(ui.contact_invalid));
    };
    let started = tokio::time::Instant::now();
    let outcome = issue(&state, peer.map(|p| p.0).as_ref(), kind, &value, &url).await;
    tokio::time::sleep_until(started + FLOOR).await;
    match outcome {
        Ok((CodeIssued::Kept, challenge)) => {
            let mut res = redirect(&with_lang(CODE, lang));
            let max_age = CODE_TTL_MS / 1000;
            res.headers_mut()
                .append(header::SET_COOKIE, cookie_header(CHALLENGE, &challenge, LOGIN, max_age, &headers));
            no_store(res)
        }
        Ok((CodeIssued::Limited, _)) => {
            ask_page(&state, &headers, lang, StatusCode::TOO_MANY_REQUESTS, Some(ui.code_limited))
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot keep a privacy-centre sign-in code");
            no_store(error(&state, lang, LOGIN, StatusCode::SERVICE_UNAVAILABLE))
        }
    }
}

/// Keeps a code for the contact point (its message and audit entry when registered); the
/// challenge the browser keeps.
async fn issue(
    state: &AppState,
    peer: Option<&Peer>,
    kind: ContactKind,
    value: &str,
    url: &str,
) -> gebao_store::Result<(CodeIssued, String)> {
    let index = state.crypto.blind_index(kind, value);
    let subject = who(state.store.subjects_by_index(&index).await?);
    let challenge = hex::encode(rand::random::<[u8; 32]>());
    let now = crate::now_ms();
    let expires_ms = now + CODE_TTL_MS;
    let mut code = NewPortalCode {
        challenge_hash: challenge_hash(state, &challenge),
        contact_index: index,
        client_hash: client(state, peer),
        code: None,
        created_ms: now,
        expires_ms,
    };
    let limits = CodeLimits { window_ms: WINDOW_MS, per_contact: PER_CONTACT, per_client: PER_CLIENT };
    let (mut outbox, mut entry) = (Vec::new(), None);
    if let Some(s) = subject {
        let digits = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000u32));
        code.code = Some((s.key, code_hash(state, &challenge, &digits)));
        // The stored contact point of the kind typed: the notifier sends there.
        let to = match kind {
            ContactKind::Phone => s.phone.as_ref().map(|p| json!({ "phone": p })),
            ContactKind::Email => s.email.as_ref().map(|e| json!({ "email": e })),
        };
        let product = state.policies.current().manifest.controller.product.clone();
        let message = crate::requests::text::sign_in_message(&digits, CODE_TTL_MS / 60_000, &product);
        let payload = json!({
            "kind": "portal-code",
            "user": s.id,
            "to": to,
            "code": digits,
            "expires_ms": expires_ms,
            "message": { "zh-CN": message.zh, "en": message.en },
        });
        let mut item = webhook(state, OutboxKind::Otp, url, payload, None);
        item.sensitive = true;
        entry = Some(audit(
            AuditAction::PortalCode,
            json!({ "via": kind_name(kind), "outbox": item.id, "expires_ms": expires_ms }),
        ));
        outbox.push(item);
    }
    let issued = state.store.issue_portal_code(code, limits, outbox, entry).await?;
    Ok((issued, challenge))
}

fn kind_name(kind: ContactKind) -> &'static str {
    match kind {
        ContactKind::Phone => "phone",
        ContactKind::Email => "email",
    }
}

fn challenge_hash(state: &AppState, challenge: &str) -> [u8; 32] {
    state.crypto.keyed_hash("portal-challenge", challenge.as_bytes())
}

fn code_hash(state: &AppState, challenge: &str, code: &str) -> [u8; 32] {
    state.crypto.keyed_hash("portal-code", format!("{challenge}:{code}").as_bytes())
}

fn challenge_of(headers: &HeaderMap) -> Option<&str> {
    cookie_named(headers, CHALLENGE).filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn enter_page(
    state: &AppState,
    headers: &HeaderMap,
    lang: Lang,
    status: StatusCode,
    open: bool,
    message: Option<String>,
) -> Response {
    let (pre, new) = pre_session(headers);
    let body = Enter {
        c: Chrome::new(state, lang, CODE),
        csrf: token_of(state, &pre),
        action: with_lang(CODE, lang),
        open,
        message,
    };
    page(status, &body, lang, headers, (&pre, new))
}

/// `GET /privacy/login/code`: the code form (back to the contact form without a challenge).
pub async fn enter(State(state): State<AppState>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let lang = lang_of(q.as_deref()).unwrap_or(Lang::ZhCn);
    if challenge_of(&headers).is_none() {
        return no_store(redirect(&with_lang(LOGIN, lang)));
    }
    enter_page(&state, &headers, lang, StatusCode::OK, true, None)
}

/// The code form.
#[derive(Debug, Deserialize)]
pub struct CodeForm {
    csrf: String,
    code: String,
}

/// `POST /privacy/login/code`: the right code starts a session; a wrong one says how many
/// tries are left; a locked, expired or used one asks for a new code.
pub async fn check(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    form: Result<Form<CodeForm>, FormRejection>,
) -> Response {
    let lang = lang_of(q.as_deref()).unwrap_or(Lang::ZhCn);
    let Ok(Form(form)) = form else { return no_store(error(&state, lang, "/privacy/me", StatusCode::BAD_REQUEST)) };
    if !accepted(&state, &headers, &form.csrf) {
        return no_store(error(&state, lang, CODE, StatusCode::FORBIDDEN));
    }
    let ui = super::ui::Ui::of(lang);
    let Some(challenge) = challenge_of(&headers) else {
        return enter_page(&state, &headers, lang, StatusCode::BAD_REQUEST, false, Some(ui.code_expired.into()));
    };
    let code = form.code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return enter_page(&state, &headers, lang, StatusCode::BAD_REQUEST, true, Some(ui.code_format.into()));
    }
    let checked = state
        .store
        .check_portal_code(
            &challenge_hash(&state, challenge),
            &code_hash(&state, challenge, code),
            MAX_TRIES,
            audit(AuditAction::PortalSignIn, json!({ "via": "code" })),
        )
        .await;
    let (open, message) = match checked {
        Ok(CodeCheck::SignedIn(key)) => {
            let mut res = start_session(&state, &key, &headers, lang);
            res.headers_mut().append(header::SET_COOKIE, cookie_header(CHALLENGE, "", LOGIN, 0, &headers));
            return res;
        }
        Ok(CodeCheck::Wrong { left }) => (true, fill_keeping(ui.code_wrong, &[("left", &left.to_string())])),
        Ok(CodeCheck::Locked) => (false, ui.code_locked.to_owned()),
        Ok(CodeCheck::Expired | CodeCheck::Unknown) => (false, ui.code_expired.to_owned()),
        Err(e) => {
            tracing::error!(error = %e, "cannot check a privacy-centre sign-in code");
            return no_store(error(&state, lang, CODE, StatusCode::SERVICE_UNAVAILABLE));
        }
    };
    enter_page(&state, &headers, lang, StatusCode::UNAUTHORIZED, open, Some(message))
}

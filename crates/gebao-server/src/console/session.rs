//! Signing in to the console: name, password (Argon2id) and a TOTP code (RFC 6238, 30 s,
//! one step either side, each code once). Five failures in a row lock the account for 15
//! minutes; the page says the same whether the name exists, the password or the code was
//! wrong, or the account is locked or disabled, and an unknown name costs the same hash.
//!
//! The session is a cookie sealed with the server's key (AES-GCM): the name, when it
//! started and when it was last used. It ends after 30 minutes idle or 8 hours, when the
//! account is disabled or its credentials change, and when the member signs out (every
//! session of theirs started before); `HttpOnly`, `SameSite=Strict`,
//! `Path=/console`, `Secure` over https. Every form carries a token bound to the session
//! (the sign-in form one bound to a pre-session cookie) and is refused from another origin
//! (the privacy centre's check).

use super::perm::{Permission, may};
use super::{Chrome, html, lang_of};
use crate::centre::portal::cookie_named;
use crate::centre::portal::{no_store, over_https, redirect, same_origin};
use crate::state::{AppState, audit};
use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gebao_core::text::{Lang, fill_keeping};
use gebao_store::AuditAction;
use gebao_store::staff::{self, StaffAccount, constant_time_eq};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// A session ends after this long without a request.
pub const IDLE_MS: i64 = 30 * 60 * 1000;
/// And this long after signing in, whatever happens.
pub const ABSOLUTE_MS: i64 = 8 * 60 * 60 * 1000;
const COOKIE: &str = "gebao_console";
const LOGIN_COOKIE: &str = "gebao_console_login";
const SESSION_AAD: &[u8] = b"gebao-console-session";

#[derive(Serialize, Deserialize)]
struct Claims {
    /// The login name.
    n: String,
    /// Signed in at, ms.
    iat: i64,
    /// Last request, ms.
    seen: i64,
}

/// A signed-in member of staff.
pub struct Staff {
    pub account: StaffAccount,
    /// The token every form of this session carries.
    pub csrf: String,
    /// The refreshed cookie (idle time starts again), set on the answer.
    cookie: Option<HeaderValue>,
}

impl Staff {
    /// The audit actor.
    pub fn actor(&self) -> String {
        format!("staff:{}", self.account.name)
    }

    /// `res` with the refreshed session cookie.
    pub fn answer(&self, mut res: Response) -> Response {
        if let Some(c) = &self.cookie {
            res.headers_mut().append(header::SET_COOKIE, c.clone());
        }
        no_store(res)
    }
}

fn set_cookie(name: &str, value: &str, max_age_s: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let c = format!("{name}={value}; Path=/console; Max-Age={max_age_s}; HttpOnly; SameSite=Strict{secure}");
    HeaderValue::from_str(&c).unwrap_or(HeaderValue::from_static("gebao_console=; Max-Age=0"))
}

fn seal(state: &AppState, claims: &Claims) -> Option<String> {
    let bytes = serde_json::to_vec(claims).ok()?;
    state.crypto.encrypt(&bytes, SESSION_AAD).ok().map(hex::encode)
}

fn csrf_of(state: &AppState, label: &str, value: &str) -> String {
    hex::encode(&state.crypto.keyed_hash(label, value.as_bytes())[..16])
}

/// The session of this request, if it is live: sealed by this server, not idle or too old,
/// of an enabled account whose credentials did not change since.
async fn session(state: &AppState, headers: &HeaderMap) -> Option<Staff> {
    let sealed = hex::decode(cookie_named(headers, COOKIE)?).ok()?;
    let claims: Claims = serde_json::from_slice(&state.crypto.decrypt(&sealed, SESSION_AAD).ok()?).ok()?;
    let now = crate::now_ms();
    if now - claims.seen > IDLE_MS || now - claims.iat > ABSOLUTE_MS {
        return None;
    }
    let creds = match state.store.staff_credentials(&claims.n).await {
        Ok(Some(c)) => c,
        Ok(None) => return None,
        Err(e) => {
            tracing::warn!(error = %e, "a console session's account cannot be read");
            return None;
        }
    };
    let account = creds.account;
    let signed_out = account.signed_out_ms.is_some_and(|t| t >= claims.iat);
    if account.disabled_ms.is_some() || account.changed_ms > claims.iat || signed_out {
        return None;
    }
    let https = over_https(headers);
    let left_s = (claims.iat + ABSOLUTE_MS - now).min(IDLE_MS) / 1000;
    let refreshed = seal(state, &Claims { n: claims.n.clone(), iat: claims.iat, seen: now })
        .map(|v| set_cookie(COOKIE, &v, left_s, https));
    let csrf = csrf_of(state, "console-csrf", &format!("{}:{}", claims.n, claims.iat));
    Some(Staff { account, csrf, cookie: refreshed })
}

/// The role of the signed-in member, if any.
pub async fn role_of(state: &AppState, headers: &HeaderMap) -> Option<staff::StaffRole> {
    session(state, headers).await.map(|s| s.account.role)
}

/// The signed-in staff who may `p`, or the page that says why not: the sign-in page (401)
/// without a session; a 403 page, audited, for a role without `p`.
pub async fn allowed(
    state: &AppState,
    headers: &HeaderMap,
    lang: Lang,
    path: &str,
    p: Permission,
) -> Result<Staff, Response> {
    let Some(staff) = session(state, headers).await else {
        return Err(signed_out(state, headers, lang, path));
    };
    if may(staff.account.role, p) {
        return Ok(staff);
    }
    let entry = audit(
        staff.actor(),
        AuditAction::StaffRefused,
        format!("staff:{}", staff.account.name),
        None,
        json!({ "permission": p.as_str(), "role": staff.account.role, "path": path }),
    );
    if let Err(e) = state.store.append_audit(entry).await {
        tracing::error!(error = %e, "a refused console action could not be audited");
    }
    let c = Chrome::new(state, lang, path, Some(&staff));
    let detail = fill_keeping(c.ui.forbidden_note, &[("role", super::role_label(&c.ui, staff.account.role))]);
    Err(staff.answer(super::message(StatusCode::FORBIDDEN, c.ui.forbidden, &detail, c)))
}

/// A form of a console page: it carries the session's token.
pub trait Posted {
    fn csrf(&self) -> &str;
}

/// A form posted in a session by staff who may `p`, or the page refusing it: no session
/// (401), a role without `p` (403, audited), a form that does not parse (400), a missing
/// or wrong token or another origin (403). Nothing is changed by a refused form.
pub async fn posted<F: Posted>(
    state: &AppState,
    headers: &HeaderMap,
    lang: Lang,
    path: &str,
    p: Permission,
    form: Result<Form<F>, FormRejection>,
) -> Result<(Staff, F), Response> {
    let staff = allowed(state, headers, lang, path, p).await?;
    let status = match form {
        Ok(Form(f)) if constant_time_eq(f.csrf().as_bytes(), staff.csrf.as_bytes()) && same_origin(headers) => {
            return Ok((staff, f));
        }
        Ok(_) => StatusCode::FORBIDDEN,
        Err(_) => StatusCode::BAD_REQUEST,
    };
    let c = Chrome::new(state, lang, path, Some(&staff));
    Err(staff.answer(super::message(status, c.ui.bad_form, c.ui.bad_form_note, c)))
}

fn signed_out(state: &AppState, headers: &HeaderMap, lang: Lang, path: &str) -> Response {
    let c = Chrome::new(state, lang, path, None);
    login_page(state, lang, c, StatusCode::UNAUTHORIZED, true, false, over_https(headers))
}

#[derive(Template)]
#[template(path = "console/login.html")]
struct Login {
    c: Chrome,
    action: String,
    csrf: String,
    failed: bool,
    expired: bool,
}

/// The sign-in page, with a new pre-session nonce for its form token.
fn login_page(
    state: &AppState,
    lang: Lang,
    c: Chrome,
    status: StatusCode,
    expired: bool,
    failed: bool,
    https: bool,
) -> Response {
    let nonce = hex::encode(rand::random::<[u8; 16]>());
    let page = Login {
        action: super::with_lang("/console/login", lang),
        csrf: csrf_of(state, "console-login-csrf", &nonce),
        failed,
        expired,
        c,
    };
    let mut res = html(status, &page, lang);
    res.headers_mut().append(header::SET_COOKIE, set_cookie(LOGIN_COOKIE, &nonce, 1800, https));
    no_store(res)
}

/// `GET /console/login`.
pub async fn login_form(State(state): State<AppState>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let lang = lang_of(q.as_deref()).unwrap_or(Lang::ZhCn);
    let c = Chrome::new(&state, lang, "/console/login", None);
    login_page(&state, lang, c, StatusCode::OK, false, false, over_https(&headers))
}

/// The sign-in form.
#[derive(Deserialize)]
pub struct LoginForm {
    csrf: String,
    name: String,
    password: String,
    code: String,
}

/// `POST /console/login`.
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Response {
    let lang = lang_of(q.as_deref()).unwrap_or(Lang::ZhCn);
    let path = "/console/login";
    let token_ok = |f: &LoginForm| {
        cookie_named(&headers, LOGIN_COOKIE).is_some_and(|nonce| {
            constant_time_eq(f.csrf.as_bytes(), csrf_of(&state, "console-login-csrf", nonce).as_bytes())
        })
    };
    let f = match form {
        Ok(Form(f)) if token_ok(&f) && same_origin(&headers) => f,
        refused => {
            let status = if refused.is_ok() { StatusCode::FORBIDDEN } else { StatusCode::BAD_REQUEST };
            let c = Chrome::new(&state, lang, path, None);
            return no_store(super::message(status, c.ui.bad_form, c.ui.bad_form_note, c));
        }
    };
    let now = crate::now_ms();
    let https = over_https(&headers);
    let failed = |state: &AppState| {
        let c = Chrome::new(state, lang, path, None);
        login_page(state, lang, c, StatusCode::UNAUTHORIZED, false, true, https)
    };
    let creds = if staff::valid_name(&f.name) {
        match state.store.staff_credentials(&f.name).await {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = %e, "a staff account cannot be read for a sign-in");
                return no_store(unavailable(&state, lang, path));
            }
        }
    } else {
        None
    };
    let Some(creds) = creds else {
        // Costs the same hash as a known name; the name typed is not recorded (it may be a
        // password typed in the wrong box).
        let _ = staff::verify_password(&f.password, staff::decoy_hash());
        let entry = audit(
            "anonymous".into(),
            AuditAction::StaffLoginFailed,
            "staff:?".into(),
            None,
            json!({ "why": "unknown-name" }),
        );
        if let Err(e) = state.store.append_audit(entry).await {
            tracing::error!(error = %e, "a failed sign-in could not be audited");
        }
        return failed(&state);
    };
    let password_ok = staff::verify_password(&f.password, &creds.password_hash);
    let step = creds.totp_secret.check(f.code.trim(), now);
    let name = creds.account.name.clone();
    let target = format!("staff:{name}");
    let blocked = if creds.account.disabled_ms.is_some() {
        Some("disabled")
    } else if creds.account.locked(now) {
        Some("locked")
    } else {
        None
    };
    if let Some(why) = blocked {
        // Tries while locked neither count nor extend the lock; they are recorded.
        let entry = audit(target.clone(), AuditAction::StaffLoginFailed, target, None, json!({ "why": why }));
        if let Err(e) = state.store.append_audit(entry).await {
            tracing::error!(error = %e, "a failed sign-in could not be audited");
        }
        return failed(&state);
    }
    if let (true, Some(step)) = (password_ok, step) {
        let entry = audit(target.clone(), AuditAction::StaffLogin, target.clone(), None, json!({ "step": step }));
        match state.store.staff_signed_in(&name, step, entry).await {
            Ok(true) => {
                let Some(sealed) = seal(&state, &Claims { n: name, iat: now, seen: now }) else {
                    return no_store(unavailable(&state, lang, path));
                };
                let mut res = redirect(&super::with_lang("/console", lang));
                res.headers_mut().append(header::SET_COOKIE, set_cookie(COOKIE, &sealed, IDLE_MS / 1000, https));
                res.headers_mut().append(header::SET_COOKIE, set_cookie(LOGIN_COOKIE, "", 0, https));
                return no_store(res);
            }
            Ok(false) => {} // the code was used before: a failure like any other
            Err(e) => {
                tracing::error!(error = %e, "a sign-in could not be recorded");
                return no_store(unavailable(&state, lang, path));
            }
        }
    }
    let why = match (password_ok, step) {
        (false, _) => "password",
        (true, None) => "code",
        (true, Some(_)) => "code-reused",
    };
    let entry = audit(target.clone(), AuditAction::StaffLoginFailed, target, None, json!({ "why": why }));
    if let Err(e) = state.store.staff_sign_in_failed(&name, entry).await {
        tracing::error!(error = %e, "a failed sign-in could not be recorded");
        return no_store(unavailable(&state, lang, path));
    }
    failed(&state)
}

fn unavailable(state: &AppState, lang: Lang, path: &str) -> Response {
    let c = Chrome::new(state, lang, path, None);
    super::message(StatusCode::SERVICE_UNAVAILABLE, c.ui.unavailable, c.ui.unavailable_note, c)
}

/// The sign-out form.
#[derive(Deserialize)]
pub struct LogoutForm {
    csrf: String,
}

impl Posted for LogoutForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// `POST /console/logout`: the cookie is cleared and the sign-out recorded (audited), which
/// ends every session of the member started before it — a copy of the cookie kept
/// elsewhere, or another device, is signed out too.
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    form: Result<Form<LogoutForm>, FormRejection>,
) -> Response {
    let lang = lang_of(q.as_deref()).unwrap_or(Lang::ZhCn);
    let Some(staff) = session(&state, &headers).await else {
        return no_store(redirect(&super::with_lang("/console/login", lang)));
    };
    let ok = matches!(&form, Ok(Form(f)) if constant_time_eq(f.csrf.as_bytes(), staff.csrf.as_bytes()));
    if !ok || !same_origin(&headers) {
        let c = Chrome::new(&state, lang, "/console/logout", Some(&staff));
        return staff.answer(super::message(StatusCode::FORBIDDEN, c.ui.bad_form, c.ui.bad_form_note, c));
    }
    let entry = audit(staff.actor(), AuditAction::StaffLogout, String::new(), None, json!({}));
    if let Err(e) = state.store.staff_signed_out(&staff.account.name, entry).await {
        // The cookie is still cleared; other copies end by their idle time.
        tracing::error!(error = %e, "a console sign-out could not be recorded");
    }
    let mut res = redirect(&super::with_lang("/console/login", lang));
    res.headers_mut().append(header::SET_COOKIE, set_cookie(COOKIE, "", 0, over_https(&headers)));
    no_store(res.into_response())
}

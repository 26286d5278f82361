//! The user's own pages of the privacy centre. The operator's backend mints a sign-in link
//! for a user who is logged in to the app (`POST /v1/subjects/{id}/portal-links`, scope
//! `portal:write`): single use, valid for minutes, only a keyed hash of it stored. Opening
//! it starts a session — a cookie holding the subject's keyed pseudonym and an expiry,
//! sealed with the server's key (AES-GCM), `HttpOnly`, `SameSite=Strict`, scoped to
//! `/privacy` — and the user sees the consents they gave and withdraws any of them in one
//! tap (PIPL 15: as easy as giving it). Every form carries a token bound to the session
//! (CSRF); a request from another origin is refused. A session only ever reaches its own
//! subject: no page takes a subject id.

use super::pages::{ErrorPage, error};
use super::{Chrome, html, lang_of, with_lang};
use crate::routes::{ScopeBody, WithdrawBody, append_consent};
use crate::state::AppState;
use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gebao_core::decision::{ConsentAction, ConsentScope, SeparateKind};
use gebao_core::text::{Lang, fill_keeping};
use gebao_store::crypto::SubjectKey;
use gebao_store::{AuditAction, NewAudit, Subject, SubjectRecord};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How long a minted link can be used.
pub const LINK_TTL_MS: i64 = 10 * 60 * 1000;
/// How long a session lasts after the link was opened.
pub const SESSION_TTL_MS: i64 = 30 * 60 * 1000;
const COOKIE: &str = "gebao_portal";
const SESSION_AAD: &[u8] = b"gebao-portal-session";

/// A new link token (256 random bits) and the keyed hash the store keeps of it.
pub fn new_link(state: &AppState) -> (String, [u8; 32]) {
    let token = format!("gpl_{}", hex::encode(rand::random::<[u8; 32]>()));
    let hash = link_hash(state, &token);
    (token, hash)
}

fn link_hash(state: &AppState, token: &str) -> [u8; 32] {
    state.crypto.keyed_hash("portal-link", token.as_bytes())
}

/// What the session cookie seals.
#[derive(Serialize, Deserialize)]
struct Claims {
    /// The subject's keyed pseudonym, hex.
    k: String,
    /// When the session ends, in ms.
    exp: i64,
}

fn seal(state: &AppState, key: &SubjectKey, exp: i64) -> Option<String> {
    let claims = serde_json::to_vec(&Claims { k: key.to_hex(), exp }).ok()?;
    state.crypto.encrypt(&claims, SESSION_AAD).ok().map(hex::encode)
}

/// A signed-in user.
pub(super) struct Session {
    pub subject: Subject,
    /// The token every form of this session carries.
    pub csrf: String,
}

fn cookie_value(headers: &HeaderMap) -> Option<&str> {
    cookie_named(headers, COOKIE)
}

/// The value of the request's cookie `name`.
pub(crate) fn cookie_named<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

impl Session {
    /// Whether a form posted in this session may act: it carries the session's token
    /// (compared in constant time) and comes from this server's own pages.
    pub(super) fn accepts(&self, csrf: &str, headers: &HeaderMap) -> bool {
        gebao_store::staff::constant_time_eq(csrf.as_bytes(), self.csrf.as_bytes()) && same_origin(headers)
    }
}

/// The signed-in user of a page of theirs, or the page asking an anonymous visitor to open
/// the centre from the app (401).
pub(super) async fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
    lang: Lang,
    path: &str,
) -> Result<Session, Response> {
    session(state, headers)
        .await
        .ok_or_else(|| no_store(signed_out(state, lang, path, StatusCode::UNAUTHORIZED, false)))
}

/// The session of this request: a cookie this server sealed, not expired, of a subject
/// that still exists (an erased subject's sessions end with it).
async fn session(state: &AppState, headers: &HeaderMap) -> Option<Session> {
    let raw = cookie_value(headers)?;
    let sealed = hex::decode(raw).ok()?;
    let claims: Claims = serde_json::from_slice(&state.crypto.decrypt(&sealed, SESSION_AAD).ok()?).ok()?;
    if claims.exp <= crate::now_ms() {
        return None;
    }
    let key = SubjectKey::from_hex(&claims.k)?;
    let Ok(Some(SubjectRecord::Live(subject))) = state.store.subject_by_key(&key).await else { return None };
    let csrf = hex::encode(&state.crypto.keyed_hash("portal-csrf", raw.as_bytes())[..16]);
    Some(Session { subject, csrf })
}

fn set_cookie(value: &str, max_age_s: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let c = format!("{COOKIE}={value}; Path=/privacy; Max-Age={max_age_s}; HttpOnly; SameSite=Strict{secure}");
    HeaderValue::from_str(&c).unwrap_or(HeaderValue::from_static("gebao_portal=; Max-Age=0"))
}

/// A `Set-Cookie` of this centre's: `HttpOnly`, `SameSite=Strict`, `Secure` over HTTPS.
pub(super) fn cookie_header(name: &str, value: &str, path: &str, max_age_s: i64, headers: &HeaderMap) -> HeaderValue {
    let secure = if over_https(headers) { "; Secure" } else { "" };
    let c = format!("{name}={value}; Path={path}; Max-Age={max_age_s}; HttpOnly; SameSite=Strict{secure}");
    HeaderValue::from_str(&c).unwrap_or(HeaderValue::from_static("gebao_invalid=; Max-Age=0"))
}

/// Starts a session for the subject `key` (a link opened, a code entered): the sealed
/// cookie, and the user sent on to their page.
pub(super) fn start_session(state: &AppState, key: &SubjectKey, headers: &HeaderMap, lang: Lang) -> Response {
    let Some(sealed) = seal(state, key, crate::now_ms() + SESSION_TTL_MS) else {
        return no_store(error(state, lang, "/privacy/login", StatusCode::INTERNAL_SERVER_ERROR));
    };
    let mut res = redirect(&with_lang("/privacy/me", lang));
    res.headers_mut().append(header::SET_COOKIE, set_cookie(&sealed, SESSION_TTL_MS / 1000, over_https(headers)));
    no_store(res)
}

/// Whether the page was asked for over HTTPS (directly or through a proxy that says so).
pub(crate) fn over_https(headers: &HeaderMap) -> bool {
    headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()).is_some_and(|p| p.eq_ignore_ascii_case("https"))
}

pub(crate) fn redirect(to: &str) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

pub(crate) fn no_store(mut res: Response) -> Response {
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// `GET /privacy/login?t=…`: the minted link (without `t`: sign-in by a one-time code,
/// [`super::code`]). Used once: a session starts and the user is sent on to their page, so
/// the token does not stay in the address bar or the history.
pub async fn login(State(state): State<AppState>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let lang = lang_of(q.as_deref()).unwrap_or(Lang::ZhCn);
    let token = q
        .as_deref()
        .and_then(|q| form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "t").map(|(_, v)| v.into_owned()));
    let Some(token) = token else { return super::code::ask(&state, &headers, lang).await };
    let now = crate::now_ms();
    let key = if token.len() <= 128 {
        let entry = NewAudit {
            actor: "privacy-centre".into(),
            action: AuditAction::PortalSignIn,
            target: String::new(),
            reason: None,
            detail: serde_json::json!({ "via": "link" }),
            at_ms: now,
        };
        state.store.take_portal_link(&link_hash(&state, &token), now, entry).await.ok().flatten()
    } else {
        None
    };
    let live = match &key {
        Some(k) => matches!(state.store.subject_by_key(k).await, Ok(Some(SubjectRecord::Live(_)))),
        None => false,
    };
    let (Some(key), true) = (key, live) else {
        return no_store(signed_out(&state, lang, "/privacy/login", StatusCode::FORBIDDEN, true));
    };
    start_session(&state, &key, &headers, lang)
}

/// `POST /privacy/logout`: the session ends here.
pub async fn logout(headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let lang = lang_of(q.as_deref()).unwrap_or(Lang::ZhCn);
    let mut res = redirect(&with_lang("/privacy", lang));
    res.headers_mut().insert(header::SET_COOKIE, set_cookie("", 0, over_https(&headers)));
    no_store(res)
}

/// The page for someone without a (valid) session: open the privacy centre from the app
/// again; `link` says it was a link that did not work.
pub(super) fn signed_out(state: &AppState, lang: Lang, path: &str, status: StatusCode, link: bool) -> Response {
    let c = Chrome::new(state, lang, path);
    let (heading, detail) =
        if link { (c.ui.link_invalid, c.ui.link_invalid_note) } else { (c.ui.signed_out, c.ui.signed_out_note) };
    // Without the app: sign in by a one-time code, when a notifier can send one.
    let sign_in_href = state.requests.notifier_url.is_some().then(|| with_lang("/privacy/login", lang));
    html(status, &ErrorPage { c, heading: heading.to_owned(), detail: detail.to_owned(), sign_in_href }, lang)
}

/// One consent as the user sees it.
struct ConsentRow {
    title: String,
    /// What a screen reader says of its button: which consent it withdraws.
    withdraw_label: String,
    note: &'static str,
    granted: bool,
    since: String,
    /// The hidden fields that name it in the withdrawal form.
    fields: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "centre/me.html")]
struct Me {
    c: Chrome,
    csrf: String,
    done: bool,
    /// The page's heading: my consents, or a ward's.
    heading: String,
    /// For a ward's page: whose consents these are and who acts on them.
    ward_note: Option<String>,
    rows: Vec<ConsentRow>,
    /// On the user's own page: their wards under the guardian-consent age (PIPL 31).
    wards: Vec<WardLink>,
    wards_note: String,
    withdraw_action: String,
    logout_action: String,
    requests_href: String,
}

/// A ward on the guardian's page.
struct WardLink {
    title: String,
    href: String,
}

/// Whose page this is: the signed-in user's own, or a ward's under the age at which the
/// guardian consents (PIPL 31), acted on by the guardian.
pub(super) struct Whose {
    pub subject: Subject,
    /// The guardian acts (the signed-in user is the ward's guardian).
    pub guardian: bool,
    /// The page's path: `/privacy/me` or `/privacy/me/wards/{key}`.
    pub base: String,
}

impl Whose {
    pub(super) fn own(session: &Session) -> Whose {
        Whose { subject: session.subject.clone(), guardian: false, base: "/privacy/me".into() }
    }
}

/// The age under which a guardian acts for a child (the manifest's, 14 by PIPL 31).
fn guardian_age(state: &AppState) -> u8 {
    state.policies.current().manifest.minors.guardian_consent_age
}

/// Whether `s` is a ward the signed-in user acts for: registered with them as guardian,
/// under the guardian-consent age today, not cancelled.
fn is_ward(state: &AppState, session: &Session, s: &Subject) -> bool {
    s.guardian.as_deref() == Some(session.subject.id.as_str())
        && s.status != gebao_core::decision::SubjectStatus::Cancelled
        && crate::requests::verify::under(s, guardian_age(state))
}

/// The ward named by `key` (its keyed pseudonym, hex) in a page's address, or the 404 page:
/// another subject, a child who has reached the age, or a key that names no one are all
/// not found.
async fn ward(state: &AppState, session: &Session, key: &str, lang: Lang, path: &str) -> Result<Whose, Response> {
    let not_found = || no_store(error(state, lang, path, StatusCode::NOT_FOUND));
    let key = SubjectKey::from_hex(key).ok_or_else(not_found)?;
    match state.store.subject_by_key(&key).await {
        Ok(Some(SubjectRecord::Live(s))) if is_ward(state, session, &s) => {
            let base = format!("/privacy/me/wards/{}", key.to_hex());
            Ok(Whose { subject: s, guardian: true, base })
        }
        Ok(_) => Err(not_found()),
        Err(e) => {
            tracing::error!(error = %e, "cannot read a ward for the privacy centre");
            Err(no_store(error(state, lang, path, StatusCode::SERVICE_UNAVAILABLE)))
        }
    }
}

/// Whose pages a signed-in user is on: their own, or — with a ward's key — that ward's
/// (not found for anyone who is not the user's ward under the age).
pub(super) async fn whose_pages(
    state: &AppState,
    session: &Session,
    ward_key: Option<&str>,
    lang: Lang,
    path: &str,
) -> Result<Whose, Response> {
    match ward_key {
        None => Ok(Whose::own(session)),
        Some(key) => ward(state, session, key, lang, path).await,
    }
}

/// A page's first step: the signed-in user and whose pages they view.
pub(super) async fn viewing(
    state: &AppState,
    headers: &HeaderMap,
    ward_key: Option<&str>,
    lang: Lang,
    path: &str,
) -> Result<(Session, Whose), Response> {
    let session = signed_in(state, headers, lang, path).await?;
    let whose = whose_pages(state, &session, ward_key, lang, path).await?;
    Ok((session, whose))
}

/// A ward's name on the guardian's pages: the operator's user id (gebao knows no names).
pub(super) fn ward_title(c: &Chrome, whose: &Whose) -> String {
    fill_keeping(c.ui.ward_title, &[("id", &whose.subject.id)])
}

/// `GET /privacy/me`: the consents the user gave, each with its state and a withdrawal.
pub async fn me(State(state): State<AppState>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let lang = lang_of(q.as_deref()).unwrap_or(Lang::ZhCn);
    let (session, whose) = match viewing(&state, &headers, None, lang, "/privacy/me").await {
        Ok(v) => v,
        Err(page) => return page,
    };
    consents_page(&state, lang, q.as_deref(), session, whose).await
}

/// `GET /privacy/me/wards/{key}`: a ward's consents, for the guardian to withdraw.
pub async fn ward_me(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(key): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let lang = lang_of(q.as_deref()).unwrap_or(Lang::ZhCn);
    let path = "/privacy/me";
    let (session, whose) = match viewing(&state, &headers, Some(&key), lang, path).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    consents_page(&state, lang, q.as_deref(), session, whose).await
}

async fn consents_page(state: &AppState, lang: Lang, q: Option<&str>, session: Session, whose: Whose) -> Response {
    let done = q.is_some_and(|q| form_urlencoded::parse(q.as_bytes()).any(|(k, v)| k == "done" && v == "1"));
    let rows = match state.store.consents_of(&whose.subject.id).await {
        Ok(rows) => rows,
        Err(e) => {
            tracing::error!(error = %e, "cannot read a subject's consents for the privacy centre");
            return no_store(error(state, lang, "/privacy/me", StatusCode::SERVICE_UNAVAILABLE));
        }
    };
    let wards = if whose.guardian {
        Vec::new()
    } else {
        match state.store.wards_of(&session.subject.id).await {
            Ok(w) => w,
            Err(e) => {
                tracing::error!(error = %e, "cannot read a guardian's wards for the privacy centre");
                return no_store(error(state, lang, "/privacy/me", StatusCode::SERVICE_UNAVAILABLE));
            }
        }
    };
    let mut latest = BTreeMap::new();
    for r in rows {
        latest.insert(r.record.scope.clone(), r);
    }
    let c = Chrome::new(state, lang, &whose.base);
    let manifest = &state.policies.current().manifest;
    let rows = latest
        .into_values()
        .map(|r| {
            let (title, note) = describe(manifest, &r.record.scope, lang);
            let since = beijing_time(r.record.at_ms);
            ConsentRow {
                withdraw_label: fill_keeping(c.ui.withdraw_label, &[("title", &title)]),
                title,
                note,
                granted: r.record.action == ConsentAction::Grant,
                since,
                fields: form_fields(&ScopeBody::from(&r.record.scope)),
            }
        })
        .collect();
    let wards = wards
        .into_iter()
        .filter(|w| is_ward(state, &session, w))
        .map(|w| WardLink {
            title: fill_keeping(c.ui.ward_title, &[("id", &w.id)]),
            href: with_lang(&format!("/privacy/me/wards/{}", w.key.to_hex()), lang),
        })
        .collect();
    let (heading, ward_note) = if whose.guardian {
        let age = guardian_age(state).to_string();
        (ward_title(&c, &whose), Some(fill_keeping(c.ui.ward_note, &[("age", &age)])))
    } else {
        (c.ui.my_consents.to_owned(), None)
    };
    let page = Me {
        withdraw_action: with_lang(&format!("{}/withdraw", whose.base), lang),
        logout_action: with_lang("/privacy/logout", lang),
        requests_href: with_lang(&format!("{}/requests", whose.base), lang),
        heading,
        ward_note,
        wards,
        wards_note: fill_keeping(c.ui.wards_note, &[("age", &guardian_age(state).to_string())]),
        c,
        csrf: session.csrf,
        done,
        rows,
    };
    no_store(html(StatusCode::OK, &page, lang))
}

/// An instant as Beijing time, to the minute.
pub(crate) fn beijing_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| gebao_core::calendar::shanghai_time(t).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// A consent's name and what kind of consent it is, in the page's language (the console's
/// figures name consents the same way).
pub(crate) fn describe(m: &gebao_core::Manifest, scope: &ConsentScope, lang: Lang) -> (String, &'static str) {
    let ui = super::ui::Ui::of(lang);
    let purpose = |id: &gebao_core::ids::PurposeId| {
        m.purposes
            .iter()
            .find(|p| p.id == *id)
            .map_or_else(|| id.0.clone(), |p| lang.pick(&p.name, p.name_en.as_deref()).to_owned())
    };
    match scope {
        ConsentScope::Purpose { purpose: p } => (purpose(p), ui.consent_purpose),
        ConsentScope::Sensitive { purpose: p } => (purpose(p), ui.consent_sensitive),
        ConsentScope::Recipient { recipient, separate } => {
            let name = m
                .recipients
                .iter()
                .find(|r| r.id == *recipient)
                .map_or_else(|| recipient.0.clone(), |r| lang.pick(&r.name, r.name_en.as_deref()).to_owned());
            let note = match separate {
                SeparateKind::Provision => ui.consent_provision,
                SeparateKind::CrossBorder => ui.consent_cross_border,
                SeparateKind::PublicDisclosure => ui.consent_public,
            };
            (name, note)
        }
        ConsentScope::Cookie { category } => (category.label().get(lang).to_owned(), ui.consent_cookie),
        ConsentScope::Personalisation => (ui.personalisation.to_owned(), ui.consent_personalisation),
    }
}

/// The form fields that name a consent, as the withdrawal form posts them back.
fn form_fields(scope: &ScopeBody) -> Vec<(&'static str, String)> {
    match scope {
        ScopeBody::Purpose { purpose } => vec![("kind", "purpose".into()), ("purpose", purpose.clone())],
        ScopeBody::Sensitive { purpose } => vec![("kind", "sensitive".into()), ("purpose", purpose.clone())],
        ScopeBody::Recipient { recipient, separate } => {
            let mut f = vec![("kind", "recipient".into()), ("recipient", recipient.clone())];
            if let Some(s) = separate {
                f.push(("separate", s.clone()));
            }
            f
        }
        ScopeBody::Cookie { category } => vec![("kind", "cookie".into()), ("category", category.clone())],
        ScopeBody::Personalisation {} => vec![("kind", "personalisation".into())],
    }
}

/// The withdrawal form.
#[derive(Debug, Deserialize)]
pub struct WithdrawForm {
    csrf: String,
    kind: String,
    #[serde(default)]
    purpose: Option<String>,
    #[serde(default)]
    recipient: Option<String>,
    #[serde(default)]
    separate: Option<String>,
    #[serde(default)]
    category: Option<String>,
}

impl WithdrawForm {
    fn scope(self) -> Option<ScopeBody> {
        Some(match self.kind.as_str() {
            "purpose" => ScopeBody::Purpose { purpose: self.purpose? },
            "sensitive" => ScopeBody::Sensitive { purpose: self.purpose? },
            "recipient" => ScopeBody::Recipient { recipient: self.recipient?, separate: self.separate },
            "cookie" => ScopeBody::Cookie { category: self.category? },
            "personalisation" => ScopeBody::Personalisation {},
            _ => return None,
        })
    }
}

/// Whether a form was posted from this server's own pages: the `Origin` (sent by every
/// current browser with a POST) names this host, or is absent.
/// A form of the user's pages: it carries the session's token.
pub(super) trait Posted {
    fn csrf(&self) -> &str;
}

impl Posted for WithdrawForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// A form posted in a session, or the page refusing it: no session (401), a form that
/// does not parse (400), a missing or wrong token or another origin (403). Nothing is
/// changed by a refused form.
pub(super) async fn posted<F: Posted>(
    state: &AppState,
    headers: &HeaderMap,
    lang: Lang,
    path: &str,
    form: Result<Form<F>, FormRejection>,
) -> Result<(Session, F), Response> {
    let session = signed_in(state, headers, lang, path).await?;
    let Ok(Form(form)) = form else { return Err(no_store(error(state, lang, "/privacy/me", StatusCode::BAD_REQUEST))) };
    if !session.accepts(form.csrf(), headers) {
        return Err(no_store(error(state, lang, path, StatusCode::FORBIDDEN)));
    }
    Ok((session, form))
}

pub(crate) fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else { return true };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    origin.split_once("://").is_some_and(|(_, h)| !host.is_empty() && h == host)
}

/// `POST /privacy/me/withdraw`: one tap, one withdrawal in the ledger; decisions deny from
/// the moment the page answers.
pub async fn withdraw(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    form: Result<Form<WithdrawForm>, FormRejection>,
) -> Response {
    let lang = lang_of(q.as_deref()).unwrap_or(Lang::ZhCn);
    let path = "/privacy/me/withdraw";
    let (session, form) = match posted(&state, &headers, lang, path, form).await {
        Ok(ok) => ok,
        Err(refused) => return refused,
    };
    let whose = match whose_pages(&state, &session, None, lang, path).await {
        Ok(w) => w,
        Err(page) => return page,
    };
    withdraw_for(&state, lang, whose, form).await
}

/// `POST /privacy/me/wards/{key}/withdraw`: the guardian withdraws a ward's consent
/// (recorded as the guardian's).
pub async fn ward_withdraw(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(key): Path<String>,
    RawQuery(q): RawQuery,
    form: Result<Form<WithdrawForm>, FormRejection>,
) -> Response {
    let lang = lang_of(q.as_deref()).unwrap_or(Lang::ZhCn);
    let path = "/privacy/me/withdraw";
    let (session, form) = match posted(&state, &headers, lang, path, form).await {
        Ok(ok) => ok,
        Err(refused) => return refused,
    };
    let whose = match whose_pages(&state, &session, Some(&key), lang, path).await {
        Ok(w) => w,
        Err(page) => return page,
    };
    withdraw_for(&state, lang, whose, form).await
}

async fn withdraw_for(state: &AppState, lang: Lang, whose: Whose, form: WithdrawForm) -> Response {
    let path = "/privacy/me/withdraw";
    let Some(scope) = form.scope() else { return no_store(error(state, lang, path, StatusCode::BAD_REQUEST)) };
    let via = if whose.guardian { "privacy-centre-guardian" } else { "privacy-centre" };
    let body = WithdrawBody {
        subject: whose.subject.id.clone(),
        scope,
        policy_version: None,
        channel: Some("privacy-centre".into()),
        evidence: serde_json::json!({ "via": via }),
        by_guardian: whose.guardian,
    };
    match append_consent(state, "privacy-centre".into(), body, ConsentAction::Withdraw).await {
        Ok(_) => no_store(redirect(&with_lang_and(&whose.base, lang, "done=1"))),
        Err(e) => {
            tracing::warn!(error = %e, "a withdrawal from the privacy centre was refused");
            no_store(error(state, lang, path, StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}

pub(super) fn with_lang_and(path: &str, lang: Lang, query: &str) -> String {
    let base = with_lang(path, lang);
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}{query}")
}

/// A link's path for the operator's backend to send the user to.
pub fn link_path(token: &str, lang: Lang) -> String {
    with_lang_and("/privacy/login", lang, &format!("t={token}"))
}

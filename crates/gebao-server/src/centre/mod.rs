//! The privacy centre (`/privacy/…`): the pages a user reaches from the app's "我的—设置—
//! 隐私", server-rendered in zh-CN (English with `?lang=en`), phone first, usable inside an
//! app's WebView or a mini-program's web-view. Public pages only show the public policy
//! model (the policy, its lists, every version and what changed); no script, no inline
//! style, no request to anyone but this server (`Content-Security-Policy`).

mod code;
mod notices;
pub(crate) mod pages;
pub(crate) mod portal;
mod requests;
mod ui;

use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{Next, from_fn};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use gebao_core::text::Lang;
use ui::Ui;

/// Every page: what the user may load.
const CSP: &str =
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'self'";

const STYLESHEET: &str = include_str!("../../assets/centre.css");
const ICON: &str = include_str!("../../assets/icon.svg");

/// The routes under `/privacy`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/privacy", get(pages::home))
        .route("/privacy/policy", get(pages::policy))
        .route("/privacy/policy/versions", get(pages::versions))
        .route("/privacy/policy/versions/{n}", get(pages::archived))
        .route("/privacy/policy/versions/{n}/changes", get(pages::changes))
        .route("/privacy/lists/{list}", get(pages::list))
        .route("/privacy/notices", get(notices::list))
        .route("/privacy/notices/end", get(notices::end))
        .route("/privacy/notices/{id}", get(notices::one))
        .route("/privacy/login", get(portal::login).post(code::send))
        .route("/privacy/login/code", get(code::enter).post(code::check))
        .route("/privacy/me", get(portal::me))
        .route("/privacy/me/withdraw", post(portal::withdraw))
        .route("/privacy/me/requests", get(requests::page).post(requests::file))
        .route("/privacy/me/requests/{id}/copy", get(requests::copy))
        .route("/privacy/me/wards/{key}", get(portal::ward_me))
        .route("/privacy/me/wards/{key}/withdraw", post(portal::ward_withdraw))
        .route("/privacy/me/wards/{key}/requests", get(requests::ward_page).post(requests::ward_file))
        .route("/privacy/me/wards/{key}/requests/{id}/copy", get(requests::ward_copy))
        .route("/privacy/logout", post(portal::logout))
        .route("/privacy/assets/centre.css", get(|| asset("text/css; charset=utf-8", STYLESHEET)))
        .route("/privacy/assets/icon.svg", get(|| asset("image/svg+xml", ICON)))
        .layer(from_fn(secure_headers))
}

/// Whether a path is the privacy centre's: its unknown pages get the centre's 404 page.
pub fn owns(path: &str) -> bool {
    path == "/privacy" || path.starts_with("/privacy/")
}

async fn secure_headers(req: axum::extract::Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    secure(&mut res);
    res
}

pub(crate) fn secure(res: &mut Response) {
    let h = res.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // Nothing leaves in a referrer; this server's own pages still see their origin (a
    // browser sends `Origin: null` with a form under `no-referrer`).
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN"));
    h.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-cache"));
}

/// A file shipped inside the binary.
async fn asset(media: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(media)),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600")),
        ],
        body,
    )
        .into_response()
}

/// What every page shares: the language, the labels, the product and the links that keep
/// the language.
pub struct Chrome {
    pub lang: Lang,
    pub lang_code: &'static str,
    pub ui: Ui,
    pub product: String,
    pub controller: String,
    /// The same page in the other language.
    pub switch_href: String,
}

impl Chrome {
    fn new(state: &AppState, lang: Lang, path: &str) -> Chrome {
        let current = state.policies.current();
        let c = &current.manifest.controller;
        let other = match lang {
            Lang::ZhCn => Lang::En,
            Lang::En => Lang::ZhCn,
        };
        Chrome {
            lang,
            lang_code: lang.code(),
            ui: Ui::of(lang),
            product: lang.pick(&c.product, c.product_en.as_deref()).to_owned(),
            controller: lang.pick(&c.name, c.name_en.as_deref()).to_owned(),
            switch_href: with_lang(path, other),
        }
    }

    /// A link to another page of the centre, in this page's language.
    pub fn href(&self, path: &str) -> String {
        with_lang(path, self.lang)
    }
}

pub(crate) fn with_lang(path: &str, lang: Lang) -> String {
    match lang {
        Lang::ZhCn => path.to_owned(),
        Lang::En => format!("{path}?lang=en"),
    }
}

/// The language a page asks for: `?lang=zh-CN` (the default) or `?lang=en`; any other
/// value is refused with a page that says which ones exist.
pub(crate) fn lang_of(query: Option<&str>) -> Result<Lang, ()> {
    let Some(q) = query else { return Ok(Lang::ZhCn) };
    let mut lang = Lang::ZhCn;
    for (k, v) in form_urlencoded::parse(q.as_bytes()) {
        if k == "lang" {
            lang = match v.as_ref() {
                "zh-CN" | "zh" => Lang::ZhCn,
                "en" => Lang::En,
                _ => return Err(()),
            };
        }
    }
    Ok(lang)
}

/// A page rendered to HTML, or the error page when the template fails (it cannot with
/// these types, but a server never answers a panic).
pub(crate) fn html(status: StatusCode, page: &impl Template, lang: Lang) -> Response {
    match page.render() {
        Ok(body) => (
            status,
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
                (header::CONTENT_LANGUAGE, HeaderValue::from_static(lang.code())),
            ],
            body,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "a privacy centre page failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, "500").into_response()
        }
    }
}

/// The centre's 404 page, for the router's fallback.
pub async fn not_found(state: &AppState, query: Option<&str>, path: &str) -> Response {
    let lang = lang_of(query).unwrap_or(Lang::ZhCn);
    let mut res = pages::error(state, lang, path, StatusCode::NOT_FOUND);
    secure(&mut res);
    res
}

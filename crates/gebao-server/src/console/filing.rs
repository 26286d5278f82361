//! Filing a request for a user who asked outside the app — by phone, e-mail, letter or at a
//! counter (`/console/requests/new`). The form goes through the API's own checks
//! (`routes::intake_of`: who asks and in what role, the channel, a receipt time not in the
//! future, the details against the kind) and the same intake, so a request filed here is
//! the one `POST /v1/requests` would file. The deadline runs from when it was received.

use super::perm::Permission;
use super::session::{Posted, Staff, allowed, posted};
use super::{Chrome, html, lang_of, with_lang};
use crate::centre::portal::redirect;
use crate::error::ApiError;
use crate::routes::{DetailsBody, NewRequestBody, RequesterBody, intake_of};
use crate::state::AppState;
use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, FixedOffset, NaiveDateTime};
use gebao_core::requests::RequestKind;
use gebao_core::text::Lang;
use gebao_store::RequesterRole;
use serde::Deserialize;

/// The kinds staff file. A withdrawal names the consents it withdraws, which the user does
/// in one tap in the privacy centre or the app; the API takes it for other channels.
const KINDS: [RequestKind; 9] = [
    RequestKind::Access,
    RequestKind::Copy,
    RequestKind::Portability,
    RequestKind::Correction,
    RequestKind::Deletion,
    RequestKind::Restriction,
    RequestKind::Cancellation,
    RequestKind::Explanation,
    RequestKind::Complaint,
];

/// Where a request came in: the stored channel code and its label.
fn channels(c: &Chrome) -> [(&'static str, &'static str); 5] {
    [
        ("phone", c.ui.channel_phone),
        ("email", c.ui.channel_email),
        ("support", c.ui.channel_support),
        ("letter", c.ui.channel_letter),
        ("counter", c.ui.channel_counter),
    ]
}

/// An option of a select, and whether it is the one chosen.
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

fn choices<'a>(items: impl IntoIterator<Item = (&'a str, String)>, chosen: &str) -> Vec<Choice> {
    items
        .into_iter()
        .map(|(value, label)| Choice { selected: value == chosen, value: value.to_owned(), label })
        .collect()
}

#[derive(Template)]
#[template(path = "console/file.html")]
struct FilePage {
    c: Chrome,
    action: String,
    /// Why the last attempt was not filed.
    error: Option<String>,
    f: FileForm,
    kinds: Vec<Choice>,
    channels: Vec<Choice>,
    roles: Vec<Choice>,
    fields: Vec<Choice>,
    destinations: Vec<Choice>,
}

/// The filing form, also as the page keeps it after a refusal.
#[derive(Default, Deserialize)]
pub struct FileForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    channel: String,
    /// When it was received, Beijing time (`YYYY-MM-DDTHH:MM`); now when blank.
    #[serde(default)]
    received: String,
    /// `subject`, `guardian` or `close-relative`.
    #[serde(default)]
    role: String,
    /// The requester's user id, when not the subject.
    #[serde(default)]
    requester: String,
    /// A close relative's own legitimate interest (PIPL 49).
    #[serde(default)]
    interest: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    field: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    destination: String,
}

impl Posted for FileForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

fn page(state: &AppState, lang: Lang, staff: &Staff, f: FileForm, error: Option<String>) -> FilePage {
    let c = Chrome::new(state, lang, "/console/requests/new", Some(staff));
    let current = state.policies.current();
    let m = &current.manifest;
    let kinds = choices(KINDS.iter().map(|k| (k.as_str(), k.label().get(lang).to_owned())), &f.kind);
    let channels = choices(channels(&c).into_iter().map(|(v, l)| (v, l.to_owned())), &f.channel);
    let roles = choices(
        [
            ("subject", c.ui.role_self.to_owned()),
            ("guardian", c.ui.role_guardian.to_owned()),
            ("close-relative", c.ui.role_relative.to_owned()),
        ],
        &f.role,
    );
    let fields = choices(
        m.fields.iter().map(|x| (x.id.0.as_str(), lang.pick(&x.name, x.name_en.as_deref()).to_owned())),
        &f.field,
    );
    let destinations = choices(
        state
            .requests
            .portability
            .iter()
            .map(|d| (d.name.as_str(), lang.pick(&d.label, d.label_en.as_deref()).to_owned())),
        &f.destination,
    );
    FilePage { action: c.href("/console/requests"), error, f, kinds, channels, roles, fields, destinations, c }
}

/// `GET /console/requests/new`.
pub async fn form(State(state): State<AppState>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let lang = lang_of(q.as_deref()).unwrap_or(Lang::ZhCn);
    let staff = match allowed(&state, &headers, lang, "/console/requests/new", Permission::FileRequest).await {
        Ok(s) => s,
        Err(page) => return page,
    };
    let f = FileForm { channel: "phone".into(), role: "subject".into(), ..FileForm::default() };
    let p = page(&state, lang, &staff, f, None);
    staff.answer(html(StatusCode::OK, &p, lang))
}

/// The form as the API's request body; `Err` names what the form lacks.
fn body_of(f: &FileForm, state: &AppState, c: &Chrome) -> Result<NewRequestBody, String> {
    let kind = KINDS.into_iter().find(|k| k.as_str() == f.kind).ok_or_else(|| c.ui.file_kind_needed.to_owned())?;
    let role = match f.role.as_str() {
        "" | "subject" => RequesterRole::Subject,
        "guardian" => RequesterRole::Guardian,
        "close-relative" => RequesterRole::CloseRelative,
        _ => return Err(c.ui.bad_form_note.to_owned()),
    };
    let requester = (role != RequesterRole::Subject).then(|| RequesterBody {
        id: f.requester.trim().to_owned(),
        role,
        interest: Some(f.interest.trim().to_owned()).filter(|i| !i.is_empty()),
    });
    let received_at = match f.received.trim() {
        "" => None,
        t => Some(beijing(t).ok_or_else(|| c.ui.received_invalid.to_owned())?),
    };
    if !channels(c).iter().any(|(v, _)| *v == f.channel) {
        return Err(c.ui.bad_form_note.to_owned());
    }
    let field = Some(f.field.clone()).filter(|x| !x.is_empty());
    let destination = Some(f.destination.as_str()).filter(|d| !d.is_empty());
    let details =
        DetailsBody::from_form(kind, &f.note, field, Some(f.value.as_str()), destination, state).ok_or_else(|| {
            match kind {
                RequestKind::Correction => c.ui.file_correction_needed.to_owned(),
                _ => c.ui.file_destination_needed.to_owned(),
            }
        })?;
    Ok(NewRequestBody {
        kind,
        subject: f.subject.trim().to_owned(),
        requester,
        channel: Some(f.channel.clone()),
        details: Some(details),
        received_at,
    })
}

/// A `datetime-local` value read as Beijing time.
fn beijing(t: &str) -> Option<DateTime<FixedOffset>> {
    let naive = NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    naive.and_local_timezone(FixedOffset::east_opt(8 * 3600)?).single()
}

/// `POST /console/requests`: files it, then shows its page (where its identity is verified).
pub async fn file(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    form: Result<Form<FileForm>, FormRejection>,
) -> Response {
    let lang = lang_of(q.as_deref()).unwrap_or(Lang::ZhCn);
    let (staff, f) = match posted(&state, &headers, lang, "/console/requests", Permission::FileRequest, form).await {
        Ok(ok) => ok,
        Err(page) => return page,
    };
    let c = Chrome::new(&state, lang, "/console/requests/new", Some(&staff));
    let filed = match body_of(&f, &state, &c) {
        Ok(body) => match intake_of(body, &state) {
            Ok(intake) => crate::requests::intake::file(&state, &staff.actor(), intake).await.map_err(ApiError::from),
            Err(e) => Err(e),
        },
        Err(text) => {
            let p = page(&state, lang, &staff, f, Some(text));
            return staff.answer(html(StatusCode::UNPROCESSABLE_ENTITY, &p, lang));
        }
    };
    match filed {
        Ok(req) => staff.answer(redirect(&with_lang(&format!("/console/requests/{}", req.id), lang))),
        Err(e) => {
            let (status, _, detail) = e.for_page(lang, "filing from the console");
            let p = page(&state, lang, &staff, f, Some(detail));
            staff.answer(html(status, &p, lang))
        }
    }
}

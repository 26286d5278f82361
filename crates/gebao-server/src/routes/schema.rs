//! Schemas of the OpenAPI document that the routes' types cannot derive: the limits the
//! server enforces on ids and channels, and the closed sets of names it accepts, taken
//! from the domain's own lists so that the document cannot fall behind them. The document
//! is the contract (`scripts/api-conformance` holds the server to it): a limit enforced
//! here and not there is a bug in one of the two.

use gebao_core::decision::{SeparateKind, SubjectStatus};
use gebao_core::manifest::CookieCategory;
use gebao_core::requests::{RefusalReason, RequestKind, RequestState};
use gebao_store::RequesterRole;
use serde::Serialize;
use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Schema, Type};
use utoipa::openapi::{OpenApi, RefOr};
use utoipa::{Modify, PartialSchema, ToSchema};

/// The longest operator id, in characters.
pub(crate) const ID_MAX: usize = 128;

/// What `check_id` refuses in an id, as the inside of a JSON Schema (ECMA-262) character
/// class: the control characters, every `White_Space` character, and U+FEFF (invisible).
const BLANK: &str = "\\u0000-\\u0020\\u007f-\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff";

/// Whether `c` may appear in an operator id or an email address (not in [`BLANK`]).
pub(crate) fn id_char(c: char) -> bool {
    !(c.is_control() || c.is_whitespace() || c == '\u{feff}')
}

/// The longest email address, in characters.
pub(crate) const EMAIL_MAX: usize = 254;

/// The longest channel name, in characters.
pub(crate) const CHANNEL_MAX: usize = 64;

fn string(description: &str) -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String).description(Some(description))
}

/// An id of the operator's: a subject, a guardian, a user.
pub struct OperatorId;

impl PartialSchema for OperatorId {
    fn schema() -> RefOr<Schema> {
        string("运营者的用户 ID / the operator's own user id: 1–128 characters, no whitespace or control characters")
            .min_length(Some(1))
            .max_length(Some(ID_MAX))
            .pattern(Some(format!("^[^{BLANK}]+$")))
            .into()
    }
}

impl ToSchema for OperatorId {}

/// An email address, as `check_email` accepts it: one `@` after a non-empty local part, a
/// domain with a dot neither first nor last, nothing blank.
pub struct Email;

impl PartialSchema for Email {
    fn schema() -> RefOr<Schema> {
        let b = BLANK;
        string("电子邮件地址 / an email address")
            .max_length(Some(EMAIL_MAX))
            .pattern(Some(format!("^[^@{b}]+@[^@.{b}][^@{b}]*\\.[^@{b}]*[^@.{b}]$")))
            .into()
    }
}

impl ToSchema for Email {}

/// Where a consent or a request was given.
pub struct Channel;

impl PartialSchema for Channel {
    fn schema() -> RefOr<Schema> {
        string("渠道 / where it was given, e.g. `app`, `web`, `support`: 1–64 characters, no control characters")
            .min_length(Some(1))
            .max_length(Some(CHANNEL_MAX))
            .pattern(Some("^[^\\u0000-\\u001f\\u007f-\\u009f]+$"))
            .into()
    }
}

impl ToSchema for Channel {}

/// The serialised names of `all`, as the API spells them.
fn names<T: Serialize>(all: impl IntoIterator<Item = T>) -> Vec<String> {
    all.into_iter().filter_map(|v| serde_json::to_value(v).ok()?.as_str().map(str::to_owned)).collect()
}

fn one_of(description: &str, values: Vec<String>) -> RefOr<Schema> {
    string(description).enum_values(Some(values)).into()
}

/// Defines a schema-only type whose schema is a closed set of names.
macro_rules! names_schema {
    ($(#[$doc:meta])* $name:ident, $description:expr, $values:expr) => {
        $(#[$doc])*
        pub struct $name;

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                one_of($description, $values)
            }
        }

        impl ToSchema for $name {}
    };
}

names_schema!(
    /// A kind of rights request.
    RequestKindName,
    "权利请求类型 / the kind of rights request",
    names(RequestKind::ALL)
);
names_schema!(
    /// A state of a rights request.
    RequestStateName,
    "权利请求状态 / the state of a rights request",
    names(RequestState::ALL)
);
names_schema!(
    /// A ground of refusal (pipl-rules part E).
    RefusalReasonName,
    "拒绝理由 / the ground of a refusal; `not-technically-feasible` for portability only",
    names(RefusalReason::ALL)
);
names_schema!(
    /// Who files a request, relative to its subject.
    RequesterRoleName,
    "请求人身份 / `subject`, `guardian` (of a child under 14, PIPL 31) or `close-relative` (of a deceased subject, PIPL 49)",
    names(ROLES)
);
names_schema!(
    /// Which separate consent a recipient consent is.
    SeparateKindName,
    "单独同意类型 / which separate consent: provision (PIPL 23), cross-border (PIPL 39), public disclosure (PIPL 25)",
    names(SEPARATE)
);
names_schema!(
    /// A category of cookies that needs consent (COO-02: not `strictly-necessary`).
    CookieCategoryName,
    "需同意的 Cookie 类别 / a cookie category that needs consent",
    names(CookieCategory::ALL.into_iter().filter(|c| !c.is_essential()))
);
names_schema!(
    /// A subject's status.
    SubjectStatusName,
    "主体状态 / `active`, `restricted` (PIPL 44) or `cancelled` (PIPL 47)",
    names([SubjectStatus::Active, SubjectStatus::Restricted, SubjectStatus::Cancelled])
);
names_schema!(
    /// The language of a policy text.
    LangName,
    "语言 / the language: `zh-CN` or `en`",
    vec!["zh-CN".to_owned(), "en".to_owned()]
);
names_schema!(
    /// The form of a policy text.
    TextFormat,
    "格式 / `html`, `md` (Markdown) or `json` (the manifest)",
    vec!["html".to_owned(), "md".to_owned(), "json".to_owned()]
);

const ROLES: [RequesterRole; 3] = [RequesterRole::Subject, RequesterRole::Guardian, RequesterRole::CloseRelative];
const SEPARATE: [SeparateKind; 3] =
    [SeparateKind::Provision, SeparateKind::CrossBorder, SeparateKind::PublicDisclosure];

/// Makes [`ROLES`], [`SEPARATE`] and the statuses fail to compile when a variant is added.
#[allow(dead_code)]
fn complete(r: RequesterRole, s: SeparateKind, t: SubjectStatus) {
    match t {
        SubjectStatus::Active | SubjectStatus::Restricted | SubjectStatus::Cancelled => {}
    }
    match r {
        RequesterRole::Subject | RequesterRole::Guardian | RequesterRole::CloseRelative => {}
    }
    match s {
        SeparateKind::Provision | SeparateKind::CrossBorder | SeparateKind::PublicDisclosure => {}
    }
}

/// Internally tagged bodies refuse unknown keys like every other body (their parsing is
/// `deny_unknown_fields`), but utoipa closes only structs: this closes their variants.
pub(crate) struct ClosedVariants;

/// The tagged request bodies.
const TAGGED_BODIES: [&str; 2] = ["ScopeBody", "VerifyBody"];

impl Modify for ClosedVariants {
    fn modify(&self, api: &mut OpenApi) {
        let Some(components) = api.components.as_mut() else { return };
        for name in TAGGED_BODIES {
            if let Some(RefOr::T(Schema::OneOf(one_of))) = components.schemas.get_mut(name) {
                for item in &mut one_of.items {
                    if let RefOr::T(Schema::Object(o)) = item {
                        o.additional_properties = Some(Box::new(AdditionalProperties::FreeForm(false)));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_apis_spellings() {
        assert_eq!(names(ROLES), ["subject", "guardian", "close-relative"]);
        assert_eq!(names(SEPARATE), ["provision", "cross-border", "public-disclosure"]);
        let statuses = names([SubjectStatus::Active, SubjectStatus::Restricted, SubjectStatus::Cancelled]);
        assert_eq!(statuses, ["active", "restricted", "cancelled"]);
        let cookies = names(CookieCategory::ALL.into_iter().filter(|c| !c.is_essential()));
        assert_eq!(cookies, ["functional", "analytics", "advertising"]);
        assert!(names(RequestState::ALL).contains(&"verifying-identity".to_owned()));
        assert_eq!(names(RequestKind::ALL).len(), 10);
        assert_eq!(names(RefusalReason::ALL).len(), 6);
    }

    #[test]
    fn id_pattern_and_id_char_agree() {
        // The excluded ranges of the pattern, checked against `id_char` over the BMP.
        let excluded = |c: char| {
            let u = c as u32;
            u <= 0x20
                || (0x7f..=0xa0).contains(&u)
                || u == 0x1680
                || (0x2000..=0x200a).contains(&u)
                || [0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff].contains(&u)
        };
        for c in (0..=0xffff_u32).filter_map(char::from_u32) {
            assert_eq!(id_char(c), !excluded(c), "U+{:04X}", c as u32);
        }
        assert!(BLANK.contains("\\u1680") && BLANK.contains("\\ufeff"));
    }
}

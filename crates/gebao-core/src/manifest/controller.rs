//! `[controller]`: who processes the PI and how to reach them (PIPL 17(1), 52).

use crate::app_types::AppType;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The personal-information processor (个人信息处理者) behind the product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Controller {
    /// Legal entity name, e.g. "北京微梦创科网络技术有限公司".
    pub name: String,
    #[serde(default)]
    pub name_en: Option<String>,
    /// What kind of processor `name` is, when it is not a company or other registered
    /// entity whose name says so (NOT-01 takes a name ending in 有限公司, 集团, Co., Ltd.
    /// and the like as a legal entity; anything else must be marked here).
    #[serde(default)]
    pub legal_form: Option<LegalForm>,
    /// The product the policy covers, e.g. "微博".
    pub product: String,
    #[serde(default)]
    pub product_en: Option<String>,
    /// One of the 39 app types of the necessary-PI rules, or "other".
    pub app_type: AppType,
    /// Sector, for sector retention rules (RET-06 for `finance`).
    #[serde(default)]
    pub sector: Sector,
    /// The operator runs an e-commerce platform (ECL 31, RET-02).
    #[serde(default)]
    pub ecommerce_platform: bool,
    /// Registered or office address.
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub address_en: Option<String>,
    /// Channels users can reach the operator through (NOT-01).
    #[serde(default)]
    pub contact: Contact,
    /// The PI protection department or officer (NOT-06, PIPL 52).
    #[serde(default)]
    pub officer: Option<Officer>,
    /// Where users can complain or report (NOT-04); defaults to `contact`.
    #[serde(default)]
    pub complaints: Option<Contact>,
}

/// The kind of a processor whose name does not show it (NOT-01).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum LegalForm {
    /// A natural person (an individual developer or sole trader).
    Individual,
    /// An organisation other than a company: a public institution, association,
    /// foundation, school or hospital.
    Organisation,
}

/// Sector of the operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Sector {
    #[default]
    General,
    Finance,
    Health,
    Education,
}

/// Ways to reach someone. At least one should be set.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub qq: Option<String>,
    /// A web form or feedback page.
    #[serde(default)]
    pub web_form: Option<String>,
    #[serde(default)]
    pub web_form_en: Option<String>,
    /// In-app path, e.g. "我的-设置-帮助与反馈".
    #[serde(default)]
    pub in_app: Option<String>,
    #[serde(default)]
    pub in_app_en: Option<String>,
    /// Postal address.
    #[serde(default)]
    pub post: Option<String>,
    #[serde(default)]
    pub post_en: Option<String>,
}

impl Contact {
    pub fn is_empty(&self) -> bool {
        self.channels().next().is_none()
    }

    /// The channels that are set, as (kind, value) pairs, in a fixed order.
    pub fn channels(&self) -> impl Iterator<Item = (ContactKind, &str)> {
        [
            (ContactKind::Email, &self.email),
            (ContactKind::Phone, &self.phone),
            (ContactKind::Qq, &self.qq),
            (ContactKind::WebForm, &self.web_form),
            (ContactKind::InApp, &self.in_app),
            (ContactKind::Post, &self.post),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_deref().filter(|s| !s.trim().is_empty()).map(|v| (k, v)))
    }

    /// The channels that are set, in a language: a web form, in-app path or postal address
    /// in English where the manifest gives one, else as written.
    pub fn channels_in(&self, lang: crate::text::Lang) -> impl Iterator<Item = (ContactKind, &str)> {
        self.channels().map(move |(k, v)| {
            let en = match k {
                ContactKind::WebForm => self.web_form_en.as_deref(),
                ContactKind::InApp => self.in_app_en.as_deref(),
                ContactKind::Post => self.post_en.as_deref(),
                ContactKind::Email | ContactKind::Phone | ContactKind::Qq => None,
            };
            (k, lang.pick(v, en))
        })
    }
}

/// The kind of a contact channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactKind {
    Email,
    Phone,
    Qq,
    WebForm,
    InApp,
    Post,
}

impl ContactKind {
    pub fn label(self) -> crate::text::Text {
        use crate::text::Text as B;
        match self {
            ContactKind::Email => B::new("电子邮件", "Email"),
            ContactKind::Phone => B::new("电话", "Telephone"),
            ContactKind::Qq => B::new("QQ", "QQ"),
            ContactKind::WebForm => B::new("在线表单", "Web form"),
            ContactKind::InApp => B::new("应用内", "In the app"),
            ContactKind::Post => B::new("邮寄地址", "Postal address"),
        }
    }
}

/// A responsible department or person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Officer {
    /// Department or person, e.g. "个人信息保护部" or "张三（个人信息保护负责人）".
    pub name: String,
    #[serde(default)]
    pub name_en: Option<String>,
    #[serde(default)]
    pub contact: Contact,
}

//! The SDK catalogue: third-party SDKs by the Java packages that identify them in an app's
//! DEX code, with their company, purpose, the PI and permissions they typically need and
//! their privacy policy. Shipped as data (`sdk-catalogue.toml`, compiled in); an operator can
//! pass their own file in the same format. Each entry says which of its facts were checked
//! against a source (`confirmed`, `source`).

use crate::error::ScanError;
use gebao_core::taxonomy::Category;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The catalogue shipped with gebao.
pub const BUILT_IN: &str = include_str!("../sdk-catalogue.toml");

/// What an SDK is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SdkPurpose {
    Push,
    Analytics,
    CrashReporting,
    Map,
    Location,
    Payment,
    Login,
    Share,
    Ads,
    CustomerService,
    OneClickLogin,
    Im,
    Rtc,
    DeviceId,
    RiskControl,
    Webview,
    Storage,
    Attribution,
    Other,
}

impl SdkPurpose {
    /// What the SDK does, in words for a policy's SDK list (zh-CN, English).
    pub fn describe(self) -> (&'static str, &'static str) {
        match self {
            SdkPurpose::Push => ("消息推送", "push notifications"),
            SdkPurpose::Analytics => ("统计分析", "usage analytics"),
            SdkPurpose::CrashReporting => ("崩溃日志收集与分析", "crash reporting"),
            SdkPurpose::Map => ("地图展示", "maps"),
            SdkPurpose::Location => ("定位", "location"),
            SdkPurpose::Payment => ("支付", "payment"),
            SdkPurpose::Login => ("第三方账号登录", "sign-in with another account"),
            SdkPurpose::Share => ("分享", "sharing"),
            SdkPurpose::Ads => ("广告投放", "advertising"),
            SdkPurpose::CustomerService => ("在线客服", "customer service"),
            SdkPurpose::OneClickLogin => ("本机号码一键登录", "one-tap sign-in with the phone number"),
            SdkPurpose::Im => ("即时通讯", "instant messaging"),
            SdkPurpose::Rtc => ("音视频通话", "audio and video calls"),
            SdkPurpose::DeviceId => ("设备标识", "device identifiers"),
            SdkPurpose::RiskControl => ("风险控制与反欺诈", "fraud and risk control"),
            SdkPurpose::Webview => ("网页浏览内核", "web view"),
            SdkPurpose::Storage => ("文件存储与传输", "file storage and transfer"),
            SdkPurpose::Attribution => ("广告归因", "install attribution"),
            SdkPurpose::Other => ("其他", "other"),
        }
    }
}

/// One SDK.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sdk {
    pub id: String,
    pub name: String,
    pub name_en: String,
    /// The legal entity, where it is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_en: Option<String>,
    pub purpose: SdkPurpose,
    #[serde(default)]
    pub pi: Vec<Category>,
    #[serde(default)]
    pub permissions: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_url: Option<String>,
    pub prefixes: Vec<String>,
    /// Which facts were checked against `source`.
    #[serde(default)]
    pub confirmed: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    sdk: Vec<Sdk>,
}

/// The catalogue, indexed by package prefix.
#[derive(Debug, Clone)]
pub struct Catalogue {
    sdks: Vec<Sdk>,
    by_prefix: HashMap<String, usize>,
}

impl Catalogue {
    /// The catalogue shipped with gebao.
    pub fn built_in() -> Result<Catalogue, ScanError> {
        Catalogue::parse(BUILT_IN, "sdk-catalogue.toml (built in)")
    }

    /// Reads a catalogue file's text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Catalogue, ScanError> {
        let err = |what: String| ScanError::Catalogue { origin: origin.to_owned(), what };
        let file: File = toml::from_str(text).map_err(|e| err(e.to_string()))?;
        let mut by_prefix = HashMap::new();
        let mut ids = HashMap::new();
        for (i, sdk) in file.sdk.iter().enumerate() {
            if ids.insert(sdk.id.as_str(), i).is_some() {
                return Err(err(format!("SDK id `{}` appears twice: give each entry its own id", sdk.id)));
            }
            if sdk.prefixes.is_empty() {
                return Err(err(format!("SDK `{}` has no prefixes: list the Java packages that identify it", sdk.id)));
            }
            for p in &sdk.prefixes {
                if !is_package(p) {
                    return Err(err(format!(
                        "SDK `{}`: prefix `{p}` is not a Java package name (e.g. `com.umeng.analytics`)",
                        sdk.id
                    )));
                }
                if let Some(other) = by_prefix.insert(p.clone(), i) {
                    return Err(err(format!(
                        "prefix `{p}` belongs to both `{}` and `{}`: a prefix must identify one SDK",
                        file.sdk[other].id, sdk.id
                    )));
                }
            }
            if let Some(url) = &sdk.policy_url
                && !url.starts_with("https://")
                && !url.starts_with("http://")
            {
                return Err(err(format!("SDK `{}`: policy_url `{url}` is not a web address", sdk.id)));
            }
        }
        Ok(Catalogue { sdks: file.sdk, by_prefix })
    }

    pub fn sdks(&self) -> &[Sdk] {
        &self.sdks
    }

    pub fn get(&self, id: &str) -> Option<&Sdk> {
        self.sdks.iter().find(|s| s.id == id)
    }

    /// The SDK a class belongs to: the longest catalogued package prefix of its name, at a
    /// package boundary (`com.qq.e` matches `com.qq.e.ads.X`, not `com.qq.extra.X`).
    pub fn identify(&self, class: &str) -> Option<usize> {
        let mut end = class.len();
        loop {
            let package = &class[..end];
            if let Some(i) = self.by_prefix.get(package) {
                return Some(*i);
            }
            end = package.rfind('.')?;
        }
    }
}

/// `com.umeng.analytics`: dot-separated Java identifiers.
fn is_package(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').all(|part| {
            let mut cs = part.chars();
            cs.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && cs.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: &str = r#"
[[sdk]]
id = "gdt"
name = "优量汇"
name_en = "Tencent Ads"
company = "深圳市腾讯计算机系统有限公司"
purpose = "ads"
prefixes = ["com.qq.e"]

[[sdk]]
id = "umeng"
name = "友盟统计"
name_en = "Umeng Analytics"
company = "友盟同欣（北京）科技有限公司"
purpose = "analytics"
pi = ["device"]
prefixes = ["com.umeng.analytics", "com.umeng.commonsdk"]
"#;

    #[test]
    fn classes_match_at_package_boundaries() {
        let c = Catalogue::parse(TWO, "test").unwrap();
        let id = |class: &str| c.identify(class).map(|i| c.sdks()[i].id.as_str());
        assert_eq!(id("com.qq.e.ads.banner.Banner"), Some("gdt"));
        assert_eq!(id("com.qq.e"), Some("gdt"));
        assert_eq!(id("com.qq.extra.Thing"), None);
        assert_eq!(id("com.umeng.commonsdk.UMConfigure"), Some("umeng"));
        assert_eq!(id("com.umeng.socialize.Share"), None);
    }

    #[test]
    fn a_catalogue_with_mistakes_is_refused_with_the_fix() {
        let twice = format!(
            "{TWO}\n[[sdk]]\nid = \"x\"\nname = \"x\"\nname_en = \"x\"\ncompany = \"x\"\npurpose = \"ads\"\nprefixes = [\"com.qq.e\"]\n"
        );
        let e = Catalogue::parse(&twice, "mine.toml").unwrap_err().to_string();
        assert!(e.contains("mine.toml") && e.contains("`com.qq.e` belongs to both `gdt` and `x`"), "{e}");
        let bad = TWO.replace("com.qq.e\"", "com/qq/e\"");
        assert!(Catalogue::parse(&bad, "t").unwrap_err().to_string().contains("not a Java package"));
        let unknown_pi = TWO.replace("pi = [\"device\"]", "pi = [\"devices\"]");
        assert!(Catalogue::parse(&unknown_pi, "t").is_err());
    }

    #[test]
    fn the_built_in_catalogue_loads_and_is_large_enough() {
        let c = Catalogue::built_in().unwrap();
        assert!(c.sdks().len() >= 60, "{} SDKs", c.sdks().len());
        for s in c.sdks() {
            assert!(!s.name.trim().is_empty() && !s.name_en.trim().is_empty(), "{}", s.id);
            assert!(s.company.as_deref().is_none_or(|c| !c.trim().is_empty()), "{}", s.id);
        }
    }
}

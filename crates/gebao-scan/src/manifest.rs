//! What an APK's `AndroidManifest.xml` says about the app: its package and versions, the
//! permissions it requests, the hardware features it uses and its components, with the
//! ones other apps can start (exported).

use crate::axml::{Element, Value};
use serde::Serialize;

/// The decoded `AndroidManifest.xml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AppManifest {
    pub package: String,
    pub version_name: Option<String>,
    pub version_code: Option<i64>,
    pub min_sdk: Option<i64>,
    pub target_sdk: Option<i64>,
    /// `uses-permission` (and `uses-permission-sdk-23`), in order, each once.
    pub permissions: Vec<RequestedPermission>,
    /// `uses-feature` names.
    pub features: Vec<Feature>,
    pub components: Vec<Component>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestedPermission {
    /// Full name, e.g. `android.permission.READ_CONTACTS`.
    pub name: String,
    /// Only requested up to this API level (`maxSdkVersion`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_sdk: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Feature {
    pub name: String,
    /// `android:required` (default true).
    pub required: bool,
}

/// The kinds of components a manifest declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ComponentKind {
    Activity,
    ActivityAlias,
    Service,
    Receiver,
    Provider,
}

impl ComponentKind {
    /// The manifest's tag for it (`activity-alias`).
    pub fn as_str(self) -> &'static str {
        match self {
            ComponentKind::Activity => "activity",
            ComponentKind::ActivityAlias => "activity-alias",
            ComponentKind::Service => "service",
            ComponentKind::Receiver => "receiver",
            ComponentKind::Provider => "provider",
        }
    }

    fn from_tag(tag: &str) -> Option<ComponentKind> {
        Some(match tag {
            "activity" => ComponentKind::Activity,
            "activity-alias" => ComponentKind::ActivityAlias,
            "service" => ComponentKind::Service,
            "receiver" => ComponentKind::Receiver,
            "provider" => ComponentKind::Provider,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Component {
    pub kind: ComponentKind,
    /// Fully qualified class name.
    pub name: String,
    /// Whether other apps can start it: `android:exported`, or — when it is absent — the
    /// platform's default (a component with an intent filter is exported below API 31).
    pub exported: bool,
    /// Exported without an explicit `android:exported`.
    pub exported_implicitly: bool,
    /// The permission a caller needs (`android:permission`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permission: Option<String>,
}

impl AppManifest {
    /// Reads the manifest's elements.
    pub fn from_elements(elements: &[Element]) -> AppManifest {
        let mut m = AppManifest::default();
        let Some(root) = elements.first() else { return m };
        m.package = root.attr("package").and_then(Value::as_str).unwrap_or_default().to_owned();
        m.version_name = root.attr("versionName").and_then(Value::as_str).map(str::to_owned);
        m.version_code = root.attr("versionCode").and_then(Value::as_int);
        for el in elements.iter().filter(|e| e.name == "uses-sdk") {
            m.min_sdk = m.min_sdk.or(el.attr("minSdkVersion").and_then(Value::as_int));
            m.target_sdk = m.target_sdk.or(el.attr("targetSdkVersion").and_then(Value::as_int));
        }
        // Without targetSdkVersion the platform takes minSdkVersion (or 1).
        let target = m.target_sdk.or(m.min_sdk).unwrap_or(1);
        for (i, el) in elements.iter().enumerate() {
            let name = || el.attr("name").and_then(Value::as_str).map(str::to_owned);
            match el.name.as_str() {
                "uses-permission" | "uses-permission-sdk-23" | "uses-permission-sdk-m" => {
                    if let Some(name) = name().filter(|n| !m.permissions.iter().any(|p| &p.name == n)) {
                        let max_sdk = el.attr("maxSdkVersion").and_then(Value::as_int);
                        m.permissions.push(RequestedPermission { name, max_sdk });
                    }
                }
                "uses-feature" => {
                    if let Some(name) = name() {
                        let required = el.attr("required").and_then(Value::as_bool).unwrap_or(true);
                        m.features.push(Feature { name, required });
                    }
                }
                tag => {
                    let Some(kind) = ComponentKind::from_tag(tag) else { continue };
                    let Some(class) = name() else { continue };
                    let filters = children(elements, i).any(|c| c.name == "intent-filter");
                    let explicit = el.attr("exported").and_then(Value::as_bool);
                    let default = match kind {
                        ComponentKind::Provider => target < 17,
                        _ => filters && target < 31,
                    };
                    m.components.push(Component {
                        kind,
                        name: qualified(&m.package, &class),
                        exported: explicit.unwrap_or(default),
                        exported_implicitly: explicit.is_none() && default,
                        permission: el.attr("permission").and_then(Value::as_str).map(str::to_owned),
                    });
                }
            }
        }
        m
    }
}

/// The elements nested anywhere inside element `i`.
fn children(elements: &[Element], i: usize) -> impl Iterator<Item = &Element> {
    let depth = elements[i].depth;
    elements[i + 1..].iter().take_while(move |e| e.depth > depth)
}

/// `.Main` in package `com.example` is `com.example.Main`; a bare `Main` too.
fn qualified(package: &str, class: &str) -> String {
    if let Some(rest) = class.strip_prefix('.') {
        format!("{package}.{rest}")
    } else if !class.contains('.') && !package.is_empty() {
        format!("{package}.{class}")
    } else {
        class.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::axml::Attribute;

    fn el(name: &str, depth: usize, attrs: &[(&str, Value)]) -> Element {
        Element {
            name: name.into(),
            depth,
            attributes: attrs.iter().map(|(n, v)| Attribute { name: (*n).into(), value: v.clone() }).collect(),
        }
    }

    #[test]
    fn components_are_exported_by_their_filters_below_api_31() {
        let s = |v: &str| Value::Str(v.into());
        let doc = |target: i64| {
            vec![
                el("manifest", 0, &[("package", s("com.example"))]),
                el("uses-sdk", 1, &[("targetSdkVersion", Value::Int(target))]),
                el("uses-permission", 1, &[("name", s("android.permission.CAMERA"))]),
                el("uses-permission", 1, &[("name", s("android.permission.CAMERA"))]),
                el("application", 1, &[]),
                el("activity", 2, &[("name", s(".Main"))]),
                el("intent-filter", 3, &[]),
                el("service", 2, &[("name", s("com.sdk.Push")), ("exported", Value::Bool(false))]),
            ]
        };
        let old = AppManifest::from_elements(&doc(30));
        assert_eq!(old.permissions.len(), 1, "a permission requested twice is listed once");
        assert_eq!(old.components[0].name, "com.example.Main");
        assert!(old.components[0].exported && old.components[0].exported_implicitly);
        assert!(!old.components[1].exported);
        let new = AppManifest::from_elements(&doc(33));
        assert!(!new.components[0].exported, "API 31 needs an explicit android:exported");
    }
}

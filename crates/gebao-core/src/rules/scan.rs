//! What the app really contains against what the manifest declares (`gebao scan apk`):
//! embedded SDKs and requested permissions. The scan itself (reading the package) is
//! `gebao-scan`; this module only compares its facts with the manifest, so the rules stay
//! pure and are tested like the others.

use super::{Ctx, Finding, Force, Rule, RuleId, Severity::*};
use crate::manifest::{Manifest, PermissionKind, Platform, Recipient, RecipientKind};
use crate::text::Text as B;

pub const RULES: &[Rule] = &[
    Rule {
        id: RuleId::Scan01,
        severity: Error,
        source: "PIPL 17, 23; APP19 二(1)",
        binding: "PIPL 17",
        force: Force::Law,
        title: B::new(
            "应用中嵌入的每个第三方 SDK 都在隐私政策中列明",
            "Every third-party SDK embedded in the app is listed in the policy",
        ),
        message: B::new(
            "应用代码中有{sdk}（{company}，如类 `{class}`），清单的 [[recipients]] 中没有它",
            "the app's code contains {sdk} ({company}, e.g. class `{class}`), which [[recipients]] does not list",
        ),
        hint: B::new(
            "在 [[recipients]] 中为它加一项（kind = \"sdk\"、sdk = \"{id}\"，并写明公司、目的、收集的字段和其隐私政策链接）；如已移除该 SDK，请从安装包中删去其代码",
            "add it to [[recipients]] (kind = \"sdk\", sdk = \"{id}\", with its company, purpose, the fields it collects and its policy link); if the SDK was dropped, remove its code from the package",
        ),
    },
    Rule {
        id: RuleId::Scan02,
        severity: Info,
        source: "PIPL 17",
        binding: "PIPL 17",
        force: Force::Law,
        title: B::new("隐私政策列出的 SDK 确实在应用中", "The SDKs the policy lists are really in the app"),
        message: B::new(
            "请确认第三方 SDK `{recipient}` 仍在使用：扫描的安装包中没有找到它的代码",
            "confirm that third-party SDK `{recipient}` is still used: its code was not found in the scanned package",
        ),
        hint: B::new(
            "如已不再使用，请从 [[recipients]] 中删去并更新政策；如在其他平台或动态加载的代码中使用，可保留；如扫描未认出它，请用 sdk = \"目录中的 id\" 标明（gebao scan apk --list-sdks）",
            "if it is no longer used, remove it from [[recipients]] and update the policy; if it is used on another platform or in code loaded at run time, keep it; if the scan did not recognise it, name it with sdk = \"<catalogue id>\" (gebao scan apk --list-sdks)",
        ),
    },
    Rule {
        id: RuleId::Scan03,
        severity: Error,
        source: "PIPL 17; APP19 二(3); 41391",
        binding: "APP19 二(3)",
        force: Force::NormativeDocument,
        title: B::new(
            "应用申请的每项可收集个人信息的权限都说明了目的",
            "Every permission the app requests that can collect PI states its purpose",
        ),
        message: B::new(
            "应用申请了{kind}权限（{permissions}），清单的 [[permissions]] 没有说明其目的",
            "the app requests the {kind} permission ({permissions}), whose purpose [[permissions]] does not state",
        ),
        hint: B::new(
            "在 [[permissions]] 中加一项 id = \"{id}\" 并写明目的和申请时的提示；如不需要该权限，请从 AndroidManifest.xml（包括 SDK 合并进来的）中删去",
            "add id = \"{id}\" to [[permissions]] with its purpose and the prompt shown when it is asked; if the app does not need it, remove it from AndroidManifest.xml (including what SDKs merge in)",
        ),
    },
    Rule {
        id: RuleId::Scan04,
        severity: Warning,
        source: "APP19 四(1); 41391",
        binding: "APP19 四(1)",
        force: Force::NormativeDocument,
        title: B::new(
            "应用申请的每项权限都对应一个业务功能场景",
            "Every permission the app requests belongs to a business scenario",
        ),
        message: B::new(
            "应用申请了{kind}权限，但没有业务功能场景（[[scenarios]]）使用它",
            "the app requests the {kind} permission, but no business scenario ([[scenarios]]) uses it",
        ),
        hint: B::new(
            "在使用它的 [[scenarios]] 的 permissions 中加入 \"{id}\"；没有这样的场景时，该权限与业务功能无关，不应申请",
            "add \"{id}\" to the permissions of the [[scenarios]] that use it; if there is none, the permission serves no function and should not be requested",
        ),
    },
    Rule {
        id: RuleId::Scan05,
        severity: Info,
        source: "PIPL 17",
        binding: "PIPL 17",
        force: Force::Law,
        title: B::new(
            "权限列表只列出应用真正申请的权限",
            "The permission list names only permissions the app really requests",
        ),
        message: B::new(
            "请确认应用仍会申请{kind}权限：扫描的安装包没有申请它",
            "confirm that the app still asks for the {kind} permission: the scanned package does not request it",
        ),
        hint: B::new(
            "如已不再申请，请从 [[permissions]] 中删去；如只在其他平台或版本中申请，请在 platforms 中写明",
            "if it is no longer asked for, remove it from [[permissions]]; if only another platform or build asks for it, say so in `platforms`",
        ),
    },
];

/// What a scan of the app found, as the comparison needs it.
#[derive(Debug, Clone, Default)]
pub struct AppFacts {
    /// The platform the package is for.
    pub platform: Option<Platform>,
    /// The SDKs recognised in the app's code.
    pub sdks: Vec<FoundSdk>,
    /// The permissions the app requests, by their platform names
    /// (`android.permission.CAMERA`).
    pub permissions: Vec<String>,
}

/// An SDK recognised in the app's code.
#[derive(Debug, Clone, Default)]
pub struct FoundSdk {
    /// Its catalogue id.
    pub id: String,
    pub name: String,
    pub name_en: String,
    /// The company behind it, where known.
    pub company: Option<String>,
    /// One of its classes in the app, as evidence.
    pub example_class: String,
}

/// The SDK catalogue id a recipient names, or the found SDK its name matches.
fn declares(r: &Recipient, sdk: &FoundSdk) -> bool {
    if let Some(id) = &r.sdk {
        return id == &sdk.id;
    }
    let norm = |s: &str| s.to_lowercase().replace(char::is_whitespace, "").replace("sdk", "");
    let names = [norm(&sdk.name), norm(&sdk.name_en)];
    std::iter::once(&r.name).chain(&r.name_en).any(|n| names.contains(&norm(n)))
}

/// Whether a `[[permissions]]` entry applies to `platform` (no platforms: every platform).
fn applies(platforms: &[Platform], platform: Option<Platform>) -> bool {
    platforms.is_empty() || platform.is_none_or(|p| platforms.contains(&p))
}

/// Compares a scan of the app with the manifest. With the manifest's text, findings are
/// placed in it.
pub fn compare(m: &Manifest, app: &AppFacts, src: Option<&str>) -> Vec<Finding> {
    let mut cx = Ctx { m, out: Vec::new() };

    // SCAN-01: SDKs in the code that no recipient declares.
    for sdk in &app.sdks {
        if !m.recipients.iter().any(|r| declares(r, sdk)) {
            let company = sdk.company.as_deref();
            cx.report_bilingual(
                RuleId::Scan01,
                "recipients",
                &[("class", &sdk.example_class), ("id", &sdk.id)],
                &[
                    ("sdk", &format!("“{}”", sdk.name), &format!("“{}”", sdk.name_en)),
                    ("company", company.unwrap_or("公司未知"), company.unwrap_or("company unknown")),
                ],
            );
        }
    }
    // SCAN-02: declared SDKs the code does not contain.
    for (i, r) in m.recipients.iter().enumerate() {
        let is_sdk = r.kind == RecipientKind::Sdk || r.sdk.is_some();
        if is_sdk && !app.sdks.iter().any(|sdk| declares(r, sdk)) {
            cx.report(RuleId::Scan02, format!("recipients[{i}]"), &[("recipient", &r.name)]);
        }
    }

    // The permissions requested, by kind, each with its platform names.
    let mut requested = PermissionKind::group_android(app.permissions.iter().map(String::as_str));
    requested.sort_by_key(|(k, _)| *k);
    for (kind, names) in requested.iter().filter(|(k, _)| k.collects_pi()) {
        let label = kind.label();
        let bi = [("kind", label.zh, label.en)];
        let explained = m.permissions.iter().position(|p| p.id == *kind && applies(&p.platforms, app.platform));
        match explained {
            // SCAN-03: requested without a purpose.
            None => {
                let list = names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
                cx.report_bilingual(
                    RuleId::Scan03,
                    "permissions",
                    &[("permissions", &list), ("id", kind.as_str())],
                    &bi,
                );
            }
            // SCAN-04: explained, but no scenario asks for it.
            Some(i) if !m.scenarios.iter().any(|s| s.permissions.contains(kind)) => {
                cx.report_bilingual(RuleId::Scan04, format!("permissions[{i}]"), &[("id", kind.as_str())], &bi);
            }
            Some(_) => {}
        }
    }
    // SCAN-05: explained for this platform, never requested. Permissions with no Android
    // name (clipboard, IDFA tracking) cannot be seen in a package and are left alone.
    if app.platform == Some(Platform::Android) {
        for (i, p) in m.permissions.iter().enumerate() {
            let visible = !matches!(p.id, PermissionKind::Clipboard | PermissionKind::Tracking) && p.id.collects_pi();
            let here = applies(&p.platforms, app.platform);
            if visible && here && !requested.iter().any(|(k, _)| *k == p.id) {
                let label = p.id.label();
                cx.report_bilingual(RuleId::Scan05, format!("permissions[{i}]"), &[], &[("kind", label.zh, label.en)]);
            }
        }
    }
    super::finish(cx.out, src)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::tests::clean;

    fn facts(sdks: &[(&str, &str)], permissions: &[&str]) -> AppFacts {
        AppFacts {
            platform: Some(Platform::Android),
            sdks: sdks
                .iter()
                .map(|(id, name)| FoundSdk {
                    id: (*id).into(),
                    name: (*name).into(),
                    name_en: format!("{id} SDK"),
                    company: Some("某某公司".into()),
                    example_class: format!("com.{id}.Main"),
                })
                .collect(),
            permissions: permissions.iter().map(|p| format!("android.permission.{p}")).collect(),
        }
    }

    fn rules(m: &Manifest, app: &AppFacts) -> Vec<RuleId> {
        compare(m, app, None).into_iter().map(|f| f.rule).collect()
    }

    /// The facts that match clean.toml exactly: its one SDK and its permissions.
    fn matching(m: &Manifest) -> AppFacts {
        let sdk = m.recipients.iter().find(|r| r.kind == RecipientKind::Sdk).expect("clean.toml has an SDK");
        let mut app = facts(&[("push", &sdk.name)], &[]);
        for p in &m.permissions {
            let name = match p.id {
                PermissionKind::Location => "ACCESS_FINE_LOCATION",
                PermissionKind::Camera => "CAMERA",
                PermissionKind::Photos => "READ_MEDIA_IMAGES",
                PermissionKind::Microphone => "RECORD_AUDIO",
                PermissionKind::Contacts => "READ_CONTACTS",
                PermissionKind::Storage => "READ_EXTERNAL_STORAGE",
                PermissionKind::PhoneState => "READ_PHONE_STATE",
                _ => continue,
            };
            app.permissions.push(format!("android.permission.{name}"));
        }
        app
    }

    #[test]
    fn a_package_that_matches_the_manifest_gives_no_finding() {
        let m = clean();
        assert_eq!(compare(&m, &matching(&m), None), vec![]);
    }

    #[test]
    fn scan_01_an_undeclared_sdk_is_an_error_naming_its_class() {
        let m = clean();
        let mut app = matching(&m);
        app.sdks.extend(facts(&[("umeng", "友盟统计"), ("bugly", "腾讯Bugly")], &[]).sdks);
        let found: Vec<Finding> = compare(&m, &app, None).into_iter().filter(|f| f.rule == RuleId::Scan01).collect();
        assert_eq!(found.len(), 1, "grouped into one finding: {found:#?}");
        let f = &found[0];
        assert_eq!(f.severity, Error);
        for text in ["友盟统计", "com.umeng.Main", "腾讯Bugly"] {
            assert!(f.message_zh.contains(text), "{}", f.message_zh);
        }
        assert!(f.message_en.contains("umeng SDK"), "{}", f.message_en);
        assert!(f.hint_zh.contains("sdk = \"umeng\""), "{}", f.hint_zh);
    }

    #[test]
    fn scan_01_a_recipient_names_its_sdk_by_catalogue_id_or_by_name() {
        let mut m = clean();
        let app = facts(&[("umeng", "友盟统计")], &[]);
        let i = m.recipients.iter().position(|r| r.kind == RecipientKind::Sdk).unwrap();
        m.recipients[i].sdk = Some("umeng".into());
        assert!(!rules(&m, &app).contains(&RuleId::Scan01));
        m.recipients[i].sdk = None;
        m.recipients[i].name = "友盟统计 SDK".into();
        assert!(!rules(&m, &app).contains(&RuleId::Scan01), "the name matches, spaces and `SDK` aside");
        m.recipients[i].sdk = Some("bugly".into());
        assert!(rules(&m, &app).contains(&RuleId::Scan01), "an explicit id wins over the name");
    }

    #[test]
    fn scan_02_a_declared_sdk_missing_from_the_code_is_asked() {
        let m = clean();
        let mut app = matching(&m);
        app.sdks.clear();
        let f: Vec<Finding> = compare(&m, &app, None).into_iter().filter(|f| f.rule == RuleId::Scan02).collect();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Info);
        assert!(f[0].message_zh.starts_with("请确认") && f[0].message_en.starts_with("confirm"));
    }

    #[test]
    fn scan_03_a_permission_without_purpose_is_an_error_listing_its_names() {
        let m = clean();
        let mut app = matching(&m);
        for p in ["READ_CONTACTS", "WRITE_CONTACTS", "QUERY_ALL_PACKAGES", "INTERNET", "WAKE_LOCK"] {
            app.permissions.push(format!("android.permission.{p}"));
        }
        let mut m2 = m.clone();
        m2.permissions.retain(|p| p.id != PermissionKind::Contacts);
        let f: Vec<Finding> = compare(&m2, &app, None).into_iter().filter(|f| f.rule == RuleId::Scan03).collect();
        assert_eq!(f.len(), 1, "one finding for the section: {f:#?}");
        let text = &f[0].message_zh;
        for name in ["READ_CONTACTS", "WRITE_CONTACTS", "QUERY_ALL_PACKAGES", "通讯录", "应用列表"] {
            assert!(text.contains(name), "{text}");
        }
        assert!(!text.contains("INTERNET") && !text.contains("WAKE_LOCK"), "{text}");
    }

    #[test]
    fn scan_03_a_purpose_stated_for_another_platform_does_not_count() {
        let mut m = clean();
        let mut app = matching(&m);
        let i = m.permissions.iter().position(|p| p.id == PermissionKind::Location).unwrap();
        m.permissions[i].platforms = vec![Platform::Ios];
        app.permissions.push("android.permission.ACCESS_COARSE_LOCATION".into());
        assert!(rules(&m, &app).contains(&RuleId::Scan03));
    }

    #[test]
    fn scan_04_a_permission_no_scenario_uses_is_a_warning() {
        let mut m = clean();
        let app = matching(&m);
        let kind = m.permissions[0].id;
        for s in &mut m.scenarios {
            s.permissions.retain(|p| *p != kind);
        }
        let f: Vec<Finding> = compare(&m, &app, None).into_iter().filter(|f| f.rule == RuleId::Scan04).collect();
        assert_eq!((f.len(), f[0].severity, f[0].path.as_str()), (1, Warning, "permissions[0]"));
    }

    #[test]
    fn scan_05_a_listed_permission_the_package_never_asks_is_asked() {
        let m = clean();
        let mut app = matching(&m);
        let gone = PermissionKind::from_android(&app.permissions[0]).unwrap();
        app.permissions.remove(0);
        let f: Vec<Finding> = compare(&m, &app, None).into_iter().filter(|f| f.rule == RuleId::Scan05).collect();
        assert_eq!(f.len(), 1, "{f:#?}");
        assert!(f[0].message_zh.contains(gone.label().zh), "{}", f[0].message_zh);
        // A package for another platform is not compared with Android's list.
        app.platform = Some(Platform::Ios);
        assert!(!rules(&m, &app).contains(&RuleId::Scan05));
    }

    #[test]
    fn android_permissions_map_to_the_policy_kinds() {
        let k = PermissionKind::from_android;
        assert_eq!(k("android.permission.ACCESS_BACKGROUND_LOCATION"), Some(PermissionKind::Location));
        assert_eq!(k("android.permission.QUERY_ALL_PACKAGES"), Some(PermissionKind::InstalledApps));
        assert_eq!(k("android.permission.WAKE_LOCK"), None);
        assert!(!PermissionKind::Network.collects_pi() && PermissionKind::PhoneState.collects_pi());
    }
}

//! `[[scenarios]]` and `[[permissions]]`: business scenarios (业务功能场景) with the device
//! permissions they ask for, enough to render the "scenario → fields → purpose" table.

use crate::ids::{FieldId, PurposeId, ScenarioId};
use crate::text::Text;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A business scenario, e.g. "开播" (start a live stream).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub id: ScenarioId,
    pub name: String,
    #[serde(default)]
    pub name_en: Option<String>,
    /// Purposes served in this scenario.
    pub purposes: Vec<PurposeId>,
    /// The fields collected in this scenario; defaults to all fields of its purposes.
    #[serde(default)]
    pub fields: Option<Vec<FieldId>>,
    /// Device permissions asked for in this scenario (ids of `[[permissions]]`).
    #[serde(default)]
    pub permissions: Vec<PermissionKind>,
    /// The text shown when the scenario first needs PI or a permission (NOT-13).
    #[serde(default)]
    pub prompt: Option<String>,
    #[serde(default)]
    pub prompt_en: Option<String>,
}

/// A device permission the app asks for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Permission {
    pub id: PermissionKind,
    /// What it is used for, as shown in the permission list.
    pub purpose: String,
    #[serde(default)]
    pub purpose_en: Option<String>,
    /// The text of the request shown at the moment it is asked (NOT-13).
    #[serde(default)]
    pub prompt: Option<String>,
    #[serde(default)]
    pub prompt_en: Option<String>,
    /// Platforms where it is asked.
    #[serde(default)]
    pub platforms: Vec<Platform>,
    /// How to turn it off.
    #[serde(default)]
    pub withdraw: Option<String>,
    #[serde(default)]
    pub withdraw_en: Option<String>,
}

/// Platforms of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Platform {
    Android,
    Ios,
    Harmonyos,
    Web,
    MiniProgram,
}

/// Device permissions (41391; Android and iOS groups).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PermissionKind {
    Camera,
    Microphone,
    Location,
    Contacts,
    Clipboard,
    Storage,
    Photos,
    PhoneState,
    Calendar,
    Bluetooth,
    Notifications,
    Sms,
    CallLog,
    Sensors,
    Nfc,
    InstalledApps,
    Network,
    Tracking,
}

impl PermissionKind {
    /// The kind of an Android permission (`android.permission.READ_CONTACTS` → contacts),
    /// for the permissions whose use a policy explains; `None` for the rest (wake locks,
    /// vibration, foreground services…).
    pub fn from_android(permission: &str) -> Option<PermissionKind> {
        use PermissionKind as K;
        let name = permission.strip_prefix("android.permission.").unwrap_or(permission);
        Some(match name {
            "ACCESS_FINE_LOCATION"
            | "ACCESS_COARSE_LOCATION"
            | "ACCESS_BACKGROUND_LOCATION"
            | "ACCESS_MEDIA_LOCATION" => K::Location,
            "CAMERA" => K::Camera,
            "RECORD_AUDIO" => K::Microphone,
            "READ_CONTACTS" | "WRITE_CONTACTS" | "GET_ACCOUNTS" => K::Contacts,
            "READ_EXTERNAL_STORAGE" | "WRITE_EXTERNAL_STORAGE" | "MANAGE_EXTERNAL_STORAGE" | "READ_MEDIA_AUDIO" => {
                K::Storage
            }
            "READ_MEDIA_IMAGES" | "READ_MEDIA_VIDEO" | "READ_MEDIA_VISUAL_USER_SELECTED" => K::Photos,
            "READ_PHONE_STATE"
            | "READ_PHONE_NUMBERS"
            | "READ_PRIVILEGED_PHONE_STATE"
            | "CALL_PHONE"
            | "ANSWER_PHONE_CALLS" => K::PhoneState,
            "READ_CALENDAR" | "WRITE_CALENDAR" => K::Calendar,
            "BLUETOOTH" | "BLUETOOTH_ADMIN" | "BLUETOOTH_CONNECT" | "BLUETOOTH_SCAN" | "BLUETOOTH_ADVERTISE" => {
                K::Bluetooth
            }
            "POST_NOTIFICATIONS" => K::Notifications,
            "SEND_SMS" | "READ_SMS" | "RECEIVE_SMS" | "RECEIVE_MMS" | "RECEIVE_WAP_PUSH" => K::Sms,
            "READ_CALL_LOG" | "WRITE_CALL_LOG" | "PROCESS_OUTGOING_CALLS" => K::CallLog,
            "BODY_SENSORS" | "BODY_SENSORS_BACKGROUND" | "ACTIVITY_RECOGNITION" | "HIGH_SAMPLING_RATE_SENSORS" => {
                K::Sensors
            }
            "NFC" => K::Nfc,
            "QUERY_ALL_PACKAGES" | "GET_TASKS" | "PACKAGE_USAGE_STATS" => K::InstalledApps,
            "INTERNET"
            | "ACCESS_NETWORK_STATE"
            | "ACCESS_WIFI_STATE"
            | "CHANGE_WIFI_STATE"
            | "CHANGE_NETWORK_STATE" => K::Network,
            _ => return None,
        })
    }

    /// Android permission names grouped by their kind, in order of first appearance; names
    /// of no kind are left out.
    pub fn group_android<'a>(permissions: impl IntoIterator<Item = &'a str>) -> Vec<(PermissionKind, Vec<&'a str>)> {
        let mut groups: Vec<(PermissionKind, Vec<&'a str>)> = Vec::new();
        for p in permissions {
            let Some(kind) = PermissionKind::from_android(p) else { continue };
            match groups.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, names)) => names.push(p),
                None => groups.push((kind, vec![p])),
            }
        }
        groups
    }

    /// Whether granting it lets the app collect personal information, so that asking for it
    /// must come with its purpose (APP19 二(3)): everything but network access and
    /// notifications.
    pub fn collects_pi(self) -> bool {
        !matches!(self, PermissionKind::Network | PermissionKind::Notifications)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PermissionKind::Camera => "camera",
            PermissionKind::Microphone => "microphone",
            PermissionKind::Location => "location",
            PermissionKind::Contacts => "contacts",
            PermissionKind::Clipboard => "clipboard",
            PermissionKind::Storage => "storage",
            PermissionKind::Photos => "photos",
            PermissionKind::PhoneState => "phone-state",
            PermissionKind::Calendar => "calendar",
            PermissionKind::Bluetooth => "bluetooth",
            PermissionKind::Notifications => "notifications",
            PermissionKind::Sms => "sms",
            PermissionKind::CallLog => "call-log",
            PermissionKind::Sensors => "sensors",
            PermissionKind::Nfc => "nfc",
            PermissionKind::InstalledApps => "installed-apps",
            PermissionKind::Network => "network",
            PermissionKind::Tracking => "tracking",
        }
    }

    pub fn label(self) -> Text {
        match self {
            PermissionKind::Camera => Text::new("相机（摄像头）", "Camera"),
            PermissionKind::Microphone => Text::new("麦克风", "Microphone"),
            PermissionKind::Location => Text::new("位置信息", "Location"),
            PermissionKind::Contacts => Text::new("通讯录", "Contacts"),
            PermissionKind::Clipboard => Text::new("剪切板", "Clipboard"),
            PermissionKind::Storage => Text::new("存储", "Storage"),
            PermissionKind::Photos => Text::new("相册", "Photos"),
            PermissionKind::PhoneState => Text::new("电话状态（设备信息）", "Phone state"),
            PermissionKind::Calendar => Text::new("日历", "Calendar"),
            PermissionKind::Bluetooth => Text::new("蓝牙", "Bluetooth"),
            PermissionKind::Notifications => Text::new("通知", "Notifications"),
            PermissionKind::Sms => Text::new("短信", "SMS"),
            PermissionKind::CallLog => Text::new("通话记录", "Call log"),
            PermissionKind::Sensors => Text::new("传感器", "Sensors"),
            PermissionKind::Nfc => Text::new("NFC", "NFC"),
            PermissionKind::InstalledApps => Text::new("应用列表", "Installed apps"),
            PermissionKind::Network => Text::new("网络访问", "Network access"),
            PermissionKind::Tracking => Text::new("跨应用跟踪（IDFA）", "Cross-app tracking (IDFA)"),
        }
    }
}

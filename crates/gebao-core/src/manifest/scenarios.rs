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

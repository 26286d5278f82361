//! The banner's fixed texts, zh-CN and English, declared once (the script receives them
//! per language; a test checks that every key has both).

use gebao_core::text::Text;
use serde_json::{Map, Value};

/// Who sets a first-party cookie.
pub const FIRST_PARTY: Text = Text::new("本网站", "this website");
/// The lifetime of a session cookie.
pub const SESSION: Text = Text::new("关闭浏览器即删除", "until the browser is closed");
/// A value the manifest leaves out: shown as such, never defaulted.
pub const UNSTATED: Text = Text::new("未说明", "not stated");

/// Every text the script shows, by key.
const TEXTS: &[(&str, Text)] = &[
    ("title", Text::new("Cookie 与同类技术", "Cookies and similar technologies")),
    (
        "intro",
        Text::new(
            "本网站使用必要的 Cookie 保障基本功能。经您同意，我们还会为以下扩展功能使用 Cookie：",
            "This website uses necessary cookies for its basic functions. With your consent, it also uses cookies for these additional functions: ",
        ),
    ),
    (
        "free",
        Text::new(
            "拒绝不影响基本功能的使用。您可以随时通过页面上的“Cookie 设置”更改或撤回选择。",
            "Rejecting does not affect the basic functions. You can change or withdraw your choice at any time through “Cookie settings” on the page.",
        ),
    ),
    ("accept", Text::new("接受全部", "Accept all")),
    ("reject", Text::new("拒绝全部", "Reject all")),
    ("settings", Text::new("逐项设置", "Choose by category")),
    ("save", Text::new("保存选择", "Save my choices")),
    ("back", Text::new("返回", "Back")),
    ("basic", Text::new("基本功能所必需", "Needed for basic functions")),
    ("always", Text::new("始终开启，无需同意", "Always on; no consent needed")),
    ("extra", Text::new("扩展功能", "Additional functions")),
    ("off", Text::new("默认关闭", "Off unless you turn it on")),
    ("purpose", Text::new("用途", "Used for")),
    ("provider", Text::new("设置方", "Set by")),
    ("lifetime", Text::new("保存期限", "Kept for")),
    ("policy", Text::new("隐私政策", "Privacy policy")),
    ("separate", Text::new("单独同意", "Separate consent")),
    (
        "separate_intro",
        Text::new(
            "以下 Cookie 由第三方设置，会向其提供您的个人信息，需要您单独同意。不同意不影响其他功能。",
            "The cookies below are set by a third party and provide it with your personal information, which needs your separate consent. Not agreeing affects nothing else.",
        ),
    ),
    ("agree", Text::new("同意", "Agree")),
    ("disagree", Text::new("不同意", "Do not agree")),
    ("reopen", Text::new("Cookie 设置", "Cookie settings")),
    ("saved", Text::new("已保存您的选择。", "Your choices are saved.")),
    (
        "failed",
        Text::new(
            "未能记录您的同意，扩展功能保持关闭。请稍后再试。",
            "Your consent could not be recorded; the additional functions stay off. Please try again later.",
        ),
    ),
    ("none", Text::new("本网站只使用必要的 Cookie。", "This website uses necessary cookies only.")),
    ("close", Text::new("关闭", "Close")),
];

/// The texts, one object per language.
pub fn catalogue() -> Text<Map<String, Value>> {
    let mut zh = Map::new();
    let mut en = Map::new();
    for (key, t) in TEXTS {
        zh.insert((*key).to_owned(), Value::from(t.zh));
        en.insert((*key).to_owned(), Value::from(t.en));
    }
    Text::new(zh, en)
}

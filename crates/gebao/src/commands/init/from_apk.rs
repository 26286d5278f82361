//! `gebao init --from-apk`: the starter manifest plus what the package shows — each
//! recognised SDK as a recipient and each permission that can collect PI as a permission
//! and a scenario — with every value the package cannot tell marked `待补充` (which
//! `gebao check` reports until it is filled in, NOT-14).

use gebao_core::manifest::PermissionKind;
use gebao_core::text::Lang;
use gebao_scan::ApkScan;
use std::fmt::Write;

/// A TOML string literal.
fn q(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// The TOML appended to the starter for `scan`.
pub fn sections(scan: &ApkScan, file: &str) -> String {
    let mut s = String::new();
    let w = &mut s;
    let _ = writeln!(w, "\n# ——— 以下来自安装包 {file} 的扫描（gebao init --from-apk）———");
    let _ = writeln!(
        w,
        "# 请补全标有“待补充”的内容、核实标有“待核实”的内容，然后运行 `gebao check` 和\n# `gebao scan apk {file} --manifest gebao.toml`。\n"
    );
    for found in &scan.sdks {
        let sdk = &found.sdk;
        let (purpose_zh, purpose_en) = sdk.purpose.describe();
        let _ = writeln!(w, "[[recipients]]\nid = {}", q(&format!("sdk-{}", sdk.id)));
        let _ =
            writeln!(w, "name = {}\nname_en = {}\nkind = \"sdk\"\nsdk = {}", q(&sdk.name), q(&sdk.name_en), q(&sdk.id));
        let confirmed = |fact: &str| sdk.confirmed.iter().any(|c| c == fact);
        match &sdk.company {
            Some(c) if confirmed("company") => {
                let _ = writeln!(w, "company = {}", q(c));
            }
            Some(c) => {
                let _ = writeln!(w, "# 待核实：SDK 目录中的公司名未经核实，请以其隐私政策为准\ncompany = {}", q(c));
            }
            None => {
                let _ = writeln!(w, "company = \"待补充：SDK 提供方的公司全称\"");
            }
        }
        let _ = writeln!(w, "purpose = {}\npurpose_en = {}", q(purpose_zh), q(purpose_en));
        let _ = writeln!(
            w,
            "method = \"嵌入应用的 SDK 在设备端收集\"\nmethod_en = \"collected on the device by the SDK embedded in the app\""
        );
        match &sdk.policy_url {
            Some(url) if confirmed("policy_url") => {
                let _ = writeln!(w, "policy_url = {}", q(url));
            }
            Some(url) => {
                let _ = writeln!(w, "# 待核实：链接来自 SDK 目录，未经核实\npolicy_url = {}", q(url));
            }
            None => {
                let _ = writeln!(w, "policy_url = \"待补充：SDK 隐私政策的链接\"");
            }
        }
        let typical: Vec<&str> = sdk.pi.iter().map(|c| c.name(Lang::ZhCn)).collect();
        let _ = writeln!(
            w,
            "# 待补充：它收集的字段（[[fields]] 的 id）和服务的目的（[[purposes]] 的 id）。SDK 目录中的典型个人信息：{}",
            if typical.is_empty() { "未列明".to_owned() } else { typical.join("、") }
        );
        let _ = writeln!(w, "fields = []\npurposes = []");
        if !sdk.permissions.is_empty() {
            let _ = writeln!(w, "# SDK 目录中它通常申请的权限：{}", sdk.permissions.join(", "));
        }
        let _ = writeln!(w, "# 安装包中的证据：{} 个类，如 {}\n", found.classes, found.example_class);
    }

    // One permission and one scenario per kind, with the package's names for it.
    let mut kinds = PermissionKind::group_android(scan.manifest.permissions.iter().map(|p| p.name.as_str()));
    kinds.retain(|(k, _)| k.collects_pi());
    for (kind, names) in &kinds {
        let label = kind.label();
        let _ = writeln!(w, "[[permissions]]\nid = \"{}\"", kind.as_str());
        let _ = writeln!(w, "# 安装包申请：{}", names.join(", "));
        let _ =
            writeln!(w, "purpose = {}\nplatforms = [\"android\"]", q(&format!("待补充：申请{}权限的目的", label.zh)));
        let _ = writeln!(w, "prompt = {}\n", q(&format!("待补充：申请{}权限时向用户展示的说明", label.zh)));
    }
    for (kind, _) in &kinds {
        let label = kind.label();
        let _ = writeln!(w, "[[scenarios]]\nid = \"uses-{}\"", kind.as_str());
        let _ = writeln!(w, "name = {}", q(&format!("待补充：使用{}权限的业务功能", label.zh)));
        let _ = writeln!(w, "# 待补充：该业务功能服务的目的（[[purposes]] 的 id）\npurposes = []");
        let _ = writeln!(w, "permissions = [\"{}\"]\n", kind.as_str());
    }
    s
}

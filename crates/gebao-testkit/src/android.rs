//! Real Android packages for the scan tests, built from source by Debian's `apktool`
//! (which assembles smali into DEX and compiles the manifest with `aapt`): no binary is
//! downloaded or checked in. Each class is an empty `java.lang.Object` subclass, which is all
//! a scan of class names needs.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What the package declares and contains.
#[derive(Debug, Clone, Default)]
pub struct AppSpec {
    pub package: String,
    pub min_sdk: u32,
    pub target_sdk: u32,
    /// `(name, maxSdkVersion)`.
    pub permissions: Vec<(String, Option<u32>)>,
    /// `(name, required)`.
    pub features: Vec<(String, bool)>,
    /// Raw XML put inside `<application>`.
    pub components: String,
    /// The classes of `classes.dex`, `classes2.dex`, …
    pub dex: Vec<Vec<String>>,
}

impl AppSpec {
    /// A package `package` with one dex of `classes`.
    pub fn new(package: &str, classes: &[&str]) -> AppSpec {
        AppSpec {
            package: package.into(),
            min_sdk: 21,
            target_sdk: 30,
            dex: vec![classes.iter().map(|c| (*c).to_owned()).collect()],
            ..AppSpec::default()
        }
    }

    fn manifest(&self) -> String {
        let mut xml = format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<manifest xmlns:android=\"http://schemas.android.com/apk/res/android\" package=\"{}\">\n",
            self.package
        );
        for (name, max) in &self.permissions {
            let max = max.map(|m| format!(" android:maxSdkVersion=\"{m}\"")).unwrap_or_default();
            let _ = writeln!(xml, "  <uses-permission android:name=\"{name}\"{max}/>");
        }
        for (name, required) in &self.features {
            let _ = writeln!(xml, "  <uses-feature android:name=\"{name}\" android:required=\"{required}\"/>");
        }
        let _ =
            write!(xml, "  <application android:label=\"Test\">\n{}\n  </application>\n</manifest>\n", self.components);
        xml
    }

    fn apktool_yml(&self) -> String {
        format!(
            "version: 2.7.0\napkFileName: app.apk\nisFrameworkApk: false\nusesFramework:\n  ids:\n  - 1\nsdkInfo:\n  minSdkVersion: '{}'\n  targetSdkVersion: '{}'\npackageInfo:\n  forcedPackageId: '127'\nversionInfo:\n  versionCode: '7'\n  versionName: '1.2.3'\ndoNotCompress: null\n",
            self.min_sdk, self.target_sdk
        )
    }
}

/// Whether `apktool` is installed; when it is not, `None` (a failure under `CI=true`).
fn apktool() -> Option<&'static str> {
    let found = Command::new("apktool").arg("--version").output().is_ok_and(|o| o.status.success());
    if found {
        return Some("apktool");
    }
    let msg = "apktool is not installed (apt-get install apktool aapt; scripts/android-tools does it)";
    assert!(!crate::ci(), "{msg}");
    eprintln!("skipped: {msg}");
    None
}

/// Builds the package into `dir` and returns the APK's path; `None` when apktool is missing.
pub fn build_apk(dir: &Path, spec: &AppSpec) -> Option<PathBuf> {
    let apktool = apktool()?;
    let src = dir.join("apk-src");
    std::fs::create_dir_all(src.join("res/values")).unwrap();
    std::fs::write(src.join("AndroidManifest.xml"), spec.manifest()).unwrap();
    std::fs::write(src.join("apktool.yml"), spec.apktool_yml()).unwrap();
    std::fs::write(
        src.join("res/values/strings.xml"),
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<resources><string name=\"app_name\">Test</string></resources>\n",
    )
    .unwrap();
    for (i, classes) in spec.dex.iter().enumerate() {
        let root = if i == 0 { src.join("smali") } else { src.join(format!("smali_classes{}", i + 1)) };
        for class in classes {
            let path = root.join(format!("{}.smali", class.replace('.', "/")));
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            let descriptor = format!("L{};", class.replace('.', "/"));
            std::fs::write(&path, format!(".class public {descriptor}\n.super Ljava/lang/Object;\n")).unwrap();
        }
    }
    let out = dir.join("app.apk");
    let run = Command::new(apktool).args(["b", "-o"]).arg(&out).arg(&src).env("HOME", dir).output().unwrap();
    assert!(run.status.success(), "apktool b failed: {}", String::from_utf8_lossy(&run.stderr));
    Some(out)
}

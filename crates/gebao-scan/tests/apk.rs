//! Scans of real APKs built from source by apktool: the scan finds exactly the SDKs and
//! permissions put in, and refuses damaged, encrypted and oversized packages with the entry
//! named.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use gebao_scan::{Catalogue, ComponentKind, Limits, ScanError, scan_apk};
use gebao_testkit::android::{AppSpec, build_apk};
use std::io::Write;
use std::path::{Path, PathBuf};

fn shop(dir: &Path) -> Option<PathBuf> {
    let mut spec = AppSpec::new(
        "com.example.shop",
        &[
            "com.example.shop.Main",
            "com.example.shop.cart.Cart",
            "com.umeng.analytics.MobclickAgent",
            "com.umeng.commonsdk.UMConfigure",
            "cn.jpush.android.api.JPushInterface",
            "cn.jpush.android.service.PushService",
            "com.amap.api.location.AMapLocationClient",
            "androidx.core.app.ActivityCompat",
            "kotlin.Unit",
        ],
    );
    spec.dex.push(vec![
        "com.tencent.bugly.crashreport.CrashReport".into(),
        "com.unknownvendor.lib.Foo".into(),
        "com.unknownvendor.lib.Bar".into(),
    ]);
    spec.permissions = [
        ("android.permission.INTERNET", None),
        ("android.permission.ACCESS_FINE_LOCATION", None),
        ("android.permission.READ_CONTACTS", None),
        ("android.permission.CAMERA", None),
        ("android.permission.READ_PHONE_STATE", Some(28)),
    ]
    .map(|(n, m)| (n.to_owned(), m))
    .to_vec();
    spec.features = vec![("android.hardware.camera".into(), false)];
    spec.components = r#"
    <activity android:name=".Main">
      <intent-filter><action android:name="android.intent.action.MAIN"/><category android:name="android.intent.category.LAUNCHER"/></intent-filter>
    </activity>
    <service android:name="cn.jpush.android.service.PushService" android:exported="false"/>
    <receiver android:name="com.example.shop.Boot" android:exported="true" android:permission="android.permission.RECEIVE_BOOT_COMPLETED"/>
    <provider android:name="com.example.shop.Files" android:authorities="com.example.shop.files" android:exported="false"/>
    "#
    .into();
    build_apk(dir, &spec)
}

#[test]
fn the_scan_finds_exactly_what_the_package_holds() {
    let dir = tempfile::tempdir().unwrap();
    let Some(apk) = shop(dir.path()) else { return };
    let scan = scan_apk(&apk, &Catalogue::built_in().unwrap(), Limits::default()).unwrap();

    let m = &scan.manifest;
    assert_eq!(m.package, "com.example.shop");
    assert_eq!((m.min_sdk, m.target_sdk), (Some(21), Some(30)));
    assert_eq!((m.version_name.as_deref(), m.version_code), (Some("1.2.3"), Some(7)));
    let permissions: Vec<(&str, Option<i64>)> = m.permissions.iter().map(|p| (p.name.as_str(), p.max_sdk)).collect();
    assert_eq!(
        permissions,
        [
            ("android.permission.INTERNET", None),
            ("android.permission.ACCESS_FINE_LOCATION", None),
            ("android.permission.READ_CONTACTS", None),
            ("android.permission.CAMERA", None),
            ("android.permission.READ_PHONE_STATE", Some(28)),
        ]
    );
    assert_eq!(m.features.len(), 1);
    assert!(!m.features[0].required);

    let component = |name: &str| m.components.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("{name}"));
    let main = component("com.example.shop.Main");
    assert_eq!((main.kind, main.exported, main.exported_implicitly), (ComponentKind::Activity, true, true));
    assert!(!component("cn.jpush.android.service.PushService").exported);
    let boot = component("com.example.shop.Boot");
    assert!(boot.exported && !boot.exported_implicitly);
    assert_eq!(boot.permission.as_deref(), Some("android.permission.RECEIVE_BOOT_COMPLETED"));
    assert!(!component("com.example.shop.Files").exported);

    assert_eq!(
        scan.dex.iter().map(|d| (d.name.as_str(), d.classes)).collect::<Vec<_>>(),
        [("classes.dex", 9), ("classes2.dex", 3)]
    );
    let sdks: Vec<(&str, usize)> = scan.sdks.iter().map(|s| (s.sdk.id.as_str(), s.classes)).collect();
    assert_eq!(sdks, [("jpush", 2), ("umeng-analytics", 2), ("amap-location", 1), ("tencent-bugly", 1)]);
    assert_eq!(scan.sdks[0].example_class, "cn.jpush.android.api.JPushInterface");
    let unknown: Vec<(&str, usize)> = scan.unrecognised.iter().map(|p| (p.package.as_str(), p.classes)).collect();
    assert_eq!(unknown, [("com.unknownvendor.lib", 2)], "the app's own and the platform's classes are not listed");
}

#[test]
fn a_truncated_package_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let Some(apk) = shop(dir.path()) else { return };
    let bytes = std::fs::read(&apk).unwrap();
    let cut = dir.path().join("cut.apk");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let e = scan_apk(&cut, &Catalogue::built_in().unwrap(), Limits::default()).unwrap_err();
    assert!(matches!(e, ScanError::NotAnArchive { .. }), "{e:?}");
    assert!(e.to_string().contains("cut.apk"), "{e}");
}

/// A package whose manifest is fine and whose `classes.dex` unpacks to 64 MiB of zeros from
/// under 100 KiB.
fn bomb(dir: &Path, manifest: &[u8]) -> PathBuf {
    let path = dir.join("bomb.apk");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let deflated = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("AndroidManifest.xml", deflated).unwrap();
    zip.write_all(manifest).unwrap();
    zip.start_file("classes.dex", deflated.large_file(true)).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..64 {
        zip.write_all(&zeros).unwrap();
    }
    zip.finish().unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 200 << 10);
    path
}

fn manifest_of(apk: &Path) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(apk).unwrap()).unwrap();
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut zip.by_name("AndroidManifest.xml").unwrap(), &mut out).unwrap();
    out
}

#[test]
fn a_zip_bomb_is_refused_before_it_is_unpacked() {
    let dir = tempfile::tempdir().unwrap();
    let Some(apk) = shop(dir.path()) else { return };
    let bomb = bomb(dir.path(), &manifest_of(&apk));
    let limits = Limits { max_entry_bytes: 16 << 20, ..Limits::default() };
    let e = scan_apk(&bomb, &Catalogue::built_in().unwrap(), limits).unwrap_err();
    match &e {
        ScanError::TooLarge { entry, limit } => assert_eq!((entry.as_str(), *limit), ("classes.dex", 16 << 20)),
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("zip bomb"), "{e}");
}

#[test]
fn an_encrypted_package_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let Some(apk) = shop(dir.path()) else { return };
    // Set the "encrypted" flag of every entry, in the local and the central headers.
    let mut bytes = std::fs::read(&apk).unwrap();
    for i in 0..bytes.len().saturating_sub(8) {
        match bytes[i..i + 4] {
            [0x50, 0x4b, 0x03, 0x04] => bytes[i + 6] |= 1,
            [0x50, 0x4b, 0x01, 0x02] => bytes[i + 8] |= 1,
            _ => {}
        }
    }
    let locked = dir.path().join("locked.apk");
    std::fs::write(&locked, bytes).unwrap();
    let e = scan_apk(&locked, &Catalogue::built_in().unwrap(), Limits::default()).unwrap_err();
    assert!(matches!(e, ScanError::Encrypted { .. }), "{e:?}");
}

#[test]
fn a_zip_that_is_not_an_app_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("photos.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    zip.start_file("a.jpg", zip::write::SimpleFileOptions::default()).unwrap();
    zip.write_all(b"not a photo").unwrap();
    zip.finish().unwrap();
    let e = scan_apk(&path, &Catalogue::built_in().unwrap(), Limits::default()).unwrap_err();
    assert!(matches!(e, ScanError::NoManifest { .. }), "{e:?}");
    // A manifest in plain text, as in a source tree, is not a compiled one.
    let path = dir.path().join("source.apk");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    zip.start_file("AndroidManifest.xml", zip::write::SimpleFileOptions::default()).unwrap();
    zip.write_all(b"<?xml version=\"1.0\"?><manifest package=\"x\"/>").unwrap();
    zip.finish().unwrap();
    let e = scan_apk(&path, &Catalogue::built_in().unwrap(), Limits::default()).unwrap_err();
    assert!(matches!(e, ScanError::BadManifest { offset: 0, .. }), "{e:?}");
}

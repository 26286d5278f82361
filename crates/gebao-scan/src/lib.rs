//! What an app really contains, read from its package without running it: an Android APK's
//! `AndroidManifest.xml` (package, SDK levels, permissions, features, components and which
//! are exported) and the classes of every `classes*.dex`, matched against the SDK catalogue
//! by package prefix. `gebao_core::rules::scan::compare` then holds the result against the
//! manifest.
//!
//! Every input is untrusted: reads are bounds-checked (`bytes.rs`), unpacking is capped
//! (`apk.rs`), and any damage ends in a [`ScanError`] naming the entry and offset.
//!
//! [`site`] records what a web page really does in a real browser — its cookies, storage
//! keys and third-party requests, before consent and after a choice in the gebao banner —
//! for `gebao_core::rules::site::compare`.

#![forbid(unsafe_code)]

mod apk;
mod axml;
mod bytes;
pub mod catalogue;
mod dex;
mod error;
mod manifest;
pub mod site;

pub use apk::Limits;
pub use catalogue::{Catalogue, Sdk, SdkPurpose};
pub use error::ScanError;
pub use manifest::{AppManifest, Component, ComponentKind, Feature, RequestedPermission};

use gebao_core::manifest::Platform;
use gebao_core::rules::scan::{AppFacts, FoundSdk};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// What a scan of an APK found.
#[derive(Debug, Clone, Serialize)]
pub struct ApkScan {
    /// The file scanned, as given.
    pub file: String,
    pub manifest: AppManifest,
    /// Each `classes*.dex` and the number of classes it defines.
    pub dex: Vec<DexFile>,
    /// The SDKs recognised, most classes first.
    pub sdks: Vec<SdkFound>,
    /// Packages of third-party code the catalogue does not know (outside the app's own
    /// package and the platform's libraries), with their class counts, largest first.
    pub unrecognised: Vec<PackageCount>,
    /// DEX, JAR or APK files packed elsewhere in the archive: code the app may load at run
    /// time, which this scan does not read.
    pub packed_code: Vec<String>,
    /// Native libraries (`lib/<abi>/*.so`).
    pub native_libraries: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DexFile {
    pub name: String,
    pub classes: usize,
}

/// An SDK found in the code.
#[derive(Debug, Clone, Serialize)]
pub struct SdkFound {
    #[serde(flatten)]
    pub sdk: Sdk,
    /// How many of the app's classes are the SDK's.
    pub classes: usize,
    /// One of them, as evidence.
    pub example_class: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PackageCount {
    pub package: String,
    pub classes: usize,
}

impl ApkScan {
    /// The classes counted in every DEX file.
    pub fn class_count(&self) -> usize {
        self.dex.iter().map(|d| d.classes).sum()
    }

    /// The facts the manifest is compared with.
    pub fn facts(&self) -> AppFacts {
        AppFacts {
            platform: Some(Platform::Android),
            sdks: self
                .sdks
                .iter()
                .map(|f| FoundSdk {
                    id: f.sdk.id.clone(),
                    name: f.sdk.name.clone(),
                    name_en: f.sdk.name_en.clone(),
                    company: f.sdk.company.clone(),
                    example_class: f.example_class.clone(),
                })
                .collect(),
            permissions: self.manifest.permissions.iter().map(|p| p.name.clone()).collect(),
        }
    }
}

/// Libraries every Android app carries that are nobody's SDK.
const PLATFORM_PACKAGES: &[&str] = &[
    "android",
    "androidx",
    "kotlin",
    "kotlinx",
    "java",
    "javax",
    "dalvik",
    "org.intellij",
    "org.jetbrains",
    "_COROUTINE",
    "com.google.android.material",
    "com.google.gson",
    "okhttp3",
    "okio",
    "retrofit2",
];

fn is_platform(class: &str) -> bool {
    PLATFORM_PACKAGES.iter().any(|p| class.strip_prefix(p).is_some_and(|rest| rest.is_empty() || rest.starts_with('.')))
}

/// The package that names third-party code in the "unrecognised" list: its first three
/// parts (`com.vendor.product`).
fn package_key(class: &str) -> Option<String> {
    let parts: Vec<&str> = class.split('.').collect();
    (parts.len() > 1).then(|| parts[..parts.len().saturating_sub(1).clamp(1, 3)].join("."))
}

/// Scans the APK at `path`.
pub fn scan_apk(path: &Path, catalogue: &Catalogue, limits: Limits) -> Result<ApkScan, ScanError> {
    let mut apk = apk::Apk::open(path, limits)?;
    let names = apk.names();
    let manifest_bytes =
        apk.read("AndroidManifest.xml")?.ok_or_else(|| ScanError::NoManifest { path: apk.path().to_owned() })?;
    let elements =
        axml::decode(&manifest_bytes).map_err(|e| ScanError::BadManifest { offset: e.offset, what: e.what })?;
    let manifest = AppManifest::from_elements(&elements);
    if manifest.package.is_empty() {
        return Err(ScanError::BadManifest { offset: 0, what: "the <manifest> element has no package".into() });
    }

    let mut dex = Vec::new();
    let mut per_sdk: BTreeMap<usize, (usize, String)> = BTreeMap::new();
    let mut unrecognised: BTreeMap<String, usize> = BTreeMap::new();
    let own = format!("{}.", manifest.package);
    for entry in apk::dex_entries(&names) {
        let Some(data) = apk.read(&entry)? else { continue };
        let classes = dex::class_names(&data).map_err(|e| ScanError::BadDex {
            entry: entry.clone(),
            offset: e.offset,
            what: e.what,
        })?;
        dex.push(DexFile { name: entry, classes: classes.len() });
        for class in classes {
            if let Some(i) = catalogue.identify(&class) {
                let seen = per_sdk.entry(i).or_insert((0, String::new()));
                seen.0 += 1;
                if seen.1.is_empty() || class < seen.1 {
                    seen.1 = class;
                }
            } else if !class.starts_with(&own)
                && !is_platform(&class)
                && let Some(key) = package_key(&class)
            {
                *unrecognised.entry(key).or_default() += 1;
            }
        }
    }

    let mut sdks: Vec<SdkFound> = per_sdk
        .into_iter()
        .map(|(i, (classes, example_class))| SdkFound { sdk: catalogue.sdks()[i].clone(), classes, example_class })
        .collect();
    sdks.sort_by(|a, b| b.classes.cmp(&a.classes).then_with(|| a.sdk.id.cmp(&b.sdk.id)));
    let mut unrecognised: Vec<PackageCount> =
        unrecognised.into_iter().map(|(package, classes)| PackageCount { package, classes }).collect();
    unrecognised.sort_by(|a, b| b.classes.cmp(&a.classes).then_with(|| a.package.cmp(&b.package)));

    Ok(ApkScan {
        file: path.display().to_string(),
        manifest,
        dex,
        sdks,
        unrecognised,
        packed_code: apk::packed_code(&names),
        native_libraries: apk::native_libraries(&names),
    })
}

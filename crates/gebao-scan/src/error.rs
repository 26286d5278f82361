//! One error type for reading an app package. Each message names the file or entry, the
//! byte offset where it helps, and what to do. `Display` is English (for logs);
//! [`ScanError::message`] gives the zh-CN text too.

use gebao_core::text::Lang;

/// What can go wrong when reading an APK.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// The file could not be opened or read.
    #[error("cannot read `{path}`: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// Not a ZIP archive, or its central directory is cut off.
    #[error("`{path}` is not a readable APK (ZIP) file ({reason}): pass the .apk the build produced, complete")]
    NotAnArchive { path: String, reason: String },
    /// An entry the scan needs is encrypted.
    #[error("entry `{entry}` is encrypted: scan the unencrypted APK the build produced")]
    Encrypted { entry: String },
    /// An entry is compressed with a method the scan does not read.
    #[error("entry `{entry}` uses a compression method other than stored or deflate: scan the APK as built")]
    Unsupported { entry: String },
    /// An entry, or the archive, is larger than the scan reads (a zip bomb looks like this).
    #[error(
        "entry `{entry}` unpacks to more than {limit} bytes, more than an app package holds: this looks like a zip bomb; if the APK is genuine, raise the limit with --max-entry-bytes"
    )]
    TooLarge { entry: String, limit: u64 },
    /// Too many entries in the archive.
    #[error("the archive has {count} entries, more than {limit}: this is not an app package")]
    TooManyEntries { count: usize, limit: usize },
    /// The entry's data is cut off or corrupt.
    #[error("entry `{entry}` is damaged ({reason}): rebuild or download the APK again")]
    Damaged { entry: String, reason: String },
    /// No `AndroidManifest.xml`.
    #[error(
        "`{path}` has no AndroidManifest.xml: it is not an Android app package (an .aab bundle must be turned into an APK first, e.g. with bundletool)"
    )]
    NoManifest { path: String },
    /// The binary manifest could not be decoded.
    #[error(
        "AndroidManifest.xml, byte {offset}: {what}: the file is not a compiled Android manifest, or it is damaged"
    )]
    BadManifest { offset: usize, what: String },
    /// A DEX file could not be read.
    #[error("`{entry}`, byte {offset}: {what}: the DEX file is damaged or not a DEX file")]
    BadDex { entry: String, offset: usize, what: String },
    /// The SDK catalogue could not be read.
    #[error("SDK catalogue `{origin}`: {what}")]
    Catalogue { origin: String, what: String },
}

impl ScanError {
    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            ScanError::Io { path, source } => format!("无法读取 `{path}`：{source}"),
            ScanError::NotAnArchive { path, reason } => {
                format!("`{path}` 不是可读的 APK（ZIP）文件（{reason}）：请传入构建生成的完整 .apk 文件")
            }
            ScanError::Encrypted { entry } => format!("条目 `{entry}` 已加密：请扫描构建生成的未加密 APK"),
            ScanError::Unsupported { entry } => {
                format!("条目 `{entry}` 使用了 stored 和 deflate 以外的压缩方法：请扫描原始构建的 APK")
            }
            ScanError::TooLarge { entry, limit } => format!(
                "条目 `{entry}` 解压后超过 {limit} 字节，超出应用安装包的正常大小，疑似压缩炸弹；如确为正常 APK，可用 --max-entry-bytes 调高上限"
            ),
            ScanError::TooManyEntries { count, limit } => {
                format!("压缩包有 {count} 个条目，超过 {limit} 个：这不是应用安装包")
            }
            ScanError::Damaged { entry, reason } => {
                format!("条目 `{entry}` 已损坏（{reason}）：请重新构建或重新下载 APK")
            }
            ScanError::NoManifest { path } => format!(
                "`{path}` 中没有 AndroidManifest.xml：它不是 Android 安装包（.aab 需先用 bundletool 等工具转成 APK）"
            ),
            ScanError::BadManifest { offset, what } => {
                format!("AndroidManifest.xml 第 {offset} 字节：{what}：该文件不是编译后的 Android 清单，或已损坏")
            }
            ScanError::BadDex { entry, offset, what } => {
                format!("`{entry}` 第 {offset} 字节：{what}：DEX 文件已损坏或不是 DEX 文件")
            }
            ScanError::Catalogue { origin, what } => format!("SDK 目录 `{origin}`：{what}"),
        }
    }
}

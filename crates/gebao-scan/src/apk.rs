//! Reading an APK (a ZIP archive) with bounds: the entry count, each entry's unpacked size
//! and the total unpacked are capped, and sizes are enforced while unpacking, not taken from
//! the archive's own claims — so a zip bomb or a truncated download ends in an error.

use crate::error::ScanError;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use zip::result::ZipError;

/// How much the scan reads at most.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_entries: usize,
    /// One entry, unpacked (a DEX file of a very large app is ~100 MiB).
    pub max_entry_bytes: u64,
    /// Every entry read, unpacked, together.
    pub max_total_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_entries: 250_000, max_entry_bytes: 256 << 20, max_total_bytes: 2 << 30 }
    }
}

/// An open APK.
pub struct Apk {
    path: String,
    archive: zip::ZipArchive<BufReader<File>>,
    limits: Limits,
    read: u64,
}

impl Apk {
    pub fn open(path: &Path, limits: Limits) -> Result<Apk, ScanError> {
        let shown = path.display().to_string();
        let file = File::open(path).map_err(|source| ScanError::Io { path: shown.clone(), source })?;
        let archive = zip::ZipArchive::new(BufReader::new(file)).map_err(|e| match e {
            ZipError::Io(source) => ScanError::Io { path: shown.clone(), source },
            other => ScanError::NotAnArchive { path: shown.clone(), reason: other.to_string() },
        })?;
        if archive.len() > limits.max_entries {
            return Err(ScanError::TooManyEntries { count: archive.len(), limit: limits.max_entries });
        }
        Ok(Apk { path: shown, archive, limits, read: 0 })
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    /// Every entry's name, in archive order.
    pub fn names(&self) -> Vec<String> {
        self.archive.file_names().map(str::to_owned).collect()
    }

    /// The unpacked bytes of entry `name`, or `None` when there is no such entry.
    pub fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, ScanError> {
        let Some(index) = self.archive.index_for_name(name) else { return Ok(None) };
        let entry_error = |e: ZipError| match e {
            ZipError::UnsupportedArchive(m) if m.contains("assword") || m.contains("ncrypt") => {
                ScanError::Encrypted { entry: name.to_owned() }
            }
            ZipError::UnsupportedArchive(_) => ScanError::Unsupported { entry: name.to_owned() },
            other => ScanError::Damaged { entry: name.to_owned(), reason: other.to_string() },
        };
        let entry = self.archive.by_index(index).map_err(entry_error)?;
        if entry.encrypted() {
            return Err(ScanError::Encrypted { entry: name.to_owned() });
        }
        let left = self.limits.max_total_bytes.saturating_sub(self.read);
        let limit = self.limits.max_entry_bytes.min(left);
        let too_large = || ScanError::TooLarge { entry: name.to_owned(), limit };
        if entry.size() > limit {
            return Err(too_large());
        }
        let mut out = Vec::with_capacity(usize::try_from(entry.size()).unwrap_or(0).min(1 << 26));
        entry
            .take(limit + 1)
            .read_to_end(&mut out)
            .map_err(|e| ScanError::Damaged { entry: name.to_owned(), reason: e.to_string() })?;
        if out.len() as u64 > limit {
            return Err(too_large());
        }
        self.read += out.len() as u64;
        Ok(Some(out))
    }
}

/// `classes.dex`, `classes2.dex`, … at the archive's root, in load order.
pub fn dex_entries(names: &[String]) -> Vec<String> {
    let mut dex: Vec<(u32, String)> = names
        .iter()
        .filter_map(|n| {
            let number = n.strip_prefix("classes")?.strip_suffix(".dex")?;
            let order = if number.is_empty() { Some(1) } else { number.parse::<u32>().ok().filter(|n| *n >= 2) }?;
            Some((order, n.clone()))
        })
        .collect();
    dex.sort();
    dex.into_iter().map(|(_, n)| n).collect()
}

/// Code the app may load at run time, which a scan of `classes*.dex` does not see: DEX,
/// JAR and APK files packed elsewhere in the archive.
pub fn packed_code(names: &[String]) -> Vec<String> {
    let root = dex_entries(names);
    names
        .iter()
        .filter(|n| !root.contains(n))
        .filter(|n| [".dex", ".jar", ".apk", ".odex", ".vdex"].iter().any(|ext| n.to_ascii_lowercase().ends_with(ext)))
        .cloned()
        .collect()
}

/// The native libraries (`lib/<abi>/libX.so`), each name once.
pub fn native_libraries(names: &[String]) -> Vec<String> {
    let mut libs: Vec<String> = names
        .iter()
        .filter_map(|n| n.strip_prefix("lib/")?.split_once('/').map(|(_, lib)| lib.to_owned()))
        .filter(|lib| lib.ends_with(".so") && !lib.contains('/'))
        .collect();
    libs.sort();
    libs.dedup();
    libs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dex_files_load_in_order() {
        let names: Vec<String> = [
            "classes3.dex",
            "classes.dex",
            "classes2.dex",
            "classes1.dex",
            "assets/plugin.dex",
            "lib/arm64-v8a/libx.so",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(dex_entries(&names), ["classes.dex", "classes2.dex", "classes3.dex"]);
        assert_eq!(packed_code(&names), ["classes1.dex", "assets/plugin.dex"]);
        assert_eq!(native_libraries(&names), ["libx.so"]);
    }
}
